//===- QGraphFolds.cpp - qgraph folders -------------------------------------===//
//
// Part of quant-mlir. Folders and canonicalizations of qgraph ops.
//
// The folders evaluate the shape subgraphs of an ONNX export (Shape, Gather,
// Unsqueeze, Concat, Range, Expand, Where, Equal, ...) once the input shapes
// are pinned: they act on small `DenseElementsAttr` constants (at most
// `kMaxFoldElements` elements; splats of any size where the result is a
// splat) of integer and i1 type, and on any element type for pure data
// movement. Weights (`dense_resource`) are never touched. Every folder needs
// a static result type: qm-graph-refine-shapes makes the types static first.
//
//===----------------------------------------------------------------------===//

#include "qm/Dialect/QGraph/IR/QGraph.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::qm::qgraph;

namespace {
/// Largest constant (in elements) that folders materialize.
constexpr int64_t kMaxFoldElements = 4096;
} // namespace

/// A small dense constant, or null.
static DenseElementsAttr smallConstant(Attribute attr) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense || (!dense.isSplat() && dense.getNumElements() > kMaxFoldElements))
    return {};
  return dense;
}

/// A small dense integer (or i1) constant, or null.
static DenseElementsAttr smallIntConstant(Attribute attr) {
  DenseElementsAttr dense = smallConstant(attr);
  if (!dense || !isa<IntegerType>(dense.getElementType()))
    return {};
  return dense;
}

/// Whether `type` is static and small enough to materialize.
static bool foldableResult(RankedTensorType type) {
  return type.hasStaticShape() && type.getNumElements() <= kMaxFoldElements;
}

static SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = (int64_t)shape.size() - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

static void delinearize(int64_t index, ArrayRef<int64_t> shape,
                        SmallVectorImpl<int64_t> &coords) {
  coords.assign(shape.size(), 0);
  for (int64_t i = (int64_t)shape.size() - 1; i >= 0; --i) {
    if (shape[i] == 0)
      return;
    coords[i] = index % shape[i];
    index /= shape[i];
  }
}

/// Linear index into `shape` of the result coordinates `coords` under numpy
/// broadcasting (`shape` is right-aligned; size-1 dimensions repeat).
static int64_t broadcastIndex(ArrayRef<int64_t> coords, ArrayRef<int64_t> shape) {
  int64_t offset = coords.size() - shape.size();
  int64_t index = 0;
  for (size_t i = 0; i < shape.size(); ++i)
    index = index * shape[i] + (shape[i] == 1 ? 0 : coords[offset + i]);
  return index;
}

/// Element values of a dense attribute (splats expanded).
template <typename T>
static SmallVector<T> valuesOf(DenseElementsAttr attr) {
  return llvm::to_vector(attr.getValues<T>());
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

OpFoldResult IdentityOp::fold(FoldAdaptor) { return getInput(); }

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  DenseElementsAttr input = smallIntConstant(adaptor.getInput());
  if (!input || !foldableResult(getType()))
    return {};
  SmallVector<APInt> values;
  for (const APInt &v : input.getValues<APInt>())
    values.push_back(-v);
  return DenseElementsAttr::get(getType(), values);
}

OpFoldResult NotOp::fold(FoldAdaptor adaptor) {
  // not(not(x)) -> x
  if (auto inner = getInput().getDefiningOp<NotOp>())
    return inner.getInput();
  DenseElementsAttr input = smallIntConstant(adaptor.getInput());
  if (!input || !foldableResult(getType()))
    return {};
  SmallVector<APInt> values;
  for (const APInt &v : input.getValues<APInt>())
    values.push_back(~v);
  return DenseElementsAttr::get(getType(), values);
}

/// Folds `fn` over two broadcast integer constants into the static result
/// type. `fn` returns std::nullopt to refuse (e.g. division by zero).
template <typename Fn>
static OpFoldResult foldBinaryInts(Attribute lhsAttr, Attribute rhsAttr,
                                   RankedTensorType resultType, Fn fn) {
  DenseElementsAttr lhs = smallIntConstant(lhsAttr);
  DenseElementsAttr rhs = smallIntConstant(rhsAttr);
  if (!lhs || !rhs || !foldableResult(resultType))
    return {};
  bool isUnsigned = lhs.getElementType().isUnsignedInteger();
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  SmallVector<APInt> a = valuesOf<APInt>(lhs), b = valuesOf<APInt>(rhs);
  SmallVector<APInt> out;
  SmallVector<int64_t> coords;
  for (int64_t i = 0, e = resultType.getNumElements(); i < e; ++i) {
    delinearize(i, resultType.getShape(), coords);
    std::optional<APInt> v =
        fn(a[broadcastIndex(coords, lhsType.getShape())],
           b[broadcastIndex(coords, rhsType.getShape())], isUnsigned);
    if (!v)
      return {};
    out.push_back(*v);
  }
  return DenseElementsAttr::get(resultType, out);
}

static APInt boolean(bool b) { return APInt(1, b ? 1 : 0); }

/// `x op c` -> `x` when `c` is a splat of `identity` and the types agree.
static Value foldIdentityOperand(Value x, Attribute c, int64_t identity,
                                 Type resultType) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(c);
  if (!dense || !dense.isSplat() || x.getType() != resultType ||
      !isa<IntegerType>(dense.getElementType()))
    return {};
  if (dense.getSplatValue<APInt>().getSExtValue() != identity)
    return {};
  return x;
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  if (Value v = foldIdentityOperand(getLhs(), adaptor.getRhs(), 0, getType()))
    return v;
  if (Value v = foldIdentityOperand(getRhs(), adaptor.getLhs(), 0, getType()))
    return v;
  return foldBinaryInts(adaptor.getLhs(), adaptor.getRhs(), getType(),
                        [](const APInt &a, const APInt &b, bool) -> std::optional<APInt> {
                          return a + b;
                        });
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  if (Value v = foldIdentityOperand(getLhs(), adaptor.getRhs(), 0, getType()))
    return v;
  return foldBinaryInts(adaptor.getLhs(), adaptor.getRhs(), getType(),
                        [](const APInt &a, const APInt &b, bool) -> std::optional<APInt> {
                          return a - b;
                        });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (Value v = foldIdentityOperand(getLhs(), adaptor.getRhs(), 1, getType()))
    return v;
  if (Value v = foldIdentityOperand(getRhs(), adaptor.getLhs(), 1, getType()))
    return v;
  return foldBinaryInts(adaptor.getLhs(), adaptor.getRhs(), getType(),
                        [](const APInt &a, const APInt &b, bool) -> std::optional<APInt> {
                          return a * b;
                        });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  if (Value v = foldIdentityOperand(getLhs(), adaptor.getRhs(), 1, getType()))
    return v;
  return foldBinaryInts(adaptor.getLhs(), adaptor.getRhs(), getType(),
                        [](const APInt &a, const APInt &b,
                           bool isUnsigned) -> std::optional<APInt> {
                          if (b.isZero() || (!isUnsigned && a.isMinSignedValue() &&
                                             b.isAllOnes()))
                            return std::nullopt;
                          return isUnsigned ? a.udiv(b) : a.sdiv(b);
                        });
}

// Float arithmetic is never evaluated at compile time.
OpFoldResult PowOp::fold(FoldAdaptor) { return {}; }

OpFoldResult MaxOp::fold(FoldAdaptor adaptor) {
  if (getLhs() == getRhs() && getLhs().getType() == getType())
    return getLhs();
  return foldBinaryInts(adaptor.getLhs(), adaptor.getRhs(), getType(),
                        [](const APInt &a, const APInt &b,
                           bool isUnsigned) -> std::optional<APInt> {
                          return isUnsigned ? llvm::APIntOps::umax(a, b) : llvm::APIntOps::smax(a, b);
                        });
}

OpFoldResult MinOp::fold(FoldAdaptor adaptor) {
  if (getLhs() == getRhs() && getLhs().getType() == getType())
    return getLhs();
  return foldBinaryInts(adaptor.getLhs(), adaptor.getRhs(), getType(),
                        [](const APInt &a, const APInt &b,
                           bool isUnsigned) -> std::optional<APInt> {
                          return isUnsigned ? llvm::APIntOps::umin(a, b) : llvm::APIntOps::smin(a, b);
                        });
}

OpFoldResult AndOp::fold(FoldAdaptor adaptor) {
  if (getLhs() == getRhs() && getLhs().getType() == getType())
    return getLhs();
  return foldBinaryInts(adaptor.getLhs(), adaptor.getRhs(), getType(),
                        [](const APInt &a, const APInt &b, bool) -> std::optional<APInt> {
                          return a & b;
                        });
}

OpFoldResult OrOp::fold(FoldAdaptor adaptor) {
  if (getLhs() == getRhs() && getLhs().getType() == getType())
    return getLhs();
  return foldBinaryInts(adaptor.getLhs(), adaptor.getRhs(), getType(),
                        [](const APInt &a, const APInt &b, bool) -> std::optional<APInt> {
                          return a | b;
                        });
}

#define QGRAPH_DEFINE_COMPARE_FOLD(OP, SIGNED, UNSIGNED)                       \
  OpFoldResult OP::fold(FoldAdaptor adaptor) {                                 \
    return foldBinaryInts(                                                     \
        adaptor.getLhs(), adaptor.getRhs(), getType(),                         \
        [](const APInt &a, const APInt &b,                                     \
           bool isUnsigned) -> std::optional<APInt> {                          \
          return boolean(isUnsigned ? a.UNSIGNED(b) : a.SIGNED(b));            \
        });                                                                    \
  }
QGRAPH_DEFINE_COMPARE_FOLD(EqualOp, eq, eq)
QGRAPH_DEFINE_COMPARE_FOLD(LessOp, slt, ult)
QGRAPH_DEFINE_COMPARE_FOLD(LessOrEqualOp, sle, ule)
QGRAPH_DEFINE_COMPARE_FOLD(GreaterOp, sgt, ugt)
QGRAPH_DEFINE_COMPARE_FOLD(GreaterOrEqualOp, sge, uge)
#undef QGRAPH_DEFINE_COMPARE_FOLD

OpFoldResult WhereOp::fold(FoldAdaptor adaptor) {
  auto cond = dyn_cast_or_null<DenseElementsAttr>(adaptor.getCondition());
  // A splat condition selects one operand.
  if (cond && cond.isSplat()) {
    Value chosen = cond.getSplatValue<bool>() ? getOnTrue() : getOnFalse();
    if (chosen.getType() == getType())
      return chosen;
  }
  cond = smallConstant(cond);
  DenseElementsAttr t = smallConstant(adaptor.getOnTrue());
  DenseElementsAttr f = smallConstant(adaptor.getOnFalse());
  if (!cond || !t || !f || !foldableResult(getType()))
    return {};
  SmallVector<bool> c = valuesOf<bool>(cond);
  SmallVector<Attribute> a = valuesOf<Attribute>(t), b = valuesOf<Attribute>(f);
  auto cShape = cast<RankedTensorType>(cond.getType()).getShape();
  auto tShape = cast<RankedTensorType>(t.getType()).getShape();
  auto fShape = cast<RankedTensorType>(f.getType()).getShape();
  SmallVector<Attribute> out;
  SmallVector<int64_t> coords;
  for (int64_t i = 0, e = getType().getNumElements(); i < e; ++i) {
    delinearize(i, getType().getShape(), coords);
    out.push_back(c[broadcastIndex(coords, cShape)]
                      ? a[broadcastIndex(coords, tShape)]
                      : b[broadcastIndex(coords, fShape)]);
  }
  return DenseElementsAttr::get(getType(), out);
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  auto input = smallConstant(adaptor.getInput());
  if (!input || !foldableResult(getType()))
    return {};
  Type from = input.getElementType(), to = getType().getElementType();
  auto toInt = dyn_cast<IntegerType>(to);
  if (auto fromInt = dyn_cast<IntegerType>(from)) {
    bool isSigned = !fromInt.isUnsigned() && fromInt.getWidth() != 1;
    if (toInt) {
      SmallVector<APInt> values;
      for (const APInt &v : input.getValues<APInt>()) {
        if (toInt.getWidth() == 1)
          values.push_back(APInt(1, v.isZero() ? 0 : 1));
        else
          values.push_back(isSigned ? v.sextOrTrunc(toInt.getWidth())
                                    : v.zextOrTrunc(toInt.getWidth()));
      }
      return DenseElementsAttr::get(getType(), values);
    }
    if (auto toFloat = dyn_cast<FloatType>(to)) {
      SmallVector<APFloat> values;
      for (const APInt &v : input.getValues<APInt>()) {
        APFloat f(toFloat.getFloatSemantics());
        (void)f.convertFromAPInt(v, isSigned, APFloat::rmNearestTiesToEven);
        values.push_back(f);
      }
      return DenseElementsAttr::get(getType(), values);
    }
  }
  if (isa<FloatType>(from) && toInt) {
    // Float to integer truncates toward zero; i1 is "nonzero".
    SmallVector<APInt> values;
    for (const APFloat &v : input.getValues<APFloat>()) {
      if (toInt.getWidth() == 1) {
        values.push_back(APInt(1, v.isZero() ? 0 : 1));
        continue;
      }
      APSInt result(toInt.getWidth(), toInt.isUnsigned());
      bool exact = false;
      if (v.convertToInteger(result, APFloat::rmTowardZero, &exact) &
          APFloat::opInvalidOp)
        return {};
      values.push_back(result);
    }
    return DenseElementsAttr::get(getType(), values);
  }
  return {};
}

//===----------------------------------------------------------------------===//
// Shape and data movement
//===----------------------------------------------------------------------===//

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  auto inputType = getInput().getType();
  auto resultType = getType();
  if (!resultType.hasStaticShape())
    return {};
  int64_t rank = inputType.getRank();
  int64_t start = getStart();
  int64_t end = getEnd().value_or(rank);
  if (start < 0)
    start += rank;
  if (end < 0)
    end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, 0, rank);
  SmallVector<int64_t> dims;
  for (int64_t i = start; i < end; ++i) {
    if (inputType.isDynamicDim(i))
      return {};
    dims.push_back(inputType.getDimSize(i));
  }
  if ((int64_t)dims.size() != resultType.getDimSize(0))
    return {};
  return DenseElementsAttr::get(resultType, ArrayRef<int64_t>(dims));
}

/// Ops that only reinterpret the shape: same type -> input; constant input ->
/// reshaped constant.
static OpFoldResult foldReshapeLike(Value input, Attribute inputAttr,
                                    RankedTensorType resultType) {
  // Equal dynamic types do not imply equal runtime shapes.
  if (input.getType() == resultType && resultType.hasStaticShape())
    return input;
  auto dense = dyn_cast_or_null<DenseElementsAttr>(inputAttr);
  if (!dense || !resultType.hasStaticShape() ||
      (!dense.isSplat() && dense.getNumElements() > kMaxFoldElements))
    return {};
  return dense.reshape(resultType);
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(getInput(), adaptor.getInput(), getType());
}
OpFoldResult SqueezeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(getInput(), adaptor.getInput(), getType());
}
OpFoldResult UnsqueezeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(getInput(), adaptor.getInput(), getType());
}

namespace {
/// reshape(reshape(x)) -> reshape(x): the inner shape is irrelevant.
struct ComposeReshapes final : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op, PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<ReshapeOp>();
    if (!inner)
      return failure();
    // A 0 in the outer shape would copy a size of the inner result.
    SmallVector<int64_t> dims;
    if (!op.getAllowzero() &&
        (!getConstantIntValues(op.getShape(), dims) || llvm::is_contained(dims, 0)))
      return failure();
    rewriter.modifyOpInPlace(op, [&] { op.getInputMutable().assign(inner.getInput()); });
    return success();
  }
};

/// reshape with a constant shape and a static result whose shape is fully
/// known: the shape operand becomes the static result shape, so later
/// passes see no 0/-1 entries.
struct MaterializeReshapeShape final : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op, PatternRewriter &rewriter) const override {
    SmallVector<int64_t> dims;
    if (!op.getType().hasStaticShape() || !getConstantIntValues(op.getShape(), dims))
      return failure();
    ArrayRef<int64_t> target = op.getType().getShape();
    if (ArrayRef<int64_t>(dims) == target)
      return failure();
    if (op.getAllowzero() && llvm::is_contained(target, 0))
      return failure();
    auto shapeType = RankedTensorType::get({(int64_t)target.size()}, rewriter.getI64Type());
    Value shape = arith::ConstantOp::create(
        rewriter, op.getLoc(), shapeType, DenseElementsAttr::get(shapeType, target));
    rewriter.modifyOpInPlace(op, [&] { op.getShapeMutable().assign(shape); });
    return success();
  }
};
} // namespace

void ReshapeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                            MLIRContext *ctx) {
  results.add<ComposeReshapes, MaterializeReshapeShape>(ctx);
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int64_t> perm = getPerm();
  bool identity = llvm::all_of(llvm::enumerate(perm), [](auto p) {
    return (int64_t)p.index() == p.value();
  });
  if (identity && getInput().getType() == getType())
    return getInput();
  DenseElementsAttr input = smallConstant(adaptor.getInput());
  if (!input || !foldableResult(getType()))
    return {};
  if (input.isSplat())
    return input.resizeSplat(getType());
  SmallVector<Attribute> values = valuesOf<Attribute>(input);
  auto inShape = getInput().getType().getShape();
  SmallVector<int64_t> inStrides = stridesOf(inShape);
  SmallVector<Attribute> out;
  SmallVector<int64_t> coords;
  for (int64_t i = 0, e = getType().getNumElements(); i < e; ++i) {
    delinearize(i, getType().getShape(), coords);
    int64_t index = 0;
    for (size_t d = 0; d < perm.size(); ++d)
      index += coords[d] * inStrides[perm[d]];
    out.push_back(values[index]);
  }
  return DenseElementsAttr::get(getType(), out);
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1 && getInputs()[0].getType() == getType())
    return getInputs()[0];
  if (!foldableResult(getType()))
    return {};
  int64_t axis = *normalizeAxis(getAxis(), getType().getRank());
  SmallVector<SmallVector<Attribute>> parts;
  SmallVector<ArrayRef<int64_t>> shapes;
  for (auto [value, attr] : llvm::zip(getInputs(), adaptor.getInputs())) {
    DenseElementsAttr dense = smallConstant(attr);
    if (!dense)
      return {};
    parts.push_back(valuesOf<Attribute>(dense));
    shapes.push_back(cast<RankedTensorType>(value.getType()).getShape());
  }
  SmallVector<Attribute> out;
  SmallVector<int64_t> coords;
  for (int64_t i = 0, e = getType().getNumElements(); i < e; ++i) {
    delinearize(i, getType().getShape(), coords);
    size_t which = 0;
    while (coords[axis] >= shapes[which][axis]) {
      coords[axis] -= shapes[which][axis];
      ++which;
    }
    int64_t index = 0;
    for (size_t d = 0; d < coords.size(); ++d)
      index = index * shapes[which][d] + coords[d];
    out.push_back(parts[which][index]);
  }
  return DenseElementsAttr::get(getType(), out);
}

OpFoldResult ExpandOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType() && getType().hasStaticShape())
    return getInput();
  auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput());
  if (!dense || !getType().hasStaticShape())
    return {};
  if (dense.isSplat())
    return dense.resizeSplat(getType());
  if (!smallConstant(dense) || !foldableResult(getType()))
    return {};
  SmallVector<Attribute> values = valuesOf<Attribute>(dense);
  auto inShape = getInput().getType().getShape();
  SmallVector<Attribute> out;
  SmallVector<int64_t> coords;
  for (int64_t i = 0, e = getType().getNumElements(); i < e; ++i) {
    delinearize(i, getType().getShape(), coords);
    out.push_back(values[broadcastIndex(coords, inShape)]);
  }
  return DenseElementsAttr::get(getType(), out);
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  auto inType = getInput().getType();
  if (inType == getType() && inType.hasStaticShape()) {
    // A slice that keeps every element in order is the identity.
    SmallVector<int64_t> steps;
    if (!getSteps() || (getConstantIntValues(getSteps(), steps) &&
                        llvm::all_of(steps, [](int64_t s) { return s == 1; })))
      return getInput();
  }
  DenseElementsAttr input = smallConstant(adaptor.getInput());
  if (!input || !foldableResult(getType()))
    return {};
  if (input.isSplat())
    return input.resizeSplat(getType());
  SmallVector<int64_t> starts, ends, axes, steps;
  if (!getConstantIntValues(getStarts(), starts) ||
      !getConstantIntValues(getEnds(), ends) ||
      (getAxes() && !getConstantIntValues(getAxes(), axes)) ||
      (getSteps() && !getConstantIntValues(getSteps(), steps)))
    return {};
  int64_t rank = inType.getRank();
  SmallVector<int64_t> begin(rank, 0), stride(rank, 1);
  for (size_t i = 0; i < starts.size(); ++i) {
    auto ax = normalizeAxis(getAxes() ? axes[i] : (int64_t)i, rank);
    if (failed(ax))
      return {};
    int64_t dim = inType.getDimSize(*ax), step = getSteps() ? steps[i] : 1;
    int64_t s = starts[i];
    if (s < 0)
      s += dim;
    s = step > 0 ? std::clamp<int64_t>(s, 0, dim) : std::clamp<int64_t>(s, 0, dim - 1);
    begin[*ax] = s;
    stride[*ax] = step;
  }
  SmallVector<Attribute> values = valuesOf<Attribute>(input);
  SmallVector<int64_t> inStrides = stridesOf(inType.getShape());
  SmallVector<Attribute> out;
  SmallVector<int64_t> coords;
  for (int64_t i = 0, e = getType().getNumElements(); i < e; ++i) {
    delinearize(i, getType().getShape(), coords);
    int64_t index = 0;
    for (int64_t d = 0; d < rank; ++d)
      index += (begin[d] + coords[d] * stride[d]) * inStrides[d];
    out.push_back(values[index]);
  }
  return DenseElementsAttr::get(getType(), out);
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  DenseElementsAttr input = smallConstant(adaptor.getInput());
  DenseElementsAttr indices = smallIntConstant(adaptor.getIndices());
  if (!input || !indices || !foldableResult(getType()))
    return {};
  auto inShape = getInput().getType().getShape();
  int64_t axis = *normalizeAxis(getAxis(), inShape.size());
  auto idxShape = getIndices().getType().getShape();
  SmallVector<int64_t> idx;
  for (const APInt &v : indices.getValues<APInt>()) {
    int64_t x = v.getSExtValue();
    if (x < 0)
      x += inShape[axis];
    if (x < 0 || x >= inShape[axis])
      return {};
    idx.push_back(x);
  }
  SmallVector<Attribute> values = valuesOf<Attribute>(input);
  SmallVector<int64_t> inStrides = stridesOf(inShape);
  SmallVector<int64_t> idxStrides = stridesOf(idxShape);
  SmallVector<Attribute> out;
  SmallVector<int64_t> coords;
  int64_t idxRank = idxShape.size();
  for (int64_t i = 0, e = getType().getNumElements(); i < e; ++i) {
    delinearize(i, getType().getShape(), coords);
    int64_t index = 0;
    for (int64_t d = 0; d < axis; ++d)
      index += coords[d] * inStrides[d];
    int64_t j = 0;
    for (int64_t d = 0; d < idxRank; ++d)
      j += coords[axis + d] * idxStrides[d];
    index += idx[j] * inStrides[axis];
    for (int64_t d = axis + 1; d < (int64_t)inShape.size(); ++d)
      index += coords[d - 1 + idxRank] * inStrides[d];
    out.push_back(values[index]);
  }
  return DenseElementsAttr::get(getType(), out);
}

OpFoldResult RangeOp::fold(FoldAdaptor adaptor) {
  DenseElementsAttr start = smallIntConstant(adaptor.getStart());
  DenseElementsAttr delta = smallIntConstant(adaptor.getDelta());
  if (!start || !delta || !foldableResult(getType()))
    return {};
  auto n = rangeSize(adaptor.getStart(), adaptor.getLimit(), adaptor.getDelta());
  if (failed(n) || *n != getType().getDimSize(0))
    return {};
  APInt v = *start.getValues<APInt>().begin();
  APInt d = *delta.getValues<APInt>().begin();
  SmallVector<APInt> out;
  for (int64_t i = 0; i < *n; ++i, v += d)
    out.push_back(v);
  return DenseElementsAttr::get(getType(), out);
}

OpFoldResult ConstantOfShapeOp::fold(FoldAdaptor) {
  if (!getType().hasStaticShape())
    return {};
  auto value = dyn_cast<DenseElementsAttr>(getValue());
  if (!value)
    return {};
  return DenseElementsAttr::get(getType(), *value.getValues<Attribute>().begin());
}

//===----------------------------------------------------------------------===//
// Reductions on integer constants
//===----------------------------------------------------------------------===//

template <typename OpTy, typename Fn>
static OpFoldResult foldReduce(OpTy op, Attribute inputAttr, Fn combine,
                               bool mean) {
  DenseElementsAttr input = smallIntConstant(inputAttr);
  if (!input || !foldableResult(op.getType()) ||
      !op.getInput().getType().hasStaticShape())
    return {};
  auto inShape = op.getInput().getType().getShape();
  int64_t rank = inShape.size();
  SmallVector<int64_t> axes;
  if (op.getAxes() && !getConstantIntValues(op.getAxes(), axes))
    return {};
  if (axes.empty() && op.getNoopWithEmptyAxes())
    return op.getInput().getType() == op.getType() ? OpFoldResult(inputAttr)
                                                   : OpFoldResult();
  SmallVector<bool> reduced(rank, axes.empty());
  for (int64_t a : axes) {
    auto ax = normalizeAxis(a, rank);
    if (failed(ax))
      return {};
    reduced[*ax] = true;
  }
  // Accumulate into the kept-dims shape, then reinterpret as the result.
  SmallVector<int64_t> keptShape;
  int64_t count = 1;
  for (int64_t d = 0; d < rank; ++d) {
    keptShape.push_back(reduced[d] ? 1 : inShape[d]);
    if (reduced[d])
      count *= inShape[d];
  }
  int64_t outElems = 1;
  for (int64_t d : keptShape)
    outElems *= d;
  if (outElems != op.getType().getNumElements() || count == 0)
    return {};
  bool isUnsigned = input.getElementType().isUnsignedInteger();
  SmallVector<std::optional<APInt>> acc(outElems);
  SmallVector<int64_t> coords;
  int64_t i = 0;
  for (const APInt &v : input.getValues<APInt>()) {
    delinearize(i++, inShape, coords);
    int64_t o = broadcastIndex(coords, keptShape);
    acc[o] = acc[o] ? combine(*acc[o], v, isUnsigned) : v;
  }
  SmallVector<APInt> out;
  for (auto &a : acc) {
    APInt v = *a;
    if (mean) {
      APInt c(v.getBitWidth(), count);
      v = isUnsigned ? v.udiv(c) : v.sdiv(c);
    }
    out.push_back(v);
  }
  return DenseElementsAttr::get(op.getType(), out);
}

OpFoldResult ReduceSumOp::fold(FoldAdaptor adaptor) {
  return foldReduce(*this, adaptor.getInput(),
                    [](const APInt &a, const APInt &b, bool) { return a + b; },
                    /*mean=*/false);
}
OpFoldResult ReduceMeanOp::fold(FoldAdaptor adaptor) {
  return foldReduce(*this, adaptor.getInput(),
                    [](const APInt &a, const APInt &b, bool) { return a + b; },
                    /*mean=*/true);
}
OpFoldResult ReduceMaxOp::fold(FoldAdaptor adaptor) {
  return foldReduce(*this, adaptor.getInput(),
                    [](const APInt &a, const APInt &b, bool isUnsigned) {
                      return isUnsigned ? llvm::APIntOps::umax(a, b) : llvm::APIntOps::smax(a, b);
                    },
                    /*mean=*/false);
}
