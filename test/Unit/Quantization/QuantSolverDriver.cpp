//===- QuantSolverDriver.cpp - run the solvers on raw binary files ----------===//
//
// Part of quant-mlir. A test driver (not installed) that lets the lit tests
// compare the C++ solvers with the NumPy reference in
// test/Quantization/Inputs/gptq_ref.py:
//
//   quant-solver-driver <rtn|gptq> N K bits group_size flags w.f32 h.f64 out
//
// w.f32: N x K row-major f32; h.f64: K x K row-major f64 (ignored by rtn);
// flags: a string of letters, 's' symmetric, 'a' act-order, 't' static
// groups, or '-' for none; optional env QM_BLOCK_SIZE. Writes out.codes
// (u8 N x K), out.scales (f32 N x G), out.zeros (u8 N x G), out.gidx (i32 K,
// empty without a group index) and prints one line of report.
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Quantization/Solvers/GPTQ.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace mlir::qm::solvers;

template <typename T>
static bool readFile(const char *path, std::vector<T> &out, size_t count) {
  FILE *f = std::fopen(path, "rb");
  if (!f) {
    std::fprintf(stderr, "error: cannot open '%s'\n", path);
    return false;
  }
  out.resize(count);
  size_t got = std::fread(out.data(), sizeof(T), count, f);
  std::fclose(f);
  if (got != count) {
    std::fprintf(stderr, "error: '%s' holds %zu values, expected %zu\n", path,
                 got, count);
    return false;
  }
  return true;
}

template <typename T>
static void writeFile(const std::string &path, const std::vector<T> &v) {
  FILE *f = std::fopen(path.c_str(), "wb");
  if (!v.empty())
    std::fwrite(v.data(), sizeof(T), v.size(), f);
  std::fclose(f);
}

int main(int argc, char **argv) {
  if (argc != 10) {
    std::fprintf(stderr, "usage: %s <rtn|gptq> N K bits group_size flags "
                         "w.f32 h.f64 out\n", argv[0]);
    return 2;
  }
  std::string mode = argv[1];
  int64_t n = std::atoll(argv[2]), k = std::atoll(argv[3]);
  QuantizerConfig cfg;
  cfg.bits = (unsigned)std::atoi(argv[4]);
  cfg.groupSize = std::atoll(argv[5]);
  std::string flags = argv[6];
  cfg.symmetric = flags.find('s') != std::string::npos;
  cfg.actOrder = flags.find('a') != std::string::npos;
  cfg.staticGroups = flags.find('t') != std::string::npos;
  if (const char *bs = std::getenv("QM_BLOCK_SIZE"))
    cfg.blockSize = std::atoll(bs);
  std::string err = cfg.validate();
  if (!err.empty()) {
    std::fprintf(stderr, "error: %s\n", err.c_str());
    return 1;
  }
  std::vector<float> w;
  if (!readFile(argv[7], w, n * k))
    return 1;
  QuantizedWeight q;
  auto start = std::chrono::steady_clock::now();
  if (mode == "rtn") {
    q = quantizeRTN(w.data(), n, k, cfg);
    std::printf("rtn n=%lld k=%lld\n", (long long)n, (long long)k);
  } else {
    std::vector<double> h;
    if (!readFile(argv[8], h, k * k))
      return 1;
    GPTQReport rep;
    q = quantizeGPTQ(w.data(), n, k, h.data(), cfg, rep);
    if (!rep.error.empty()) {
      std::fprintf(stderr, "error: %s\n", rep.error.c_str());
      return 1;
    }
    for (const std::string &warning : rep.warnings)
      std::fprintf(stderr, "warning: %s\n", warning.c_str());
    double secs = std::chrono::duration<double>(
                      std::chrono::steady_clock::now() - start).count();
    std::printf("gptq n=%lld k=%lld retries=%d dead=%lld loss=%g seconds=%.4f\n",
                (long long)n, (long long)k, rep.retries,
                (long long)rep.deadColumns, rep.loss, secs);
  }
  std::string out = argv[9];
  writeFile(out + ".codes", q.codes);
  writeFile(out + ".scales", q.scales);
  writeFile(out + ".zeros", q.zeros);
  writeFile(out + ".gidx", q.gIdx);
  return 0;
}
