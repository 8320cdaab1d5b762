//===- Quantizer.h - group quantizer, RTN and packing -----------*- C++ -*-===//
//
// Part of quant-mlir. The numeric core of weight quantization, free of any
// MLIR dependency: the quantizer configuration, the min-max group quantizer
// shared by RTN and GPTQ, round-to-nearest, and the k_packed code layout.
//
// Conventions (those of the GPTQ paper and of the qweight dialect):
// - A weight is N x K, row-major, N output channels, K input channels
//   (ONNX stores MatMul weights K x N; callers transpose).
// - codes q[n][k] in [0, 2^bits), scales[n][g] (f32), zeros[n][g] (u8),
//   g(k) = g_idx[k] when the weight has a group index, else k / group_size.
// - Dequantized value: scales[n][g(k)] * (q[n][k] - zeros[n][g(k)]).
//
//===----------------------------------------------------------------------===//

#ifndef QM_PASSES_QUANTIZATION_SOLVERS_QUANTIZER_H
#define QM_PASSES_QUANTIZATION_SOLVERS_QUANTIZER_H

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::qm::solvers {

/// How one weight is quantized.
struct QuantizerConfig {
  /// Bits per code: 2, 3, 4 or 8.
  unsigned bits = 4;
  /// Consecutive input channels sharing one scale/zero; -1 = per channel
  /// (one group per output row). A value >= K behaves like -1.
  int64_t groupSize = 128;
  /// Symmetric: zero = 2^(bits-1), scale from max |w|.
  bool symmetric = false;
  /// GPTQ: process columns in decreasing diag(H) order.
  bool actOrder = false;
  /// GPTQ with act-order: compute all group parameters up front on the
  /// original column order, so the result needs no group index.
  bool staticGroups = false;
  /// GPTQ: damping added to diag(H), as a fraction of mean(diag(H)).
  double dampPercent = 0.01;
  /// GPTQ: columns per lazy-update block.
  int64_t blockSize = 128;
  /// Range search (the `mse` quantizer of the GPTQ reference code): each
  /// group's [lo, hi] shrinks by factors 1 - i / rangeSteps down to
  /// 1 - rangeMaxShrink, keeping the factor that minimises
  /// sum |dequant(quant(w)) - w|^rangeNorm over the group. 0 = off (min-max).
  int64_t rangeSteps = 0;
  double rangeMaxShrink = 0.8;
  double rangeNorm = 2.4;

  /// Returns an empty string if the configuration is valid, else a message
  /// naming the bad option and its value.
  std::string validate() const;
  /// Effective group size for a weight with `k` input channels (-1 and
  /// values >= k resolve to k).
  int64_t effectiveGroupSize(int64_t k) const {
    return (groupSize <= 0 || groupSize >= k) ? k : groupSize;
  }
  /// Number of groups along K: ceil(k / effectiveGroupSize(k)).
  int64_t numGroups(int64_t k) const {
    int64_t gs = effectiveGroupSize(k);
    return (k + gs - 1) / gs;
  }
  unsigned maxCode() const { return (1u << bits) - 1; }
};

/// The quantized form of an N x K weight.
struct QuantizedWeight {
  int64_t n = 0, k = 0;
  unsigned bits = 4;
  /// Effective group size (K when per channel).
  int64_t groupSize = 0;
  int64_t numGroups = 0;
  bool symmetric = false;
  /// codes[n * k + j], N x K.
  std::vector<uint8_t> codes;
  /// scales[n * numGroups + g], N x G.
  std::vector<float> scales;
  /// zeros[n * numGroups + g], N x G (2^(bits-1) everywhere if symmetric).
  std::vector<uint8_t> zeros;
  /// Group of each input channel (K entries); empty when g(k) = k / groupSize.
  std::vector<int32_t> gIdx;

  int64_t groupOf(int64_t j) const {
    return gIdx.empty() ? j / groupSize : gIdx[j];
  }
  /// The dequantized weight, N x K row-major, computed in f32.
  std::vector<float> dequantize() const;
};

/// Scale and zero point of one group of one output row.
struct GroupParams {
  float scale;
  float zero;
};

/// Min-max parameters of `count` values (stride `stride`):
/// lo = min(min(w), 0), hi = max(max(w), 0); symmetric: hi = max(|lo|, hi),
/// lo = -hi when lo < 0; lo == hi == 0 becomes [-1, 1] so the scale is
/// never 0; scale = (hi - lo) / maxq; zero = round(-lo / scale) (asymmetric)
/// or 2^(bits-1). Computed in the precision of T (f32 for RTN, as the
/// reference does; f64 for GPTQ's error-updated weights). With
/// cfg.rangeSteps > 0, [lo, hi] is then shrunk as the option describes.
template <typename T>
GroupParams computeGroupParams(const T *w, int64_t count, int64_t stride,
                               const QuantizerConfig &cfg);

/// q = clamp(round_half_even(w / scale) + zero, 0, maxq).
inline int quantizeValue(double w, GroupParams p, unsigned maxq) {
  double q = __builtin_nearbyint(w / (double)p.scale) + (double)p.zero;
  return q < 0 ? 0 : (q > maxq ? (int)maxq : (int)q);
}
inline int quantizeValue(float w, GroupParams p, unsigned maxq) {
  float q = __builtin_nearbyintf(w / p.scale) + p.zero;
  return q < 0 ? 0 : (q > (float)maxq ? (int)maxq : (int)q);
}

/// Round-to-nearest quantization of the N x K row-major weight `w`
/// (act-order and damping options are ignored). `cfg` must be valid.
QuantizedWeight quantizeRTN(const float *w, int64_t n, int64_t k,
                            const QuantizerConfig &cfg);

/// Codes per 32-bit word in the k_packed layout (10 for 3 bits).
inline int64_t codesPerWord(unsigned bits) { return bits == 3 ? 10 : 32 / bits; }

/// Packs N x K codes into the k_packed layout: N x ceil(K / P) words, code
/// j of a row in word j / P at bit (j % P) * bits; padding codes are 0.
std::vector<int32_t> packKMajor(const uint8_t *codes, int64_t n, int64_t k,
                                unsigned bits);
/// Inverse of packKMajor.
std::vector<uint8_t> unpackKMajor(const int32_t *words, int64_t n, int64_t k,
                                  unsigned bits);

} // namespace mlir::qm::solvers

#endif // QM_PASSES_QUANTIZATION_SOLVERS_QUANTIZER_H
