//===- LayerwiseCalibration.cpp - calibrate one decoder layer at a time -----===//
//
// Part of quant-mlir. See LayerwiseCalibration.h.
//
//===----------------------------------------------------------------------===//

#include "qm/Execution/LayerwiseCalibration.h"

#include "qm/Passes/Quantization/CalibrationStats.h"
#include "qm/Passes/Quantization/Passes.h"

#include "mlir/Pass/PassManager.h"

#include <chrono>

#if QM_HAVE_QMRT_CPU
#include "qmrt/qmrt.h"
#endif

using namespace mlir;
using namespace mlir::qm;

static double secondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t)
      .count();
}

FailureOr<std::unique_ptr<LayerwiseCalibration>>
LayerwiseCalibration::create(ModuleOp module, std::vector<int64_t> windows,
                             int64_t count, std::string &why) {
  if (count <= 0 || windows.size() % count != 0) {
    why = "calibration windows do not divide evenly";
    return failure();
  }
  FailureOr<LayerBoundaries> found = markLayerBoundaries(module, why);
  if (failed(found))
    return failure();
  std::unique_ptr<LayerwiseCalibration> self(new LayerwiseCalibration());
  self->marked = module;
  self->boundaries = *found;
  self->windows = std::move(windows);
  self->count = count;
  self->windowLen = self->windows.size() / count;
  return self;
}

LayerwiseCalibration::~LayerwiseCalibration() {
  if (marked)
    clearLayerBoundaries(marked);
}

int64_t LayerwiseCalibration::getCacheBytes() const {
  return (cache.capacity() + next.capacity()) * sizeof(float);
}

LogicalResult LayerwiseCalibration::runSegment(ModuleOp module,
                                               int64_t segment, bool observed,
                                               bool keep) {
  std::string why;
  auto extracted = extractLayerSegment(module, boundaries, segment, why);
  if (failed(extracted))
    return module.emitError("layer-wise calibration: ") << why;
  ModuleOp seg = **extracted;
  if (observed) {
    PassManager pm(module.getContext());
    InsertObserversPassOptions observe;
    observe.includeTransposed = true;
    pm.addPass(createInsertObserversPass(observe));
    if (failed(pm.run(seg)))
      return failure();
  }
  auto t0 = std::chrono::steady_clock::now();
  auto model = CPUModel::compile(seg);
  if (failed(model))
    return failure();
  compileSeconds += secondsSince(t0);
  t0 = std::chrono::steady_clock::now();

  ArrayRef<RankedTensorType> args = (*model)->getArgumentTypes();
  ArrayRef<RankedTensorType> results = (*model)->getResultTypes();
  bool hasInput = segment > 0;
  if (args.size() != (hasInput ? 2u : 1u) || results.size() != 1 ||
      !args[0].getElementType().isSignlessInteger(64) ||
      args[0].getNumElements() != windowLen)
    return module.emitError("layer-wise calibration: segment ")
           << segment << " has an unexpected signature";
  int64_t inElems = hasInput ? args[1].getNumElements() : 0;
  int64_t outElems = results[0].getNumElements();
  if (hasInput && (int64_t)cache.size() != count * inElems)
    return module.emitError("layer-wise calibration: no cached inputs for "
                            "segment ")
           << segment;
  std::vector<float> scratch;
  if (keep)
    next.resize(count * outElems);
  else
    scratch.resize(outElems);
  for (int64_t w = 0; w < count; ++w) {
    SmallVector<const void *> in{windows.data() + w * windowLen};
    if (hasInput)
      in.push_back(cache.data() + w * inElems);
    void *out = keep ? next.data() + w * outElems : scratch.data();
    if (failed((*model)->call(in, {out})))
      return module.emitError("layer-wise calibration: segment ")
             << segment << " failed on window " << w;
    if (progress)
      progress(w + 1, count);
  }
  if (keep) {
    std::swap(cache, next);
    next.clear();
    next.shrink_to_fit();
    cachedSegment = segment + 1;
  }
  runSeconds += secondsSince(t0);
  return success();
}

LogicalResult LayerwiseCalibration::advanceTo(ModuleOp module,
                                              int64_t segment) {
  if (segment < cachedSegment)
    return module.emitError("layer-wise calibration: segment ")
           << segment << " comes after segment " << cachedSegment;
  while (cachedSegment < segment)
    if (failed(runSegment(module, cachedSegment, /*observed=*/false,
                          /*keep=*/true)))
      return failure();
  return success();
}

LogicalResult LayerwiseCalibration::observe(ModuleOp module,
                                            const CalibrationStage &stage,
                                            CalibrationStats &stats) {
  if (stage.layer < 0)
    return module.emitError("layer-wise calibration cannot run a one-shot "
                            "stage");
  int64_t segment = std::min(stage.layer, boundaries.numLayers);
  if (segment == boundaries.numLayers && !boundaries.hasSuffix)
    return module.emitError("layer-wise calibration: the model has no "
                            "segment after its layers for '")
           << (stage.tags.empty() ? "" : stage.tags.front()) << "'";
  if (failed(advanceTo(module, segment)))
    return failure();
#if QM_HAVE_QMRT_CPU
  qmrt_set_observer(&CalibrationStats::observerCallback, &stats);
#endif
  LogicalResult result =
      runSegment(module, segment, /*observed=*/true, /*keep=*/false);
#if QM_HAVE_QMRT_CPU
  qmrt_set_observer(nullptr, nullptr);
#endif
  return result;
}

LogicalResult LayerwiseCalibration::finished(ModuleOp module,
                                             const CalibrationStage &stage) {
  (void)module;
  (void)stage;
  // The next observe() advances the cache through the quantized layer
  // (lazily: nothing runs after the last stage).
  return success();
}
