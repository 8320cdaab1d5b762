//===- LinalgToMicrokernels.cpp - matmuls to qmrt_sgemm calls ---------------===//
//
// Part of quant-mlir. Implements qm-linalg-to-microkernels: bufferized f32
// linalg.matmul / linalg.batch_matmul become calls to the runtime's
// qmrt_sgemm (C = A B, row-major, overwrite), IREE-microkernel style.
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Lowering/Passes.h"

#include "mlir/IR/Builders.h"

#define DEBUG_TYPE "qm-linalg-to-microkernels"

namespace mlir::qm {
#define GEN_PASS_DEF_LINALGTOMICROKERNELSPASS
#include "qm/Passes/Lowering/Passes.h.inc"
} // namespace mlir::qm

using namespace mlir;
using namespace mlir::qm;

namespace {

constexpr StringLiteral kSgemm = "qmrt_sgemm";

/// A row-major f32 memref view with unit inner stride.
bool isRowMajorF32(Value v) {
  auto t = dyn_cast<MemRefType>(v.getType());
  if (!t || !t.getElementType().isF32())
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(t.getStridesAndOffset(strides, offset)))
    return false;
  return !strides.empty() && strides.back() == 1;
}

struct View {
  Value ptr; // !llvm.ptr to element [0, 0, ...]
  SmallVector<Value> sizes, strides; // i64
};

View getView(OpBuilder &b, Location loc, Value memref) {
  MLIRContext *ctx = b.getContext();
  Type i64 = b.getI64Type();
  auto ptrType = LLVM::LLVMPointerType::get(ctx);
  auto md = memref::ExtractStridedMetadataOp::create(b, loc, memref);
  Value base =
      memref::ExtractAlignedPointerAsIndexOp::create(b, loc, md.getBaseBuffer());
  Value ptr = LLVM::IntToPtrOp::create(
      b, loc, ptrType, arith::IndexCastOp::create(b, loc, i64, base).getResult(),
      LLVM::DereferenceableAttr());
  Value off = arith::IndexCastOp::create(b, loc, i64, md.getOffset());
  View view;
  view.ptr = LLVM::GEPOp::create(b, loc, ptrType, b.getF32Type(), ptr,
                                 ValueRange{off});
  for (Value s : md.getSizes())
    view.sizes.push_back(arith::IndexCastOp::create(b, loc, i64, s));
  for (Value s : md.getStrides())
    view.strides.push_back(arith::IndexCastOp::create(b, loc, i64, s));
  return view;
}

struct LinalgToMicrokernelsPass final
    : qm::impl::LinalgToMicrokernelsPassBase<LinalgToMicrokernelsPass> {
  using Base::Base;

  func::FuncOp declareSgemm(ModuleOp module) {
    if (auto f = module.lookupSymbol<func::FuncOp>(kSgemm))
      return f;
    MLIRContext *ctx = module.getContext();
    OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
    Type i64 = b.getI64Type();
    Type ptr = LLVM::LLVMPointerType::get(ctx);
    auto type = b.getFunctionType({i64, i64, i64, ptr, i64, ptr, i64, ptr, i64}, {});
    auto f = func::FuncOp::create(b, module.getLoc(), kSgemm, type);
    f.setPrivate();
    return f;
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<linalg::LinalgOp> candidates;
    module.walk([&](linalg::LinalgOp op) {
      if (!isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op) ||
          !op.hasPureBufferSemantics())
        return;
      if (auto mm = dyn_cast<linalg::MatmulOp>(op.getOperation()))
        if (mm.hasUserDefinedMaps())
          return;
      if (auto bmm = dyn_cast<linalg::BatchMatmulOp>(op.getOperation()))
        if (bmm.hasUserDefinedMaps())
          return;
      Value a = op.getDpsInputs()[0], bb = op.getDpsInputs()[1],
            c = op.getDpsInits()[0];
      if (!isRowMajorF32(a) || !isRowMajorF32(bb) || !isRowMajorF32(c))
        return;
      auto at = cast<MemRefType>(a.getType()), bt = cast<MemRefType>(bb.getType());
      int64_t r = at.getRank();
      if (at.hasStaticShape() && bt.hasStaticShape()) {
        int64_t flops = at.getDimSize(r - 2) * at.getDimSize(r - 1) *
                        bt.getDimSize(r - 1);
        if (flops < minFlops)
          return;
      }
      candidates.push_back(op);
    });
    if (candidates.empty())
      return;
    func::FuncOp sgemm = declareSgemm(module);
    for (linalg::LinalgOp op : candidates) {
      OpBuilder b(op);
      Location loc = op.getLoc();
      Value c = op.getDpsInits()[0];
      // The call overwrites C: a fill of C right before is dead.
      if (auto fill = dyn_cast_or_null<linalg::FillOp>(op->getPrevNode()))
        if (fill.hasPureBufferSemantics() && fill.getDpsInits()[0] == c)
          fill.erase();
      View av = getView(b, loc, op.getDpsInputs()[0]);
      View bv = getView(b, loc, op.getDpsInputs()[1]);
      View cv = getView(b, loc, c);
      bool batched = isa<linalg::BatchMatmulOp>(op.getOperation());
      unsigned r = batched ? 1 : 0;
      Value m = av.sizes[r], k = av.sizes[r + 1], n = bv.sizes[r + 1];
      auto emitCall = [&](OpBuilder &cb, Value ap, Value bp, Value cp) {
        func::CallOp::create(cb, loc, sgemm,
                             ValueRange{m, n, k, ap, av.strides[r], bp,
                                        bv.strides[r], cp, cv.strides[r]});
      };
      if (!batched) {
        emitCall(b, av.ptr, bv.ptr, cv.ptr);
      } else {
        Value lb = arith::ConstantIndexOp::create(b, loc, 0);
        Value one = arith::ConstantIndexOp::create(b, loc, 1);
        Value ub = memref::DimOp::create(b, loc, c, 0);
        scf::ForOp::create(
            b, loc, lb, ub, one, ValueRange{},
            [&](OpBuilder &lb2, Location l2, Value iv, ValueRange) {
              Value i = arith::IndexCastOp::create(lb2, l2, lb2.getI64Type(), iv);
              auto at = [&](const View &v) -> Value {
                Value off = arith::MulIOp::create(lb2, l2, i, v.strides[0]);
                return LLVM::GEPOp::create(
                    lb2, l2, v.ptr.getType(), lb2.getF32Type(), v.ptr,
                    ValueRange{off});
              };
              emitCall(lb2, at(av), at(bv), at(cv));
              scf::YieldOp::create(lb2, l2);
            });
      }
      op.erase();
    }
  }
};

} // namespace
