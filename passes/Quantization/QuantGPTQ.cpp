//===- QuantGPTQ.cpp - GPTQ weight quantization -----------------------------===//
//
// Part of quant-mlir. Implements qm-quant-gptq on top of quantizeWeights
// with the statistics of `stats-file`.
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Quantization/CalibrationStats.h"
#include "qm/Passes/Quantization/Passes.h"
#include "qm/Passes/Quantization/QuantTargets.h"

#define DEBUG_TYPE "qm-quant-gptq"

namespace mlir::qm {
#define GEN_PASS_DEF_QUANTGPTQPASS
#include "qm/Passes/Quantization/Passes.h.inc"
} // namespace mlir::qm

using namespace mlir;
using namespace mlir::qm;

namespace {
struct QuantGPTQPass final : qm::impl::QuantGPTQPassBase<QuantGPTQPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    WeightQuantOptions options;
    options.gptq = true;
    options.config.bits = bits;
    options.config.groupSize = groupSize;
    options.config.symmetric = symmetric;
    options.config.rangeSteps = rangeSteps;
    options.config.dampPercent = dampPercent;
    options.config.blockSize = blockSize;
    options.config.actOrder = actOrder;
    options.config.staticGroups = staticGroups;
    options.includeHead = includeHead;
    options.includeEmbeddings = includeEmbeddings;
    options.configFile = configFile;
    options.useResources = useResources;
    options.only.assign(only.begin(), only.end());
    FailureOr<qweight::Layout> parsed = parseLayoutOption(module, layout);
    if (failed(parsed))
      return signalPassFailure();
    options.layout = *parsed;
    if (statsFile.empty()) {
      mlir::emitError(module.getLoc(), "qm-quant-gptq needs calibration statistics "
                       "(option stats-file)");
      return signalPassFailure();
    }
    CalibrationStats stats;
    std::string err;
    if (!stats.load(statsFile, err)) {
      mlir::emitError(module.getLoc(), err);
      return signalPassFailure();
    }
    if (failed(quantizeWeights(module, options, &stats)))
      return signalPassFailure();
  }
};
} // namespace
