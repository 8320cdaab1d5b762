//===- RuntimeKernelTests.cpp - qmrt CPU kernels ----------------------------===//
//
// Part of quant-mlir. qmrt_sgemm and qmrt_qmatmul against naive
// double-precision references, for every kernel set the CPU supports
// (scalar, AVX2, AVX-512), 1 and 2 threads, odd shapes, leading dimensions
// larger than the widths, every bit width and layout, symmetric and
// asymmetric, with and without a group index and with a short last group.
// Every output element (and the padding between rows) is NaN before the
// call: the valid region must be written and correct, the padding untouched.
//
// Tolerances: |y - ref| <= 2e-6 * sqrt(K) * sum_k |x_k| |W_kn| + 1e-30,
// i.e. a few ulps of f32 accumulation relative to the magnitude of the
// terms; the decode kernels fold the zero point out of the group sum
// (s * (sum x q - z sum x)), so the bound uses |W| with q and z added.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"
#include "qmrt/qmrt.h"

#include "gtest/gtest.h"

#include <atomic>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

using namespace qmrt::cpu;

namespace {

const float kNaN = std::numeric_limits<float>::quiet_NaN();

std::vector<int> supportedIsas() {
  std::vector<int> isas;
  for (int i = IsaScalar; i <= detectIsa(); ++i)
    isas.push_back(i);
  return isas;
}

const char *isaName(int isa) {
  return isa == IsaAvx512 ? "avx512" : isa == IsaAvx2 ? "avx2" : "scalar";
}

/// Runs body once per (kernel set, thread count) and restores the defaults.
template <typename Fn> void forEachConfig(Fn body) {
  for (int isa : supportedIsas()) {
    ASSERT_EQ(forceIsa(isa), isa);
    for (int threads : {1, 2}) {
      qmrt_set_num_threads(threads);
      SCOPED_TRACE(std::string("isa=") + isaName(isa) +
                   " threads=" + std::to_string(threads));
      body();
    }
  }
  forceIsa(-1);
  qmrt_set_num_threads(0);
}

std::vector<float> randomFloats(size_t n, std::mt19937 &rng, float lo = -1.0f,
                                float hi = 1.0f) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float &f : v)
    f = d(rng);
  return v;
}

/// Checks out (rows x cols, stride ld) against ref with per-element bounds;
/// the padding columns [cols, ld) must still be NaN.
void expectClose(const std::vector<float> &out, int64_t rows, int64_t cols,
                 int64_t ld, const std::vector<double> &ref,
                 const std::vector<double> &bound) {
  int64_t bad = 0;
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < ld; ++j) {
      float v = out[i * ld + j];
      if (j >= cols) {
        if (!std::isnan(v) && bad++ < 5)
          ADD_FAILURE() << "padding written at (" << i << ", " << j << ")";
        continue;
      }
      double r = ref[i * cols + j], b = bound[i * cols + j];
      if (!(std::fabs(v - r) <= b) && bad++ < 5)
        ADD_FAILURE() << "at (" << i << ", " << j << "): got " << v
                      << ", want " << r << " (bound " << b << ")";
    }
  }
  EXPECT_EQ(bad, 0);
}

//===----------------------------------------------------------------------===//
// sgemm
//===----------------------------------------------------------------------===//

void checkSgemm(int64_t M, int64_t N, int64_t K, unsigned seed) {
  SCOPED_TRACE("M=" + std::to_string(M) + " N=" + std::to_string(N) +
               " K=" + std::to_string(K));
  std::mt19937 rng(seed);
  int64_t lda = K + 3, ldb = N + 5, ldc = N + 7;
  std::vector<float> A = randomFloats(M * lda, rng);
  std::vector<float> B = randomFloats(std::max<int64_t>(K, 1) * ldb, rng);
  std::vector<double> ref(M * N), bound(M * N);
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      double s = 0, a = 0;
      for (int64_t k = 0; k < K; ++k) {
        double t = (double)A[i * lda + k] * B[k * ldb + j];
        s += t;
        a += std::fabs(t);
      }
      ref[i * N + j] = s;
      bound[i * N + j] = 2e-6 * std::sqrt((double)K + 1) * a + 1e-30;
    }
  forEachConfig([&] {
    std::vector<float> C(M * ldc, kNaN);
    qmrt_sgemm(M, N, K, A.data(), lda, B.data(), ldb, C.data(), ldc);
    expectClose(C, M, N, ldc, ref, bound);
  });
}

TEST(RuntimeKernelSgemm, Tiny) {
  checkSgemm(1, 1, 1, 1);
  checkSgemm(3, 17, 1, 2);
  checkSgemm(1, 3, 17, 3);
  checkSgemm(17, 3, 129, 4);
}

TEST(RuntimeKernelSgemm, ZeroK) { checkSgemm(5, 9, 0, 5); }

TEST(RuntimeKernelSgemm, DecodeRows) {
  // M <= 4 takes the GEMV kernels.
  checkSgemm(1, 1000, 384, 6);
  checkSgemm(2, 129, 17, 7);
  checkSgemm(4, 67, 1000, 8);
}

TEST(RuntimeKernelSgemm, OddShapes) {
  checkSgemm(5, 129, 17, 9);
  checkSgemm(17, 129, 384, 10);
  checkSgemm(129, 17, 1000, 11);
  checkSgemm(13, 1100, 129, 12); // more columns than one NC block
}

TEST(RuntimeKernelSgemm, ManyBlocks) {
  // Several MC, KC and NC blocks with short edges everywhere.
  checkSgemm(300, 384, 600, 13);
}

TEST(RuntimeKernelSgemm, SmallBlocking) {
  // Tiny blocks exercise every edge of the blocking loops.
  setBlocking(7, 5, 11);
  checkSgemm(41, 77, 23, 14);
  setBlocking(144, 256, 1024);
}

//===----------------------------------------------------------------------===//
// qmatmul
//===----------------------------------------------------------------------===//

struct QWeightData {
  int64_t K, N, G, gs;
  int bits, layout;
  bool sym, act;
  std::vector<uint8_t> q; // N x K, unpacked codes
  std::vector<uint8_t> codes8;
  std::vector<int32_t> words;
  std::vector<float> scales;
  std::vector<uint8_t> zeros;
  std::vector<int32_t> gIdx;
  qmrt_qweight desc;

  float w(int64_t k, int64_t n) const {
    int64_t g = act ? gIdx[k] : k / gs;
    float z = sym ? (float)(1 << (bits - 1)) : (float)zeros[n * G + g];
    return scales[n * G + g] * ((float)q[n * K + k] - z);
  }
  /// |W| with the zero point folded out: |s| (q + z).
  double absTerms(int64_t k, int64_t n) const {
    int64_t g = act ? gIdx[k] : k / gs;
    double z = sym ? (double)(1 << (bits - 1)) : (double)zeros[n * G + g];
    return std::fabs(scales[n * G + g]) * (q[n * K + k] + z);
  }
};

QWeightData makeWeight(int64_t K, int64_t N, int bits, int64_t groupSize,
                       bool sym, int layout, bool act, std::mt19937 &rng) {
  QWeightData d;
  d.K = K;
  d.N = N;
  d.bits = bits;
  d.layout = layout;
  d.sym = sym;
  d.act = act;
  d.gs = groupSize == -1 ? K : groupSize;
  d.G = (K + d.gs - 1) / d.gs;
  std::uniform_int_distribution<int> code(0, (1 << bits) - 1);
  d.q.resize(N * K);
  for (uint8_t &c : d.q)
    c = (uint8_t)code(rng);
  d.scales = randomFloats(N * d.G, rng, -0.1f, 0.1f);
  if (!sym) {
    d.zeros.resize(N * d.G);
    for (uint8_t &z : d.zeros)
      z = (uint8_t)code(rng);
  }
  if (act) {
    // Act-order: groups of a permutation of k.
    std::vector<int32_t> perm(K);
    for (int64_t k = 0; k < K; ++k)
      perm[k] = (int32_t)k;
    std::shuffle(perm.begin(), perm.end(), rng);
    d.gIdx.resize(K);
    for (int64_t i = 0; i < K; ++i)
      d.gIdx[perm[i]] = (int32_t)(i / d.gs);
  }
  if (layout == 0) {
    d.codes8 = d.q;
  } else {
    int P = bits == 3 ? 10 : 32 / bits;
    int64_t W = (K + P - 1) / P;
    d.words.assign(N * W, 0);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t k = 0; k < K; ++k)
        d.words[n * W + k / P] |=
            (int32_t)((uint32_t)d.q[n * K + k] << ((k % P) * bits));
  }
  d.desc = qmrt_qweight{K,
                        N,
                        bits,
                        groupSize,
                        sym ? 1 : 0,
                        layout,
                        layout == 0 ? (const void *)d.codes8.data()
                                    : (const void *)d.words.data(),
                        d.scales.data(),
                        sym ? nullptr : d.zeros.data(),
                        act ? d.gIdx.data() : nullptr};
  return d;
}

void checkQmatmul(int64_t M, int64_t N, int64_t K, int bits, int64_t gs,
                  bool sym, int layout, bool act, unsigned seed) {
  SCOPED_TRACE("M=" + std::to_string(M) + " N=" + std::to_string(N) +
               " K=" + std::to_string(K) + " bits=" + std::to_string(bits) +
               " group_size=" + std::to_string(gs) + " sym=" +
               std::to_string(sym) + " layout=" + std::to_string(layout) +
               " g_idx=" + std::to_string(act));
  std::mt19937 rng(seed);
  QWeightData w = makeWeight(K, N, bits, gs, sym, layout, act, rng);
  int64_t ldx = K + 2, ldy = N + 3;
  std::vector<float> x = randomFloats(M * ldx, rng);
  std::vector<double> ref(M * N), bound(M * N);
  for (int64_t i = 0; i < M; ++i)
    for (int64_t n = 0; n < N; ++n) {
      double s = 0, a = 0;
      for (int64_t k = 0; k < K; ++k) {
        s += (double)x[i * ldx + k] * w.w(k, n);
        a += std::fabs(x[i * ldx + k]) * w.absTerms(k, n);
      }
      ref[i * N + n] = s;
      bound[i * N + n] = 2e-6 * std::sqrt((double)K) * a + 1e-30;
    }
  forEachConfig([&] {
    std::vector<float> y(M * ldy, kNaN);
    qmrt_qmatmul(M, N, K, x.data(), ldx, &w.desc, y.data(), ldy);
    expectClose(y, M, N, ldy, ref, bound);
  });
}

struct QCase {
  int bits;
  int layout;
  bool sym, act;
};

std::vector<QCase> allCases() {
  std::vector<QCase> cases;
  for (int bits : {2, 3, 4, 8})
    for (int layout : {0, 1})
      for (bool sym : {false, true})
        for (bool act : {false, true})
          cases.push_back({bits, layout, sym, act});
  return cases;
}

TEST(RuntimeKernelQmatmul, DecodeAllFormats) {
  // M = 1 and 3 (qgemv kernels); K = 129 with group size 32: a short last
  // group of one code; K = 200 with per-channel groups.
  unsigned seed = 100;
  for (const QCase &c : allCases()) {
    checkQmatmul(1, 37, 129, c.bits, 32, c.sym, c.layout, c.act, seed++);
    checkQmatmul(3, 19, 200, c.bits, -1, c.sym, c.layout, c.act, seed++);
  }
}

TEST(RuntimeKernelQmatmul, PrefillAllFormats) {
  // M > 4: dequantize into packed panels and run the GEMM micro-kernel.
  unsigned seed = 200;
  for (const QCase &c : allCases())
    checkQmatmul(17, 45, 131, c.bits, 17, c.sym, c.layout, c.act, seed++);
}

TEST(RuntimeKernelQmatmul, OddGroups) {
  // Group sizes that are not multiples of the vector width or the packing
  // factor, and group size 1.
  unsigned seed = 300;
  for (int64_t gs : {1, 5, 10, 16, 33, 128})
    for (int layout : {0, 1}) {
      checkQmatmul(1, 21, 387, 3, gs, false, layout, false, seed++);
      checkQmatmul(6, 21, 387, 4, gs, true, layout, gs == 33, seed++);
    }
}

TEST(RuntimeKernelQmatmul, ManyGroupsWithGroupIndex) {
  // More than 512 groups with g_idx: the AVX-512 kernels fall back to the
  // portable loops (their per-row zero-point table is bounded).
  checkQmatmul(1, 9, 1100, 4, 2, false, 1, true, 350);
  checkQmatmul(6, 9, 1100, 2, 2, false, 0, true, 351);
  // Many groups without g_idx stay on the vector path (gathered scales).
  checkQmatmul(2, 9, 1100, 3, 2, false, 1, false, 352);
}

TEST(RuntimeKernelQmatmulDeathTest, RejectsInvalidWeights) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  std::mt19937 rng(900);
  QWeightData w = makeWeight(40, 8, 4, 16, false, 1, true, rng);
  std::vector<float> x(40, 1.0f), y(8);
  w.gIdx[7] = 3; // G = 3
  EXPECT_DEATH(qmrt_qmatmul(1, 8, 40, x.data(), 40, &w.desc, y.data(), 8),
               "group index out of range \\(g_idx\\[7\\] = 3, 3 groups\\)");
  w.gIdx[7] = 0;
  EXPECT_DEATH(qmrt_qmatmul(1, 8, 41, x.data(), 41, &w.desc, y.data(), 8),
               "weight shape does not match the call");
  w.desc.bits = 5;
  EXPECT_DEATH(qmrt_qmatmul(1, 8, 40, x.data(), 40, &w.desc, y.data(), 8),
               "unsupported bit width \\(bits = 5\\)");
}

TEST(RuntimeKernelQmatmul, LargerShapes) {
  checkQmatmul(1, 1000, 384, 4, 128, false, 1, false, 400);
  checkQmatmul(4, 384, 1000, 4, 128, true, 1, true, 401);
  checkQmatmul(129, 130, 384, 4, 128, false, 1, false, 402);
  checkQmatmul(33, 300, 1000, 8, 64, false, 0, true, 403);
}

TEST(RuntimeKernelQmatmul, TinyShapes) {
  checkQmatmul(1, 1, 1, 4, -1, false, 1, false, 500);
  checkQmatmul(3, 1, 3, 2, 1, true, 1, true, 501);
  checkQmatmul(5, 3, 17, 3, 17, false, 1, false, 502);
}

//===----------------------------------------------------------------------===//
// Observer and threads
//===----------------------------------------------------------------------===//

struct Seen {
  std::atomic<int> calls{0};
  std::string tag;
  const float *data = nullptr;
  int64_t rows = 0, cols = 0;
};

void recordObservation(void *user, const char *tag, const float *data,
                       int64_t rows, int64_t cols) {
  Seen *s = static_cast<Seen *>(user);
  if (s->calls++ == 0) {
    s->tag = tag;
    s->data = data;
    s->rows = rows;
    s->cols = cols;
  }
}

TEST(RuntimeKernelObserver, CallsRegisteredCallback) {
  float data[6] = {1, 2, 3, 4, 5, 6};
  qmrt_observe("before", data, 2, 3); // no observer: no-op
  Seen seen;
  qmrt_set_observer(recordObservation, &seen);
  qmrt_observe("layers.0.attn_in", data, 2, 3);
  EXPECT_EQ(seen.calls.load(), 1);
  EXPECT_EQ(seen.tag, "layers.0.attn_in");
  EXPECT_EQ(seen.data, data);
  EXPECT_EQ(seen.rows, 2);
  EXPECT_EQ(seen.cols, 3);
  qmrt_set_observer(nullptr, nullptr);
  qmrt_observe("after", data, 2, 3);
  EXPECT_EQ(seen.calls.load(), 1);
}

Seen seenA, seenB;
std::atomic<int> tornPairs{0};
void observeA(void *user, const char *, const float *, int64_t, int64_t) {
  if (user != &seenA)
    ++tornPairs;
  ++seenA.calls;
}
void observeB(void *user, const char *, const float *, int64_t, int64_t) {
  if (user != &seenB)
    ++tornPairs;
  ++seenB.calls;
}

TEST(RuntimeKernelObserver, ConcurrentObserveAndSet) {
  // One thread swaps the observer while another observes: every call
  // reaches exactly one callback, with that callback's own user pointer.
  float v = 1.0f;
  qmrt_set_observer(observeA, &seenA);
  std::atomic<bool> go{true};
  std::thread setter([&] {
    for (int i = 0; i < 2000; ++i) {
      if (i % 2)
        qmrt_set_observer(observeA, &seenA);
      else
        qmrt_set_observer(observeB, &seenB);
    }
    go = false;
  });
  int64_t observed = 0;
  while (go || observed < 100) {
    qmrt_observe("t", &v, 1, 1);
    ++observed;
  }
  setter.join();
  qmrt_set_observer(nullptr, nullptr);
  EXPECT_EQ(seenA.calls + seenB.calls, observed);
  EXPECT_EQ(tornPairs.load(), 0);
}

TEST(RuntimeKernelThreads, SetAndGet) {
  qmrt_set_num_threads(3);
  EXPECT_EQ(qmrt_get_num_threads(), 3);
  checkSgemm(64, 96, 64, 600); // runs with 3 threads before forEachConfig
  qmrt_set_num_threads(0);
  unsigned hc = std::thread::hardware_concurrency();
  EXPECT_EQ(qmrt_get_num_threads(), hc ? (int)hc : 1);
}

TEST(RuntimeKernelThreads, ConcurrentCallers) {
  // Two application threads calling the kernels at once (the pool runs one
  // job at a time; the other caller runs serially).
  qmrt_set_num_threads(2);
  std::mt19937 rng(700);
  const int64_t M = 40, N = 70, K = 90;
  std::vector<float> A = randomFloats(M * K, rng), B = randomFloats(K * N, rng);
  std::vector<float> C0(M * N);
  qmrt_sgemm(M, N, K, A.data(), K, B.data(), N, C0.data(), N);
  std::vector<float> C1(M * N, kNaN), C2(M * N, kNaN);
  std::thread t([&] {
    for (int i = 0; i < 50; ++i)
      qmrt_sgemm(M, N, K, A.data(), K, B.data(), N, C1.data(), N);
  });
  for (int i = 0; i < 50; ++i)
    qmrt_sgemm(M, N, K, A.data(), K, B.data(), N, C2.data(), N);
  t.join();
  // Same kernels, same blocking: bitwise equal results.
  EXPECT_EQ(std::memcmp(C0.data(), C1.data(), C0.size() * 4), 0);
  EXPECT_EQ(std::memcmp(C0.data(), C2.data(), C0.size() * 4), 0);
  qmrt_set_num_threads(0);
}

TEST(RuntimeKernelThreads, WorksInForkedChild) {
  // The pool is running (2 workers' worth of threads) when the process
  // forks; the child has no workers and must still compute (and not hang).
  qmrt_set_num_threads(2);
  std::mt19937 rng(800);
  const int64_t M = 128, N = 128, K = 128; // above the threading threshold
  std::vector<float> A = randomFloats(M * K, rng), B = randomFloats(K * N, rng);
  std::vector<float> C0(M * N), C1(M * N, kNaN);
  qmrt_sgemm(M, N, K, A.data(), K, B.data(), N, C0.data(), N);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    alarm(20); // a hang fails the test instead of blocking it
    qmrt_sgemm(M, N, K, A.data(), K, B.data(), N, C1.data(), N);
    _exit(std::memcmp(C0.data(), C1.data(), C0.size() * 4) == 0 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "child killed by signal";
  EXPECT_EQ(WEXITSTATUS(status), 0);
  qmrt_set_num_threads(0);
}

} // namespace
