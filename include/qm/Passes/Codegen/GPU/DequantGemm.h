//===- DequantGemm.h - fused dequantize-GEMM GPU kernel generator -*- C++ -*-===//
//
// Part of quant-mlir. Builds the MLIR (gpu, nvgpu, nvvm, vector, arith, memref,
// scf) of the fused dequantize-GEMM kernels that consume the `gpu_tiled`
// qweight layout, and lowers them through LLVM's NVPTX backend to PTX.
//
//===----------------------------------------------------------------------===//

#ifndef QM_PASSES_CODEGEN_GPU_DEQUANTGEMM_H
#define QM_PASSES_CODEGEN_GPU_DEQUANTGEMM_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"

#include <algorithm>
#include <string>
#include <vector>

namespace mlir {
class MLIRContext;
namespace qm::gpu {

/// One kernel variant. The tile is (16 * mTiles) x tileCols() x
/// (16 * warps * unroll) per block iteration (columns x warps when warps
/// split N); the K range of a block (its split) is a launch argument.
struct DequantGemmConfig {
  unsigned bits = 4;         ///< 4 or 8.
  bool symmetric = true;     ///< zero point 2^(bits-1) when true.
  bool gatherA = false;      ///< act-order / unaligned K: A read through perm.
  /// m16 tiles per block (1, 2, 4), or (swapped) n8 row tiles (1, 2).
  unsigned mTiles = 1;
  unsigned warps = 8;        ///< warps per block, each streams its own k-steps.
  unsigned unroll = 4;       ///< 16-byte weight loads per thread per chunk.
  /// Weight pipeline depth: 0 = one chunk prefetched in registers; S >= 2 =
  /// S shared-memory stages filled by cp.async (S - 1 chunks in flight).
  unsigned stages = 3;
  /// Stage buffers sized to the launch (v10; every kernel of the default
  /// set): min(stages, chunks per split) buffers are allocated and the
  /// activations follow them, so a split of few chunks does not pay for
  /// unused stages (1.4-1.6x at M >= 64, where the unused stages had halved
  /// the blocks per SM), and a kernel of many stages (`_s9`) holds a
  /// block's whole weight slice, all of it fetched before the PDL wait.
  /// The manifest says `sfit=1`; false = the v9 layout (S buffers).
  bool fitStages = false;
  /// Warps split N (each warp owns a 64-column block and all k-steps of the
  /// split; block = warps x 64 columns, no in-block reduction) instead of
  /// splitting the block's K range.
  bool splitN = false;
  /// Scale the f32 accumulators once per warp iteration instead of every
  /// dequantized weight (needs a group span >= 16 * unroll k).
  bool scaleAfter = false;
  /// Split-K partials reduced through distributed shared memory: the
  /// nsplit blocks of a column block are launched as one thread-block
  /// cluster (1, nsplit, 1) (sm_90+, nsplit <= 8) instead of going through
  /// a global workspace, a fence and an arrival counter. Warps split K.
  bool cluster = false;
  /// Activations streamed through the cp.async stages with the weights,
  /// one chunk (rows x chunk k) per stage, instead of the block's whole
  /// split staged up front (direct family, mTiles = 1, global split-K):
  /// shared memory no longer grows with the split length, and the first
  /// mma waits for one chunk. One block barrier per chunk (one warp
  /// barrier where warpSyncChunks()).
  bool streamA = false;
  /// Warp barriers (v21, where warpSyncChunks() says): each warp copies
  /// the activation slice it reads (rows x its unroll x 16 k of the chunk),
  /// as it already copies its own weight words, so a chunk needs a warp
  /// barrier (`bar.warp.sync`, for the ldmatrix rows other lanes copied)
  /// instead of a block barrier: the warps of a block run their pipelines
  /// independently until the in-block reduction. Same kernel names; the
  /// manifest says `wsync=1`. The field is the largest k-steps per warp
  /// and chunk that get it (0 = none).
  unsigned warpSyncMaxUnroll = 4;
  /// 128-column blocks (warps split K): every warp covers two adjacent
  /// 64-column blocks of the packed layout (two 16-byte weight loads, 16
  /// accumulators per k-step), so each activation fragment feeds 16 mma
  /// and the block's activation traffic is amortized over twice the
  /// columns. Scale-after-mma kernels of one m16 tile only.
  bool wideN = false;
  /// Programmatic dependent launch (sm_90+): signal dependents at entry,
  /// fetch weights and scales, then wait for the previous grid before the
  /// activations. Set per chip by the generator (same kernel names); the
  /// runtime launches with the PDL attribute only where the manifest says
  /// the sm_90 kernels carry it.
  bool pdl = false;
  /// Blocks per SM the register allocation must allow (0 = no bound).
  unsigned minBlocksPerSm = 0;
  /// The register-capped variant (`_r<n>`, manifest minb = n) of a kernel
  /// that also exists uncapped: minBlocksPerSm, except for the stream-K
  /// twins, whose bound is part of the kernel (no uncapped twin).
  unsigned cappedVariant() const { return streamK ? 0 : minBlocksPerSm; }
  /// Swapped mma operands (v11, M <= 8 per block): the dequantized weights
  /// are the m16 A operand (two n8 B tiles of the packed layout form one
  /// A fragment, no repacking) and the activations the n8 B operand, so a
  /// k-step of 64 columns is 4 mma on 4 accumulators instead of 8 on 8,
  /// and blocks cover 8 rows of M. 4-bit direct family, one tile, warps
  /// split K, global split-K.
  /// With mTiles = 2 (v17, `_m16_..._sw`) a block covers 16 rows as two
  /// n8 tiles: one dequantized A fragment feeds 8 mma per k-step.
  bool swapAB = false;
  /// Warp groups split N (v20, `_x2`; swapped streamed kernels): the warps
  /// form nGroups groups of warps / nGroups; group h covers the packed
  /// 64-column block nGroups nb + h and splits the chunk's k-steps among
  /// its warps. The block's tile is 64 nGroups columns, so one activation
  /// stage feeds nGroups column blocks: at M = 16 a 64-column block
  /// re-reads as many activation bytes from L2 as it streams weight bytes
  /// (bench/gpu/l2_ingest.cu). Each warp keeps the registers of the
  /// 64-column kernel; a chunk is 1 / nGroups as long in k.
  unsigned nGroups = 1;
  /// Stream-K partition (v19, `_sk`; swapped streamed kernels): the grid's
  /// x blocks are persistent; block b takes the chunk units
  /// [b U / P, (b + 1) U / P) of the U = column blocks x chunks per column
  /// block, in column-block-major order, as one segment per column block
  /// it touches (the kernel body runs once per segment); a column block's
  /// contributors (the blocks whose ranges meet it) reduce as split-K
  /// does, their count and index computed from U, P and the chunks per
  /// column block. Needs U >= P.
  bool streamK = false;
  /// Timeline twin (`_t`, v12, a diagnostic; never planned by the tile
  /// table): thread 0 of every block records clock64 and globaltimer at
  /// seven points (entry, before and after the PDL wait, after the main
  /// loop, after the in-block reduction, after the split-K arrival, exit)
  /// and its SM id into `%trace[(%tslot * blocks + block) * 16 + ...]`.
  bool trace = false;
  /// Bulk-copy twin (v22, `_b`, sm_90+, `quant-gpu-gen --bulk-twins`; an
  /// experiment, never planned by the tile table): kernels with warp
  /// barriers (warpSyncChunks(), not stream-K) whose lane 0 of each warp
  /// fetches the warp's weight words of a chunk (unroll x 512 contiguous
  /// bytes, the same layout in the packed weight and in the stage) with one
  /// `cp.async.bulk` (TMA) completing on an mbarrier per warp and stage,
  /// while the activations stay per-lane cp.async groups. So chunk c waits
  /// for exactly its own weights and activations (with cp.async groups
  /// alone, the activations of the prefetched chunks are committed after
  /// the PDL wait, behind every prefetched chunk's weights, and the first
  /// chunk waits for all of them). Measured slower on an H100
  /// (bench/gpu/NOTES.md v22a-b): +5-7% for the 3-stage twins, +25% for the
  /// whole-slice ones. No zero fill: the runtime takes these only where K
  /// is a multiple of 512 (K == Kp). The barriers sit at the start of shared
  /// memory, bulkBarrierBytes() before the stages.
  bool bulk = false;
  unsigned bulkBarrierBytes() const {
    return bulk ? (warps * stages * 8 + 15) / 16 * 16 : 0;
  }

  /// Whether the warp barriers apply: swapped streamed kernels of one warp
  /// group with at most warpSyncMaxUnroll k-steps per warp and chunk.
  /// (v21b, same-call A/B on an H100: those of <= 4 gained 1-3.5% at
  /// M = 1..16 on the 4096-deep shapes; the unswapped 16-row 4-warp kernel
  /// (8 k-steps) lost 6%, the swapped 8-k-step one was within -1..+2%.)
  bool warpSyncChunks() const {
    return streamA && swapAB && !splitN && !gatherA && nGroups == 1 &&
           unroll <= warpSyncMaxUnroll;
  }
  /// Rows of M one block covers.
  unsigned rowsPerBlock() const { return (swapAB ? 8 : 16) * mTiles; }

  /// Steps of 16 in K one block iteration covers (the packer pads K to it).
  unsigned chunkSteps() const {
    return splitN ? unroll : warps * unroll / nGroups;
  }
  unsigned threads() const { return warps * 32; }
  /// 64-column packed blocks each warp reads per k-step.
  unsigned halves() const { return wideN ? 2 : 1; }
  /// Output columns of a warp's tile (the block's, unless warps split N
  /// or warp groups do).
  unsigned tileCols() const { return 64 * halves(); }
  /// Row stride (f32 words) of the in-block reduction buffer
  /// [warp][row][stride] (v21i): the tile's columns plus a pad that keeps a
  /// warp's accumulator stores free of bank conflicts (swapped: lanes
  /// store rows 2 (lane % 4) (+ 1), one word each, so rows 2 apart must
  /// land 8 banks apart: 4 mod 32; unswapped: lanes store 8 rows of 8
  /// consecutive words as pairs: rows 8 banks apart, 8 mod 32). With the
  /// bare 64-column stride every row started at bank 0: 4- and 8-way
  /// conflicts, ~2000 SM cycles at 16 rows x 16 warps.
  unsigned redStride() const { return tileCols() + (swapAB ? 4 : 8); }
  /// Output columns of the block's tile when warp groups split N.
  unsigned blockCols() const { return tileCols() * nGroups; }
  /// Bytes of one chunk of packed weights (all warps).
  unsigned chunkBytes() const {
    return warps * unroll * 32 * 16 * (bits == 4 ? 1 : 2) * halves();
  }
  std::string kernelName() const;
  /// Stage buffers allocated for `stepsPerSplit` k16-steps.
  unsigned stageBuffers(unsigned stepsPerSplit) const {
    if (!fitStages)
      return stages;
    unsigned chunks = (stepsPerSplit + chunkSteps() - 1) / chunkSteps();
    return std::min(stages, std::max(chunks, 1u));
  }
  /// Dynamic shared memory (bytes) for `stepsPerSplit` k16-steps.
  unsigned sharedBytes(unsigned stepsPerSplit) const;
};

/// K padding granularity shared by every generated kernel and the packer.
constexpr unsigned kChunkK = 512;
/// Output columns per block.
constexpr unsigned kBlockN = 64;
/// A pair-workspace word at rest (two-split reduction, v12): an f32
/// signalling-NaN pattern that no f32 arithmetic produces (the GPU's NaN
/// results are 0x7fffffff). The runtime fills the pair workspace with it
/// (QMRT_PAIR_EMPTY in qmrt/qmrt_cuda.h; quant-gpu-gen static_asserts that
/// the two agree).
constexpr int32_t kPairEmpty = 0x7fbadbad;

/// The default kernel set: bits x sym x gather x mTiles, every kernel with
/// stage buffers sized to the launch (`fitStages`), plus the whole-slice
/// `_s9` kernels (v10). `v9Set`: the v9 set instead (no `_s9`, S stage
/// buffers; its cubin is byte-identical to v9's), for A/B runs.
std::vector<DequantGemmConfig> defaultDequantGemmConfigs(bool v9Set = false);

/// Emits the textual IR of one `gpu.func` for `cfg`.
std::string emitDequantGemmFunc(const DequantGemmConfig &cfg);

/// Builds a module holding a `gpu.module @qm_dqgemm` with every config.
OwningOpRef<ModuleOp>
buildDequantGemmModule(MLIRContext &ctx,
                       ArrayRef<DequantGemmConfig> configs);

/// Lowers `module` (as built above) to PTX for `chip` (sm_80, sm_90, ...).
/// The module is consumed (lowered in place).
FailureOr<std::string> lowerDequantGemmToPTX(ModuleOp module, StringRef chip,
                                             StringRef ptxFeatures = "+ptx80");

/// Registers the dialects and interfaces the generator and lowering need.
void registerDequantGemmDialects(DialectRegistry &registry);

} // namespace qm::gpu
} // namespace mlir

#endif // QM_PASSES_CODEGEN_GPU_DEQUANTGEMM_H
