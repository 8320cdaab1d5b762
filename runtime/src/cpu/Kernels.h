//===- Kernels.h - ISA-specific CPU kernels (internal) ----------*- C++ -*-===//
//
// Part of quant-mlir. The interface between the ISA-independent drivers
// (Sgemm.cpp, QMatmul.cpp: blocking, packing, threading) and the per-ISA
// kernels (KernelsScalar.cpp, KernelsAvx2.cpp, KernelsAvx512.cpp, each
// compiled with its own -m flags). Only plain structs and function pointers
// cross this boundary: the ISA files include no C++ library header with
// inline functions, so no AVX-512 code can leak into generic code through
// an ODR-merged inline function.
//
//===----------------------------------------------------------------------===//

#ifndef QMRT_CPU_KERNELS_H
#define QMRT_CPU_KERNELS_H

#include <stdint.h>

/// The C API keeps default visibility; everything else in the library is
/// hidden (-fvisibility=hidden) so a shared library or JIT host that links
/// libqmrt_cpu.a exports exactly the qmrt_* functions.
#define QMRT_EXPORT __attribute__((visibility("default")))

namespace qmrt {
namespace cpu {

enum Isa : int { IsaScalar = 0, IsaAvx2 = 1, IsaAvx512 = 2 };

/// A validated view of a qmrt_qweight.
struct QWeightView {
  int64_t K, N;
  int64_t G;          // number of groups
  int64_t groupSize;  // resolved (-1 -> K)
  int bits;
  int codesPerWord;   // P (k_packed)
  int packed;         // 0 unpacked (uint8 N x K), 1 k_packed (uint32 N x W)
  int64_t wordsPerRow;
  const uint8_t *codes8;
  const uint32_t *words;
  const float *scales;  // N x G
  const uint8_t *zeros; // N x G, null when symmetric
  float symZero;        // 2^(bits-1), used when zeros is null
  const int32_t *gIdx;  // K entries or null
};

struct KernelSet {
  const char *name;
  int mr, nr;
  /// C[0:mr, 0:nr] (row stride ldc) = (accumulate ? C : 0) + Ap * Bp with
  /// Ap packed k-major (kc x mr) and Bp packed k-major (kc x nr).
  void (*ukernel)(int64_t kc, const float *Ap, const float *Bp, float *C,
                  int64_t ldc, int accumulate);
  /// out[j * ldo + (k - k0)] = W[k][n0 + j] for j < nn, k0 <= k < k0 + kc.
  void (*dequant)(const QWeightView *w, int64_t n0, int64_t nn, int64_t k0,
                  int64_t kc, float *out, int64_t ldo);
  /// Per-call preparation of qgemv for the rows x (R x K): whatever the
  /// kernel wants to compute once rather than per column task (may return
  /// null); released with qgemvRelease.
  void *(*qgemvPrepare)(const QWeightView *w, int64_t R, const float *x,
                        int64_t ldx);
  void (*qgemvRelease)(void *plan);
  /// y[r * ldy + n] = sum_k x[r * ldx + k] W[k][n] for r < R (1 <= R <= 4),
  /// n0 <= n < n0 + nn. xsum is R x G: per-group sums of the x rows
  /// (sum of x[r][k] over the k with g(k) = g). plan is qgemvPrepare's.
  void (*qgemv)(const QWeightView *w, const void *plan, int64_t R,
                const float *x, int64_t ldx, const float *xsum, int64_t n0,
                int64_t nn, float *y, int64_t ldy);
  /// y[r * ldy + n] = sum_k x[r * ldx + k] B[k * ldb + n], r < R (<= 4),
  /// n0 <= n < n0 + nn.
  void (*sgemv)(int64_t R, int64_t K, const float *x, int64_t ldx,
                const float *B, int64_t ldb, int64_t n0, int64_t nn, float *y,
                int64_t ldy);
};

const KernelSet *getScalarKernels();
const KernelSet *getAvx2Kernels();
const KernelSet *getAvx512Kernels();

/// The kernels in use: the best the CPU supports, unless forced.
const KernelSet *activeKernels();
/// Best ISA this CPU supports.
Isa detectIsa();
/// Force an ISA (clamped to what the CPU supports); returns the ISA now in
/// use. -1 restores automatic selection. For tests and benchmarks.
int forceIsa(int isa);

/// Blocking parameters of the packed GEMM (for tuning; 0 keeps a value).
void setBlocking(int64_t mc, int64_t kc, int64_t nc);

/// Run fn(task) for task in [0, numTasks) on the pool; the calling thread
/// takes part. Nested or concurrent calls run serially.
void parallelFor(int64_t numTasks, void (*fn)(void *ctx, int64_t task),
                 void *ctx);

} // namespace cpu
} // namespace qmrt

#endif // QMRT_CPU_KERNELS_H
