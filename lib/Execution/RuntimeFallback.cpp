//===- RuntimeFallback.cpp - stand-ins for qmrt_cpu symbols -----------------===//
//
// Part of quant-mlir. When the runtime library (qmrt_cpu) is not linked,
// the JIT resolves qmrt_sgemm to OpenBLAS's cblas_sgemm and qmrt_observe
// to a no-op.
//
//===----------------------------------------------------------------------===//

#include <cblas.h>
#include <cstdint>

extern "C" void qm_fallback_sgemm(int64_t m, int64_t n, int64_t k,
                                  const float *a, int64_t lda, const float *b,
                                  int64_t ldb, float *c, int64_t ldc) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, lda,
              b, ldb, 0.0f, c, ldc);
}

extern "C" void qm_fallback_observe(const char *, const float *, int64_t,
                                    int64_t) {}
