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
    // (Reshape propagation by expansion is left out: with the many unit
    // dimensions of single-token shapes it ping-pongs with the reshape
    // canonicalizations.)
    linalg::populateElementwiseOpsFusionPatterns(patterns, fuse);
    linalg::populateConstantFoldLinalgOperations(patterns, fuse);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
    // Not converging within the bound only means less fusion.
    GreedyRewriteConfig config;
    config.setMaxNumRewrites(100000);
    (void)applyPatternsGreedily(getOperation(), std::move(patterns), config);
  }
};

} // namespace
