//===- LayerwiseCalibration.h - calibrate one decoder layer at a time -*- C++ -*-===//
//
// Part of quant-mlir. A CalibrationExecutor that runs sequential calibration
// as the reference GPTQ does: the hidden states of all calibration windows
// at the input of the current decoder layer are kept in memory; a stage
// runs only its layer (extracted by LayerSegments.h and JIT-compiled with
// observers), and a finished layer, quantized, is run once more to produce
// the next layer's inputs. The work is one pass over the model per layer
// instead of one whole-model pass per layer, and the memory is one set of
// hidden states (windows x tokens x hidden floats) plus the compiled layer.
//
// Weights are lifted out of a segment into arguments and observer tags are
// numbered before it is compiled, so all decoder layers of one shape share
// one compiled function (one for observing the float layer, one for running
// the quantized layer) instead of two compiles per layer.
//
//===----------------------------------------------------------------------===//

#ifndef QM_EXECUTION_LAYERWISECALIBRATION_H
#define QM_EXECUTION_LAYERWISECALIBRATION_H

#include "qm/Execution/CPUModel.h"
#include "qm/Passes/Quantization/LayerSegments.h"
#include "qm/Passes/Quantization/SequentialGPTQ.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace mlir::qm {

class LayerwiseCalibration : public CalibrationExecutor {
public:
  /// Marks the layer boundaries of `module` (see markLayerBoundaries; the
  /// marks are removed when this object dies). `windows` holds `count`
  /// rows of token ids, one per call of the model's 1 x len input. Fails,
  /// with the reason in `why`, when the model does not split into layers.
  static FailureOr<std::unique_ptr<LayerwiseCalibration>>
  create(ModuleOp module, std::vector<int64_t> windows, int64_t count,
         std::string &why);
  ~LayerwiseCalibration() override;

  LogicalResult observe(ModuleOp module, const CalibrationStage &stage,
                        CalibrationStats &stats) override;

  /// Runs the layer whose inputs are cached (the one of the last observed
  /// stage) as `module` is now, without observers, on the first
  /// `numWindows` calibration windows (all if <= 0), leaving the cache as
  /// it is; `out` receives the outputs, window after window. For searches
  /// that rank candidate weights by the layer's output (AWQ).
  LogicalResult runCurrentLayer(ModuleOp module, int64_t numWindows,
                                std::vector<float> &out);

  /// Windows run at once (default: the hardware threads); the statistics do
  /// not depend on it.
  void setLanes(int64_t n) { lanes = n > 0 ? n : defaultLanes(); }
  int64_t getNumLayers() const { return boundaries.numLayers; }
  /// Seconds spent compiling segments.
  double getCompileSeconds() const { return compileSeconds; }
  /// Bytes held for hidden states.
  int64_t getCacheBytes() const;

  /// Segments compiled, and segment runs served by an earlier compile.
  int64_t getNumCompiles() const { return numCompiles; }
  int64_t getNumReuses() const { return numReuses; }

private:
  LayerwiseCalibration() = default;
  static void translateObserver(void *user, const char *tag,
                                const float *data, int64_t rows,
                                int64_t cols);
  /// Runs segment `segment` of `module` over all windows; `observed` adds
  /// observers, `keep` stores the outputs as the next segment's inputs.
  /// With `outputs`, only the first `limit` windows run and their outputs
  /// go there instead.
  LogicalResult runSegment(ModuleOp module, int64_t segment, bool observed,
                           bool keep, int64_t limit = 0,
                           std::vector<float> *outputs = nullptr);
  /// Brings the cache to the input of `segment`.
  LogicalResult advanceTo(ModuleOp module, int64_t segment);

  ModuleOp marked;
  LayerBoundaries boundaries;
  std::vector<int64_t> windows;
  int64_t count = 0, windowLen = 0;
  /// Inputs of segment `cachedSegment` (none needed for segment 0).
  std::vector<float> cache, next;
  int64_t cachedSegment = 0;
  double compileSeconds = 0;
  int64_t numCompiles = 0, numReuses = 0;
  /// Compiled segments by their text with weights lifted to arguments and
  /// observer tags numbered: decoder layers of one shape share one compile.
  std::map<std::string, std::unique_ptr<CPUModel>> compiled;
  /// While observing: the real tags of the running segment's observers
  /// ("#<i>" in the compiled code) and where their activations go.
  std::vector<std::string> observedTags;
  CalibrationStats *observedStats = nullptr;
public:
  struct Pending {
    unsigned tag;
    std::vector<float> data;
    int64_t rows, cols;
  };

private:
  /// Activations wait here for the accumulator thread, which adds them to
  /// `observedStats` in arrival order (the same sums as without it) while
  /// the next window runs.
  std::deque<Pending> queue;
  /// The running window's observations (null: straight to the queue).
  static thread_local std::vector<Pending> *laneJobs;
  void enqueue(Pending job);
  static int64_t defaultLanes() {
    unsigned n = std::thread::hardware_concurrency();
    return n ? n : 1;
  }
  int64_t lanes = defaultLanes();
  std::mutex queueMutex;
  std::condition_variable queueCv;
  bool accumulatorStop = false;
  std::thread accumulator;
  void accumulateLoop();
  void drainQueue();
};

} // namespace mlir::qm

#endif // QM_EXECUTION_LAYERWISECALIBRATION_H
