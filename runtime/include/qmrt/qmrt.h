/*===- qmrt.h - quant-mlir CPU runtime kernels -------------------*- C -*-===*
 *
 * Part of quant-mlir. The C ABI that code generated for the CPU calls: a
 * single-precision GEMM, the fused dequantize-matmul of group-quantized
 * weights, the calibration observer hook and the thread-count knob.
 *
 * No MLIR or LLVM dependency; links into deployed binaries (libqmrt_cpu.a,
 * position independent). Every function is thread-safe; the kernels run on a
 * small persistent thread pool (default size: hardware concurrency).
 *
 *===----------------------------------------------------------------------===*/

#ifndef QMRT_QMRT_H
#define QMRT_QMRT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* C[M,N] = A[M,K] * B[K,N]; all row-major with leading dimensions (in
 * elements) lda >= K, ldb >= N, ldc >= N. C is overwritten (K = 0 gives 0). */
void qmrt_sgemm(int64_t M, int64_t N, int64_t K, const float *A, int64_t lda,
                const float *B, int64_t ldb, float *C, int64_t ldc);

/* A group-quantized K x N weight, as defined by the qweight dialect
 * (include/qm/Dialect/QWeight/IR/QWeightOps.td):
 *   g(k)    = g_idx ? g_idx[k] : k / group_size   (group_size -1 means K)
 *   z[n][g] = symmetric ? 2^(bits-1) : zeros[n * G + g]
 *   W[k][n] = scales[n * G + g(k)] * (q[n][k] - z[n][g(k)])
 * with G = ceil(K / group_size) and bits in {2, 3, 4, 8}. Codes:
 *   layout 0 (unpacked): uint8_t q[N][K];
 *   layout 1 (k_packed): int32_t words[N][ceil(K / P)], P = 32 / bits
 *     (10 for 3 bits); code k sits in word k / P at bit (k % P) * bits. */
typedef struct {
  int64_t k, n;
  int32_t bits;
  int64_t group_size;
  int32_t symmetric;
  int32_t layout; /* 0 unpacked, 1 k_packed */
  const void *codes;
  const float *scales;   /* N x G */
  const uint8_t *zeros;  /* N x G; ignored (may be null) when symmetric */
  const int32_t *g_idx;  /* K entries in [0, G), or null */
} qmrt_qweight;

/* y[M,N] = x[M,K] * W (row-major, leading dimensions ldx >= K, ldy >= N);
 * y is overwritten. K and N must equal w->k and w->n. */
void qmrt_qmatmul(int64_t M, int64_t N, int64_t K, const float *x, int64_t ldx,
                  const qmrt_qweight *w, float *y, int64_t ldy);

/* Calibration observer: qmrt_observe hands `data` (rows x cols, row-major,
 * contiguous) to the registered callback; without one it does nothing.
 * Setting a null fn removes the observer. */
typedef void (*qmrt_observer_fn)(void *user, const char *tag,
                                 const float *data, int64_t rows,
                                 int64_t cols);
void qmrt_set_observer(qmrt_observer_fn fn, void *user);
void qmrt_observe(const char *tag, const float *data, int64_t rows,
                  int64_t cols);

/* Number of threads the kernels use (n <= 0 restores the default, the
 * hardware concurrency). */
void qmrt_set_num_threads(int n);
int qmrt_get_num_threads(void);

/* Compiled models allocate their intermediate buffers (MBs each) on every
 * call. With glibc's defaults those come from mmap and go back on free, so
 * every call page-faults them in again (a quarter of the time of layer-wise
 * calibration was in the kernel). This raises the mmap and trim thresholds
 * so freed buffers are reused; a process that runs models repeatedly calls
 * it once at start. No effect on other C libraries. */
void qmrt_reuse_freed_memory(void);

#ifdef __cplusplus
}
#endif

#endif /* QMRT_QMRT_H */
