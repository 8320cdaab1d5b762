//===- GPTQ.cpp - Hessian statistics and the GPTQ solver --------------------===//
//
// Part of quant-mlir. See GPTQ.h. The solver follows Frantar et al. 2022
// (Algorithm 1 with lazy batch updates): the upper Cholesky factor U of the
// damped inverse Hessian drives the error feedback, column by column inside
// a block and with one GEMM for the columns after it.
//
// Storage: W (N x K) and H (K x K) are row-major. LAPACK is called in
// column-major mode on the row-major arrays, which reads every matrix
// transposed; for the symmetric H that swaps 'U' and 'L' (see below).
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Quantization/Solvers/GPTQ.h"

#include <cblas.h>
#include <lapacke.h>

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace mlir::qm::solvers;

//===----------------------------------------------------------------------===//
// HessianAccumulator
//===----------------------------------------------------------------------===//

void HessianAccumulator::reset(int64_t newK) {
  k = newK;
  numSamples = 0;
  h.assign(k * k, 0.0);
  meanAbs.assign(k, 0.0);
  lowerOnly = false;
  sample.clear();
}

void HessianAccumulator::symmetrize() const {
  if (!lowerOnly)
    return;
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = i + 1; j < k; ++j)
      h[i * k + j] = h[j * k + i];
  lowerOnly = false;
}

void HessianAccumulator::add(const float *x, int64_t rows) {
  // Each chunk's XᵀX is formed in float32 (ssyrk, twice the speed of
  // dsyrk and no float64 copy of X) and added into the float64 sum, so the
  // float32 rounding grows with the chunk (<= kChunk rows), not with the
  // number of calibration tokens.
  constexpr int64_t kChunk = 512;
  if (sampleEvery > 0) {
    for (int64_t r = 0; r < rows; ++r) {
      if ((int64_t)sample.size() >= sampleMax * k)
        break;
      if ((numSamples + r) % sampleEvery == 0)
        sample.insert(sample.end(), x + r * k, x + (r + 1) * k);
    }
  }
  scratch.resize(k * k);
  std::vector<double> absSum(k);
  for (int64_t r0 = 0; r0 < rows; r0 += kChunk) {
    int64_t cnt = std::min(kChunk, rows - r0);
    int64_t nOld = numSamples, nNew = numSamples + cnt;
    const float *chunk = x + r0 * k;
    std::fill(absSum.begin(), absSum.end(), 0.0);
    for (int64_t r = 0; r < cnt; ++r)
      for (int64_t j = 0; j < k; ++j)
        absSum[j] += std::fabs(chunk[r * k + j]);
    cblas_ssyrk(CblasRowMajor, CblasLower, CblasTrans, (int)k, (int)cnt, 1.0f,
                chunk, (int)k, 0.0f, scratch.data(), (int)k);
    double keep = (double)nOld / (double)nNew, scale = 2.0 / (double)nNew;
    // Lower triangle of H = keep * H + 2/nNew * XᵀX.
    for (int64_t i = 0; i < k; ++i) {
      double *hRow = h.data() + i * k;
      const float *sRow = scratch.data() + i * k;
      for (int64_t j = 0; j <= i; ++j)
        hRow[j] = hRow[j] * keep + scale * (double)sRow[j];
    }
    for (int64_t j = 0; j < k; ++j)
      meanAbs[j] = meanAbs[j] * keep + absSum[j] / (double)nNew;
    numSamples = nNew;
    lowerOnly = true;
  }
}

void HessianAccumulator::assign(int64_t newK, int64_t samples,
                                std::vector<double> newH,
                                std::vector<double> newMeanAbs) {
  k = newK;
  numSamples = samples;
  h = std::move(newH);
  meanAbs = std::move(newMeanAbs);
  lowerOnly = false;
}

void HessianAccumulator::merge(const HessianAccumulator &other) {
  if (other.numSamples == 0)
    return;
  symmetrize();
  const std::vector<double> &oh = other.getHessian();
  double total = (double)(numSamples + other.numSamples);
  double a = numSamples / total, b = other.numSamples / total;
  for (int64_t i = 0; i < k * k; ++i)
    h[i] = a * h[i] + b * oh[i];
  for (int64_t j = 0; j < k; ++j)
    meanAbs[j] = a * meanAbs[j] + b * other.meanAbs[j];
  numSamples += other.numSamples;
}

//===----------------------------------------------------------------------===//
// GPTQ
//===----------------------------------------------------------------------===//

/// Computes, in place, the upper Cholesky factor U of inv(H + damp I)
/// (row-major, lower triangle zeroed). Returns false when H + damp I is
/// not (numerically) positive definite.
static bool inverseCholeskyUpper(std::vector<double> &a, const double *h,
                                 int64_t k, double damp) {
  a.assign(h, h + k * k);
  for (int64_t i = 0; i < k; ++i)
    a[i * k + i] += damp;
  // Column-major view of the row-major array = its transpose = itself.
  // 'U' in column-major is the row-major lower triangle: A = L Lᵀ.
  if (LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'U', (int)k, a.data(), (int)k) != 0)
    return false;
  // inv(A) into the same (row-major lower) triangle.
  if (LAPACKE_dpotri(LAPACK_COL_MAJOR, 'U', (int)k, a.data(), (int)k) != 0)
    return false;
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = i + 1; j < k; ++j)
      a[i * k + j] = a[j * k + i];
  // Column-major 'L' = row-major upper: inv(A) = Uᵀ U with U row-major upper.
  if (LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', (int)k, a.data(), (int)k) != 0)
    return false;
  for (int64_t i = 0; i < k; ++i) {
    if (!(a[i * k + i] > 0) || !std::isfinite(a[i * k + i]))
      return false;
    for (int64_t j = 0; j < i; ++j)
      a[i * k + j] = 0.0;
  }
  return true;
}

QuantizedWeight mlir::qm::solvers::quantizeGPTQ(const float *w, int64_t n,
                                                int64_t k, const double *h,
                                                const QuantizerConfig &cfg,
                                                GPTQReport &report) {
  report = GPTQReport();
  const int64_t gs = cfg.effectiveGroupSize(k), numGroups = cfg.numGroups(k);
  const unsigned maxq = cfg.maxCode();
  const bool staticGroups = cfg.actOrder && cfg.staticGroups;

  QuantizedWeight out;
  out.n = n;
  out.k = k;
  out.bits = cfg.bits;
  out.symmetric = cfg.symmetric;
  out.groupSize = gs;
  out.numGroups = numGroups;
  out.codes.assign(n * k, 0);
  out.scales.assign(n * numGroups, 0.0f);
  out.zeros.assign(n * numGroups, 0);

  for (int64_t i = 0; i < k * k; ++i)
    if (!std::isfinite(h[i])) {
      report.error = "hessian has a non-finite entry at (" +
                     std::to_string(i / k) + ", " + std::to_string(i % k) + ")";
      return out;
    }

  // Dead input channels: never active, so their weights cannot matter.
  std::vector<double> hw(h, h + k * k);
  std::vector<double> wd(w, w + n * k);
  for (int64_t j = 0; j < k; ++j)
    if (hw[j * k + j] == 0.0) {
      hw[j * k + j] = 1.0;
      for (int64_t r = 0; r < n; ++r)
        wd[r * k + j] = 0.0;
      ++report.deadColumns;
    }

  // Static groups: parameters from the original order, before any update.
  std::vector<GroupParams> fixed;
  if (staticGroups) {
    fixed.resize(n * numGroups);
    for (int64_t r = 0; r < n; ++r)
      for (int64_t g = 0; g < numGroups; ++g) {
        int64_t b = g * gs, e = std::min(k, b + gs);
        fixed[r * numGroups + g] =
            computeGroupParams(wd.data() + r * k + b, e - b, 1, cfg);
        out.scales[r * numGroups + g] = fixed[r * numGroups + g].scale;
        out.zeros[r * numGroups + g] = (uint8_t)fixed[r * numGroups + g].zero;
      }
  }

  // Processing order.
  std::vector<int64_t> perm(k);
  std::iota(perm.begin(), perm.end(), 0);
  if (cfg.actOrder)
    std::sort(perm.begin(), perm.end(), [&](int64_t a, int64_t b) {
      double da = hw[a * k + a], db = hw[b * k + b];
      return da > db || (da == db && a < b); // stable: ties keep K order
    });
  std::vector<double> wp(n * k), hp(k * k);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t j = 0; j < k; ++j)
      wp[r * k + j] = wd[r * k + perm[j]];
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < k; ++j)
      hp[i * k + j] = hw[perm[i] * k + perm[j]];

  double meanDiag = 0;
  for (int64_t j = 0; j < k; ++j)
    meanDiag += hp[j * k + j];
  meanDiag /= (double)k;
  double damp = cfg.dampPercent * meanDiag;
  if (!(damp > 0))
    damp = cfg.dampPercent;
  std::vector<double> hinv;
  constexpr int kMaxRetries = 6;
  while (!inverseCholeskyUpper(hinv, hp.data(), k, damp)) {
    if (report.retries == kMaxRetries) {
      report.error = "hessian is not positive definite even with damping " +
                     std::to_string(damp);
      return out;
    }
    double more = damp * 10;
    report.warnings.push_back(
        "hessian is not positive definite with damping " +
        std::to_string(damp) + "; retrying with " + std::to_string(more));
    damp = more;
    ++report.retries;
  }
  report.damp = damp;

  const bool needGIdx = cfg.actOrder && !staticGroups && numGroups > 1;
  if (needGIdx) {
    out.gIdx.resize(k);
    for (int64_t j = 0; j < k; ++j)
      out.gIdx[perm[j]] = (int32_t)(j / gs);
  }

  const int64_t bs = std::max<int64_t>(1, cfg.blockSize);
  std::vector<double> w1, err1, groupVals;
  std::vector<GroupParams> cur(n);
  double loss = 0;
  for (int64_t i1 = 0; i1 < k; i1 += bs) {
    const int64_t i2 = std::min(k, i1 + bs), cnt = i2 - i1;
    w1.resize(n * cnt);
    err1.assign(n * cnt, 0.0);
    for (int64_t r = 0; r < n; ++r)
      std::copy(wp.begin() + r * k + i1, wp.begin() + r * k + i2,
                w1.begin() + r * cnt);
    // Rows are independent given U: finish each row's block in turn.
    for (int64_t r = 0; r < n; ++r) {
      double *wr = w1.data() + r * cnt, *er = err1.data() + r * cnt;
      for (int64_t i = 0; i < cnt; ++i) {
        const int64_t col = i1 + i;
        if (staticGroups) {
          cur[r] = fixed[r * numGroups + perm[col] / gs];
        } else if (col % gs == 0) {
          // Fully updated weights of the group: inside the block from w1;
          // after it, apply the block's pending error feedback.
          const int64_t g = col / gs, gEnd = std::min(k, col + gs);
          groupVals.resize(gEnd - col);
          for (int64_t j = col; j < gEnd; ++j) {
            if (j < i2) {
              groupVals[j - col] = wr[j - i1];
              continue;
            }
            double v = wp[r * k + j];
            for (int64_t t = 0; t < i; ++t)
              v -= er[t] * hinv[(i1 + t) * k + j];
            groupVals[j - col] = v;
          }
          cur[r] = computeGroupParams(groupVals.data(), gEnd - col, 1, cfg);
          out.scales[r * numGroups + g] = cur[r].scale;
          out.zeros[r * numGroups + g] = (uint8_t)cur[r].zero;
        }
        const double d = hinv[col * k + col];
        const double x = wr[i];
        const int q = quantizeValue(x, cur[r], maxq);
        out.codes[r * k + perm[col]] = (uint8_t)q;
        const double deq = (double)cur[r].scale * ((double)q - (double)cur[r].zero);
        const double e = (x - deq) / d;
        loss += (x - deq) * (x - deq) / (d * d) / 2;
        er[i] = e;
        const double *urow = hinv.data() + col * k + i1;
        for (int64_t j = i + 1; j < cnt; ++j)
          wr[j] -= e * urow[j];
      }
    }
    if (i2 < k)
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n,
                  (int)(k - i2), (int)cnt, -1.0, err1.data(), (int)cnt,
                  hinv.data() + i1 * k + i2, (int)k, 1.0, wp.data() + i2,
                  (int)k);
  }
  report.loss = loss;
  return out;
}
