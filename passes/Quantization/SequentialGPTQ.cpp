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

CalibrationExecutor::~CalibrationExecutor() = default;

LogicalResult WholeModelExecutor::observe(ModuleOp module,
                                          const CalibrationStage &stage,
                                          CalibrationStats &stats) {
  (void)stage;
  // Instrument a copy: every remaining float matmul gets an observer (those
  // of earlier stages are qweight.matmul by now); `stats` keeps the stage's.
  OwningOpRef<ModuleOp> copy(cast<ModuleOp>(module->clone()));
  PassManager pm(module.getContext());
  InsertObserversPassOptions observeOptions;
  observeOptions.includeTransposed = observeTransposed;
  pm.addPass(createInsertObserversPass(observeOptions));
  if (failed(pm.run(*copy)))
    return failure();
  return runner(*copy, stats);
}

FailureOr<SequentialGPTQReport>
mlir::qm::runSequentialGPTQ(ModuleOp module, const WeightQuantOptions &opts,
                            CalibrationOrder order,
                            const CalibrationRunner &runner,
                            const StageQuantizer &quantize) {
  WholeModelExecutor executor(runner, opts.includeHead);
  return runSequentialGPTQ(module, opts, order, executor, quantize);
}

FailureOr<SequentialGPTQReport>
mlir::qm::runSequentialGPTQ(ModuleOp module, const WeightQuantOptions &opts,
                            CalibrationOrder order,
                            CalibrationExecutor &executor,
                            const StageQuantizer &quantize) {
  WeightQuantOptions options = opts;
  options.gptq = true;
  std::string problem = options.config.validate();
  if (!problem.empty())
    return mlir::emitError(module.getLoc(), "invalid quantization option: ")
           << problem;

  // Stages, in program order of their first matmul.
  FailureOr<std::vector<QuantTarget>> targets =
      collectQuantTargets(module, options);
  if (failed(targets))
    return failure();
  std::map<std::pair<int64_t, int64_t>, std::vector<std::string>> stageTags;
  int64_t unlayered = 0;
  constexpr int64_t kAfterLayers = (int64_t)1 << 40;
  for (const QuantTarget &t : *targets) {
    if (!t.selected)
      continue;
    std::pair<int64_t, int64_t> key{-1, 0};
    if (order != CalibrationOrder::OneShot) {
      // Matmuls outside the layer pattern (e.g. the head) come last, each
      // on its own.
      int64_t layer = t.layer >= 0 ? t.layer : kAfterLayers;
      int64_t sub = order == CalibrationOrder::TrueSequential || t.layer < 0
                        ? (t.layer >= 0 ? t.stage : unlayered++)
                        : 0;
      key = {layer, sub};
    }
    stageTags[key].push_back(t.tag);
  }
  std::vector<CalibrationStage> stages;
  for (auto &[key, tags] : stageTags) {
    if (!stages.empty() && stages.back().layer != key.first)
      stages.back().endsLayer = true;
    CalibrationStage &stage = stages.emplace_back();
    stage.layer = key.first;
    stage.tags = tags;
  }
  if (!stages.empty())
    stages.back().endsLayer = true;

  SequentialGPTQReport report;
  using Clock = std::chrono::steady_clock;
  for (const CalibrationStage &stage : stages) {
    std::set<std::string> wanted(stage.tags.begin(), stage.tags.end());
    CalibrationStats stats;
    if (options.rowSampleEvery > 0)
      stats.keepRowSample(options.rowSampleEvery, options.rowSampleMax);
    stats.setFilter([&](const std::string &tag) { return wanted.count(tag) > 0; });
    auto start = Clock::now();
    if (failed(executor.observe(module, stage, stats)))
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
    for (const std::string &tag : stage.tags)
      options.only.push_back(exactGlob(tag));
    FailureOr<int64_t> done = quantize ? quantize(module, options, stats)
                                       : quantizeWeights(module, options, &stats);
    if (failed(done))
      return failure();
    report.quantizedMatmuls += *done;
    auto end = Clock::now();
    report.solveSeconds += std::chrono::duration<double>(end - mid).count();
    if (failed(executor.finished(module, stage)))
      return mlir::emitError(module.getLoc(), "calibration run after stage ")
             << report.calibrationRuns << " failed";
    report.calibrationSeconds +=
        std::chrono::duration<double>(Clock::now() - end).count();
  }
  return report;
}
