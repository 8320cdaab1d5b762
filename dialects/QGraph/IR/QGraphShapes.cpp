//===- QGraphShapes.cpp - result shapes from constant operands --------------===//
//
// Part of quant-mlir. Shape functions of the qgraph ops whose result shape
// depends on operand *values* (reshape, expand, slice, range, ...). They are
// shared by the verifiers (which check declared result types against them)
// and by qm-graph-refine-shapes (which replaces dynamic result dimensions
// with the ones computed here). Unknown sizes come back as dynamic.
//
//===----------------------------------------------------------------------===//

#include "qm/Dialect/QGraph/IR/QGraph.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SmallSet.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qm::qgraph;

static constexpr int64_t kDyn = ShapedType::kDynamic;

SmallVector<int64_t>
mlir::qm::qgraph::reshapeShape(ArrayRef<int64_t> input,
                               ArrayRef<int64_t> shape, bool allowZero) {
  SmallVector<int64_t> out;
  int64_t inferredAt = -1;
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (d == 0 && !allowZero)
      out.push_back(i < input.size() ? input[i] : kDyn);
    else if (d == -1) {
      inferredAt = i;
      out.push_back(kDyn);
    } else
      out.push_back(d < 0 ? kDyn : d);
  }
  if (inferredAt < 0)
    return out;
  int64_t total = 1, known = 1;
  for (int64_t d : input) {
    if (ShapedType::isDynamic(d))
      return out;
    total *= d;
  }
  for (auto [i, d] : llvm::enumerate(out)) {
    if ((int64_t)i == inferredAt)
      continue;
    if (ShapedType::isDynamic(d))
      return out;
    known *= d;
  }
  if (known != 0 && total % known == 0)
    out[inferredAt] = total / known;
  return out;
}

FailureOr<SmallVector<int64_t>>
mlir::qm::qgraph::expandShape(ArrayRef<int64_t> input, ArrayRef<int64_t> shape) {
  SmallVector<int64_t> out;
  if (failed(broadcastShapes({input, shape}, out)))
    return failure();
  return out;
}

FailureOr<SmallVector<int64_t>> mlir::qm::qgraph::sliceShape(
    ArrayRef<int64_t> input, ArrayRef<int64_t> starts, ArrayRef<int64_t> ends,
    std::optional<ArrayRef<int64_t>> axes,
    std::optional<ArrayRef<int64_t>> steps) {
  int64_t rank = input.size();
  SmallVector<int64_t> out(input);
  if (starts.size() != ends.size() || (axes && axes->size() != starts.size()) ||
      (steps && steps->size() != starts.size()))
    return failure();
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t a = axes ? (*axes)[i] : (int64_t)i;
    auto ax = normalizeAxis(a, rank);
    if (failed(ax))
      return failure();
    int64_t step = steps ? (*steps)[i] : 1;
    if (step == 0)
      return failure();
    int64_t dim = input[*ax];
    if (ShapedType::isDynamic(dim)) {
      out[*ax] = kDyn;
      continue;
    }
    // ONNX Slice: negative bounds count from the back, then clamp to
    // [0, dim] (step > 0) or [-1, dim - 1] (step < 0). INT64_MIN/MAX
    // sentinels do not overflow: dim is only added to negative values.
    int64_t s = starts[i], e = ends[i];
    if (s < 0)
      s += dim;
    if (e < 0)
      e += dim;
    if (step > 0) {
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
    } else {
      s = std::clamp<int64_t>(s, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
    }
    int64_t n = step > 0 ? (e > s ? (e - s + step - 1) / step : 0)
                         : (s > e ? (s - e - step - 1) / -step : 0);
    out[*ax] = std::max<int64_t>(n, 0);
  }
  return out;
}

FailureOr<int64_t> mlir::qm::qgraph::rangeSize(Attribute start, Attribute limit,
                                               Attribute delta) {
  auto s = dyn_cast_or_null<DenseElementsAttr>(start);
  auto l = dyn_cast_or_null<DenseElementsAttr>(limit);
  auto d = dyn_cast_or_null<DenseElementsAttr>(delta);
  if (!s || !l || !d || s.getNumElements() != 1 || l.getNumElements() != 1 ||
      d.getNumElements() != 1)
    return failure();
  if (isa<IntegerType>(s.getElementType())) {
    int64_t a = (*s.getValues<APInt>().begin()).getSExtValue();
    int64_t b = (*l.getValues<APInt>().begin()).getSExtValue();
    int64_t c = (*d.getValues<APInt>().begin()).getSExtValue();
    if (c == 0)
      return failure();
    int64_t diff = b - a;
    int64_t n = c > 0 ? (diff + c - 1) / c : (diff + c + 1) / c;
    if ((c > 0 && diff <= 0) || (c < 0 && diff >= 0))
      n = 0;
    return std::max<int64_t>(n, 0);
  }
  if (isa<FloatType>(s.getElementType())) {
    double a = (*s.getValues<APFloat>().begin()).convertToDouble();
    double b = (*l.getValues<APFloat>().begin()).convertToDouble();
    double c = (*d.getValues<APFloat>().begin()).convertToDouble();
    if (c == 0)
      return failure();
    return std::max<int64_t>((int64_t)std::ceil((b - a) / c), 0);
  }
  return failure();
}

FailureOr<SmallVector<int64_t>>
mlir::qm::qgraph::squeezeShape(ArrayRef<int64_t> input,
                               std::optional<ArrayRef<int64_t>> axes) {
  int64_t rank = input.size();
  llvm::SmallSet<int64_t, 8> drop;
  if (axes) {
    for (int64_t a : *axes) {
      auto ax = normalizeAxis(a, rank);
      if (failed(ax) || (!ShapedType::isDynamic(input[*ax]) && input[*ax] != 1))
        return failure();
      drop.insert(*ax);
    }
  } else {
    for (int64_t i = 0; i < rank; ++i) {
      if (ShapedType::isDynamic(input[i]))
        return failure(); // unknown whether it is squeezed
      if (input[i] == 1)
        drop.insert(i);
    }
  }
  SmallVector<int64_t> out;
  for (int64_t i = 0; i < rank; ++i)
    if (!drop.contains(i))
      out.push_back(input[i]);
  return out;
}

FailureOr<SmallVector<int64_t>>
mlir::qm::qgraph::unsqueezeShape(ArrayRef<int64_t> input, ArrayRef<int64_t> axes) {
  int64_t outRank = input.size() + axes.size();
  SmallVector<bool> inserted(outRank, false);
  for (int64_t a : axes) {
    auto ax = normalizeAxis(a, outRank);
    if (failed(ax) || inserted[*ax])
      return failure();
    inserted[*ax] = true;
  }
  SmallVector<int64_t> out;
  size_t next = 0;
  for (int64_t i = 0; i < outRank; ++i)
    out.push_back(inserted[i] ? 1 : input[next++]);
  return out;
}

FailureOr<SmallVector<int64_t>>
mlir::qm::qgraph::reduceShape(ArrayRef<int64_t> input,
                              std::optional<ArrayRef<int64_t>> axes,
                              bool keepDims, bool noopWithEmptyAxes) {
  int64_t rank = input.size();
  if ((!axes || axes->empty()) && noopWithEmptyAxes)
    return SmallVector<int64_t>(input);
  llvm::SmallSet<int64_t, 8> reduced;
  if (!axes || axes->empty()) {
    for (int64_t i = 0; i < rank; ++i)
      reduced.insert(i);
  } else {
    for (int64_t a : *axes) {
      auto ax = normalizeAxis(a, rank);
      if (failed(ax) || !reduced.insert(*ax).second)
        return failure();
    }
  }
  SmallVector<int64_t> out;
  for (int64_t i = 0; i < rank; ++i) {
    if (!reduced.contains(i))
      out.push_back(input[i]);
    else if (keepDims)
      out.push_back(1);
  }
  return out;
}

//===----------------------------------------------------------------------===//
// refineResultTypes
//===----------------------------------------------------------------------===//

/// The more static of two shapes of equal rank: a dynamic size takes the
/// other's size. Returns std::nullopt on a conflict (two different static
/// sizes) or a rank mismatch.
static std::optional<SmallVector<int64_t>> meetShapes(ArrayRef<int64_t> current,
                                                      ArrayRef<int64_t> computed) {
  if (current.size() != computed.size())
    return std::nullopt;
  SmallVector<int64_t> out;
  for (auto [a, b] : llvm::zip(current, computed)) {
    if (!ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b)
      return std::nullopt;
    out.push_back(ShapedType::isDynamic(a) ? b : a);
  }
  return out;
}

static bool constInts(Value v, SmallVectorImpl<int64_t> &out) {
  return v && getConstantIntValues(v, out);
}

static ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

/// Computed result shapes of the value-dependent and shape-preserving ops;
/// empty when nothing is known.
static SmallVector<SmallVector<int64_t>> computeShapes(Operation *op) {
  using Shapes = SmallVector<SmallVector<int64_t>>;
  auto one = [](ArrayRef<int64_t> s) { return Shapes{SmallVector<int64_t>(s)}; };
  SmallVector<int64_t> a, b, c, d;

  // Result shape = shape of operand 0.
  if (isa<NegOp, SqrtOp, ReciprocalOp, CosOp, SinOp, SigmoidOp, TanhOp, ErfOp,
          ExpOp, LogOp, NotOp, IdentityOp, CastOp, SoftmaxOp, LayerNormOp,
          RMSNormOp, CumSumOp, TriluOp, DequantizeLinearOp>(op))
    return one(shapeOf(op->getOperand(0)));

  if (auto nbits = dyn_cast<MatMulNBitsOp>(op)) {
    SmallVector<int64_t> s(shapeOf(nbits.getA()));
    if (s.empty())
      return {};
    s.back() = nbits.getN();
    return one(s);
  }
  if (auto reshape = dyn_cast<ReshapeOp>(op)) {
    if (!constInts(reshape.getShape(), a))
      return {};
    return one(reshapeShape(shapeOf(reshape.getInput()), a, reshape.getAllowzero()));
  }
  if (auto expand = dyn_cast<ExpandOp>(op)) {
    if (!constInts(expand.getShape(), a))
      return {};
    auto s = expandShape(shapeOf(expand.getInput()), a);
    return succeeded(s) ? one(*s) : Shapes{};
  }
  if (auto slice = dyn_cast<SliceOp>(op)) {
    ArrayRef<int64_t> in = shapeOf(slice.getInput());
    bool axesKnown = !slice.getAxes() || constInts(slice.getAxes(), c);
    bool stepsKnown = !slice.getSteps() || constInts(slice.getSteps(), d);
    if (constInts(slice.getStarts(), a) && constInts(slice.getEnds(), b) &&
        axesKnown && stepsKnown) {
      auto s = sliceShape(in, a, b,
                          slice.getAxes() ? std::optional<ArrayRef<int64_t>>(c) : std::nullopt,
                          slice.getSteps() ? std::optional<ArrayRef<int64_t>>(d) : std::nullopt);
      return succeeded(s) ? one(*s) : Shapes{};
    }
    // Unsliced dimensions keep their size.
    if (slice.getAxes() && axesKnown) {
      SmallVector<int64_t> s(in);
      for (int64_t ax : c) {
        auto n = normalizeAxis(ax, in.size());
        if (failed(n))
          return {};
        s[*n] = ShapedType::kDynamic;
      }
      return one(s);
    }
    return {};
  }
  if (auto range = dyn_cast<RangeOp>(op)) {
    Attribute s, l, dl;
    if (!matchPattern(range.getStart(), m_Constant(&s)) ||
        !matchPattern(range.getLimit(), m_Constant(&l)) ||
        !matchPattern(range.getDelta(), m_Constant(&dl)))
      return {};
    auto n = rangeSize(s, l, dl);
    return succeeded(n) ? one({*n}) : Shapes{};
  }
  if (auto cos = dyn_cast<ConstantOfShapeOp>(op)) {
    if (!constInts(cos.getShape(), a) || llvm::any_of(a, [](int64_t x) { return x < 0; }))
      return {};
    return one(a);
  }
  if (auto squeeze = dyn_cast<SqueezeOp>(op)) {
    std::optional<ArrayRef<int64_t>> axes;
    if (squeeze.getAxes()) {
      if (!constInts(squeeze.getAxes(), a))
        return {};
      axes = ArrayRef<int64_t>(a);
    }
    auto s = squeezeShape(shapeOf(squeeze.getInput()), axes);
    return succeeded(s) ? one(*s) : Shapes{};
  }
  if (auto unsqueeze = dyn_cast<UnsqueezeOp>(op)) {
    if (!constInts(unsqueeze.getAxes(), a))
      return {};
    auto s = unsqueezeShape(shapeOf(unsqueeze.getInput()), a);
    return succeeded(s) ? one(*s) : Shapes{};
  }
  auto reduce = [&](auto r) -> Shapes {
    std::optional<ArrayRef<int64_t>> axes;
    if (r.getAxes()) {
      if (!constInts(r.getAxes(), a))
        return {};
      axes = ArrayRef<int64_t>(a);
    }
    auto s = reduceShape(shapeOf(r.getInput()), axes, r.getKeepdims(),
                         r.getNoopWithEmptyAxes());
    return succeeded(s) ? one(*s) : Shapes{};
  };
  if (auto r = dyn_cast<ReduceMeanOp>(op))
    return reduce(r);
  if (auto r = dyn_cast<ReduceSumOp>(op))
    return reduce(r);
  if (auto r = dyn_cast<ReduceMaxOp>(op))
    return reduce(r);
  if (auto split = dyn_cast<SplitOp>(op)) {
    ArrayRef<int64_t> in = shapeOf(split.getInput());
    auto ax = normalizeAxis(split.getAxis(), in.size());
    if (failed(ax))
      return {};
    int64_t n = split.getNumResults();
    SmallVector<int64_t> sizes(n, ShapedType::kDynamic);
    if (split.getSplit()) {
      if (constInts(split.getSplit(), a) && (int64_t)a.size() == n)
        sizes.assign(a.begin(), a.end());
    } else if (!ShapedType::isDynamic(in[*ax]) && n > 0) {
      // ONNX: equal parts of ceil(d / n), the last one smaller.
      int64_t part = llvm::divideCeil(in[*ax], n);
      for (int64_t i = 0; i < n; ++i)
        sizes[i] = std::max<int64_t>(0, std::min(part, in[*ax] - i * part));
    }
    Shapes out;
    for (int64_t size : sizes) {
      SmallVector<int64_t> s(in);
      s[*ax] = size;
      out.push_back(s);
    }
    return out;
  }
  return {};
}

LogicalResult mlir::qm::qgraph::refineResultTypes(Operation *op,
                                                  SmallVectorImpl<Type> &types) {
  types.clear();
  if (op->getNumResults() == 0 ||
      !llvm::all_of(op->getResultTypes(), llvm::IsaPred<RankedTensorType>))
    return failure();
  SmallVector<SmallVector<int64_t>> shapes;
  if (auto infer = dyn_cast<InferTypeOpInterface>(op)) {
    SmallVector<Type> inferred;
    if (failed(infer.inferReturnTypes(op->getContext(), std::nullopt,
                                      op->getOperands(), op->getRawDictionaryAttrs(),
                                      op->getPropertiesStorage(), op->getRegions(),
                                      inferred)))
      return failure();
    for (Type t : inferred) {
      auto rt = dyn_cast<RankedTensorType>(t);
      if (!rt)
        return failure();
      shapes.emplace_back(rt.getShape());
    }
  } else {
    shapes = computeShapes(op);
  }
  if (shapes.size() != op->getNumResults())
    return failure();
  bool changed = false;
  for (auto [result, shape] : llvm::zip(op->getResults(), shapes)) {
    auto current = cast<RankedTensorType>(result.getType());
    auto meet = meetShapes(current.getShape(), shape);
    if (!meet)
      return failure();
    auto refined = RankedTensorType::get(*meet, current.getElementType(),
                                         current.getEncoding());
    changed |= refined != current;
    types.push_back(refined);
  }
  return success(changed);
}
