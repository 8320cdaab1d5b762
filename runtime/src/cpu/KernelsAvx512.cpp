//===- KernelsAvx512.cpp - AVX-512F kernels -------------------------------===//
//
// Part of quant-mlir. Compiled with -mavx512f -mavx2 -mfma; only called
// after a CPU feature check. Needs AVX-512F only (no BW/VL/VNNI).
//
// - GEMM micro-kernel: MR x 32 (two zmm columns), A broadcast, B streamed
//   from a 64-byte aligned packed panel.
// - Quantized codes are unpacked 16 at a time in registers: a masked load
//   of <= 8 words, a lane permute (word of each code), a variable shift and
//   a mask. This handles every bit width and any starting k, so groups need
//   not be aligned to anything.
// - qgemv (decode, M <= 4): per output column, per group: accumulate
//   x * q in f32, then y += s * acc - s * z * sum(x in group); the packed
//   codes are read exactly once.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include <immintrin.h>
#include <stdlib.h>

namespace qmrt {
namespace cpu {
namespace {
#include "GenericKernels.inc"

enum { Avx512MR = 12, Avx512NR = 32 };

template <int MR>
void ukernelAvx512(int64_t kc, const float *A, const float *B, float *C,
                   int64_t ldc, int accumulate) {
  __m512 c0[MR], c1[MR];
  for (int i = 0; i < MR; ++i) {
    c0[i] = _mm512_setzero_ps();
    c1[i] = _mm512_setzero_ps();
    _mm_prefetch((const char *)(C + i * ldc), _MM_HINT_T0);
    _mm_prefetch((const char *)(C + i * ldc + 16), _MM_HINT_T0);
  }
#pragma clang loop unroll_count(4)
  for (int64_t k = 0; k < kc; ++k) {
    __m512 b0 = _mm512_load_ps(B);
    __m512 b1 = _mm512_load_ps(B + 16);
    _mm_prefetch((const char *)(B + 8 * Avx512NR), _MM_HINT_T0);
    for (int i = 0; i < MR; ++i) {
      __m512 a = _mm512_set1_ps(A[i]);
      c0[i] = _mm512_fmadd_ps(a, b0, c0[i]);
      c1[i] = _mm512_fmadd_ps(a, b1, c1[i]);
    }
    A += MR;
    B += Avx512NR;
  }
  for (int i = 0; i < MR; ++i) {
    float *c = C + i * ldc;
    if (accumulate) {
      c0[i] = _mm512_add_ps(c0[i], _mm512_loadu_ps(c));
      c1[i] = _mm512_add_ps(c1[i], _mm512_loadu_ps(c + 16));
    }
    _mm512_storeu_ps(c, c0[i]);
    _mm512_storeu_ps(c + 16, c1[i]);
  }
}

inline __mmask16 firstLanes(int64_t n) {
  return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1u);
}

/// Per-call tables to unpack 16 codes starting at any k: for r = k % P,
/// lane i holds code r + i of the words loaded from word k / P.
struct Unpacker {
  __m512i idx[16];
  __m512i shift[16];
  __m512i valueMask;
  int P;
  int packed;
  int64_t K, wordsPerRow;

  explicit Unpacker(const QWeightView *w)
      : P(w->codesPerWord), packed(w->packed), K(w->K),
        wordsPerRow(w->wordsPerRow) {
    valueMask = _mm512_set1_epi32((int)((1u << w->bits) - 1u));
    if (!packed)
      return;
    for (int r = 0; r < P; ++r) {
      alignas(64) int32_t id[16], sh[16];
      for (int i = 0; i < 16; ++i) {
        id[i] = (r + i) / P;
        sh[i] = ((r + i) % P) * w->bits;
      }
      idx[r] = _mm512_load_si512(id);
      shift[r] = _mm512_load_si512(sh);
    }
  }

  /// Codes k0 .. k0+15 of one row as floats; lanes past K are garbage-free
  /// (0 or a valid code).
  inline __m512 load(const uint8_t *row8, const uint32_t *roww,
                     int64_t k0) const {
    if (!packed) {
      __m128i b;
      if (k0 + 16 <= K) {
        b = _mm_loadu_si128((const __m128i *)(row8 + k0));
      } else {
        alignas(16) uint8_t tmp[16];
        for (int i = 0; i < 16; ++i)
          tmp[i] = k0 + i < K ? row8[k0 + i] : 0;
        b = _mm_load_si128((const __m128i *)tmp);
      }
      return _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(b));
    }
    int64_t w0 = k0 / P;
    int r = (int)(k0 - w0 * P);
    int64_t left = wordsPerRow - w0;
    __mmask16 m = left >= 8 ? (__mmask16)0xFF : (__mmask16)((1u << left) - 1u);
    __m512i words = _mm512_maskz_loadu_epi32(m, roww + w0);
    __m512i v = _mm512_permutexvar_epi32(idx[r], words);
    v = _mm512_and_si512(_mm512_srlv_epi32(v, shift[r]), valueMask);
    return _mm512_cvtepi32_ps(v);
  }
};

enum { MaxLocalGroups = 512 };

void dequantAvx512(const QWeightView *w, int64_t n0, int64_t nn, int64_t k0,
                   int64_t kc, float *out, int64_t ldo) {
  if (w->gIdx && w->G > MaxLocalGroups)
    return dequantGeneric(w, n0, nn, k0, kc, out, ldo);
  Unpacker u(w);
  int64_t kEnd = k0 + kc;
  for (int64_t j = 0; j < nn; ++j) {
    int64_t n = n0 + j;
    const uint8_t *row8 = w->packed ? nullptr : w->codes8 + n * w->K;
    const uint32_t *roww = w->packed ? w->words + n * w->wordsPerRow : nullptr;
    const float *srow = w->scales + n * w->G;
    const uint8_t *zrow = w->zeros ? w->zeros + n * w->G : nullptr;
    float *o = out + j * ldo - k0;
    if (!w->gIdx) {
      int64_t gs = w->groupSize;
      for (int64_t a = k0; a < kEnd;) {
        int64_t g = a / gs;
        int64_t b = (g + 1) * gs < kEnd ? (g + 1) * gs : kEnd;
        __m512 s = _mm512_set1_ps(srow[g]);
        __m512 z = _mm512_set1_ps(zrow ? (float)zrow[g] : w->symZero);
        for (int64_t k = a; k < b; k += 16) {
          __m512 q = u.load(row8, roww, k);
          _mm512_mask_storeu_ps(o + k, firstLanes(b - k),
                                _mm512_mul_ps(_mm512_sub_ps(q, z), s));
        }
        a = b;
      }
    } else {
      float zf[MaxLocalGroups];
      for (int64_t g = 0; g < w->G; ++g)
        zf[g] = zrow ? (float)zrow[g] : w->symZero;
      for (int64_t k = k0; k < kEnd; k += 16) {
        __mmask16 m = firstLanes(kEnd - k);
        __m512i gi = _mm512_maskz_loadu_epi32(m, w->gIdx + k);
        __m512 s = _mm512_i32gather_ps(gi, srow, 4);
        __m512 z = _mm512_i32gather_ps(gi, zf, 4);
        __m512 q = u.load(row8, roww, k);
        _mm512_mask_storeu_ps(o + k, m, _mm512_mul_ps(_mm512_sub_ps(q, z), s));
      }
    }
  }
}

/// Decode (M <= 4) layout: the codes of a row are read as blocks of 16
/// 32-bit words, one word per lane; shift j of the block gives, in lane i,
/// code i * PW + j (PW codes per word, STEP bits apart; the unpacked layout
/// is read as 4 bytes per word, like 8-bit k_packed). x is permuted once per
/// call into that order (xp), and so is the group of each code (gl), so the
/// inner loop is: shift, then one vpternlogd that masks the code into the
/// top mantissa bits of 1.0f (f = 1 + q / 2^bits, exact, no int->float
/// conversion), then an FMA with x. Blocks are classified once:
///  - uniform: all codes in one group: y += s_g * sum(x q)
///  - lane-uniform: each lane in one group: y += s_lane * sum(x q)
///  - mixed: per-code scales (3-bit words across a group boundary, g_idx).
/// With X_g = sum_{g(k)=g} x_k and Y = sum_k x_k s_g(k) f_k:
///   y = sum_k x_k s_g(k) (q_k - z_g(k)) = 2^bits Y - sum_g s_g (2^bits + z_g) X_g.
enum BlockKind : uint8_t { BlockUniform, BlockLaneUniform, BlockMixed };

struct DecodePlan {
  int64_t numBlocks, blockCodes; // blocks of 16 words, codes per block
  int64_t fullBlocks;            // unpacked: blocks readable without a tail
  float *xp;                     // R x numBlocks * blockCodes
  int32_t *gl;                   // numBlocks * blockCodes
  uint8_t *kind;                 // numBlocks
  int32_t *blockGroup;           // numBlocks
};

inline __m512 scalesFor(const int32_t *gl, const float *srow, __m512 svec,
                        bool smallG) {
  __m512i idx = _mm512_load_si512(gl);
  return smallG ? _mm512_permutexvar_ps(idx, svec)
                : _mm512_i32gather_ps(idx, srow, 4);
}

/// Code j of each lane as the float 1 + q / 2^STEP.
template <int STEP, int J> inline __m512 codeAsFloat(__m512i v, __m512i field) {
  constexpr int d = 23 - STEP - STEP * J; // move the code to bit 23 - STEP
  __m512i t = d > 0   ? _mm512_slli_epi32(v, d > 0 ? d : 0)
              : d < 0 ? _mm512_srli_epi32(v, d < 0 ? -d : 0)
                      : v;
  // (t & field) | bits(1.0f)
  return _mm512_castsi512_ps(_mm512_ternarylogic_epi32(
      t, field, _mm512_set1_epi32(0x3F800000), 0xEA));
}

template <int STEP, int R, int J, int PW> struct UniformBlock {
  static inline void run(__m512i v, __m512i field, const float *xb,
                         int64_t xpStride, __m512 *acc) {
    __m512 f = codeAsFloat<STEP, J>(v, field);
    for (int r = 0; r < R; ++r)
      acc[r] = _mm512_fmadd_ps(_mm512_load_ps(xb + r * xpStride + J * 16), f,
                               acc[r]);
    UniformBlock<STEP, R, J + 1, PW>::run(v, field, xb, xpStride, acc);
  }
};
template <int STEP, int R, int PW> struct UniformBlock<STEP, R, PW, PW> {
  static inline void run(__m512i, __m512i, const float *, int64_t, __m512 *) {}
};

template <int STEP, int R, int J, int PW> struct MixedBlock {
  static inline void run(__m512i v, __m512i field, const float *xb,
                         int64_t xpStride, const int32_t *gb,
                         const float *srow, __m512 svec, bool smallG,
                         __m512 *yv) {
    __m512 wq = _mm512_mul_ps(codeAsFloat<STEP, J>(v, field),
                              scalesFor(gb + J * 16, srow, svec, smallG));
    for (int r = 0; r < R; ++r)
      yv[r] = _mm512_fmadd_ps(_mm512_load_ps(xb + r * xpStride + J * 16), wq,
                              yv[r]);
    MixedBlock<STEP, R, J + 1, PW>::run(v, field, xb, xpStride, gb, srow, svec,
                                        smallG, yv);
  }
};
template <int STEP, int R, int PW> struct MixedBlock<STEP, R, PW, PW> {
  static inline void run(__m512i, __m512i, const float *, int64_t,
                         const int32_t *, const float *, __m512, bool,
                         __m512 *) {}
};

template <int STEP, int PW, int R>
void qgemvPlanned(const QWeightView *w, const DecodePlan &plan,
                  const float *xsum, int64_t n0, int64_t nn, float *y,
                  int64_t ldy) {
  const int64_t G = w->G, SB = plan.blockCodes, xpStride = plan.numBlocks * SB;
  const __m512i field = _mm512_set1_epi32(((1 << STEP) - 1) << (23 - STEP));
  const float twoB = (float)(1 << STEP);
  const bool smallG = G <= 16;
  const __mmask16 gMask = smallG ? (__mmask16)((1u << G) - 1u) : 0;
  for (int64_t n = n0; n < n0 + nn; ++n) {
    const float *srow = w->scales + n * G;
    const uint8_t *zrow = w->zeros ? w->zeros + n * G : nullptr;
    __m512 svec = smallG ? _mm512_maskz_loadu_ps(gMask, srow)
                         : _mm512_setzero_ps();
    float corr[R];
    for (int r = 0; r < R; ++r)
      corr[r] = 0.0f;
    for (int64_t g = 0; g < G; ++g) {
      float sz = srow[g] * (twoB + (zrow ? (float)zrow[g] : w->symZero));
      for (int r = 0; r < R; ++r)
        corr[r] += sz * xsum[r * G + g];
    }
    __m512 yv[R];
    for (int r = 0; r < R; ++r)
      yv[r] = _mm512_setzero_ps();
    const uint32_t *roww = w->packed ? w->words + n * w->wordsPerRow : nullptr;
    const uint8_t *row8 = w->packed ? nullptr : w->codes8 + n * w->K;
    for (int64_t b = 0; b < plan.numBlocks; ++b) {
      __m512i v;
      if (w->packed) {
        int64_t left = w->wordsPerRow - b * 16;
        v = left >= 16 ? _mm512_loadu_si512(roww + b * 16)
                       : _mm512_maskz_loadu_epi32(
                             (__mmask16)((1u << left) - 1u), roww + b * 16);
      } else if (b < plan.fullBlocks) {
        v = _mm512_loadu_si512(row8 + b * 64);
      } else {
        alignas(64) uint8_t tmp[64];
        for (int64_t i = 0; i < 64; ++i)
          tmp[i] = b * 64 + i < w->K ? row8[b * 64 + i] : 0;
        v = _mm512_load_si512(tmp);
      }
      const float *xb = plan.xp + b * SB;
      const int32_t *gb = plan.gl + b * SB;
      uint8_t kind = plan.kind[b];
      if (kind != BlockMixed) {
        __m512 acc[R];
        for (int r = 0; r < R; ++r)
          acc[r] = _mm512_setzero_ps();
        UniformBlock<STEP, R, 0, PW>::run(v, field, xb, xpStride, acc);
        __m512 s = kind == BlockUniform
                       ? _mm512_set1_ps(srow[plan.blockGroup[b]])
                       : scalesFor(gb, srow, svec, smallG);
        for (int r = 0; r < R; ++r)
          yv[r] = _mm512_fmadd_ps(s, acc[r], yv[r]);
      } else {
        MixedBlock<STEP, R, 0, PW>::run(v, field, xb, xpStride, gb, srow, svec,
                                        smallG, yv);
      }
    }
    for (int r = 0; r < R; ++r)
      y[r * ldy + n] = twoB * _mm512_reduce_add_ps(yv[r]) - corr[r];
  }
}

template <int STEP, int PW>
void qgemvDispatchRows(const QWeightView *w, const DecodePlan &plan,
                       int64_t R, const float *xsum, int64_t n0, int64_t nn,
                       float *y, int64_t ldy) {
  switch (R) {
  case 1:
    return qgemvPlanned<STEP, PW, 1>(w, plan, xsum, n0, nn, y, ldy);
  case 2:
    return qgemvPlanned<STEP, PW, 2>(w, plan, xsum, n0, nn, y, ldy);
  case 3:
    return qgemvPlanned<STEP, PW, 3>(w, plan, xsum, n0, nn, y, ldy);
  default:
    return qgemvPlanned<STEP, PW, 4>(w, plan, xsum, n0, nn, y, ldy);
  }
}

void *qgemvPrepareAvx512(const QWeightView *w, int64_t R, const float *x,
                         int64_t ldx) {
  if (w->gIdx && w->G > MaxLocalGroups)
    return nullptr;
  const int PW = w->packed ? w->codesPerWord : 4;
  const int64_t K = w->K, SB = 16 * PW;
  const int64_t numBlocks = (K + SB - 1) / SB, padded = numBlocks * SB;
  const size_t header = 64;
  char *mem = (char *)aligned_alloc(64, header + (size_t)padded * (4 * R + 4) +
                                            (size_t)numBlocks * 8 + 64);
  if (!mem)
    return nullptr;
  DecodePlan &plan = *(DecodePlan *)mem;
  plan.blockCodes = SB;
  plan.numBlocks = numBlocks;
  plan.fullBlocks = K / 64;
  plan.xp = (float *)(mem + header);
  plan.gl = (int32_t *)(plan.xp + padded * R);
  plan.blockGroup = plan.gl + padded;
  plan.kind = (uint8_t *)(plan.blockGroup + numBlocks);
  const int64_t gs = w->groupSize;
  auto groupOf = [&](int64_t k) -> int32_t {
    if (k >= K)
      k = K - 1; // padding: x is 0 there, any group will do
    return w->gIdx ? w->gIdx[k] : (int32_t)(k / gs);
  };
  for (int64_t b = 0; b < numBlocks; ++b) {
    bool uniform = true, laneUniform = true;
    int32_t g0 = groupOf(b * SB);
    for (int i = 0; i < 16; ++i) {
      int32_t gi = groupOf(b * SB + i * PW);
      for (int j = 0; j < PW; ++j) {
        int64_t k = b * SB + i * PW + j;
        int32_t g = groupOf(k);
        plan.gl[b * SB + j * 16 + i] = g;
        uniform &= g == g0;
        laneUniform &= g == gi;
        for (int64_t r = 0; r < R; ++r)
          plan.xp[r * padded + b * SB + j * 16 + i] =
              k < K ? x[r * ldx + k] : 0.0f;
      }
    }
    plan.kind[b] = uniform ? BlockUniform
                   : laneUniform ? BlockLaneUniform
                                 : BlockMixed;
    plan.blockGroup[b] = g0;
  }
  return mem;
}

void qgemvReleaseAvx512(void *plan) { free(plan); }

void qgemvAvx512(const QWeightView *w, const void *planPtr, int64_t R,
                 const float *x, int64_t ldx, const float *xsum, int64_t n0,
                 int64_t nn, float *y, int64_t ldy) {
  if (!planPtr)
    return qgemvGeneric(w, planPtr, R, x, ldx, xsum, n0, nn, y, ldy);
  const DecodePlan &plan = *(const DecodePlan *)planPtr;
  if (!w->packed)
    qgemvDispatchRows<8, 4>(w, plan, R, xsum, n0, nn, y, ldy);
  else if (w->bits == 2)
    qgemvDispatchRows<2, 16>(w, plan, R, xsum, n0, nn, y, ldy);
  else if (w->bits == 3)
    qgemvDispatchRows<3, 10>(w, plan, R, xsum, n0, nn, y, ldy);
  else if (w->bits == 4)
    qgemvDispatchRows<4, 8>(w, plan, R, xsum, n0, nn, y, ldy);
  else
    qgemvDispatchRows<8, 4>(w, plan, R, xsum, n0, nn, y, ldy);
}

template <int R>
void sgemvRows(int64_t K, const float *x, int64_t ldx, const float *B,
               int64_t ldb, int64_t n0, int64_t nn, float *y, int64_t ldy) {
  for (int64_t j = n0; j < n0 + nn; j += 64) {
    __mmask16 m[4];
    for (int v = 0; v < 4; ++v) {
      int64_t left = n0 + nn - j - 16 * v;
      m[v] = left <= 0 ? (__mmask16)0 : firstLanes(left);
    }
    __m512 acc[R][4];
    for (int r = 0; r < R; ++r)
      for (int v = 0; v < 4; ++v)
        acc[r][v] = _mm512_setzero_ps();
    const float *b = B + j;
    if (m[3] == 0xFFFF) {
      for (int64_t k = 0; k < K; ++k, b += ldb) {
        __m512 bv[4];
        for (int v = 0; v < 4; ++v)
          bv[v] = _mm512_loadu_ps(b + 16 * v);
        for (int r = 0; r < R; ++r) {
          __m512 a = _mm512_set1_ps(x[r * ldx + k]);
          for (int v = 0; v < 4; ++v)
            acc[r][v] = _mm512_fmadd_ps(a, bv[v], acc[r][v]);
        }
      }
    } else {
      for (int64_t k = 0; k < K; ++k, b += ldb) {
        __m512 bv[4];
        for (int v = 0; v < 4; ++v)
          bv[v] = _mm512_maskz_loadu_ps(m[v], b + 16 * v);
        for (int r = 0; r < R; ++r) {
          __m512 a = _mm512_set1_ps(x[r * ldx + k]);
          for (int v = 0; v < 4; ++v)
            acc[r][v] = _mm512_fmadd_ps(a, bv[v], acc[r][v]);
        }
      }
    }
    for (int r = 0; r < R; ++r)
      for (int v = 0; v < 4; ++v)
        _mm512_mask_storeu_ps(y + r * ldy + j + 16 * v, m[v], acc[r][v]);
  }
}

void sgemvAvx512(int64_t R, int64_t K, const float *x, int64_t ldx,
                 const float *B, int64_t ldb, int64_t n0, int64_t nn, float *y,
                 int64_t ldy) {
  switch (R) {
  case 1:
    return sgemvRows<1>(K, x, ldx, B, ldb, n0, nn, y, ldy);
  case 2:
    return sgemvRows<2>(K, x, ldx, B, ldb, n0, nn, y, ldy);
  case 3:
    return sgemvRows<3>(K, x, ldx, B, ldb, n0, nn, y, ldy);
  default:
    return sgemvRows<4>(K, x, ldx, B, ldb, n0, nn, y, ldy);
  }
}

const KernelSet kAvx512 = {"avx512",     Avx512MR,    Avx512NR,
                           ukernelAvx512<Avx512MR>, dequantAvx512,
                           qgemvPrepareAvx512, qgemvReleaseAvx512,
                           qgemvAvx512, sgemvAvx512};
} // namespace

const KernelSet *getAvx512Kernels() { return &kAvx512; }

} // namespace cpu
} // namespace qmrt
