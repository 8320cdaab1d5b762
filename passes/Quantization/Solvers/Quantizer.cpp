//===- Quantizer.cpp - group quantizer, RTN and packing ---------------------===//
//
// Part of quant-mlir. See Quantizer.h.
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Quantization/Solvers/Quantizer.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir::qm::solvers;

std::string QuantizerConfig::validate() const {
  if (bits != 2 && bits != 3 && bits != 4 && bits != 8)
    return "unsupported bits (" + std::to_string(bits) +
           "), expected 2, 3, 4 or 8";
  if (groupSize != -1 && groupSize < 1)
    return "invalid group size (" + std::to_string(groupSize) +
           "), expected -1 (per channel) or a positive size";
  if (!(dampPercent > 0.0) || !std::isfinite(dampPercent))
    return "invalid damping (" + std::to_string(dampPercent) +
           "), expected a positive fraction of mean(diag(H))";
  if (blockSize < 1)
    return "invalid block size (" + std::to_string(blockSize) +
           "), expected a positive number of columns";
  if (rangeSteps < 0 || !(rangeMaxShrink >= 0.0 && rangeMaxShrink < 1.0) ||
      !(rangeNorm > 0.0) || !std::isfinite(rangeNorm))
    return "invalid range search (steps " + std::to_string(rangeSteps) +
           ", max shrink " + std::to_string(rangeMaxShrink) + ", norm " +
           std::to_string(rangeNorm) +
           "), expected steps >= 0, 0 <= max shrink < 1, norm > 0";
  if (staticGroups && !actOrder)
    return "static groups only apply with act-order";
  return "";
}

/// Scale and zero point for the range [lo, hi] (lo <= 0 <= hi, not both 0).
template <typename T>
static GroupParams paramsForRange(T lo, T hi, const QuantizerConfig &cfg) {
  T maxq = (T)cfg.maxCode();
  float scale = (float)((hi - lo) / maxq);
  if (!(scale > 0)) // underflow of a tiny range to 0 in f32
    scale = std::numeric_limits<float>::min();
  float zero;
  if (cfg.symmetric)
    zero = (float)(1u << (cfg.bits - 1));
  else if constexpr (sizeof(T) == sizeof(float))
    zero = std::nearbyint(-lo / scale);
  else
    zero = (float)std::nearbyint(-lo / (double)scale);
  zero = std::clamp(zero, 0.0f, (float)cfg.maxCode());
  return {scale, zero};
}

template <typename T>
GroupParams mlir::qm::solvers::computeGroupParams(const T *w, int64_t count,
                                                  int64_t stride,
                                                  const QuantizerConfig &cfg) {
  T lo = 0, hi = 0;
  for (int64_t i = 0; i < count; ++i) {
    T v = w[i * stride];
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (cfg.symmetric) {
    hi = std::max(-lo, hi);
    lo = -hi;
  }
  if (lo == 0 && hi == 0) {
    // A constant-zero group: any positive scale reproduces it exactly.
    lo = -1;
    hi = 1;
  }
  GroupParams best = paramsForRange(lo, hi, cfg);
  if (cfg.rangeSteps <= 0)
    return best;
  // Range search: shrink [lo, hi] and keep the factor with the lowest
  // |error|^norm (ties keep the wider range).
  unsigned maxq = cfg.maxCode();
  auto error = [&](GroupParams p) {
    double err = 0;
    for (int64_t i = 0; i < count; ++i) {
      T v = w[i * stride];
      double d = (double)p.scale * ((double)quantizeValue(v, p, maxq) - p.zero) -
                 (double)v;
      err += std::pow(std::fabs(d), cfg.rangeNorm);
    }
    return err;
  };
  double bestErr = error(best);
  int64_t last = (int64_t)(cfg.rangeMaxShrink * cfg.rangeSteps);
  for (int64_t i = 1; i < last; ++i) {
    T factor = (T)(1.0 - (double)i / (double)cfg.rangeSteps);
    GroupParams p = paramsForRange((T)(lo * factor), (T)(hi * factor), cfg);
    double err = error(p);
    if (err < bestErr) {
      bestErr = err;
      best = p;
    }
  }
  return best;
}

template GroupParams mlir::qm::solvers::computeGroupParams<float>(
    const float *, int64_t, int64_t, const QuantizerConfig &);
template GroupParams mlir::qm::solvers::computeGroupParams<double>(
    const double *, int64_t, int64_t, const QuantizerConfig &);

std::vector<float> QuantizedWeight::dequantize() const {
  std::vector<float> out(n * k);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t j = 0; j < k; ++j) {
      int64_t g = groupOf(j);
      out[r * k + j] = scales[r * numGroups + g] *
                       ((float)codes[r * k + j] - (float)zeros[r * numGroups + g]);
    }
  return out;
}

QuantizedWeight mlir::qm::solvers::quantizeRTN(const float *w, int64_t n,
                                               int64_t k,
                                               const QuantizerConfig &cfg) {
  QuantizedWeight q;
  q.n = n;
  q.k = k;
  q.bits = cfg.bits;
  q.symmetric = cfg.symmetric;
  q.groupSize = cfg.effectiveGroupSize(k);
  q.numGroups = cfg.numGroups(k);
  q.codes.resize(n * k);
  q.scales.resize(n * q.numGroups);
  q.zeros.resize(n * q.numGroups);
  unsigned maxq = cfg.maxCode();
  for (int64_t r = 0; r < n; ++r) {
    const float *row = w + r * k;
    for (int64_t g = 0; g < q.numGroups; ++g) {
      int64_t begin = g * q.groupSize, end = std::min(k, begin + q.groupSize);
      GroupParams p = computeGroupParams(row + begin, end - begin, 1, cfg);
      q.scales[r * q.numGroups + g] = p.scale;
      q.zeros[r * q.numGroups + g] = (uint8_t)p.zero;
      for (int64_t j = begin; j < end; ++j)
        q.codes[r * k + j] = (uint8_t)quantizeValue(row[j], p, maxq);
    }
  }
  return q;
}

std::vector<int32_t> mlir::qm::solvers::packKMajor(const uint8_t *codes,
                                                   int64_t n, int64_t k,
                                                   unsigned bits) {
  int64_t per = codesPerWord(bits), words = (k + per - 1) / per;
  std::vector<int32_t> out(n * words, 0);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t j = 0; j < k; ++j) {
      uint32_t &word = reinterpret_cast<uint32_t &>(out[r * words + j / per]);
      word |= (uint32_t)codes[r * k + j] << ((j % per) * bits);
    }
  return out;
}

std::vector<uint8_t> mlir::qm::solvers::unpackKMajor(const int32_t *words,
                                                     int64_t n, int64_t k,
                                                     unsigned bits) {
  int64_t per = codesPerWord(bits), nw = (k + per - 1) / per;
  uint32_t mask = (1u << bits) - 1;
  std::vector<uint8_t> out(n * k);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t j = 0; j < k; ++j)
      out[r * k + j] =
          ((uint32_t)words[r * nw + j / per] >> ((j % per) * bits)) & mask;
  return out;
}
