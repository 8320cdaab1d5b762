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

/// Reads a constant integer tensor (splat or dense) into `values`.
bool getConstantIntValues(Value v, SmallVectorImpl<int64_t> &values);

//===----------------------------------------------------------------------===//
// Shape functions of ops whose result shape depends on operand values
// (QGraphShapes.cpp). Unknown sizes are ShapedType::kDynamic; failure means
// the operand values are invalid for the op.
//===----------------------------------------------------------------------===//

/// ONNX Reshape: 0 copies the input size (unless `allowZero`), -1 is inferred
/// when every other size is known.
SmallVector<int64_t> reshapeShape(ArrayRef<int64_t> input,
                                  ArrayRef<int64_t> shape, bool allowZero);
/// ONNX Expand: bidirectional broadcast of `input` with `shape`.
FailureOr<SmallVector<int64_t>> expandShape(ArrayRef<int64_t> input,
                                            ArrayRef<int64_t> shape);
/// ONNX Slice with ONNX clamping; `axes` defaults to [0, n), `steps` to 1.
FailureOr<SmallVector<int64_t>>
sliceShape(ArrayRef<int64_t> input, ArrayRef<int64_t> starts,
           ArrayRef<int64_t> ends, std::optional<ArrayRef<int64_t>> axes,
           std::optional<ArrayRef<int64_t>> steps);
/// ONNX Range element count `max(ceil((limit - start) / delta), 0)` from
/// one-element constant attributes (integer or float).
FailureOr<int64_t> rangeSize(Attribute start, Attribute limit, Attribute delta);
/// ONNX Squeeze; without `axes` every size-1 dimension (fails if a
/// dimension is dynamic then).
FailureOr<SmallVector<int64_t>>
squeezeShape(ArrayRef<int64_t> input, std::optional<ArrayRef<int64_t>> axes);
/// ONNX Unsqueeze (axes counted in the result).
FailureOr<SmallVector<int64_t>> unsqueezeShape(ArrayRef<int64_t> input,
                                               ArrayRef<int64_t> axes);
/// ONNX Reduce* (opset 18).
FailureOr<SmallVector<int64_t>>
reduceShape(ArrayRef<int64_t> input, std::optional<ArrayRef<int64_t>> axes,
            bool keepDims, bool noopWithEmptyAxes);

/// Result types of `op` (a qgraph op) made as static as its operand types
/// and constant operand values allow: InferTypeOpInterface ops get their
/// inferred types, value-dependent ops (reshape, expand, slice, range,
/// constant_of_shape, squeeze, unsqueeze, reduce_*, split, ...) the shapes
/// of the functions above, ops whose result type equals an operand type
/// that type. Each returned type is the meet of the computed type and the
/// current one. Returns failure when nothing can be said.
LogicalResult refineResultTypes(Operation *op, SmallVectorImpl<Type> &types);

} // namespace mlir::qm::qgraph

#endif // QM_DIALECT_QGRAPH_IR_QGRAPH_H
