//===- LayerwiseCalibrationTest.cpp - layer segments and their executor ----===//
//
// Part of quant-mlir. On the two-layer test decoder
// (test/Passes/Quantization/Inputs/tiny-decoder.mlir), JIT-compiled:
// - the extracted layer segments, chained, compute the whole model's logits;
// - sequential GPTQ calibrated one layer at a time on cached hidden states
//   gives exactly the module that whole-model calibration gives, for one or
//   several lanes;
// - a model without decoder layers is refused with a reason;
// - AWQ ranking scales by the layer's output (runCurrentLayer) leaves, with
//   fold-only, a model that computes the same logits.
//
//===----------------------------------------------------------------------===//

#include "qm/Execution/CPUModel.h"
#include "qm/Execution/LayerwiseCalibration.h"
#include "qm/InitAllDialects.h"
#include "qm/InitAllPasses.h"
#include "qm/Passes/Quantization/CalibrationStats.h"
#include "qm/Passes/Quantization/QuantAWQ.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"

#include "qmrt/qmrt.h"

#include <cmath>
#include <random>

using namespace mlir;
using namespace mlir::qm;

namespace {

class LayerwiseTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    mlir::registerAllPasses();
    mlir::qm::registerAllPasses();
  }
  void SetUp() override {
    DialectRegistry registry;
    mlir::registerAllDialects(registry);
    mlir::registerAllExtensions(registry);
    mlir::qm::registerAllDialects(registry);
    ctx.appendDialectRegistry(registry);
    ctx.loadAllAvailableDialects();
  }
  OwningOpRef<ModuleOp> load() {
    return parseSourceFile<ModuleOp>(
        QM_SOURCE_DIR "/test/Passes/Quantization/Inputs/tiny-decoder.mlir",
        &ctx);
  }
  /// The tiny decoder with an RMS norm in front of q/k/v and of gate/up in
  /// each layer, so that AWQ has norms to fold its scales into.
  OwningOpRef<ModuleOp> loadWithNorms() {
    auto buffer = llvm::MemoryBuffer::getFile(
        QM_SOURCE_DIR "/test/Passes/Quantization/Inputs/tiny-decoder.mlir");
    if (!buffer)
      return nullptr;
    std::string text = (*buffer)->getBuffer().str();
    struct Site {
      const char *input, *norm, *before;
    } sites[] = {{"%h0", "%n0a", "  %l0q_w = "},
                 {"%l0h1", "%n0b", "  %l0g_w = "},
                 {"%l0h2", "%n1a", "  %l1q_w = "},
                 {"%l1h1", "%n1b", "  %l1g_w = "}};
    for (const Site &site : sites) {
      std::string from = std::string("qgraph.matmul ") + site.input + ",";
      std::string to = std::string("qgraph.matmul ") + site.norm + ",";
      for (size_t at; (at = text.find(from)) != std::string::npos;)
        text.replace(at, from.size(), to);
      std::string norm =
          std::string("  ") + site.norm + "_w = arith.constant dense<[1.0, "
          "0.6, 1.4, 0.8, 1.2, 0.9, 1.1, 0.7]> : tensor<8xf32>\n  " +
          site.norm + " = qgraph.rms_norm " + site.input + ", " + site.norm +
          "_w : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>\n";
      size_t at = text.find(site.before);
      if (at == std::string::npos)
        return nullptr;
      text.insert(at, norm);
    }
    return parseSourceString<ModuleOp>(text, &ctx);
  }
  std::vector<int64_t> randomIds(int64_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::vector<int64_t> ids(n);
    for (int64_t &v : ids)
      v = rng() % 32;
    return ids;
  }
  static std::string print(ModuleOp m) {
    std::string s;
    llvm::raw_string_ostream os(s);
    m.print(os);
    return s;
  }
  MLIRContext ctx;
};

TEST_F(LayerwiseTest, SegmentsChainToTheWholeModel) {
  OwningOpRef<ModuleOp> module = load();
  ASSERT_TRUE(module);
  std::string why;
  FailureOr<LayerBoundaries> b = markLayerBoundaries(*module, why);
  ASSERT_TRUE(succeeded(b)) << why;
  EXPECT_EQ(b->numLayers, 2);
  EXPECT_TRUE(b->hasSuffix);

  std::vector<int64_t> ids = randomIds(4, 3);
  OwningOpRef<ModuleOp> whole(cast<ModuleOp>((*module)->clone()));
  clearLayerBoundaries(*whole);
  auto full = CPUModel::compile(*whole);
  ASSERT_TRUE(succeeded(full));
  std::vector<float> expected(4 * 32);
  ASSERT_TRUE(succeeded((*full)->run(ids.data(), expected.data())));

  std::vector<float> hidden, out;
  for (int64_t s = 0; s <= b->numLayers; ++s) {
    auto seg = extractLayerSegment(*module, *b, s, why);
    ASSERT_TRUE(succeeded(seg)) << why;
    // Segments after the first take (ids, hidden).
    auto func = *(**seg).getOps<func::FuncOp>().begin();
    ASSERT_EQ(func.getNumArguments(), s == 0 ? 1u : 2u);
    // Only the constants the segment uses (not every weight of the model,
    // which the importer puts before layer 0).
    func.walk([&](arith::ConstantOp cst) {
      EXPECT_FALSE(cst->use_empty()) << "segment " << s;
    });
    auto model = CPUModel::compile(**seg);
    ASSERT_TRUE(succeeded(model));
    out.assign((*model)->getResultTypes()[0].getNumElements(), 0.f);
    SmallVector<const void *> args{ids.data()};
    if (s > 0)
      args.push_back(hidden.data());
    ASSERT_TRUE(succeeded((*model)->call(args, {out.data()})));
    hidden = out;
  }
  ASSERT_EQ(out.size(), expected.size());
  float scale = 0;
  for (float v : expected)
    scale = std::max(scale, std::fabs(v));
  for (size_t i = 0; i < out.size(); ++i)
    EXPECT_NEAR(out[i], expected[i], 1e-5f * scale) << i;

  clearLayerBoundaries(*module);
  EXPECT_EQ(print(*module).find("qm.layer_boundary"), std::string::npos);
}

/// Sequential GPTQ over the tiny decoder, calibrated either way.
std::string quantize(OwningOpRef<ModuleOp> module,
                     const std::vector<int64_t> &windows, int64_t count,
                     int64_t lanes) {
  WeightQuantOptions options;
  options.config.bits = 3;
  options.config.groupSize = -1;
  options.useResources = false;
  FailureOr<SequentialGPTQReport> report = failure();
  if (lanes > 0) {
    std::string why;
    auto exec = LayerwiseCalibration::create(*module, windows, count, why);
    EXPECT_TRUE(succeeded(exec)) << why;
    if (failed(exec))
      return "";
    (*exec)->setLanes(lanes);
    report = runSequentialGPTQ(*module, options, CalibrationOrder::PerLayer,
                               **exec);
    EXPECT_EQ((*exec)->getNumLayers(), 2);
    // Layer 0 observed, layer 0 quantized (it feeds layer 1), layer 1
    // observed: three different segments (layer 0 starts from the
    // embedding). Reuse across layers is checked on tinyllama (lit).
    EXPECT_EQ((*exec)->getNumCompiles(), 3);
  } else {
    int64_t len = windows.size() / count;
    auto runner = [&](ModuleOp instrumented,
                      CalibrationStats &stats) -> LogicalResult {
      auto model = CPUModel::compile(instrumented);
      if (failed(model))
        return failure();
      std::vector<float> logits((*model)->getOutputSize());
      qmrt_set_observer(&CalibrationStats::observerCallback, &stats);
      for (int64_t w = 0; w < count; ++w)
        if (failed((*model)->run(windows.data() + w * len, logits.data())))
          return failure();
      qmrt_set_observer(nullptr, nullptr);
      return success();
    };
    report = runSequentialGPTQ(*module, options, CalibrationOrder::PerLayer,
                               runner);
  }
  EXPECT_TRUE(succeeded(report));
  if (failed(report))
    return "";
  EXPECT_EQ(report->quantizedMatmuls, 14);
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  return text;
}

TEST_F(LayerwiseTest, SameResultAsWholeModelCalibration) {
  const int64_t count = 6;
  std::vector<int64_t> windows = randomIds(count * 4, 11);
  std::string whole = quantize(load(), windows, count, 0);
  std::string one = quantize(load(), windows, count, 1);
  std::string two = quantize(load(), windows, count, 2);
  ASSERT_FALSE(whole.empty());
  EXPECT_NE(whole.find("qweight.matmul"), std::string::npos);
  EXPECT_EQ(one, whole);
  EXPECT_EQ(two, whole);
  EXPECT_EQ(one.find("qm.layer_boundary"), std::string::npos);
}

/// Logits of `module` (boundaries cleared on a copy) for `ids`.
std::vector<float> logitsOf(ModuleOp module, const std::vector<int64_t> &ids) {
  OwningOpRef<ModuleOp> copy(cast<ModuleOp>(module->clone()));
  clearLayerBoundaries(*copy);
  auto model = CPUModel::compile(*copy);
  EXPECT_TRUE(succeeded(model));
  if (failed(model))
    return {};
  std::vector<float> out((*model)->getOutputSize());
  EXPECT_TRUE(succeeded((*model)->run(ids.data(), out.data())));
  return out;
}

TEST_F(LayerwiseTest, AWQByLayerOutputKeepsTheFunction) {
  const int64_t count = 4;
  std::vector<int64_t> windows = randomIds(count * 4, 5);
  OwningOpRef<ModuleOp> module = loadWithNorms();
  ASSERT_TRUE(module);
  std::vector<int64_t> probe = randomIds(4, 9);
  std::vector<float> before = logitsOf(*module, probe);

  std::string why;
  auto exec = LayerwiseCalibration::create(*module, windows, count, why);
  ASSERT_TRUE(succeeded(exec)) << why;
  int64_t calls = 0, outSize = -1;
  AWQOptions awq;
  awq.foldOnly = true;
  awq.grid = 4;
  awq.layerOutput = [&](ModuleOp m, std::vector<float> &out) {
    ++calls;
    LogicalResult ok = (*exec)->runCurrentLayer(m, 2, out);
    outSize = out.size();
    return ok;
  };
  WeightQuantOptions options;
  options.config.bits = 3;
  options.config.groupSize = -1;
  StageQuantizer stage = [&](ModuleOp m, const WeightQuantOptions &opts,
                             const CalibrationStats &stats) {
    awq.quant = opts;
    return quantizeWeightsAWQ(m, awq, stats);
  };
  auto report = runSequentialGPTQ(*module, options, CalibrationOrder::PerLayer,
                                  **exec, stage);
  ASSERT_TRUE(succeeded(report));
  // Per layer: the reference, then 4 candidates for each of the two
  // norm-fed groups (q/k/v and gate/up); 2 windows x 4 tokens x 8 hidden.
  EXPECT_EQ(calls, 2 * (1 + 2 * 4));
  EXPECT_EQ(outSize, 2 * 4 * 8);
  std::string text = print(*module);
  EXPECT_EQ(text.find("awq_trial"), std::string::npos)
      << "trial weights left in the module";
  EXPECT_NE(text.find("_awq_norm"), std::string::npos)
      << "no scale was folded into a norm (the check below would be void)";

  std::vector<float> after = logitsOf(*module, probe);
  ASSERT_EQ(after.size(), before.size());
  float scale = 0;
  for (float v : before)
    scale = std::max(scale, std::fabs(v));
  for (size_t i = 0; i < after.size(); ++i)
    EXPECT_NEAR(after[i], before[i], 1e-5f * scale) << i;
}

TEST_F(LayerwiseTest, RefusesAModelWithoutLayers) {
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(R"mlir(
    func.func @main(%x: tensor<1x4x8xf32>) -> tensor<1x4x8xf32> {
      %w = arith.constant dense<0.5> : tensor<8x8xf32>
      %y = qgraph.matmul %x, %w : (tensor<1x4x8xf32>, tensor<8x8xf32>) -> tensor<1x4x8xf32>
      return %y : tensor<1x4x8xf32>
    })mlir",
                                                             &ctx);
  ASSERT_TRUE(module);
  std::string why;
  auto exec = LayerwiseCalibration::create(*module, {0, 1, 2, 3}, 1, why);
  EXPECT_TRUE(failed(exec));
  EXPECT_EQ(why, "no quantizable matmul belongs to a decoder layer");
}

} // namespace
