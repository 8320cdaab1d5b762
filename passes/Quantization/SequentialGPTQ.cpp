//===- SequentialGPTQ.cpp - calibrate-and-quantize driver -------------------===//
//
// Part of quant-mlir. See SequentialGPTQ.h.
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Quantization/SequentialGPTQ.h"
#include "qm/Passes/Quantization/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

#include <chrono>
#include <map>
#include <random>
#include <set>

using namespace mlir;
using namespace mlir::qm;

/// Escapes glob metacharacters so a tag matches only itself.
static std::string exactGlob(StringRef tag) {
  std::string out;
  for (char c : tag) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '{' ||
        c == '}' || c == '\\')
      out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

FailureOr<SequentialGPTQReport>
mlir::qm::runSequentialGPTQ(ModuleOp module, const WeightQuantOptions &opts,
                            CalibrationOrder order,
                            const CalibrationRunner &runner,
                            const StageQuantizer &quantize) {
  WeightQuantOptions options = opts;
  options.gptq = true;
  std::string problem = options.config.validate();
  if (!problem.empty())
    return mlir::emitError(module.getLoc(), "invalid quantization option: ")
           << problem;

  // Stages, in program order of their first matmul.
  std::vector<QuantTarget> targets = findQuantTargets(module);
  for (QuantTarget &t : targets)
    t.config = options.config;
  if (!options.configFile.empty() &&
      failed(applyConfigFile(module, options.configFile, targets)))
    return failure();
  std::map<std::pair<int64_t, int64_t>, std::vector<std::string>> stageTags;
  std::vector<std::pair<int64_t, int64_t>> stageOrder;
  int64_t unlayered = 0;
  for (const QuantTarget &t : targets) {
    if (t.skip || (t.isHead && !options.includeHead))
      continue;
    std::pair<int64_t, int64_t> key{0, 0};
    if (order != CalibrationOrder::OneShot) {
      // Matmuls outside the layer pattern (e.g. the head) come last, each
      // on its own.
      int64_t layer = t.layer >= 0 ? t.layer : (int64_t)1 << 40;
      int64_t sub = order == CalibrationOrder::TrueSequential || t.layer < 0
                        ? (t.layer >= 0 ? t.stage : unlayered++)
                        : 0;
      key = {layer, sub};
    }
    auto [it, inserted] = stageTags.try_emplace(key);
    if (inserted)
      stageOrder.push_back(key);
    it->second.push_back(t.tag);
  }
  std::sort(stageOrder.begin(), stageOrder.end());

  SequentialGPTQReport report;
  using Clock = std::chrono::steady_clock;
  for (const auto &key : stageOrder) {
    const std::vector<std::string> &tags = stageTags[key];
    std::set<std::string> wanted(tags.begin(), tags.end());
    // Instrument a copy: every remaining float matmul gets an observer
    // (those of earlier stages are qweight.matmul by now).
    OwningOpRef<ModuleOp> copy(cast<ModuleOp>(module->clone()));
    PassManager pm(module.getContext());
    InsertObserversPassOptions observe;
    observe.includeTransposed = options.includeHead;
    pm.addPass(createInsertObserversPass(observe));
    if (failed(pm.run(*copy)))
      return failure();
    CalibrationStats stats;
    stats.setFilter([&](const std::string &tag) { return wanted.count(tag) > 0; });
    auto start = Clock::now();
    if (failed(runner(*copy, stats)))
      return mlir::emitError(module.getLoc(), "calibration run ")
             << report.calibrationRuns + 1 << " failed";
    ++report.calibrationRuns;
    auto mid = Clock::now();
    report.calibrationSeconds +=
        std::chrono::duration<double>(mid - start).count();
    if (!stats.getError().empty())
      return mlir::emitError(module.getLoc(), "calibration: ")
             << stats.getError();
    options.only.clear();
    for (const std::string &tag : tags)
      options.only.push_back(exactGlob(tag));
    FailureOr<int64_t> done = quantize ? quantize(module, options, stats)
                                       : quantizeWeights(module, options, &stats);
    if (failed(done))
      return failure();
    report.quantizedMatmuls += *done;
    report.solveSeconds +=
        std::chrono::duration<double>(Clock::now() - mid).count();
  }
  return report;
}

bool mlir::qm::sampleCalibrationWindows(ArrayRef<int64_t> tokens,
                                        int64_t count, int64_t length,
                                        uint64_t seed,
                                        std::vector<int64_t> &windows,
                                        std::string &error) {
  if (count <= 0 || length <= 0) {
    error = "invalid calibration shape (" + std::to_string(count) +
            " windows of " + std::to_string(length) + " tokens)";
    return false;
  }
  if ((int64_t)tokens.size() < count * length) {
    error = "too little calibration text: " + std::to_string(tokens.size()) +
            " tokens, but " + std::to_string(count) + " windows of " +
            std::to_string(length) + " tokens need at least " +
            std::to_string(count * length);
    return false;
  }
  // Same draw as qmrt::sampleCalibrationWindows (runtime/qmrt_text):
  // offset = rng() % (size - length + 1), std::mt19937_64 being fully
  // specified by the standard.
  std::mt19937_64 rng(seed);
  uint64_t range = tokens.size() - (uint64_t)length + 1;
  windows.resize(count * length);
  for (int64_t w = 0; w < count; ++w) {
    int64_t start = (int64_t)(rng() % range);
    std::copy(tokens.begin() + start, tokens.begin() + start + length,
              windows.begin() + w * length);
  }
  return true;
}
