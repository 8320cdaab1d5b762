//===- SequentialGPTQTest.cpp - layer analysis and the sequential driver ----===//
//
// Part of quant-mlir. Runs the target analysis and runSequentialGPTQ on the
// two-layer test decoder (test/Passes/Quantization/Inputs/tiny-decoder.mlir)
// with a test-double executor that feeds random activations to every
// observer, and checks the order of calibration runs and quantization.
//
//===----------------------------------------------------------------------===//

#include "qm/InitAllDialects.h"
#include "qm/Passes/Quantization/SequentialGPTQ.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "gtest/gtest.h"

#include <random>

using namespace mlir;
using namespace mlir::qm;

namespace {

class SequentialGPTQTest : public ::testing::Test {
protected:
  void SetUp() override {
    DialectRegistry registry;
    registerAllDialects(registry);
    registry.insert<func::FuncDialect, arith::ArithDialect>();
    ctx.appendDialectRegistry(registry);
    ctx.loadAllAvailableDialects();
    module = parseSourceFile<ModuleOp>(
        QM_SOURCE_DIR "/test/Passes/Quantization/Inputs/tiny-decoder.mlir", &ctx);
    ASSERT_TRUE(module);
  }

  int64_t count(StringRef opName) {
    int64_t n = 0;
    module->walk([&](Operation *op) { n += op->getName().getStringRef() == opName; });
    return n;
  }

  MLIRContext ctx;
  OwningOpRef<ModuleOp> module;
};

TEST_F(SequentialGPTQTest, AnalysisNamesLayersAndRoles) {
  std::vector<QuantTarget> targets = findQuantTargets(*module);
  ASSERT_EQ(targets.size(), 15u);
  std::vector<std::string> names, tags;
  for (const QuantTarget &t : targets) {
    names.push_back(t.name);
    tags.push_back(t.tag);
  }
  EXPECT_EQ(names[0], "layers.0.self_attn.q_proj");
  EXPECT_EQ(names[2], "layers.0.self_attn.v_proj");
  EXPECT_EQ(names[3], "layers.0.self_attn.o_proj");
  EXPECT_EQ(names[5], "layers.0.mlp.up_proj");
  EXPECT_EQ(names[13], "layers.1.mlp.down_proj");
  EXPECT_EQ(names[14], "lm_head");
  EXPECT_EQ(tags[0], "node_linear");
  EXPECT_EQ(tags[13], "node_linear_13");
  EXPECT_TRUE(targets[14].isHead);
  EXPECT_TRUE(targets[14].transposed);
  EXPECT_EQ(targets[14].k, 8);
  EXPECT_EQ(targets[14].n, 32);
  EXPECT_EQ(targets[6].k, 16);
  EXPECT_EQ(targets[6].stage, 3);
  EXPECT_EQ(targets[7].layer, 1);
}

/// Feeds `rows` random rows to every observer of the instrumented module and
/// records how many matmuls were already quantized.
struct FakeExecutor {
  std::vector<int64_t> quantizedAtRun;
  std::vector<std::vector<std::string>> observedTags;
  std::mt19937 rng{1};

  LogicalResult operator()(ModuleOp instrumented, CalibrationStats &stats) {
    int64_t quantized = 0;
    std::vector<std::string> tags;
    instrumented.walk([&](Operation *op) {
      if (isa<qweight::MatMulOp>(op))
        ++quantized;
      if (auto obs = dyn_cast<qweight::ObserveOp>(op)) {
        int64_t k = obs.getInput().getType().getShape().back();
        std::normal_distribution<float> dist(0, 1);
        std::vector<float> x(64 * k);
        for (float &v : x)
          v = dist(rng);
        std::string tag = obs.getTag().str();
        CalibrationStats::observerCallback(&stats, tag.c_str(), x.data(), 64, k);
        if (stats.lookup(tag))
          tags.push_back(tag);
      }
    });
    quantizedAtRun.push_back(quantized);
    observedTags.push_back(tags);
    return success();
  }
};

TEST_F(SequentialGPTQTest, PerLayerOrder) {
  WeightQuantOptions options;
  options.config.groupSize = 4;
  FakeExecutor exec;
  auto report = runSequentialGPTQ(
      *module, options, CalibrationOrder::PerLayer,
      [&](ModuleOp m, CalibrationStats &s) { return exec(m, s); });
  ASSERT_TRUE(succeeded(report));
  EXPECT_EQ(report->calibrationRuns, 2);
  EXPECT_EQ(report->quantizedMatmuls, 14);
  EXPECT_EQ(exec.quantizedAtRun, (std::vector<int64_t>{0, 7}));
  // Only the current layer's tags are accumulated.
  EXPECT_EQ(exec.observedTags[1].size(), 7u);
  EXPECT_EQ(exec.observedTags[1][0], "node_linear_7");
  EXPECT_EQ(count("qweight.matmul"), 14);
  EXPECT_EQ(count("qgraph.matmul"), 1); // the head
  EXPECT_EQ(count("qweight.observe"), 0); // the module itself stays clean
}

TEST_F(SequentialGPTQTest, TrueSequentialOrder) {
  WeightQuantOptions options;
  FakeExecutor exec;
  auto run = [&](ModuleOp m, CalibrationStats &s) { return exec(m, s); };
  auto report = runSequentialGPTQ(*module, options,
                                  CalibrationOrder::TrueSequential, run);
  ASSERT_TRUE(succeeded(report));
  EXPECT_EQ(report->calibrationRuns, 8);
  EXPECT_EQ(exec.quantizedAtRun,
            (std::vector<int64_t>{0, 3, 4, 6, 7, 10, 11, 13}));
}

TEST_F(SequentialGPTQTest, OneShotWithHead) {
  WeightQuantOptions options;
  options.includeHead = true;
  FakeExecutor exec;
  auto report = runSequentialGPTQ(
      *module, options, CalibrationOrder::OneShot,
      [&](ModuleOp m, CalibrationStats &s) { return exec(m, s); });
  ASSERT_TRUE(succeeded(report));
  EXPECT_EQ(report->calibrationRuns, 1);
  EXPECT_EQ(report->quantizedMatmuls, 15);
  EXPECT_EQ(count("qgraph.matmul"), 0);
}

TEST_F(SequentialGPTQTest, RunnerFailureIsReported) {
  WeightQuantOptions options;
  std::string diag;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
    diag = d.str();
    return success();
  });
  auto report = runSequentialGPTQ(
      *module, options, CalibrationOrder::PerLayer,
      [](ModuleOp, CalibrationStats &) { return failure(); });
  EXPECT_TRUE(failed(report));
  EXPECT_EQ(diag, "calibration run 1 failed");
  // A runner that observes nothing leaves the statistics missing.
  report = runSequentialGPTQ(
      *module, options, CalibrationOrder::PerLayer,
      [](ModuleOp, CalibrationStats &) { return success(); });
  EXPECT_TRUE(failed(report));
  EXPECT_EQ(diag, "missing calibration statistics for 'node_linear' "
                  "(layers.0.self_attn.q_proj)");
}

} // namespace
