// read_ceiling.cu - the achievable read rate of a small weight under the
// benchmark's own timing (hand-written CUDA; a measuring stick for
// bench/gpu/NOTES.md, not part of the product).
//
// Every launch streams `n16` 16-byte words with non-coherent 16-byte loads
// (four in flight per thread and iteration, grid-stride) and folds them
// into one word per thread, written only on an impossible value (so the
// loads stay live and no output bytes are added). With `waitFirst` = 0 the
// kernel signals its dependents at entry and waits for the previous grid
// (programmatic dependent launch) only after its reads, like the GEMM's
// weight stream; with 1 it waits first (no overlap across launches).
//
// Build: nvcc -arch=sm_90 -cubin -O3 -o read_ceiling_sm_90.cubin read_ceiling.cu
#include <cstdint>

extern "C" __global__ void __launch_bounds__(256)
    qm_read_ceiling(const uint4 *__restrict__ src, unsigned long long n16,
                    unsigned *out, int waitFirst) {
  asm volatile("griddepcontrol.launch_dependents;");
  if (waitFirst)
    asm volatile("griddepcontrol.wait;" ::: "memory");
  unsigned long long i = blockIdx.x * (unsigned long long)blockDim.x +
                         threadIdx.x;
  const unsigned long long stride =
      gridDim.x * (unsigned long long)blockDim.x;
  unsigned acc = 0;
  for (; i + 3 * stride < n16; i += 4 * stride) {
    uint4 a = __ldg(src + i), b = __ldg(src + i + stride),
          c = __ldg(src + i + 2 * stride), d = __ldg(src + i + 3 * stride);
    acc ^= a.x ^ a.y ^ a.z ^ a.w ^ b.x ^ b.y ^ b.z ^ b.w ^ c.x ^ c.y ^ c.z ^
           c.w ^ d.x ^ d.y ^ d.z ^ d.w;
  }
  for (; i < n16; i += stride) {
    uint4 a = __ldg(src + i);
    acc ^= a.x ^ a.y ^ a.z ^ a.w;
  }
  if (!waitFirst)
    asm volatile("griddepcontrol.wait;" ::: "memory");
  if (acc == 0x9e3779b9u)
    out[blockIdx.x * blockDim.x + threadIdx.x] = acc;
}
