//===- DefaultDomain.cpp - handlers of the ai.onnx domain ------------------===//
//
// Part of quant-mlir. One handler per ONNX operator (and per opset version
// where the operator's inputs or attributes changed). Ops with
// InferTypeOpInterface get their result type from it; for the others the
// handler computes the result type here (rank always, sizes where constants
// and static shapes allow), and the node's declared output types refine it.
//
//===----------------------------------------------------------------------===//

#include "ImporterInternal.h"

#include "qm/Dialect/QGraph/IR/QGraph.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace mlir::qm;
using namespace mlir::qm::onnx_import;
namespace qg = mlir::qm::qgraph;

static constexpr int64_t kDyn = ShapedType::kDynamic;
/// Largest rank a shape operand may produce.
static constexpr int64_t kMaxRank = 64;

/// The output's declared rank, when the handler cannot compute it.
static FailureOr<RankedTensorType> declaredOrError(NodeContext &c, unsigned i,
                                                   Type elem) {
  RankedTensorType d = c.declaredOutputType(i);
  if (!d)
    return c.error() << "cannot determine the rank of output " << i
                     << "; the model declares no type for it";
  return RankedTensorType::get(d.getShape(), elem);
}

static int64_t normAxis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

template <typename OpTy>
static LogicalResult unary(NodeContext &c) {
  if (failed(c.checkInputs(1, 1)))
    return failure();
  Value x = c.input(0);
  return c.emit1<OpTy>({x}, {}, x.getType());
}

template <typename OpTy>
static LogicalResult binary(NodeContext &c) {
  if (failed(c.checkInputs(2, 2)))
    return failure();
  return c.emit1<OpTy>({c.input(0), c.input(1)});
}

/// Variadic Max/Min/Sum: a left-to-right chain of binary ops.
template <typename OpTy>
static LogicalResult variadic(NodeContext &c) {
  if (failed(c.checkInputs(1, ~0u)))
    return failure();
  Value acc = c.input(0);
  if (c.numInputs() == 1)
    return c.emit1<qg::IdentityOp>({acc}, {}, acc.getType());
  for (unsigned i = 1; i < c.numInputs(); ++i) {
    Value x = c.input(i);
    if (!x)
      return c.error() << "input " << i << " is missing";
    auto r = c.create1<OpTy>({acc, x});
    if (failed(r))
      return failure();
    acc = *r;
  }
  c.setOutput(0, acc);
  return success();
}

static LogicalResult importRelu(NodeContext &c) {
  if (failed(c.checkInputs(1, 1)))
    return failure();
  Value x = c.input(0);
  Type elem = c.typeOf(x).getElementType();
  auto zeroType = RankedTensorType::get({}, elem);
  Value zero = c.constant(DenseElementsAttr::get(
      zeroType, cast<TypedAttr>(c.b.getZeroAttr(elem))));
  return c.emit1<qg::MaxOp>({x, zero});
}

static LogicalResult importClip(NodeContext &c) {
  if (failed(c.checkInputs(1, 3)))
    return failure();
  Value acc = c.input(0);
  if (Value lo = c.input(1)) {
    auto r = c.create1<qg::MaxOp>({acc, lo});
    if (failed(r))
      return failure();
    acc = *r;
  }
  if (Value hi = c.input(2)) {
    auto r = c.create1<qg::MinOp>({acc, hi});
    if (failed(r))
      return failure();
    acc = *r;
  }
  if (acc == c.input(0)) {
    auto r = c.create1<qg::IdentityOp>({acc}, {}, acc.getType());
    if (failed(r))
      return failure();
    acc = *r;
  }
  c.setOutput(0, acc);
  return success();
}

static LogicalResult importIdentity(NodeContext &c) {
  if (failed(c.checkInputs(1, 3)))
    return failure();
  Value x = c.input(0);
  auto r = c.create1<qg::IdentityOp>({x}, {}, x.getType());
  if (failed(r))
    return failure();
  c.setOutput(0, *r);
  // Dropout's mask output is not modelled (an error if it is used).
  return success();
}

static LogicalResult importWhere(NodeContext &c) {
  if (failed(c.checkInputs(3, 3)))
    return failure();
  return c.emit1<qg::WhereOp>({c.input(0), c.input(1), c.input(2)});
}

static LogicalResult castTo(NodeContext &c, Value x, Type elem) {
  auto type = RankedTensorType::get(c.typeOf(x).getShape(), elem);
  return c.emit1<qg::CastOp>({x}, {}, type);
}

static LogicalResult importCast(NodeContext &c) {
  if (failed(c.checkInputs(1, 1)))
    return failure();
  int64_t to = 0;
  if (failed(c.intAttr("to", to)))
    return failure();
  if (!c.attr("to"))
    return c.error() << "missing attribute 'to'";
  Type elem = convertElementType(c.ctx(), (int32_t)to);
  if (!elem || to != (int32_t)to)
    return c.error() << "unsupported element type " << onnxTypeName((int32_t)to);
  return castTo(c, c.input(0), elem);
}

static LogicalResult importCastLike(NodeContext &c) {
  if (failed(c.checkInputs(2, 2)))
    return failure();
  return castTo(c, c.input(0), c.typeOf(c.input(1)).getElementType());
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

static LogicalResult importConstant(NodeContext &c) {
  if (failed(c.checkInputs(0, 0)))
    return failure();
  if (c.node.attribute_size() != 1)
    return c.error() << "expected exactly one value attribute, got "
                     << c.node.attribute_size();
  const onnx::AttributeProto &a = c.node.attribute(0);
  StringRef name = a.name();
  ElementsAttr value;
  if (name == "value") {
    if (failed(c.tensorAttr("value", value)))
      return failure();
  } else if (name == "value_float") {
    value = DenseElementsAttr::get(RankedTensorType::get({}, c.b.getF32Type()),
                                   a.f());
  } else if (name == "value_floats") {
    SmallVector<float> v(a.floats().begin(), a.floats().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({(int64_t)v.size()}, c.b.getF32Type()),
        ArrayRef<float>(v));
  } else if (name == "value_int") {
    value = DenseElementsAttr::get(RankedTensorType::get({}, c.b.getI64Type()),
                                   (int64_t)a.i());
  } else if (name == "value_ints") {
    SmallVector<int64_t> v(a.ints().begin(), a.ints().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({(int64_t)v.size()}, c.b.getI64Type()),
        ArrayRef<int64_t>(v));
  } else {
    return c.error() << "unsupported value attribute '" << name << "'";
  }
  c.setOutput(0, c.constant(value));
  return success();
}

static LogicalResult staticVector(NodeContext &c, Value v, StringRef what,
                                  int64_t &size);

static LogicalResult importConstantOfShape(NodeContext &c) {
  if (failed(c.checkInputs(1, 1)))
    return failure();
  Value shape = c.input(0);
  ElementsAttr value;
  if (failed(c.tensorAttr("value", value)))
    return failure();
  if (!value)
    value = DenseElementsAttr::get(RankedTensorType::get({1}, c.b.getF32Type()),
                                   0.0f);
  if (value.getNumElements() != 1)
    return c.error() << "attribute 'value' must have one element (has "
                     << value.getNumElements() << ")";
  int64_t rank;
  if (failed(staticVector(c, shape, "shape", rank)))
    return failure();
  SmallVector<int64_t> dims;
  if (!constInts(shape, dims))
    dims.assign(rank, kDyn);
  for (int64_t &d : dims)
    if (d < 0)
      d = kDyn;
  auto type = RankedTensorType::get(dims, value.getElementType());
  return c.emit1<qg::ConstantOfShapeOp>({shape}, {c.named("value", value)},
                                        type);
}

//===----------------------------------------------------------------------===//
// Linear algebra, normalization
//===----------------------------------------------------------------------===//

static LogicalResult importMatMul(NodeContext &c) { return binary<qg::MatMulOp>(c); }

static LogicalResult importGemm(NodeContext &c) {
  if (failed(c.checkInputs(2, 3)))
    return failure();
  float alpha = 1.0f, beta = 1.0f;
  int64_t transA = 0, transB = 0;
  if (failed(c.floatAttr("alpha", alpha)) || failed(c.floatAttr("beta", beta)) ||
      failed(c.intAttr("transA", transA)) || failed(c.intAttr("transB", transB)))
    return failure();
  SmallVector<Value> operands{c.input(0), c.input(1)};
  if (Value cc = c.input(2))
    operands.push_back(cc);
  return c.emit1<qg::GemmOp>(
      operands, {c.named("alpha", c.b.getF32FloatAttr(alpha)),
                 c.named("beta", c.b.getF32FloatAttr(beta)),
                 c.named("trans_a", c.b.getBoolAttr(transA != 0)),
                 c.named("trans_b", c.b.getBoolAttr(transB != 0))});
}

static LogicalResult importSoftmax(NodeContext &c) {
  if (failed(c.checkInputs(1, 1)))
    return failure();
  int64_t axis = -1;
  if (failed(c.intAttr("axis", axis)))
    return failure();
  Value x = c.input(0);
  return c.emit1<qg::SoftmaxOp>({x}, {c.named("axis", c.si64(axis))},
                                x.getType());
}

static LogicalResult importLayerNorm(NodeContext &c) {
  if (failed(c.checkInputs(2, 3)))
    return failure();
  int64_t axis = -1;
  float eps = 1e-5f;
  if (failed(c.intAttr("axis", axis)) || failed(c.floatAttr("epsilon", eps)))
    return failure();
  SmallVector<Value> operands{c.input(0), c.input(1)};
  if (Value bias = c.input(2))
    operands.push_back(bias);
  return c.emit1<qg::LayerNormOp>(
      operands,
      {c.named("axis", c.si64(axis)),
       c.named("epsilon", c.b.getF32FloatAttr(eps))},
      c.input(0).getType());
}

LogicalResult onnx_import::importRMSNorm(NodeContext &c) {
  if (failed(c.checkInputs(2, 2)))
    return failure();
  int64_t axis = -1;
  float eps = 1e-5f;
  if (failed(c.intAttr("axis", axis)) || failed(c.floatAttr("epsilon", eps)))
    return failure();
  return c.emit1<qg::RMSNormOp>({c.input(0), c.input(1)},
                                {c.named("axis", c.si64(axis)),
                                 c.named("epsilon", c.b.getF32FloatAttr(eps))},
                                c.input(0).getType());
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

template <typename OpTy>
static LogicalResult reduce(NodeContext &c, bool axesFromAttr) {
  if (failed(c.checkInputs(1, axesFromAttr ? 1 : 2)))
    return failure();
  Value x = c.input(0);
  int64_t keepdims = 1, noop = 0;
  if (failed(c.intAttr("keepdims", keepdims)) ||
      failed(c.intAttr("noop_with_empty_axes", noop)))
    return failure();
  Value axesV;
  if (axesFromAttr) {
    SmallVector<int64_t> axes;
    bool present;
    if (failed(c.intsAttr("axes", axes, present)))
      return failure();
    if (present && !axes.empty())
      axesV = c.constI64(axes);
  } else {
    axesV = c.input(1);
  }
  auto xt = c.typeOf(x);
  int64_t rank = xt.getRank();
  SmallVector<int64_t> axes;
  bool known = true;
  if (axesV && !constInts(axesV, axes))
    known = false;
  // No axes (or an empty list) reduces everything, unless
  // noop_with_empty_axes.
  if (known && axes.empty() && !noop) {
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  }
  RankedTensorType type;
  if (known) {
    SmallVector<bool> reduced(rank, false);
    for (int64_t a : axes) {
      int64_t n = normAxis(a, rank);
      if (n < 0 || n >= rank)
        return c.error() << "axis " << a << " is out of range for rank " << rank;
      reduced[n] = true;
    }
    SmallVector<int64_t> dims;
    for (int64_t i = 0; i < rank; ++i) {
      if (!reduced[i])
        dims.push_back(xt.getDimSize(i));
      else if (keepdims)
        dims.push_back(1);
    }
    type = RankedTensorType::get(dims, xt.getElementType());
  } else if (keepdims) {
    type = RankedTensorType::get(SmallVector<int64_t>(rank, kDyn),
                                 xt.getElementType());
  } else {
    auto d = declaredOrError(c, 0, xt.getElementType());
    if (failed(d))
      return failure();
    type = *d;
  }
  SmallVector<Value> operands{x};
  if (axesV)
    operands.push_back(axesV);
  return c.emit1<OpTy>(
      operands,
      {c.named("keepdims", c.b.getBoolAttr(keepdims != 0)),
       c.named("noop_with_empty_axes", c.b.getBoolAttr(noop != 0))},
      type);
}

template <typename OpTy>
static LogicalResult reduceAttr(NodeContext &c) { return reduce<OpTy>(c, true); }
template <typename OpTy>
static LogicalResult reduceInput(NodeContext &c) { return reduce<OpTy>(c, false); }

static LogicalResult importCumSum(NodeContext &c) {
  if (failed(c.checkInputs(2, 2)))
    return failure();
  int64_t exclusive = 0, reverse = 0;
  if (failed(c.intAttr("exclusive", exclusive)) ||
      failed(c.intAttr("reverse", reverse)))
    return failure();
  return c.emit1<qg::CumSumOp>(
      {c.input(0), c.input(1)},
      {c.named("exclusive", c.b.getBoolAttr(exclusive != 0)),
       c.named("reverse", c.b.getBoolAttr(reverse != 0))},
      c.input(0).getType());
}

//===----------------------------------------------------------------------===//
// Shape and data movement
//===----------------------------------------------------------------------===//

static LogicalResult importShape(NodeContext &c) {
  if (failed(c.checkInputs(1, 1)))
    return failure();
  int64_t start = 0, end = 0;
  SmallVector<NamedAttribute> attrs;
  if (failed(c.intAttr("start", start)))
    return failure();
  attrs.push_back(c.named("start", c.si64(start)));
  if (c.attr("end")) {
    if (failed(c.intAttr("end", end)))
      return failure();
    attrs.push_back(c.named("end", c.si64(end)));
  }
  return c.emit1<qg::ShapeOp>({c.input(0)}, attrs);
}

/// A 1-D operand of static size (the shape operands of Reshape, Expand...).
static LogicalResult staticVector(NodeContext &c, Value v, StringRef what,
                                  int64_t &size) {
  auto t = c.typeOf(v);
  if (t.getRank() != 1 || t.isDynamicDim(0))
    return c.error() << "input '" << what
                     << "' must be a 1-D tensor of static size (got " << t
                     << ")";
  size = t.getDimSize(0);
  if (size > kMaxRank)
    return c.error() << "input '" << what << "' has " << size
                     << " elements; ranks above " << kMaxRank
                     << " are not supported";
  return success();
}

static LogicalResult importReshape(NodeContext &c) {
  if (failed(c.checkInputs(2, 2)))
    return failure();
  Value x = c.input(0), shape = c.input(1);
  int64_t allowzero = 0, n;
  if (failed(c.intAttr("allowzero", allowzero)) ||
      failed(staticVector(c, shape, "shape", n)))
    return failure();
  auto xt = c.typeOf(x);
  SmallVector<int64_t> dims(n, kDyn);
  SmallVector<int64_t> vals;
  if (constInts(shape, vals) && (int64_t)vals.size() == n) {
    int64_t known = 1, inferIdx = -1;
    bool allKnown = true;
    for (int64_t i = 0; i < n; ++i) {
      int64_t v = vals[i];
      if (v == 0 && !allowzero) {
        if (i < xt.getRank())
          dims[i] = xt.getDimSize(i);
        else
          return c.error() << "shape value 0 at position " << i
                           << " has no input dimension to copy";
      } else if (v == -1) {
        if (inferIdx >= 0)
          return c.error() << "shape has more than one -1";
        inferIdx = i;
        continue;
      } else if (v < -1) {
        return c.error() << "invalid shape value " << v;
      } else {
        dims[i] = v;
      }
      if (ShapedType::isDynamic(dims[i]))
        allKnown = false;
      else if (__builtin_mul_overflow(known, dims[i], &known))
        return c.error() << "shape sizes overflow";
    }
    if (inferIdx >= 0 && allKnown && xt.hasStaticShape() && known > 0) {
      if (xt.getNumElements() % known != 0)
        return c.error() << "cannot reshape " << xt.getNumElements()
                         << " elements into the requested shape";
      dims[inferIdx] = xt.getNumElements() / known;
    }
  }
  return c.emit1<qg::ReshapeOp>(
      {x, shape}, {c.named("allowzero", c.b.getBoolAttr(allowzero != 0))},
      RankedTensorType::get(dims, xt.getElementType()));
}

static LogicalResult importTranspose(NodeContext &c) {
  if (failed(c.checkInputs(1, 1)))
    return failure();
  Value x = c.input(0);
  int64_t rank = c.typeOf(x).getRank();
  SmallVector<int64_t> perm;
  bool present;
  if (failed(c.intsAttr("perm", perm, present)))
    return failure();
  if (!present)
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  return c.emit1<qg::TransposeOp>(
      {x}, {c.named("perm", c.b.getDenseI64ArrayAttr(perm))});
}

static LogicalResult importSqueeze(NodeContext &c) {
  if (failed(c.checkInputs(1, 2)))
    return failure();
  Value x = c.input(0), axesV = c.input(1);
  auto xt = c.typeOf(x);
  int64_t rank = xt.getRank();
  SmallVector<int64_t> axes, dims;
  if (axesV) {
    if (!constInts(axesV, axes)) {
      auto d = declaredOrError(c, 0, xt.getElementType());
      if (failed(d))
        return failure();
      dims.assign(d->getShape().begin(), d->getShape().end());
    } else {
      SmallVector<bool> drop(rank, false);
      for (int64_t a : axes) {
        int64_t n = normAxis(a, rank);
        if (n < 0 || n >= rank)
          return c.error() << "axis " << a << " is out of range for rank "
                           << rank;
        drop[n] = true;
      }
      for (int64_t i = 0; i < rank; ++i)
        if (!drop[i])
          dims.push_back(xt.getDimSize(i));
    }
  } else {
    for (int64_t i = 0; i < rank; ++i) {
      if (xt.isDynamicDim(i))
        return c.error() << "squeeze without axes of a dynamic dimension";
      if (xt.getDimSize(i) != 1)
        dims.push_back(xt.getDimSize(i));
    }
  }
  SmallVector<Value> operands{x};
  if (axesV)
    operands.push_back(axesV);
  return c.emit1<qg::SqueezeOp>(
      operands, {}, RankedTensorType::get(dims, xt.getElementType()));
}

static LogicalResult importUnsqueeze(NodeContext &c) {
  if (failed(c.checkInputs(2, 2)))
    return failure();
  Value x = c.input(0), axesV = c.input(1);
  auto xt = c.typeOf(x);
  int64_t n;
  if (failed(staticVector(c, axesV, "axes", n)))
    return failure();
  int64_t outRank = xt.getRank() + n;
  SmallVector<int64_t> axes, dims(outRank, kDyn);
  if (constInts(axesV, axes)) {
    SmallVector<bool> inserted(outRank, false);
    for (int64_t a : axes) {
      int64_t k = normAxis(a, outRank);
      if (k < 0 || k >= outRank || inserted[k])
        return c.error() << "invalid axis " << a << " for result rank "
                         << outRank;
      inserted[k] = true;
    }
    int64_t j = 0;
    for (int64_t i = 0; i < outRank; ++i)
      dims[i] = inserted[i] ? 1 : xt.getDimSize(j++);
  }
  return c.emit1<qg::UnsqueezeOp>(
      {x, axesV}, {}, RankedTensorType::get(dims, xt.getElementType()));
}

static LogicalResult importConcat(NodeContext &c) {
  if (failed(c.checkInputs(1, ~0u)))
    return failure();
  int64_t axis = 0;
  if (failed(c.intAttr("axis", axis)))
    return failure();
  if (!c.attr("axis"))
    return c.error() << "missing attribute 'axis'";
  SmallVector<Value> inputs;
  for (unsigned i = 0; i < c.numInputs(); ++i) {
    if (!c.input(i))
      return c.error() << "input " << i << " is missing";
    inputs.push_back(c.input(i));
  }
  return c.emit1<qg::ConcatOp>(inputs, {c.named("axis", c.si64(axis))});
}

static LogicalResult importSplit(NodeContext &c) {
  if (failed(c.checkInputs(1, 2)))
    return failure();
  Value x = c.input(0), split = c.input(1);
  int64_t axis = 0;
  if (failed(c.intAttr("axis", axis)))
    return failure();
  auto xt = c.typeOf(x);
  int64_t rank = xt.getRank();
  int64_t a = normAxis(axis, rank);
  if (a < 0 || a >= rank)
    return c.error() << "axis " << axis << " is out of range for rank " << rank;
  unsigned numOut = c.numOutputs();
  if (numOut == 0)
    return c.error() << "expected at least one output";
  SmallVector<int64_t> sizes;
  if (split) {
    if (!constInts(split, sizes))
      sizes.assign(numOut, kDyn);
    if (sizes.size() != numOut)
      return c.error() << "'split' has " << sizes.size() << " sizes for "
                       << numOut << " outputs";
  } else {
    int64_t d = xt.getDimSize(a);
    if (ShapedType::isDynamic(d)) {
      sizes.assign(numOut, kDyn);
    } else {
      int64_t part = (d + numOut - 1) / numOut;
      for (unsigned i = 0; i < numOut; ++i)
        sizes.push_back(std::max<int64_t>(0, std::min(part, d - part * i)));
    }
  }
  SmallVector<Type> types;
  for (int64_t s : sizes) {
    SmallVector<int64_t> dims(xt.getShape());
    dims[a] = s < 0 ? kDyn : s;
    types.push_back(RankedTensorType::get(dims, xt.getElementType()));
  }
  SmallVector<Value> operands{x};
  if (split)
    operands.push_back(split);
  auto r = c.create(qg::SplitOp::getOperationName(), operands,
                    {c.named("axis", c.si64(axis))}, types);
  if (failed(r))
    return failure();
  for (auto [i, v] : llvm::enumerate(*r))
    c.setOutput(i, v);
  return success();
}

static LogicalResult importExpand(NodeContext &c) {
  if (failed(c.checkInputs(2, 2)))
    return failure();
  Value x = c.input(0), shape = c.input(1);
  int64_t n;
  if (failed(staticVector(c, shape, "shape", n)))
    return failure();
  auto xt = c.typeOf(x);
  SmallVector<int64_t> vals, dims;
  if (constInts(shape, vals)) {
    for (int64_t &v : vals)
      if (v < 0)
        return c.error() << "invalid shape value " << v;
    if (failed(qg::broadcastShapes({xt.getShape(), vals}, dims)))
      return c.error() << "input " << xt << " does not broadcast to the shape";
  } else {
    int64_t rank = std::max<int64_t>(xt.getRank(), n);
    dims.assign(rank, kDyn);
  }
  return c.emit1<qg::ExpandOp>(
      {x, shape}, {}, RankedTensorType::get(dims, xt.getElementType()));
}

static LogicalResult importSlice(NodeContext &c) {
  if (failed(c.checkInputs(3, 5)))
    return failure();
  Value x = c.input(0), starts = c.input(1), ends = c.input(2),
        axesV = c.input(3), stepsV = c.input(4);
  auto xt = c.typeOf(x);
  int64_t rank = xt.getRank();
  SmallVector<int64_t> s, e, ax, st;
  SmallVector<int64_t> dims(xt.getShape());
  bool haveAll = constInts(starts, s) && constInts(ends, e);
  if (axesV && !constInts(axesV, ax))
    haveAll = false;
  if (stepsV && !constInts(stepsV, st))
    haveAll = false;
  if (haveAll) {
    if (!axesV)
      for (int64_t i = 0; i < (int64_t)s.size(); ++i)
        ax.push_back(i);
    if (!stepsV)
      st.assign(s.size(), 1);
    if (e.size() != s.size() || ax.size() != s.size() || st.size() != s.size())
      return c.error() << "starts, ends, axes and steps differ in length";
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t a = normAxis(ax[i], rank);
      if (a < 0 || a >= rank)
        return c.error() << "axis " << ax[i] << " is out of range for rank "
                         << rank;
      if (st[i] == 0 || st[i] == INT64_MIN)
        return c.error() << "step " << st[i] << " is invalid";
      int64_t d = xt.getDimSize(a);
      if (ShapedType::isDynamic(d)) {
        dims[a] = kDyn;
        continue;
      }
      // ONNX clamping (values may be INT64_MIN/MAX).
      auto clampIdx = [&](int64_t v, bool forward) {
        if (v < 0)
          v = v < -d ? -1 : v + d;
        if (forward)
          return std::clamp<int64_t>(v, 0, d);
        return std::clamp<int64_t>(v, -1, d - 1);
      };
      bool fwd = st[i] > 0;
      int64_t b0 = clampIdx(s[i], fwd), e0 = clampIdx(e[i], fwd);
      int64_t len;
      if (fwd)
        len = e0 > b0 ? (e0 - b0 - 1) / st[i] + 1 : 0;
      else
        len = b0 > e0 ? (b0 - e0 - 1) / (-st[i]) + 1 : 0;
      dims[a] = len;
    }
  } else {
    if (axesV && constInts(axesV, ax)) {
      for (int64_t a : ax) {
        int64_t n = normAxis(a, rank);
        if (n >= 0 && n < rank)
          dims[n] = kDyn;
      }
    } else {
      dims.assign(rank, kDyn);
    }
  }
  SmallVector<Value> operands{x, starts, ends};
  if (axesV)
    operands.push_back(axesV);
  if (stepsV)
    operands.push_back(stepsV);
  return c.emit1<qg::SliceOp>(
      operands,
      {c.named(
          "operandSegmentSizes",
          c.b.getDenseI32ArrayAttr({1, 1, 1, axesV ? 1 : 0, stepsV ? 1 : 0}))},
      RankedTensorType::get(dims, xt.getElementType()));
}

static LogicalResult importGather(NodeContext &c) {
  if (failed(c.checkInputs(2, 2)))
    return failure();
  int64_t axis = 0;
  if (failed(c.intAttr("axis", axis)))
    return failure();
  return c.emit1<qg::GatherOp>({c.input(0), c.input(1)},
                               {c.named("axis", c.si64(axis))});
}

static LogicalResult importGatherND(NodeContext &c) {
  if (failed(c.checkInputs(2, 2)))
    return failure();
  int64_t batchDims = 0;
  if (failed(c.intAttr("batch_dims", batchDims)))
    return failure();
  return c.emit1<qg::GatherNDOp>({c.input(0), c.input(1)},
                                 {c.named("batch_dims", c.si64(batchDims))});
}

static LogicalResult importRange(NodeContext &c) {
  if (failed(c.checkInputs(3, 3)))
    return failure();
  Value start = c.input(0), limit = c.input(1), delta = c.input(2);
  Type elem = c.typeOf(start).getElementType();
  int64_t n = kDyn;
  SmallVector<int64_t> s, l, d;
  if (isa<IntegerType>(elem) && constInts(start, s) && constInts(limit, l) &&
      constInts(delta, d) && s.size() == 1 && l.size() == 1 && d.size() == 1 &&
      d[0] != 0) {
    // ceil((limit - start) / delta) without overflow for sane values.
    __int128 num = (__int128)l[0] - s[0];
    __int128 q = num / d[0];
    if (q * d[0] != num && ((num > 0) == (d[0] > 0)))
      q += 1;
    n = q < 0 ? 0 : (q > (int64_t(1) << 40) ? kDyn : (int64_t)q);
  }
  return c.emit1<qg::RangeOp>({start, limit, delta}, {},
                              RankedTensorType::get({n}, elem));
}

static LogicalResult importTrilu(NodeContext &c) {
  if (failed(c.checkInputs(1, 2)))
    return failure();
  int64_t upper = 1;
  if (failed(c.intAttr("upper", upper)))
    return failure();
  SmallVector<Value> operands{c.input(0)};
  if (Value k = c.input(1))
    operands.push_back(k);
  return c.emit1<qg::TriluOp>(operands,
                              {c.named("upper", c.b.getBoolAttr(upper != 0))},
                              c.input(0).getType());
}

//===----------------------------------------------------------------------===//
// Quantized forms
//===----------------------------------------------------------------------===//

static LogicalResult importDequantizeLinear(NodeContext &c) {
  if (failed(c.checkInputs(2, 3)))
    return failure();
  int64_t axis = 1, blockSize = 0;
  if (failed(c.intAttr("axis", axis)) ||
      failed(c.intAttr("block_size", blockSize)))
    return failure();
  if (blockSize < 0)
    return c.error() << "invalid block_size " << blockSize;
  Value x = c.input(0), scale = c.input(1);
  SmallVector<Value> operands{x, scale};
  if (Value zp = c.input(2))
    operands.push_back(zp);
  auto type = RankedTensorType::get(c.typeOf(x).getShape(),
                                    c.typeOf(scale).getElementType());
  return c.emit1<qg::DequantizeLinearOp>(
      operands,
      {c.named("axis", c.si64(axis)),
       c.named("block_size", c.b.getI64IntegerAttr(blockSize))},
      type);
}

//===----------------------------------------------------------------------===//
// Registration
//===----------------------------------------------------------------------===//

void onnx_import::registerDefaultDomainHandlers(HandlerRegistry &r) {
  // Elementwise unary.
  r.add("", "Neg", 13, unary<qg::NegOp>);
  r.add("", "Sqrt", 13, unary<qg::SqrtOp>);
  r.add("", "Reciprocal", 13, unary<qg::ReciprocalOp>);
  r.add("", "Cos", 7, unary<qg::CosOp>);
  r.add("", "Sin", 7, unary<qg::SinOp>);
  r.add("", "Sigmoid", 13, unary<qg::SigmoidOp>);
  r.add("", "Tanh", 13, unary<qg::TanhOp>);
  r.add("", "Erf", 13, unary<qg::ErfOp>);
  r.add("", "Exp", 13, unary<qg::ExpOp>);
  r.add("", "Log", 13, unary<qg::LogOp>);
  r.add("", "Not", 1, unary<qg::NotOp>);
  r.add("", "Identity", 13, importIdentity);
  r.add("", "Dropout", 13, importIdentity);
  r.add("", "Relu", 13, importRelu);
  r.add("", "Clip", 13, importClip);
  // Elementwise binary.
  r.add("", "Add", 13, binary<qg::AddOp>);
  r.add("", "Sub", 13, binary<qg::SubOp>);
  r.add("", "Mul", 13, binary<qg::MulOp>);
  r.add("", "Div", 13, binary<qg::DivOp>);
  r.add("", "Pow", 13, binary<qg::PowOp>);
  r.add("", "And", 7, binary<qg::AndOp>);
  r.add("", "Or", 7, binary<qg::OrOp>);
  r.add("", "Equal", 13, binary<qg::EqualOp>);
  r.add("", "Less", 13, binary<qg::LessOp>);
  r.add("", "LessOrEqual", 12, binary<qg::LessOrEqualOp>);
  r.add("", "Greater", 13, binary<qg::GreaterOp>);
  r.add("", "GreaterOrEqual", 12, binary<qg::GreaterOrEqualOp>);
  r.add("", "Max", 13, variadic<qg::MaxOp>);
  r.add("", "Min", 13, variadic<qg::MinOp>);
  r.add("", "Sum", 13, variadic<qg::AddOp>);
  r.add("", "Where", 9, importWhere);
  r.add("", "Cast", 13, importCast);
  r.add("", "CastLike", 15, importCastLike);
  // Constants.
  r.add("", "Constant", 13, importConstant);
  r.add("", "ConstantOfShape", 9, importConstantOfShape);
  // Linear algebra and normalization.
  r.add("", "MatMul", 13, importMatMul);
  r.add("", "Gemm", 13, importGemm);
  r.add("", "Softmax", 13, importSoftmax);
  r.add("", "LayerNormalization", 17, importLayerNorm);
  r.add("", "RMSNormalization", 23, importRMSNorm);
  // onnxruntime registers SimplifiedLayerNormalization in the ONNX domain.
  r.add("", "SimplifiedLayerNormalization", 1, importRMSNorm);
  // Reductions: axes an attribute before opset 18 (ReduceSum: 13).
  r.add("", "ReduceMean", 13, reduceAttr<qg::ReduceMeanOp>);
  r.add("", "ReduceMean", 18, reduceInput<qg::ReduceMeanOp>);
  r.add("", "ReduceMax", 13, reduceAttr<qg::ReduceMaxOp>);
  r.add("", "ReduceMax", 18, reduceInput<qg::ReduceMaxOp>);
  r.add("", "ReduceSum", 13, reduceInput<qg::ReduceSumOp>);
  r.add("", "CumSum", 11, importCumSum);
  // Shape and data movement.
  r.add("", "Shape", 13, importShape);
  r.add("", "Reshape", 13, importReshape);
  r.add("", "Transpose", 13, importTranspose);
  r.add("", "Squeeze", 13, importSqueeze);
  r.add("", "Unsqueeze", 13, importUnsqueeze);
  r.add("", "Concat", 13, importConcat);
  r.add("", "Split", 13, importSplit);
  r.add("", "Expand", 13, importExpand);
  r.add("", "Slice", 13, importSlice);
  r.add("", "Gather", 13, importGather);
  r.add("", "GatherND", 13, importGatherND);
  r.add("", "Range", 11, importRange);
  r.add("", "Trilu", 14, importTrilu);
  // Quantized forms.
  r.add("", "DequantizeLinear", 13, importDequantizeLinear);
}
