//===- QGraphToLinalg.cpp - qgraph/qweight to linalg ------------------------===//
//
// Part of quant-mlir. Implements convert-qgraph-to-linalg: every qgraph op
// becomes upstream linalg/tensor/arith/math IR on the same (static) tensor
// types, with ONNX semantics; qweight ops become an in-IR dequantization or
// a runtime call.
//
//===----------------------------------------------------------------------===//

#include "qm/Dialect/QGraph/IR/QGraph.h"
#include "qm/Dialect/QWeight/IR/QWeight.h"
#include "qm/Passes/Lowering/Passes.h"

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cstring>

#define DEBUG_TYPE "convert-qgraph-to-linalg"

namespace mlir::qm {
#define GEN_PASS_DEF_CONVERTQGRAPHTOLINALGPASS
#include "qm/Passes/Lowering/Passes.h.inc"
} // namespace mlir::qm

using namespace mlir;
using namespace mlir::qm;

namespace {

using BodyFn = function_ref<Value(OpBuilder &, Location, ValueRange)>;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type) {
  return tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
}

Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                   TypedAttr value) {
  Value init = emptyTensor(b, loc, type);
  Value cst = arith::ConstantOp::create(b, loc, value);
  return linalg::FillOp::create(b, loc, ValueRange{cst}, ValueRange{init})
      .getResult(0);
}

/// Map of a numpy-broadcast operand of shape `in` into an iteration space of
/// shape `out` (right-aligned; size-1 dimensions broadcast).
AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> in,
                       ArrayRef<int64_t> out) {
  unsigned rank = out.size();
  SmallVector<AffineExpr> exprs;
  for (unsigned i = 0, e = in.size(); i < e; ++i) {
    unsigned o = rank - e + i;
    if (in[i] == 1 && out[o] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(o, ctx));
  }
  return AffineMap::get(rank, 0, exprs, ctx);
}

/// A parallel linalg.generic producing `resultType` from `inputs`
/// broadcast numpy-style into the result shape.
Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange inputs, BodyFn body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(
        broadcastMap(ctx, tensorType(in).getShape(), resultType.getShape()));
  maps.push_back(AffineMap::getMultiDimIdentityMap(resultType.getRank(), ctx));
  SmallVector<utils::IteratorType> iters(resultType.getRank(),
                                         utils::IteratorType::parallel);
  unsigned n = inputs.size();
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs,
      ValueRange{emptyTensor(b, loc, resultType)}, maps, iters,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value v = body(nb, nloc, args.take_front(n));
        linalg::YieldOp::create(nb, nloc, v);
      });
  return generic.getResult(0);
}

/// Reshape between static shapes of equal element count through views
/// (collapse to 1-D, expand to the target; canonicalization simplifies).
Value reshapeTo(OpBuilder &b, Location loc, Value v, RankedTensorType dst) {
  auto src = tensorType(v);
  if (src.getShape() == dst.getShape())
    return v;
  if (src.getRank() == 0)
    return tensor::ExpandShapeOp::create(b, loc, dst, v,
                                         ArrayRef<ReassociationIndices>{});
  if (dst.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, dst, v,
                                           ArrayRef<ReassociationIndices>{});
  Value flat = v;
  if (src.getRank() != 1) {
    ReassociationIndices all;
    for (int64_t i = 0; i < src.getRank(); ++i)
      all.push_back(i);
    auto flatType =
        RankedTensorType::get({src.getNumElements()}, src.getElementType());
    flat = tensor::CollapseShapeOp::create(b, loc, flatType, v,
                                           ArrayRef<ReassociationIndices>{all});
  }
  if (dst.getRank() == 1)
    return flat;
  ReassociationIndices all;
  for (int64_t i = 0; i < dst.getRank(); ++i)
    all.push_back(i);
  return tensor::ExpandShapeOp::create(b, loc, dst, flat,
                                       ArrayRef<ReassociationIndices>{all});
}

/// Broadcasts `v` to `shape` (numpy rules), materializing a copy if needed.
Value broadcastTo(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> shape) {
  auto t = tensorType(v);
  if (t.getShape() == shape)
    return v;
  auto dst = RankedTensorType::get(shape, t.getElementType());
  if (t.getNumElements() == dst.getNumElements())
    return reshapeTo(b, loc, v, dst);
  return buildElementwise(b, loc, dst, v,
                          [](OpBuilder &, Location, ValueRange a) { return a[0]; });
}

Value indexToInt(OpBuilder &b, Location loc, Value idx, Type intType) {
  return arith::IndexCastOp::create(b, loc, intType, idx);
}

/// Normalizes a (possibly negative) integer index against `dim` and casts it
/// to index; out-of-range values are clamped to keep the access in bounds.
Value normalizeIndex(OpBuilder &b, Location loc, Value idx, int64_t dim) {
  Type t = idx.getType();
  Value zero = arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, 0));
  Value d = arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, dim));
  Value dm1 = arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, dim - 1));
  Value neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, idx, zero);
  Value plus = arith::AddIOp::create(b, loc, idx, d);
  Value sel = arith::SelectOp::create(b, loc, neg, plus, idx);
  sel = arith::MaxSIOp::create(b, loc, sel, zero);
  sel = arith::MinSIOp::create(b, loc, sel, dm1);
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), sel);
}

/// Scalar conversion with ONNX Cast semantics.
Value castScalar(OpBuilder &b, Location loc, Value v, Type to) {
  Type from = v.getType();
  if (from == to)
    return v;
  auto fromF = dyn_cast<FloatType>(from), toF = dyn_cast<FloatType>(to);
  auto fromI = dyn_cast<IntegerType>(from), toI = dyn_cast<IntegerType>(to);
  if (fromF && toF)
    return fromF.getWidth() < toF.getWidth()
               ? arith::ExtFOp::create(b, loc, to, v).getResult()
               : arith::TruncFOp::create(b, loc, to, v).getResult();
  if (fromI && toF)
    return fromI.getWidth() == 1 || fromI.isUnsigned()
               ? arith::UIToFPOp::create(b, loc, to, v).getResult()
               : arith::SIToFPOp::create(b, loc, to, v).getResult();
  if (fromF && toI) {
    if (toI.getWidth() == 1) {
      Value zero = arith::ConstantOp::create(b, loc, b.getFloatAttr(from, 0.0));
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v, zero);
    }
    return arith::FPToSIOp::create(b, loc, to, v);
  }
  if (fromI && toI) {
    if (toI.getWidth() == 1) {
      Value zero = arith::ConstantOp::create(b, loc, b.getIntegerAttr(from, 0));
      return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v, zero);
    }
    if (fromI.getWidth() < toI.getWidth())
      return fromI.getWidth() == 1 || fromI.isUnsigned()
                 ? arith::ExtUIOp::create(b, loc, to, v).getResult()
                 : arith::ExtSIOp::create(b, loc, to, v).getResult();
    return arith::TruncIOp::create(b, loc, to, v);
  }
  return {};
}

FailureOr<SmallVector<int64_t>> constantInts(Operation *op, Value v,
                                             StringRef what) {
  SmallVector<int64_t> values;
  if (!qgraph::getConstantIntValues(v, values)) {
    op->emitOpError() << "needs a constant " << what << " to be lowered";
    return failure();
  }
  return values;
}

LogicalResult requireStatic(Operation *op) {
  for (Type t : llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes())) {
    auto rt = dyn_cast<RankedTensorType>(t);
    if (rt && !rt.hasStaticShape())
      return op->emitOpError()
             << "has a dynamic shape (" << rt
             << "); pin the input shapes and refine shapes before lowering";
  }
  return success();
}

/// Extracts element 0 of a rank-0 or one-element tensor.
Value extractScalar(OpBuilder &b, Location loc, Value t) {
  auto type = tensorType(t);
  SmallVector<Value> idx(type.getRank(),
                         arith::ConstantIndexOp::create(b, loc, 0));
  return tensor::ExtractOp::create(b, loc, t, idx);
}

/// Raw bytes of a non-splat constant of byte-sized elements, or empty.
ArrayRef<char> constantBytes(Value v) {
  Attribute attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return {};
  if (auto res = dyn_cast<DenseResourceElementsAttr>(attr)) {
    if (AsmResourceBlob *blob = res.getRawHandle().getBlob())
      return blob->getData();
    return {};
  }
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense || dense.isSplat() || !dense.getElementType().isIntOrFloat() ||
      dense.getElementType().getIntOrFloatBitWidth() % 8 != 0)
    return {};
  return dense.getRawData();
}

/// Transposes a constant at compile time; null if `input` is not one.
Value foldConstantTranspose(OpBuilder &b, Location loc, Value input,
                            RankedTensorType resultType,
                            ArrayRef<int64_t> perm) {
  ArrayRef<char> src = constantBytes(input);
  auto inType = tensorType(input);
  if (src.empty() || !inType.hasStaticShape())
    return {};
  int64_t elem = inType.getElementTypeBitWidth() / 8;
  int64_t rank = inType.getRank(), n = inType.getNumElements();
  if (static_cast<int64_t>(src.size()) != n * elem)
    return {};
  SmallVector<int64_t> inStrides(rank, 1);
  for (int64_t i = rank - 2; i >= 0; --i)
    inStrides[i] = inStrides[i + 1] * inType.getDimSize(i + 1);
  std::vector<char> dst(src.size());
  SmallVector<int64_t> idx(rank, 0);
  for (int64_t e = 0; e < n; ++e) {
    int64_t from = 0;
    for (int64_t d = 0; d < rank; ++d)
      from += idx[d] * inStrides[perm[d]];
    std::memcpy(dst.data() + e * elem, src.data() + from * elem, elem);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++idx[d] < resultType.getDimSize(d))
        break;
      idx[d] = 0;
    }
  }
  auto attr = DenseElementsAttr::getFromRawBuffer(resultType, dst);
  return arith::ConstantOp::create(b, loc, attr);
}

//===----------------------------------------------------------------------===//
// Lowerer
//===----------------------------------------------------------------------===//

class Lowerer {
public:
  Lowerer(ModuleOp module) : module(module) {}

  /// Lowers `op`; returns the replacement values or failure (diagnosed).
  FailureOr<SmallVector<Value>> lower(Operation *op);

private:
  ModuleOp module;

  Value binary(OpBuilder &b, Location loc, Operation *op, Value l, Value r);
  FailureOr<Value> lowerMatMul(OpBuilder &b, Location loc, Operation *op,
                               Value lhs, Value rhs, RankedTensorType result);
  Value reduce(OpBuilder &b, Location loc, Value input,
               ArrayRef<int64_t> axes, bool keepdims, StringRef kind);
  FailureOr<Value> dequantize(OpBuilder &b, Location loc, Operation *op,
                              Value weight, Type elemType);
  FailureOr<Value> observe(OpBuilder &b, Location loc, qweight::ObserveOp op);
  func::FuncOp getOrDeclare(StringRef name, FunctionType type);
};

func::FuncOp Lowerer::getOrDeclare(StringRef name, FunctionType type) {
  if (auto f = module.lookupSymbol<func::FuncOp>(name))
    return f;
  OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
  auto f = func::FuncOp::create(b, module.getLoc(), name, type);
  f.setPrivate();
  return f;
}

/// The scalar body of a binary elementwise op.
Value Lowerer::binary(OpBuilder &b, Location loc, Operation *op, Value l,
                      Value r) {
  bool f = isa<FloatType>(l.getType());
  using namespace arith;
  return TypeSwitch<Operation *, Value>(op)
      .Case([&](qgraph::AddOp) -> Value {
        return f ? AddFOp::create(b, loc, l, r).getResult()
                 : AddIOp::create(b, loc, l, r).getResult();
      })
      .Case([&](qgraph::SubOp) -> Value {
        return f ? SubFOp::create(b, loc, l, r).getResult()
                 : SubIOp::create(b, loc, l, r).getResult();
      })
      .Case([&](qgraph::MulOp) -> Value {
        return f ? MulFOp::create(b, loc, l, r).getResult()
                 : MulIOp::create(b, loc, l, r).getResult();
      })
      .Case([&](qgraph::DivOp) -> Value {
        return f ? DivFOp::create(b, loc, l, r).getResult()
                 : DivSIOp::create(b, loc, l, r).getResult();
      })
      .Case([&](qgraph::PowOp) -> Value {
        return math::PowFOp::create(b, loc, l, r);
      })
      .Case([&](qgraph::MaxOp) -> Value {
        return f ? MaximumFOp::create(b, loc, l, r).getResult()
                 : MaxSIOp::create(b, loc, l, r).getResult();
      })
      .Case([&](qgraph::MinOp) -> Value {
        return f ? MinimumFOp::create(b, loc, l, r).getResult()
                 : MinSIOp::create(b, loc, l, r).getResult();
      })
      .Case([&](qgraph::AndOp) -> Value { return AndIOp::create(b, loc, l, r); })
      .Case([&](qgraph::OrOp) -> Value { return OrIOp::create(b, loc, l, r); })
      .Default([&](Operation *) -> Value {
        CmpFPredicate fp;
        CmpIPredicate ip;
        if (isa<qgraph::EqualOp>(op)) {
          fp = CmpFPredicate::OEQ;
          ip = CmpIPredicate::eq;
        } else if (isa<qgraph::LessOp>(op)) {
          fp = CmpFPredicate::OLT;
          ip = CmpIPredicate::slt;
        } else if (isa<qgraph::LessOrEqualOp>(op)) {
          fp = CmpFPredicate::OLE;
          ip = CmpIPredicate::sle;
        } else if (isa<qgraph::GreaterOp>(op)) {
          fp = CmpFPredicate::OGT;
          ip = CmpIPredicate::sgt;
        } else {
          fp = CmpFPredicate::OGE;
          ip = CmpIPredicate::sge;
        }
        return f ? CmpFOp::create(b, loc, fp, l, r).getResult()
                 : CmpIOp::create(b, loc, ip, l, r).getResult();
      });
}

/// Reduction of `input` over `axes` (normalized, sorted) with `kind`
/// ("sum", "max", "mean"); keeps size-1 dims when `keepdims`.
Value Lowerer::reduce(OpBuilder &b, Location loc, Value input,
                      ArrayRef<int64_t> axes, bool keepdims, StringRef kind) {
  MLIRContext *ctx = b.getContext();
  auto inType = tensorType(input);
  Type elem = inType.getElementType();
  int64_t rank = inType.getRank();
  SmallVector<int64_t> outShape, keptShape;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iters;
  int64_t count = 1;
  for (int64_t i = 0; i < rank; ++i) {
    bool red = llvm::is_contained(axes, i);
    iters.push_back(red ? utils::IteratorType::reduction
                        : utils::IteratorType::parallel);
    keptShape.push_back(red ? 1 : inType.getDimSize(i));
    if (red) {
      count *= inType.getDimSize(i);
      continue;
    }
    outShape.push_back(inType.getDimSize(i));
    outExprs.push_back(getAffineDimExpr(i, ctx));
  }
  auto outType = RankedTensorType::get(outShape, elem);
  TypedAttr init;
  bool f = isa<FloatType>(elem);
  if (kind == "max")
    init = f ? TypedAttr(b.getFloatAttr(
                   elem, APFloat::getInf(cast<FloatType>(elem).getFloatSemantics(),
                                         /*Negative=*/true)))
             : TypedAttr(b.getIntegerAttr(
                   elem, APInt::getSignedMinValue(elem.getIntOrFloatBitWidth())));
  else
    init = f ? TypedAttr(b.getFloatAttr(elem, 0.0))
             : TypedAttr(b.getIntegerAttr(elem, 0));
  Value acc = filledTensor(b, loc, outType, init);
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx),
                                 AffineMap::get(rank, 0, outExprs, ctx)};
  Value result =
      linalg::GenericOp::create(
          b, loc, TypeRange{outType}, ValueRange{input}, ValueRange{acc}, maps,
          iters,
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            Value v;
            if (kind == "max")
              v = f ? arith::MaximumFOp::create(nb, nloc, args[0], args[1])
                          .getResult()
                    : arith::MaxSIOp::create(nb, nloc, args[0], args[1])
                          .getResult();
            else
              v = f ? arith::AddFOp::create(nb, nloc, args[0], args[1])
                          .getResult()
                    : arith::AddIOp::create(nb, nloc, args[0], args[1])
                          .getResult();
            linalg::YieldOp::create(nb, nloc, v);
          })
          .getResult(0);
  if (kind == "mean") {
    result = buildElementwise(
        b, loc, outType, result, [&](OpBuilder &nb, Location nloc, ValueRange a) {
          if (f) {
            Value c = arith::ConstantOp::create(
                nb, nloc, nb.getFloatAttr(elem, static_cast<double>(count)));
            return arith::DivFOp::create(nb, nloc, a[0], c).getResult();
          }
          Value c = arith::ConstantOp::create(nb, nloc,
                                              nb.getIntegerAttr(elem, count));
          return arith::DivSIOp::create(nb, nloc, a[0], c).getResult();
        });
  }
  if (keepdims)
    result = reshapeTo(b, loc, result, RankedTensorType::get(keptShape, elem));
  return result;
}

FailureOr<Value> Lowerer::lowerMatMul(OpBuilder &b, Location loc, Operation *op,
                                      Value lhs, Value rhs,
                                      RankedTensorType result) {
  auto lt = tensorType(lhs), rt = tensorType(rhs);
  Type elem = result.getElementType();
  if (lt.getElementType() != elem || rt.getElementType() != elem)
    return op->emitOpError("operands and result must share an element type");
  if (lt.getRank() == 1) {
    lhs = reshapeTo(b, loc, lhs,
                    RankedTensorType::get({1, lt.getDimSize(0)}, elem));
    lt = tensorType(lhs);
  }
  if (rt.getRank() == 1) {
    rhs = reshapeTo(b, loc, rhs,
                    RankedTensorType::get({rt.getDimSize(0), 1}, elem));
    rt = tensorType(rhs);
  }
  int64_t m = lt.getDimSize(lt.getRank() - 2), k = lt.getDimSize(lt.getRank() - 1);
  int64_t n = rt.getDimSize(rt.getRank() - 1);
  if (rt.getDimSize(rt.getRank() - 2) != k)
    return op->emitOpError() << "contraction sizes differ (" << k << " vs "
                             << rt.getDimSize(rt.getRank() - 2) << ")";
  TypedAttr zero = isa<FloatType>(elem) ? TypedAttr(b.getFloatAttr(elem, 0.0))
                                        : TypedAttr(b.getIntegerAttr(elem, 0));
  if (rt.getRank() == 2) {
    // [..., M, K] x [K, N]: one 2-D matmul over the flattened rows.
    int64_t rows = lt.getNumElements() / k;
    Value a = reshapeTo(b, loc, lhs, RankedTensorType::get({rows, k}, elem));
    auto outType = RankedTensorType::get({rows, n}, elem);
    Value init = filledTensor(b, loc, outType, zero);
    Value mm = linalg::MatmulOp::create(b, loc, TypeRange{outType},
                                        ValueRange{a, rhs}, ValueRange{init})
                   .getResult(0);
    return reshapeTo(b, loc, mm, result);
  }
  SmallVector<int64_t> batch;
  ArrayRef<int64_t> lb = lt.getShape().drop_back(2), rb = rt.getShape().drop_back(2);
  if (failed(qgraph::broadcastShapes({lb, rb}, batch)))
    return op->emitOpError("batch dimensions do not broadcast");
  int64_t bt = 1;
  for (int64_t d : batch)
    bt *= d;
  SmallVector<int64_t> lshape(batch), rshape(batch);
  lshape.append({m, k});
  rshape.append({k, n});
  lhs = broadcastTo(b, loc, lhs, lshape);
  rhs = broadcastTo(b, loc, rhs, rshape);
  Value a = reshapeTo(b, loc, lhs, RankedTensorType::get({bt, m, k}, elem));
  Value c = reshapeTo(b, loc, rhs, RankedTensorType::get({bt, k, n}, elem));
  auto outType = RankedTensorType::get({bt, m, n}, elem);
  Value init = filledTensor(b, loc, outType, zero);
  Value mm = linalg::BatchMatmulOp::create(b, loc, TypeRange{outType},
                                           ValueRange{a, c}, ValueRange{init})
                 .getResult(0);
  return reshapeTo(b, loc, mm, result);
}

/// Dense K x N weight of a `qweight.assemble`d value, per the dialect's
/// numeric definition.
FailureOr<Value> Lowerer::dequantize(OpBuilder &b, Location loc, Operation *op,
                                     Value weight, Type elemType) {
  auto wt = cast<qweight::WeightType>(weight.getType());
  auto assemble = weight.getDefiningOp<qweight::AssembleOp>();
  if (!assemble)
    return op->emitOpError("needs its weight from a qweight.assemble");
  if (wt.getLayout() == qweight::Layout::gpu_tiled)
    return op->emitOpError("cannot lower a gpu_tiled weight on the CPU");
  int64_t k = wt.getK(), n = wt.getN(), bits = wt.getBits();
  int64_t gs = wt.getEffectiveGroupSize();
  int64_t perWord = wt.getCodesPerWord();
  bool packed = wt.getLayout() == qweight::Layout::k_packed;
  // Unsigned (ui8) constants are re-typed as signless for arith; the
  // bytes are shared (tensor.bitcast would not bufferize).
  bool nonConstant = false;
  auto signless = [&](Value v) -> Value {
    if (!v)
      return v;
    auto t = tensorType(v);
    auto it = dyn_cast<IntegerType>(t.getElementType());
    if (!it || it.isSignless())
      return v;
    auto st = t.clone(b.getIntegerType(it.getWidth()));
    // Signless data given the unsigned type by an unrealized cast (a
    // caller that passes codes as function arguments does this).
    if (auto cast = v.getDefiningOp<UnrealizedConversionCastOp>();
        cast && cast->getNumOperands() == 1 &&
        cast->getOperand(0).getType() == st)
      return cast->getOperand(0);
    Attribute attr;
    if (matchPattern(v, m_Constant(&attr))) {
      if (auto res = dyn_cast<DenseResourceElementsAttr>(attr))
        return arith::ConstantOp::create(
            b, loc, DenseResourceElementsAttr::get(st, res.getRawHandle()));
      if (auto dense = dyn_cast<DenseElementsAttr>(attr))
        return arith::ConstantOp::create(b, loc, dense.bitcast(st.getElementType()));
    }
    nonConstant = true;
    return v;
  };
  Value codes = signless(assemble.getCodes());
  Value scales = assemble.getScales();
  Value zeros = signless(assemble.getZeros());
  if (nonConstant)
    return op->emitOpError("lowers only constant unsigned codes and zero "
                           "points (or signless data through an unrealized "
                           "cast)");
  Value gidx = assemble.getGIdx();
  auto outType = RankedTensorType::get({k, n}, elemType);
  MLIRContext *ctx = b.getContext();
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{outType}, ValueRange{},
      ValueRange{emptyTensor(b, loc, outType)},
      ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(2, ctx)},
      ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                    utils::IteratorType::parallel},
      [&](OpBuilder &nb, Location nloc, ValueRange) {
        Type i32 = nb.getI32Type(), f32 = nb.getF32Type();
        Value ki = linalg::IndexOp::create(nb, nloc, 0);
        Value ni = linalg::IndexOp::create(nb, nloc, 1);
        auto cidx = [&](int64_t v) {
          return arith::ConstantIndexOp::create(nb, nloc, v).getResult();
        };
        auto ci32 = [&](int64_t v) {
          return arith::ConstantOp::create(nb, nloc, nb.getI32IntegerAttr(v))
              .getResult();
        };
        Value q;
        if (packed) {
          Value word = tensor::ExtractOp::create(
              nb, nloc, codes,
              ValueRange{ni, arith::DivUIOp::create(nb, nloc, ki, cidx(perWord))});
          Value pos = arith::RemUIOp::create(nb, nloc, ki, cidx(perWord));
          Value shift = arith::MulIOp::create(
              nb, nloc, arith::IndexCastOp::create(nb, nloc, i32, pos), ci32(bits));
          q = arith::ShRUIOp::create(nb, nloc, word, shift);
          q = arith::AndIOp::create(nb, nloc, q, ci32((1 << bits) - 1));
        } else {
          Value c = tensor::ExtractOp::create(nb, nloc, codes, ValueRange{ni, ki});
          q = arith::ExtUIOp::create(nb, nloc, i32, c);
        }
        Value g;
        if (gidx) {
          Value gi = tensor::ExtractOp::create(nb, nloc, gidx, ValueRange{ki});
          g = arith::IndexCastOp::create(nb, nloc, nb.getIndexType(), gi);
        } else {
          g = arith::DivUIOp::create(nb, nloc, ki, cidx(gs));
        }
        Value z;
        if (zeros) {
          Value zc = tensor::ExtractOp::create(nb, nloc, zeros, ValueRange{ni, g});
          z = arith::ExtUIOp::create(nb, nloc, i32, zc);
        } else {
          z = ci32(int64_t(1) << (bits - 1));
        }
        Value s = tensor::ExtractOp::create(nb, nloc, scales, ValueRange{ni, g});
        s = castScalar(nb, nloc, s, f32);
        Value d = arith::SubIOp::create(nb, nloc, q, z);
        Value df = arith::SIToFPOp::create(nb, nloc, f32, d);
        Value w = arith::MulFOp::create(nb, nloc, s, df);
        linalg::YieldOp::create(nb, nloc, castScalar(nb, nloc, w, elemType));
      });
  return generic.getResult(0);
}

/// qweight.observe: hand the buffer to qmrt_observe(tag, data, rows, cols).
FailureOr<Value> Lowerer::observe(OpBuilder &b, Location loc,
                                  qweight::ObserveOp op) {
  Value x = op.getInput();
  auto xt = tensorType(x);
  if (!xt.hasStaticShape() || !xt.getElementType().isF32())
    return op.emitOpError("lowers only static f32 inputs");
  MLIRContext *ctx = b.getContext();
  auto ptrType = LLVM::LLVMPointerType::get(ctx);
  Type i64 = b.getI64Type();
  // The tag as a NUL-terminated global string.
  std::string symName = ("__qm_tag_" + op.getTag()).str();
  for (char &c : symName)
    if (!llvm::isAlnum(c) && c != '_')
      c = '_';
  std::string text = op.getTag().str();
  text.push_back('\0');
  auto arrayType = LLVM::LLVMArrayType::get(b.getI8Type(), text.size());
  auto global = module.lookupSymbol<LLVM::GlobalOp>(symName);
  if (!global) {
    OpBuilder mb = OpBuilder::atBlockBegin(module.getBody());
    global = LLVM::GlobalOp::create(mb, loc, arrayType, /*isConstant=*/true,
                                    LLVM::Linkage::Internal, symName,
                                    b.getStringAttr(text));
  }
  auto fn = getOrDeclare("qmrt_observe",
                         b.getFunctionType({ptrType, ptrType, i64, i64}, {}));
  auto memType = MemRefType::get(xt.getShape(), xt.getElementType());
  Value buf = bufferization::ToBufferOp::create(b, loc, memType, x,
                                                /*read_only=*/true);
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buf);
  Value ptr = LLVM::IntToPtrOp::create(
      b, loc, ptrType, arith::IndexCastOp::create(b, loc, i64, base).getResult(),
      LLVM::DereferenceableAttr());
  Value tag = LLVM::AddressOfOp::create(b, loc, global);
  int64_t cols = xt.getRank() ? xt.getDimSize(xt.getRank() - 1) : 1;
  int64_t rows = xt.getNumElements() / std::max<int64_t>(cols, 1);
  Value r = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(rows));
  Value c = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(cols));
  func::CallOp::create(b, loc, fn, ValueRange{tag, ptr, r, c});
  return x;
}

FailureOr<SmallVector<Value>> Lowerer::lower(Operation *op) {
  if (failed(requireStatic(op)))
    return failure();
  OpBuilder b(op);
  Location loc = op->getLoc();
  MLIRContext *ctx = op->getContext();
  auto one = [](FailureOr<Value> v) -> FailureOr<SmallVector<Value>> {
    if (failed(v))
      return failure();
    return SmallVector<Value>{*v};
  };
  auto resultType = [&]() { return cast<RankedTensorType>(op->getResultTypes()[0]); };

  // Elementwise binary ops with broadcasting.
  if (isa<qgraph::AddOp, qgraph::SubOp, qgraph::MulOp, qgraph::DivOp,
          qgraph::PowOp, qgraph::MaxOp, qgraph::MinOp, qgraph::AndOp,
          qgraph::OrOp, qgraph::EqualOp, qgraph::LessOp,
          qgraph::LessOrEqualOp, qgraph::GreaterOp,
          qgraph::GreaterOrEqualOp>(op)) {
    Value l = op->getOperand(0), r = op->getOperand(1);
    // x^2 and x^0.5 with a constant exponent: exact, cheaper forms.
    if (isa<qgraph::PowOp>(op)) {
      DenseElementsAttr dense;
      if (matchPattern(r, m_Constant(&dense)) && dense.isSplat()) {
        double e = dense.getSplatValue<APFloat>().convertToDouble();
        if (e == 2.0 || e == 1.0 || e == 0.5) {
          return one(buildElementwise(
              b, loc, resultType(), l,
              [&](OpBuilder &nb, Location nloc, ValueRange a) -> Value {
                if (e == 1.0)
                  return a[0];
                if (e == 0.5)
                  return math::SqrtOp::create(nb, nloc, a[0]);
                return arith::MulFOp::create(nb, nloc, a[0], a[0]);
              }));
        }
      }
    }
    return one(buildElementwise(
        b, loc, resultType(), ValueRange{l, r},
        [&](OpBuilder &nb, Location nloc, ValueRange a) {
          return binary(nb, nloc, op, a[0], a[1]);
        }));
  }

  return TypeSwitch<Operation *, FailureOr<SmallVector<Value>>>(op)
      // Unary elementwise.
      .Case<qgraph::NegOp, qgraph::SqrtOp, qgraph::ReciprocalOp, qgraph::CosOp,
            qgraph::SinOp, qgraph::SigmoidOp, qgraph::TanhOp, qgraph::ErfOp,
            qgraph::ExpOp, qgraph::LogOp, qgraph::NotOp>([&](Operation *) {
        return one(buildElementwise(
            b, loc, resultType(), op->getOperand(0),
            [&](OpBuilder &nb, Location nloc, ValueRange a) -> Value {
              Value x = a[0];
              Type t = x.getType();
              return TypeSwitch<Operation *, Value>(op)
                  .Case([&](qgraph::NegOp) -> Value {
                    if (isa<FloatType>(t))
                      return arith::NegFOp::create(nb, nloc, x);
                    Value z = arith::ConstantOp::create(nb, nloc,
                                                        nb.getIntegerAttr(t, 0));
                    return arith::SubIOp::create(nb, nloc, z, x);
                  })
                  .Case([&](qgraph::SqrtOp) -> Value {
                    return math::SqrtOp::create(nb, nloc, x);
                  })
                  .Case([&](qgraph::ReciprocalOp) -> Value {
                    Value o = arith::ConstantOp::create(nb, nloc,
                                                        nb.getFloatAttr(t, 1.0));
                    return arith::DivFOp::create(nb, nloc, o, x);
                  })
                  .Case([&](qgraph::CosOp) -> Value {
                    return math::CosOp::create(nb, nloc, x);
                  })
                  .Case([&](qgraph::SinOp) -> Value {
                    return math::SinOp::create(nb, nloc, x);
                  })
                  .Case([&](qgraph::SigmoidOp) -> Value {
                    Value o = arith::ConstantOp::create(nb, nloc,
                                                        nb.getFloatAttr(t, 1.0));
                    Value e = math::ExpOp::create(
                        nb, nloc, arith::NegFOp::create(nb, nloc, x));
                    return arith::DivFOp::create(
                        nb, nloc, o, arith::AddFOp::create(nb, nloc, o, e));
                  })
                  .Case([&](qgraph::TanhOp) -> Value {
                    return math::TanhOp::create(nb, nloc, x);
                  })
                  .Case([&](qgraph::ErfOp) -> Value {
                    return math::ErfOp::create(nb, nloc, x);
                  })
                  .Case([&](qgraph::ExpOp) -> Value {
                    return math::ExpOp::create(nb, nloc, x);
                  })
                  .Case([&](qgraph::LogOp) -> Value {
                    return math::LogOp::create(nb, nloc, x);
                  })
                  .Default([&](Operation *) -> Value {
                    Value t1 = arith::ConstantOp::create(
                        nb, nloc, nb.getIntegerAttr(t, 1));
                    return arith::XOrIOp::create(nb, nloc, x, t1);
                  });
            }));
      })
      .Case([&](qgraph::IdentityOp o) {
        return SmallVector<Value>{o.getInput()};
      })
      .Case([&](qgraph::WhereOp o) {
        return one(buildElementwise(
            b, loc, resultType(),
            ValueRange{o.getCondition(), o.getOnTrue(), o.getOnFalse()},
            [&](OpBuilder &nb, Location nloc, ValueRange a) -> Value {
              return arith::SelectOp::create(nb, nloc, a[0], a[1], a[2]);
            }));
      })
      .Case([&](qgraph::CastOp o) -> FailureOr<SmallVector<Value>> {
        Type to = resultType().getElementType();
        Type from = tensorType(o.getInput()).getElementType();
        for (Type t : {to, from})
          if (auto it = dyn_cast<IntegerType>(t); it && !it.isSignless())
            return op->emitOpError() << "cannot lower a cast involving " << t;
        if (!castScalar(b, loc,
                        arith::ConstantOp::create(
                            b, loc,
                            isa<FloatType>(from) ? TypedAttr(b.getFloatAttr(from, 0))
                                                 : TypedAttr(b.getIntegerAttr(from, 0))),
                        to))
          return op->emitOpError() << "cannot cast " << from << " to " << to;
        return one(buildElementwise(
            b, loc, resultType(), o.getInput(),
            [&](OpBuilder &nb, Location nloc, ValueRange a) {
              return castScalar(nb, nloc, a[0], to);
            }));
      })
      .Case([&](qgraph::MatMulOp o) {
        return one(lowerMatMul(b, loc, op, o.getLhs(), o.getRhs(), resultType()));
      })
      .Case([&](qgraph::GemmOp o) -> FailureOr<SmallVector<Value>> {
        auto transpose = [&](Value v) {
          auto t = tensorType(v);
          auto tt = RankedTensorType::get({t.getDimSize(1), t.getDimSize(0)},
                                          t.getElementType());
          return linalg::TransposeOp::create(b, loc, v, emptyTensor(b, loc, tt),
                                             ArrayRef<int64_t>{1, 0})
              .getResult()[0];
        };
        Value a = o.getTransA() ? transpose(o.getA()) : Value(o.getA());
        Value bb = o.getTransB() ? transpose(o.getB()) : Value(o.getB());
        FailureOr<Value> mm = lowerMatMul(b, loc, op, a, bb, resultType());
        if (failed(mm))
          return failure();
        float alpha = o.getAlpha().convertToFloat();
        float beta = o.getBeta().convertToFloat();
        SmallVector<Value> ins = {*mm};
        if (o.getC())
          ins.push_back(o.getC());
        Type elem = resultType().getElementType();
        return one(buildElementwise(
            b, loc, resultType(), ins,
            [&](OpBuilder &nb, Location nloc, ValueRange v) -> Value {
              Value r = v[0];
              if (alpha != 1.0f)
                r = arith::MulFOp::create(
                    nb, nloc, r,
                    arith::ConstantOp::create(nb, nloc, nb.getFloatAttr(elem, alpha)));
              if (v.size() > 1) {
                Value c = v[1];
                if (beta != 1.0f)
                  c = arith::MulFOp::create(
                      nb, nloc, c,
                      arith::ConstantOp::create(nb, nloc, nb.getFloatAttr(elem, beta)));
                r = arith::AddFOp::create(nb, nloc, r, c);
              }
              return r;
            }));
      })
      .Case([&](qgraph::SoftmaxOp o) -> FailureOr<SmallVector<Value>> {
        auto t = resultType();
        int64_t axis = *qgraph::normalizeAxis(o.getAxis(), t.getRank());
        Value x = o.getInput();
        Value mx = reduce(b, loc, x, {axis}, /*keepdims=*/true, "max");
        Value e = buildElementwise(
            b, loc, t, ValueRange{x, mx},
            [&](OpBuilder &nb, Location nloc, ValueRange a) -> Value {
              return math::ExpOp::create(
                  nb, nloc, arith::SubFOp::create(nb, nloc, a[0], a[1]));
            });
        Value s = reduce(b, loc, e, {axis}, /*keepdims=*/true, "sum");
        return one(buildElementwise(
            b, loc, t, ValueRange{e, s},
            [&](OpBuilder &nb, Location nloc, ValueRange a) -> Value {
              return arith::DivFOp::create(nb, nloc, a[0], a[1]);
            }));
      })
      .Case<qgraph::LayerNormOp, qgraph::RMSNormOp>(
          [&](Operation *) -> FailureOr<SmallVector<Value>> {
            auto t = resultType();
            Type elem = t.getElementType();
            int64_t axisAttr = isa<qgraph::LayerNormOp>(op)
                                   ? cast<qgraph::LayerNormOp>(op).getAxis()
                                   : cast<qgraph::RMSNormOp>(op).getAxis();
            float eps = isa<qgraph::LayerNormOp>(op)
                            ? cast<qgraph::LayerNormOp>(op).getEpsilon().convertToFloat()
                            : cast<qgraph::RMSNormOp>(op).getEpsilon().convertToFloat();
            int64_t axis = *qgraph::normalizeAxis(axisAttr, t.getRank());
            SmallVector<int64_t> axes;
            for (int64_t i = axis; i < t.getRank(); ++i)
              axes.push_back(i);
            Value x = op->getOperand(0);
            bool layer = isa<qgraph::LayerNormOp>(op);
            Value centered = x;
            if (layer) {
              Value mean = reduce(b, loc, x, axes, true, "mean");
              centered = buildElementwise(
                  b, loc, t, ValueRange{x, mean},
                  [&](OpBuilder &nb, Location nloc, ValueRange a) -> Value {
                    return arith::SubFOp::create(nb, nloc, a[0], a[1]);
                  });
            }
            Value sq = buildElementwise(
                b, loc, t, centered,
                [&](OpBuilder &nb, Location nloc, ValueRange a) -> Value {
                  return arith::MulFOp::create(nb, nloc, a[0], a[0]);
                });
            Value var = reduce(b, loc, sq, axes, true, "mean");
            SmallVector<Value> ins = {centered, var, op->getOperand(1)};
            if (layer && cast<qgraph::LayerNormOp>(op).getBias())
              ins.push_back(cast<qgraph::LayerNormOp>(op).getBias());
            return one(buildElementwise(
                b, loc, t, ins,
                [&](OpBuilder &nb, Location nloc, ValueRange a) -> Value {
                  Value e = arith::ConstantOp::create(nb, nloc,
                                                      nb.getFloatAttr(elem, eps));
                  Value d = math::SqrtOp::create(
                      nb, nloc, arith::AddFOp::create(nb, nloc, a[1], e));
                  Value r = arith::DivFOp::create(nb, nloc, a[0], d);
                  r = arith::MulFOp::create(nb, nloc, r, a[2]);
                  if (a.size() > 3)
                    r = arith::AddFOp::create(nb, nloc, r, a[3]);
                  return r;
                }));
          })
      .Case<qgraph::ReduceMeanOp, qgraph::ReduceSumOp, qgraph::ReduceMaxOp>(
          [&](Operation *) -> FailureOr<SmallVector<Value>> {
            Value input = op->getOperand(0);
            int64_t rank = tensorType(input).getRank();
            bool keepdims = op->getAttrOfType<BoolAttr>("keepdims")
                                ? op->getAttrOfType<BoolAttr>("keepdims").getValue()
                                : true;
            bool noop = op->getAttrOfType<BoolAttr>("noop_with_empty_axes") &&
                        op->getAttrOfType<BoolAttr>("noop_with_empty_axes").getValue();
            SmallVector<int64_t> axes;
            if (op->getNumOperands() > 1) {
              auto values = constantInts(op, op->getOperand(1), "axes");
              if (failed(values))
                return failure();
              for (int64_t a : *values)
                axes.push_back(*qgraph::normalizeAxis(a, rank));
            }
            if (axes.empty()) {
              if (noop)
                return SmallVector<Value>{input};
              for (int64_t i = 0; i < rank; ++i)
                axes.push_back(i);
            }
            llvm::sort(axes);
            StringRef kind = isa<qgraph::ReduceMeanOp>(op)  ? "mean"
                             : isa<qgraph::ReduceSumOp>(op) ? "sum"
                                                            : "max";
            Value r = reduce(b, loc, input, axes, keepdims, kind);
            return SmallVector<Value>{reshapeTo(b, loc, r, resultType())};
          })
      .Case([&](qgraph::CumSumOp o) -> FailureOr<SmallVector<Value>> {
        auto t = resultType();
        auto axisVals = constantInts(op, o.getAxis(), "axis");
        if (failed(axisVals))
          return failure();
        int64_t rank = t.getRank();
        int64_t axis = *qgraph::normalizeAxis((*axisVals)[0], rank);
        // Iteration space (result dims..., j): result[.., i, ..] +=
        // input[.., j, ..] for j <= i (< i exclusive; >= / > reversed).
        SmallVector<AffineExpr> inExprs, outExprs;
        for (int64_t i = 0; i < rank; ++i) {
          inExprs.push_back(getAffineDimExpr(i == axis ? rank : i, ctx));
          outExprs.push_back(getAffineDimExpr(i, ctx));
        }
        SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
        iters.push_back(utils::IteratorType::reduction);
        Type elem = t.getElementType();
        bool f = isa<FloatType>(elem);
        TypedAttr zero = f ? TypedAttr(b.getFloatAttr(elem, 0.0))
                           : TypedAttr(b.getIntegerAttr(elem, 0));
        bool exclusive = o.getExclusive(), reverse = o.getReverse();
        // The reduction dimension has the axis' size: pass the input
        // through an index-only map on a shaped dummy would be awkward, so
        // read the input with the j map directly.
        Value init = filledTensor(b, loc, t, zero);
        auto generic = linalg::GenericOp::create(
            b, loc, TypeRange{t}, ValueRange{o.getInput()}, ValueRange{init},
            ArrayRef<AffineMap>{AffineMap::get(rank + 1, 0, inExprs, ctx),
                                AffineMap::get(rank + 1, 0, outExprs, ctx)},
            iters, [&](OpBuilder &nb, Location nloc, ValueRange a) {
              Value i = linalg::IndexOp::create(nb, nloc, axis);
              Value j = linalg::IndexOp::create(nb, nloc, rank);
              arith::CmpIPredicate p =
                  reverse ? (exclusive ? arith::CmpIPredicate::ugt
                                       : arith::CmpIPredicate::uge)
                          : (exclusive ? arith::CmpIPredicate::ult
                                       : arith::CmpIPredicate::ule);
              Value take = arith::CmpIOp::create(nb, nloc, p, j, i);
              Value z = arith::ConstantOp::create(nb, nloc, zero);
              Value v = arith::SelectOp::create(nb, nloc, take, a[0], z);
              Value s = f ? arith::AddFOp::create(nb, nloc, a[1], v).getResult()
                          : arith::AddIOp::create(nb, nloc, a[1], v).getResult();
              linalg::YieldOp::create(nb, nloc, s);
            });
        return SmallVector<Value>{generic.getResult(0)};
      })
      .Case([&](qgraph::ShapeOp o) -> FailureOr<SmallVector<Value>> {
        auto in = tensorType(o.getInput());
        int64_t rank = in.getRank();
        auto clampAxis = [&](int64_t a) {
          if (a < 0)
            a += rank;
          return std::clamp<int64_t>(a, 0, rank);
        };
        int64_t start = clampAxis(o.getStart());
        int64_t end = o.getEnd() ? clampAxis(*o.getEnd()) : rank;
        SmallVector<int64_t> dims;
        for (int64_t i = start; i < end; ++i)
          dims.push_back(in.getDimSize(i));
        auto attr = DenseIntElementsAttr::get(resultType(), ArrayRef<int64_t>(dims));
        return SmallVector<Value>{arith::ConstantOp::create(b, loc, attr)};
      })
      .Case<qgraph::ReshapeOp, qgraph::SqueezeOp, qgraph::UnsqueezeOp>(
          [&](Operation *) -> FailureOr<SmallVector<Value>> {
            return SmallVector<Value>{
                reshapeTo(b, loc, op->getOperand(0), resultType())};
          })
      .Case([&](qgraph::ExpandOp o) -> FailureOr<SmallVector<Value>> {
        return SmallVector<Value>{
            broadcastTo(b, loc, o.getInput(), resultType().getShape())};
      })
      .Case([&](qgraph::TransposeOp o) -> FailureOr<SmallVector<Value>> {
        auto t = resultType();
        // A transposed constant (e.g. the tied output head) is folded now
        // rather than copied on every call.
        if (Value folded = foldConstantTranspose(b, loc, o.getInput(), t,
                                                 o.getPerm()))
          return SmallVector<Value>{folded};
        return SmallVector<Value>{
            linalg::TransposeOp::create(b, loc, o.getInput(),
                                        emptyTensor(b, loc, t), o.getPerm())
                .getResult()[0]};
      })
      .Case([&](qgraph::ConcatOp o) -> FailureOr<SmallVector<Value>> {
        auto t = resultType();
        int64_t axis = *qgraph::normalizeAxis(o.getAxis(), t.getRank());
        Value acc = emptyTensor(b, loc, t);
        int64_t offset = 0;
        for (Value in : o.getInputs()) {
          auto it = tensorType(in);
          SmallVector<OpFoldResult> offs(t.getRank(), b.getIndexAttr(0)),
              sizes, strides(t.getRank(), b.getIndexAttr(1));
          for (int64_t d : it.getShape())
            sizes.push_back(b.getIndexAttr(d));
          offs[axis] = b.getIndexAttr(offset);
          offset += it.getDimSize(axis);
          if (it.getDimSize(axis) == 0)
            continue;
          acc = tensor::InsertSliceOp::create(b, loc, in, acc, offs, sizes, strides);
        }
        return SmallVector<Value>{acc};
      })
      .Case([&](qgraph::SplitOp o) -> FailureOr<SmallVector<Value>> {
        auto in = tensorType(o.getInput());
        int64_t axis = *qgraph::normalizeAxis(o.getAxis(), in.getRank());
        SmallVector<Value> results;
        int64_t offset = 0;
        for (Type rt : op->getResultTypes()) {
          auto t = cast<RankedTensorType>(rt);
          SmallVector<OpFoldResult> offs(t.getRank(), b.getIndexAttr(0)),
              sizes, strides(t.getRank(), b.getIndexAttr(1));
          for (int64_t d : t.getShape())
            sizes.push_back(b.getIndexAttr(d));
          offs[axis] = b.getIndexAttr(offset);
          offset += t.getDimSize(axis);
          results.push_back(tensor::ExtractSliceOp::create(
              b, loc, t, o.getInput(), offs, sizes, strides));
        }
        return results;
      })
      .Case([&](qgraph::SliceOp o) -> FailureOr<SmallVector<Value>> {
        auto in = tensorType(o.getInput());
        auto t = resultType();
        int64_t rank = in.getRank();
        SmallVector<int64_t> axes;
        int64_t n = tensorType(o.getStarts()).getDimSize(0);
        if (o.getAxes()) {
          auto values = constantInts(op, o.getAxes(), "axes");
          if (failed(values))
            return failure();
          for (int64_t a : *values)
            axes.push_back(*qgraph::normalizeAxis(a, rank));
        } else {
          for (int64_t i = 0; i < n; ++i)
            axes.push_back(i);
        }
        SmallVector<int64_t> starts, ends, steps;
        bool constStarts = qgraph::getConstantIntValues(o.getStarts(), starts);
        bool constEnds = qgraph::getConstantIntValues(o.getEnds(), ends);
        (void)constEnds;
        if (o.getSteps()) {
          if (!qgraph::getConstantIntValues(o.getSteps(), steps))
            return op->emitOpError("needs constant steps to be lowered");
        } else {
          steps.assign(n, 1);
        }
        SmallVector<OpFoldResult> offs(rank, b.getIndexAttr(0)), sizes,
            strides(rank, b.getIndexAttr(1));
        for (int64_t d : t.getShape())
          sizes.push_back(b.getIndexAttr(d));
        for (int64_t i = 0; i < n; ++i) {
          int64_t a = axes[i], dim = in.getDimSize(a), step = steps[i];
          if (step <= 0)
            return op->emitOpError() << "cannot lower a non-positive step ("
                                     << step << ")";
          strides[a] = b.getIndexAttr(step);
          if (constStarts) {
            int64_t s = starts[i];
            if (s < 0)
              s += dim;
            offs[a] = b.getIndexAttr(std::clamp<int64_t>(s, 0, dim));
            continue;
          }
          // Dynamic start: normalize and clamp to [0, dim] in IR.
          Value idx = arith::ConstantIndexOp::create(b, loc, i);
          Value s = tensor::ExtractOp::create(b, loc, o.getStarts(), ValueRange{idx});
          Type it = s.getType();
          Value zero = arith::ConstantOp::create(b, loc, b.getIntegerAttr(it, 0));
          Value d = arith::ConstantOp::create(b, loc, b.getIntegerAttr(it, dim));
          Value neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, s, zero);
          s = arith::SelectOp::create(b, loc, neg,
                                      arith::AddIOp::create(b, loc, s, d), s);
          s = arith::MaxSIOp::create(b, loc, s, zero);
          s = arith::MinSIOp::create(b, loc, s, d);
          offs[a] = arith::IndexCastOp::create(b, loc, b.getIndexType(), s).getResult();
        }
        return SmallVector<Value>{tensor::ExtractSliceOp::create(
            b, loc, t, o.getInput(), offs, sizes, strides)};
      })
      .Case([&](qgraph::GatherOp o) -> FailureOr<SmallVector<Value>> {
        auto in = tensorType(o.getInput());
        auto idxT = tensorType(o.getIndices());
        auto t = resultType();
        int64_t axis = *qgraph::normalizeAxis(o.getAxis(), in.getRank());
        int64_t q = idxT.getRank();
        SmallVector<AffineExpr> idxExprs;
        for (int64_t i = 0; i < q; ++i)
          idxExprs.push_back(getAffineDimExpr(axis + i, ctx));
        SmallVector<utils::IteratorType> iters(t.getRank(),
                                               utils::IteratorType::parallel);
        Value input = o.getInput();
        int64_t dim = in.getDimSize(axis);
        auto generic = linalg::GenericOp::create(
            b, loc, TypeRange{t}, ValueRange{o.getIndices()},
            ValueRange{emptyTensor(b, loc, t)},
            ArrayRef<AffineMap>{AffineMap::get(t.getRank(), 0, idxExprs, ctx),
                                AffineMap::getMultiDimIdentityMap(t.getRank(), ctx)},
            iters, [&](OpBuilder &nb, Location nloc, ValueRange a) {
              SmallVector<Value> coords;
              for (int64_t i = 0; i < axis; ++i)
                coords.push_back(linalg::IndexOp::create(nb, nloc, i));
              coords.push_back(normalizeIndex(nb, nloc, a[0], dim));
              for (int64_t i = axis + 1; i < in.getRank(); ++i)
                coords.push_back(linalg::IndexOp::create(nb, nloc, i - 1 + q));
              Value v = tensor::ExtractOp::create(nb, nloc, input, coords);
              linalg::YieldOp::create(nb, nloc, v);
            });
        return SmallVector<Value>{generic.getResult(0)};
      })
      .Case([&](qgraph::GatherNDOp o) -> FailureOr<SmallVector<Value>> {
        auto in = tensorType(o.getInput());
        auto idxT = tensorType(o.getIndices());
        auto t = resultType();
        int64_t bd = o.getBatchDims();
        int64_t r = idxT.getDimSize(idxT.getRank() - 1);
        int64_t lead = idxT.getRank() - 1; // result dims taken from indices
        SmallVector<utils::IteratorType> iters(t.getRank(),
                                               utils::IteratorType::parallel);
        Value input = o.getInput(), indices = o.getIndices();
        auto generic = linalg::GenericOp::create(
            b, loc, TypeRange{t}, ValueRange{}, ValueRange{emptyTensor(b, loc, t)},
            ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(t.getRank(), ctx)},
            iters, [&](OpBuilder &nb, Location nloc, ValueRange) {
              SmallVector<Value> idxCoords, coords;
              for (int64_t i = 0; i < lead; ++i)
                idxCoords.push_back(linalg::IndexOp::create(nb, nloc, i));
              for (int64_t i = 0; i < bd; ++i)
                coords.push_back(idxCoords[i]);
              for (int64_t j = 0; j < r; ++j) {
                SmallVector<Value> c(idxCoords);
                c.push_back(arith::ConstantIndexOp::create(nb, nloc, j));
                Value v = tensor::ExtractOp::create(nb, nloc, indices, c);
                coords.push_back(normalizeIndex(nb, nloc, v, in.getDimSize(bd + j)));
              }
              for (int64_t i = bd + r; i < in.getRank(); ++i)
                coords.push_back(
                    linalg::IndexOp::create(nb, nloc, lead + (i - bd - r)));
              Value v = tensor::ExtractOp::create(nb, nloc, input, coords);
              linalg::YieldOp::create(nb, nloc, v);
            });
        return SmallVector<Value>{generic.getResult(0)};
      })
      .Case([&](qgraph::RangeOp o) -> FailureOr<SmallVector<Value>> {
        auto t = resultType();
        Value start = extractScalar(b, loc, o.getStart());
        Value delta = extractScalar(b, loc, o.getDelta());
        Type elem = t.getElementType();
        auto generic = linalg::GenericOp::create(
            b, loc, TypeRange{t}, ValueRange{}, ValueRange{emptyTensor(b, loc, t)},
            ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(1, ctx)},
            ArrayRef<utils::IteratorType>{utils::IteratorType::parallel},
            [&](OpBuilder &nb, Location nloc, ValueRange) {
              Value i = linalg::IndexOp::create(nb, nloc, 0);
              Value v;
              if (isa<FloatType>(elem)) {
                Value fi = arith::SIToFPOp::create(
                    nb, nloc, elem, indexToInt(nb, nloc, i, nb.getI64Type()));
                v = arith::AddFOp::create(
                    nb, nloc, start, arith::MulFOp::create(nb, nloc, fi, delta));
              } else {
                Value ii = indexToInt(nb, nloc, i, elem);
                v = arith::AddIOp::create(
                    nb, nloc, start, arith::MulIOp::create(nb, nloc, ii, delta));
              }
              linalg::YieldOp::create(nb, nloc, v);
            });
        return SmallVector<Value>{generic.getResult(0)};
      })
      .Case([&](qgraph::ConstantOfShapeOp o) -> FailureOr<SmallVector<Value>> {
        auto value = dyn_cast<DenseElementsAttr>(o.getValue());
        if (!value)
          return op->emitOpError("needs a dense value");
        auto attr = DenseElementsAttr::get(
            resultType(), value.getValues<Attribute>()[0]);
        return SmallVector<Value>{arith::ConstantOp::create(b, loc, attr)};
      })
      .Case([&](qgraph::TriluOp o) -> FailureOr<SmallVector<Value>> {
        auto t = resultType();
        Value k = o.getK() ? extractScalar(b, loc, o.getK())
                           : arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0))
                                 .getResult();
        bool upper = o.getUpper();
        int64_t rank = t.getRank();
        Type elem = t.getElementType();
        return one(buildElementwise(
            b, loc, t, o.getInput(),
            [&](OpBuilder &nb, Location nloc, ValueRange a) -> Value {
              Value i = indexToInt(nb, nloc, linalg::IndexOp::create(nb, nloc, rank - 2),
                                   nb.getI64Type());
              Value j = indexToInt(nb, nloc, linalg::IndexOp::create(nb, nloc, rank - 1),
                                   nb.getI64Type());
              Value d = arith::SubIOp::create(nb, nloc, j, i);
              Value keep = arith::CmpIOp::create(
                  nb, nloc, upper ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle,
                  d, k);
              Value z = arith::ConstantOp::create(
                  nb, nloc, isa<FloatType>(elem) ? TypedAttr(nb.getFloatAttr(elem, 0))
                                                 : TypedAttr(nb.getIntegerAttr(elem, 0)));
              return arith::SelectOp::create(nb, nloc, keep, a[0], z);
            }));
      })
      .Case([&](qweight::DequantizeOp o) {
        return one(dequantize(b, loc, op, o.getWeight(), resultType().getElementType()));
      })
      .Case([&](qweight::MatMulOp o) -> FailureOr<SmallVector<Value>> {
        Type elem = resultType().getElementType();
        FailureOr<Value> w = dequantize(b, loc, op, o.getWeight(), elem);
        if (failed(w))
          return failure();
        return one(lowerMatMul(b, loc, op, o.getX(), *w, resultType()));
      })
      .Case([&](qweight::ObserveOp o) { return one(observe(b, loc, o)); })
      .Case([&](qweight::AssembleOp) {
        // Erased once its users are lowered.
        return SmallVector<Value>{};
      })
      .Default([&](Operation *) -> FailureOr<SmallVector<Value>> {
        return op->emitOpError("has no lowering to linalg");
      });
}

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

struct ConvertQGraphToLinalgPass final
    : qm::impl::ConvertQGraphToLinalgPassBase<ConvertQGraphToLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    Lowerer lowerer(module);
    SmallVector<Operation *> ops;
    module.walk([&](Operation *op) {
      if (isa<qgraph::QGraphDialect, qweight::QWeightDialect>(op->getDialect()))
        ops.push_back(op);
    });
    SmallVector<Operation *> assembles;
    for (Operation *op : ops) {
      if (isa<qweight::AssembleOp>(op)) {
        assembles.push_back(op);
        continue;
      }
      FailureOr<SmallVector<Value>> repl = lowerer.lower(op);
      if (failed(repl))
        return signalPassFailure();
      op->replaceAllUsesWith(*repl);
      op->erase();
    }
    for (Operation *op : llvm::reverse(assembles)) {
      if (!op->use_empty()) {
        op->emitOpError("is used by an op that was not lowered");
        return signalPassFailure();
      }
      op->erase();
    }
  }
};

} // namespace
