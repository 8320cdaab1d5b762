//===- dqgemm_check.cpp - correctness of the generated dequant-GEMM -------===//
//
// Part of quant-mlir (test harness; hand-written host code). For every
// configuration: fresh random codes / scales / zeros / group index /
// activations, pack to gpu_tiled, run the generated kernel through qmrt_cuda
// on poisoned outputs, compare with a float64 reference of the dequantized
// weight: ||out - ref|| / ||ref|| <= 1e-3, every output written (no NaN), and
// two runs bitwise equal (deterministic split-K reduction). Then chains of
// back-to-back launches on one stream, each reading the previous output
// (programmatic dependent launch on sm_90: a launch must wait for its
// producer), checked link by link.
//
// usage: qm-dqgemm-check <dqgemm_sm_XX.cubin> <manifest.txt> [--quick]
//
//===----------------------------------------------------------------------===//

#include "qmrt/qmrt_cuda.h"

#include <cuda.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {
float halfToFloat(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1f,
           mant = h & 0x3ff, bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {
      int e = -1;
      do {
        mant <<= 1;
        ++e;
      } while (!(mant & 0x400));
      bits = sign | uint32_t(127 - 15 - e) << 23 | (mant & 0x3ff) << 13;
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | mant << 13;
  } else {
    bits = sign | (exp - 15 + 127) << 23 | mant << 13;
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
uint16_t floatToHalf(float f) { // via round trip of the packer's rules
  // Simple RNE for normal range values used here.
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000u, absx = x & 0x7fffffffu;
  if (absx < 0x38800000u) { // below 2^-14: flush via float math
    float a = std::fabs(f);
    uint32_t m = static_cast<uint32_t>(std::nearbyint(a * 16777216.0f));
    return sign | m;
  }
  int exp = int(absx >> 23) - 127;
  uint32_t mant = (absx & 0x7fffffu) | 0x800000u;
  uint32_t r = uint32_t(exp + 15) << 10 | ((mant >> 13) & 0x3ff);
  uint32_t rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (r & 1)))
    ++r;
  return sign | r;
}
float roundHalf(float f) { return halfToFloat(floatToHalf(f)); }

#define CHECK(x)                                                               \
  do {                                                                         \
    if (x) {                                                                   \
      std::fprintf(stderr, "error: %s: %s\n", #x, qmrt_cuda_last_error());     \
      std::exit(2);                                                            \
    }                                                                          \
  } while (0)

struct Case {
  int bits;
  bool sym;
  int64_t group; // 0 = per-channel
  int actOrder;  // 0 none, 1 GPTQ permutation, 2 uneven random groups
  int64_t K, N;
};

std::mt19937_64 rng(std::chrono::steady_clock::now().time_since_epoch().count());
} // namespace

int main(int argc, char **argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s <cubin> <manifest.txt> [--quick] [--bulk]\n",
                 argv[0]);
    return 2;
  }
  bool quick = argc > 3 && std::string(argv[3]) == "--quick";
  // --chains-only: only the dependent-launch chains, over more cluster
  // sizes and with PDL on and off (diagnosis).
  bool chainsOnly = argc > 3 && std::string(argv[3]) == "--chains-only";
  qmrt_cuda_ctx *ctx = nullptr;
  CHECK(qmrt_cuda_create(0, argv[1], argv[2], &ctx));
  // --bulk (anywhere after the manifest): every plan takes its kernel's
  // bulk-copy twin where the cubin has one (v22; K % 512 == 0 only).
  for (int i = 3; i < argc; ++i)
    if (std::string(argv[i]) == "--bulk")
      qmrt_cuda_set_bulk(ctx, 1);

  std::vector<Case> cases;
  std::vector<std::pair<int64_t, int64_t>> shapes = {
      {1024, 256}, {1003, 200}, {4096, 1024}};
  if (quick)
    shapes = {{1024, 256}, {1003, 200}};
  for (int bits : {4, 8})
    for (bool sym : {true, false})
      for (int64_t g : {32, 64, 128, 0})
        for (int ao : {0, 1})
          for (auto [K, N] : shapes) {
            if (ao && g == 0)
              continue;
            cases.push_back({bits, sym, g, ao, K, N});
          }
  cases.push_back({4, false, 128, 2, 1024, 128});
  cases.push_back({8, true, 64, 2, 2000, 72});
  cases.push_back({4, true, 128, 0, 14336, 512});
  // Direct family with K % 512 != 0: the last split's chunks reach past K
  // (zero-filled activation copies).
  cases.push_back({4, true, 128, 0, 1000, 136});
  cases.push_back({8, false, 64, 0, 1000, 136});
  std::vector<int64_t> Ms = {1, 5, 11, 16, 33, 130};
  if (quick)
    Ms = {1, 16, 33};

  int runs = 0, failed = 0;
  double worst = 0;
  if (chainsOnly)
    cases.clear();
  for (const Case &c : cases) {
    const int64_t K = c.K, N = c.N;
    const bool perCh = c.group == 0;
    const int64_t G = perCh ? 1 : (K + c.group - 1) / c.group;
    std::vector<uint8_t> q(N * K), z;
    std::vector<float> s(N * G);
    std::vector<int32_t> gidx;
    std::uniform_int_distribution<int> code(0, (1 << c.bits) - 1);
    std::uniform_real_distribution<float> sdist(0.002f, 0.02f);
    for (auto &v : q)
      v = static_cast<uint8_t>(code(rng));
    for (auto &v : s)
      v = roundHalf(sdist(rng));
    if (!c.sym) {
      z.resize(N * G);
      for (auto &v : z)
        v = static_cast<uint8_t>(code(rng));
    }
    if (c.actOrder == 1) { // GPTQ: g_idx[perm[i]] = i / group
      std::vector<int32_t> perm(K);
      std::iota(perm.begin(), perm.end(), 0);
      std::shuffle(perm.begin(), perm.end(), rng);
      gidx.resize(K);
      for (int64_t i = 0; i < K; ++i)
        gidx[perm[i]] = static_cast<int32_t>(i / c.group);
    } else if (c.actOrder == 2) { // arbitrary, uneven groups
      gidx.resize(K);
      std::uniform_int_distribution<int> gd(0, int(G) - 1);
      for (auto &v : gidx)
        v = gd(rng);
    }
    // float64 reference weight W[k][n].
    std::vector<double> W(K * N);
    int zsym = 1 << (c.bits - 1);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t k = 0; k < K; ++k) {
        int64_t g = !gidx.empty() ? gidx[k] : (perCh ? 0 : k / c.group);
        double zz = c.sym ? zsym : z[n * G + g];
        W[k * N + n] = double(s[n * G + g]) * (double(q[n * K + k]) - zz);
      }
    qmrt_packed_weight pw;
    CHECK(qmrt_pack_gpu_tiled(c.bits, K, N, perCh ? 0 : c.group, q.data(),
                              s.data(), c.sym ? nullptr : z.data(),
                              gidx.empty() ? nullptr : gidx.data(), &pw));
    qmrt_cuda_weight dw;
    CHECK(qmrt_cuda_weight_upload(ctx, &pw, &dw));
    qmrt_packed_free(&pw);

    for (int64_t M : Ms) {
      // Plans: the runtime's default; forced split-K (one chunk per split)
      // with warps splitting K or N, scaling each weight or (where the
      // group allows) the accumulators once per group.
      // Variants 5 and 6 reduce split-K through a thread-block cluster where
      // the cubin has cluster kernels (sm_90), capping splits at 8; 6 uses
      // 3 chunks per split, so the last split of K = 4096 is shorter.
      // Variants 7 and 8 stream the activations through the weight stages
      // (warps splitting K, then N) where such kernels exist.
      // Variants 9-11 use 128-column blocks where the family has them:
      // global split-K (one chunk per split), cluster split-K (3 chunks per
      // split) and streamed activations.
      // Variants 12 and 13 use the whole-slice kernels (v10, `_s9`: the
      // block's weight slice in shared memory) where the family has them:
      // up to 8 chunks per split (whole K = 4096 in one block), and
      // streamed activations with 3 chunks per split (uneven last split).
      // Variants 14-17 use the swapped-operand kernels (v11, `_sw`: weights
      // as the m16 operand, 8-row blocks) where the family has them and
      // M <= 16 (v16: two row blocks past M = 8): 4 warps with one chunk
      // per split; 8 warps register-capped, whole-slice, 2 chunks per
      // split; 16 warps capped, whole-slice, streamed, 3 chunks per split
      // (uneven last split); 16 warps, streamed, default split. Variant 18 asks for 16 warps, streamed,
      // not swapped (v11d `_m16_w16_s3_g_a` where the family has it).
      // Variants 19-23 use the long-chunk kernels (v14, `_u<n>`) where the
      // family has them and the chunk divides the padded K: 16 warps
      // swapped, 4 k-steps per warp (1024-k chunks), default split; 16 warps
      // swapped, 8 k-steps (2048 k), one chunk per split; 8 warps swapped,
      // 8 k-steps (1024 k), 2 chunks per split; 16 warps unswapped, 4 then
      // 8 k-steps, default split (the planner shortens the split until
      // the fitted stage buffers fit shared memory).
      // At M = 9..16 variants 14-16 keep 8-row swapped blocks (two row
      // blocks, v16), while 17 and 19-21 take the 16-row swapped kernels
      // (two n8 row tiles, v17) where the family has them; 24 and 25 are
      // 16-row swapped too: 4 warps with one chunk per split, 8 warps with
      // two chunks per split. Variants 26-28 cap the rows per block (v17d:
      // M past the cap runs as several row blocks): 16 rows, 32 rows, and
      // 16 rows through the swapped 16-row kernels (8 warps, streamed).
      // The table's plan (variant 0) takes 16-row blocks past M = 16; the
      // forced variants 1-25 run without a row cap (32- and 64-row
      // kernels past M = 16, the v16 plans), so every kernel kind stays
      // covered. Variants 29-31 use the stream-K kernels (v19, swapped,
      // streamed) where the family has them: 16 warps, one block per SM;
      // 16 warps, 3 units per block (more contributors per column block:
      // the counter path); 8 warps. Variants 32-35 use the swapped kernels
      // with two warp groups splitting N (v20, `_x2`: 128-column blocks)
      // where the family has them, 16-row blocks past M = 16: 8 warps at
      // the default split; 8 warps with 2048-k chunks (`_u8`), one chunk
      // per split; stream-K with 8 warps; stream-K with 16 warps at 3
      // units per block (the counter path). Variants 36 and 37: stream-K
      // with 512-k chunks per group (8 warps x 8 k-steps, 16 x 4).
      // Variants 38-40 reduce the splits of the swapped streamed kernels
      // through a cluster (v21, `_c_a_sw`, only in a cubin from
      // `quant-gpu-gen --cluster-twins`; otherwise the same plans run
      // without one), 16-row blocks past M = 16, where the split count is
      // 2..8 (the planner caps it at 8; one split runs without a cluster):
      // 16 warps, one chunk per split; 8 warps with 512-k chunks per group
      // and two groups (`_x2_u8`), 3 chunks per split (uneven last split);
      // 8 warps with 1024-k chunks (`_u8`), one chunk per split. (Variants
      // 5 and 6 keep to the unswapped, unstreamed cluster kernels.)
      for (int variant : {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
                          15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
                          28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39,
                          40}) {
        std::vector<uint16_t> a(M * K);
        std::vector<double> ad(M * K);
        std::uniform_real_distribution<float> adist(-1.f, 1.f);
        for (int64_t i = 0; i < M * K; ++i) {
          a[i] = floatToHalf(adist(rng));
          ad[i] = halfToFloat(a[i]);
        }
        std::vector<double> ref(M * N, 0.0);
        {
          unsigned nt = std::max(1u, std::thread::hardware_concurrency());
          std::vector<std::thread> th;
          for (unsigned t = 0; t < nt; ++t)
            th.emplace_back([&, t] {
              for (int64_t m = t; m < M; m += nt)
                for (int64_t k = 0; k < K; ++k) {
                  double av = ad[m * K + k];
                  const double *wr = &W[k * N];
                  double *o = &ref[m * N];
                  for (int64_t n = 0; n < N; ++n)
                    o[n] += av * wr[n];
                }
            });
          for (auto &x : th)
            x.join();
        }
        qmrt_cuda_plan plan;
        qmrt_cuda_set_max_rows(ctx, variant >= 1 && variant <= 25 ? 64 : -1);
        if (variant >= 38) {
          qmrt_cuda_set_max_rows(ctx, 16);
          qmrt_cuda_set_swap(ctx, 1);
          qmrt_cuda_set_stream_a(ctx, 1);
          qmrt_cuda_set_stream_k(ctx, 0);
          qmrt_cuda_set_wide(ctx, variant == 39 ? 1 : 0);
          qmrt_cuda_set_unroll(ctx, variant == 38 ? -1 : 8);
          CHECK(qmrt_cuda_plan_for_ex3(
              ctx, &dw, M, variant == 39 ? -3 : -1,
              variant == 38 ? 16 : 8, 0, /*split_n=*/0, -1, /*cluster=*/2,
              &plan));
          qmrt_cuda_set_unroll(ctx, -1);
          qmrt_cuda_set_wide(ctx, -1);
          qmrt_cuda_set_stream_k(ctx, -1);
          qmrt_cuda_set_stream_a(ctx, -1);
          qmrt_cuda_set_swap(ctx, -1);
        } else if (variant >= 32) {
          qmrt_cuda_set_max_rows(ctx, 16);
          qmrt_cuda_set_wide(ctx, 1);
          qmrt_cuda_set_swap(ctx, 1);
          qmrt_cuda_set_stream_a(ctx, 1);
          qmrt_cuda_set_stream_k(ctx, variant >= 34 ? 1 : 0);
          qmrt_cuda_set_unroll(ctx, variant == 33 || variant == 36 ? 8
                                    : variant == 37           ? 4
                                                              : -1);
          CHECK(qmrt_cuda_plan_for_ex3(
              ctx, &dw, M, variant == 33 ? -1 : variant == 35 ? -3 : 0,
              variant == 35 || variant == 37 ? 16 : 8, 0, /*split_n=*/0, -1,
              /*cluster=*/0, &plan));
          qmrt_cuda_set_unroll(ctx, -1);
          qmrt_cuda_set_stream_k(ctx, -1);
          qmrt_cuda_set_stream_a(ctx, -1);
          qmrt_cuda_set_swap(ctx, -1);
          qmrt_cuda_set_wide(ctx, -1);
        } else if (variant >= 29) {
          qmrt_cuda_set_stream_k(ctx, 1);
          qmrt_cuda_set_swap(ctx, 1);
          qmrt_cuda_set_stream_a(ctx, 1);
          CHECK(qmrt_cuda_plan_for_ex3(ctx, &dw, M, variant == 30 ? -3 : 0,
                                       variant == 31 ? 8 : 16, 0,
                                       /*split_n=*/0, -1, /*cluster=*/0,
                                       &plan));
          qmrt_cuda_set_stream_a(ctx, -1);
          qmrt_cuda_set_swap(ctx, -1);
          qmrt_cuda_set_stream_k(ctx, -1);
        } else if (variant >= 26) {
          qmrt_cuda_set_max_rows(ctx, variant == 27 ? 32 : 16);
          if (variant == 28) {
            qmrt_cuda_set_swap(ctx, 1);
            qmrt_cuda_set_stream_a(ctx, 1);
          }
          CHECK(qmrt_cuda_plan_for_ex3(ctx, &dw, M, 0, variant == 28 ? 8 : 0,
                                       0, variant == 28 ? 0 : -1, -1,
                                       /*cluster=*/0, &plan));
          qmrt_cuda_set_stream_a(ctx, -1);
          qmrt_cuda_set_swap(ctx, -1);
        } else if (variant >= 24) {
          qmrt_cuda_set_swap(ctx, 1);
          qmrt_cuda_set_stream_a(ctx, 1);
          CHECK(qmrt_cuda_plan_for_ex3(ctx, &dw, M, variant == 24 ? 1 : -2,
                                       variant == 24 ? 4 : 8, 0,
                                       /*split_n=*/0, -1, /*cluster=*/0,
                                       &plan));
          qmrt_cuda_set_stream_a(ctx, -1);
          qmrt_cuda_set_swap(ctx, -1);
        } else if (variant >= 19) {
          const bool swapped = variant <= 21;
          qmrt_cuda_set_swap(ctx, swapped ? 1 : 0);
          qmrt_cuda_set_stream_a(ctx, 1);
          qmrt_cuda_set_unroll(ctx, variant == 19 || variant == 22 ? 4 : 8);
          CHECK(qmrt_cuda_plan_for_ex3(
              ctx, &dw, M, variant == 20 ? -1 : variant == 21 ? -2 : 0,
              variant == 21 ? 8 : 16, 0, /*split_n=*/0, -1, /*cluster=*/0,
              &plan));
          qmrt_cuda_set_unroll(ctx, -1);
          qmrt_cuda_set_stream_a(ctx, -1);
          qmrt_cuda_set_swap(ctx, -1);
        } else if (variant == 18) {
          qmrt_cuda_set_swap(ctx, 0);
          qmrt_cuda_set_stream_a(ctx, 1);
          CHECK(qmrt_cuda_plan_for_ex3(ctx, &dw, M, 0, 16, 0, /*split_n=*/0,
                                       -1, /*cluster=*/0, &plan));
          qmrt_cuda_set_stream_a(ctx, -1);
          qmrt_cuda_set_swap(ctx, -1);
        } else if (variant >= 14) {
          const int warps = variant == 14 ? 4 : variant == 15 ? 8 : 16;
          qmrt_cuda_set_swap(ctx, variant == 17 ? 1 : 2);
          qmrt_cuda_set_min_blocks(ctx, variant == 15 ? 4 : variant == 16 ? 2 : 0);
          qmrt_cuda_set_deep(ctx, variant == 15 || variant == 16 ? 1 : 0);
          qmrt_cuda_set_stream_a(ctx, variant >= 16 ? 1 : 0);
          CHECK(qmrt_cuda_plan_for_ex3(
              ctx, &dw, M, variant == 14 ? 1 : variant == 15 ? -2
                           : variant == 16 ? -3 : 0,
              warps, 0, /*split_n=*/0, -1, /*cluster=*/0, &plan));
          qmrt_cuda_set_stream_a(ctx, -1);
          qmrt_cuda_set_deep(ctx, -1);
          qmrt_cuda_set_min_blocks(ctx, -1);
          qmrt_cuda_set_swap(ctx, -1);
        } else if (variant >= 12) {
          qmrt_cuda_set_deep(ctx, 1);
          qmrt_cuda_set_stream_a(ctx, variant == 13 ? 1 : 0);
          CHECK(qmrt_cuda_plan_for_ex3(ctx, &dw, M, variant == 12 ? -8 : -3,
                                       0, 0, /*split_n=*/0, -1,
                                       /*cluster=*/0, &plan));
          qmrt_cuda_set_stream_a(ctx, -1);
          qmrt_cuda_set_deep(ctx, -1);
        } else if (variant >= 9) {
          qmrt_cuda_set_wide(ctx, 1);
          qmrt_cuda_set_stream_a(ctx, variant == 11 ? 1 : 0);
          CHECK(qmrt_cuda_plan_for_ex3(ctx, &dw, M,
                                       variant == 9 ? 1 : variant == 10 ? 3 : 2,
                                       0, 0, /*split_n=*/0, -1,
                                       /*cluster=*/variant == 10 ? 2 : 0,
                                       &plan));
          qmrt_cuda_set_stream_a(ctx, -1);
          qmrt_cuda_set_wide(ctx, -1);
        } else if (variant == 0)
          CHECK(qmrt_cuda_plan_for(ctx, &dw, M, 0, &plan));
        else if (variant <= 4)
          CHECK(qmrt_cuda_plan_for_ex3(ctx, &dw, M, 1, 0, 0,
                                       /*split_n=*/(variant - 1) / 2,
                                       /*scale_after=*/(variant - 1) % 2,
                                       /*cluster=*/0, &plan));
        else if (variant >= 7) {
          qmrt_cuda_set_stream_a(ctx, 1);
          CHECK(qmrt_cuda_plan_for_ex3(ctx, &dw, M, variant == 7 ? 0 : 2, 0,
                                       0, /*split_n=*/variant - 7, -1,
                                       /*cluster=*/0, &plan));
          qmrt_cuda_set_stream_a(ctx, -1);
        } else {
          qmrt_cuda_set_swap(ctx, 0);
          qmrt_cuda_set_stream_a(ctx, 0);
          CHECK(qmrt_cuda_plan_for_ex3(ctx, &dw, M, variant == 5 ? 0 : 3, 0,
                                       0, /*split_n=*/0,
                                       /*scale_after=*/variant == 5 ? -1 : 0,
                                       /*cluster=*/2, &plan));
          qmrt_cuda_set_stream_a(ctx, -1);
          qmrt_cuda_set_swap(ctx, -1);
        }
        qmrt_cuda_set_max_rows(ctx, -1);
        CHECK(qmrt_cuda_reserve(ctx, &dw, M, &plan));
        qmrt_devptr da, dout;
        CHECK(qmrt_cuda_alloc(ctx, M * K * 2, &da));
        CHECK(qmrt_cuda_alloc(ctx, M * N * 2, &dout));
        CHECK(qmrt_cuda_upload(ctx, da, a.data(), M * K * 2));
        std::vector<uint16_t> out1(M * N), out2(M * N);
        for (auto *out : {&out1, &out2}) {
          CHECK(qmrt_cuda_memset8(ctx, dout, 0xff, M * N * 2)); // NaN poison
          CHECK(qmrt_cuda_matmul(ctx, &dw, da, dout, M, &plan, nullptr));
          CHECK(qmrt_cuda_sync(ctx));
          CHECK(qmrt_cuda_download(ctx, out->data(), dout, M * N * 2));
        }
        CHECK(qmrt_cuda_free(ctx, da));
        CHECK(qmrt_cuda_free(ctx, dout));
        double num = 0, den = 0;
        int64_t bad = 0;
        for (int64_t i = 0; i < M * N; ++i) {
          float o = halfToFloat(out1[i]);
          if (!std::isfinite(o))
            ++bad;
          double d = o - ref[i];
          num += d * d;
          den += ref[i] * ref[i];
        }
        double rel = std::sqrt(num / std::max(den, 1e-300));
        bool det = std::memcmp(out1.data(), out2.data(), M * N * 2) == 0;
        bool ok = bad == 0 && rel <= 1e-3 && det;
        ++runs;
        if (!ok)
          ++failed;
        if (std::isfinite(rel))
          worst = std::max(worst, rel);
        std::printf("%s bits=%d %s group=%-4lld actorder=%d K=%-5lld N=%-5lld "
                    "M=%-4lld kernel=%s nsplit=%lld cluster=%u rel=%.3e "
                    "unwritten=%lld deterministic=%d\n",
                    ok ? "PASS" : "FAIL", c.bits, c.sym ? "sym " : "asym",
                    (long long)c.group, c.actOrder, (long long)K,
                    (long long)N, (long long)M,
                    qmrt_cuda_kernel_name(ctx, plan.kernel),
                    (long long)plan.nsplit, plan.cluster, rel, (long long)bad,
                    det ? 1 : 0);
        std::fflush(stdout);
      }
    }
    qmrt_cuda_weight_free(ctx, &dw);
  }
  // Chains: x[i+1] = x[i] * W, launched back to back without host
  // synchronization; every link is compared with a float64 product of the
  // previous link's GPU output (so a launch that read its input early shows
  // up as NaN poison or a large error).
  {
    CUstream stream;
    if (cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING) != CUDA_SUCCESS) {
      std::fprintf(stderr, "error: cuStreamCreate failed\n");
      return 2;
    }
    const int links = 6;
    std::vector<int> pdls = {1},
                     variants = {0, 1, 5, 6, 7, 8, 9, 10, 11, 12, 13};
    std::vector<int64_t> chainK = {1024, 4096}, chainM = {1, 8, 16, 40};
    if (chainsOnly)
      pdls = {1, 0}, variants = {0, 1, 2, 3, 4}, chainK = {1024, 2048, 4096},
      chainM = {1, 16};
    for (int pdl : pdls)
    for (int64_t K : chainK)
      for (int64_t M : chainM)
        for (int variant : variants) {
          qmrt_cuda_set_pdl(ctx, pdl);
          const int64_t N = K, group = 128, G = K / group;
          std::vector<uint8_t> q(N * K);
          std::vector<float> sc(N * G);
          std::uniform_int_distribution<int> code(0, 15);
          // |W| ~ 4 s, rows of K terms: s ~ 1/(4 sqrt(K)) keeps |x| ~ 1.
          std::uniform_real_distribution<float> sdist(
              0.5f / (4.f * std::sqrt(float(K))),
              1.5f / (4.f * std::sqrt(float(K))));
          for (auto &v : q)
            v = static_cast<uint8_t>(code(rng));
          for (auto &v : sc)
            v = roundHalf(sdist(rng));
          std::vector<double> W(K * N);
          for (int64_t n = 0; n < N; ++n)
            for (int64_t k = 0; k < K; ++k)
              W[k * N + n] = double(sc[n * G + k / group]) *
                             (double(q[n * K + k]) - 8.0);
          qmrt_packed_weight pw;
          CHECK(qmrt_pack_gpu_tiled(4, K, N, group, q.data(), sc.data(),
                                    nullptr, nullptr, &pw));
          qmrt_cuda_weight dw;
          CHECK(qmrt_cuda_weight_upload(ctx, &pw, &dw));
          qmrt_packed_free(&pw);
          qmrt_cuda_plan plan;
          if (variant == 12 || variant == 13) {
            // Long chunks (v14): 16 warps swapped, 4 k-steps per warp,
            // default split; 16 warps unswapped, 8 k-steps, one chunk.
            qmrt_cuda_set_swap(ctx, variant == 12 ? 1 : 0);
            qmrt_cuda_set_stream_a(ctx, 1);
            qmrt_cuda_set_unroll(ctx, variant == 12 ? 4 : 8);
            CHECK(qmrt_cuda_plan_for_ex3(ctx, &dw, M, variant == 12 ? 0 : -1,
                                         16, 0, 0, -1, /*cluster=*/0, &plan));
            qmrt_cuda_set_unroll(ctx, -1);
            qmrt_cuda_set_stream_a(ctx, -1);
            qmrt_cuda_set_swap(ctx, -1);
          } else if (variant == 11) { // 16 warps, streamed, not swapped (v11d)
            qmrt_cuda_set_swap(ctx, 0);
            qmrt_cuda_set_stream_a(ctx, 1);
            CHECK(qmrt_cuda_plan_for_ex3(ctx, &dw, M, 0, 16, 0, 0, -1,
                                         /*cluster=*/0, &plan));
            qmrt_cuda_set_stream_a(ctx, -1);
            qmrt_cuda_set_swap(ctx, -1);
          } else if (variant == 9 || variant == 10) {
            // Swapped operands, 64 registers (16 warps, whole slice of 2
            // chunks per split; 8 warps, streamed, default split): a PDL
            // launch's blocks co-reside with the previous launch's.
            qmrt_cuda_set_swap(ctx, 1);
            qmrt_cuda_set_min_blocks(ctx, variant == 9 ? 2 : 4);
            qmrt_cuda_set_deep(ctx, variant == 9 ? 1 : 0);
            qmrt_cuda_set_stream_a(ctx, variant == 10 ? 1 : 0);
            CHECK(qmrt_cuda_plan_for_ex3(ctx, &dw, M, variant == 9 ? -2 : 0,
                                         variant == 9 ? 16 : 8, 0, 0, -1,
                                         /*cluster=*/0, &plan));
            qmrt_cuda_set_stream_a(ctx, -1);
            qmrt_cuda_set_deep(ctx, -1);
            qmrt_cuda_set_min_blocks(ctx, -1);
            qmrt_cuda_set_swap(ctx, -1);
          } else if (variant == 5) { // streamed activations
            qmrt_cuda_set_stream_a(ctx, 1);
            CHECK(qmrt_cuda_plan_for(ctx, &dw, M, 0, &plan));
            qmrt_cuda_set_stream_a(ctx, -1);
          } else if (variant == 6) { // 128-column blocks, default split
            qmrt_cuda_set_wide(ctx, 1);
            CHECK(qmrt_cuda_plan_for(ctx, &dw, M, 0, &plan));
            qmrt_cuda_set_wide(ctx, -1);
          } else if (variant == 7 || variant == 8) { // whole-slice kernels
            qmrt_cuda_set_deep(ctx, 1);
            qmrt_cuda_set_stream_a(ctx, variant == 8 ? 1 : 0);
            CHECK(qmrt_cuda_plan_for_ex3(ctx, &dw, M, -2, 0, 0, 0, -1,
                                         /*cluster=*/0, &plan));
            qmrt_cuda_set_stream_a(ctx, -1);
            qmrt_cuda_set_deep(ctx, -1);
          } else if (variant == 0)
            CHECK(qmrt_cuda_plan_for(ctx, &dw, M, 0, &plan));
          else
            CHECK(qmrt_cuda_plan_for_ex3(ctx, &dw, M,
                                         chainsOnly ? variant : 0, 0, 0, 0,
                                         -1, /*cluster=*/2, &plan));
          CHECK(qmrt_cuda_reserve(ctx, &dw, M, &plan));
          std::vector<qmrt_devptr> x(links + 1);
          std::vector<uint16_t> x0(M * K);
          std::uniform_real_distribution<float> adist(-1.f, 1.f);
          for (auto &v : x0)
            v = floatToHalf(adist(rng));
          for (auto &d : x) {
            CHECK(qmrt_cuda_alloc(ctx, M * K * 2, &d));
            CHECK(qmrt_cuda_memset8(ctx, d, 0xff, M * K * 2));
          }
          CHECK(qmrt_cuda_upload(ctx, x[0], x0.data(), M * K * 2));
          CHECK(qmrt_cuda_sync(ctx));
          for (int i = 0; i < links; ++i)
            CHECK(qmrt_cuda_matmul(ctx, &dw, x[i], x[i + 1], M, &plan,
                                   stream));
          if (cuStreamSynchronize(stream) != CUDA_SUCCESS) {
            std::fprintf(stderr, "error: chain launch failed\n");
            return 2;
          }
          std::vector<uint16_t> in(M * K), outv(M * K);
          CHECK(qmrt_cuda_download(ctx, in.data(), x[0], M * K * 2));
          for (int i = 0; i < links; ++i) {
            CHECK(qmrt_cuda_download(ctx, outv.data(), x[i + 1], M * K * 2));
            double num = 0, den = 0;
            int64_t bad = 0;
            for (int64_t m = 0; m < M; ++m) {
              std::vector<double> ref(N, 0.0);
              for (int64_t k = 0; k < K; ++k) {
                double av = halfToFloat(in[m * K + k]);
                const double *wr = &W[k * N];
                for (int64_t n = 0; n < N; ++n)
                  ref[n] += av * wr[n];
              }
              for (int64_t n = 0; n < N; ++n) {
                float o = halfToFloat(outv[m * N + n]);
                if (!std::isfinite(o))
                  ++bad;
                double d = o - ref[n];
                num += d * d;
                den += ref[n] * ref[n];
              }
            }
            double rel = std::sqrt(num / std::max(den, 1e-300));
            bool ok = bad == 0 && rel <= 1e-3;
            ++runs;
            if (!ok)
              ++failed;
            if (std::isfinite(rel))
              worst = std::max(worst, rel);
            std::printf("%s chain link=%d pdl=%d K=N=%-5lld M=%-4lld "
                        "kernel=%s nsplit=%lld cluster=%u rel=%.3e "
                        "unwritten=%lld\n",
                        ok ? "PASS" : "FAIL", i + 1, pdl, (long long)K,
                        (long long)M, qmrt_cuda_kernel_name(ctx, plan.kernel),
                        (long long)plan.nsplit, plan.cluster, rel,
                        (long long)bad);
            in = outv;
          }
          for (auto &d : x)
            CHECK(qmrt_cuda_free(ctx, d));
          qmrt_cuda_weight_free(ctx, &dw);
        }
    cuStreamDestroy(stream);
    qmrt_cuda_set_pdl(ctx, 1);
  }
  std::printf("SUMMARY: %d runs, %d passed, %d failed, worst rel error %.3e\n",
              runs, runs - failed, failed, worst);
  qmrt_cuda_destroy(ctx);
  return failed ? 1 : 0;
}
