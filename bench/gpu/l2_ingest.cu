// l2_ingest.cu - does re-reading activations from L2 slow a weight stream?
// (hand-written CUDA; a measuring stick for bench/gpu/NOTES.md v20, not part
// of the product).
//
// Models the memory traffic of the dequant-GEMM at M rows without its math:
// the K x N 4-bit weight is U = (N / 64) x (K / 512) units of 16 KiB (one
// packed 64-column block x 512 k, column-block major), rotated over copies
// that exceed L2; P persistent blocks take equal unit ranges. For every
// unit a block also reads the unit's activation slice, 512 k x M rows x 2
// bytes of an M x K f16 matrix that stays in L2, i.e. what every 64-column
// block re-reads (`cp.async.cg`: L2, not L1). `wide` = 2 models 128-column
// blocks: one activation slice per two weight units. Loads are 16-byte
// `ld.global.cg`, folded into a word written only on an impossible value.
//
// Build: nvcc -arch=sm_90 -O3 -o l2_ingest l2_ingest.cu
// Run:   l2_ingest  (prints one JSON line per shape x M x wide x blocks/SM)
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <vector>
#include <algorithm>
#include <cuda_runtime.h>

#define CK(x)                                                                  \
  do {                                                                         \
    cudaError_t err_ = (x);                                                    \
    if (err_ != cudaSuccess) {                                                 \
      fprintf(stderr, "%s:%d %s: %s\n", __FILE__, __LINE__, #x,                \
              cudaGetErrorString(err_));                                       \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

__device__ __forceinline__ uint4 ldcg(const uint4 *p) {
  uint4 v;
  asm volatile("ld.global.cg.v4.u32 {%0,%1,%2,%3}, [%4];"
               : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w)
               : "l"(p));
  return v;
}

// Unit u: weight words [u * 1024, (u + 1) * 1024) (16 KiB), activation
// slice of chunk kc = u % C: rows 0..M-1, k [512 kc, 512 kc + 512), i.e.
// M runs of 64 words at word offset (m * K + 512 kc) / 8.
__global__ void __launch_bounds__(256)
    ingest(const uint4 *__restrict__ w, const uint4 *__restrict__ act,
           unsigned *out, int U, int C, int M, int K, int wide) {
  int P = gridDim.x;
  int u0 = (int)((long long)blockIdx.x * U / P);
  int u1 = (int)((long long)(blockIdx.x + 1) * U / P);
  unsigned acc = 0;
  int t = threadIdx.x;
  // Four units per iteration, every load issued before any is used (the
  // GEMM keeps three 16 KiB stages in flight per block).
  for (int ub = u0; ub < u1; ub += 4) {
    uint4 v[16];
#pragma unroll
    for (int q = 0; q < 4; ++q) {
      int u = min(ub + q, u1 - 1);
      const uint4 *wu = w + (size_t)u * 1024;
#pragma unroll
      for (int r = 0; r < 4; ++r)
        v[4 * q + r] = ldcg(wu + t + 256 * r);
    }
    uint4 x[16];
    int nx = 0;
#pragma unroll
    for (int q = 0; q < 4; ++q) {
      int u = ub + q;
      int cb = u / C, kc = u % C;
      bool reads = u < u1 && M > 0 &&
                   (wide == 1 || cb % 2 == 0 || u == u0);
      // M x 64 words over 256 threads: up to 4 per thread (M <= 16).
#pragma unroll
      for (int r = 0; r < 4; ++r) {
        int i = t + 256 * r;
        if (reads && i < M * 64) {
          int m = i / 64, j = i % 64;
          x[nx & 15] = ldcg(act + ((size_t)m * K + 512 * kc) / 8 + j);
        } else {
          x[nx & 15] = make_uint4(0, 0, 0, 0);
        }
        ++nx;
      }
    }
#pragma unroll
    for (int q = 0; q < 16; ++q)
      acc ^= v[q].x ^ v[q].y ^ v[q].z ^ v[q].w ^ x[q].x ^ x[q].w;
  }
  if (acc == 0x9e3779b9u)
    out[blockIdx.x * blockDim.x + t] = acc;
}

int main() {
  int dev = 0, sms = 0;
  CK(cudaSetDevice(dev));
  CK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev));
  cudaDeviceProp prop;
  CK(cudaGetDeviceProperties(&prop, dev));
  struct Shape { int K, N; } shapes[] = {
      {4096, 6144}, {4096, 4096}, {4096, 28672}, {14336, 4096}};
  const size_t rot = 256ull << 20; // bytes of weight copies (> 5x L2)
  uint4 *wbuf, *abuf;
  unsigned *out;
  CK(cudaMalloc(&wbuf, rot + (64ull << 20)));
  CK(cudaMemset(wbuf, 1, rot + (64ull << 20)));
  CK(cudaMalloc(&abuf, 16 * 14336 * 2));
  CK(cudaMemset(abuf, 2, 16 * 14336 * 2));
  CK(cudaMalloc(&out, 1 << 20));
  cudaStream_t s;
  CK(cudaStreamCreate(&s));
  cudaEvent_t e0, e1;
  CK(cudaEventCreate(&e0));
  CK(cudaEventCreate(&e1));
  for (Shape sh : shapes) {
    int C = sh.K / 512, U = (sh.N / 64) * C;
    size_t wbytes = (size_t)U * 16384;
    int copies = std::max<size_t>(1, rot / wbytes);
    for (int bps : {1, 2, 4})
      for (int wide : {1, 2})
        for (int M : {0, 1, 8, 16}) {
          if (wide == 2 && M == 0)
            continue;
          int P = sms * bps;
          const int iters = 200;
          std::vector<float> reps;
          for (int rep = 0; rep < 5; ++rep) {
            CK(cudaEventRecord(e0, s));
            for (int i = 0; i < iters; ++i)
              ingest<<<P, 256, 0, s>>>(
                  (const uint4 *)((char *)wbuf + (i % copies) * wbytes),
                  abuf, out, U, C, M, sh.K, wide);
            CK(cudaEventRecord(e1, s));
            CK(cudaEventSynchronize(e1));
            float ms;
            CK(cudaEventElapsedTime(&ms, e0, e1));
            reps.push_back(ms * 1000 / iters);
          }
          CK(cudaGetLastError());
          std::sort(reps.begin(), reps.end());
          double actBytes = M == 0 ? 0
                                   : (double)U * 512 * M * 2 / wide;
          printf("{\"device\": \"%s\", \"K\": %d, \"N\": %d, \"M\": %d, "
                 "\"wide\": %d, \"blocks\": %d, \"us\": %.3f, "
                 "\"weight_MB\": %.2f, \"act_MB\": %.2f}\n",
                 prop.name, sh.K, sh.N, M, wide, P, reps[2], wbytes / 1e6,
                 actBytes / 1e6);
          fflush(stdout);
        }
  }
  return 0;
}
