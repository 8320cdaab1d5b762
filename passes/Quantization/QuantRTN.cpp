//===- QuantRTN.cpp - round-to-nearest weight quantization ------------------===//
//
// Part of quant-mlir. Implements qm-quant-rtn on top of quantizeWeights.
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Quantization/Passes.h"
#include "qm/Passes/Quantization/QuantTargets.h"

#define DEBUG_TYPE "qm-quant-rtn"

namespace mlir::qm {
#define GEN_PASS_DEF_QUANTRTNPASS
#include "qm/Passes/Quantization/Passes.h.inc"
} // namespace mlir::qm

using namespace mlir;
using namespace mlir::qm;

/// Parses the `layout` option.
FailureOr<qweight::Layout> mlir::qm::parseLayoutOption(ModuleOp module,
                                                       StringRef layout) {
  if (layout == "unpacked")
    return qweight::Layout::unpacked;
  if (layout == "k_packed")
    return qweight::Layout::k_packed;
  return mlir::emitError(module.getLoc(), "invalid quantization option: layout '")
         << layout << "' (expected unpacked or k_packed)";
}

namespace {
struct QuantRTNPass final : qm::impl::QuantRTNPassBase<QuantRTNPass> {
  using Base::Base;

  void runOnOperation() override {
    WeightQuantOptions options;
    options.config.bits = bits;
    options.config.groupSize = groupSize;
    options.config.symmetric = symmetric;
    options.config.rangeSteps = rangeSteps;
    options.includeHead = includeHead;
    options.includeEmbeddings = includeEmbeddings;
    options.configFile = configFile;
    options.useResources = useResources;
    options.only.assign(only.begin(), only.end());
    FailureOr<qweight::Layout> parsed = parseLayoutOption(getOperation(), layout);
    if (failed(parsed))
      return signalPassFailure();
    options.layout = *parsed;
    if (failed(quantizeWeights(getOperation(), options, /*stats=*/nullptr)))
      return signalPassFailure();
  }
};
} // namespace
