//===- GPTQ.h - Hessian statistics and the GPTQ solver ----------*- C++ -*-===//
//
// Part of quant-mlir. Calibration statistics of one linear layer and GPTQ
// (Frantar et al. 2022), free of any MLIR dependency; BLAS/LAPACK do the
// dense algebra.
//
//===----------------------------------------------------------------------===//

#ifndef QM_PASSES_QUANTIZATION_SOLVERS_GPTQ_H
#define QM_PASSES_QUANTIZATION_SOLVERS_GPTQ_H

#include "qm/Passes/Quantization/Solvers/Quantizer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::qm::solvers {

/// Second-order statistics of the inputs X (rows x K) of one linear layer:
/// H = 2 XᵀX / n and mean |x| per input channel, both accumulated in f64,
/// with n the number of rows seen. Adding a batch rescales like the
/// reference: H *= n_old / n_new; H += 2 / n_new XᵀX, with XᵀX of each
/// chunk of at most 512 rows formed in f32.
class HessianAccumulator {
public:
  HessianAccumulator() = default;
  explicit HessianAccumulator(int64_t k) { reset(k); }

  void reset(int64_t k);
  /// Adds `rows` rows of `k` f32 values (row-major).
  void add(const float *x, int64_t rows);

  int64_t getK() const { return k; }
  int64_t getNumSamples() const { return numSamples; }
  /// K x K row-major, symmetric (both triangles filled).
  const std::vector<double> &getHessian() const {
    symmetrize();
    return h;
  }
  /// mean |x| per input channel (K entries).
  const std::vector<double> &getMeanAbs() const { return meanAbs; }
  /// Restores a saved state.
  void assign(int64_t k, int64_t numSamples, std::vector<double> h,
              std::vector<double> meanAbs);
  /// Merges another accumulator over the same K (weighted by samples).
  void merge(const HessianAccumulator &other);

  /// Also keeps every `every`-th row seen (counting from the first), up to
  /// `maxRows` rows: a deterministic sample of X for searches that need
  /// the activations themselves (AWQ's block-output error).
  void keepRowSample(int64_t every, int64_t maxRows) {
    sampleEvery = every;
    sampleMax = maxRows;
  }
  /// The sampled rows (row-major, K per row).
  const std::vector<float> &getRowSample() const { return sample; }
  int64_t getNumSampledRows() const { return k ? sample.size() / k : 0; }

private:
  /// Copies the lower triangle (where dsyrk writes) to the upper.
  void symmetrize() const;

  int64_t k = 0;
  int64_t numSamples = 0;
  /// Only the lower triangle is current while `lowerOnly`.
  mutable std::vector<double> h;
  mutable bool lowerOnly = false;
  std::vector<double> meanAbs;
  std::vector<float> scratch;
  int64_t sampleEvery = 0, sampleMax = 0;
  std::vector<float> sample;
};

/// What GPTQ did besides producing the weight.
struct GPTQReport {
  /// Damping finally added to diag(H) (absolute).
  double damp = 0;
  /// How many times the damping had to be raised to make H positive definite.
  int retries = 0;
  /// Input channels with diag(H) == 0 (their weights are set to 0).
  int64_t deadColumns = 0;
  /// sum over rows and columns of (w - q)^2 / d^2 / 2: the GPTQ loss proxy.
  double loss = 0;
  /// Human-readable warnings (more damping was needed, ...).
  std::vector<std::string> warnings;
  /// Set when quantization failed; the weight is then unusable.
  std::string error;
};

/// GPTQ of the N x K row-major weight `w` with the K x K symmetric Hessian
/// `h` (row-major). `cfg` must be valid. Group parameters are computed at
/// the first column of each group (in processing order) from the fully
/// error-updated weights. With act-order, columns are processed by
/// decreasing diag(H) and groups are formed in that order (the result
/// carries a group index); with static groups, all group parameters come
/// from the original weights in the original order (no group index).
/// A Hessian that is not positive definite after damping is retried with
/// 10x the damping (up to 6 times), recording a warning.
QuantizedWeight quantizeGPTQ(const float *w, int64_t n, int64_t k,
                             const double *h, const QuantizerConfig &cfg,
                             GPTQReport &report);

} // namespace mlir::qm::solvers

#endif // QM_PASSES_QUANTIZATION_SOLVERS_GPTQ_H
