//===- Passes.td - graph-level passes -----------------------*- tablegen -*-===//
//
// Part of quant-mlir. Passes of the graph stage (qgraph -> qgraph), run
// right after import: shape refinement and constant folding of the shape
// subgraphs. Alphabetical within the file.
//
//===----------------------------------------------------------------------===//

#ifndef QM_PASSES_GRAPH_PASSES_TD
#define QM_PASSES_GRAPH_PASSES_TD

include "mlir/Pass/PassBase.td"

def RefineShapesPass : Pass<"qm-graph-refine-shapes", "::mlir::ModuleOp"> {
  let summary = "Make result types as static as the operands allow";
  let description = [{
    Walks every function in program order and replaces dynamic result
    dimensions with static ones where the operands determine them:

    - ops with `InferTypeOpInterface` (elementwise binary, where, matmul,
      gemm, shape, transpose, concat, gather, gather_nd) get their inferred
      type where it is more refined;
    - ops whose result shape depends on operand *values* (reshape, expand,
      slice, range, constant_of_shape, squeeze, unsqueeze, reduce_*, split)
      get the shape those values imply when the operands are constants;
    - shape-preserving ops (unary, cast, softmax, layer_norm, rms_norm,
      cumsum, trilu, dequantize_linear, matmul_nbits, qweight.observe,
      qweight.matmul) follow their input.

    Optionally `pin` fixes the shapes of function arguments first
    (`pin=input_ids=1x128`, keyed by the `qgraph.name` argument attribute or
    the argument number). With `fold` (the default) the pass then folds and
    canonicalizes (all canonicalization patterns, as `-canonicalize`) and
    repeats refine + fold until nothing changes, so the shape subgraphs of
    an ONNX export (Shape -> Gather -> Unsqueeze -> Concat -> Reshape, the
    attention-mask and rotary-position subgraphs) become constants once the
    input shapes are pinned. Function result types follow the returned
    values. A refined value used by an op outside qgraph/qweight/func.return
    reaches it through a `tensor.cast` to its old type.

    #### Input invariant
    - Functions of `qgraph`/`qweight` ops on ranked tensors (the importer's
      output).

    #### Output IR
    - The same ops with result types as static as derivable; with `fold`,
      shape arithmetic replaced by `arith.constant`.

    ```mlir
    // before (input_ids pinned to 1x128)
    %s = qgraph.shape %ids : (tensor<1x128xi64>) -> tensor<2xi64>
    %r = qgraph.reshape %x, %s : (tensor<?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
    // after
    %c = arith.constant dense<[1, 128]> : tensor<2xi64>
    %r = qgraph.reshape %x, %c : (tensor<?xf32>, tensor<2xi64>) -> tensor<1x128xf32>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
  let options = [
    Option<"fold", "fold", "bool", /*default=*/"true",
           "Fold and canonicalize between refinements, up to a fixpoint">,
    ListOption<"pin", "pin", "std::string",
               "Argument shapes to pin first, as <name-or-index>=<AxBxC>">,
    Option<"maxIterations", "max-iterations", "int64_t", /*default=*/"16",
           "Upper bound on refine + fold rounds">,
  ];
}

#endif // QM_PASSES_GRAPH_PASSES_TD
