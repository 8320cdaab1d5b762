//===- PerplexityTest.cpp - qmrt perplexity protocol and sampling ---------===//

#include "qmrt/perplexity.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <random>

namespace {

std::vector<int32_t> iota(int n) {
  std::vector<int32_t> v(n);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

TEST(EvalWindows, NonOverlappingFromTheStartTailDropped) {
  qmrt::EvalWindows w;
  std::string error;
  ASSERT_TRUE(qmrt::makeEvalWindows(iota(1300), w, error)) << error;
  EXPECT_EQ(w.length, 512);
  EXPECT_EQ(w.count, 2);
  EXPECT_EQ(w.streamTokens, 1300);
  EXPECT_EQ(w.predictedTokens(), 2 * 511);
  ASSERT_EQ(w.tokens.size(), 1024u);
  EXPECT_EQ(w.window(0)[0], 0);
  EXPECT_EQ(w.window(1)[0], 512);
  EXPECT_EQ(w.window(1)[511], 1023);

  // At most maxWindows (400 by default).
  ASSERT_TRUE(qmrt::makeEvalWindows(iota(512 * 401 + 7), w, error));
  EXPECT_EQ(w.count, 400);
  EXPECT_EQ(w.predictedTokens(), 400 * 511);
  ASSERT_TRUE(qmrt::makeEvalWindows(iota(100), w, error, 10, 3));
  EXPECT_EQ(w.count, 3);
  EXPECT_EQ(w.window(2)[9], 29);
  // Exactly one window.
  ASSERT_TRUE(qmrt::makeEvalWindows(iota(512), w, error));
  EXPECT_EQ(w.count, 1);
}

TEST(EvalWindows, Errors) {
  qmrt::EvalWindows w;
  std::string error;
  EXPECT_FALSE(qmrt::makeEvalWindows(iota(511), w, error));
  EXPECT_EQ(error,
            "evaluation text has too few tokens (511) for one window of 512");
  EXPECT_FALSE(qmrt::makeEvalWindows(iota(10), w, error, 1, 4));
  EXPECT_FALSE(qmrt::makeEvalWindows(iota(10), w, error, 2, 0));
}

TEST(EvalWindows, SplitFileList) {
  EXPECT_EQ(qmrt::splitFileList("a.txt"), (std::vector<std::string>{"a.txt"}));
  EXPECT_EQ(qmrt::splitFileList("a.txt,b/c.txt,"),
            (std::vector<std::string>{"a.txt", "b/c.txt"}));
  EXPECT_TRUE(qmrt::splitFileList("").empty());
}

TEST(EvalWindows, NamedSets) {
  using Files = std::vector<std::string>;
  EXPECT_EQ(qmrt::resolveEvalFiles("austen-heldout", "/d"),
            (Files{"/d/austen/persuasion.txt", "/d/austen/northangerabbey.txt"}));
  EXPECT_EQ(qmrt::resolveEvalFiles("wikitext2", "/d/"),
            (Files{"/d/wikitext2-test.txt"}));
  EXPECT_EQ(qmrt::resolveEvalFiles("manpages-test", "d"),
            (Files{"d/manpages-test.txt"}));
  EXPECT_EQ(qmrt::resolveEvalFiles("x.txt,y.txt", "/d"),
            (Files{"x.txt", "y.txt"}));
}

TEST(Nll, HandComputed) {
  // softmax([0, ln 2, ln 3]) = [1/6, 2/6, 3/6].
  const float logits[] = {0.0f, std::log(2.0f), std::log(3.0f)};
  EXPECT_NEAR(qmrt::negativeLogLikelihood(logits, 3, 0), std::log(6.0), 1e-6);
  EXPECT_NEAR(qmrt::negativeLogLikelihood(logits, 3, 1), std::log(3.0), 1e-6);
  EXPECT_NEAR(qmrt::negativeLogLikelihood(logits, 3, 2), std::log(2.0), 1e-6);
}

TEST(Nll, NumericallyStable) {
  // A naive exp() overflows (or underflows to log(0)) on these.
  const float big[] = {1000.0f, 1000.0f};
  EXPECT_NEAR(qmrt::negativeLogLikelihood(big, 2, 1), std::log(2.0), 1e-12);
  const float spread[] = {-1000.0f, 0.0f};
  EXPECT_NEAR(qmrt::negativeLogLikelihood(spread, 2, 0), 1000.0, 1e-9);
  EXPECT_NEAR(qmrt::negativeLogLikelihood(spread, 2, 1), 0.0, 1e-12);
  // Summation in double: 8192 equal logits give exactly log(8192).
  std::vector<float> flat(8192, 3.25f);
  EXPECT_NEAR(qmrt::negativeLogLikelihood(flat.data(), 8192, 17),
              std::log(8192.0), 1e-12);
  const float inf[] = {INFINITY, 0.0f};
  EXPECT_TRUE(std::isnan(qmrt::negativeLogLikelihood(inf, 2, 1)));
}

TEST(Nll, SequenceSkipsTheFirstPositionAndTheLastRow) {
  // tokens [0, 1, 0]: row 0 predicts 1, row 1 predicts 0, row 2 is unused.
  const int32_t tokens[] = {0, 1, 0};
  const float logits[] = {0.0f, 0.0f,                 // p(1) = 1/2
                          std::log(3.0f), 0.0f,       // p(0) = 3/4
                          100.0f, -100.0f};           // ignored
  qmrt::NllAccumulator acc;
  std::string error;
  ASSERT_TRUE(acc.addSequence(logits, tokens, 3, 2, error)) << error;
  EXPECT_EQ(acc.count(), 2);
  double mean = (std::log(2.0) + std::log(4.0 / 3.0)) / 2;
  EXPECT_NEAR(acc.meanNll(), mean, 1e-7);
  EXPECT_NEAR(acc.perplexity(), std::sqrt(8.0 / 3.0), 1e-6);

  const int32_t bad[] = {0, 2};
  EXPECT_FALSE(acc.addSequence(logits, bad, 2, 2, error));
  EXPECT_EQ(error, "target token id (2) at position 1 is outside the logits' "
                   "vocabulary (2)");
  EXPECT_EQ(acc.count(), 2);
}

TEST(Nll, EvaluatePerplexity) {
  qmrt::EvalWindows w;
  std::string error;
  ASSERT_TRUE(qmrt::makeEvalWindows(iota(40), w, error, 8, 4));
  const int64_t vocab = 64;
  // A model that puts probability 1/2 on the right next token and spreads
  // the rest evenly: every prediction has NLL log 2.
  int calls = 0;
  auto model = [&](const int32_t *tokens, int64_t length,
                   std::vector<float> &logits, std::string &) {
    ++calls;
    logits.assign(length * vocab, 0.0f);
    for (int64_t t = 0; t + 1 < length; ++t)
      logits[t * vocab + tokens[t + 1]] = std::log(63.0f);
    return true;
  };
  qmrt::PerplexityResult r;
  ASSERT_TRUE(qmrt::evaluatePerplexity(w, vocab, model, r, error)) << error;
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(r.windows, 4);
  EXPECT_EQ(r.predictedTokens, 4 * 7);
  EXPECT_NEAR(r.meanNll, std::log(2.0), 1e-6);
  EXPECT_NEAR(r.perplexity, 2.0, 1e-5);

  auto shortModel = [&](const int32_t *, int64_t, std::vector<float> &logits,
                        std::string &) {
    logits.assign(5, 0.0f);
    return true;
  };
  EXPECT_FALSE(qmrt::evaluatePerplexity(w, vocab, shortModel, r, error));
  EXPECT_EQ(error, "window 0: logits have 5 values, expected 512 (8 x 64)");
  auto failing = [&](const int32_t *, int64_t, std::vector<float> &,
                     std::string &e) {
    e = "model failed";
    return false;
  };
  EXPECT_FALSE(qmrt::evaluatePerplexity(w, vocab, failing, r, error));
  EXPECT_EQ(error, "model failed");
}

TEST(Calibration, ReproducibleRandomOffsets) {
  std::vector<int32_t> stream = iota(5000);
  std::vector<int32_t> a, b, c;
  std::vector<int64_t> offsets;
  std::string error;
  ASSERT_TRUE(qmrt::sampleCalibrationWindows(stream, 8, 100, 42, a, error,
                                             &offsets));
  ASSERT_TRUE(qmrt::sampleCalibrationWindows(stream, 8, 100, 42, b, error));
  ASSERT_TRUE(qmrt::sampleCalibrationWindows(stream, 8, 100, 43, c, error));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  ASSERT_EQ(a.size(), 800u);
  ASSERT_EQ(offsets.size(), 8u);
  // The documented formula: offset_i = mt19937_64(seed)() % (n - L + 1).
  std::mt19937_64 rng(42);
  for (int i = 0; i < 8; ++i) {
    int64_t expected = static_cast<int64_t>(rng() % (5000 - 100 + 1));
    EXPECT_EQ(offsets[i], expected);
    // The stream is 0..n-1, so a sample is its offset counting up.
    EXPECT_EQ(a[i * 100], offsets[i]);
    EXPECT_EQ(a[i * 100 + 99], offsets[i] + 99);
  }
  // Offsets can reach the last full window.
  ASSERT_TRUE(qmrt::sampleCalibrationWindows(iota(10), 10, 1, 1, a, error,
                                             &offsets));
  for (int64_t o : offsets)
    EXPECT_TRUE(o >= 0 && o <= 9);
}

TEST(Calibration, TooFewTokens) {
  std::vector<int32_t> samples;
  std::string error;
  EXPECT_FALSE(qmrt::sampleCalibrationWindows(iota(65535), 128, 512, 0,
                                              samples, error));
  EXPECT_EQ(error, "calibration text has too few tokens (65535) for 128 "
                   "samples x 512 tokens (65536)");
  EXPECT_TRUE(qmrt::sampleCalibrationWindows(iota(65536), 128, 512, 0,
                                             samples, error));
  EXPECT_FALSE(qmrt::sampleCalibrationWindows(iota(10), 0, 5, 0, samples,
                                              error));
  EXPECT_EQ(error, "invalid calibration sampling (0 samples x 5 tokens): both "
                   "must be positive");
}

} // namespace
