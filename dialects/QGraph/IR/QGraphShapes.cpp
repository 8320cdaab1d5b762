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
