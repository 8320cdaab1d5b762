//===- Passes.h - quantization passes ---------------------------*- C++ -*-===//
//
// Part of quant-mlir.
//
//===----------------------------------------------------------------------===//

#ifndef QM_PASSES_QUANTIZATION_PASSES_H
#define QM_PASSES_QUANTIZATION_PASSES_H

#include "qm/Dialect/QGraph/IR/QGraph.h"
#include "qm/Dialect/QWeight/IR/QWeight.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::qm {

#define GEN_PASS_DECL
#include "qm/Passes/Quantization/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qm/Passes/Quantization/Passes.h.inc"

/// Name of a quantizable matmul: the innermost NameLoc of its location, or
/// an empty string.
std::string getMatmulName(Operation *op);

/// Returns the constant weight feeding `op` (a 2-D dense constant on the
/// right operand of a qgraph.matmul), or null.
Operation *getConstantWeight(qgraph::MatMulOp op);

/// Parses a weight-quantization `layout` option (unpacked or k_packed),
/// emitting an error on `module` otherwise.
FailureOr<qweight::Layout> parseLayoutOption(ModuleOp module, StringRef layout);

} // namespace mlir::qm

#endif // QM_PASSES_QUANTIZATION_PASSES_H
