//===- SequentialGPTQ.h - calibrate-and-quantize driver ----------*- C++ -*-===//
//
// Part of quant-mlir. GPTQ over a whole model in the order of the reference
// implementation: layer by layer, each layer calibrated on the outputs of
// the already-quantized layers before it (optionally true-sequential inside
// a layer: q,k,v -> o -> gate,up -> down; or one-shot, all layers from one
// float calibration run). Executing the model is left to a callback, so the
// driver works with any executor (CPU JIT, AOT artifact, a test double).
//
//===----------------------------------------------------------------------===//

#ifndef QM_PASSES_QUANTIZATION_SEQUENTIALGPTQ_H
#define QM_PASSES_QUANTIZATION_SEQUENTIALGPTQ_H

#include "qm/Passes/Quantization/CalibrationStats.h"
#include "qm/Passes/Quantization/QuantTargets.h"

#include <functional>

namespace mlir::qm {

enum class CalibrationOrder {
  /// One calibration run of the float model for every layer.
  OneShot,
  /// One run per decoder layer (the reference GPTQ order).
  PerLayer,
  /// One run per stage of a layer: q,k,v; o; gate,up; down.
  TrueSequential,
};

/// Runs the model `instrumented` (a copy of the module being quantized, with
/// qweight.observe ops before every remaining float matmul) on the
/// calibration data and feeds every observed activation to `stats`, e.g.
/// through qmrt_set_observer(&CalibrationStats::observerCallback, &stats).
using CalibrationRunner =
    std::function<LogicalResult(ModuleOp instrumented, CalibrationStats &stats)>;

/// One calibration stage: the matmuls quantized from one set of statistics.
struct CalibrationStage {
  /// Decoder layer of the stage's matmuls; numLayers-or-more for matmuls
  /// after the layers (the head); -1 for a one-shot stage over the whole
  /// model.
  int64_t layer = -1;
  std::vector<std::string> tags;
  /// The last stage of its layer: once quantized, the layer's outputs feed
  /// the next layer.
  bool endsLayer = false;
};

/// Runs the model for calibration, stage by stage, in program order.
class CalibrationExecutor {
public:
  virtual ~CalibrationExecutor();
  /// Runs the model as it is now (earlier stages quantized) on the
  /// calibration data and feeds the activations of the stage's matmuls to
  /// `stats` (which filters by tag).
  virtual LogicalResult observe(ModuleOp module, const CalibrationStage &stage,
                                CalibrationStats &stats) = 0;
  /// The stage's matmuls have been quantized in `module`.
  virtual LogicalResult finished(ModuleOp module,
                                 const CalibrationStage &stage) {
    (void)module;
    (void)stage;
    return success();
  }
};

/// Runs the whole model for every stage through a CalibrationRunner, on a
/// copy of the module with observers before every remaining float matmul.
class WholeModelExecutor : public CalibrationExecutor {
public:
  WholeModelExecutor(CalibrationRunner runner, bool observeTransposed)
      : runner(std::move(runner)), observeTransposed(observeTransposed) {}
  LogicalResult observe(ModuleOp module, const CalibrationStage &stage,
                        CalibrationStats &stats) override;

private:
  CalibrationRunner runner;
  bool observeTransposed;
};

struct SequentialGPTQReport {
  int calibrationRuns = 0;
  int64_t quantizedMatmuls = 0;
  double calibrationSeconds = 0;
  double solveSeconds = 0;
};

/// Quantizes one stage: the matmuls `options.only` names, with the
/// statistics of this stage's calibration run. Returns how many it
/// rewrote. The default is quantizeWeights (GPTQ); AWQ passes
/// quantizeWeightsAWQ.
using StageQuantizer = std::function<FailureOr<int64_t>(
    ModuleOp module, const WeightQuantOptions &options,
    const CalibrationStats &stats)>;

/// Quantizes `module` in place with GPTQ (`options.gptq` is implied),
/// calling `runner` once per stage of `order`. Only the tags of the current
/// stage are accumulated. Fails (with an error on the module) when the
/// runner fails, or a stage's statistics are missing or bad. A `quantize`
/// callback replaces the GPTQ step (the calibration order stays).
FailureOr<SequentialGPTQReport>
runSequentialGPTQ(ModuleOp module, const WeightQuantOptions &options,
                  CalibrationOrder order, const CalibrationRunner &runner,
                  const StageQuantizer &quantize = nullptr);

/// The same with any executor, e.g. one that runs a layer at a time on
/// cached hidden states (lib/Execution/LayerwiseCalibration.h).
FailureOr<SequentialGPTQReport>
runSequentialGPTQ(ModuleOp module, const WeightQuantOptions &options,
                  CalibrationOrder order, CalibrationExecutor &executor,
                  const StageQuantizer &quantize = nullptr);

} // namespace mlir::qm

#endif // QM_PASSES_QUANTIZATION_SEQUENTIALGPTQ_H
