//===- qm_dqgemm_plan.cpp - the tile table's plans, without a GPU ---------===//
//
// Part of quant-mlir. Prints the launch plan the CUDA runtime's tile table
// chooses for each (K, N, M) of a manifest (quant-gpu-gen's manifest.txt),
// on a modelled device (qmrt_cuda_create_offline): one line per plan with
// the kernel, grid, block, splits, k16-steps per split and shared memory.
// What the benchmarks measured is in bench/gpu/NOTES.md; the planner's
// choices for the measured cells are checked in test/GPU/plan-table.test.
//
// usage: qm-dqgemm-plan <manifest.txt> [K:N ...] [--m 1,8,16]
//        [--bits 4|8] [--group 128|0 (per channel)] [--asym]
//        [--sms 132] [--smem 232448] [--cc 9]
//
//===----------------------------------------------------------------------===//

#include "qmrt/qmrt_cuda.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {
int usage(const char *argv0) {
  std::fprintf(stderr,
               "usage: %s <manifest.txt> [K:N ...] [--m 1,8,16] [--bits 4|8] "
               "[--group 128|0] [--asym] [--sms 132] [--smem 232448] "
               "[--cc 9]\n",
               argv0);
  return 2;
}

bool parseInt(const char *s, long long *v) {
  char *end = nullptr;
  *v = std::strtoll(s, &end, 10);
  return end && *end == '\0' && end != s;
}

int64_t roundUp(int64_t v, int64_t m) { return (v + m - 1) / m * m; }
} // namespace

int main(int argc, char **argv) {
  if (argc < 2)
    return usage(argv[0]);
  const char *manifest = argv[1];
  std::vector<std::pair<int64_t, int64_t>> shapes;
  std::vector<int64_t> ms = {1, 8, 16};
  long long bits = 4, group = 128, sms = 132, smem = 232448, cc = 9;
  bool asym = false;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto intArg = [&](long long *v) {
      if (i + 1 >= argc || !parseInt(argv[i + 1], v)) {
        std::fprintf(stderr, "qm-dqgemm-plan: %s needs an integer\n",
                     a.c_str());
        return false;
      }
      ++i;
      return true;
    };
    if (a == "--m" && i + 1 < argc) {
      ms.clear();
      std::string list = argv[++i];
      size_t p = 0;
      while (p <= list.size()) {
        size_t q = list.find(',', p);
        std::string item = list.substr(p, q == std::string::npos ? q : q - p);
        long long v;
        if (!parseInt(item.c_str(), &v) || v <= 0) {
          std::fprintf(stderr, "qm-dqgemm-plan: bad M '%s' in --m\n",
                       item.c_str());
          return 2;
        }
        ms.push_back(v);
        if (q == std::string::npos)
          break;
        p = q + 1;
      }
    } else if (long long *v = a == "--bits"    ? &bits
                              : a == "--group" ? &group
                              : a == "--sms"   ? &sms
                              : a == "--smem"  ? &smem
                              : a == "--cc"    ? &cc
                                               : nullptr) {
      if (!intArg(v))
        return 2;
    } else if (a == "--asym") {
      asym = true;
    } else if (a.find(':') != std::string::npos) {
      long long k, n;
      std::string ks = a.substr(0, a.find(':')), ns = a.substr(a.find(':') + 1);
      if (!parseInt(ks.c_str(), &k) || !parseInt(ns.c_str(), &n) || k <= 0 ||
          n <= 0) {
        std::fprintf(stderr, "qm-dqgemm-plan: bad shape '%s' (K:N)\n",
                     a.c_str());
        return 2;
      }
      shapes.push_back({k, n});
    } else {
      std::fprintf(stderr, "qm-dqgemm-plan: unknown argument '%s'\n",
                   a.c_str());
      return usage(argv[0]);
    }
  }
  if (bits != 4 && bits != 8) {
    std::fprintf(stderr, "qm-dqgemm-plan: --bits must be 4 or 8\n");
    return 2;
  }
  // The direct family only: per-channel or a power-of-two group of >= 16.
  if (group != 0 && (group < 16 || (group & (group - 1)) != 0)) {
    std::fprintf(stderr,
                 "qm-dqgemm-plan: --group must be 0 (per channel) or a power "
                 "of two >= 16\n");
    return 2;
  }
  if (shapes.empty())
    shapes = {{4096, 6144}, {4096, 4096}, {4096, 28672}, {14336, 4096}};
  qmrt_cuda_ctx *ctx = nullptr;
  if (qmrt_cuda_create_offline(manifest, int(sms), int(smem), int(cc), &ctx)) {
    std::fprintf(stderr, "qm-dqgemm-plan: %s\n", qmrt_cuda_last_error());
    return 1;
  }
  int rc = 0;
  for (auto [K, N] : shapes) {
    qmrt_cuda_weight w{};
    w.meta.bits = int(bits);
    w.meta.symmetric = asym ? 0 : 1;
    w.meta.gather = K % 8 != 0 ? 1 : 0;
    w.meta.K = K;
    w.meta.N = N;
    w.meta.Kp = roundUp(K, QMRT_CHUNK_K);
    w.meta.Np = roundUp(N, 64);
    int64_t lg = 0;
    while (group && (int64_t(16) << lg) < group)
      ++lg;
    w.meta.gshift = group == 0 || group >= K ? 40 : lg;
    w.meta.ngroups = group == 0 || group >= K ? 1 : w.meta.Kp / group;
    for (int64_t M : ms) {
      qmrt_cuda_plan p;
      if (qmrt_cuda_plan_for(ctx, &w, M, 0, &p)) {
        std::fprintf(stderr, "qm-dqgemm-plan: K=%lld N=%lld M=%lld: %s\n",
                     (long long)K, (long long)N, (long long)M,
                     qmrt_cuda_last_error());
        rc = 1;
        continue;
      }
      std::printf("K=%lld N=%lld M=%lld kernel=%s grid=%u,%u,%u block=%u "
                  "nsplit=%lld sps=%lld smem=%u cluster=%u\n",
                  (long long)K, (long long)N, (long long)M,
                  qmrt_cuda_kernel_name(ctx, p.kernel), p.grid[0], p.grid[1],
                  p.grid[2], p.block, (long long)p.nsplit, (long long)p.sps,
                  p.smem, p.cluster);
    }
  }
  qmrt_cuda_destroy(ctx);
  return rc;
}
