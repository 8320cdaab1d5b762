//===- cpu_kernels.cpp - qmrt CPU kernel benchmark --------------------------===//
//
// Part of quant-mlir. Not a test: measures qmrt_sgemm against OpenBLAS
// cblas_sgemm at the tinyllama shapes (GFLOP/s) and qmrt_qmatmul for decode
// (M = 1, GB/s of weight bytes against a measured streaming-read floor) and
// prefill (M = 512, GFLOP/s). Prints a table and writes JSON (--json FILE).
//
//   qmrt-cpu-bench [--threads N] [--json FILE] [--quick]
//   OPENBLAS_CORETYPE=SkylakeX qmrt-cpu-bench   (OpenBLAS 0.3.21 otherwise
//                                                 uses Prescott kernels here)
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"
#include "qmrt/qmrt.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <thread>
#include <vector>

#ifdef QM_HAVE_CBLAS
#include <cblas.h>
extern "C" char *openblas_get_corename(void);
extern "C" void openblas_set_num_threads(int);
#endif

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace {

double now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// With --timer cpu, kernels are timed by the CPU time of the process: on a
/// machine shared with other jobs a descheduled thread then costs nothing.
/// Meaningful for one thread only (idle pool workers sleep, but OpenBLAS
/// workers spin).
bool gCpuTimer = false;
double kernelClock() {
  if (!gCpuTimer)
    return now();
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/// Best-of time in seconds of fn over ~minTime wall seconds (>= 3 runs).
template <typename Fn> double timeIt(Fn fn, double minTime) {
  fn(); // warm up (pool, buffers, caches)
  double best = 1e30, start = now();
  int runs = 0;
  while (runs < 3 || now() - start < minTime) {
    double t0 = kernelClock();
    fn();
    best = std::min(best, kernelClock() - t0);
    ++runs;
  }
  return best;
}

#if defined(__x86_64__)
/// Peak f32 FMA throughput of one core (AVX-512), best of short windows so
/// that a busy machine does not hide it.
__attribute__((target("avx512f,fma"))) double peakAvx512(double minTime) {
  __m512 acc[16];
  for (int i = 0; i < 16; ++i)
    acc[i] = _mm512_set1_ps((float)i);
  __m512 m = _mm512_set1_ps(0.999999f), a = _mm512_set1_ps(1e-7f);
  double best = 0, start = now();
  do {
    const int iters = 200000;
    double t0 = now();
    for (int r = 0; r < iters; ++r) {
      for (int i = 0; i < 16; ++i)
        acc[i] = _mm512_fmadd_ps(acc[i], m, a);
      __asm__ volatile("" : "+v"(acc[0]), "+v"(acc[1]), "+v"(acc[2]),
                       "+v"(acc[3]), "+v"(acc[4]), "+v"(acc[5]), "+v"(acc[6]),
                       "+v"(acc[7]));
    }
    best = std::max(best, iters * 16.0 * 16 * 2 / (now() - t0) / 1e9);
  } while (now() - start < minTime);
  float sink = 0;
  for (int i = 0; i < 16; ++i)
    sink += _mm512_reduce_add_ps(acc[i]);
  if (sink == 12345.0f)
    std::printf(" ");
  return best;
}
#endif

/// Streaming read bandwidth (GB/s) over a buffer of `bytes`, `threads` wide.
double readBandwidth(size_t bytes, int threads, double minTime) {
  size_t n = bytes / sizeof(float);
  std::vector<float> buf(n, 1.0f);
  std::vector<double> sums(threads * 8);
  auto run = [&] {
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t) {
      auto body = [&, t] {
        size_t b = n * t / threads, e = n * (t + 1) / threads;
        float s[16] = {0};
        for (size_t i = b; i + 16 <= e; i += 16)
          for (int j = 0; j < 16; ++j)
            s[j] += buf[i + j];
        double tot = 0;
        for (float v : s)
          tot += v;
        sums[t * 8] = tot;
      };
      if (threads == 1)
        body(); // in this thread, so that --timer cpu measures it
      else
        ts.emplace_back(body);
    }
    for (auto &t : ts)
      t.join();
  };
  double t = timeIt(run, minTime);
  return bytes / t / 1e9;
}

struct Shape {
  const char *name;
  int64_t M, N, K;
};

struct Row {
  std::string kernel, name, unit;
  int64_t M, N, K;
  double qmrt, ref;
  std::string refName;
};

std::vector<float> randomVec(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-1, 1);
  std::vector<float> v(n);
  for (float &f : v)
    f = d(rng);
  return v;
}

struct PackedWeight {
  std::vector<int32_t> words;
  std::vector<float> scales;
  std::vector<uint8_t> zeros;
  qmrt_qweight desc;
  size_t bytes() const {
    return words.size() * 4 + scales.size() * 4 + zeros.size();
  }
};

PackedWeight makeWeight(int64_t K, int64_t N, int bits, int64_t gs,
                        unsigned seed) {
  PackedWeight w;
  int P = bits == 3 ? 10 : 32 / bits;
  int64_t W = (K + P - 1) / P, G = (K + gs - 1) / gs;
  std::mt19937 rng(seed);
  w.words.resize(N * W);
  for (int32_t &x : w.words)
    x = (int32_t)(rng() & (bits == 3 ? 0x3FFFFFFFu : 0xFFFFFFFFu));
  w.scales = randomVec(N * G, seed + 1);
  w.zeros.resize(N * G);
  for (uint8_t &z : w.zeros)
    z = (uint8_t)(rng() % (1u << bits));
  w.desc = qmrt_qweight{K, N, bits, gs, 0, 1, w.words.data(),
                        w.scales.data(), w.zeros.data(), nullptr};
  return w;
}

} // namespace

int main(int argc, char **argv) {
  int threads = 0;
  const char *jsonPath = nullptr;
  double minTime = 0.3;
  std::string only; // sgemm | qdecode | qprefill (default: all)
  std::string timer; // wall | cpu (default: cpu for 1 thread, else wall)
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--threads") && i + 1 < argc)
      threads = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--json") && i + 1 < argc)
      jsonPath = argv[++i];
    else if (!std::strcmp(argv[i], "--quick"))
      minTime = 0.05;
    else if (!std::strcmp(argv[i], "--timer") && i + 1 < argc)
      timer = argv[++i];
    else if (!std::strcmp(argv[i], "--only") && i + 1 < argc)
      only = argv[++i];
    else if (!std::strcmp(argv[i], "--blocking") && i + 3 < argc) {
      int64_t mc = std::atoll(argv[++i]), kc = std::atoll(argv[++i]),
              nc = std::atoll(argv[++i]);
      qmrt::cpu::setBlocking(mc, kc, nc);
    } else {
      std::fprintf(stderr,
                   "usage: %s [--threads N] [--json FILE] [--quick] "
                   "[--only sgemm|qdecode|qprefill] [--timer wall|cpu] "
                   "[--blocking MC KC NC]\n",
                   argv[0]);
      return 2;
    }
  }
  qmrt_set_num_threads(threads);
  threads = qmrt_get_num_threads();
  if (timer.empty())
    timer = threads == 1 ? "cpu" : "wall";
  const char *isa = qmrt::cpu::activeKernels()->name;
  std::string blas = "none";
#ifdef QM_HAVE_CBLAS
  openblas_set_num_threads(threads);
  blas = std::string("OpenBLAS ") + openblas_get_corename();
#endif
  double peak1 = 0;
#if defined(__x86_64__)
  if (qmrt::cpu::detectIsa() == qmrt::cpu::IsaAvx512)
    peak1 = peakAvx512(minTime);
#endif
  std::printf("qmrt kernels: %s, %d thread(s); reference: %s; timer: %s\n",
              isa, threads, blas.c_str(), timer.c_str());
  gCpuTimer = timer == "cpu";
  double bwDram =
      only.empty() || only == "qdecode"
          ? readBandwidth(size_t(256) << 20, threads, minTime)
          : 0.0;
  std::printf("measured peak: %.1f GFLOP/s per core (AVX-512 FMA), "
              "streaming read %.1f GB/s (256 MiB, %d threads)\n\n",
              peak1, bwDram, threads);

  std::vector<Row> rows;
  // Linears of tinyllama (stored [in, out]: K = in, N = out) and the
  // attention products of one head at S = 512.
  const Shape gemmShapes[] = {
      {"q/o 384->384", 512, 384, 384},    {"k/v 384->128", 512, 128, 384},
      {"gate/up 384->1024", 512, 1024, 384}, {"down 1024->384", 512, 384, 1024},
      {"lm_head 384->8192", 512, 8192, 384}, {"attn QK^T", 512, 512, 64},
      {"attn PV", 512, 64, 512},          {"decode gate 384->1024", 1, 1024, 384},
      {"decode lm_head", 1, 8192, 384},
  };
  std::printf("%-26s %5s %5s %5s %12s %12s %7s\n", "sgemm", "M", "N", "K",
              "qmrt GF/s", "BLAS GF/s", "ratio");
  for (const Shape &s : gemmShapes) {
    if (!only.empty() && only != "sgemm")
      break;
    std::vector<float> A = randomVec(s.M * s.K, 1), B = randomVec(s.K * s.N, 2),
                       C(s.M * s.N);
    double flops = 2.0 * s.M * s.N * s.K;
    double t = timeIt(
        [&] {
          qmrt_sgemm(s.M, s.N, s.K, A.data(), s.K, B.data(), s.N, C.data(),
                     s.N);
        },
        minTime);
    double tr = 0;
#ifdef QM_HAVE_CBLAS
    tr = timeIt(
        [&] {
          cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, s.M, s.N, s.K,
                      1.0f, A.data(), s.K, B.data(), s.N, 0.0f, C.data(), s.N);
        },
        minTime);
#endif
    double g = flops / t / 1e9, gr = tr > 0 ? flops / tr / 1e9 : 0;
    std::printf("%-26s %5lld %5lld %5lld %12.1f %12.1f %7.2f\n", s.name,
                (long long)s.M, (long long)s.N, (long long)s.K, g, gr,
                gr > 0 ? g / gr : 0.0);
    rows.push_back({"sgemm", s.name, "GFLOP/s", s.M, s.N, s.K, g, gr, blas});
  }

  // qmatmul decode: weight bytes per second. "hot": the same weight every
  // call (it stays in L2/L3); "cold": cycling through copies totalling
  // > 96 MiB so that the codes come from DRAM.
  std::printf("\n%-26s %5s %5s %5s %10s %10s %10s %8s\n",
              "qmatmul 4-bit g128 k_packed", "M", "N", "K", "hot GB/s",
              "cold GB/s", "floor GB/s", "cold/fl");
  const Shape qShapes[] = {{"q/o 384->384", 1, 384, 384},
                           {"k/v 384->128", 1, 128, 384},
                           {"gate/up 384->1024", 1, 1024, 384},
                           {"down 1024->384", 1, 384, 1024},
                           {"384->8192", 1, 8192, 384}};
  for (const Shape &s : qShapes) {
    if (!only.empty() && only != "qdecode")
      break;
    PackedWeight w0 = makeWeight(s.K, s.N, 4, 128, 3);
    size_t copies = std::max<size_t>(2, (size_t(96) << 20) / w0.bytes());
    std::vector<PackedWeight> ws;
    for (size_t c = 0; c < copies; ++c)
      ws.push_back(makeWeight(s.K, s.N, 4, 128, 10 + c));
    std::vector<float> x = randomVec(s.K, 4), y(s.N);
    double th = timeIt(
        [&] {
          qmrt_qmatmul(1, s.N, s.K, x.data(), s.K, &w0.desc, y.data(), s.N);
        },
        minTime);
    size_t next = 0;
    double tc = timeIt(
        [&] {
          const PackedWeight &w = ws[next++ % ws.size()];
          qmrt_qmatmul(1, s.N, s.K, x.data(), s.K, &w.desc, y.data(), s.N);
        },
        minTime);
    double gh = w0.bytes() / th / 1e9, gc = w0.bytes() / tc / 1e9;
    std::printf("%-26s %5d %5lld %5lld %10.1f %10.1f %10.1f %8.2f\n", s.name,
                1, (long long)s.N, (long long)s.K, gh, gc, bwDram,
                gc / bwDram);
    rows.push_back({"qmatmul_decode_hot", s.name, "GB/s", 1, s.N, s.K, gh,
                    bwDram, "streaming read"});
    rows.push_back({"qmatmul_decode_cold", s.name, "GB/s", 1, s.N, s.K, gc,
                    bwDram, "streaming read"});
  }

  // qmatmul prefill: GFLOP/s, against qmrt_sgemm on the dequantized weight.
  std::printf("\n%-26s %5s %5s %5s %12s %12s %7s\n",
              "qmatmul 4-bit g128 prefill", "M", "N", "K", "qmrt GF/s",
              "sgemm GF/s", "ratio");
  for (const Shape &s0 : qShapes) {
    if (!only.empty() && only != "qprefill")
      break;
    Shape s = s0;
    s.M = 512;
    PackedWeight w = makeWeight(s.K, s.N, 4, 128, 5);
    std::vector<float> x = randomVec(s.M * s.K, 6), y(s.M * s.N),
                       B = randomVec(s.K * s.N, 7);
    double flops = 2.0 * s.M * s.N * s.K;
    double tq = timeIt(
        [&] {
          qmrt_qmatmul(s.M, s.N, s.K, x.data(), s.K, &w.desc, y.data(), s.N);
        },
        minTime);
    double ts = timeIt(
        [&] {
          qmrt_sgemm(s.M, s.N, s.K, x.data(), s.K, B.data(), s.N, y.data(),
                     s.N);
        },
        minTime);
    double g = flops / tq / 1e9, gs = flops / ts / 1e9;
    std::printf("%-26s %5lld %5lld %5lld %12.1f %12.1f %7.2f\n", s.name,
                (long long)s.M, (long long)s.N, (long long)s.K, g, gs, g / gs);
    rows.push_back({"qmatmul_prefill", s.name, "GFLOP/s", s.M, s.N, s.K, g, gs,
                    "qmrt_sgemm"});
  }

  if (jsonPath) {
    FILE *f = std::fopen(jsonPath, "w");
    if (!f) {
      std::fprintf(stderr, "cannot write '%s'\n", jsonPath);
      return 1;
    }
    std::fprintf(f,
                 "{\n  \"isa\": \"%s\",\n  \"threads\": %d,\n  \"timer\": \"%s\",\n  \"reference\": "
                 "\"%s\",\n  \"peak_gflops_per_core\": %.2f,\n  "
                 "\"stream_read_gbs\": %.2f,\n  \"results\": [\n",
                 isa, threads, timer.c_str(), blas.c_str(), peak1, bwDram);
    for (size_t i = 0; i < rows.size(); ++i) {
      const Row &r = rows[i];
      std::fprintf(f,
                   "    {\"kernel\": \"%s\", \"shape\": \"%s\", \"M\": %lld, "
                   "\"N\": %lld, \"K\": %lld, \"unit\": \"%s\", \"qmrt\": "
                   "%.3f, \"reference\": %.3f, \"reference_name\": \"%s\"}%s\n",
                   r.kernel.c_str(), r.name.c_str(), (long long)r.M,
                   (long long)r.N, (long long)r.K, r.unit.c_str(), r.qmrt,
                   r.ref, r.refName.c_str(), i + 1 < rows.size() ? "," : "");
    }
    std::fprintf(f, "  ]\n}\n");
    std::fclose(f);
  }
  return 0;
}
