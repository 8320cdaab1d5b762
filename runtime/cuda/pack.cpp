//===- pack.cpp - pack quantized weights into the gpu_tiled layout --------===//
//
// Part of quant-mlir. Host-only; the layout is documented in
// passes/Codegen/GPU/Rationale.md and must match DequantGemmGen.cpp.
//
//===----------------------------------------------------------------------===//

#include "qmrt/qmrt_cuda.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

extern "C" void qmrt_cuda_set_error(const char *msg);

namespace {
constexpr int64_t kChunkK = 512, kBlockN = 64;

int64_t roundUp(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

uint16_t toHalf(float f) {
  // Round-to-nearest-even float -> IEEE half (finite inputs).
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t absx = x & 0x7fffffffu;
  if (absx >= 0x477ff000u) // >= 65520 rounds to inf
    return sign | 0x7c00u;
  if (absx < 0x33000001u) // < 2^-25 (and tie) -> 0
    return sign;
  int exp = static_cast<int>(absx >> 23) - 127;
  uint32_t mant = (absx & 0x7fffffu) | 0x800000u;
  if (exp < -14) { // subnormal half
    int shift = -exp - 14 + 13;
    uint32_t r = mant >> shift;
    uint32_t rem = mant & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rem > half || (rem == half && (r & 1)))
      ++r;
    return sign | r;
  }
  uint32_t r = (static_cast<uint32_t>(exp + 15) << 10) | ((mant >> 13) & 0x3ff);
  uint32_t rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (r & 1)))
    ++r;
  return sign | r;
}

bool isPow2(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }
int64_t log2i(int64_t v) {
  int64_t s = 0;
  while ((int64_t(1) << s) < v)
    ++s;
  return s;
}
} // namespace

extern "C" void qmrt_packed_free(qmrt_packed_weight *w) {
  if (!w)
    return;
  std::free(w->qw);
  std::free(w->scales);
  std::free(w->zeros);
  std::free(w->scales_c);
  std::free(w->perm);
  w->qw = nullptr;
  w->scales = w->zeros = w->scales_c = nullptr;
  w->perm = nullptr;
}

extern "C" int qmrt_pack_gpu_tiled(int bits, int64_t K, int64_t N,
                                   int64_t group_size, const uint8_t *codes,
                                   const float *scales, const uint8_t *zeros,
                                   const int32_t *g_idx,
                                   qmrt_packed_weight *out) {
  char msg[256];
  if (bits != 4 && bits != 8) {
    std::snprintf(msg, sizeof msg, "qmrt_pack_gpu_tiled: unsupported bits (%d)",
                  bits);
    qmrt_cuda_set_error(msg);
    return 1;
  }
  if (K <= 0 || N <= 0 || !codes || !scales || !out) {
    qmrt_cuda_set_error("qmrt_pack_gpu_tiled: empty shape or null input");
    return 1;
  }
  bool perChannel = group_size <= 0 || group_size >= K;
  int64_t G = perChannel ? 1 : (K + group_size - 1) / group_size;
  int zsym = 1 << (bits - 1);

  // Group of each logical k.
  std::vector<int64_t> grpOf(K);
  for (int64_t k = 0; k < K; ++k) {
    int64_t g = g_idx ? g_idx[k] : (perChannel ? 0 : k / group_size);
    if (g < 0 || g >= G) {
      std::snprintf(msg, sizeof msg,
                    "qmrt_pack_gpu_tiled: g_idx[%lld] (%lld) out of [0, %lld)",
                    (long long)k, (long long)g, (long long)G);
      qmrt_cuda_set_error(msg);
      return 1;
    }
    grpOf[k] = g;
  }

  bool gather = g_idx != nullptr || K % 8 != 0 ||
                (!perChannel && (group_size % 16 != 0 || !isPow2(group_size)));
  if (perChannel && g_idx == nullptr)
    gather = K % 8 != 0;

  qmrt_packed_weight w{};
  w.bits = bits;
  w.symmetric = zeros == nullptr;
  w.K = K;
  w.N = N;
  w.Np = roundUp(N, kBlockN);
  std::vector<int32_t> perm; // k' -> k (or -1)
  std::vector<int64_t> grpOfKp;
  int64_t span; // k' per group (power of two, multiple of 16), 0 = one group
  if (G == 1) {
    span = 0;
    w.Kp = roundUp(K, kChunkK);
    perm.assign(w.Kp, -1);
    for (int64_t k = 0; k < K; ++k)
      perm[k] = static_cast<int32_t>(k);
  } else if (!gather) {
    span = group_size;
    w.Kp = roundUp(K, kChunkK);
    perm.assign(w.Kp, -1);
    for (int64_t k = 0; k < K; ++k)
      perm[k] = static_cast<int32_t>(k);
  } else {
    // Sort k by group (stable); each group gets `span` slots.
    std::vector<int64_t> count(G, 0);
    for (int64_t k = 0; k < K; ++k)
      ++count[grpOf[k]];
    int64_t maxc = 16;
    for (int64_t c : count)
      maxc = c > maxc ? c : maxc;
    span = int64_t(1) << log2i(maxc);
    w.Kp = roundUp(G * span, kChunkK);
    perm.assign(w.Kp, -1);
    std::vector<int64_t> fill(G, 0);
    for (int64_t k = 0; k < K; ++k) {
      int64_t g = grpOf[k];
      perm[g * span + fill[g]++] = static_cast<int32_t>(k);
    }
  }
  w.gather = gather ? 1 : 0;
  w.gshift = span == 0 ? 40 : log2i(span / 16);
  w.ngroups = span == 0 ? 1 : w.Kp / span;
  int64_t kSteps = w.Kp / 16, nBlocks = w.Np / kBlockN;
  auto groupOfKp = [&](int64_t kp) -> int64_t {
    return span == 0 ? 0 : kp / span;
  };

  // Scales / zeros tiled: [nb][g'][r][t] = value(n = nb*64 + t*8 + r, g').
  w.scale_elems = static_cast<size_t>(nBlocks * w.ngroups * 64);
  w.scales = static_cast<uint16_t *>(std::calloc(w.scale_elems, 2));
  w.scales_c = static_cast<uint16_t *>(std::calloc(w.scale_elems, 2));
  if (!w.symmetric)
    w.zeros = static_cast<uint16_t *>(std::calloc(w.scale_elems, 2));
  for (int64_t nb = 0; nb < nBlocks; ++nb)
    for (int64_t g = 0; g < w.ngroups; ++g)
      for (int r = 0; r < 8; ++r)
        for (int t = 0; t < 8; ++t) {
          int64_t n = nb * 64 + t * 8 + r;
          size_t o = static_cast<size_t>(((nb * w.ngroups + g) * 8 + r) * 8 + t);
          if (n < N && g < G) {
            w.scales[o] = toHalf(scales[n * G + g]);

            if (w.zeros)
              w.zeros[o] = toHalf(static_cast<float>(zeros[n * G + g]));
          }
        }

  // Scales in the mma accumulator order: [nb][g'][q = lane%4][t][j] holds
  // s[nb*64 + t*8 + q*2 + j][g'] (used by the scale-after-mma kernels).
  for (int64_t nb = 0; nb < nBlocks; ++nb)
    for (int64_t g = 0; g < w.ngroups && g < G; ++g)
      for (int q = 0; q < 4; ++q)
        for (int t = 0; t < 8; ++t)
          for (int j = 0; j < 2; ++j) {
            int64_t n = nb * 64 + t * 8 + q * 2 + j;
            if (n < N)
              w.scales_c[((nb * w.ngroups + g) * 4 + q) * 16 + t * 2 + j] =
                  toHalf(scales[n * G + g]);
          }

  auto code = [&](int64_t n, int64_t kp) -> uint32_t {
    if (n >= N)
      return 0;
    int32_t k = perm[kp];
    if (k >= 0)
      return codes[n * K + k] & ((1u << bits) - 1);
    int64_t g = groupOfKp(kp);
    if (g >= G)
      g = G - 1;
    return zeros ? zeros[n * G + g] : static_cast<uint32_t>(zsym);
  };

  int wordsPerLane = bits == 4 ? 4 : 8;
  w.qw_words = static_cast<size_t>(nBlocks * kSteps * 32 * wordsPerLane);
  w.qw = static_cast<uint32_t *>(std::malloc(w.qw_words * 4));
  for (int64_t nb = 0; nb < nBlocks; ++nb)
    for (int64_t ks = 0; ks < kSteps; ++ks)
      for (int l = 0; l < 32; ++l) {
        int64_t k0 = ks * 16 + (l % 4) * 2;
        uint32_t *dst = w.qw + ((nb * kSteps + ks) * 32 + l) * wordsPerLane;
        for (int j = 0; j < wordsPerLane; ++j) {
          uint32_t word = 0;
          if (bits == 4) {
            for (int s = 0; s < 4; ++s) {
              int t = 2 * j + s / 2, h = s % 2;
              int64_t n = nb * 64 + t * 8 + l / 4;
              int64_t kk = k0 + 8 * h;
              word |= code(n, kk) << (4 * s);
              word |= code(n, kk + 1) << (4 * (s + 4));
            }
          } else {
            int t = j;
            int64_t n = nb * 64 + t * 8 + l / 4;
            word = code(n, k0) | code(n, k0 + 8) << 8 |
                   code(n, k0 + 1) << 16 | code(n, k0 + 9) << 24;
          }
          dst[j] = word;
        }
      }
  if (gather) {
    w.perm = static_cast<int32_t *>(std::malloc(w.Kp * 4));
    std::memcpy(w.perm, perm.data(), w.Kp * 4);
  }
  *out = w;
  return 0;
}
