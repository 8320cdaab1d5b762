//===- QGraph.h - qgraph dialect ---------------------------------*- C++ -*-===//
//
// Part of quant-mlir. Declarations of the qgraph dialect and its ops.
//
//===----------------------------------------------------------------------===//

#ifndef QM_DIALECT_QGRAPH_IR_QGRAPH_H
#define QM_DIALECT_QGRAPH_IR_QGRAPH_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "qm/Dialect/QGraph/IR/QGraphOpsDialect.h.inc"

#define GET_OP_CLASSES
#include "qm/Dialect/QGraph/IR/QGraphOps.h.inc"

namespace mlir::qm::qgraph {

/// Computes the numpy broadcast of `shapes` into `result`. Dynamic sizes
/// broadcast with 1 to dynamic and with a static size s > 1 to s. Returns
/// failure (and emits at `loc` when given) if two static sizes > 1 differ.
LogicalResult broadcastShapes(ArrayRef<ArrayRef<int64_t>> shapes,
                              SmallVectorImpl<int64_t> &result,
                              std::optional<Location> loc = std::nullopt);

/// Normalizes an ONNX axis in [-rank, rank) to [0, rank); failure if out of
/// range.
FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank);

/// Whether two shapes are equal up to dynamic dimensions.
bool shapesCompatible(ArrayRef<int64_t> a, ArrayRef<int64_t> b);

/// Reads a constant integer tensor (splat or dense) into `values`.
bool getConstantIntValues(Value v, SmallVectorImpl<int64_t> &values);

} // namespace mlir::qm::qgraph

#endif // QM_DIALECT_QGRAPH_IR_QGRAPH_H
