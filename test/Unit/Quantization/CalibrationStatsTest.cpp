//===- CalibrationStatsTest.cpp - calibration statistics and their file -----===//
//
// Part of quant-mlir.
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Quantization/CalibrationStats.h"

#include "gtest/gtest.h"

#include <cstdio>
#include <fstream>
#include <random>

using namespace mlir::qm;
using mlir::qm::solvers::HessianAccumulator;

namespace {

std::vector<float> randomRows(int64_t rows, int64_t cols, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0, 1);
  std::vector<float> x(rows * cols);
  for (float &v : x)
    v = dist(rng);
  return x;
}

std::string tempPath(const char *name) {
  return std::string(::testing::TempDir()) + "/" + name;
}

void expectSame(const HessianAccumulator *a, const HessianAccumulator &b) {
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->getK(), b.getK());
  EXPECT_EQ(a->getNumSamples(), b.getNumSamples());
  for (size_t i = 0; i < b.getHessian().size(); ++i)
    EXPECT_NEAR(a->getHessian()[i], b.getHessian()[i], 1e-12);
  for (size_t i = 0; i < b.getMeanAbs().size(); ++i)
    EXPECT_NEAR(a->getMeanAbs()[i], b.getMeanAbs()[i], 1e-12);
}

// q/k/v see the same input, gate/up another; a third tag starts equal and
// then diverges. Each tag's statistics equal a private accumulation.
TEST(CalibrationStatsTest, SharedInputsMatchPrivateAccumulation) {
  CalibrationStats stats;
  std::vector<float> x1 = randomRows(20, 8, 1), x2 = randomRows(12, 8, 2),
                     x3 = randomRows(12, 8, 3);
  HessianAccumulator ref(8), refDiv(8);
  for (const char *tag : {"q", "k", "v"})
    CalibrationStats::observerCallback(&stats, tag, x1.data(), 20, 8);
  stats.accumulate("div", x1.data(), 20, 8);
  ref.add(x1.data(), 20);
  refDiv.add(x1.data(), 20);
  for (const char *tag : {"q", "k", "v"})
    stats.accumulate(tag, x2.data(), 12, 8);
  stats.accumulate("div", x3.data(), 12, 8);
  ref.add(x2.data(), 12);
  refDiv.add(x3.data(), 12);
  for (const char *tag : {"q", "k", "v"})
    expectSame(stats.lookup(tag), ref);
  expectSame(stats.lookup("div"), refDiv);
  EXPECT_EQ(stats.getTags(), (std::vector<std::string>{"div", "k", "q", "v"}));
  EXPECT_EQ(stats.getError(), "");
  stats.accumulate("q", x1.data(), 10, 16);
  EXPECT_NE(stats.getError().find("'q' changed its width (8 then 16)"),
            std::string::npos);
}

TEST(CalibrationStatsTest, FilterSkipsTags) {
  CalibrationStats stats;
  stats.setFilter([](const std::string &t) { return t == "keep"; });
  std::vector<float> x = randomRows(4, 3, 4);
  stats.accumulate("keep", x.data(), 4, 3);
  stats.accumulate("drop", x.data(), 4, 3);
  EXPECT_NE(stats.lookup("keep"), nullptr);
  EXPECT_EQ(stats.lookup("drop"), nullptr);
}

TEST(CalibrationStatsTest, SaveLoadRoundTrip) {
  CalibrationStats stats;
  std::vector<float> x = randomRows(30, 5, 5), y = randomRows(7, 9, 6);
  stats.accumulate("layers.0.q", x.data(), 30, 5);
  stats.accumulate("layers.0.down", y.data(), 7, 9);
  std::string path = tempPath("roundtrip.qmcalib"), err;
  ASSERT_TRUE(stats.save(path, err)) << err;
  CalibrationStats loaded;
  ASSERT_TRUE(loaded.load(path, err)) << err;
  EXPECT_EQ(loaded.getTags(), stats.getTags());
  for (const std::string &tag : stats.getTags())
    expectSame(loaded.lookup(tag), *stats.lookup(tag));
  std::remove(path.c_str());
}

TEST(CalibrationStatsTest, BadFilesGiveClearErrors) {
  std::string err;
  CalibrationStats stats;
  EXPECT_FALSE(stats.load(tempPath("does-not-exist.qmcalib"), err));
  EXPECT_NE(err.find("cannot open calibration statistics"), std::string::npos);

  std::string bad = tempPath("bad.qmcalib");
  { std::ofstream(bad) << "not a stats file"; }
  EXPECT_FALSE(stats.load(bad, err));
  EXPECT_NE(err.find("missing QMCALIB1 header"), std::string::npos) << err;

  // A valid file cut short, and one with trailing bytes.
  CalibrationStats good;
  std::vector<float> x = randomRows(6, 4, 7);
  good.accumulate("t", x.data(), 6, 4);
  ASSERT_TRUE(good.save(bad, err));
  std::string bytes;
  {
    std::ifstream in(bad, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  { std::ofstream(bad, std::ios::binary) << bytes.substr(0, bytes.size() - 9); }
  EXPECT_FALSE(stats.load(bad, err));
  EXPECT_NE(err.find("truncated data of tag 't'"), std::string::npos) << err;
  { std::ofstream(bad, std::ios::binary) << bytes << "x"; }
  EXPECT_FALSE(stats.load(bad, err));
  EXPECT_NE(err.find("trailing data"), std::string::npos) << err;
  std::remove(bad.c_str());
}

} // namespace
