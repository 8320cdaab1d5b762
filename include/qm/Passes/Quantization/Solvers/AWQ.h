//===- AWQ.h - activation-aware weight quantization solver ------*- C++ -*-===//
//
// Part of quant-mlir. The numeric core of AWQ (Lin et al. 2023), free of any
// MLIR dependency: the per-input-channel scale search and the per-group
// clipping search. The IR pass (qm-quant-awq) folds the chosen scales into
// the op that produces the linears' shared input and hands the scaled,
// clipped weights to RTN or GPTQ.
//
// Error measure. Both searches rank candidates by the squared error of the
// linear layers' outputs on the calibration inputs X:
//   err(W') = sum_n (w_n - w'_n)^T H (w_n - w'_n),   H = 2 X^T X / rows,
// which equals 2 * sum over calibration rows of ||x (W - W')||^2 / rows,
// i.e. the output mean squared error of every linear fed by X, computed
// exactly from the Hessian that calibration already accumulates (no
// activations are stored). Public AWQ implementations measure the output of
// the whole block (attention or MLP) on a sample of tokens instead; the
// linear-output error is the first-order part of that measure.
//
//===----------------------------------------------------------------------===//

#ifndef QM_PASSES_QUANTIZATION_SOLVERS_AWQ_H
#define QM_PASSES_QUANTIZATION_SOLVERS_AWQ_H

#include "qm/Passes/Quantization/Solvers/Quantizer.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace mlir::qm::solvers {

/// Options of the AWQ searches.
struct AWQConfig {
  /// Scale exponents alpha = i / gridSize for i in [0, gridSize).
  int gridSize = 20;
  /// Duo scaling: s = s_x^alpha / s_w^(1 - alpha) instead of s_x^alpha
  /// (the default of public AWQ implementations; on tinyllama better than
  /// s_x^alpha at 3 and 4 bits on both evaluation texts, README).
  bool duoScaling = true;
  /// Clipping: ratios 1 - maxShrink * i / clipSteps for i in [0, clipSteps].
  int clipSteps = 20;
  double maxShrink = 0.5;
  /// Asymmetric codes: clip each group to [r min(w), r max(w)] (the range
  /// the codes span) instead of [-r max|w|, r max|w|] (what public AWQ
  /// implementations do, also for asymmetric codes). Measured better on
  /// tinyllama at 3 and 4 bits on both evaluation texts (README).
  bool clipMinMax = true;
};

/// One linear layer fed by the shared input: an N x K row-major weight.
struct AWQLinear {
  const float *w;
  int64_t n;
};

/// Result of the scale search for a set of linears sharing one input.
struct AWQScaleResult {
  /// Per input channel (K): multiply the weights' input channel k by
  /// scales[k], divide the producer of the input by it.
  std::vector<float> scales;
  double bestAlpha = 0;
  /// Output error with the chosen scales, and with no scaling (alpha = 0).
  double bestError = 0, baseError = 0;
  /// Error for every alpha of the grid.
  std::vector<double> errors;
};

/// Weighted output error sum_n d_n^T H d_n of d = a - b (N x K each).
double outputError(const float *a, const float *b, int64_t n, int64_t k,
                   const float *h);

/// Error of a whole block given the candidate weights of its linears
/// (each N x K, already quantized and divided by the scales again, so they
/// take the unscaled input x), in the order of the searched linears.
using AWQBlockError =
    std::function<double(const std::vector<std::vector<float>> &weights)>;

/// Searches the AWQ scales for `linears` (all K input channels) given the
/// input Hessian `h` (K x K row-major, f64) and mean |x| per channel.
/// Quantization follows `quant` (RTN with the min-max quantizer). Candidates
/// are ranked by `blockError` when given, else by the linears' output error
/// from `h`.
///
/// `tiedClass`, when not empty, holds K class ids: channels of one class get
/// one scale (the statistics s_x and s_w are averaged over the class first).
/// This is how scales are searched for the output projection of grouped-query
/// attention, whose input channels of one head position in every query head
/// of a group come from the same value channel, so only one 1/s can be
/// folded into that channel.
AWQScaleResult searchAWQScales(const std::vector<AWQLinear> &linears,
                               int64_t k, const double *h,
                               const double *meanAbs,
                               const QuantizerConfig &quant,
                               const AWQConfig &cfg,
                               const AWQBlockError &blockError = nullptr,
                               const std::vector<int64_t> &tiedClass = {});

/// The output error of a gated MLP, down(silu(x gateᵀ) * (x upᵀ)), on sampled
/// inputs: sum over rows of ||y' - y||^2 / rows, with y from the float
/// weights. The down projection stays float (AWQ searches gate/up first).
class MLPBlockError {
public:
  /// x: rows x k; gate, up: inter x k; down: out x inter (all row-major).
  MLPBlockError(std::vector<float> x, int64_t rows, int64_t k,
                const float *gate, const float *up, int64_t inter,
                const float *down, int64_t out);
  double operator()(const float *gate, const float *up) const;

private:
  std::vector<float> forward(const float *gate, const float *up) const;
  std::vector<float> x, down, reference;
  int64_t rows, k, inter, out;
};

/// Clipping search for one N x K weight: for every (row, group) the clip
/// ratio that minimises that group's output error sum over rows of
/// d_g^T H_gg d_g. Returns the weight with each group clamped to
/// [-r max|w_g|, r max|w_g|] (N x K), and writes the chosen ratios
/// (N x G) to `ratios` when given.
std::vector<float> clipAWQ(const float *w, int64_t n, int64_t k,
                           const double *h, const QuantizerConfig &quant,
                           const AWQConfig &cfg,
                           std::vector<float> *ratios = nullptr);

/// H' = diag(1/s) H diag(1/s): the Hessian of the scaled input x / s.
std::vector<double> scaleHessian(const double *h, int64_t k,
                                 const std::vector<float> &scales);

} // namespace mlir::qm::solvers

#endif // QM_PASSES_QUANTIZATION_SOLVERS_AWQ_H
