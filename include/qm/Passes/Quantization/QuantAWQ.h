//===- QuantAWQ.h - AWQ over a module ----------------------------*- C++ -*-===//
//
// Part of quant-mlir. The C++ entry point of qm-quant-awq, for drivers that
// hold the calibration statistics in memory (quant-quantize calibrates and
// quantizes one decoder layer at a time).
//
//===----------------------------------------------------------------------===//

#ifndef QM_PASSES_QUANTIZATION_QUANTAWQ_H
#define QM_PASSES_QUANTIZATION_QUANTAWQ_H

#include "qm/Passes/Quantization/CalibrationStats.h"
#include "qm/Passes/Quantization/QuantTargets.h"

#include <functional>

namespace mlir::qm {

struct AWQOptions {
  /// Bits, group size, symmetry, layout, head, config file, `only`; `gptq`
  /// selects GPTQ rounding of the scaled, clipped weights (AWQ + GPTQ).
  WeightQuantOptions quant;
  int64_t grid = 20;
  bool duoScaling = true;
  /// Scale attention output projections too, folding 1/s into the value
  /// projection's output channels (tied per value channel under GQA).
  bool scaleVO = false;
  bool clip = true;
  /// See solvers::AWQConfig::clipMinMax.
  bool clipMinMax = true;
  /// Rank the scales of a gated MLP's gate/up by the MLP's output on the
  /// sampled calibration rows (needs statistics with a row sample, see
  /// WeightQuantOptions::rowSampleEvery); else every group by its linears'
  /// output error from H.
  bool blockError = false;
  /// Runs the decoder layer of the stage's matmuls, as `module` is now, on
  /// calibration inputs and returns its outputs (e.g.
  /// LayerwiseCalibration::runCurrentLayer). When set, groups fed by a norm
  /// (q/k/v from the input norm, gate/up from the post-attention norm) are
  /// ranked by the mean squared error of the layer's output against the
  /// float layer, with only the group's weights quantized: the attention
  /// (or MLP) block's output error as the layer carries it on. Takes
  /// precedence over `blockError`.
  std::function<LogicalResult(ModuleOp, std::vector<float> &)> layerOutput;
  int64_t clipSteps = 20;
  /// Only search and fold the scales (the function stays the same).
  bool foldOnly = false;
  /// Emit a remark per scaled input.
  bool report = false;
};

/// Runs AWQ (see qm-quant-awq) on `module` with the statistics in `stats`.
/// Returns the number of quantized matmuls.
FailureOr<int64_t> quantizeWeightsAWQ(ModuleOp module, const AWQOptions &options,
                                      const CalibrationStats &stats);

} // namespace mlir::qm

#endif // QM_PASSES_QUANTIZATION_QUANTAWQ_H
