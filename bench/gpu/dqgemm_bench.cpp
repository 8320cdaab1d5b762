//===- dqgemm_bench.cpp - time the generated dequant-GEMM kernels ---------===//
//
// Part of quant-mlir (benchmark harness; hand-written host code). 4-bit
// symmetric, group 128, f16 activations. Weights are rotated over enough
// copies (>= 4x the L2 size in bytes) that no launch finds its weight in L2;
// launches are captured in a CUDA graph and the median of many replays is
// reported per launch. Prints one JSON object per (shape, M) to stdout.
//
// usage: qm-dqgemm-bench <cubin> <manifest.txt> [K:N ...] [--m 1,8,16]
//        [--pdl 0|1] [--cluster -1|0|1|2] [--max-chunks N] [--sweep]
//        [--stream-a -1|0|1] [--wide -1|0|1] [--deep -1|0|1] [--bulk -1|0|1] [--minb -1|0|6|8]
//        [--cps-list 1,2,4] (one plan per exact chunks-per-split value)
//        [--warps 4|8|16] [--swap -1|0|1|2] (swapped-operand kernels, v11;
//        2 = 8-row blocks only, v16)
//        [--unroll -1|0|4|8] (v14: k-steps per warp and chunk, `_u<n>`)
//        [--split-n -1|0|1] (warps split N: -1 = as the tile table says)
//        [--max-rows -1|16|32] (v17d: rows per block cap, see
//        qmrt_cuda_set_max_rows) [--stream-k -1|0|1] (v19: persistent
//        stream-K blocks; with --cps-list, n units per block)
//        [--read-ceiling read_ceiling_sm_90.cubin]
//        [--trace FILE] (v12: run each plan's timeline twin `_t` instead,
//        when the cubin has one, and append the per-block stamps of the
//        last replay to FILE as JSON lines; see qmrt_cuda_set_trace)
//        [--copies N] (weight copies to rotate over; default: >= 4x L2
//        bytes; 1 = one weight that stays in L2, a diagnostic of the
//        kernel's latency without DRAM)
// With --pdl 1 (default) consecutive launches in the graph overlap through
// programmatic dependent launch where the kernels support it (sm_90).
// --read-ceiling: instead of the GEMM, time a plain streaming read of the
// same weight + scale bytes (bench/gpu/read_ceiling.cu) under the same
// rotation and graph timing, with PDL (reads before the wait, or the wait
// first) and without, over several grid sizes: the achievable ceiling of
// one launch of that size.
//
//===----------------------------------------------------------------------===//

#include "qmrt/qmrt_cuda.h"

#include <cuda.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#define CHECK(x)                                                               \
  do {                                                                         \
    if (x) {                                                                   \
      std::fprintf(stderr, "error: %s: %s\n", #x, qmrt_cuda_last_error());     \
      std::exit(2);                                                            \
    }                                                                          \
  } while (0)
#define CU(x)                                                                  \
  do {                                                                         \
    CUresult r_ = (x);                                                         \
    if (r_ != CUDA_SUCCESS) {                                                  \
      const char *n_ = "?";                                                    \
      cuGetErrorName(r_, &n_);                                                 \
      std::fprintf(stderr, "error: %s failed (%s)\n", #x, n_);                 \
      std::exit(2);                                                            \
    }                                                                          \
  } while (0)

// Median per-launch time (us) of a graph of `reps` launches of `launch(r)`.
template <typename F>
static float graphTimeUs(CUstream stream, int reps, F launch) {
  for (int r = 0; r < reps; ++r)
    launch(r);
  CU(cuStreamSynchronize(stream));
  CUgraph graph;
  CUgraphExec exec;
  CU(cuStreamBeginCapture(stream, CU_STREAM_CAPTURE_MODE_GLOBAL));
  for (int r = 0; r < reps; ++r)
    launch(r);
  CU(cuStreamEndCapture(stream, &graph));
  CU(cuGraphInstantiate(&exec, graph, 0));
  CUevent e0, e1;
  CU(cuEventCreate(&e0, CU_EVENT_DEFAULT));
  CU(cuEventCreate(&e1, CU_EVENT_DEFAULT));
  CU(cuGraphLaunch(exec, stream));
  CU(cuStreamSynchronize(stream));
  std::vector<float> times;
  for (int it = 0; it < 25; ++it) {
    CU(cuEventRecord(e0, stream));
    CU(cuGraphLaunch(exec, stream));
    CU(cuEventRecord(e1, stream));
    CU(cuEventSynchronize(e1));
    float ms;
    CU(cuEventElapsedTime(&ms, e0, e1));
    times.push_back(ms * 1000.f / reps);
  }
  std::sort(times.begin(), times.end());
  CU(cuGraphExecDestroy(exec));
  CU(cuGraphDestroy(graph));
  CU(cuEventDestroy(e0));
  CU(cuEventDestroy(e1));
  return times[times.size() / 2];
}

// Streaming-read ceiling (see the file comment).
static void readCeiling(const char *cubin,
                        const std::vector<std::pair<int64_t, int64_t>> &shapes,
                        CUstream stream, int l2, int sms, const char *devName) {
  CUmodule mod;
  CUfunction fn;
  CU(cuModuleLoad(&mod, cubin));
  CU(cuModuleGetFunction(&fn, mod, "qm_read_ceiling"));
  CUdeviceptr out;
  CU(cuMemAlloc(&out, size_t(64) * sms * 256 * 4));
  for (auto [K, N] : shapes) {
    // Weight codes + scales, as the floor counts them (M = 1 adds 2K + 2N).
    size_t bytes = size_t(K) * N / 2 + size_t(K / 128) * N * 2;
    size_t n16 = (bytes + 15) / 16;
    int copies = int(std::max<size_t>(2, (size_t(4) * l2 + bytes - 1) / bytes));
    std::vector<CUdeviceptr> bufs(copies);
    for (auto &b : bufs) {
      CU(cuMemAlloc(&b, n16 * 16));
      CU(cuMemsetD32(b, 0x5a5a1234u, n16 * 4));
    }
    int reps = copies * std::max(1, int(64 / copies));
    for (int pdl : {1, 0})
      for (int waitFirst : {0, 1}) {
        if (!pdl && waitFirst)
          continue; // without PDL the wait is a no-op
        for (int bps : {1, 2, 4, 8, 16}) {
          unsigned grid = unsigned(sms * bps);
          auto launch = [&](int r) {
            unsigned long long n = n16;
            int wf = waitFirst;
            void *args[] = {&bufs[r % copies], &n, &out, &wf};
            CUlaunchAttribute attr{};
            attr.id = CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION;
            attr.value.programmaticStreamSerializationAllowed = 1;
            CUlaunchConfig cfg{};
            cfg.gridDimX = grid;
            cfg.gridDimY = cfg.gridDimZ = 1;
            cfg.blockDimX = 256;
            cfg.blockDimY = cfg.blockDimZ = 1;
            cfg.hStream = stream;
            cfg.attrs = pdl ? &attr : nullptr;
            cfg.numAttrs = pdl ? 1 : 0;
            CU(cuLaunchKernelEx(&cfg, fn, args, nullptr));
          };
          float us = graphTimeUs(stream, reps, launch);
          std::printf("{\"impl\": \"read-ceiling\", \"device\": \"%s\", "
                      "\"K\": %lld, \"N\": %lld, \"bytes\": %zu, \"us\": "
                      "%.3f, \"pdl\": %d, \"wait_first\": %d, \"grid\": %u, "
                      "\"weight_copies\": %d}\n",
                      devName, (long long)K, (long long)N, bytes, us, pdl,
                      waitFirst, grid, copies);
          std::fflush(stdout);
        }
      }
    for (auto &b : bufs)
      CU(cuMemFree(b));
  }
  CU(cuMemFree(out));
  CU(cuModuleUnload(mod));
}

int main(int argc, char **argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s <cubin> <manifest> [K:N ...] [--m list]\n",
                 argv[0]);
    return 2;
  }
  std::vector<std::pair<int64_t, int64_t>> shapes;
  std::vector<int64_t> Ms = {1, 8, 16, 32, 64, 128, 256, 1024};
  int maxChunks = 0, clusterPref = -1, pdl = 1, streamA = -1, wide = -1,
      deep = -1, bulk = -1, minb = -1, warpsOpt = 0, swap = -1, unroll = -1,
      splitNOpt = -1, maxRows = -1, streamK = -1;
  std::vector<int> cpsList;
  int copiesOpt = 0;
  const char *traceOut = nullptr;
  bool sweep = false;
  const char *ceilingCubin = nullptr;
  for (int i = 3; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--m" && i + 1 < argc) {
      Ms.clear();
      for (char *p = std::strtok(argv[++i], ","); p; p = std::strtok(nullptr, ","))
        Ms.push_back(std::atoll(p));
    } else if (a == "--read-ceiling" && i + 1 < argc) {
      ceilingCubin = argv[++i];
    } else if (a == "--sweep") {
      sweep = true;
    } else if (a == "--stream-a" && i + 1 < argc) {
      streamA = std::atoi(argv[++i]);
    } else if (a == "--minb" && i + 1 < argc) {
      minb = std::atoi(argv[++i]);
    } else if (a == "--deep" && i + 1 < argc) {
      deep = std::atoi(argv[++i]);
    } else if (a == "--bulk" && i + 1 < argc) {
      bulk = std::atoi(argv[++i]);
    } else if (a == "--cps-list" && i + 1 < argc) {
      for (char *p = std::strtok(argv[++i], ","); p; p = std::strtok(nullptr, ","))
        cpsList.push_back(std::atoi(p));
    } else if (a == "--trace" && i + 1 < argc) {
      traceOut = argv[++i];
    } else if (a == "--copies" && i + 1 < argc) {
      copiesOpt = std::atoi(argv[++i]);
    } else if (a == "--warps" && i + 1 < argc) {
      warpsOpt = std::atoi(argv[++i]);
    } else if (a == "--swap" && i + 1 < argc) {
      swap = std::atoi(argv[++i]);
    } else if (a == "--stream-k" && i + 1 < argc) {
      streamK = std::atoi(argv[++i]);
    } else if (a == "--max-rows" && i + 1 < argc) {
      maxRows = std::atoi(argv[++i]);
    } else if (a == "--split-n" && i + 1 < argc) {
      splitNOpt = std::atoi(argv[++i]);
    } else if (a == "--unroll" && i + 1 < argc) {
      unroll = std::atoi(argv[++i]);
    } else if (a == "--wide" && i + 1 < argc) {
      wide = std::atoi(argv[++i]);
    } else if (a == "--pdl" && i + 1 < argc) {
      pdl = std::atoi(argv[++i]);
    } else if (a == "--cluster" && i + 1 < argc) {
      clusterPref = std::atoi(argv[++i]);
    } else if (a == "--max-chunks" && i + 1 < argc) {
      maxChunks = std::atoi(argv[++i]);
    } else {
      auto c = a.find(':');
      shapes.push_back({std::atoll(a.substr(0, c).c_str()),
                        std::atoll(a.substr(c + 1).c_str())});
    }
  }
  if (shapes.empty())
    shapes = {{4096, 6144}, {4096, 4096}, {4096, 28672},
              {14336, 4096}, {8192, 28672}, {28672, 8192}};
  qmrt_cuda_ctx *ctx;
  CHECK(qmrt_cuda_create(0, argv[1], argv[2], &ctx));
  qmrt_cuda_set_pdl(ctx, pdl);
  qmrt_cuda_set_stream_a(ctx, streamA);
  qmrt_cuda_set_wide(ctx, wide);
  qmrt_cuda_set_deep(ctx, deep);
  qmrt_cuda_set_bulk(ctx, bulk);
  qmrt_cuda_set_min_blocks(ctx, minb);
  qmrt_cuda_set_swap(ctx, swap);
  qmrt_cuda_set_unroll(ctx, unroll);
  qmrt_cuda_set_max_rows(ctx, maxRows);
  qmrt_cuda_set_stream_k(ctx, streamK);
  CUdevice dev;
  CU(cuDeviceGet(&dev, 0));
  int l2 = 0;
  CU(cuDeviceGetAttribute(&l2, CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE, dev));
  char devName[256];
  CU(cuDeviceGetName(devName, sizeof devName, dev));
  CUstream stream;
  CU(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING));
  if (ceilingCubin) {
    readCeiling(ceilingCubin, shapes, stream, l2, qmrt_cuda_sm_count(ctx),
                devName);
    CU(cuStreamDestroy(stream));
    qmrt_cuda_destroy(ctx);
    return 0;
  }
  std::mt19937_64 rng(1234);

  for (auto [K, N] : shapes) {
    const int64_t group = 128, G = K / group;
    std::vector<uint8_t> q(N * K);
    std::vector<float> s(N * G);
    for (auto &v : q)
      v = rng() & 15;
    for (auto &v : s)
      v = 0.001f + float(rng() % 1000) * 1e-5f;
    qmrt_packed_weight pw;
    CHECK(qmrt_pack_gpu_tiled(4, K, N, group, q.data(), s.data(), nullptr,
                              nullptr, &pw));
    size_t wbytes = pw.qw_words * 4 + pw.scale_elems * 2;
    int copies = int(std::max<size_t>(2, (size_t(4) * l2 + wbytes - 1) / wbytes));
    if (copiesOpt > 0)
      copies = copiesOpt;
    std::vector<qmrt_cuda_weight> dws(copies);
    for (auto &d : dws)
      CHECK(qmrt_cuda_weight_upload(ctx, &pw, &d));
    qmrt_packed_free(&pw);
    for (int64_t M : Ms) {
      qmrt_devptr da, dout;
      CHECK(qmrt_cuda_alloc(ctx, M * K * 2, &da));
      CHECK(qmrt_cuda_alloc(ctx, M * N * 2, &dout));
      std::vector<uint16_t> a(M * K);
      for (auto &v : a)
        v = 0x3000 | (rng() & 0x3ff); // f16 in [0.125, 0.25)
      CHECK(qmrt_cuda_upload(ctx, da, a.data(), M * K * 2));
      struct Variant { int maxChunks, warps, bps, splitn, cluster; };
      std::vector<Variant> variants = {
          {maxChunks, warpsOpt, 0, splitNOpt, clusterPref}};
      if (!cpsList.empty()) {
        variants.clear();
        for (int cps : cpsList)
          variants.push_back({-cps, warpsOpt, 0, splitNOpt, clusterPref});
      }
      if (sweep)
        for (int sn : {0, 1})
          for (int bps : {1, 2, 3, 4, 8, 99})
            for (int mc : {0})
              for (int cl : {0, 2}) {
                if (sn && cl)
                  continue;
                variants.push_back({mc, 4, bps, sn, cl});
              }
      for (const Variant &var : variants) {
      qmrt_cuda_plan plan;
      CHECK(qmrt_cuda_plan_for_ex3(ctx, &dws[0], M, var.maxChunks, var.warps,
                                   var.bps, var.splitn, -1, var.cluster,
                                   &plan));
      CHECK(qmrt_cuda_reserve(ctx, &dws[0], M, &plan));
      // Timeline twin: same plan, the `_t` kernel, one record slot per
      // launch of the graph.
      const int reps0 = copies * std::max(1, int(64 / copies));
      const int64_t nblk = int64_t(plan.grid[0]) * plan.grid[1] * plan.grid[2];
      qmrt_devptr traceBuf = 0;
      bool traced = false;
      if (traceOut) {
        int twin = qmrt_cuda_trace_twin(ctx, plan.kernel);
        if (twin < 0) {
          std::fprintf(stderr, "note: no timeline twin of %s\n",
                       qmrt_cuda_kernel_name(ctx, plan.kernel));
        } else {
          plan.kernel = twin;
          CHECK(qmrt_cuda_reserve(ctx, &dws[0], M, &plan));
          CHECK(qmrt_cuda_alloc(ctx, size_t(reps0) * nblk * 16 * 8, &traceBuf));
          CHECK(qmrt_cuda_memset8(ctx, traceBuf, 0, size_t(reps0) * nblk * 16 * 8));
          qmrt_cuda_set_trace(ctx, traceBuf, int64_t(reps0) * nblk * 16, 0);
          traced = true;
        }
      }
      // Warm up (module load, first-touch).
      for (auto &d : dws)
        CHECK(qmrt_cuda_matmul(ctx, &d, da, dout, M, &plan, stream));
      CU(cuStreamSynchronize(stream));
      // Graph of `reps` launches cycling through the copies.
      int reps = copies * std::max(1, int(64 / copies));
      CUgraph graph;
      CUgraphExec exec;
      CU(cuStreamBeginCapture(stream, CU_STREAM_CAPTURE_MODE_GLOBAL));
      for (int r = 0; r < reps; ++r) {
        if (traced)
          qmrt_cuda_set_trace(ctx, traceBuf, int64_t(reps0) * nblk * 16, r);
        CHECK(qmrt_cuda_matmul(ctx, &dws[r % copies], da, dout, M, &plan,
                               stream));
      }
      CU(cuStreamEndCapture(stream, &graph));
      CU(cuGraphInstantiate(&exec, graph, 0));
      CUevent e0, e1;
      CU(cuEventCreate(&e0, CU_EVENT_DEFAULT));
      CU(cuEventCreate(&e1, CU_EVENT_DEFAULT));
      CU(cuGraphLaunch(exec, stream));
      CU(cuStreamSynchronize(stream));
      std::vector<float> times;
      for (int it = 0; it < 25; ++it) {
        CU(cuEventRecord(e0, stream));
        CU(cuGraphLaunch(exec, stream));
        CU(cuEventRecord(e1, stream));
        CU(cuEventSynchronize(e1));
        float ms;
        CU(cuEventElapsedTime(&ms, e0, e1));
        times.push_back(ms * 1000.f / reps);
      }
      std::sort(times.begin(), times.end());
      float med = times[times.size() / 2];
      std::printf("{\"impl\": \"quant-mlir\", \"device\": \"%s\", \"K\": %lld, "
                  "\"N\": %lld, \"M\": %lld, \"us\": %.3f, \"min_us\": %.3f, "
                  "\"kernel\": \"%s\", \"nsplit\": %lld, \"grid\": [%u, %u, "
                  "%u], \"smem\": %u, \"cluster\": %u, \"pdl\": %d, \"weight_copies\": "
                  "%d, \"variant\": \"mc%d_w%d_bps%d_n%d_c%d\"}\n",
                  devName, (long long)K, (long long)N, (long long)M, med,
                  times[0], qmrt_cuda_kernel_name(ctx, plan.kernel),
                  (long long)plan.nsplit, plan.grid[0], plan.grid[1],
                  plan.grid[2], plan.smem, plan.cluster, pdl, copies,
                  var.maxChunks,
                  var.warps, var.bps, var.splitn, var.cluster);
      std::fflush(stdout);
      if (traced) {
        // The last replay's stamps: one line per launch.
        std::vector<int64_t> tr(size_t(reps) * nblk * 16);
        CHECK(qmrt_cuda_download(ctx, tr.data(), traceBuf, tr.size() * 8));
        FILE *f = std::fopen(traceOut, "a");
        if (!f) {
          std::fprintf(stderr, "error: cannot open %s\n", traceOut);
          std::exit(2);
        }
        for (int r = 0; r < reps; ++r) {
          std::fprintf(f, "{\"device\": \"%s\", \"K\": %lld, \"N\": %lld, "
                       "\"M\": %lld, \"kernel\": \"%s\", \"nsplit\": %lld, "
                       "\"pdl\": %d, \"copies\": %d, \"us\": %.3f, "
                       "\"launch\": %d, \"blocks\": [",
                       devName, (long long)K, (long long)N, (long long)M,
                       qmrt_cuda_kernel_name(ctx, plan.kernel),
                       (long long)plan.nsplit, pdl, copies, med, r);
          for (int64_t b = 0; b < nblk; ++b) {
            std::fprintf(f, "%s[", b ? ", " : "");
            for (int j = 0; j < 16; ++j)
              std::fprintf(f, "%s%lld", j ? ", " : "",
                           (long long)tr[(size_t(r) * nblk + b) * 16 + j]);
            std::fprintf(f, "]");
          }
          std::fprintf(f, "]}\n");
        }
        std::fclose(f);
        qmrt_cuda_set_trace(ctx, 0, 0, 0);
        CHECK(qmrt_cuda_free(ctx, traceBuf));
      }
      CU(cuGraphExecDestroy(exec));
      CU(cuGraphDestroy(graph));
      CU(cuEventDestroy(e0));
      CU(cuEventDestroy(e1));
      }
      CHECK(qmrt_cuda_free(ctx, da));
      CHECK(qmrt_cuda_free(ctx, dout));
    }
    for (auto &d : dws)
      qmrt_cuda_weight_free(ctx, &d);
  }
  CU(cuStreamDestroy(stream));
  qmrt_cuda_destroy(ctx);
  return 0;
}
