//===- ConstantEval.cpp - evaluate small integer ops while importing -------===//
//
// Part of quant-mlir. With pinned input shapes the importer evaluates the
// shape arithmetic of an export (Shape -> Gather -> Unsqueeze -> Concat ->
// Reshape, ...) as it builds: an op whose operands are all small integer or
// bool constants is replaced by its value, so later nodes see constant shape
// operands and get static result types. Only results of at most
// `maxElements` elements are evaluated: data tensors stay ops.
//
//===----------------------------------------------------------------------===//

#include "ImporterInternal.h"

#include "qm/Dialect/QGraph/IR/QGraph.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::qm;
using namespace mlir::qm::onnx_import;
namespace qg = mlir::qm::qgraph;

namespace {
/// A small integer tensor, row-major.
struct IntTensor {
  SmallVector<int64_t> shape;
  SmallVector<int64_t> data;
  int64_t size() const { return data.size(); }
};
} // namespace

static std::optional<IntTensor> readConst(Value v) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  auto it = dyn_cast<IntegerType>(attr.getElementType());
  if (!it || it.getWidth() > 64)
    return std::nullopt;
  IntTensor t;
  t.shape.assign(attr.getType().getShape().begin(),
                 attr.getType().getShape().end());
  bool zext = it.isUnsigned() || it.getWidth() == 1;
  for (const APInt &x : attr.getValues<APInt>())
    t.data.push_back(zext ? (int64_t)x.getZExtValue() : x.getSExtValue());
  return t;
}

static SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> s(shape.size(), 1);
  for (int64_t i = (int64_t)shape.size() - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/// The element count of `shape`, saturated at 2^40 (callers bound it far
/// lower).
static int64_t product(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || __builtin_mul_overflow(n, d, &n) || n > (int64_t(1) << 40))
      return int64_t(1) << 40;
  }
  return n;
}

/// Largest tensor the evaluator builds or reads.
static constexpr int64_t kMaxEvalElements = 4096;

/// Element of `t` at the broadcast position `idx` of a result of rank r.
static int64_t atBroadcast(const IntTensor &t, ArrayRef<int64_t> idx) {
  int64_t off = 0, stride = 1;
  int64_t r = idx.size(), tr = t.shape.size();
  for (int64_t i = tr - 1; i >= 0; --i) {
    int64_t d = t.shape[i];
    int64_t k = d == 1 ? 0 : idx[r - tr + i];
    off += k * stride;
    stride *= d;
  }
  return t.data[off];
}

/// Applies `fn` elementwise over the broadcast of `ins`.
template <typename Fn>
static std::optional<IntTensor> broadcastMap(ArrayRef<IntTensor> ins, Fn fn) {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (const IntTensor &t : ins)
    shapes.push_back(t.shape);
  IntTensor out;
  if (failed(qg::broadcastShapes(shapes, out.shape)))
    return std::nullopt;
  int64_t n = product(out.shape);
  if (n > kMaxEvalElements)
    return std::nullopt;
  SmallVector<int64_t> idx(out.shape.size(), 0), args(ins.size());
  for (int64_t e = 0; e < n; ++e) {
    int64_t rem = e;
    for (int64_t i = (int64_t)out.shape.size() - 1; i >= 0; --i) {
      idx[i] = rem % out.shape[i];
      rem /= out.shape[i];
    }
    for (auto [k, t] : llvm::enumerate(ins))
      args[k] = atBroadcast(t, idx);
    std::optional<int64_t> v = fn(ArrayRef<int64_t>(args));
    if (!v)
      return std::nullopt;
    out.data.push_back(*v);
  }
  return out;
}

static std::optional<IntTensor> evaluate(Operation *op,
                                         ArrayRef<IntTensor> in) {
  using R = std::optional<int64_t>;
  auto bin = [&](auto fn) {
    return broadcastMap(in, [&](ArrayRef<int64_t> a) -> R { return fn(a[0], a[1]); });
  };
  auto wrap = [](__int128 v) -> R {
    if (v > INT64_MAX || v < INT64_MIN)
      return std::nullopt;
    return (int64_t)v;
  };
  if (isa<qg::AddOp>(op))
    return bin([&](int64_t a, int64_t b) { return wrap((__int128)a + b); });
  if (isa<qg::SubOp>(op))
    return bin([&](int64_t a, int64_t b) { return wrap((__int128)a - b); });
  if (isa<qg::MulOp>(op))
    return bin([&](int64_t a, int64_t b) { return wrap((__int128)a * b); });
  if (isa<qg::DivOp>(op))
    return bin([&](int64_t a, int64_t b) -> R {
      if (b == 0 || (a == INT64_MIN && b == -1))
        return std::nullopt;
      return a / b;
    });
  if (isa<qg::MaxOp>(op))
    return bin([](int64_t a, int64_t b) -> R { return std::max(a, b); });
  if (isa<qg::MinOp>(op))
    return bin([](int64_t a, int64_t b) -> R { return std::min(a, b); });
  if (isa<qg::EqualOp>(op))
    return bin([](int64_t a, int64_t b) -> R { return a == b; });
  if (isa<qg::LessOp>(op))
    return bin([](int64_t a, int64_t b) -> R { return a < b; });
  if (isa<qg::LessOrEqualOp>(op))
    return bin([](int64_t a, int64_t b) -> R { return a <= b; });
  if (isa<qg::GreaterOp>(op))
    return bin([](int64_t a, int64_t b) -> R { return a > b; });
  if (isa<qg::GreaterOrEqualOp>(op))
    return bin([](int64_t a, int64_t b) -> R { return a >= b; });
  if (isa<qg::AndOp>(op))
    return bin([](int64_t a, int64_t b) -> R { return a && b; });
  if (isa<qg::OrOp>(op))
    return bin([](int64_t a, int64_t b) -> R { return a || b; });
  if (isa<qg::NotOp>(op))
    return broadcastMap(in, [](ArrayRef<int64_t> a) -> R { return !a[0]; });
  if (isa<qg::NegOp>(op))
    return broadcastMap(in, [&](ArrayRef<int64_t> a) { return wrap(-(__int128)a[0]); });
  if (isa<qg::WhereOp>(op))
    return broadcastMap(in, [](ArrayRef<int64_t> a) -> R { return a[0] ? a[1] : a[2]; });
  if (isa<qg::IdentityOp>(op))
    return in[0];

  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  // Data-preserving reshapes: need the static result shape.
  if (isa<qg::ReshapeOp, qg::SqueezeOp, qg::UnsqueezeOp>(op)) {
    if (!resultType.hasStaticShape())
      return std::nullopt;
    IntTensor out = in[0];
    out.shape.assign(resultType.getShape().begin(), resultType.getShape().end());
    if (product(out.shape) != out.size())
      return std::nullopt;
    return out;
  }
  if (isa<qg::ExpandOp>(op)) {
    IntTensor shape;
    shape.shape = {(int64_t)in[1].data.size()};
    IntTensor ones;
    ones.shape.assign(in[1].data.begin(), in[1].data.end());
    if (product(ones.shape) > kMaxEvalElements)
      return std::nullopt;
    ones.data.assign(product(ones.shape), 0);
    return broadcastMap({in[0], ones},
                        [](ArrayRef<int64_t> a) -> R { return a[0]; });
  }
  if (auto concat = dyn_cast<qg::ConcatOp>(op)) {
    int64_t rank = in[0].shape.size();
    FailureOr<int64_t> axis = qg::normalizeAxis(concat.getAxis(), rank);
    if (failed(axis))
      return std::nullopt;
    IntTensor out;
    out.shape = in[0].shape;
    out.shape[*axis] = 0;
    for (const IntTensor &t : in) {
      if ((int64_t)t.shape.size() != rank)
        return std::nullopt;
      out.shape[*axis] += t.shape[*axis];
    }
    int64_t outer = product(ArrayRef<int64_t>(out.shape).take_front(*axis));
    for (int64_t o = 0; o < outer; ++o)
      for (const IntTensor &t : in) {
        int64_t chunk = product(ArrayRef<int64_t>(t.shape).drop_front(*axis));
        out.data.append(t.data.begin() + o * chunk,
                        t.data.begin() + (o + 1) * chunk);
      }
    return out;
  }
  if (auto gather = dyn_cast<qg::GatherOp>(op)) {
    const IntTensor &data = in[0], &idx = in[1];
    int64_t rank = data.shape.size();
    FailureOr<int64_t> axis = qg::normalizeAxis(gather.getAxis(), rank);
    if (failed(axis))
      return std::nullopt;
    int64_t outer = product(ArrayRef<int64_t>(data.shape).take_front(*axis));
    int64_t dimA = data.shape[*axis];
    if (data.size() * std::max<int64_t>(idx.size(), 1) > kMaxEvalElements)
      return std::nullopt;
    int64_t inner = product(ArrayRef<int64_t>(data.shape).drop_front(*axis + 1));
    IntTensor out;
    out.shape.append(data.shape.begin(), data.shape.begin() + *axis);
    out.shape.append(idx.shape.begin(), idx.shape.end());
    out.shape.append(data.shape.begin() + *axis + 1, data.shape.end());
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t k : idx.data) {
        if (k < 0)
          k += dimA;
        if (k < 0 || k >= dimA)
          return std::nullopt;
        for (int64_t i = 0; i < inner; ++i)
          out.data.push_back(data.data[(o * dimA + k) * inner + i]);
      }
    return out;
  }
  if (isa<qg::SliceOp>(op)) {
    const IntTensor &data = in[0];
    int64_t rank = data.shape.size();
    ArrayRef<int64_t> starts = in[1].data, ends = in[2].data;
    SmallVector<int64_t> axes, steps;
    if (in.size() > 3 && op->getNumOperands() > 3 &&
        cast<qg::SliceOp>(op).getAxes())
      axes.assign(in[3].data.begin(), in[3].data.end());
    else
      for (size_t i = 0; i < starts.size(); ++i)
        axes.push_back(i);
    if (cast<qg::SliceOp>(op).getSteps())
      steps.assign(in.back().data.begin(), in.back().data.end());
    else
      steps.assign(starts.size(), 1);
    if (ends.size() != starts.size() || axes.size() != starts.size() ||
        steps.size() != starts.size())
      return std::nullopt;
    SmallVector<int64_t> begin(rank, 0), step(rank, 1), count(data.shape);
    for (size_t i = 0; i < starts.size(); ++i) {
      FailureOr<int64_t> a = qg::normalizeAxis(axes[i], rank);
      if (failed(a) || steps[i] == 0 || steps[i] == INT64_MIN)
        return std::nullopt;
      int64_t d = data.shape[*a], s = starts[i], e = ends[i], st = steps[i];
      auto clampIdx = [&](int64_t v, bool fwd) {
        if (v < 0)
          v = v < -d ? -1 : v + d;
        return fwd ? std::clamp<int64_t>(v, 0, d)
                   : std::clamp<int64_t>(v, -1, d - 1);
      };
      bool fwd = st > 0;
      s = clampIdx(s, fwd);
      e = clampIdx(e, fwd);
      int64_t len = fwd ? (e > s ? (e - s - 1) / st + 1 : 0)
                        : (s > e ? (s - e - 1) / (-st) + 1 : 0);
      begin[*a] = s;
      step[*a] = st;
      count[*a] = len;
    }
    IntTensor out;
    out.shape = count;
    int64_t n = product(count);
    SmallVector<int64_t> strides = stridesOf(data.shape);
    for (int64_t e = 0; e < n; ++e) {
      int64_t rem = e, off = 0;
      for (int64_t i = rank - 1; i >= 0; --i) {
        int64_t k = rem % count[i];
        rem /= count[i];
        off += (begin[i] + k * step[i]) * strides[i];
      }
      out.data.push_back(data.data[off]);
    }
    return out;
  }
  if (isa<qg::RangeOp>(op)) {
    if (in[0].size() != 1 || in[1].size() != 1 || in[2].size() != 1 ||
        in[2].data[0] == 0)
      return std::nullopt;
    int64_t s = in[0].data[0], l = in[1].data[0], d = in[2].data[0];
    IntTensor out;
    for (int64_t v = s; (d > 0 ? v < l : v > l) && out.size() <= kMaxEvalElements;) {
      out.data.push_back(v);
      if (__builtin_add_overflow(v, d, &v))
        break;
    }
    out.shape = {out.size()};
    return out;
  }
  if (auto cos = dyn_cast<qg::ConstantOfShapeOp>(op)) {
    auto value = dyn_cast<DenseElementsAttr>(cos.getValue());
    if (!value || !isa<IntegerType>(value.getElementType()))
      return std::nullopt;
    IntTensor out;
    out.shape.assign(in[0].data.begin(), in[0].data.end());
    if (product(out.shape) > kMaxEvalElements)
      return std::nullopt;
    APInt v = *value.getValues<APInt>().begin();
    out.data.assign(product(out.shape), v.getSExtValue());
    return out;
  }
  return std::nullopt;
}

/// Evaluates `op` if all its operands are small integer constants; returns
/// the constant (built before `op`) or null.
Value onnx_import::evaluateSmallIntOp(OpBuilder &b, Operation *op,
                                      int64_t maxElements) {
  if (op->getNumResults() != 1)
    return {};
  auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  auto elem = resultType ? dyn_cast<IntegerType>(resultType.getElementType())
                         : IntegerType();
  if (!elem || elem.getWidth() > 64 || op->getNumOperands() == 0)
    return {};
  SmallVector<IntTensor> in;
  for (Value v : op->getOperands()) {
    std::optional<IntTensor> t = readConst(v);
    if (!t || t->size() > kMaxEvalElements)
      return {};
    in.push_back(std::move(*t));
  }
  std::optional<IntTensor> out = evaluate(op, in);
  if (!out || out->size() > maxElements ||
      product(out->shape) != out->size())
    return {};
  // The result must agree with the op's (possibly partly static) type.
  if (failed(verifyCompatibleShape(resultType.getShape(), out->shape)))
    return {};
  auto type = RankedTensorType::get(out->shape, elem);
  SmallVector<APInt> values;
  for (int64_t v : out->data)
    values.push_back(APInt(elem.getWidth(), (uint64_t)v, /*isSigned=*/true,
                           /*implicitTrunc=*/true));
  auto attr = DenseElementsAttr::get(type, values);
  return arith::ConstantOp::create(b, op->getLoc(), attr);
}
