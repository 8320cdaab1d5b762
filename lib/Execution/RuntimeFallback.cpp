//===- RuntimeFallback.cpp - stand-ins for qmrt_cpu symbols -----------------===//
//
// Part of quant-mlir. When the runtime library (qmrt_cpu) is not linked,
// the JIT resolves qmrt_sgemm to OpenBLAS's cblas_sgemm and qmrt_observe
// to a no-op.
//
//===----------------------------------------------------------------------===//

#include <cblas.h>
#include <cstdint>
#include <cstring>

extern "C" void qm_fallback_sgemm(int64_t m, int64_t n, int64_t k,
                                  const float *a, int64_t lda, const float *b,
                                  int64_t ldb, float *c, int64_t ldc) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, lda,
              b, ldb, 0.0f, c, ldc);
}

extern "C" void qm_fallback_observe(const char *, const float *, int64_t,
                                    int64_t) {}

namespace {
struct UnrankedDescriptor {
  int64_t rank;
  void *descriptor;
};
} // namespace

/// The strided memref.copy that the memref-to-LLVM lowering calls for
/// non-contiguous layouts (same contract as MLIR's c_runner_utils).
extern "C" void qm_memref_copy(int64_t elemSize, UnrankedDescriptor *src,
                               UnrankedDescriptor *dst) {
  int64_t rank = src->rank;
  auto *s = static_cast<int64_t *>(src->descriptor);
  auto *d = static_cast<int64_t *>(dst->descriptor);
  char *sp = reinterpret_cast<char *>(s[1]) + s[2] * elemSize;
  char *dp = reinterpret_cast<char *>(d[1]) + d[2] * elemSize;
  const int64_t *sizes = s + 3, *sstr = s + 3 + rank, *dstr = d + 3 + rank;
  int64_t total = 1;
  for (int64_t i = 0; i < rank; ++i)
    total *= sizes[i];
  if (total == 0)
    return;
  // Copy rows of the innermost dimension (memcpy when both are unit-strided).
  int64_t inner = rank ? sizes[rank - 1] : 1;
  bool unit = rank == 0 || (sstr[rank - 1] == 1 && dstr[rank - 1] == 1);
  int64_t rows = total / inner;
  int64_t idx[16] = {0};
  int64_t so = 0, dOff = 0;
  for (int64_t r = 0; r < rows; ++r) {
    if (unit) {
      std::memcpy(dp + dOff * elemSize, sp + so * elemSize, inner * elemSize);
    } else {
      for (int64_t e = 0; e < inner; ++e)
        std::memcpy(dp + (dOff + e * dstr[rank - 1]) * elemSize,
                    sp + (so + e * sstr[rank - 1]) * elemSize, elemSize);
    }
    for (int64_t i = rank - 2; i >= 0; --i) {
      so += sstr[i];
      dOff += dstr[i];
      if (++idx[i] < sizes[i])
        break;
      so -= sstr[i] * sizes[i];
      dOff -= dstr[i] * sizes[i];
      idx[i] = 0;
    }
  }
}
