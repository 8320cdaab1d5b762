// Host-only check of the gpu_tiled layout (passes/Codegen/GPU/Rationale.md):
// decode the packed words, scales and permutation back by the documented
// formulas and compare with the inputs. Prints "ok <cases>" on success.
#include "qmrt/qmrt_cuda.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <random>
#include <vector>

extern "C" void qmrt_cuda_set_error(const char *msg) {
  std::fprintf(stderr, "packer error: %s\n", msg);
}

static float half2f(uint16_t h) { // zero or normal f16 (all values here)
  if ((h & 0x7fff) == 0)
    return 0.0f;
  uint32_t b = (uint32_t(h & 0x8000) << 16) |
               (uint32_t(((h >> 10) & 31) - 15 + 127) << 23) |
               (uint32_t(h & 0x3ff) << 13);
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}

static int fails = 0;
#define EXPECT(c, ...)                                                         \
  do {                                                                         \
    if (!(c) && fails++ < 10)                                                  \
      std::printf("FAIL: " __VA_ARGS__), std::printf("\n");                   \
  } while (0)

int main() {
  std::mt19937 rng(7);
  struct C { int bits; int64_t K, N, g; bool asym; int ao; };
  std::vector<C> cases = {{4, 1024, 256, 128, false, 0}, {8, 1003, 200, 64, true, 0},
                          {4, 1000, 130, 32, true, 1},  {8, 512, 64, 0, false, 0},
                          {4, 256, 70, 48, false, 0}};
  for (const C &c : cases) {
    int64_t G = c.g ? (c.K + c.g - 1) / c.g : 1;
    std::vector<uint8_t> q(c.N * c.K), z(c.N * G);
    std::vector<float> s(c.N * G);
    std::vector<int32_t> gidx;
    for (auto &v : q) v = rng() % (1u << c.bits);
    for (auto &v : z) v = rng() % (1u << c.bits);
    for (auto &v : s) v = 0.25f + 0.25f * float(rng() % 4);
    if (c.ao) {
      std::vector<int32_t> p(c.K);
      std::iota(p.begin(), p.end(), 0);
      std::shuffle(p.begin(), p.end(), rng);
      gidx.resize(c.K);
      for (int64_t i = 0; i < c.K; ++i) gidx[p[i]] = int32_t(i / c.g);
    }
    qmrt_packed_weight w;
    if (qmrt_pack_gpu_tiled(c.bits, c.K, c.N, c.g, q.data(), s.data(),
                            c.asym ? z.data() : nullptr,
                            gidx.empty() ? nullptr : gidx.data(), &w))
      return 1;
    EXPECT(w.Kp % 512 == 0 && w.Np % 64 == 0, "padding");
    int W = c.bits == 4 ? 4 : 8;
    int64_t ksteps = w.Kp / 16;
    auto code = [&](int64_t n, int64_t kp) -> int {
      int64_t ks = kp / 16, kk = kp % 16, h = kk / 8, k2 = kk % 8;
      int lane = int((n % 8) * 4 + k2 / 2), t = int((n % 64) / 8);
      const uint32_t *lw = w.qw + ((n / 64 * ksteps + ks) * 32 + lane) * W;
      if (c.bits == 4) {
        uint32_t word = lw[t / 2];
        int sidx = (t % 2) * 2 + int(h);
        return (word >> (4 * (sidx + 4 * (k2 % 2)))) & 15;
      }
      uint32_t word = lw[t];
      int byte = int(h) + 2 * (k2 % 2);
      return (word >> (8 * byte)) & 255;
    };
    for (int64_t n = 0; n < c.N; ++n)
      for (int64_t kp = 0; kp < w.Kp; ++kp) {
        int64_t k = w.perm ? w.perm[kp] : (kp < c.K ? kp : -1);
        int64_t g = w.gshift >= 40 ? 0 : (kp / 16) >> w.gshift;
        if (k >= 0) {
          EXPECT(code(n, kp) == q[n * c.K + k], "code n=%lld k=%lld",
                 (long long)n, (long long)k);
          int64_t og = !gidx.empty() ? gidx[k] : (c.g ? k / c.g : 0);
          if (g != og) { EXPECT(false, "group of k=%lld", (long long)k); continue; }
          size_t o = size_t(((n / 64 * w.ngroups + g) * 8 + n % 8) * 8 + (n % 64) / 8);
          EXPECT(half2f(w.scales[o]) == s[n * G + g], "scale n=%lld", (long long)n);
          if (c.asym)
            EXPECT(half2f(w.zeros[o]) == float(z[n * G + g]), "zero");
          size_t oc = size_t(((n / 64 * w.ngroups + g) * 4 + (n % 8) / 2) * 16 +
                             ((n % 64) / 8) * 2 + n % 2);
          EXPECT(half2f(w.scales_c[oc]) == s[n * G + g], "scale_c");
        }
      }
    // Every logical k appears exactly once in the permutation.
    std::vector<int> seen(c.K, 0);
    for (int64_t kp = 0; kp < w.Kp; ++kp) {
      int64_t k = w.perm ? w.perm[kp] : (kp < c.K ? kp : -1);
      if (k >= 0) ++seen[k];
    }
    for (int64_t k = 0; k < c.K; ++k) EXPECT(seen[k] == 1, "perm k=%lld", (long long)k);
    EXPECT(bool(w.gather) == (c.ao || c.K % 8 != 0 || c.g == 48), "gather flag");
    qmrt_packed_free(&w);
  }
  if (fails) return 1;
  std::printf("ok %zu\n", cases.size());
  return 0;
}
