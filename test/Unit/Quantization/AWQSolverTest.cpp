//===- AWQSolverTest.cpp - AWQ scale and clipping searches ------------------===//
//
// Part of quant-mlir. Checks the AWQ solver on random data: the Hessian
// error measure equals the brute-force output error, the searches never do
// worse than plain RTN (alpha = 0 and ratio 1 are candidates) and they find
// the salient channels that AWQ exists for.
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Quantization/Solvers/AWQ.h"
#include "qm/Passes/Quantization/Solvers/GPTQ.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace mlir::qm::solvers;

namespace {
struct Problem {
  int64_t rows, k, n;
  std::vector<float> x, w;
  HessianAccumulator acc;
};

/// X has a few salient input channels (x100) as LLM activations do.
Problem makeProblem(int64_t rows, int64_t k, int64_t n, unsigned seed,
                    int salient = 4) {
  Problem p{rows, k, n, {}, {}, HessianAccumulator(k)};
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  p.x.resize(rows * k);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < k; ++j)
      p.x[r * k + j] = nd(rng) * (j < salient ? 30.0f : 1.0f);
  p.w.resize(n * k);
  for (float &v : p.w)
    v = nd(rng) * 0.05f;
  p.acc.add(p.x.data(), rows);
  return p;
}

/// 2/rows * sum ||X (a - b)^T||^2 by brute force (a, b are N x K).
double bruteError(const Problem &p, const std::vector<float> &a,
                  const std::vector<float> &b) {
  double err = 0;
  for (int64_t r = 0; r < p.rows; ++r)
    for (int64_t o = 0; o < p.n; ++o) {
      double y = 0;
      for (int64_t j = 0; j < p.k; ++j)
        y += (double)p.x[r * p.k + j] * (a[o * p.k + j] - b[o * p.k + j]);
      err += y * y;
    }
  return 2.0 * err / p.rows;
}

QuantizerConfig w3g32() {
  QuantizerConfig c;
  c.bits = 3;
  c.groupSize = 32;
  return c;
}
} // namespace

TEST(AWQSolverTest, HessianErrorEqualsOutputError) {
  Problem p = makeProblem(200, 64, 16, 1);
  std::vector<float> q = quantizeRTN(p.w.data(), p.n, p.k, w3g32()).dequantize();
  const auto &h = p.acc.getHessian();
  std::vector<float> hf(h.begin(), h.end());
  double viaH = outputError(p.w.data(), q.data(), p.n, p.k, hf.data());
  double brute = bruteError(p, p.w, q);
  EXPECT_NEAR(viaH, brute, 1e-4 * brute);
}

TEST(AWQSolverTest, ScaleSearchBeatsRTNOnSalientChannels) {
  Problem p = makeProblem(256, 128, 48, 2);
  Problem p2 = makeProblem(256, 128, 32, 3); // a second linear, same K
  // Both linears must see the same input: reuse p's statistics.
  AWQConfig cfg;
  std::vector<AWQLinear> lins = {{p.w.data(), p.n}, {p2.w.data(), p2.n}};
  AWQScaleResult res = searchAWQScales(lins, p.k, p.acc.getHessian().data(),
                                       p.acc.getMeanAbs().data(), w3g32(), cfg);
  ASSERT_EQ((int)res.errors.size(), cfg.gridSize);
  ASSERT_EQ((int64_t)res.scales.size(), p.k);
  EXPECT_LE(res.bestError, res.baseError);
  EXPECT_GT(res.bestAlpha, 0.0);
  // Salient channels are up-weighted relative to the rest.
  EXPECT_GT(res.scales[0], res.scales[100]);
  EXPECT_LT(res.bestError, 0.8 * res.baseError);

  // The reported error is the output error of Q(W s) / s (brute force).
  QuantizerConfig q = w3g32();
  std::vector<float> scaled = p.w;
  for (int64_t o = 0; o < p.n; ++o)
    for (int64_t j = 0; j < p.k; ++j)
      scaled[o * p.k + j] *= res.scales[j];
  std::vector<float> deq = quantizeRTN(scaled.data(), p.n, p.k, q).dequantize();
  for (int64_t o = 0; o < p.n; ++o)
    for (int64_t j = 0; j < p.k; ++j)
      deq[o * p.k + j] /= res.scales[j];
  double e1 = bruteError(p, p.w, deq);
  std::vector<float> scaled2 = p2.w;
  for (int64_t o = 0; o < p2.n; ++o)
    for (int64_t j = 0; j < p.k; ++j)
      scaled2[o * p.k + j] *= res.scales[j];
  std::vector<float> deq2 = quantizeRTN(scaled2.data(), p2.n, p.k, q).dequantize();
  for (int64_t o = 0; o < p2.n; ++o)
    for (int64_t j = 0; j < p.k; ++j)
      deq2[o * p.k + j] /= res.scales[j];
  Problem pp = p;
  pp.n = p2.n;
  double e2 = bruteError(pp, p2.w, deq2);
  EXPECT_NEAR(res.bestError, e1 + e2, 1e-3 * (e1 + e2));
}

TEST(AWQSolverTest, ScalesFollowActivationsWithoutDuoScaling) {
  // Duo scaling is the default; without it s = s_x^alpha / norm, so the
  // scales are ordered as the channels' mean |x|.
  Problem p = makeProblem(128, 64, 16, 4);
  AWQConfig cfg;
  EXPECT_TRUE(cfg.duoScaling);
  cfg.duoScaling = false;
  const std::vector<double> &mean = p.acc.getMeanAbs();
  AWQScaleResult res = searchAWQScales({{p.w.data(), p.n}}, p.k,
                                       p.acc.getHessian().data(), mean.data(),
                                       w3g32(), cfg);
  EXPECT_LE(res.bestError, res.baseError);
  ASSERT_GT(res.bestAlpha, 0.0);
  for (int64_t i = 0; i < p.k; ++i) {
    EXPECT_TRUE(std::isfinite(res.scales[i]) && res.scales[i] > 0);
    for (int64_t j = 0; j < p.k; ++j)
      if (mean[i] > mean[j])
        EXPECT_GE(res.scales[i], res.scales[j]) << i << " vs " << j;
  }
}

TEST(AWQSolverTest, TiedChannelsGetOneScale) {
  // Channels j and j + 32 share a class (as the query heads of a group read
  // one value channel); salient channels 0..3 still get larger scales.
  Problem p = makeProblem(256, 64, 24, 6);
  std::vector<int64_t> tie(p.k);
  for (int64_t j = 0; j < p.k; ++j)
    tie[j] = j % 32;
  for (bool duo : {false, true}) {
    AWQConfig cfg;
    cfg.duoScaling = duo;
    AWQScaleResult res = searchAWQScales(
        {{p.w.data(), p.n}}, p.k, p.acc.getHessian().data(),
        p.acc.getMeanAbs().data(), w3g32(), cfg, nullptr, tie);
    ASSERT_EQ((int64_t)res.scales.size(), p.k);
    EXPECT_GT(res.bestAlpha, 0.0);
    EXPECT_LE(res.bestError, res.baseError);
    for (int64_t j = 0; j < 32; ++j)
      EXPECT_EQ(res.scales[j], res.scales[j + 32]) << "channel " << j;
    EXPECT_GT(res.scales[0], res.scales[10]);
  }
}

TEST(AWQSolverTest, ScaledHessianMatchesScaledInputs) {
  Problem p = makeProblem(64, 16, 4, 5);
  std::vector<float> s(p.k);
  for (int64_t j = 0; j < p.k; ++j)
    s[j] = 0.5f + 0.1f * j;
  std::vector<double> hs = scaleHessian(p.acc.getHessian().data(), p.k, s);
  std::vector<float> xs = p.x;
  for (int64_t r = 0; r < p.rows; ++r)
    for (int64_t j = 0; j < p.k; ++j)
      xs[r * p.k + j] /= s[j];
  HessianAccumulator ref(p.k);
  ref.add(xs.data(), p.rows);
  // The reference divides f32 inputs, so compare at f32 resolution.
  double scale = 0;
  for (double v : ref.getHessian())
    scale = std::max(scale, std::fabs(v));
  for (int64_t i = 0; i < p.k * p.k; ++i)
    EXPECT_NEAR(hs[i], ref.getHessian()[i], 1e-5 * scale);
}

TEST(AWQSolverTest, ClippingNeverIncreasesGroupError) {
  Problem p = makeProblem(256, 96, 24, 6, /*salient=*/0);
  // Heavy-tailed weights make clipping worthwhile.
  std::mt19937 rng(7);
  std::uniform_int_distribution<int64_t> pick(0, p.n * p.k - 1);
  for (int i = 0; i < 40; ++i)
    p.w[pick(rng)] *= 12.0f;
  QuantizerConfig q = w3g32();
  AWQConfig cfg;
  std::vector<float> ratios;
  std::vector<float> clipped = clipAWQ(p.w.data(), p.n, p.k,
                                       p.acc.getHessian().data(), q, cfg, &ratios);
  ASSERT_EQ((int64_t)ratios.size(), p.n * q.numGroups(p.k));
  bool anyClipped = false;
  for (float r : ratios) {
    EXPECT_GE(r, 0.5f - 1e-6f);
    EXPECT_LE(r, 1.0f);
    anyClipped |= r < 1.0f;
  }
  EXPECT_TRUE(anyClipped);
  std::vector<float> plain = quantizeRTN(p.w.data(), p.n, p.k, q).dequantize();
  std::vector<float> viaClip = quantizeRTN(clipped.data(), p.n, p.k, q).dequantize();
  // Cross-group terms are not part of the per-group search, so compare the
  // total error with a little slack, and require a real gain.
  double ePlain = bruteError(p, p.w, plain), eClip = bruteError(p, p.w, viaClip);
  EXPECT_LT(eClip, ePlain);
}

// clipMinMax: asymmetric groups are clipped to [r lo, r hi] (lo = min(w, 0),
// hi = max(w, 0), r the chosen ratio), so a group of mostly positive
// weights is shrunk at both ends of its own range; symmetric codes are
// unaffected.
TEST(AWQSolverTest, ClipMinMaxShrinksTheGroupsOwnRange) {
  Problem p = makeProblem(256, 96, 24, 6, /*salient=*/0);
  std::mt19937 rng(5);
  std::uniform_int_distribution<int64_t> pick(0, p.n * p.k - 1);
  for (float &v : p.w)
    v = std::fabs(v) - 0.05f; // mostly positive: hi >> |lo|
  for (int i = 0; i < 40; ++i)
    p.w[pick(rng)] *= 12.0f;
  QuantizerConfig q = w3g32();
  AWQConfig cfg;
  cfg.clipMinMax = true;
  std::vector<float> ratios;
  std::vector<float> clipped = clipAWQ(p.w.data(), p.n, p.k,
                                       p.acc.getHessian().data(), q, cfg, &ratios);
  int64_t gs = q.effectiveGroupSize(p.k), groups = q.numGroups(p.k);
  bool lowEndMoved = false;
  for (int64_t r = 0; r < p.n; ++r)
    for (int64_t g = 0; g < groups; ++g) {
      float lo = 0, hi = 0, cmin = 0, cmax = 0;
      for (int64_t j = g * gs; j < std::min(p.k, (g + 1) * gs); ++j) {
        lo = std::min(lo, p.w[r * p.k + j]);
        hi = std::max(hi, p.w[r * p.k + j]);
        cmin = std::min(cmin, clipped[r * p.k + j]);
        cmax = std::max(cmax, clipped[r * p.k + j]);
      }
      float ratio = ratios[r * groups + g];
      EXPECT_GE(cmin, lo * ratio - 1e-6f);
      EXPECT_LE(cmax, hi * ratio + 1e-6f);
      lowEndMoved |= ratio < 1.0f && lo < 0 && cmin > lo;
    }
  EXPECT_TRUE(lowEndMoved) << "no group was clipped at its negative end";
  std::vector<float> plain = quantizeRTN(p.w.data(), p.n, p.k, q).dequantize();
  std::vector<float> viaClip = quantizeRTN(clipped.data(), p.n, p.k, q).dequantize();
  EXPECT_LT(bruteError(p, p.w, viaClip), bruteError(p, p.w, plain));

  // Symmetric codes: the same clip as without the option.
  QuantizerConfig sym = q;
  sym.symmetric = true;
  AWQConfig plainCfg;
  plainCfg.clipMinMax = false;
  EXPECT_EQ(clipAWQ(p.w.data(), p.n, p.k, p.acc.getHessian().data(), sym, cfg),
            clipAWQ(p.w.data(), p.n, p.k, p.acc.getHessian().data(), sym,
                    plainCfg));
}

TEST(AWQSolverTest, RowSampleKeepsEveryNthRow) {
  const int64_t k = 3, rows = 40;
  std::vector<float> x(rows * k);
  for (int64_t i = 0; i < rows * k; ++i)
    x[i] = (float)i;
  HessianAccumulator acc(k);
  acc.keepRowSample(/*every=*/7, /*maxRows=*/4);
  acc.add(x.data(), 10); // rows 0..9: keeps 0, 7
  acc.add(x.data() + 10 * k, rows - 10); // keeps 14, 21 (then full)
  ASSERT_EQ(acc.getNumSampledRows(), 4);
  const std::vector<float> &s = acc.getRowSample();
  int64_t expected[] = {0, 7, 14, 21};
  for (int64_t r = 0; r < 4; ++r)
    for (int64_t j = 0; j < k; ++j)
      EXPECT_EQ(s[r * k + j], x[expected[r] * k + j]);
  acc.reset(k);
  EXPECT_EQ(acc.getNumSampledRows(), 0);
}

TEST(AWQSolverTest, MLPBlockErrorIsTheGatedMLPOutputError) {
  const int64_t rows = 9, k = 6, inter = 10, out = 5;
  std::mt19937 rng(3);
  std::normal_distribution<float> dist(0, 1);
  auto fill = [&](int64_t n) {
    std::vector<float> v(n);
    for (float &e : v)
      e = dist(rng);
    return v;
  };
  std::vector<float> x = fill(rows * k), g = fill(inter * k), u = fill(inter * k),
                     d = fill(out * inter);
  MLPBlockError err(x, rows, k, g.data(), u.data(), inter, d.data(), out);
  EXPECT_NEAR(err(g.data(), u.data()), 0.0, 1e-9);
  auto mlp = [&](const std::vector<float> &gw, const std::vector<float> &uw) {
    std::vector<double> y(rows * out, 0.0);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t i = 0; i < inter; ++i) {
        double a = 0, b = 0;
        for (int64_t j = 0; j < k; ++j) {
          a += (double)x[r * k + j] * gw[i * k + j];
          b += (double)x[r * k + j] * uw[i * k + j];
        }
        double h = a / (1 + std::exp(-a)) * b;
        for (int64_t o = 0; o < out; ++o)
          y[r * out + o] += h * d[o * inter + i];
      }
    return y;
  };
  std::vector<float> g2 = g, u2 = u;
  for (float &e : g2)
    e += 0.05f * dist(rng);
  for (float &e : u2)
    e += 0.05f * dist(rng);
  std::vector<double> y = mlp(g, u), y2 = mlp(g2, u2);
  double ref = 0;
  for (int64_t i = 0; i < rows * out; ++i)
    ref += (y2[i] - y[i]) * (y2[i] - y[i]);
  ref /= rows;
  EXPECT_GT(ref, 0);
  EXPECT_NEAR(err(g2.data(), u2.data()), ref, 1e-3 * ref);
}
