//===- QuantSolverTest.cpp - RTN, GPTQ and packing solvers ------------------===//
//
// Part of quant-mlir. Hand-computed checks of the group quantizer and RTN,
// and properties of GPTQ (exactness cases, dead columns, damping retries,
// act-order group index, timing-free).
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Quantization/Solvers/GPTQ.h"
#include "qm/Passes/Quantization/Solvers/Quantizer.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace mlir::qm::solvers;

namespace {

QuantizerConfig config(unsigned bits, int64_t gs, bool sym = false) {
  QuantizerConfig c;
  c.bits = bits;
  c.groupSize = gs;
  c.symmetric = sym;
  return c;
}

TEST(QuantizerTest, ValidateRejectsBadOptions) {
  EXPECT_EQ(config(4, 128).validate(), "");
  EXPECT_NE(config(5, 128).validate().find("unsupported bits (5)"), std::string::npos);
  EXPECT_NE(config(4, 0).validate().find("invalid group size (0)"), std::string::npos);
  EXPECT_NE(config(4, -2).validate().find("invalid group size (-2)"), std::string::npos);
  QuantizerConfig c = config(4, 128);
  c.dampPercent = -1;
  EXPECT_NE(c.validate().find("invalid damping"), std::string::npos);
  c = config(4, 128);
  c.blockSize = 0;
  EXPECT_NE(c.validate().find("invalid block size (0)"), std::string::npos);
  c = config(4, 128);
  c.staticGroups = true;
  EXPECT_NE(c.validate().find("static groups"), std::string::npos);
  c = config(4, 128);
  c.rangeSteps = -1;
  EXPECT_NE(c.validate().find("invalid range search (steps -1"), std::string::npos);
  c = config(4, 128);
  c.rangeMaxShrink = 1.0;
  EXPECT_NE(c.validate().find("invalid range search"), std::string::npos);
}

/// sum |dequant(quant(w)) - w|^p over one group quantized with `params`.
double groupError(const std::vector<float> &w, GroupParams params,
                  const QuantizerConfig &cfg, double p) {
  double err = 0;
  for (float v : w) {
    int q = quantizeValue(v, params, cfg.maxCode());
    err += std::pow(std::fabs(params.scale * (q - params.zero) - v), p);
  }
  return err;
}

// A group already on a 2-bit grid keeps its min-max range (error 0, and
// ties keep the widest range).
TEST(QuantizerTest, RangeSearchKeepsExactGrid) {
  std::vector<float> w = {-1.0f, 0.0f, 1.0f, 2.0f};
  QuantizerConfig c = config(2, -1);
  c.rangeSteps = 100;
  GroupParams p = computeGroupParams(w.data(), 4, 1, c);
  EXPECT_FLOAT_EQ(p.scale, 1.0f);
  EXPECT_EQ(p.zero, 1.0f);
}

// One outlier among small values: the search clips it (smaller scale) and
// its |error|^2.4 is the smallest over every factor it tried, and below
// min-max's.
TEST(QuantizerTest, RangeSearchClipsOutlierAndMinimisesError) {
  std::mt19937 rng(3);
  std::normal_distribution<float> dist(0.0f, 0.1f);
  std::vector<float> w(128);
  for (float &v : w)
    v = dist(rng);
  w[17] = 1.5f;
  for (bool sym : {false, true}) {
    QuantizerConfig minmax = config(3, -1, sym), searched = minmax;
    searched.rangeSteps = 100;
    GroupParams p0 = computeGroupParams(w.data(), 128, 1, minmax);
    GroupParams p1 = computeGroupParams(w.data(), 128, 1, searched);
    EXPECT_LT(p1.scale, p0.scale) << "sym " << sym;
    double e1 = groupError(w, p1, searched, 2.4);
    EXPECT_LT(e1, groupError(w, p0, searched, 2.4)) << "sym " << sym;
    // No factor of the grid does better (checked independently).
    float lo = 0, hi = 0;
    for (float v : w) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    if (sym) {
      hi = std::max(-lo, hi);
      lo = -hi;
    }
    for (int i = 0; i < 80; ++i) {
      float f = 1.0f - i / 100.0f;
      GroupParams q;
      q.scale = (hi * f - lo * f) / 7.0f;
      q.zero = sym ? 4.0f
                   : std::clamp(std::nearbyint(-lo * f / q.scale), 0.0f, 7.0f);
      EXPECT_GE(groupError(w, q, searched, 2.4), e1 * (1 - 1e-5))
          << "factor " << f << " sym " << sym;
    }
  }
}

// Asymmetric 2-bit, one group of 4: lo = -1, hi = 2, scale = 1, zero = 1.
TEST(QuantizerTest, RTNHandComputedAsym2Bit) {
  float w[] = {-1.0f, 0.4f, 0.6f, 2.0f};
  QuantizedWeight q = quantizeRTN(w, 1, 4, config(2, -1));
  ASSERT_EQ(q.numGroups, 1);
  EXPECT_FLOAT_EQ(q.scales[0], 1.0f);
  EXPECT_EQ(q.zeros[0], 1);
  EXPECT_EQ(std::vector<uint8_t>(q.codes), (std::vector<uint8_t>{0, 1, 2, 3}));
  std::vector<float> d = q.dequantize();
  EXPECT_EQ(d, (std::vector<float>{-1, 0, 1, 2}));
}

// Positive-only weights still include 0 in the range: lo = 0.
TEST(QuantizerTest, RTNRangeIncludesZero) {
  float w[] = {1.0f, 2.0f, 3.0f};
  QuantizedWeight q = quantizeRTN(w, 1, 3, config(2, -1));
  EXPECT_FLOAT_EQ(q.scales[0], 1.0f);
  EXPECT_EQ(q.zeros[0], 0);
  EXPECT_EQ(q.codes, (std::vector<uint8_t>{1, 2, 3}));
}

// Round half to even: w / scale = 0.5 -> 0, 1.5 -> 2, 2.5 -> 2.
TEST(QuantizerTest, RTNRoundsHalfToEven) {
  // 3 bits, lo = 0, hi = 7 -> scale 1, zero 0.
  float w[] = {0.5f, 1.5f, 2.5f, 7.0f};
  QuantizedWeight q = quantizeRTN(w, 1, 4, config(3, -1));
  EXPECT_EQ(q.codes, (std::vector<uint8_t>{0, 2, 2, 7}));
}

// Symmetric 4-bit: amax = 3.75, scale = 7.5 / 15 = 0.5, zero = 8; +3.75
// clips to code 15 (7 * 0.5 = 3.5).
TEST(QuantizerTest, RTNSymmetric) {
  float w[] = {-3.75f, -1.0f, 0.25f, 3.75f};
  QuantizedWeight q = quantizeRTN(w, 1, 4, config(4, -1, /*sym=*/true));
  EXPECT_FLOAT_EQ(q.scales[0], 0.5f);
  EXPECT_EQ(q.zeros[0], 8);
  // -7.5 -> -8 (even) + 8 = 0; -2 + 8 = 6; 0.5 -> 0 + 8 = 8; 7.5 -> 8 + 8 -> 15.
  EXPECT_EQ(q.codes, (std::vector<uint8_t>{0, 6, 8, 15}));
}

// K = 5 with groups of 2: three groups, the last one short.
TEST(QuantizerTest, RTNShortLastGroup) {
  float w[] = {0.0f, 3.0f, -3.0f, 0.0f, 6.0f};
  QuantizedWeight q = quantizeRTN(w, 1, 5, config(2, 2));
  ASSERT_EQ(q.numGroups, 3);
  EXPECT_EQ(q.groupOf(4), 2);
  EXPECT_FLOAT_EQ(q.scales[0], 1.0f);
  EXPECT_FLOAT_EQ(q.scales[1], 1.0f);
  EXPECT_FLOAT_EQ(q.scales[2], 2.0f);
  EXPECT_EQ(q.zeros[0], 0);
  EXPECT_EQ(q.zeros[1], 3);
  EXPECT_EQ(q.zeros[2], 0);
  EXPECT_EQ(q.codes, (std::vector<uint8_t>{0, 3, 0, 3, 3}));
}

// A constant-zero group gets a positive scale and reproduces 0 exactly.
TEST(QuantizerTest, RTNZeroGroupIsSafe) {
  float w[] = {0, 0, 0, 0};
  for (bool sym : {false, true}) {
    QuantizedWeight q = quantizeRTN(w, 1, 4, config(4, 2, sym));
    for (float s : q.scales)
      EXPECT_GT(s, 0.0f);
    for (float v : q.dequantize())
      EXPECT_EQ(v, 0.0f);
  }
}

// For every bit width the reconstruction error is at most scale / 2 within
// range, codes are in [0, 2^bits), and 8 bits is nearly lossless.
TEST(QuantizerTest, RTNAllBitWidthsBoundedError) {
  std::mt19937 rng(3);
  std::normal_distribution<float> dist(0, 1);
  const int64_t n = 7, k = 77;
  std::vector<float> w(n * k);
  for (float &v : w)
    v = dist(rng);
  for (unsigned bits : {2u, 3u, 4u, 8u})
    for (int64_t gs : {-1L, 32L, 64L})
      for (bool sym : {false, true}) {
        QuantizedWeight q = quantizeRTN(w.data(), n, k, config(bits, gs, sym));
        std::vector<float> d = q.dequantize();
        for (int64_t r = 0; r < n; ++r)
          for (int64_t j = 0; j < k; ++j) {
            EXPECT_LT(q.codes[r * k + j], 1u << bits);
            float s = q.scales[r * q.numGroups + q.groupOf(j)];
            float err = std::fabs(d[r * k + j] - w[r * k + j]);
            // Symmetric clips the positive end by up to one step.
            EXPECT_LE(err, (sym ? 1.0f : 0.5f) * s * 1.0001f + 1e-6f)
                << "bits " << bits << " gs " << gs << " sym " << sym;
          }
      }
}

TEST(QuantizerTest, PackRoundTripAndLayout) {
  // 4 bits: little-endian nibbles.
  uint8_t c4[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::vector<int32_t> p = packKMajor(c4, 1, 9, 4);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ((uint32_t)p[0], 0x87654321u);
  EXPECT_EQ((uint32_t)p[1], 0x9u);
  // 3 bits: 10 codes per word, top 2 bits unused.
  std::vector<uint8_t> c3(23);
  for (size_t i = 0; i < c3.size(); ++i)
    c3[i] = (uint8_t)(7 - i % 8);
  for (unsigned bits : {2u, 3u, 4u, 8u}) {
    std::vector<uint8_t> codes(2 * 23);
    for (size_t i = 0; i < codes.size(); ++i)
      codes[i] = (uint8_t)((i * 7 + 3) % (1u << bits));
    std::vector<int32_t> packed = packKMajor(codes.data(), 2, 23, bits);
    EXPECT_EQ((int64_t)packed.size(), 2 * ((23 + codesPerWord(bits) - 1) / codesPerWord(bits)));
    EXPECT_EQ(unpackKMajor(packed.data(), 2, 23, bits), codes);
  }
  std::vector<int32_t> p3 = packKMajor(c3.data(), 1, 23, 3);
  EXPECT_EQ((uint32_t)p3[0] >> 30, 0u);
  EXPECT_EQ((uint32_t)p3[0] & 7u, 7u);
  EXPECT_EQ(((uint32_t)p3[0] >> 27) & 7u, 7u - 9u % 8u);
}

//===----------------------------------------------------------------------===//
// Hessian accumulation
//===----------------------------------------------------------------------===//

TEST(HessianTest, AccumulatesTwoXtXOverN) {
  std::mt19937 rng(5);
  std::normal_distribution<float> dist(0, 1);
  const int64_t k = 6, rows = 37;
  std::vector<float> x(rows * k);
  for (float &v : x)
    v = dist(rng);
  HessianAccumulator acc(k);
  acc.add(x.data(), 10);
  acc.add(x.data() + 10 * k, rows - 10);
  EXPECT_EQ(acc.getNumSamples(), rows);
  const std::vector<double> &h = acc.getHessian();
  for (int64_t i = 0; i < k; ++i) {
    double absMean = 0;
    for (int64_t r = 0; r < rows; ++r)
      absMean += std::fabs((double)x[r * k + i]) / rows;
    EXPECT_NEAR(acc.getMeanAbs()[i], absMean, 1e-12);
    for (int64_t j = 0; j < k; ++j) {
      double ref = 0;
      for (int64_t r = 0; r < rows; ++r)
        ref += (double)x[r * k + i] * x[r * k + j];
      // Chunks' XᵀX are f32 (37 rows: error ~ 37 * 2^-24 of the sum of
      // |products|), summed in f64.
      double absRef = 0;
      for (int64_t r = 0; r < rows; ++r)
        absRef += std::fabs((double)x[r * k + i] * x[r * k + j]);
      EXPECT_NEAR(h[i * k + j], 2 * ref / rows, 1e-5 * 2 * absRef / rows);
    }
  }
  HessianAccumulator a(k), b(k);
  a.add(x.data(), 10);
  b.add(x.data() + 10 * k, rows - 10);
  a.merge(b);
  for (int64_t i = 0; i < k * k; ++i)
    EXPECT_NEAR(a.getHessian()[i], h[i], 1e-12);
}

//===----------------------------------------------------------------------===//
// GPTQ
//===----------------------------------------------------------------------===//

struct Problem {
  int64_t n, k;
  std::vector<float> w;
  std::vector<double> h;
  std::vector<float> x;
  int64_t rows;
};

Problem makeProblem(int64_t n, int64_t k, int64_t rows, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0, 1);
  Problem p{n, k, std::vector<float>(n * k), {}, std::vector<float>(rows * k), rows};
  for (float &v : p.w)
    v = dist(rng) * 0.1f;
  // Correlated inputs with uneven channel scales.
  for (int64_t r = 0; r < rows; ++r) {
    float common = dist(rng);
    for (int64_t j = 0; j < k; ++j)
      p.x[r * k + j] = (dist(rng) + 0.7f * common) * (1.0f + (j % 5));
  }
  HessianAccumulator acc(k);
  acc.add(p.x.data(), rows);
  p.h = acc.getHessian();
  return p;
}

/// || X (W - Q)ᵀ ||² : the output error GPTQ minimizes.
double outputError(const Problem &p, const std::vector<float> &q) {
  double total = 0;
  for (int64_t r = 0; r < p.rows; ++r)
    for (int64_t o = 0; o < p.n; ++o) {
      double acc = 0;
      for (int64_t j = 0; j < p.k; ++j)
        acc += (double)p.x[r * p.k + j] * (p.w[o * p.k + j] - q[o * p.k + j]);
      total += acc * acc;
    }
  return total;
}

TEST(GPTQTest, BeatsRTNOnOutputError) {
  Problem p = makeProblem(16, 96, 400, 11);
  for (unsigned bits : {3u, 4u})
    for (int64_t gs : {-1L, 32L})
      for (bool act : {false, true}) {
        QuantizerConfig c = config(bits, gs);
        c.actOrder = act;
        c.blockSize = 40; // groups straddle block boundaries
        GPTQReport rep;
        QuantizedWeight g = quantizeGPTQ(p.w.data(), p.n, p.k, p.h.data(), c, rep);
        ASSERT_EQ(rep.error, "");
        EXPECT_TRUE(rep.warnings.empty());
        QuantizedWeight r = quantizeRTN(p.w.data(), p.n, p.k, c);
        double eg = outputError(p, g.dequantize()), er = outputError(p, r.dequantize());
        EXPECT_LT(eg, 0.8 * er) << "bits " << bits << " gs " << gs << " act " << act;
        EXPECT_EQ(g.gIdx.empty(), !(act && gs > 0));
      }
}

TEST(GPTQTest, ActOrderGroupIndexFollowsDiagonalOrder) {
  Problem p = makeProblem(4, 20, 100, 12);
  QuantizerConfig c = config(4, 8);
  c.actOrder = true;
  GPTQReport rep;
  QuantizedWeight g = quantizeGPTQ(p.w.data(), p.n, p.k, p.h.data(), c, rep);
  ASSERT_EQ(g.gIdx.size(), 20u);
  // The 8 largest diagonal entries form group 0, the next 8 group 1, ...
  std::vector<int> count(3, 0);
  for (int64_t j = 0; j < 20; ++j)
    for (int64_t i = 0; i < 20; ++i)
      if (g.gIdx[i] < g.gIdx[j]) {
        EXPECT_GE(p.h[i * 20 + i], p.h[j * 20 + j]);
      }
  for (int32_t gi : g.gIdx)
    ++count[gi];
  EXPECT_EQ(count, (std::vector<int>{8, 8, 4}));
  // Static groups: same codes domain, no group index.
  c.staticGroups = true;
  QuantizedWeight s = quantizeGPTQ(p.w.data(), p.n, p.k, p.h.data(), c, rep);
  EXPECT_TRUE(s.gIdx.empty());
  QuantizedWeight r = quantizeRTN(p.w.data(), p.n, p.k, config(4, 8));
  // Same groups as RTN (scales up to f64-vs-f32 rounding).
  for (size_t i = 0; i < s.scales.size(); ++i)
    EXPECT_NEAR(s.scales[i], r.scales[i], 1e-6f * r.scales[i]);
  EXPECT_EQ(s.zeros, r.zeros);
}

// With H = I (no correlation) GPTQ has nothing to compensate and equals RTN.
TEST(GPTQTest, IdentityHessianEqualsRTN) {
  Problem p = makeProblem(8, 64, 1, 13);
  std::vector<double> eye(64 * 64, 0.0);
  for (int j = 0; j < 64; ++j)
    eye[j * 64 + j] = 1.0;
  QuantizerConfig c = config(4, 16);
  GPTQReport rep;
  QuantizedWeight g = quantizeGPTQ(p.w.data(), p.n, p.k, eye.data(), c, rep);
  QuantizedWeight r = quantizeRTN(p.w.data(), p.n, p.k, c);
  EXPECT_EQ(g.codes, r.codes);
  for (size_t i = 0; i < g.scales.size(); ++i)
    EXPECT_NEAR(g.scales[i], r.scales[i], 1e-6f * r.scales[i]);
}

TEST(GPTQTest, DeadColumnsAreZeroed) {
  Problem p = makeProblem(6, 16, 50, 14);
  for (int64_t j : {3L, 9L}) {
    for (int64_t i = 0; i < 16; ++i)
      p.h[i * 16 + j] = p.h[j * 16 + i] = 0.0;
  }
  QuantizerConfig c = config(4, -1);
  GPTQReport rep;
  QuantizedWeight g = quantizeGPTQ(p.w.data(), p.n, p.k, p.h.data(), c, rep);
  ASSERT_EQ(rep.error, "");
  EXPECT_EQ(rep.deadColumns, 2);
  std::vector<float> d = g.dequantize();
  for (int64_t r = 0; r < 6; ++r) {
    EXPECT_EQ(d[r * 16 + 3], 0.0f);
    EXPECT_EQ(d[r * 16 + 9], 0.0f);
  }
}

// An indefinite H (negative eigenvalue) is retried with more damping and
// reported, never producing NaN.
TEST(GPTQTest, IndefiniteHessianGetsMoreDamping) {
  const int64_t k = 8;
  Problem p = makeProblem(4, k, 30, 15);
  // H = diag(1) - 0.9 * ones: eigenvalue 1 - 7.2 < 0.
  std::vector<double> h(k * k, -0.9);
  for (int64_t j = 0; j < k; ++j)
    h[j * k + j] = 1.0;
  QuantizerConfig c = config(4, -1);
  GPTQReport rep;
  QuantizedWeight g = quantizeGPTQ(p.w.data(), p.n, k, h.data(), c, rep);
  ASSERT_EQ(rep.error, "");
  EXPECT_GE(rep.retries, 1);
  ASSERT_FALSE(rep.warnings.empty());
  EXPECT_NE(rep.warnings[0].find("not positive definite"), std::string::npos);
  for (float v : g.dequantize())
    EXPECT_TRUE(std::isfinite(v));
  // A non-finite H is an error.
  h[3] = NAN;
  quantizeGPTQ(p.w.data(), p.n, k, h.data(), c, rep);
  EXPECT_NE(rep.error.find("non-finite"), std::string::npos);
}

} // namespace
