//===- Passes.td - lowering passes --------------------------*- tablegen -*-===//
//
// Part of quant-mlir. Passes of the lowering stage (qgraph + qweight ->
// upstream linalg/tensor/arith/math, and memref-level microkernel calls).
// Alphabetical within the file.
//
//===----------------------------------------------------------------------===//

#ifndef QM_PASSES_LOWERING_PASSES_TD
#define QM_PASSES_LOWERING_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQGraphToLinalgPass : Pass<"convert-qgraph-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lower qgraph and qweight ops to linalg, tensor, arith and math";
  let description = [{
    Rewrites every `qgraph` op (ONNX semantics: numpy broadcasting, negative
    indices and axes, Slice clamping, truncating integer division) into
    `linalg.generic`, `linalg.matmul` / `linalg.batch_matmul`,
    `linalg.transpose` and `tensor` reshapes / slices on the same tensor
    types, and the `qweight` ops into an in-IR dequantization
    (`qweight.dequantize`, `qweight.matmul`) or a call to the runtime's
    observer (`qweight.observe` -> `qmrt_observe`).

    Shapes must be static: import with pinned input shapes and run shape
    refinement first. An op that cannot be lowered (dynamic shape, unknown
    constant axes, negative Slice steps) is reported at its location and the
    pass fails.

    #### Input invariant
    - Functions of `qgraph` / `qweight` ops on statically shaped tensors;
      shape operands that decide result types (axes of reductions, CumSum's
      axis, Split sizes) are constants.

    #### Output IR
    - Only upstream `linalg`, `tensor`, `arith`, `math`, `bufferization`,
      `memref`, `llvm` and `func` ops; no `qgraph` or `qweight` op remains.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::func::FuncDialect"];
}

def FuseElementwisePass : Pass<"qm-fuse-elementwise"> {
  let summary = "Fuse elementwise linalg.generic ops, keeping named matmuls";
  let description = [{
    Upstream `linalg-fuse-elementwise-ops` restricted to `linalg.generic`
    producers and consumers: a producer with a single user is fused into its
    consumer (no recomputation). Named ops
    (`linalg.matmul`, `linalg.batch_matmul`) are never generalized, so
    `qm-linalg-to-microkernels` still finds them after bufferization.

    #### Input invariant
    - Tensor-level linalg IR.

    #### Output IR
    - Fewer, larger `linalg.generic` ops; named ops untouched.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def LinalgToMicrokernelsPass : Pass<"qm-linalg-to-microkernels", "::mlir::ModuleOp"> {
  let summary = "Replace f32 matmuls on memrefs by calls to qmrt_sgemm";
  let description = [{
    IREE-style microkernels: after bufferization, every `linalg.matmul` and
    `linalg.batch_matmul` on f32 memrefs with unit inner strides and the
    default indexing maps (`C = A B`, row-major) whose `M * N * K` is at
    least `min-flops` becomes a call to the runtime's

    ```c
    void qmrt_sgemm(int64_t M, int64_t N, int64_t K, const float *A,
                    int64_t lda, const float *B, int64_t ldb, float *C,
                    int64_t ldc);   // C = A B, overwrites C
    ```

    (a loop of calls for the batch dimension). A `linalg.fill` of the
    output that only this matmul reads is removed, since the call
    overwrites C. Other matmuls stay for code generation.

    #### Input invariant
    - Bufferized IR (`linalg` on `memref`).

    #### Output IR
    - `func.call @qmrt_sgemm(...)` with `!llvm.ptr` operands computed by
      `memref.extract_strided_metadata` / `extract_aligned_pointer_as_index`.
  }];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect"];
  let options = [
    Option<"minFlops", "min-flops", "int64_t", /*default=*/"0",
           "Only replace matmuls with M*N*K at least this">,
  ];
}

def OutlineLoopNestsPass : Pass<"qm-outline-loop-nests", "::mlir::ModuleOp"> {
  let summary = "Move every top-level loop nest of a function into its own function";
  let description = [{
    After `convert-linalg-to-loops`, a whole model is one function with
    hundreds of loop nests. LLVM's loop passes (IndVarSimplify above all)
    scale badly with the size of one function: tinyllama's single `main`
    took 6 s in IndVarSimplify alone. This pass gives each outermost
    `scf.for` / `scf.parallel` nest of a function its own private function
    (IREE's dispatch regions play the same role), marked `noinline` so LLVM
    optimizes many small functions instead of one large one.

    Values the nest uses from above become arguments, except constant-like
    ops (`arith.constant`, `memref.get_global`, ...) without operands,
    which are cloned into the new function so LLVM still sees constant trip
    counts and global addresses. Nests with fewer than `min-ops` operations
    stay where they are.

    #### Input invariant
    - Bufferized IR with loops (`scf`), before `convert-scf-to-cf`.

    #### Output IR
    - `func.func private @<caller>_nest<N>` functions with attribute
      `passthrough = ["noinline"]` (which `convert-func-to-llvm` keeps)
      and one `func.call` in place of each nest.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
  let options = [
    Option<"minOps", "min-ops", "int64_t", /*default=*/"8",
           "Only outline nests with at least this many operations">,
  ];
}

#endif // QM_PASSES_LOWERING_PASSES_TD
