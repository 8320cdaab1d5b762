//===- ElementwiseFusion.cpp - fuse generics, keep named matmuls ------------===//
//
// Part of quant-mlir. Implements qm-fuse-elementwise: upstream's
// elementwise-fusion and reshape-propagation patterns restricted to
// linalg.generic ops, so linalg.matmul / batch_matmul stay named ops for
// qm-linalg-to-microkernels.
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Lowering/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "qm-fuse-elementwise"

namespace mlir::qm {
#define GEN_PASS_DEF_FUSEELEMENTWISEPASS
#include "qm/Passes/Lowering/Passes.h.inc"
} // namespace mlir::qm

using namespace mlir;
using namespace mlir::qm;

namespace {

bool isGeneric(Operation *op) { return op && isa<linalg::GenericOp>(op); }

struct FuseElementwisePass final
    : qm::impl::FuseElementwisePassBase<FuseElementwisePass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    // Fuse a generic producer into a generic consumer when it has no other
    // user (no recomputation).
    linalg::ControlFusionFn fuse = [](OpOperand *operand) {
      Operation *producer = operand->get().getDefiningOp();
      return isGeneric(producer) && isGeneric(operand->getOwner()) &&
             producer->hasOneUse();
    };
    // Move reshapes across generics only (never across named ops).
    linalg::ControlFusionFn reshape = [](OpOperand *operand) {
      Operation *owner = operand->getOwner();
      if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(owner))
        return isGeneric(operand->get().getDefiningOp());
      return isGeneric(owner);
    };
    linalg::populateElementwiseOpsFusionPatterns(patterns, fuse);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, reshape);
    linalg::populateConstantFoldLinalgOperations(patterns, fuse);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
