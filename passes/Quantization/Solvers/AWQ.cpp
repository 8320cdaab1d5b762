//===- AWQ.cpp - activation-aware weight quantization solver ----------------===//
//
// Part of quant-mlir. See AWQ.h. The searches follow the public AWQ
// implementations: scales s = s_x^alpha (optionally / s_w^(1-alpha)),
// clamped below at 1e-4 and normalised by sqrt(max(s) min(s)); clipping
// shrinks max|w| of each group in equal steps down to (1 - maxShrink).
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Quantization/Solvers/AWQ.h"

#include <algorithm>
#include <cblas.h>
#include <cmath>
#include <limits>

using namespace mlir::qm::solvers;

double mlir::qm::solvers::outputError(const float *a, const float *b,
                                      int64_t n, int64_t k, const float *h) {
  std::vector<float> d(n * k), dh(n * k);
  for (int64_t i = 0; i < n * k; ++i)
    d[i] = a[i] - b[i];
  // dh = d * H (H symmetric).
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, k, k, 1.0f,
              d.data(), k, h, k, 0.0f, dh.data(), k);
  double err = 0;
  for (int64_t i = 0; i < n * k; ++i)
    err += (double)d[i] * dh[i];
  return err;
}

/// Fake-quantizes (quantize then dequantize) an N x K weight with min-max
/// RTN. The searches rank their ~40 candidates per weight this way; a range
/// search (QuantizerConfig::rangeSteps) inside every trial would cost 80
/// group quantizations each, so it runs once, in the final quantization.
static std::vector<float> fakeQuantize(const float *w, int64_t n, int64_t k,
                                       const QuantizerConfig &quant) {
  QuantizerConfig minMax = quant;
  minMax.rangeSteps = 0;
  return quantizeRTN(w, n, k, minMax).dequantize();
}
std::vector<double> mlir::qm::solvers::scaleHessian(
    const double *h, int64_t k, const std::vector<float> &scales) {
  std::vector<double> out(k * k);
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < k; ++j)
      out[i * k + j] = h[i * k + j] / ((double)scales[i] * scales[j]);
  return out;
}

MLPBlockError::MLPBlockError(std::vector<float> xIn, int64_t rows, int64_t k,
                             const float *gate, const float *up,
                             int64_t inter, const float *downIn, int64_t out)
    : x(std::move(xIn)), down(downIn, downIn + out * inter), rows(rows), k(k),
      inter(inter), out(out) {
  reference = forward(gate, up);
}

std::vector<float> MLPBlockError::forward(const float *gate,
                                          const float *up) const {
  std::vector<float> g(rows * inter), u(rows * inter), y(rows * out);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, inter, k, 1.0f,
              x.data(), k, gate, k, 0.0f, g.data(), inter);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, inter, k, 1.0f,
              x.data(), k, up, k, 0.0f, u.data(), inter);
  for (int64_t i = 0; i < rows * inter; ++i)
    g[i] = g[i] / (1.0f + std::exp(-g[i])) * u[i];
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, out, inter, 1.0f,
              g.data(), inter, down.data(), inter, 0.0f, y.data(), out);
  return y;
}

double MLPBlockError::operator()(const float *gate, const float *up) const {
  std::vector<float> y = forward(gate, up);
  double err = 0;
  for (int64_t i = 0; i < rows * out; ++i) {
    double d = (double)y[i] - reference[i];
    err += d * d;
  }
  return err / std::max<int64_t>(rows, 1);
}

AWQScaleResult mlir::qm::solvers::searchAWQScales(
    const std::vector<AWQLinear> &linears, int64_t k, const double *h,
    const double *meanAbs, const QuantizerConfig &quant, const AWQConfig &cfg,
    const AWQBlockError &blockError, const std::vector<int64_t> &tiedClass) {
  std::vector<float> hf(h, h + k * k);
  // s_w: mean over output rows of |w| normalised by its group's max |w|.
  std::vector<double> wMean(k, 0.0);
  int64_t rows = 0;
  int64_t gs = quant.effectiveGroupSize(k);
  for (const AWQLinear &lin : linears) {
    for (int64_t r = 0; r < lin.n; ++r) {
      const float *row = lin.w + r * k;
      for (int64_t g0 = 0; g0 < k; g0 += gs) {
        int64_t g1 = std::min(k, g0 + gs);
        float mx = 0;
        for (int64_t j = g0; j < g1; ++j)
          mx = std::max(mx, std::fabs(row[j]));
        for (int64_t j = g0; j < g1; ++j)
          wMean[j] += mx > 0 ? std::fabs(row[j]) / mx : 0.0;
      }
    }
    rows += lin.n;
  }
  for (double &v : wMean)
    v /= std::max<int64_t>(rows, 1);
  std::vector<double> xMean(meanAbs, meanAbs + k);
  if (!tiedClass.empty()) {
    // One value per class: the mean of its channels' statistics.
    int64_t classes = *std::max_element(tiedClass.begin(), tiedClass.end()) + 1;
    std::vector<double> xSum(classes, 0.0), wSum(classes, 0.0);
    std::vector<int64_t> count(classes, 0);
    for (int64_t j = 0; j < k; ++j) {
      xSum[tiedClass[j]] += xMean[j];
      wSum[tiedClass[j]] += wMean[j];
      ++count[tiedClass[j]];
    }
    for (int64_t j = 0; j < k; ++j) {
      xMean[j] = xSum[tiedClass[j]] / count[tiedClass[j]];
      wMean[j] = wSum[tiedClass[j]] / count[tiedClass[j]];
    }
  }

  AWQScaleResult result;
  result.bestError = std::numeric_limits<double>::infinity();
  std::vector<float> scales(k), scaled, restored;
  for (int i = 0; i < cfg.gridSize; ++i) {
    double alpha = (double)i / cfg.gridSize;
    double mx = 0, mn = std::numeric_limits<double>::infinity();
    std::vector<double> s(k);
    for (int64_t j = 0; j < k; ++j) {
      double v = std::pow(std::max(xMean[j], 0.0), alpha);
      if (cfg.duoScaling)
        v /= std::pow(std::max(wMean[j], 1e-12), 1.0 - alpha);
      v = std::max(v, 1e-4);
      s[j] = v;
      mx = std::max(mx, v);
      mn = std::min(mn, v);
    }
    double norm = std::sqrt(mx * mn);
    for (int64_t j = 0; j < k; ++j)
      scales[j] = (float)(s[j] / norm);

    double err = 0;
    std::vector<std::vector<float>> candidates;
    for (const AWQLinear &lin : linears) {
      scaled.assign(lin.w, lin.w + lin.n * k);
      for (int64_t r = 0; r < lin.n; ++r)
        for (int64_t j = 0; j < k; ++j)
          scaled[r * k + j] *= scales[j];
      restored = fakeQuantize(scaled.data(), lin.n, k, quant);
      for (int64_t r = 0; r < lin.n; ++r)
        for (int64_t j = 0; j < k; ++j)
          restored[r * k + j] /= scales[j];
      if (blockError)
        candidates.push_back(std::move(restored));
      else
        err += outputError(lin.w, restored.data(), lin.n, k, hf.data());
    }
    if (blockError)
      err = blockError(candidates);
    result.errors.push_back(err);
    if (i == 0)
      result.baseError = err;
    if (err < result.bestError) {
      result.bestError = err;
      result.bestAlpha = alpha;
      result.scales = scales;
    }
  }
  return result;
}

std::vector<float> mlir::qm::solvers::clipAWQ(const float *w, int64_t n,
                                              int64_t k, const double *h,
                                              const QuantizerConfig &quant,
                                              const AWQConfig &cfg,
                                              std::vector<float> *ratios) {
  int64_t gs = quant.effectiveGroupSize(k), numGroups = quant.numGroups(k);
  std::vector<float> out(w, w + n * k);
  if (ratios)
    ratios->assign(n * numGroups, 1.0f);
  QuantizerConfig groupCfg = quant;
  groupCfg.groupSize = -1; // each call below sees exactly one group
  for (int64_t g = 0; g < numGroups; ++g) {
    int64_t g0 = g * gs, len = std::min(k, g0 + gs) - g0;
    // H_gg, the group's diagonal block, in f32 for sgemm.
    std::vector<float> hg(len * len);
    for (int64_t a = 0; a < len; ++a)
      for (int64_t b = 0; b < len; ++b)
        hg[a * len + b] = (float)h[(g0 + a) * k + g0 + b];
    // Per row: the clip range at ratio 1 ([lo, hi] includes 0).
    std::vector<float> orig(n * len), maxAbs(n, 0.0f), lo(n, 0.0f), hi(n, 0.0f);
    for (int64_t r = 0; r < n; ++r)
      for (int64_t j = 0; j < len; ++j) {
        orig[r * len + j] = w[r * k + g0 + j];
        maxAbs[r] = std::max(maxAbs[r], std::fabs(orig[r * len + j]));
        lo[r] = std::min(lo[r], orig[r * len + j]);
        hi[r] = std::max(hi[r], orig[r * len + j]);
      }
    if (!cfg.clipMinMax || quant.symmetric)
      for (int64_t r = 0; r < n; ++r) {
        lo[r] = -maxAbs[r];
        hi[r] = maxAbs[r];
      }
    std::vector<double> bestErr(n, std::numeric_limits<double>::infinity());
    std::vector<float> bestRatio(n, 1.0f), clamped(n * len), d(n * len),
        dh(n * len);
    for (int step = 0; step <= cfg.clipSteps; ++step) {
      float ratio = 1.0f - (float)(cfg.maxShrink * step / cfg.clipSteps);
      for (int64_t r = 0; r < n; ++r)
        for (int64_t j = 0; j < len; ++j)
          clamped[r * len + j] =
              std::clamp(orig[r * len + j], lo[r] * ratio, hi[r] * ratio);
      std::vector<float> q = fakeQuantize(clamped.data(), n, len, groupCfg);
      for (int64_t i = 0; i < n * len; ++i)
        d[i] = orig[i] - q[i];
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, len, len, 1.0f,
                  d.data(), len, hg.data(), len, 0.0f, dh.data(), len);
      for (int64_t r = 0; r < n; ++r) {
        double e = 0;
        for (int64_t j = 0; j < len; ++j)
          e += (double)d[r * len + j] * dh[r * len + j];
        if (e < bestErr[r]) {
          bestErr[r] = e;
          bestRatio[r] = ratio;
        }
      }
    }
    for (int64_t r = 0; r < n; ++r) {
      for (int64_t j = 0; j < len; ++j)
        out[r * k + g0 + j] = std::clamp(orig[r * len + j], lo[r] * bestRatio[r],
                                         hi[r] * bestRatio[r]);
      if (ratios)
        (*ratios)[r * numGroups + g] = bestRatio[r];
    }
  }
  return out;
}
