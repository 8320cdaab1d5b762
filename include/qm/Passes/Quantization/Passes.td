//===- Passes.td - quantization passes ----------------------*- tablegen -*-===//
//
// Part of quant-mlir. Passes of the quantization stage
// (qgraph -> qgraph + qweight): calibration instrumentation, RTN, GPTQ, AWQ
// and packing. Alphabetical within the file.
//
//===----------------------------------------------------------------------===//

#ifndef QM_PASSES_QUANTIZATION_PASSES_TD
#define QM_PASSES_QUANTIZATION_PASSES_TD

include "mlir/Pass/PassBase.td"

def InsertObserversPass : Pass<"qm-quant-insert-observers", "::mlir::ModuleOp"> {
  let summary = "Insert calibration observers before quantizable matmuls";
  let description = [{
    Finds every `qgraph.matmul` whose right operand is a constant 2-D weight
    (`arith.constant`, possibly through `qgraph.identity`) and routes its left
    operand through `qweight.observe`, tagged with the matmul's name (the
    `NameLoc` the importer attached, else `matmul_<i>` in program order).
    Matmuls already fed by an observer are left alone, so the pass is
    idempotent.

    #### Input invariant
    - Functions of `qgraph` ops; weights are constants.

    #### Output IR
    - `qweight.observe %x tag "<name>"` feeding each quantizable matmul.
  }];
  let dependentDialects = ["::mlir::qm::qweight::QWeightDialect"];
  let options = [
    Option<"minK", "min-k", "int64_t", /*default=*/"1",
           "Only observe matmuls whose contraction size K is at least this">,
    Option<"includeTransposed", "include-transposed", "bool", /*default=*/"false",
           "Also observe matmuls whose weight is a 2-D transpose of a constant "
           "(a tied output head); tagged like qm-quant-gptq names them">,
  ];
}

def QuantAWQPass : Pass<"qm-quant-awq", "::mlir::ModuleOp"> {
  let summary = "Activation-aware weight quantization (AWQ), optionally followed by GPTQ";
  let description = [{
    AWQ (Lin et al. 2023) from the calibration statistics in `stats-file`.
    Quantizable matmuls (as for `qm-quant-rtn`) are grouped by their shared
    input. For a group whose input is produced by an op the pass can fold a
    per-channel scale into, it searches s = s_x^alpha (s_x = mean |x| per
    input channel; with `duo-scaling`, the default, s_x^alpha / s_w^(1-alpha)
    with s_w the mean of |w| / max |w of its group| over the rows), alpha in
    {0, 1/grid, ..., (grid-1)/grid}, normalised by sqrt(max(s) min(s)),
    keeping the alpha whose quantized weights Q(W diag(s)) diag(s)^-1 give
    the smallest output error on the calibration inputs (computed exactly
    from H = 2 XᵀX / n; see Solvers/AWQ.h). The scales are folded:
    - into the weight of the RMSNorm/LayerNorm that produces the input
      (`qgraph.mul` by a constant vector, `qgraph.rms_norm`,
      `qgraph.layer_norm` scale and bias): q/k/v from the input norm,
      gate/up from the post-attention norm;
    - into the output channels of a preceding linear when the input is the
      product of that linear's output with something else (up -> down);
    - with `scale-vo`, into the output channels of the value projection
      for the attention output projection (o_proj), through the head
      reshapes/transposes of `softmax(q kᵀ) v`; with grouped-query attention
      the query heads that read one value head share its scales (s_x and
      s_w averaged over them), since only one 1/s fits each value channel.
      Off by default: on tinyllama (GQA, 6 query / 2 kv heads) it was no
      better (README).
    Then, unless `fold-only`, each weight (scaled) gets the clipping search
    (`clip`; q and k skipped): per output channel and group, max |w| shrunk
    in `clip-steps` steps down to half, keeping the clip with the smallest
    output error of the group, and is quantized by RTN or, with `gptq`, by
    GPTQ with the Hessian of the scaled input diag(1/s) H diag(1/s).

    With `fold-only` the model computes the same function as before (up to
    f32 rounding): the pass only moves the scales.

    #### Input invariant
    - As for `qm-quant-rtn`; statistics for every matmul to quantize.

    #### Output IR
    - Scaled float constants for the folded norms/linears; quantized
      matmuls as `qm-quant-rtn`/`qm-quant-gptq` produce them.
  }];
  let dependentDialects = ["::mlir::qm::qweight::QWeightDialect",
                           "::mlir::arith::ArithDialect"];
  let options = [
    Option<"bits", "bits", "unsigned", /*default=*/"4",
           "Bits per weight code: 2, 3, 4 or 8">,
    Option<"groupSize", "group-size", "int64_t", /*default=*/"128",
           "Input channels per scale/zero group; -1 = one group per output channel">,
    Option<"symmetric", "symmetric", "bool", /*default=*/"false",
           "Symmetric quantization (zero point 2^(bits-1), no zeros tensor)">,
    Option<"includeHead", "include-head", "bool", /*default=*/"false",
           "Also quantize the output head (excluded by default)">,
    Option<"configFile", "config", "std::string", /*default=*/"\"\"",
           "Per-layer overrides file (see QuantTargets.h for the format)">,
    Option<"layout", "layout", "std::string", /*default=*/"\"unpacked\"",
           "Codes layout: unpacked or k_packed">,
    Option<"useResources", "use-resources", "bool", /*default=*/"true",
           "Store new constants as dense_resource blobs (false: inline dense<>)">,
    Option<"rangeSteps", "range-steps", "int64_t", /*default=*/"0",
           "Range search per group (GPTQ's mse quantizer): shrink factors 1 - i/steps "
           "down to 0.2, keeping the lowest |error|^2.4; 0 = min-max">,
    Option<"statsFile", "stats-file", "std::string", /*default=*/"\"\"",
           "Calibration statistics file (CalibrationStats format)">,
    Option<"grid", "grid", "int64_t", /*default=*/"20",
           "Number of scale exponents alpha searched">,
    Option<"duoScaling", "duo-scaling", "bool", /*default=*/"true",
           "Search s_x^alpha / s_w^(1-alpha) (false: s_x^alpha)">,
    Option<"scaleVO", "scale-vo", "bool", /*default=*/"false",
           "Also scale attention output projections, folding 1/s into the "
           "value projection (tied scales under grouped-query attention)">,
    Option<"clip", "clip", "bool", /*default=*/"true",
           "Run the clipping search before quantizing">,
    Option<"clipSteps", "clip-steps", "int64_t", /*default=*/"20",
           "Clip ratios tried between 1 and 0.5">,
    Option<"clipMinMax", "clip-minmax", "bool", /*default=*/"true",
           "Asymmetric codes: clip to [r min(w), r max(w)]; false: +-r max|w| "
           "as public AWQ implementations do">,
    Option<"foldOnly", "fold-only", "bool", /*default=*/"false",
           "Only search and fold the scales; leave the weights in float">,
    Option<"gptq", "gptq", "bool", /*default=*/"false",
           "Round with GPTQ (AWQ scales and clipping, GPTQ rounding)">,
    Option<"dampPercent", "damp-percent", "double", /*default=*/"0.01",
           "GPTQ damping as a fraction of mean(diag(H))">,
    Option<"blockSize", "block-size", "int64_t", /*default=*/"128",
           "GPTQ columns per lazy-update block">,
    Option<"actOrder", "act-order", "bool", /*default=*/"false",
           "GPTQ: process columns in decreasing diag(H) order">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark per scaled input: alpha, error before and after, sink">,
    ListOption<"only", "only", "std::string",
               "Only scale and quantize matmuls whose name or tag matches one of these globs">,
  ];
}

def QuantGPTQPass : Pass<"qm-quant-gptq", "::mlir::ModuleOp"> {
  let summary = "Quantize constant matmul weights with GPTQ";
  let description = [{
    Like `qm-quant-rtn`, but each weight is quantized by GPTQ (Frantar et
    al. 2022) from the calibration statistics in `stats-file` (written by
    the calibration run; keyed by the observer tags): H = 2 XᵀX / n,
    damping `damp-percent` · mean(diag H), lazy updates in blocks of
    `block-size` columns, group parameters computed at each group's first
    column from the error-updated weights. `act-order` processes columns by
    decreasing diag(H) and forms groups in that order (the weight carries a
    `g_idx`); with `static-groups` the groups stay in the original order
    (no `g_idx`). Dead input channels (diag(H) = 0) get zero weights; a
    Hessian that is not positive definite after damping is retried with
    more damping and a warning.

    #### Input invariant
    - As for `qm-quant-rtn`; every matmul to quantize has statistics under
      its tag (else an error names it).

    #### Output IR
    - As for `qm-quant-rtn`, with `act_order = true` and a `g_idx` operand
      when act-order forms groups in permuted order.
  }];
  let dependentDialects = ["::mlir::qm::qweight::QWeightDialect",
                           "::mlir::arith::ArithDialect"];
  let options = [
    Option<"bits", "bits", "unsigned", /*default=*/"4",
           "Bits per weight code: 2, 3, 4 or 8">,
    Option<"groupSize", "group-size", "int64_t", /*default=*/"128",
           "Input channels per scale/zero group; -1 = one group per output channel">,
    Option<"symmetric", "symmetric", "bool", /*default=*/"false",
           "Symmetric quantization (zero point 2^(bits-1), no zeros tensor)">,
    Option<"includeHead", "include-head", "bool", /*default=*/"false",
           "Also quantize the output head (excluded by default)">,
    Option<"includeEmbeddings", "include-embeddings", "bool", /*default=*/"false",
           "Also quantize gathered constant tables (RTN; reuses a tied quantized head): "
           "the gather reads transpose(qweight.dequantize)">,
    Option<"configFile", "config", "std::string", /*default=*/"\"\"",
           "Per-layer overrides file (see QuantTargets.h for the format)">,
    Option<"layout", "layout", "std::string", /*default=*/"\"unpacked\"",
           "Codes layout: unpacked or k_packed">,
    Option<"useResources", "use-resources", "bool", /*default=*/"true",
           "Store new constants as dense_resource blobs (false: inline dense<>)">,
    Option<"rangeSteps", "range-steps", "int64_t", /*default=*/"0",
           "Range search per group (GPTQ's mse quantizer): shrink factors 1 - i/steps "
           "down to 0.2, keeping the lowest |error|^2.4; 0 = min-max">,
    ListOption<"only", "only", "std::string",
               "Only quantize matmuls whose name or tag matches one of these globs">,
    Option<"dampPercent", "damp-percent", "double", /*default=*/"0.01",
           "Damping as a fraction of mean(diag(H))">,
    Option<"blockSize", "block-size", "int64_t", /*default=*/"128",
           "Columns per lazy-update block">,
    Option<"actOrder", "act-order", "bool", /*default=*/"false",
           "Process columns in decreasing diag(H) order">,
    Option<"staticGroups", "static-groups", "bool", /*default=*/"false",
           "With act-order: group parameters from the original column order">,
    Option<"statsFile", "stats-file", "std::string", /*default=*/"\"\"",
           "Calibration statistics file (CalibrationStats format)">,
  ];
}

def QuantRTNPass : Pass<"qm-quant-rtn", "::mlir::ModuleOp"> {
  let summary = "Quantize constant matmul weights by rounding to nearest";
  let description = [{
    Rewrites every quantizable `qgraph.matmul` (constant 2-D float weight;
    the output head only with `include-head`) into `qweight.assemble` of
    new constants + `qweight.matmul`. Per output channel n and group g of
    `group-size` input channels: asymmetric min-max with lo = min(min w, 0),
    hi = max(max w, 0), scale = (hi - lo) / (2^bits - 1),
    zero = round(-lo / scale), q = clamp(round(w / scale) + zero, 0,
    2^bits - 1) (round half to even, f32); symmetric: zero = 2^(bits-1),
    scale = 2 max|w| / (2^bits - 1). A K that is not a multiple of the group
    size gets a short last group. Matmuls are named `layers.<l>.<role>` by
    a data-flow analysis (q, k, v share an input; gate, up share one) and
    by their tag (the NameLoc); `config` overrides bits, group size,
    symmetry or skips matmuls per name, and `only` restricts the pass to
    some names.

    ```mlir
    %w = qweight.assemble %codes, %scales zeros %zeros
       : (tensor<384x384xui8>, tensor<384x3xf32>, tensor<384x3xui8>)
       -> !qweight.weight<k = 384, n = 384, bits = 4, group_size = 128, ...>
    %y = qweight.matmul %x, %w : (tensor<1x8x384xf32>, !qweight.weight<...>) -> tensor<1x8x384xf32>
    ```

    #### Input invariant
    - Functions of `qgraph` ops; weights are `arith.constant` (dense or
      dense_resource with data present) of f32, f16 or bf16.

    #### Output IR
    - `qweight.assemble` + `qweight.matmul` in place of each quantized
      matmul; codes (unpacked `NxKxui8` or k_packed `Nxceil(K/P)xi32`),
      f32 scales, ui8 zeros (asymmetric), as dense_resource constants; the
      float weights are removed when nothing else uses them.
  }];
  let dependentDialects = ["::mlir::qm::qweight::QWeightDialect",
                           "::mlir::arith::ArithDialect"];
  let options = [
    Option<"bits", "bits", "unsigned", /*default=*/"4",
           "Bits per weight code: 2, 3, 4 or 8">,
    Option<"groupSize", "group-size", "int64_t", /*default=*/"128",
           "Input channels per scale/zero group; -1 = one group per output channel">,
    Option<"symmetric", "symmetric", "bool", /*default=*/"false",
           "Symmetric quantization (zero point 2^(bits-1), no zeros tensor)">,
    Option<"includeHead", "include-head", "bool", /*default=*/"false",
           "Also quantize the output head (excluded by default)">,
    Option<"includeEmbeddings", "include-embeddings", "bool", /*default=*/"false",
           "Also quantize gathered constant tables (RTN; reuses a tied quantized head): "
           "the gather reads transpose(qweight.dequantize)">,
    Option<"configFile", "config", "std::string", /*default=*/"\"\"",
           "Per-layer overrides file (see QuantTargets.h for the format)">,
    Option<"layout", "layout", "std::string", /*default=*/"\"unpacked\"",
           "Codes layout: unpacked or k_packed">,
    Option<"useResources", "use-resources", "bool", /*default=*/"true",
           "Store new constants as dense_resource blobs (false: inline dense<>)">,
    Option<"rangeSteps", "range-steps", "int64_t", /*default=*/"0",
           "Range search per group (GPTQ's mse quantizer): shrink factors 1 - i/steps "
           "down to 0.2, keeping the lowest |error|^2.4; 0 = min-max">,
    ListOption<"only", "only", "std::string",
               "Only quantize matmuls whose name or tag matches one of these globs">,
  ];
}

#endif // QM_PASSES_QUANTIZATION_PASSES_TD
