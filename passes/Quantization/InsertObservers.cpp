//===- InsertObservers.cpp - calibration instrumentation --------------------===//
//
// Part of quant-mlir. Implements qm-quant-insert-observers: routes the
// activation of every quantizable matmul through qweight.observe.
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Quantization/Passes.h"
#include "qm/Passes/Quantization/QuantTargets.h"

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
    int64_t counter = 0, transposedCounter = 0;
    getOperation().walk([&](qgraph::MatMulOp matmul) {
      // Same tags as findQuantTargets: NameLoc, else matmul_<i> counting
      // constant weights, matmul_t<i> counting transposed constants.
      std::string tag = getMatmulName(matmul);
      if (!getConstantWeight(matmul)) {
        bool transposed = false;
        if (!includeTransposed || !findWeightConstant(matmul, transposed) ||
            !transposed)
          return;
        if (tag.empty())
          tag = "matmul_t" + std::to_string(transposedCounter);
        ++transposedCounter;
      } else {
        if (tag.empty())
          tag = "matmul_" + std::to_string(counter);
        ++counter;
      }
      auto wType = cast<RankedTensorType>(matmul.getRhs().getType());
      if (wType.getDimSize(0) < minK)
        return;
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
