//===- QGraphOps.cpp - qgraph ops: verifiers and type inference -------------===//
//
// Part of quant-mlir. Verifiers carry the constraint labels of the op
// descriptions in QGraphOps.td ((C1), (C2), ...). Type inference helpers are
// shared with the verifiers: an op with InferTypeOpAdaptorWithIsCompatible is
// checked by comparing its result types with the inferred ones, where a
// dynamic dimension is compatible with any size.
//
//===----------------------------------------------------------------------===//

#include "qm/Dialect/QGraph/IR/QGraph.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallSet.h"

using namespace mlir;
using namespace mlir::qm::qgraph;

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

LogicalResult mlir::qm::qgraph::broadcastShapes(
    ArrayRef<ArrayRef<int64_t>> shapes, SmallVectorImpl<int64_t> &result,
    std::optional<Location> loc) {
  size_t rank = 0;
  for (ArrayRef<int64_t> s : shapes)
    rank = std::max(rank, s.size());
  result.assign(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    // Walk dimension i counted from the back.
    int64_t out = 1;
    bool sawDynamic = false;
    for (ArrayRef<int64_t> s : shapes) {
      if (i >= s.size())
        continue;
      int64_t d = s[s.size() - 1 - i];
      if (ShapedType::isDynamic(d)) {
        sawDynamic = true;
        continue;
      }
      if (d == 1)
        continue;
      if (out != 1 && out != d)
        return emitOptionalError(loc, "operand shapes do not broadcast: size ",
                                 out, " vs ", d, " at dimension ",
                                 rank - 1 - i, " of the broadcast shape");
      out = d;
    }
    result[rank - 1 - i] = (out == 1 && sawDynamic) ? ShapedType::kDynamic : out;
  }
  return success();
}

FailureOr<int64_t> mlir::qm::qgraph::normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return failure();
  return axis < 0 ? axis + rank : axis;
}

bool mlir::qm::qgraph::getConstantIntValues(Value v,
                                            SmallVectorImpl<int64_t> &values) {
  DenseIntElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)))
    return false;
  values.clear();
  for (const APInt &x : attr.getValues<APInt>())
    values.push_back(x.getSExtValue());
  return true;
}

/// Ranked tensor types with equal element types and compatible shapes.
static bool tensorTypesCompatible(TypeRange l, TypeRange r) {
  if (l.size() != r.size())
    return false;
  for (auto [a, b] : llvm::zip(l, r)) {
    auto ta = dyn_cast<RankedTensorType>(a);
    auto tb = dyn_cast<RankedTensorType>(b);
    if (!ta || !tb || ta.getElementType() != tb.getElementType() ||
        failed(verifyCompatibleShape(ta.getShape(), tb.getShape())))
      return false;
  }
  return true;
}

static RankedTensorType tensorOf(ArrayRef<int64_t> shape, Type elementType) {
  return RankedTensorType::get(shape, elementType);
}

static int64_t numElementsOrDynamic(RankedTensorType t) {
  return t.hasStaticShape() ? t.getNumElements() : ShapedType::kDynamic;
}

/// Prints a shape as `[2, ?, 4]`.
static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string str = "[";
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (i)
      str += ", ";
    str += ShapedType::isDynamic(d) ? std::string("?") : std::to_string(d);
  }
  return str + "]";
}

/// Checks the result dimensions of `op` against sizes computed from
/// constant operands (dynamic on either side is compatible).
static LogicalResult verifyResultDims(Operation *op, RankedTensorType result,
                                      ArrayRef<int64_t> expected) {
  if (result.getRank() != (int64_t)expected.size())
    return op->emitOpError() << "expected result rank " << expected.size()
                             << ", got " << result.getRank();
  for (auto [i, d] : llvm::enumerate(expected))
    if (failed(verifyCompatibleShape({d}, {result.getDimSize(i)})))
      return op->emitOpError() << "expected result dimension " << i << " to be "
                               << d << ", got " << result.getDimSize(i);
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise binary ops and where
//===----------------------------------------------------------------------===//

template <typename OpTy>
static LogicalResult inferBinary(MLIRContext *ctx, std::optional<Location> loc,
                                 typename OpTy::Adaptor adaptor,
                                 SmallVectorImpl<Type> &inferred) {
  auto lhs = cast<RankedTensorType>(adaptor.getLhs().getType());
  auto rhs = cast<RankedTensorType>(adaptor.getRhs().getType());
  // (C2)
  if (lhs.getElementType() != rhs.getElementType())
    return emitOptionalError(loc, "expected operands of the same element type, got ",
                             lhs.getElementType(), " and ", rhs.getElementType());
  // (C1), (C3)
  SmallVector<int64_t> shape;
  if (failed(broadcastShapes({lhs.getShape(), rhs.getShape()}, shape, loc)))
    return failure();
  Type elementType = OpTy::kResultIsBool ? IntegerType::get(ctx, 1)
                                         : lhs.getElementType();
  inferred.push_back(tensorOf(shape, elementType));
  return success();
}

#define QGRAPH_DEFINE_BINARY_INFERENCE(OP)                                     \
  LogicalResult OP::inferReturnTypes(MLIRContext *ctx,                         \
                                     std::optional<Location> loc,              \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &inferred) {        \
    return inferBinary<OP>(ctx, loc, adaptor, inferred);                       \
  }                                                                            \
  bool OP::isCompatibleReturnTypes(TypeRange l, TypeRange r) {                 \
    return tensorTypesCompatible(l, r);                                        \
  }

QGRAPH_DEFINE_BINARY_INFERENCE(AddOp)
QGRAPH_DEFINE_BINARY_INFERENCE(SubOp)
QGRAPH_DEFINE_BINARY_INFERENCE(MulOp)
QGRAPH_DEFINE_BINARY_INFERENCE(DivOp)
QGRAPH_DEFINE_BINARY_INFERENCE(PowOp)
QGRAPH_DEFINE_BINARY_INFERENCE(MaxOp)
QGRAPH_DEFINE_BINARY_INFERENCE(MinOp)
QGRAPH_DEFINE_BINARY_INFERENCE(AndOp)
QGRAPH_DEFINE_BINARY_INFERENCE(OrOp)
QGRAPH_DEFINE_BINARY_INFERENCE(EqualOp)
QGRAPH_DEFINE_BINARY_INFERENCE(LessOp)
QGRAPH_DEFINE_BINARY_INFERENCE(LessOrEqualOp)
QGRAPH_DEFINE_BINARY_INFERENCE(GreaterOp)
QGRAPH_DEFINE_BINARY_INFERENCE(GreaterOrEqualOp)
#undef QGRAPH_DEFINE_BINARY_INFERENCE

LogicalResult WhereOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  auto c = cast<RankedTensorType>(adaptor.getCondition().getType());
  auto t = cast<RankedTensorType>(adaptor.getOnTrue().getType());
  auto f = cast<RankedTensorType>(adaptor.getOnFalse().getType());
  // (C2)
  if (t.getElementType() != f.getElementType())
    return emitOptionalError(loc, "expected 'on_true' and 'on_false' of the same "
                                  "element type, got ",
                             t.getElementType(), " and ", f.getElementType());
  // (C1), (C3)
  SmallVector<int64_t> shape;
  if (failed(broadcastShapes({c.getShape(), t.getShape(), f.getShape()}, shape, loc)))
    return failure();
  inferred.push_back(tensorOf(shape, t.getElementType()));
  return success();
}
bool WhereOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return tensorTypesCompatible(l, r);
}

LogicalResult CastOp::verify() {
  // (C1)
  if (failed(verifyCompatibleShape(getInput().getType().getShape(),
                                   getType().getShape())))
    return emitOpError("expected the result to have the input's shape");
  return success();
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto lhs = cast<RankedTensorType>(adaptor.getLhs().getType());
  auto rhs = cast<RankedTensorType>(adaptor.getRhs().getType());
  // (C1)
  if (lhs.getRank() < 1 || rhs.getRank() < 1)
    return emitOptionalError(loc, "expected operands of rank >= 1");
  if (lhs.getElementType() != rhs.getElementType())
    return emitOptionalError(loc, "expected operands of the same element type, got ",
                             lhs.getElementType(), " and ", rhs.getElementType());
  SmallVector<int64_t> a(lhs.getShape()), b(rhs.getShape());
  bool lhsVector = a.size() == 1, rhsVector = b.size() == 1;
  if (lhsVector)
    a.insert(a.begin(), 1);
  if (rhsVector)
    b.push_back(1);
  int64_t ka = a.back(), kb = b[b.size() - 2];
  // (C2)
  if (!ShapedType::isDynamic(ka) && !ShapedType::isDynamic(kb) && ka != kb)
    return emitOptionalError(loc, "contraction sizes differ (", ka, " vs ", kb, ")");
  // (C3)
  SmallVector<int64_t> batch;
  if (failed(broadcastShapes({ArrayRef(a).drop_back(2), ArrayRef(b).drop_back(2)},
                             batch, loc)))
    return failure();
  if (!lhsVector)
    batch.push_back(a[a.size() - 2]);
  if (!rhsVector)
    batch.push_back(b.back());
  inferred.push_back(tensorOf(batch, lhs.getElementType()));
  return success();
}
bool MatMulOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return tensorTypesCompatible(l, r);
}

LogicalResult GemmOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  auto a = cast<RankedTensorType>(adaptor.getA().getType());
  auto b = cast<RankedTensorType>(adaptor.getB().getType());
  // (C1)
  if (a.getRank() != 2 || b.getRank() != 2)
    return emitOptionalError(loc, "expected 'a' and 'b' of rank 2");
  if (a.getElementType() != b.getElementType())
    return emitOptionalError(loc, "expected 'a' and 'b' of the same element type");
  int64_t m = a.getDimSize(adaptor.getTransA() ? 1 : 0);
  int64_t ka = a.getDimSize(adaptor.getTransA() ? 0 : 1);
  int64_t kb = b.getDimSize(adaptor.getTransB() ? 1 : 0);
  int64_t n = b.getDimSize(adaptor.getTransB() ? 0 : 1);
  // (C2)
  if (!ShapedType::isDynamic(ka) && !ShapedType::isDynamic(kb) && ka != kb)
    return emitOptionalError(loc, "contraction sizes differ (", ka, " vs ", kb, ")");
  // (C3)
  if (Value c = adaptor.getC()) {
    auto ct = cast<RankedTensorType>(c.getType());
    SmallVector<int64_t> out;
    if (ct.getRank() > 2 ||
        failed(
            broadcastShapes({ArrayRef<int64_t>{m, n}, ct.getShape()}, out)) ||
        failed(verifyCompatibleShape(out, {m, n})))
      return emitOptionalError(loc, "expected 'c' to broadcast to [", m, ", ", n, "]");
  }
  inferred.push_back(tensorOf({m, n}, a.getElementType()));
  return success();
}
bool GemmOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return tensorTypesCompatible(l, r);
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

LogicalResult SoftmaxOp::verify() {
  // (C1)
  if (failed(normalizeAxis(getAxis(), getType().getRank())))
    return emitOpError() << "axis (" << getAxis() << ") out of range for rank "
                         << getType().getRank();
  return success();
}

/// Shared by layer_norm and rms_norm: (C1) axis range, (C2) the parameter
/// broadcasts to the normalized shape with the input's element type.
static LogicalResult verifyNorm(Operation *op, RankedTensorType input,
                                int64_t axis, ArrayRef<std::pair<StringRef, Value>> params,
                                Type resultType) {
  auto ax = normalizeAxis(axis, input.getRank());
  if (failed(ax))
    return op->emitOpError() << "axis (" << axis << ") out of range for rank "
                             << input.getRank();
  ArrayRef<int64_t> normalized = input.getShape().drop_front(*ax);
  for (auto [name, value] : params) {
    if (!value)
      continue;
    auto t = cast<RankedTensorType>(value.getType());
    if (t.getElementType() != input.getElementType())
      return op->emitOpError() << "expected '" << name
                               << "' to have the input's element type";
    SmallVector<int64_t> out;
    if (t.getRank() > (int64_t)normalized.size() ||
        failed(broadcastShapes({normalized, t.getShape()}, out)) ||
        failed(verifyCompatibleShape(out, normalized)))
      return op->emitOpError() << "expected '" << name
                               << "' to broadcast to the normalized shape";
  }
  if (failed(verifyCompatibleShape(
          cast<RankedTensorType>(resultType).getShape(), input.getShape())))
    return op->emitOpError("expected the result to have the input's shape");
  if (cast<RankedTensorType>(resultType).getElementType() != input.getElementType())
    return op->emitOpError("expected the result to have the input's element type");
  return success();
}

LogicalResult LayerNormOp::verify() {
  return verifyNorm(*this, getInput().getType(), getAxis(),
                    {{"scale", getScale()}, {"bias", getBias()}}, getType());
}

LogicalResult RMSNormOp::verify() {
  return verifyNorm(*this, getInput().getType(), getAxis(),
                    {{"scale", getScale()}}, getType());
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

template <typename OpTy>
static LogicalResult verifyReduce(OpTy op) {
  auto input = op.getInput().getType();
  int64_t rank = input.getRank();
  if (op.getInput().getType().getElementType() != op.getType().getElementType())
    return op.emitOpError("expected the result to have the input's element type");
  Value axes = op.getAxes();
  if (axes && cast<RankedTensorType>(axes.getType()).getRank() != 1)
    return op.emitOpError("expected 'axes' of rank 1"); // (C1)
  SmallVector<int64_t> values;
  bool known = !axes || getConstantIntValues(axes, values);
  if (!known)
    return success();
  if (!axes || values.empty()) {
    if (op.getNoopWithEmptyAxes()) {
      if (op.getType().getRank() != rank)
        return op.emitOpError("expected a no-op reduction to keep the rank");
      return success();
    }
    values.clear();
    for (int64_t i = 0; i < rank; ++i)
      values.push_back(i);
  }
  // (C2)
  llvm::SmallSet<int64_t, 8> seen;
  for (int64_t v : values) {
    auto ax = normalizeAxis(v, rank);
    if (failed(ax))
      return op.emitOpError() << "axis (" << v << ") out of range for rank " << rank;
    if (!seen.insert(*ax).second)
      return op.emitOpError() << "axis (" << v << ") appears twice";
  }
  // (C3)
  int64_t expected = op.getKeepdims() ? rank : rank - (int64_t)seen.size();
  if (op.getType().getRank() != expected)
    return op.emitOpError() << "expected result rank " << expected << ", got "
                            << op.getType().getRank();
  int64_t out = 0;
  for (int64_t i = 0; i < rank; ++i) {
    bool reduced = seen.contains(i);
    if (reduced && !op.getKeepdims())
      continue;
    int64_t want = reduced ? 1 : input.getDimSize(i);
    int64_t got = op.getType().getDimSize(out);
    if (failed(verifyCompatibleShape({want}, {got})))
      return op.emitOpError() << "expected result dimension " << out << " to be "
                              << want << ", got " << got;
    ++out;
  }
  return success();
}

LogicalResult ReduceMeanOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceSumOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceMaxOp::verify() { return verifyReduce(*this); }

LogicalResult CumSumOp::verify() {
  auto axisType = getAxis().getType();
  // (C1)
  if (axisType.getRank() > 1 ||
      (axisType.getRank() == 1 && axisType.getDimSize(0) != 1))
    return emitOpError("expected 'axis' to hold a single value");
  // (C2)
  if (getInput().getType() != getType())
    return emitOpError("expected the result to have the input's type");
  SmallVector<int64_t> ax;
  if (getConstantIntValues(getAxis(), ax) && ax.size() == 1 &&
      failed(normalizeAxis(ax[0], getType().getRank())))
    return emitOpError() << "axis (" << ax[0] << ") out of range for rank "
                         << getType().getRank();
  return success();
}

//===----------------------------------------------------------------------===//
// Shape and data movement
//===----------------------------------------------------------------------===//

LogicalResult ShapeOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location>,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  int64_t rank = cast<RankedTensorType>(adaptor.getInput().getType()).getRank();
  int64_t start = adaptor.getStart();
  int64_t end = adaptor.getEnd().value_or(rank);
  if (start < 0)
    start += rank;
  if (end < 0)
    end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, 0, rank);
  inferred.push_back(tensorOf({std::max<int64_t>(0, end - start)},
                              IntegerType::get(ctx, 64)));
  return success();
}
bool ShapeOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return tensorTypesCompatible(l, r);
}

LogicalResult ReshapeOp::verify() {
  auto shapeType = getShape().getType();
  // (C1)
  if (shapeType.getRank() != 1)
    return emitOpError("expected 'shape' of rank 1");
  if (!shapeType.isDynamicDim(0) && shapeType.getDimSize(0) != getType().getRank())
    return emitOpError() << "expected result rank " << shapeType.getDimSize(0)
                         << " (the size of 'shape'), got " << getType().getRank();
  if (getInput().getType().getElementType() != getType().getElementType())
    return emitOpError("expected the result to have the input's element type");
  SmallVector<int64_t> dims;
  if (getConstantIntValues(getShape(), dims)) {
    // (C2)
    if (llvm::count(dims, -1) > 1)
      return emitOpError("expected at most one -1 in 'shape'");
    for (auto [i, d] : llvm::enumerate(dims)) {
      if (d < -1)
        return emitOpError() << "invalid size (" << d << ") in 'shape'";
      if (d > 0 && !getType().isDynamicDim(i) && getType().getDimSize(i) != d)
        return emitOpError() << "expected result dimension " << i << " to be "
                             << d << ", got " << getType().getDimSize(i);
    }
    // (C3) the -1 entry must be inferable from the element count.
    int64_t in = numElementsOrDynamic(getInput().getType());
    if (llvm::is_contained(dims, -1) && !ShapedType::isDynamic(in)) {
      SmallVector<int64_t> known =
          reshapeShape(getInput().getType().getShape(), dims, getAllowzero());
      int64_t product = 1;
      bool allKnown = true;
      for (auto [d, k] : llvm::zip(dims, known))
        if (d != -1) {
          allKnown &= !ShapedType::isDynamic(k);
          product *= ShapedType::isDynamic(k) ? 1 : k;
        }
      if (allKnown && (product == 0 ? in != 0 : in % product != 0))
        return emitOpError() << "element counts differ: " << in
                             << " elements cannot fill 'shape' "
                             << formatShape(dims);
    }
    if (failed(verifyResultDims(
            *this, getType(),
            reshapeShape(getInput().getType().getShape(), dims, getAllowzero()))))
      return failure();
  }
  // (C3)
  int64_t in = numElementsOrDynamic(getInput().getType());
  int64_t out = numElementsOrDynamic(getType());
  if (!ShapedType::isDynamic(in) && !ShapedType::isDynamic(out) && in != out)
    return emitOpError() << "element counts differ (" << in << " vs " << out << ")";
  return success();
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  // (C1)
  if ((int64_t)perm.size() != input.getRank())
    return emitOptionalError(loc, "expected 'perm' of size ", input.getRank(),
                             ", got ", perm.size());
  SmallVector<bool> seen(perm.size(), false);
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= input.getRank() || seen[p])
      return emitOptionalError(loc, "'perm' is not a permutation");
    seen[p] = true;
    shape.push_back(input.getDimSize(p));
  }
  inferred.push_back(tensorOf(shape, input.getElementType()));
  return success();
}
bool TransposeOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return tensorTypesCompatible(l, r);
}

LogicalResult SqueezeOp::verify() {
  auto input = getInput().getType();
  // (C1)
  if (getType().getRank() > input.getRank())
    return emitOpError("expected the result rank not to exceed the input rank");
  if (input.getElementType() != getType().getElementType())
    return emitOpError("expected the result to have the input's element type");
  SmallVector<int64_t> axes;
  if (!getAxes() || !getConstantIntValues(getAxes(), axes))
    return success();
  // (C2)
  llvm::SmallSet<int64_t, 8> seen;
  for (int64_t a : axes) {
    auto ax = normalizeAxis(a, input.getRank());
    if (failed(ax))
      return emitOpError() << "axis (" << a << ") out of range for rank "
                           << input.getRank();
    if (!input.isDynamicDim(*ax) && input.getDimSize(*ax) != 1)
      return emitOpError() << "cannot squeeze dimension " << *ax << " of size "
                           << input.getDimSize(*ax);
    seen.insert(*ax);
  }
  if (getType().getRank() != input.getRank() - (int64_t)seen.size())
    return emitOpError() << "expected result rank "
                         << input.getRank() - (int64_t)seen.size();
  auto expected = squeezeShape(input.getShape(), ArrayRef<int64_t>(axes));
  if (succeeded(expected))
    return verifyResultDims(*this, getType(), *expected);
  return success();
}

LogicalResult UnsqueezeOp::verify() {
  auto input = getInput().getType();
  auto axesType = getAxes().getType();
  if (axesType.getRank() != 1)
    return emitOpError("expected 'axes' of rank 1");
  if (input.getElementType() != getType().getElementType())
    return emitOpError("expected the result to have the input's element type");
  // (C1)
  int64_t outRank = getType().getRank();
  if (!axesType.isDynamicDim(0) && outRank != input.getRank() + axesType.getDimSize(0))
    return emitOpError() << "expected result rank "
                         << input.getRank() + axesType.getDimSize(0) << ", got "
                         << outRank;
  SmallVector<int64_t> axes;
  if (!getConstantIntValues(getAxes(), axes))
    return success();
  // (C2)
  llvm::SmallSet<int64_t, 8> seen;
  for (int64_t a : axes) {
    auto ax = normalizeAxis(a, outRank);
    if (failed(ax))
      return emitOpError() << "axis (" << a << ") out of range for result rank "
                           << outRank;
    if (!seen.insert(*ax).second)
      return emitOpError() << "axis (" << a << ") appears twice";
    if (!getType().isDynamicDim(*ax) && getType().getDimSize(*ax) != 1)
      return emitOpError() << "expected result dimension " << *ax << " to be 1";
  }
  auto expected = unsqueezeShape(input.getShape(), axes);
  if (succeeded(expected))
    return verifyResultDims(*this, getType(), *expected);
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  ValueRange inputs = adaptor.getInputs();
  // (C1)
  if (inputs.empty())
    return emitOptionalError(loc, "expected at least one input");
  auto first = cast<RankedTensorType>(inputs[0].getType());
  int64_t rank = first.getRank();
  // (C2)
  auto ax = normalizeAxis(adaptor.getAxis(), rank);
  if (failed(ax))
    return emitOptionalError(loc, "axis (", adaptor.getAxis(),
                             ") out of range for rank ", rank);
  SmallVector<int64_t> shape(first.getShape());
  shape[*ax] = 0;
  for (Value v : inputs) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() != rank || t.getElementType() != first.getElementType())
      return emitOptionalError(loc, "expected inputs of the same rank and element type");
    for (int64_t i = 0; i < rank; ++i) {
      int64_t d = t.getDimSize(i);
      if (i == *ax) {
        shape[i] = (ShapedType::isDynamic(d) || ShapedType::isDynamic(shape[i]))
                       ? ShapedType::kDynamic
                       : shape[i] + d;
        continue;
      }
      // (C3)
      if (ShapedType::isDynamic(shape[i]))
        shape[i] = d;
      else if (!ShapedType::isDynamic(d) && d != shape[i])
        return emitOptionalError(loc, "sizes differ at dimension ", i, " (",
                                 shape[i], " vs ", d, ")");
    }
  }
  inferred.push_back(tensorOf(shape, first.getElementType()));
  return success();
}
bool ConcatOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return tensorTypesCompatible(l, r);
}

LogicalResult SplitOp::verify() {
  auto input = getInput().getType();
  // (C1)
  auto ax = normalizeAxis(getAxis(), input.getRank());
  if (failed(ax))
    return emitOpError() << "axis (" << getAxis() << ") out of range for rank "
                         << input.getRank();
  if (getResults().empty())
    return emitOpError("expected at least one result");
  int64_t total = 0;
  bool allStatic = true;
  for (Type t : getResultTypes()) {
    auto rt = cast<RankedTensorType>(t);
    if (rt.getRank() != input.getRank() || rt.getElementType() != input.getElementType())
      return emitOpError("expected results of the input's rank and element type");
    for (int64_t i = 0; i < rt.getRank(); ++i)
      if (i != *ax && failed(verifyCompatibleShape({rt.getDimSize(i)},
                                                   {input.getDimSize(i)})))
        return emitOpError() << "result size differs from the input at dimension " << i;
    if (rt.isDynamicDim(*ax))
      allStatic = false;
    else
      total += rt.getDimSize(*ax);
  }
  // (C2)
  if (allStatic && !input.isDynamicDim(*ax) && total != input.getDimSize(*ax))
    return emitOpError() << "result sizes along axis " << *ax << " sum to " << total
                         << ", expected " << input.getDimSize(*ax);
  if (Value split = getSplit()) {
    auto splitType = cast<RankedTensorType>(split.getType());
    if (splitType.getRank() != 1)
      return emitOpError("expected 'split' of rank 1");
    if (!splitType.isDynamicDim(0) &&
        splitType.getDimSize(0) != (int64_t)getNumResults())
      return emitOpError() << "expected " << splitType.getDimSize(0)
                           << " results (the size of 'split'), got "
                           << getNumResults();
    SmallVector<int64_t> sizes;
    if (getConstantIntValues(split, sizes)) {
      for (auto [i, size] : llvm::enumerate(sizes)) {
        int64_t got = cast<RankedTensorType>(getResult(i).getType()).getDimSize(*ax);
        if (size < 0)
          return emitOpError() << "invalid size (" << size << ") in 'split'";
        if (failed(verifyCompatibleShape({size}, {got})))
          return emitOpError() << "expected result " << i << " to have size "
                               << size << " along axis " << *ax << ", got " << got;
      }
    }
  }
  return success();
}

LogicalResult ExpandOp::verify() {
  auto shapeType = getShape().getType();
  // (C1)
  if (shapeType.getRank() != 1)
    return emitOpError("expected 'shape' of rank 1");
  if (getInput().getType().getElementType() != getType().getElementType())
    return emitOpError("expected the result to have the input's element type");
  if (!shapeType.isDynamicDim(0)) {
    int64_t expected = std::max(getInput().getType().getRank(), shapeType.getDimSize(0));
    if (getType().getRank() != expected)
      return emitOpError() << "expected result rank " << expected << ", got "
                           << getType().getRank();
  }
  SmallVector<int64_t> dims;
  if (getConstantIntValues(getShape(), dims)) {
    auto expected = expandShape(getInput().getType().getShape(), dims);
    if (failed(expected))
      return emitOpError() << "input shape "
                           << formatShape(getInput().getType().getShape())
                           << " does not broadcast with 'shape' "
                           << formatShape(dims);
    return verifyResultDims(*this, getType(), *expected);
  }
  return success();
}

LogicalResult SliceOp::verify() {
  // (C1)
  SmallVector<Value> bounds = {getStarts(), getEnds()};
  if (getAxes())
    bounds.push_back(getAxes());
  if (getSteps())
    bounds.push_back(getSteps());
  int64_t size = ShapedType::kDynamic;
  for (Value v : bounds) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() != 1)
      return emitOpError("expected 'starts', 'ends', 'axes' and 'steps' of rank 1");
    if (t.isDynamicDim(0))
      continue;
    if (!ShapedType::isDynamic(size) && size != t.getDimSize(0))
      return emitOpError("expected 'starts', 'ends', 'axes' and 'steps' of the same size");
    size = t.getDimSize(0);
  }
  // (C2)
  if (getType().getRank() != getInput().getType().getRank() ||
      getType().getElementType() != getInput().getType().getElementType())
    return emitOpError("expected the result to have the input's rank and element type");
  // (C3)
  SmallVector<int64_t> steps;
  bool stepsKnown = getSteps() && getConstantIntValues(getSteps(), steps);
  if (stepsKnown && llvm::is_contained(steps, 0))
    return emitOpError("expected nonzero 'steps'");
  SmallVector<int64_t> axes;
  bool axesKnown = getAxes() && getConstantIntValues(getAxes(), axes);
  int64_t rank = getInput().getType().getRank();
  for (int64_t a : axes)
    if (failed(normalizeAxis(a, rank)))
      return emitOpError() << "axis (" << a << ") out of range for rank " << rank;
  SmallVector<int64_t> starts, ends;
  if (getConstantIntValues(getStarts(), starts) &&
      getConstantIntValues(getEnds(), ends) && (!getAxes() || axesKnown) &&
      (!getSteps() || stepsKnown)) {
    auto expected = sliceShape(
        getInput().getType().getShape(), starts, ends,
        getAxes() ? std::optional<ArrayRef<int64_t>>(axes) : std::nullopt,
        getSteps() ? std::optional<ArrayRef<int64_t>>(steps) : std::nullopt);
    if (succeeded(expected))
      return verifyResultDims(*this, getType(), *expected);
  }
  return success();
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  auto indices = cast<RankedTensorType>(adaptor.getIndices().getType());
  // (C1)
  auto ax = normalizeAxis(adaptor.getAxis(), input.getRank());
  if (input.getRank() < 1 || failed(ax))
    return emitOptionalError(loc, "axis (", adaptor.getAxis(),
                             ") out of range for rank ", input.getRank());
  SmallVector<int64_t> shape(input.getShape().take_front(*ax));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, input.getShape().drop_front(*ax + 1));
  inferred.push_back(tensorOf(shape, input.getElementType()));
  return success();
}
bool GatherOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return tensorTypesCompatible(l, r);
}

LogicalResult GatherNDOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  auto indices = cast<RankedTensorType>(adaptor.getIndices().getType());
  int64_t b = adaptor.getBatchDims();
  // (C1)
  if (indices.getRank() < 1 || indices.isDynamicDim(indices.getRank() - 1))
    return emitOptionalError(loc, "expected 'indices' of rank >= 1 with a static "
                                  "last dimension");
  int64_t r = indices.getShape().back();
  // (C2)
  if (b < 0 || b >= indices.getRank() || b + r > input.getRank())
    return emitOptionalError(loc, "expected batch_dims (", b, ") + index depth (", r,
                             ") <= rank(input) (", input.getRank(),
                             ") and batch_dims < rank(indices)");
  SmallVector<int64_t> shape(indices.getShape().drop_back());
  llvm::append_range(shape, input.getShape().drop_front(b + r));
  inferred.push_back(tensorOf(shape, input.getElementType()));
  return success();
}
bool GatherNDOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return tensorTypesCompatible(l, r);
}

LogicalResult RangeOp::verify() {
  // (C1)
  for (Value v : {getStart(), getLimit(), getDelta()}) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() != 0)
      return emitOpError("expected scalar (rank 0) 'start', 'limit' and 'delta'");
    if (t.getElementType() != getType().getElementType())
      return emitOpError("expected 'start', 'limit' and 'delta' of the result's element type");
  }
  if (getType().getRank() != 1)
    return emitOpError("expected a result of rank 1");
  Attribute start, limit, delta;
  if (matchPattern(getDelta(), m_Constant(&delta))) {
    auto d = dyn_cast<DenseElementsAttr>(delta);
    if (d && d.isSplat() &&
        ((isa<IntegerType>(d.getElementType()) && d.getSplatValue<APInt>().isZero()) ||
         (isa<FloatType>(d.getElementType()) && d.getSplatValue<APFloat>().isZero())))
      return emitOpError("expected a nonzero 'delta'");
  }
  if (matchPattern(getStart(), m_Constant(&start)) &&
      matchPattern(getLimit(), m_Constant(&limit)) && delta) {
    auto n = rangeSize(start, limit, delta);
    if (succeeded(n) && !getType().isDynamicDim(0) && getType().getDimSize(0) != *n)
      return emitOpError() << "expected " << *n << " elements, got "
                           << getType().getDimSize(0);
  }
  return success();
}

LogicalResult ConstantOfShapeOp::verify() {
  auto value = cast<ElementsAttr>(getValue());
  // (C1)
  if (value.getNumElements() != 1)
    return emitOpError() << "expected 'value' with one element, got "
                         << value.getNumElements();
  if (value.getElementType() != getType().getElementType())
    return emitOpError("expected 'value' of the result's element type");
  // (C2)
  auto shapeType = getShape().getType();
  if (shapeType.getRank() != 1)
    return emitOpError("expected 'shape' of rank 1");
  if (!shapeType.isDynamicDim(0) && shapeType.getDimSize(0) != getType().getRank())
    return emitOpError() << "expected result rank " << shapeType.getDimSize(0);
  SmallVector<int64_t> dims;
  if (getConstantIntValues(getShape(), dims)) {
    for (int64_t d : dims)
      if (d < 0)
        return emitOpError() << "invalid size (" << d << ") in 'shape'";
    return verifyResultDims(*this, getType(), dims);
  }
  return success();
}

LogicalResult TriluOp::verify() {
  // (C1)
  if (getInput().getType().getRank() < 2)
    return emitOpError("expected 'input' of rank >= 2");
  if (getK() && getK().getType().getRank() != 0 &&
      !(getK().getType().getRank() == 1 && getK().getType().getDimSize(0) == 1))
    return emitOpError("expected a scalar 'k'");
  return success();
}

//===----------------------------------------------------------------------===//
// Quantized forms
//===----------------------------------------------------------------------===//

LogicalResult DequantizeLinearOp::verify() {
  auto input = getInput().getType();
  auto scale = getScale().getType();
  // (C4)
  if (failed(verifyCompatibleShape(input.getShape(), getType().getShape())) ||
      getType().getElementType() != scale.getElementType())
    return emitOpError("expected the result to have the input's shape and the "
                       "scale's element type");
  // (C1)
  if (Value zp = getZeroPoint()) {
    auto zt = cast<RankedTensorType>(zp.getType());
    if (zt.getElementType() != input.getElementType())
      return emitOpError("expected 'zero_point' of the input's element type");
    if (failed(verifyCompatibleShape(zt.getShape(), scale.getShape())))
      return emitOpError("expected 'zero_point' of the scale's shape");
  }
  bool scalar = scale.getRank() == 0 ||
                (scale.getRank() == 1 && scale.getDimSize(0) == 1 && getBlockSize() == 0);
  if (scalar)
    return success();
  // (C2)
  auto ax = normalizeAxis(getAxis(), input.getRank());
  if (failed(ax))
    return emitOpError() << "axis (" << getAxis() << ") out of range for rank "
                         << input.getRank();
  if (getBlockSize() == 0) {
    if (scale.getRank() != 1 ||
        failed(verifyCompatibleShape({scale.getDimSize(0)},
                                     {input.getDimSize(*ax)})))
      return emitOpError() << "expected a per-axis 'scale' of size "
                           << input.getDimSize(*ax);
    return success();
  }
  // (C3)
  if (scale.getRank() != input.getRank())
    return emitOpError("expected a blocked 'scale' of the input's rank");
  for (int64_t i = 0; i < input.getRank(); ++i) {
    int64_t d = input.getDimSize(i);
    int64_t expected = (i == *ax && !ShapedType::isDynamic(d))
                           ? llvm::divideCeil(d, getBlockSize())
                           : d;
    if (failed(verifyCompatibleShape({scale.getDimSize(i)}, {expected})))
      return emitOpError() << "expected 'scale' dimension " << i << " to be "
                           << expected << ", got " << scale.getDimSize(i);
  }
  return success();
}

LogicalResult MatMulNBitsOp::verify() {
  int64_t k = getK(), n = getN(), bits = getBits(), bs = getBlockSize();
  // (C1)
  if (bits < 2 || bits > 8)
    return emitOpError() << "bits (" << bits << ") must be in [2, 8]";
  if (bs < 16 || !llvm::isPowerOf2_64(bs))
    return emitOpError() << "block_size (" << bs << ") must be a power of two >= 16";
  if (k <= 0 || n <= 0)
    return emitOpError("expected positive K and N");
  int64_t blocks = llvm::divideCeil(k, bs);
  // (C2)
  auto b = getB().getType();
  SmallVector<int64_t> expectedB = {n, blocks, bs * bits / 8};
  if (failed(verifyCompatibleShape(b.getShape(), expectedB)))
    return emitOpError() << "expected 'b' of shape [" << n << ", " << blocks << ", "
                         << bs * bits / 8 << "]";
  // (C3)
  auto s = getScales().getType();
  if (s.hasStaticShape() && s.getNumElements() != n * blocks)
    return emitOpError() << "expected 'scales' with " << n * blocks << " elements, got "
                         << s.getNumElements();
  // (C4)
  auto a = getA().getType();
  if (a.getRank() < 1 ||
      failed(verifyCompatibleShape({a.getShape().back()}, {k})))
    return emitOpError() << "expected the last dimension of 'a' to be K (" << k << ")";
  SmallVector<int64_t> out(a.getShape());
  out.back() = n;
  if (failed(verifyCompatibleShape(getType().getShape(), out)))
    return emitOpError("expected the result to have the shape of 'a' with the last "
                       "dimension N");
  return success();
}

#define GET_OP_CLASSES
#include "qm/Dialect/QGraph/IR/QGraphOps.cpp.inc"
