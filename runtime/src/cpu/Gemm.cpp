//===- Gemm.cpp - qmrt_sgemm and qmrt_qmatmul drivers ---------------------===//
//
// Part of quant-mlir. ISA-independent drivers: cache blocking, packing and
// the split of the work over the thread pool. The inner loops are the
// KernelSet of the CPU (Kernels.h).
//
// Packed GEMM (Goto/BLIS order): for each NC-wide block of columns, for each
// KC-deep slice of K, pack B[KC x NC] into NR-wide k-major strips (for
// qmatmul: dequantize the codes straight into that panel), then for each
// MC-high block of rows pack A[MC x KC] into MR-high k-major strips and run
// the MR x NR micro-kernel over the tiles. Threads own disjoint tiles of C:
// the columns are split first (each thread dequantizes only its columns of
// W), the rows only when there are too few column strips.
//
// Small M (<= 4, decode): no packing; sgemv / qgemv kernels stream B (or the
// codes) once, split over the columns.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"
#include "qmrt/qmrt.h"

#include <algorithm>
#if defined(__SSE2__)
#include <immintrin.h>
#endif
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

using namespace qmrt::cpu;

namespace {

// Blocking for the AVX-512 kernel on Zen 4 (32 KiB L1d, 1 MiB L2 per core):
// the MR x KC A micro-panel (18 KiB) stays in L1, the KC x NC B block
// (768 KiB) in L2. Measured with bench/cpu_kernels.cpp.
int64_t gMC = 240, gKC = 384, gNC = 512;

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t roundUp(int64_t a, int64_t b) { return ceilDiv(a, b) * b; }

/// A 64-byte aligned float buffer that only grows.
struct AlignedBuffer {
  float *data = nullptr;
  size_t size = 0;
  ~AlignedBuffer() { std::free(data); }
  float *get(size_t n) {
    if (n > size) {
      std::free(data);
      size_t bytes = roundUp((int64_t)(n * sizeof(float)), 64);
      data = static_cast<float *>(std::aligned_alloc(64, bytes));
      if (!data) {
        std::fprintf(stderr, "qmrt: out of memory (%zu bytes)\n", bytes);
        std::abort();
      }
      size = n;
    }
    return data;
  }
};

struct Scratch {
  AlignedBuffer a, b, t;
};
thread_local Scratch tlsScratch;

/// Packs columns [n0, n0 + nc) of rows [k0, k0 + kc) of B into
/// ceil(nc / nr) strips of kc x nr floats (zero-padded).
using PackBFn = void (*)(const void *ctx, int64_t k0, int64_t kc, int64_t n0,
                         int64_t nc, int nr, float *dst, Scratch &scratch);

struct GemmProblem {
  int64_t M, N, K;
  const float *A;
  int64_t lda;
  PackBFn packB;
  const void *bCtx;
  float *C;
  int64_t ldc;
  const KernelSet *ks;
};

/// The whole of A, packed once per call and shared by all threads: for each
/// KC slice pc (at offset pc * mPad), ceil(M / MR) strips of kc x MR floats.
struct PackedA {
  float *data;
  int64_t mPad, KC;
  const float *strip(int64_t pc, int64_t kc, int64_t m) const {
    return data + pc * mPad + m * kc;
  }
};

#if defined(__SSE2__)
/// One full strip of mr rows: dst[k * mr + i] = A[i * lda + k], in 4 x 4
/// SSE transposes (3-4x faster than element-wise; it matters for small N,
/// where packing A is a sizeable part of the work).
void packAStripSse(const float *A, int64_t lda, int mr, int64_t kc,
                   float *dst) {
  int64_t k = 0;
  for (; k + 4 <= kc; k += 4) {
    int i = 0;
    for (; i + 4 <= mr; i += 4) {
      __m128 r0 = _mm_loadu_ps(A + (i + 0) * lda + k);
      __m128 r1 = _mm_loadu_ps(A + (i + 1) * lda + k);
      __m128 r2 = _mm_loadu_ps(A + (i + 2) * lda + k);
      __m128 r3 = _mm_loadu_ps(A + (i + 3) * lda + k);
      _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
      _mm_storeu_ps(dst + (k + 0) * mr + i, r0);
      _mm_storeu_ps(dst + (k + 1) * mr + i, r1);
      _mm_storeu_ps(dst + (k + 2) * mr + i, r2);
      _mm_storeu_ps(dst + (k + 3) * mr + i, r3);
    }
    for (; i < mr; ++i)
      for (int64_t kk = k; kk < k + 4; ++kk)
        dst[kk * mr + i] = A[i * lda + kk];
  }
  for (; k < kc; ++k)
    for (int i = 0; i < mr; ++i)
      dst[k * mr + i] = A[i * lda + k];
}
#endif

void packAStrips(const GemmProblem &p, const PackedA &pa, int64_t s0,
                 int64_t s1) {
  const int mr = p.ks->mr;
  for (int64_t pc = 0; pc < p.K; pc += pa.KC) {
    int64_t kc = std::min(pa.KC, p.K - pc);
    for (int64_t s = s0; s < s1; ++s) {
      float *dst = pa.data + pc * pa.mPad + s * mr * kc;
      int64_t rows = std::min<int64_t>(mr, p.M - s * mr);
#if defined(__SSE2__)
      if (rows == mr) {
        packAStripSse(p.A + s * mr * p.lda + pc, p.lda, mr, kc, dst);
        continue;
      }
#endif
      for (int64_t i = 0; i < rows; ++i) {
        const float *src = p.A + (s * mr + i) * p.lda + pc;
        for (int64_t k = 0; k < kc; ++k)
          dst[k * mr + i] = src[k];
      }
      for (int64_t i = rows; i < mr; ++i)
        for (int64_t k = 0; k < kc; ++k)
          dst[k * mr + i] = 0.0f;
    }
  }
}

/// C[m0:m1, n0:n1] of the problem; m0 is a multiple of MR.
void gemmBlock(const GemmProblem &p, const PackedA &pa, int64_t m0, int64_t m1,
               int64_t n0, int64_t n1) {
  const KernelSet &ks = *p.ks;
  const int mr = ks.mr, nr = ks.nr;
  const int64_t NC = roundUp(gNC, nr), KC = pa.KC, MC = roundUp(gMC, mr);
  Scratch &scratch = tlsScratch;
  float *Bp = scratch.b.get(KC * std::min(NC, roundUp(n1 - n0, nr)));
  alignas(64) float tile[16 * 64];
  for (int64_t jc = n0; jc < n1; jc += NC) {
    int64_t nc = std::min(NC, n1 - jc);
    for (int64_t pc = 0; pc < p.K; pc += KC) {
      int64_t kc = std::min(KC, p.K - pc);
      int accumulate = pc > 0;
      p.packB(p.bCtx, pc, kc, jc, nc, nr, Bp, scratch);
      for (int64_t ic = m0; ic < m1; ic += MC) {
        int64_t mc = std::min(MC, m1 - ic);
        // A micro-panel outer (stays in L1), B micro-panels inner (from L2):
        // consecutive tiles walk along rows of C, which avoids the cache-set
        // aliasing of walking down a column of C when ldc is a power of two.
        for (int64_t ir = 0; ir < mc; ir += mr) {
          int64_t mm = std::min<int64_t>(mr, mc - ir);
          const float *a = pa.strip(pc, kc, ic + ir);
          for (int64_t jr = 0; jr < nc; jr += nr) {
            int64_t nn = std::min<int64_t>(nr, nc - jr);
            const float *b = Bp + (jr / nr) * kc * nr;
            float *c = p.C + (ic + ir) * p.ldc + jc + jr;
            if (mm == mr && nn == nr) {
              ks.ukernel(kc, a, b, c, p.ldc, accumulate);
              continue;
            }
            ks.ukernel(kc, a, b, tile, nr, 0);
            for (int64_t i = 0; i < mm; ++i)
              for (int64_t j = 0; j < nn; ++j)
                c[i * p.ldc + j] = accumulate
                                       ? c[i * p.ldc + j] + tile[i * nr + j]
                                       : tile[i * nr + j];
          }
        }
      }
    }
  }
}

struct GemmTasks {
  const GemmProblem *p;
  PackedA pa;
  int64_t tm, tn, mStrips, nStrips;
};

void packATask(void *ctx, int64_t t) {
  const GemmTasks &g = *static_cast<const GemmTasks *>(ctx);
  packAStrips(*g.p, g.pa, g.mStrips * t / g.tm, g.mStrips * (t + 1) / g.tm);
}

void gemmTask(void *ctx, int64_t t) {
  const GemmTasks &g = *static_cast<const GemmTasks *>(ctx);
  const GemmProblem &p = *g.p;
  int64_t i = t / g.tn, j = t % g.tn;
  int64_t m0 = std::min(p.M, (g.mStrips * i / g.tm) * p.ks->mr);
  int64_t m1 = std::min(p.M, (g.mStrips * (i + 1) / g.tm) * p.ks->mr);
  int64_t n0 = std::min(p.N, (g.nStrips * j / g.tn) * p.ks->nr);
  int64_t n1 = std::min(p.N, (g.nStrips * (j + 1) / g.tn) * p.ks->nr);
  if (m0 < m1 && n0 < n1)
    gemmBlock(p, g.pa, m0, m1, n0, n1);
}

void runGemm(const GemmProblem &p) {
  if (p.M <= 0 || p.N <= 0)
    return;
  if (p.K == 0) {
    for (int64_t i = 0; i < p.M; ++i)
      std::fill(p.C + i * p.ldc, p.C + i * p.ldc + p.N, 0.0f);
    return;
  }
  int64_t threads = qmrt_get_num_threads();
  // Below ~1 MFLOP the fork/join costs more than it saves.
  if ((double)p.M * p.N * p.K < 5e5)
    threads = 1;
  GemmTasks g{&p, {}, 1, 1, ceilDiv(p.M, p.ks->mr), ceilDiv(p.N, p.ks->nr)};
  // Equal K slices (K = 512: 2 x 256, not 384 + 128): no short last pass.
  g.pa.KC = roundUp(ceilDiv(p.K, ceilDiv(p.K, gKC)), 8);
  g.pa.mPad = g.mStrips * p.ks->mr;
  g.pa.data = tlsScratch.a.get(g.pa.mPad * p.K);
  // Pack A once, in parallel over row strips.
  g.tm = std::min(threads, g.mStrips);
  parallelFor(g.tm, packATask, &g);
  // Several tasks per thread so that a thread slowed down by other work on
  // the machine does not hold up the call; columns first (each task packs
  // or dequantizes only its own columns of B), rows when columns run out.
  int64_t want = threads == 1 ? 1 : 4 * threads;
  g.tn = std::min(want, g.nStrips);
  g.tm = std::min(ceilDiv(want, g.tn), g.mStrips);
  parallelFor(g.tm * g.tn, gemmTask, &g);
}

//===----------------------------------------------------------------------===//
// Small M: column-split GEMV kernels
//===----------------------------------------------------------------------===//

struct ColumnTasks {
  int64_t N, chunk;
  void (*body)(const void *ctx, int64_t n0, int64_t nn);
  const void *ctx;
};

void columnTask(void *ctx, int64_t t) {
  const ColumnTasks &c = *static_cast<const ColumnTasks *>(ctx);
  int64_t n0 = t * c.chunk;
  c.body(c.ctx, n0, std::min(c.chunk, c.N - n0));
}

/// Splits [0, N) into per-thread chunks (multiples of `align`) when the work
/// (bytes streamed) is large enough.
void runColumns(int64_t N, double bytes, int64_t align,
                void (*body)(const void *, int64_t, int64_t),
                const void *ctx) {
  // Waking a worker costs microseconds: worth it from ~20 us of work up.
  int64_t threads = bytes < 192 * 1024 ? 1 : qmrt_get_num_threads();
  // A few chunks per thread balance a busy machine.
  int64_t tasks = threads == 1 ? 1 : threads * (bytes < 2e6 ? 2 : 4);
  int64_t chunk = roundUp(ceilDiv(N, tasks), align);
  ColumnTasks c{N, chunk, body, ctx};
  parallelFor(ceilDiv(N, chunk), columnTask, &c);
}

//===----------------------------------------------------------------------===//
// sgemm
//===----------------------------------------------------------------------===//

struct DenseB {
  const float *B;
  int64_t ldb;
};

void packDenseB(const void *ctx, int64_t k0, int64_t kc, int64_t n0,
                int64_t nc, int nr, float *dst, Scratch &) {
  const DenseB &d = *static_cast<const DenseB *>(ctx);
  // Row by row: B is read sequentially (a strip-by-strip walk would stride
  // by ldb, which aliases in the caches for power-of-two widths).
  int64_t fullCols = nc / nr * nr;
  for (int64_t k = 0; k < kc; ++k) {
    const float *src = d.B + (k0 + k) * d.ldb + n0;
    float *out = dst + k * nr;
    for (int64_t s = 0; s < fullCols; s += nr)
      std::memcpy(out + s * kc, src + s, nr * sizeof(float));
    if (fullCols < nc) {
      int64_t cols = nc - fullCols;
      std::memcpy(out + fullCols * kc, src + fullCols, cols * sizeof(float));
      for (int64_t j = cols; j < nr; ++j)
        out[fullCols * kc + j] = 0.0f;
    }
  }
}

struct SgemvCtx {
  const KernelSet *ks;
  int64_t M, K;
  const float *A;
  int64_t lda;
  const float *B;
  int64_t ldb;
  float *C;
  int64_t ldc;
};

void sgemvBody(const void *ctx, int64_t n0, int64_t nn) {
  const SgemvCtx &s = *static_cast<const SgemvCtx *>(ctx);
  for (int64_t r = 0; r < s.M; r += 4)
    s.ks->sgemv(std::min<int64_t>(4, s.M - r), s.K, s.A + r * s.lda, s.lda,
                s.B, s.ldb, n0, nn, s.C + r * s.ldc, s.ldc);
}

//===----------------------------------------------------------------------===//
// qmatmul
//===----------------------------------------------------------------------===//

[[noreturn]] __attribute__((format(printf, 1, 2))) void
fatal(const char *fmt, ...) {
  std::fprintf(stderr, "qmrt_qmatmul: ");
  va_list args;
  va_start(args, fmt);
  std::vfprintf(stderr, fmt, args);
  va_end(args);
  std::fprintf(stderr, "\n");
  std::abort();
}

QWeightView makeView(int64_t N, int64_t K, const qmrt_qweight *w) {
  if (!w)
    fatal("null weight");
  if (w->k != K || w->n != N)
    fatal("weight shape does not match the call (weight k = %lld, n = %lld; "
          "call K = %lld, N = %lld)",
          (long long)w->k, (long long)w->n, (long long)K, (long long)N);
  if (w->bits != 2 && w->bits != 3 && w->bits != 4 && w->bits != 8)
    fatal("unsupported bit width (bits = %d)", w->bits);
  if (w->layout != 0 && w->layout != 1)
    fatal("unsupported layout (layout = %d)", w->layout);
  if (w->group_size != -1 && (w->group_size < 1 || w->group_size > K))
    fatal("invalid group size (group_size = %lld, k = %lld)",
          (long long)w->group_size, (long long)K);
  if (!w->codes || !w->scales || (!w->symmetric && !w->zeros))
    fatal("missing codes, scales or zero points (codes = %p, scales = %p, "
          "zeros = %p, symmetric = %d)",
          w->codes, (const void *)w->scales, (const void *)w->zeros,
          w->symmetric);
  int64_t groups = w->group_size == -1 ? 1 : ceilDiv(K, w->group_size);
  if (w->g_idx)
    for (int64_t k = 0; k < K; ++k)
      if (w->g_idx[k] < 0 || w->g_idx[k] >= groups)
        fatal("group index out of range (g_idx[%lld] = %d, %lld groups)",
              (long long)k, w->g_idx[k], (long long)groups);
  QWeightView v;
  v.K = K;
  v.N = N;
  v.groupSize = w->group_size == -1 ? std::max<int64_t>(K, 1) : w->group_size;
  v.G = std::max<int64_t>(1, ceilDiv(K, v.groupSize));
  v.bits = w->bits;
  v.codesPerWord = w->bits == 3 ? 10 : 32 / w->bits;
  v.packed = w->layout;
  v.wordsPerRow = ceilDiv(K, v.codesPerWord);
  v.codes8 = static_cast<const uint8_t *>(w->codes);
  v.words = static_cast<const uint32_t *>(w->codes);
  v.scales = w->scales;
  v.zeros = w->symmetric ? nullptr : w->zeros;
  v.symZero = (float)(1 << (w->bits - 1));
  v.gIdx = w->g_idx;
  return v;
}

struct QuantB {
  const QWeightView *w;
  const KernelSet *ks;
};

/// Dequantizes W[k0:k0+kc, n0:n0+nc] into the packed B panel: each strip of
/// nr output channels is dequantized row-wise (contiguous along k) and then
/// transposed into the k-major strip.
void packQuantB(const void *ctx, int64_t k0, int64_t kc, int64_t n0,
                int64_t nc, int nr, float *dst, Scratch &scratch) {
  const QuantB &q = *static_cast<const QuantB *>(ctx);
  float *t = scratch.t.get(nr * kc);
  for (int64_t s = 0; s < nc; s += nr, dst += kc * nr) {
    int64_t cols = std::min<int64_t>(nr, nc - s);
    q.ks->dequant(q.w, n0 + s, cols, k0, kc, t, kc);
    for (int64_t kb = 0; kb < kc; kb += 8) {
      int64_t ke = std::min(kc, kb + 8);
      for (int64_t j = 0; j < cols; ++j)
        for (int64_t k = kb; k < ke; ++k)
          dst[k * nr + j] = t[j * kc + k];
    }
    for (int64_t k = 0; k < kc; ++k)
      for (int64_t j = cols; j < nr; ++j)
        dst[k * nr + j] = 0.0f;
  }
}

struct QgemvCtx {
  const KernelSet *ks;
  const QWeightView *w;
  const void *plan;
  int64_t M;
  const float *x;
  int64_t ldx;
  const float *xsum;
  float *y;
  int64_t ldy;
};

void qgemvBody(const void *ctx, int64_t n0, int64_t nn) {
  const QgemvCtx &q = *static_cast<const QgemvCtx *>(ctx);
  q.ks->qgemv(q.w, q.plan, q.M, q.x, q.ldx, q.xsum, n0, nn, q.y, q.ldy);
}

} // namespace

void qmrt::cpu::setBlocking(int64_t mc, int64_t kc, int64_t nc) {
  if (mc > 0)
    gMC = mc;
  if (kc > 0)
    gKC = kc;
  if (nc > 0)
    gNC = nc;
}

extern "C" QMRT_EXPORT void qmrt_sgemm(int64_t M, int64_t N, int64_t K, const float *A,
                           int64_t lda, const float *B, int64_t ldb, float *C,
                           int64_t ldc) {
  if (M <= 0 || N <= 0)
    return;
  const KernelSet *ks = activeKernels();
  if (M <= 4 && K > 0) {
    SgemvCtx s{ks, M, K, A, lda, B, ldb, C, ldc};
    runColumns(N, 4.0 * K * N, 64, sgemvBody, &s);
    return;
  }
  DenseB d{B, ldb};
  GemmProblem p{M, N, K, A, lda, packDenseB, &d, C, ldc, ks};
  runGemm(p);
}

extern "C" QMRT_EXPORT void qmrt_qmatmul(int64_t M, int64_t N, int64_t K, const float *x,
                             int64_t ldx, const qmrt_qweight *w, float *y,
                             int64_t ldy) {
  if (M <= 0 || N <= 0)
    return;
  QWeightView v = makeView(N, K, w);
  const KernelSet *ks = activeKernels();
  if (K == 0) {
    for (int64_t i = 0; i < M; ++i)
      std::fill(y + i * ldy, y + i * ldy + N, 0.0f);
    return;
  }
  if (M <= 4) {
    // Per-group sums of x: the kernels fold the zero points out of the
    // inner loop.
    std::vector<float> xsum(M * v.G, 0.0f);
    for (int64_t r = 0; r < M; ++r)
      for (int64_t k = 0; k < K; ++k)
        xsum[r * v.G + (v.gIdx ? v.gIdx[k] : k / v.groupSize)] +=
            x[r * ldx + k];
    void *plan = ks->qgemvPrepare(&v, M, x, ldx);
    QgemvCtx q{ks, &v, plan, M, x, ldx, xsum.data(), y, ldy};
    runColumns(N, (double)N * K * v.bits / 8, 16, qgemvBody, &q);
    ks->qgemvRelease(plan);
    return;
  }
  QuantB q{&v, ks};
  GemmProblem p{M, N, K, x, ldx, packQuantB, &q, y, ldy, ks};
  runGemm(p);
}
