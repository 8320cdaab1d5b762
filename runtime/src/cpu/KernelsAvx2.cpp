//===- KernelsAvx2.cpp - AVX2/FMA kernels ---------------------------------===//
//
// Part of quant-mlir. Compiled with -mavx2 -mfma; only called after a CPU
// feature check. A 6x16 register-blocked GEMM micro-kernel; the other
// kernels are the portable loops vectorized for AVX2.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include <immintrin.h>

namespace qmrt {
namespace cpu {
namespace {
#include "GenericKernels.inc"

enum { Avx2MR = 6, Avx2NR = 16 };

void ukernelAvx2(int64_t kc, const float *A, const float *B, float *C,
                 int64_t ldc, int accumulate) {
  __m256 c0[Avx2MR], c1[Avx2MR];
  for (int i = 0; i < Avx2MR; ++i) {
    c0[i] = _mm256_setzero_ps();
    c1[i] = _mm256_setzero_ps();
  }
  for (int64_t k = 0; k < kc; ++k) {
    __m256 b0 = _mm256_load_ps(B);
    __m256 b1 = _mm256_load_ps(B + 8);
    for (int i = 0; i < Avx2MR; ++i) {
      __m256 a = _mm256_broadcast_ss(A + i);
      c0[i] = _mm256_fmadd_ps(a, b0, c0[i]);
      c1[i] = _mm256_fmadd_ps(a, b1, c1[i]);
    }
    A += Avx2MR;
    B += Avx2NR;
  }
  for (int i = 0; i < Avx2MR; ++i) {
    float *c = C + i * ldc;
    if (accumulate) {
      c0[i] = _mm256_add_ps(c0[i], _mm256_loadu_ps(c));
      c1[i] = _mm256_add_ps(c1[i], _mm256_loadu_ps(c + 8));
    }
    _mm256_storeu_ps(c, c0[i]);
    _mm256_storeu_ps(c + 8, c1[i]);
  }
}

const KernelSet kAvx2 = {"avx2",         Avx2MR,      Avx2NR,
                         ukernelAvx2,    dequantGeneric, qgemvPrepareNone, qgemvReleaseNone, qgemvGeneric,
                         sgemvGeneric};
} // namespace

const KernelSet *getAvx2Kernels() { return &kAvx2; }

} // namespace cpu
} // namespace qmrt
