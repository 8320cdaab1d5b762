//===- InsertObservers.cpp - calibration instrumentation --------------------===//
//
// Part of quant-mlir. Implements qm-quant-insert-observers: routes the
// activation of every quantizable matmul through qweight.observe.
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Quantization/Passes.h"

#include "mlir/IR/Builders.h"

#define DEBUG_TYPE "qm-quant-insert-observers"

namespace mlir::qm {
#define GEN_PASS_DEF_INSERTOBSERVERSPASS
#include "qm/Passes/Quantization/Passes.h.inc"
} // namespace mlir::qm

using namespace mlir;
using namespace mlir::qm;

namespace {
struct InsertObserversPass final
    : qm::impl::InsertObserversPassBase<InsertObserversPass> {
  using Base::Base;

  void runOnOperation() override {
    int64_t counter = 0;
    getOperation().walk([&](qgraph::MatMulOp matmul) {
      if (!getConstantWeight(matmul))
        return;
      auto wType = cast<RankedTensorType>(matmul.getRhs().getType());
      if (wType.getDimSize(0) < minK)
        return;
      std::string tag = getMatmulName(matmul);
      if (tag.empty())
        tag = "matmul_" + std::to_string(counter);
      ++counter;
      Value x = matmul.getLhs();
      if (x.getDefiningOp<qweight::ObserveOp>())
        return;
      auto xType = dyn_cast<RankedTensorType>(x.getType());
      if (!xType || !isa<FloatType>(xType.getElementType()))
        return;
      OpBuilder b(matmul);
      auto obs = qweight::ObserveOp::create(b, matmul.getLoc(), xType, x,
                                            b.getStringAttr(tag));
      matmul.getLhsMutable().assign(obs.getResult());
    });
  }
};
} // namespace
