/*===- qmrt_cuda.h - quant-mlir CUDA runtime (driver API) ----------*- C -*-===
 *
 * Part of quant-mlir. Loads the generated dequant-GEMM cubins, packs
 * quantized weights into the `gpu_tiled` layout, manages device buffers and
 * launches the kernels. No MLIR dependency. Every CUDA call is checked; on
 * failure a function returns non-zero and qmrt_cuda_last_error() names the
 * call and the CUDA error.
 *===----------------------------------------------------------------------===*/
#ifndef QMRT_QMRT_CUDA_H
#define QMRT_QMRT_CUDA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*--- packing (host only, no CUDA) ----------------------------------------*/

/* The `gpu_tiled` layout of one quantized K x N weight (see
 * passes/Codegen/GPU/Rationale.md). Host arrays are malloc'ed; free with
 * qmrt_packed_free. */
typedef struct qmrt_packed_weight {
  int bits, symmetric, gather;
  int64_t K, N;      /* logical shape */
  int64_t Kp, Np;    /* padded: Kp % 512 == 0, Np % 64 == 0 */
  int64_t gshift;    /* group of k-step ks is ks >> gshift */
  int64_t ngroups;   /* groups in the tiled scale array */
  uint32_t *qw;      /* Np/64 * Kp/16 * 32 * (bits == 4 ? 4 : 8) words */
  uint16_t *scales;  /* f16 bits, Np/64 * ngroups * 64 */
  uint16_t *zeros;   /* f16 bits, same shape; NULL when symmetric */
  uint16_t *scales_c; /* f16 bits, accumulator order [nb][g][lane%4][t][2] */
  int32_t *perm;     /* Kp entries (-1 = padding); NULL unless gather */
  size_t qw_words, scale_elems;
} qmrt_packed_weight;

/* codes: N x K (row n, one code per byte, values < 2^bits); scales: N x G
 * floats (rounded to f16); zeros: N x G or NULL (symmetric, z = 2^(bits-1));
 * g_idx: K entries or NULL; group_size: 0 or >= K means per-channel.
 * G = ceil(K / group_size) (1 per-channel). Returns 0 on success. */
int qmrt_pack_gpu_tiled(int bits, int64_t K, int64_t N, int64_t group_size,
                        const uint8_t *codes, const float *scales,
                        const uint8_t *zeros, const int32_t *g_idx,
                        qmrt_packed_weight *out);
void qmrt_packed_free(qmrt_packed_weight *w);

/*--- device runtime -------------------------------------------------------*/

/* A word of the exchange (two-split) reduction's pair workspace at rest: an
 * f32 signalling-NaN pattern that no f32 arithmetic produces. The runtime
 * fills the workspace with it; the generated kernels restore it
 * (qm::gpu::kPairEmpty, checked equal where quant-gpu-gen is built). */
#define QMRT_PAIR_EMPTY 0x7fbadbadu
/* k per chunk of the default kernels (qm::gpu::kChunkK, checked equal where
 * quant-gpu-gen is built); long-chunk kernels (`_u<n>`, manifest unroll)
 * have warps x n k-steps of 16 per chunk. */
#define QMRT_CHUNK_K 512

typedef struct qmrt_cuda_ctx qmrt_cuda_ctx;
typedef unsigned long long qmrt_devptr; /* CUdeviceptr */

const char *qmrt_cuda_last_error(void);

/* Retains the primary context of `device`, loads `cubin_path` and reads the
 * kernel table from `manifest_path` (manifest.txt of quant-gpu-gen). */
int qmrt_cuda_create(int device, const char *cubin_path,
                     const char *manifest_path, qmrt_cuda_ctx **out);
/* Planning only, no device (qm-dqgemm-plan, tests): reads the kernel table
 * from `manifest_path` for a device of `sm_count` SMs, `smem_optin` bytes
 * of opt-in shared memory per block and compute capability `cc_major`;
 * blocks per SM come from a model of the SM (2048 threads, 32 blocks, 64K
 * registers at 128 per thread or the kernel's minb bound, shared memory),
 * not from the driver. Only qmrt_cuda_plan_for* and the preference setters
 * may be used with it (uploads and launches fail). H100 SXM: 132, 232448,
 * 9. */
int qmrt_cuda_create_offline(const char *manifest_path, int sm_count,
                             int smem_optin, int cc_major,
                             qmrt_cuda_ctx **out);
void qmrt_cuda_destroy(qmrt_cuda_ctx *ctx);
int qmrt_cuda_sm_count(qmrt_cuda_ctx *ctx);
/* Programmatic dependent launch (on by default; used on sm_90+ with kernels
 * whose manifest line says pdl=1): a launch may start while the previous
 * kernel of the stream finishes, fetching its weights; it waits for that
 * kernel before reading activations or writing anything. Returns the old
 * setting. */
int qmrt_cuda_set_pdl(qmrt_cuda_ctx *ctx, int on);
/* Kernels that stream the activations through the weight stages (manifest
 * streama=1): -1 = as the tile table says (default), 0 = never, 1 = where
 * one exists for the plan's kernel family. Returns the old setting. */
int qmrt_cuda_set_stream_a(qmrt_cuda_ctx *ctx, int pref);
/* 128-column kernels (manifest ncols=128; warps split K): -1 = as the tile
 * table says (default), 0 = never, 1 = where one exists for the plan's
 * kernel family. Returns the old setting. */
int qmrt_cuda_set_wide(qmrt_cuda_ctx *ctx, int pref);
/* Whole-slice kernels (manifest stages > 3, e.g. `_s9`: a block's whole
 * weight slice, up to stages - 1 chunks, in shared memory, fetched before
 * the PDL wait): -1 = as the tile table says (default), 0 = never, 1 = where
 * one exists for the plan's kernel family. Returns the old setting. */
int qmrt_cuda_set_deep(qmrt_cuda_ctx *ctx, int pref);
/* Bulk-copy twins (v22, sm_90, `quant-gpu-gen --bulk-twins`): 1 keeps the
 * plan and takes its kernel's `_b` twin where there is one and K is a
 * multiple of 512; -1 / 0 never (an experiment). Returns the old setting. */
int qmrt_cuda_set_bulk(qmrt_cuda_ctx *ctx, int pref);
/* Register-capped kernels (manifest minb=6 or 8, `_r6` / `_r8`: compiled
 * for that many blocks per SM, so a PDL launch's blocks can be resident
 * beside the previous launch's): -1 = as the tile table says (default),
 * 0 = never, n = those with minb = n where one exists for the plan's kernel
 * family. Returns the old setting. */
int qmrt_cuda_set_min_blocks(qmrt_cuda_ctx *ctx, int pref);
/* Swapped-operand kernels (manifest swapab=1, `_sw`, v11: weights as the
 * mma's m16 operand, activations as n8; M <= 16): -1 = as the tile table
 * says (default), 0 = never, 1 = where one exists for the plan's kernel
 * family, warp count and settings, at M = 9..16 the 16-row kernels (two n8
 * row tiles, manifest mtiles=2, v17) where they exist, 2 = as 1 but 8-row
 * kernels only (at M = 9..16 two row blocks that each read the whole
 * weight, v16). Returns the old setting. */
int qmrt_cuda_set_swap(qmrt_cuda_ctx *ctx, int pref);
/* Chunk length (manifest unroll, `_u<n>`, v14: n k-steps per warp and
 * chunk instead of the default 512 k per chunk): -1 = as the tile table
 * says (default), 0 = the default chunk, n = kernels with unroll n where one
 * exists for the plan's kernel and its chunk divides the padded K. Returns
 * the old setting. */
int qmrt_cuda_set_unroll(qmrt_cuda_ctx *ctx, int pref);
/* Rows of M per block (v17d): -1 = as the tile table says (default: 16
 * past M = 16), 16 or 32 = at most that many (larger M runs as several row
 * blocks, each reading the whole weight; with 16 and swapped kernels asked
 * for, the 16-row swapped kernels at any M), 64 = no cap (the v16 plans:
 * 32 rows up to M = 32, then 64). Returns the old setting. */
int qmrt_cuda_set_max_rows(qmrt_cuda_ctx *ctx, int rows);
/* Stream-K kernels (v19, manifest streamk=1, `_sk`: persistent blocks over
 * equal chunk ranges across column blocks): -1 = as the tile table says
 * (default: never), 0 = never, 1 = where the family has one (with a
 * negative max_chunks_per_split, -n units per block). Returns the old
 * setting. */
int qmrt_cuda_set_stream_k(qmrt_cuda_ctx *ctx, int pref);

int qmrt_cuda_alloc(qmrt_cuda_ctx *ctx, size_t bytes, qmrt_devptr *out);
int qmrt_cuda_free(qmrt_cuda_ctx *ctx, qmrt_devptr p);
int qmrt_cuda_upload(qmrt_cuda_ctx *ctx, qmrt_devptr dst, const void *src,
                     size_t bytes);
int qmrt_cuda_download(qmrt_cuda_ctx *ctx, void *dst, qmrt_devptr src,
                       size_t bytes);
int qmrt_cuda_memset8(qmrt_cuda_ctx *ctx, qmrt_devptr dst, unsigned char v,
                      size_t bytes);
int qmrt_cuda_sync(qmrt_cuda_ctx *ctx);

/* A packed weight on the device. */
typedef struct qmrt_cuda_weight {
  qmrt_packed_weight meta; /* host arrays released after upload (NULL) */
  qmrt_devptr qw, scales, zeros, perm, scales_c;
} qmrt_cuda_weight;

int qmrt_cuda_weight_upload(qmrt_cuda_ctx *ctx, const qmrt_packed_weight *w,
                            qmrt_cuda_weight *out);
void qmrt_cuda_weight_free(qmrt_cuda_ctx *ctx, qmrt_cuda_weight *w);

/* Launch plan: which kernel, split-K. */
typedef struct qmrt_cuda_plan {
  int kernel;           /* index in the manifest */
  int64_t m_tile;       /* rows per block */
  int64_t nsplit, sps;  /* K splits, k16-steps per split */
  unsigned grid[3], block, smem;
  unsigned cluster;     /* > 1: blocks (1, cluster, 1) form a thread-block
                           cluster that reduces split-K in shared memory */
} qmrt_cuda_plan;

/* Heuristic tile/split choice for (M, K, N); `max_chunks_per_split` 0
 * uses the default, > 0 caps the chunks (512 k) per split, < 0 asks for
 * exactly -max_chunks_per_split chunks per split (sweeps, tests). */
int qmrt_cuda_plan_for(qmrt_cuda_ctx *ctx, const qmrt_cuda_weight *w,
                       int64_t M, int max_chunks_per_split,
                       qmrt_cuda_plan *out);
/* Same, with the kernel's warp count (0 = default), the blocks-per-SM
 * target of the split heuristic (0 = default, 99 = as many splits as keep
 * the whole grid resident in one wave at the kernel's occupancy) and the warp layout (split_n:
 * 1 = warps split N, 0 = warps split K, -1 = default) chosen by the caller.
 * blocks_per_sm 97 asks for exactly two splits (the two-split reduction:
 * one atomic exchange per output element, v13). */
int qmrt_cuda_plan_for_ex(qmrt_cuda_ctx *ctx, const qmrt_cuda_weight *w,
                          int64_t M, int max_chunks_per_split, int warps,
                          int blocks_per_sm, int split_n,
                          qmrt_cuda_plan *out);
/* Same, choosing whether kernels that scale the accumulators once per group
 * are preferred (1), avoided (0) or the default (-1, preferred). */
int qmrt_cuda_plan_for_ex2(qmrt_cuda_ctx *ctx, const qmrt_cuda_weight *w,
                           int64_t M, int max_chunks_per_split, int warps,
                           int blocks_per_sm, int split_n, int scale_after,
                           qmrt_cuda_plan *out);
/* Same, choosing the split-K reduction: cluster = 1 uses a cluster kernel
 * (sm_90+, distributed shared memory) where the split count is 2..8 (the
 * tile table's plan, its kernel's cluster twin where it has one), 2 also
 * caps the split count at 8 to allow it, 0 always uses the global workspace,
 * -1 the default (0: measured slower on the H100, bench/gpu/NOTES.md). */
int qmrt_cuda_plan_for_ex3(qmrt_cuda_ctx *ctx, const qmrt_cuda_weight *w,
                           int64_t M, int max_chunks_per_split, int warps,
                           int blocks_per_sm, int split_n, int scale_after,
                           int cluster, qmrt_cuda_plan *out);
/* Grows the split-K workspace / counters for `plan` (call before graph
 * capture). */
int qmrt_cuda_reserve(qmrt_cuda_ctx *ctx, const qmrt_cuda_weight *w,
                      int64_t M, const qmrt_cuda_plan *plan);
/* out[M x N] (f16) = a[M x K] (f16) * W on `stream` (0 = default). */
int qmrt_cuda_matmul(qmrt_cuda_ctx *ctx, const qmrt_cuda_weight *w,
                     qmrt_devptr a, qmrt_devptr out, int64_t M,
                     const qmrt_cuda_plan *plan, void *stream);
const char *qmrt_cuda_kernel_name(qmrt_cuda_ctx *ctx, int kernel);
/* Timeline twins (a diagnostic, `quant-gpu-gen --trace-twins`): the index
 * of `kernel`'s `_t` twin, or -1. A plan whose kernel is replaced by its
 * twin launches the same way; thread 0 of each block then writes 16 int64
 * at buf[(slot * blocks + block) * 16]: clock64 and globaltimer at entry,
 * before and after the PDL wait, after the main loop, after the in-block
 * reduction, after the split-K arrival and at exit (pairs 0..6), and the
 * SM id (14). `elems` is the record's length; `slot` is read at each
 * launch (set it before each launch or capture). */
int qmrt_cuda_trace_twin(qmrt_cuda_ctx *ctx, int kernel);
void qmrt_cuda_set_trace(qmrt_cuda_ctx *ctx, qmrt_devptr buf, int64_t elems,
                         int64_t slot);

#ifdef __cplusplus
}
#endif
#endif /* QMRT_QMRT_CUDA_H */
