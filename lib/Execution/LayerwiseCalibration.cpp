//===- LayerwiseCalibration.cpp - calibrate one decoder layer at a time -----===//
//
// Part of quant-mlir. See LayerwiseCalibration.h.
//
//===----------------------------------------------------------------------===//

#include "qm/Execution/LayerwiseCalibration.h"

#include "qm/Passes/Quantization/CalibrationStats.h"
#include "qm/Passes/Quantization/Passes.h"

#include "qm/Dialect/QWeight/IR/QWeight.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"

#include <cblas.h>

#include <atomic>
#include <chrono>
#include <cstring>

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

/// Replaces the float and unsigned-integer constants (weights, norm scales,
/// quantized codes, scales and zero points) of `segment`'s entry by
/// trailing arguments; `data` receives the raw bytes to pass for each.
/// Unsigned data arrives signless and gets its type back through an
/// unrealized cast, which the qweight lowering looks through.
static LogicalResult liftConstants(ModuleOp segment,
                                   std::vector<const void *> &data,
                                   std::vector<std::vector<char>> &storage) {
  auto func = *segment.getOps<func::FuncOp>().begin();
  Block &entry = func.getBody().front();
  // Constants in the order of their first use (not of their definition,
  // which a rewrite such as AWQ's folding may move), so that equal layers
  // give equal signatures.
  llvm::DenseMap<Operation *, int64_t> position;
  for (Operation &op : entry)
    position[&op] = position.size();
  auto firstUse = [&](arith::ConstantOp cst) {
    std::pair<int64_t, unsigned> best{INT64_MAX, 0};
    for (OpOperand &use : cst->getUses()) {
      Operation *user = use.getOwner();
      while (user->getBlock() != &entry)
        user = user->getParentOp();
      best = std::min(best, {position[user], use.getOperandNumber()});
    }
    return best;
  };
  SmallVector<std::tuple<std::pair<int64_t, unsigned>, int64_t,
                         arith::ConstantOp>>
      order;
  for (auto cst : func.getOps<arith::ConstantOp>())
    order.push_back({firstUse(cst), position[cst], cst});
  llvm::sort(order, [](const auto &a, const auto &b) {
    return std::make_pair(std::get<0>(a), std::get<1>(a)) <
           std::make_pair(std::get<0>(b), std::get<1>(b));
  });
  SmallVector<arith::ConstantOp> constants;
  for (auto &entry : order)
    constants.push_back(std::get<2>(entry));
  SmallVector<arith::ConstantOp> lifted;
  for (auto cst : constants) {
    auto type = dyn_cast<RankedTensorType>(cst.getType());
    if (!type || type.getNumElements() <= 1 ||
        type.getElementType().getIntOrFloatBitWidth() % 8 != 0)
      continue;
    // Packed codes (k_packed) are signless i32 words: lifted as operands of
    // qweight.assemble (shape constants stay, they fold).
    bool weightLike = isa<FloatType>(type.getElementType()) ||
                      type.getElementType().isUnsignedInteger() ||
                      llvm::any_of(cst->getUsers(), [](Operation *user) {
                        return isa<qweight::AssembleOp>(user);
                      });
    if (!weightLike)
      continue;
    const void *bytes = nullptr;
    Attribute value = cst.getValue();
    if (auto res = dyn_cast<DenseResourceElementsAttr>(value)) {
      if (AsmResourceBlob *blob = res.getRawHandle().getBlob())
        bytes = blob->getData().data();
    } else if (auto dense = dyn_cast<DenseIntOrFPElementsAttr>(value)) {
      if (!dense.isSplat()) {
        bytes = dense.getRawData().data();
      } else {
        // A splat is lifted too (expanded), so a layer whose zero points
        // happen to be all equal still shares the other layers' code.
        int64_t width = type.getElementType().getIntOrFloatBitWidth() / 8;
        ArrayRef<char> one = dense.getRawData();
        std::vector<char> &full = storage.emplace_back(type.getNumElements() * width);
        for (int64_t i = 0; i < type.getNumElements(); ++i)
          std::memcpy(full.data() + i * width, one.data(), width);
        bytes = full.data();
      }
    }
    if (!bytes)
      continue;
    lifted.push_back(cst);
    data.push_back(bytes);
  }
  OpBuilder b(func.getContext());
  for (arith::ConstantOp cst : lifted) {
    b.setInsertionPoint(cst);
    auto type = cast<RankedTensorType>(cst.getType());
    Value replacement;
    if (auto it = dyn_cast<IntegerType>(type.getElementType());
        it && !it.isSignless()) {
      BlockArgument arg = entry.addArgument(
          type.clone(b.getIntegerType(it.getWidth())), cst.getLoc());
      replacement = UnrealizedConversionCastOp::create(b, cst.getLoc(), type,
                                                       ValueRange{arg})
                        .getResult(0);
    } else {
      replacement = entry.addArgument(type, cst.getLoc());
    }
    cst.getResult().replaceAllUsesWith(replacement);
    cst.erase();
  }
  func.setFunctionType(FunctionType::get(
      func.getContext(), entry.getArgumentTypes(),
      func.getFunctionType().getResults()));
  return success();
}

void LayerwiseCalibration::translateObserver(void *user, const char *tag,
                                             const float *data, int64_t rows,
                                             int64_t cols) {
  auto *self = static_cast<LayerwiseCalibration *>(user);
  if (!self->observedStats)
    return;
  unsigned index = 0;
  if (!tag || tag[0] != '#' ||
      StringRef(tag + 1).getAsInteger(10, index) ||
      index >= self->observedTags.size()) {
    self->drainQueue();
    self->observedStats->accumulate(tag, data, rows, cols);
    return;
  }
  // A copy waits with the window's other observations until the window is
  // done (see runSegment), then goes to the accumulator thread.
  Pending job{index, std::vector<float>(data, data + rows * cols), rows, cols};
  if (laneJobs)
    laneJobs->push_back(std::move(job));
  else
    self->enqueue(std::move(job));
}

void LayerwiseCalibration::enqueue(Pending job) {
  // At most a few windows' worth waits, so memory stays bounded.
  constexpr size_t kMaxPending = 16;
  std::unique_lock<std::mutex> lock(queueMutex);
  queueCv.wait(lock, [&] { return queue.size() < kMaxPending; });
  queue.push_back(std::move(job));
  lock.unlock();
  queueCv.notify_all();
}

thread_local std::vector<LayerwiseCalibration::Pending>
    *LayerwiseCalibration::laneJobs = nullptr;



void LayerwiseCalibration::accumulateLoop() {
  std::unique_lock<std::mutex> lock(queueMutex);
  while (true) {
    queueCv.wait(lock, [&] { return accumulatorStop || !queue.empty(); });
    if (queue.empty())
      return;
    Pending &job = queue.front();
    lock.unlock();
    observedStats->accumulate(observedTags[job.tag].c_str(), job.data.data(),
                              job.rows, job.cols);
    lock.lock();
    queue.pop_front();
    queueCv.notify_all();
  }
}

void LayerwiseCalibration::drainQueue() {
  std::unique_lock<std::mutex> lock(queueMutex);
  queueCv.wait(lock, [&] { return queue.empty(); });
}

LogicalResult LayerwiseCalibration::runSegment(ModuleOp module,
                                               int64_t segment, bool observed,
                                               bool keep, int64_t limit,
                                               std::vector<float> *outputs) {
  assert(!(keep && outputs) && "outputs go to the cache or to the caller");
  std::string why;
  auto extracted = extractLayerSegment(module, boundaries, segment, why);
  if (failed(extracted))
    return module.emitError("layer-wise calibration: ") << why;
  ModuleOp seg = **extracted;
  observedTags.clear();
  if (observed) {
    PassManager pm(module.getContext());
    InsertObserversPassOptions observe;
    observe.includeTransposed = true;
    pm.addPass(createInsertObserversPass(observe));
    if (failed(pm.run(seg)))
      return failure();
    seg.walk([&](qweight::ObserveOp op) {
      observedTags.push_back(op.getTag().str());
      op.setTag("#" + std::to_string(observedTags.size() - 1));
    });
  }
  std::vector<const void *> weights;
  std::vector<std::vector<char>> splatStorage;
  if (failed(liftConstants(seg, weights, splatStorage)))
    return failure();
  std::string key;
  {
    llvm::raw_string_ostream os(key);
    // Constants stay in full (equal keys must mean equal code); resource
    // blobs are named uniquely, so their bytes need not be printed.
    seg.print(os, OpPrintingFlags().elideLargeResourceString(64));
  }
  auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<CPUModel> &model = compiled[key];
  if (!model) {
    auto made = CPUModel::compile(seg);
    if (failed(made))
      return failure();
    model = std::move(*made);
    ++numCompiles;
    compileSeconds += secondsSince(t0);
  } else {
    ++numReuses;
  }

  ArrayRef<RankedTensorType> args = model->getArgumentTypes();
  ArrayRef<RankedTensorType> results = model->getResultTypes();
  bool hasInput = segment > 0;
  size_t fixedArgs = hasInput ? 2 : 1;
  if (args.size() != fixedArgs + weights.size() || results.size() != 1 ||
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
  int64_t numWindows = outputs && limit > 0 ? std::min(limit, count) : count;
  if (keep)
    next.resize(count * outElems);
  if (outputs)
    outputs->resize(numWindows * outElems);
  // Windows run in parallel lanes, each with single-threaded kernels (the
  // elementwise code is single-threaded anyway). Observations of a window
  // are handed to the accumulator only after those of all earlier windows,
  // so the statistics are the same sums in the same order for any number
  // of lanes.
  int64_t numLanes =
      std::max<int64_t>(1, std::min<int64_t>(lanes, numWindows));
  std::atomic<int64_t> nextWindow{0};
  std::atomic<bool> failedRun{false};
  std::atomic<int64_t> failedWindow{-1};
  int64_t nextSubmit = 0;
  std::mutex submitMutex;
  std::condition_variable submitCv;
  auto lane = [&] {
    std::vector<float> scratch(keep || outputs ? 0 : outElems);
    std::vector<Pending> jobs;
    while (!failedRun) {
      int64_t w = nextWindow.fetch_add(1);
      if (w >= numWindows)
        break;
      SmallVector<const void *> in{windows.data() + w * windowLen};
      if (hasInput)
        in.push_back(cache.data() + w * inElems);
      in.append(weights.begin(), weights.end());
      void *out = keep      ? next.data() + w * outElems
                  : outputs ? outputs->data() + w * outElems
                            : scratch.data();
      jobs.clear();
      laneJobs = observed ? &jobs : nullptr;
      bool ok = succeeded(model->call(in, {out}));
      laneJobs = nullptr;
      std::unique_lock<std::mutex> lock(submitMutex);
      submitCv.wait(lock, [&] { return nextSubmit == w || failedRun; });
      if (!ok) {
        failedWindow = w;
        failedRun = true;
      } else {
        for (Pending &job : jobs)
          enqueue(std::move(job));
      }
      ++nextSubmit;
      submitCv.notify_all();
    }
  };
  runInLanes(numLanes, lane);
  if (failedRun)
    return module.emitError("layer-wise calibration: segment ")
           << segment << " failed on window " << failedWindow.load();
  if (keep) {
    std::swap(cache, next);
    next.clear();
    next.shrink_to_fit();
    cachedSegment = segment + 1;
  }
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

LogicalResult LayerwiseCalibration::runCurrentLayer(ModuleOp module,
                                                    int64_t numWindows,
                                                    std::vector<float> &out) {
  if (cachedSegment > boundaries.numLayers ||
      (cachedSegment == boundaries.numLayers && !boundaries.hasSuffix))
    return module.emitError("layer-wise calibration: no layer to run");
  return runSegment(module, cachedSegment, /*observed=*/false, /*keep=*/false,
                    numWindows, &out);
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
  // The cache advances through the layers quantized since the last call
  // here (lazily: nothing runs after the last stage).
  if (failed(advanceTo(module, segment)))
    return failure();
  observedStats = &stats;
  accumulatorStop = false;
  accumulator = std::thread([this] { accumulateLoop(); });
  // One BLAS thread: the accumulator runs beside the model's own kernel
  // threads, and OpenBLAS's idle threads would spin against both.
  int blasThreads = openblas_get_num_threads();
  openblas_set_num_threads(1);
#if QM_HAVE_QMRT_CPU
  qmrt_set_observer(&LayerwiseCalibration::translateObserver, this);
#endif
  LogicalResult result =
      runSegment(module, segment, /*observed=*/true, /*keep=*/false);
#if QM_HAVE_QMRT_CPU
  qmrt_set_observer(nullptr, nullptr);
#endif
  {
    std::lock_guard<std::mutex> lock(queueMutex);
    accumulatorStop = true;
  }
  queueCv.notify_all();
  accumulator.join();
  openblas_set_num_threads(blasThreads);
  observedStats = nullptr;
  return result;
}

