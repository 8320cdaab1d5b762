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
  ];
}

#endif // QM_PASSES_QUANTIZATION_PASSES_TD
