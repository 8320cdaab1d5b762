//===- Runtime.cpp - dispatch, thread pool, observer ----------------------===//
//
// Part of quant-mlir. CPU feature dispatch, the persistent thread pool the
// kernels run on, qmrt_set_num_threads and the calibration observer.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"
#include "qmrt/qmrt.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <pthread.h>
#include <thread>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

using namespace qmrt::cpu;

//===----------------------------------------------------------------------===//
// ISA dispatch
//===----------------------------------------------------------------------===//

Isa qmrt::cpu::detectIsa() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") &&
      __builtin_cpu_supports("fma"))
    return IsaAvx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return IsaAvx2;
#endif
  return IsaScalar;
}

static const KernelSet *kernelsFor(int isa) {
  switch (isa) {
  case IsaAvx512:
    return getAvx512Kernels();
  case IsaAvx2:
    return getAvx2Kernels();
  default:
    return getScalarKernels();
  }
}

static int initialIsa() {
  int best = detectIsa();
  if (const char *env = std::getenv("QMRT_ISA")) {
    int want = !std::strcmp(env, "scalar") ? IsaScalar
               : !std::strcmp(env, "avx2") ? IsaAvx2
                                           : IsaAvx512;
    return want < best ? want : best;
  }
  return best;
}

static std::atomic<int> gIsa{-2};

const KernelSet *qmrt::cpu::activeKernels() {
  int isa = gIsa.load(std::memory_order_relaxed);
  if (isa < 0) {
    isa = initialIsa();
    gIsa.store(isa, std::memory_order_relaxed);
  }
  return kernelsFor(isa);
}

int qmrt::cpu::forceIsa(int isa) {
  int best = detectIsa();
  int use = isa < 0 ? initialIsa() : (isa < best ? isa : best);
  gIsa.store(use, std::memory_order_relaxed);
  return use;
}

//===----------------------------------------------------------------------===//
// Thread pool
//===----------------------------------------------------------------------===//

namespace {
class ThreadPool;
ThreadPool &pool();

/// A persistent pool of numThreads - 1 workers; the caller of parallelFor
/// is the last thread. Tasks are handed out through an atomic counter.
class ThreadPool {
public:
  ThreadPool() {
    // A forked child has none of the workers: start afresh there.
    pthread_atfork(nullptr, nullptr, [] { pool().resetInChild(); });
  }
  ~ThreadPool() { stopWorkers(); }

  /// In the child of fork(): the worker threads do not exist and the mutexes
  /// may have been held by threads that do not exist either. Re-create the
  /// synchronization objects and forget (leak) the thread handles: joining
  /// or destroying them would be undefined.
  void resetInChild() {
    new (&runMutex) std::mutex();
    new (&mutex) std::mutex();
    new (&wakeCv) std::condition_variable();
    new (&doneCv) std::condition_variable();
    new std::vector<std::thread>(std::move(workers));
    workers.clear();
    stop = false;
    pending = 0;
    pendingAtomic.store(0);
    insidePool = false;
  }

  void setNumThreads(int n) {
    std::lock_guard<std::mutex> run(runMutex);
    if (n == numThreads)
      return;
    stopWorkers();
    numThreads = n;
  }
  int getNumThreads() const { return numThreads; }

  void parallelFor(int64_t numTasks, void (*fn)(void *, int64_t), void *ctx) {
    if (numTasks <= 0)
      return;
    std::unique_lock<std::mutex> run(runMutex, std::try_to_lock);
    if (numTasks == 1 || numThreads <= 1 || insidePool || !run.owns_lock()) {
      for (int64_t t = 0; t < numTasks; ++t)
        fn(ctx, t);
      return;
    }
    startWorkers();
    {
      std::lock_guard<std::mutex> lock(mutex);
      jobFn = fn;
      jobCtx = ctx;
      jobTasks = numTasks;
      nextTask.store(0);
      pending = (int)workers.size();
      pendingAtomic.store(pending, std::memory_order_relaxed);
      ++generation;
      publishedGeneration.store(generation, std::memory_order_release);
    }
    wakeCv.notify_all();
    insidePool = true;
    runTasks();
    insidePool = false;
    for (int i = 0; i < kSpinIterations &&
                    pendingAtomic.load(std::memory_order_acquire) != 0;
         ++i)
      cpuRelax();
    std::unique_lock<std::mutex> lock(mutex);
    doneCv.wait(lock, [&] { return pending == 0; });
  }

private:
  void runTasks() {
    for (int64_t t; (t = nextTask.fetch_add(1)) < jobTasks;)
      jobFn(jobCtx, t);
  }

  void startWorkers() {
    if ((int)workers.size() == numThreads - 1)
      return;
    stop = false;
    uint64_t current = generation; // no job runs: runMutex is held
    for (int i = (int)workers.size(); i < numThreads - 1; ++i)
      workers.emplace_back([this, current] { workerLoop(current); });
  }

  void stopWorkers() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stop = true;
    }
    wakeCv.notify_all();
    for (std::thread &t : workers)
      t.join();
    workers.clear();
  }

  void workerLoop(uint64_t seen) {
    insidePool = true;
    for (;;) {
      // Spin briefly before sleeping: kernels come in quick succession
      // (one decode step is dozens of small matmuls), and a futex wake-up
      // costs more than most of them.
      for (int i = 0; i < kSpinIterations &&
                      publishedGeneration.load(std::memory_order_acquire) ==
                          seen;
           ++i)
        cpuRelax();
      {
        std::unique_lock<std::mutex> lock(mutex);
        wakeCv.wait(lock, [&] { return stop || generation != seen; });
        if (stop)
          return;
        seen = generation;
      }
      runTasks();
      std::lock_guard<std::mutex> lock(mutex);
      pendingAtomic.store(--pending, std::memory_order_release);
      if (pending == 0)
        doneCv.notify_one();
    }
  }

  static thread_local bool insidePool;
  std::mutex runMutex; // one parallelFor at a time
  std::mutex mutex;    // guards the job fields and generation
  std::condition_variable wakeCv, doneCv;
  std::vector<std::thread> workers;
  int numThreads = defaultThreads();
  bool stop = false;
  uint64_t generation = 0;
  int pending = 0;
  void (*jobFn)(void *, int64_t) = nullptr;
  void *jobCtx = nullptr;
  int64_t jobTasks = 0;
  std::atomic<int64_t> nextTask{0};
  // Lock-free mirrors of generation and pending for the spin phases.
  std::atomic<uint64_t> publishedGeneration{0};
  std::atomic<int> pendingAtomic{0};
  // Pause-loop iterations to spin before sleeping (QMRT_SPIN, default 0).
  // Spinning saves the futex wake-up between the many small kernels of a
  // decode step on a dedicated machine, but on an oversubscribed one the
  // spinning worker steals the CPU from the thread doing the work (measured
  // here: 2-5x slower decode with 6 jobs on 2 cores), so it is opt-in.
  const int kSpinIterations = spinFromEnv();
  static int spinFromEnv() {
    const char *env = std::getenv("QMRT_SPIN");
    return env ? std::max(0, std::atoi(env)) : 0;
  }
  static void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }

public:
  static int defaultThreads() {
    if (const char *env = std::getenv("QMRT_NUM_THREADS")) {
      int n = std::atoi(env);
      if (n > 0)
        return n;
    }
    unsigned hc = std::thread::hardware_concurrency();
    return hc ? (int)hc : 1;
  }
};
thread_local bool ThreadPool::insidePool = false;

ThreadPool &pool() {
  // Intentionally leaked: worker threads must not be joined from static
  // destructors of a process that is exiting (or a dlclose'd JIT module).
  static ThreadPool *p = new ThreadPool();
  return *p;
}


} // namespace

void qmrt::cpu::parallelFor(int64_t numTasks, void (*fn)(void *, int64_t),
                            void *ctx) {
  pool().parallelFor(numTasks, fn, ctx);
}

extern "C" QMRT_EXPORT void qmrt_set_num_threads(int n) {
  pool().setNumThreads(n > 0 ? n : ThreadPool::defaultThreads());
}

extern "C" QMRT_EXPORT int qmrt_get_num_threads(void) { return pool().getNumThreads(); }

//===----------------------------------------------------------------------===//
// Observer
//===----------------------------------------------------------------------===//

namespace {
std::mutex observerMutex;
qmrt_observer_fn observerFn = nullptr;
void *observerUser = nullptr;
} // namespace

extern "C" QMRT_EXPORT void qmrt_set_observer(qmrt_observer_fn fn, void *user) {
  std::lock_guard<std::mutex> lock(observerMutex);
  observerFn = fn;
  observerUser = user;
}

extern "C" QMRT_EXPORT void qmrt_observe(const char *tag, const float *data, int64_t rows,
                             int64_t cols) {
  qmrt_observer_fn fn;
  void *user;
  {
    std::lock_guard<std::mutex> lock(observerMutex);
    fn = observerFn;
    user = observerUser;
  }
  if (fn)
    fn(user, tag, data, rows, cols);
}

extern "C" void qmrt_reuse_freed_memory(void) {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 512 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}
