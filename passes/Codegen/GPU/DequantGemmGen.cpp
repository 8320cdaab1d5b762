//===- DequantGemmGen.cpp - emit the fused dequantize-GEMM kernels --------===//
//
// Part of quant-mlir. The kernels are written as MLIR in the gpu, nvgpu,
// nvvm, vector, arith, memref and scf dialects; nothing here is CUDA C++.
// See Rationale.md next to this file for the `gpu_tiled` layout and the
// kernel's structure.
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Codegen/GPU/DequantGemm.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <map>

#define DEBUG_TYPE "qm-gpu-generate-dequant-gemm"

using namespace mlir;
using namespace mlir::qm::gpu;

std::string DequantGemmConfig::kernelName() const {
  // `_u<n>`: n k-steps per warp and chunk instead of the default
  // kChunkK / 16 / warps (v14).
  std::string u = unroll * 16 * warps == kChunkK
                      ? std::string()
                      : "_u" + std::to_string(unroll);
  return llvm::formatv("qm_dqgemm_b{0}_{1}_{2}_m{3}_w{4}{6}_s{5}{7}{8}{9}{10}{11}{12}{13}",
                       bits, symmetric ? "sym" : "asym",
                       gatherA ? "gather" : "direct", rowsPerBlock(), warps,
                       stages, splitN ? "n" : "", scaleAfter ? "_g" : "",
                       cluster ? "_c" : "", streamA ? "_a" : "",
                       std::string(wideN ? "_n128" : "") +
                           (swapAB ? "_sw" : "") +
                           (nGroups > 1 ? "_x" + std::to_string(nGroups)
                                        : std::string()),
                       cappedVariant()
                           ? "_r" + std::to_string(cappedVariant())
                           : std::string(),
                       u + (streamK ? "_sk" : ""),
                       std::string(bulk ? "_b" : "") + (trace ? "_t" : ""))
      .str();
}

unsigned DequantGemmConfig::sharedBytes(unsigned stepsPerSplit) const {
  unsigned rows = rowsPerBlock();
  unsigned bufs = stageBuffers(stepsPerSplit);
  unsigned aBytes = streamA ? bufs * rows * (chunkSteps() * 16 + 8) * 2
                            : rows * (stepsPerSplit * 16 + 8) * 2;
  unsigned redBytes = splitN ? 0 : warps * rows * redStride() * 4;
  unsigned body = std::max(bufs * chunkBytes() + aBytes, redBytes);
  body = (body + 15) / 16 * 16;
  // Flag word, or (cluster kernels) the block's partial tile; the bulk
  // twins' barriers before everything.
  return bulkBarrierBytes() + body +
         (cluster ? std::max(16u, rows * tileCols() * 4) : 16);
}

std::vector<DequantGemmConfig>
mlir::qm::gpu::defaultDequantGemmConfigs(bool v9Set) {
  const bool wholeSlice = !v9Set;
  std::vector<DequantGemmConfig> out;
  for (unsigned bits : {4u, 8u})
    for (bool sym : {true, false})
      for (bool gather : {false, true})
        for (unsigned mt : {1u, 2u, 4u})
          for (bool splitN : {false, true})
            for (bool scaleAfter : {false, true})
              for (bool cluster : {false, true})
                for (bool streamA : {false, true})
                  for (bool wideN : {false, true})
                    for (unsigned stages : {3u, 9u})
                      for (bool swap : {false, true})
                        for (unsigned warps : {4u, 8u, 16u})
                          for (bool capped : {false, true}) {
            if (stages == 9 && !wholeSlice)
              continue;
            // Swapped operands (v11): 4-bit direct family, one tile, scale
            // after the mma, warps split K, global split-K; 4 or 8 warps.
            // Two n8 row tiles (16 rows, v17): streamed, 3 stages.
            if (swap && (v9Set || bits != 4 || gather || mt > 2 || splitN ||
                         !scaleAfter || cluster || wideN))
              continue;
            if (swap && mt == 2 && (!streamA || stages != 3 || capped))
              continue;
            // 16 warps unswapped (v11d): one m16 tile, streamed, scale
            // after the mma, 3 stages (one block per SM at M = 9..16).
            if (warps != 4 && !swap &&
                (warps != 16 || v9Set || bits != 4 || gather || mt != 1 ||
                 splitN || !scaleAfter || cluster || wideN || !streamA ||
                 stages != 3))
              continue;
            // Register-capped swapped kernels: 64 registers (2 x 16 or
            // 4 x 8 warps per SM), so that a launch of 16 warps per SM
            // leaves half the register file to the next PDL launch.
            if (capped && (!swap || warps == 4))
              continue;
            if (scaleAfter && mt != 1 && !swap)
              continue;
            // 128-column blocks: direct family, scale after the mma, one
            // m16 tile, warps splitting K (8-bit streamed: over the shared
            // memory limit).
            if (wideN && (gather || !scaleAfter || mt != 1 || splitN ||
                          (bits == 8 && streamA)))
              continue;
            // Streamed activations: direct family, one m16 tile (or two
            // swapped n8 row tiles), global split-K reduction.
            if (streamA && (gather || (mt != 1 && !swap) || cluster))
              continue;
            // Cluster split-K reduction: warps splitting K, M <= 32.
            if (cluster && (splitN || mt > 2))
              continue;
            // Whole-slice kernels (`_s9`, v10): up to 8 chunks (4096 k of
            // 64 columns, 128 KiB) in shared memory, all fetched before the
            // PDL wait; 4-bit direct family, one m16 tile, warps split K,
            // global split-K.
            if (stages == 9 && (bits != 4 || gather || mt != 1 || splitN ||
                                cluster || wideN))
              continue;
            DequantGemmConfig c;
            c.splitN = splitN;
            c.scaleAfter = scaleAfter;
            c.cluster = cluster;
            c.streamA = streamA;
            c.wideN = wideN;
            c.bits = bits;
            c.symmetric = sym;
            c.gatherA = gather;
            c.mTiles = mt;
            c.warps = warps;
            c.unroll = kChunkK / 16 / c.warps;
            c.stages = stages;
            c.fitStages = wholeSlice;
            c.swapAB = swap;
            if (capped)
              c.minBlocksPerSm = 32 / warps;
            // (Register-capped `_r6` / `_r8` kernels, minBlocksPerSm = 6 /
            // 8, measured 1.4-2.5x slower (spills; bench/gpu/NOTES.md v10c):
            // not in the default set.)
            out.push_back(c);
            // Stream-K twins (v19) of the swapped streamed kernels, and
            // (v20) both with two warp groups splitting N (`_x2`).
            if (swap && streamA && stages == 3 && !capped && warps >= 8) {
              DequantGemmConfig k = c;
              k.streamK = true;
              // Two 8-warp blocks per SM (at most 128 registers; without
              // the bound the 16-row kernel took 226).
              if (warps == 8)
                k.minBlocksPerSm = 2;
              out.push_back(k);
              DequantGemmConfig x = c;
              x.nGroups = 2;
              out.push_back(x);
              k.nGroups = 2;
              out.push_back(k);
            }
            // Longer chunks (v14, `_u<n>`): warps x n k-steps per chunk, so
            // the per-chunk work (barrier, copies, loop and stage
            // bookkeeping, scale loads and the f32 scaling) is spread over
            // more weights. 16- and 8-warp streamed kernels (swapped, and
            // the 16-warp unswapped one), up to 8 k-steps per warp (a warp
            // iteration must stay inside a 128-k group to scale after the
            // mma).
            if (c.streamA && c.stages == 3 && !capped && c.warps >= 8)
              for (unsigned u = c.unroll * 2; u <= 8; u *= 2) {
                DequantGemmConfig w = c;
                w.unroll = u;
                out.push_back(w);
                // (v20) 16-row swapped, two warp groups with 512 k per
                // chunk (8 warps x 8 k-steps, 16 x 4), and their stream-K
                // twins (one block per SM: no register bound). With half
                // that chunk the groups were slower per block (v20b).
                if (swap && c.mTiles == 2 &&
                    u == (c.warps == 8 ? 8u : 4u)) {
                  w.nGroups = 2;
                  out.push_back(w);
                  w.streamK = true;
                  out.push_back(w);
                }
              }
          }
  return out;
}

namespace {
/// A tiny SSA text emitter: fresh names, cached constants hoisted to the
/// function entry, indentation.
class Emitter {
public:
  std::string fresh() { return "%v" + std::to_string(next++); }

  /// Emits `%vN = <rhs>` and returns `%vN`.
  std::string op(const std::string &rhs) {
    std::string name = fresh();
    line(name + " = " + rhs);
    return name;
  }
  void line(const std::string &text) {
    body.append(indent * 2, ' ');
    body += text;
    body += '\n';
  }
  std::string idx(int64_t v) {
    return constant(std::to_string(v) + " : index");
  }
  std::string i32(int64_t v) {
    return constant(std::to_string(static_cast<int32_t>(v)) + " : i32");
  }
  std::string constant(const std::string &attr) {
    auto it = constants.find(attr);
    if (it != constants.end())
      return it->second;
    std::string name = "%k" + std::to_string(constants.size());
    prologue += "    " + name + " = arith.constant " + attr + "\n";
    constants[attr] = name;
    return name;
  }

  // index arithmetic shorthands
  std::string add(const std::string &a, const std::string &b) {
    return op("arith.addi " + a + ", " + b + " : index");
  }
  std::string sub(const std::string &a, const std::string &b) {
    return op("arith.subi " + a + ", " + b + " : index");
  }
  std::string mul(const std::string &a, const std::string &b) {
    return op("arith.muli " + a + ", " + b + " : index");
  }
  std::string div(const std::string &a, const std::string &b) {
    return op("arith.divui " + a + ", " + b + " : index");
  }
  std::string rem(const std::string &a, const std::string &b) {
    return op("arith.remui " + a + ", " + b + " : index");
  }
  std::string minu(const std::string &a, const std::string &b) {
    return op("arith.minui " + a + ", " + b + " : index");
  }
  std::string cmp(const std::string &pred, const std::string &a,
                  const std::string &b, const std::string &ty = "index") {
    return op("arith.cmpi " + pred + ", " + a + ", " + b + " : " + ty);
  }
  std::string select(const std::string &c, const std::string &a,
                     const std::string &b, const std::string &ty = "index") {
    return op("arith.select " + c + ", " + a + ", " + b + " : " + ty);
  }

  std::string prologue, body;
  int indent = 2;

private:
  unsigned next = 0;
  std::map<std::string, std::string> constants;
};

constexpr const char *kWG = "#gpu.address_space<workgroup>";
/// The aligned base address (index) of the memref<?xi32> argument `buf`.
std::string wordBase(Emitter &e, const std::string &buf) {
  return e.op("memref.extract_aligned_pointer_as_index " + buf +
              " : memref<?xi32> -> index");
}

/// The global address (i64) of 32-bit word `idx` above `base` (wordBase),
/// for the inline-PTX atomics.
std::string wordAddress(Emitter &e, const std::string &base,
                        const std::string &idx) {
  return e.op("arith.index_cast " + e.add(base, e.mul(idx, e.idx(4))) +
              " : index to i64");
}

/// Where `cond` holds, stores f32 `val` as the f16 output element at flat
/// index `index()` of %out (emitted inside the guard).
void emitOutputStore(Emitter &e, const std::string &cond,
                     const std::string &val,
                     llvm::function_ref<std::string()> index) {
  e.line("scf.if " + cond + " {");
  ++e.indent;
  std::string h = e.op("arith.truncf " + val + " : f32 to f16");
  e.line("memref.store " + h + ", %out[" + index() + "] : memref<?xf16>");
  --e.indent;
  e.line("}");
}

/// Split-K arrival of one thread (the block's thread 0, after a block
/// barrier): one gpu-scope acquire-release atomic increment of counter
/// `cidx`, returning the old value. Release: the block's partial stores,
/// ordered before it by the barrier, are visible to whoever acquires the
/// counter; acquire: a last-arriving block sees every other block's
/// partials (the block barrier after it carries the order to its other
/// threads), as CUTLASS's split-K semaphore. One instruction instead of
/// fence, relaxed atomic, fence.
std::string emitArrive(Emitter &e, const std::string &cidx) {
  std::string addr = wordAddress(e, wordBase(e, "%cnt"), cidx);
  return e.op("llvm.inline_asm has_side_effects \"atom.acq_rel.gpu.add.u32 "
              "$0, [$1], 1;\", \"=r,l,~{memory}\" " +
              addr + " : (i64) -> i32");
}

std::string join(const std::vector<std::string> &v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i)
    s += (i ? ", " : "") + v[i];
  return s;
}

/// f16 literal as MLIR prints it (exact for the small integers used here).
std::string f16(double v) {
  return llvm::formatv("{0:e}", v).str();
}
} // namespace


namespace {
/// Loads partial `sp` (0 <= sp < nsplit) of the output element with row
/// `grow` (in M), column `n` (in N) and index `el` inside the block's tile.
using PartialLoader = llvm::function_ref<std::string(
    const std::string &sp, const std::string &el, const std::string &grow,
    const std::string &n)>;

/// The split-K store epilogue shared by every reduction path: the tile
/// elements el = start, start + step, ... < outElems (row el / cols, column
/// el % cols of the block's `cols`-wide tile at column `nbCol`, row `m0`)
/// that lie inside N sum their nsplit partials in split order
/// (deterministic) and store the f16 result.
/// The partials are remote (L2 or another block's shared memory), so each
/// thread takes up to 4 elements and 8 splits (8 and 4 where nsplit <= 4)
/// at once: all their loads are issued before the first add (indices
/// clamped inside the tile and the split range; out-of-range terms are
/// dropped by a select), which keeps the order of the adds and so the bits
/// of the result. Where no thread has more than one element (M = 1), one
/// element per thread. (Not in the stream-K kernels, `eightByFour` false:
/// there the larger epilogue measured 1-1.6% slower where the pair
/// exchange runs, v21o.)
void emitSplitSumStore(Emitter &e, const std::string &start,
                       const std::string &step, const std::string &outElems,
                       unsigned cols, const std::string &nbCol,
                       const std::string &m0, PartialLoader loadPartial,
                       bool eightByFour = true);

void emitSplitSumStoreN(Emitter &e, unsigned kElems, unsigned kSplits,
                        const std::string &start, const std::string &step,
                        const std::string &outElems, unsigned cols,
                        const std::string &nbCol, const std::string &m0,
                        PartialLoader loadPartial) {
  std::string el0 = e.fresh();
  e.line("scf.for " + el0 + " = " + start + " to " + outElems + " step " +
         e.mul(step, e.idx(kElems)) + " {");
  ++e.indent;
  std::string lastEl = e.sub(outElems, e.idx(1));
  std::vector<std::string> ok, elc, grow, n;
  for (unsigned j = 0; j < kElems; ++j) {
    std::string el = j ? e.add(el0, e.mul(step, e.idx(j))) : el0;
    ok.push_back(j ? e.cmp("ult", el, outElems) : "");
    elc.push_back(j ? e.minu(el, lastEl) : el);
    grow.push_back(e.add(m0, e.div(elc[j], e.idx(cols))));
    n.push_back(e.add(nbCol, e.rem(elc[j], e.idx(cols))));
  }
  std::string sp = e.fresh(), res = e.fresh();
  std::vector<std::string> accs, inits, types;
  for (unsigned j = 0; j < kElems; ++j) {
    accs.push_back(e.fresh());
    inits.push_back(accs[j] + " = " + e.constant("0.0 : f32"));
    types.push_back("f32");
  }
  e.line(res + ":" + std::to_string(kElems) + " = scf.for " + sp + " = " +
         e.idx(0) + " to %nsplit step " + e.idx(kSplits) + " iter_args(" +
         join(inits) + ") -> (" + join(types) + ") {");
  ++e.indent;
  std::string lastSp = e.sub("%nsplit", e.idx(1));
  std::vector<std::string> spc, valid;
  for (unsigned v = 0; v < kSplits; ++v) {
    std::string spv = v ? e.add(sp, e.idx(v)) : sp;
    valid.push_back(v ? e.cmp("ult", spv, "%nsplit") : "");
    spc.push_back(v ? e.minu(spv, lastSp) : sp);
  }
  std::vector<std::vector<std::string>> x(kElems);
  for (unsigned j = 0; j < kElems; ++j)
    for (unsigned v = 0; v < kSplits; ++v)
      x[j].push_back(loadPartial(spc[v], elc[j], grow[j], n[j]));
  std::vector<std::string> sums;
  for (unsigned j = 0; j < kElems; ++j) {
    std::string a = accs[j];
    for (unsigned v = 0; v < kSplits; ++v) {
      std::string s2 = e.op("arith.addf " + a + ", " + x[j][v] + " : f32");
      a = v ? e.select(valid[v], s2, a, "f32") : s2;
    }
    sums.push_back(a);
  }
  e.line("scf.yield " + join(sums) + " : " + join(types));
  --e.indent;
  e.line("}");
  for (unsigned j = 0; j < kElems; ++j) {
    std::string store = e.cmp("ult", n[j], "%N");
    if (j)
      store = e.op("arith.andi " + ok[j] + ", " + store + " : i1");
    emitOutputStore(e, store, res + "#" + std::to_string(j),
                    [&] { return e.add(e.mul(grow[j], "%N"), n[j]); });
  }
  --e.indent;
  e.line("}");
}

void emitSplitSumStore(Emitter &e, const std::string &start,
                       const std::string &step, const std::string &outElems,
                       unsigned cols, const std::string &nbCol,
                       const std::string &m0, PartialLoader loadPartial,
                       bool eightByFour) {
  e.line("scf.if " + e.cmp("ule", outElems, step) + " {");
  ++e.indent;
  emitSplitSumStoreN(e, 1, 8, start, step, outElems, cols, nbCol, m0,
                     loadPartial);
  --e.indent;
  e.line("} else {");
  ++e.indent;
  // (v21o) Up to 4 splits: 8 elements x 4 splits per round, so that 8
  // elements per thread (e.g. 16 rows x 128 columns over 256 threads) take
  // one round of loads instead of two with half the slots clamped.
  if (eightByFour) {
    e.line("scf.if " + e.cmp("ule", "%nsplit", e.idx(4)) + " {");
    ++e.indent;
    emitSplitSumStoreN(e, 8, 4, start, step, outElems, cols, nbCol, m0,
                       loadPartial);
    --e.indent;
    e.line("} else {");
    ++e.indent;
  }
  emitSplitSumStoreN(e, 4, 8, start, step, outElems, cols, nbCol, m0,
                     loadPartial);
  if (eightByFour) {
    --e.indent;
    e.line("}");
  }
  --e.indent;
  e.line("}");
}

/// Loader of the global split-K workspace [split][M][np] (f32).
std::string loadWorkspace(Emitter &e, const std::string &np,
                          const std::string &sp, const std::string &grow,
                          const std::string &n) {
  // sp * (M * np) + (grow * np + n): the second term is shared by a
  // thread's splits.
  std::string widx =
      e.add(e.mul(sp, e.mul("%M", np)), e.add(e.mul(grow, np), n));
  return e.op("memref.load %ws[" + widx + "] : memref<?xf32>");
}

/// Epilogue when warps split N: every warp stores its own fragments (direct
/// f16 output, or f32 partials plus the deterministic last-block reduction).
void emitSplitNEpilogue(Emitter &e, const DequantGemmConfig &cfg,
                        const std::string &loop, const std::string &m0,
                        const std::string &nbW, const std::string &nbTot,
                        const std::string &nb, const std::string &mb,
                        const std::string &gx, const std::string &split,
                        const std::string &np, const std::string &tid,
                        const std::string &nthreads,
                        const std::string &laneQ, const std::string &lane,
                        const std::string &smem,
                        const std::string &usedBytes) {
  const unsigned rows = 16 * cfg.mTiles;
  const std::string wgI8 = std::string("memref<?xi8, ") + kWG + ">";
  const std::string wgI32 = std::string("memref<?xi32, ") + kWG + ">";
  std::string colLane = e.mul(e.rem(lane, e.idx(4)), e.idx(2));
  std::string colBase = e.add(e.mul(nbW, e.idx(kBlockN)), colLane);
  std::string warpLive = e.cmp("ult", nbW, nbTot);
  auto forFrags = [&](auto body) {
    for (unsigned i = 0; i < cfg.mTiles; ++i)
      for (unsigned t = 0; t < 8; ++t)
        for (unsigned h = 0; h < 2; ++h) {
          std::string a = loop + "#" + std::to_string(i * 8 + t);
          std::string v = e.op("vector.extract " + a + "[" + std::to_string(h) +
                               "] : vector<2xf32> from vector<2x2xf32>");
          std::string grow =
              e.add(m0, e.add(laneQ, e.idx(16 * i + 8 * h)));
          std::string col = e.add(colBase, e.idx(8 * t));
          std::string ok = e.op("arith.andi " + e.cmp("ult", grow, "%M") +
                                ", " + warpLive + " : i1");
          e.line("scf.if " + ok + " {");
          ++e.indent;
          body(v, grow, col);
          --e.indent;
          e.line("}");
        }
  };
  std::string single = e.cmp("eq", "%nsplit", e.idx(1));
  e.line("scf.if " + single + " {");
  ++e.indent;
  forFrags([&](const std::string &v, const std::string &grow,
               const std::string &col) {
    for (unsigned j = 0; j < 2; ++j) {
      std::string n = e.add(col, e.idx(j));
      e.line("scf.if " + e.cmp("ult", n, "%N") + " {");
      ++e.indent;
      std::string x = e.op("vector.extract " + v + "[" + std::to_string(j) +
                           "] : f32 from vector<2xf32>");
      std::string h = e.op("arith.truncf " + x + " : f32 to f16");
      e.line("memref.store " + h + ", %out[" + e.add(e.mul(grow, "%N"), n) +
             "] : memref<?xf16>");
      --e.indent;
      e.line("}");
    }
  });
  --e.indent;
  e.line("} else {");
  ++e.indent;
  // Partials [split][M][np] straight from the accumulators.
  forFrags([&](const std::string &v, const std::string &grow,
               const std::string &col) {
    std::string widx =
        e.add(e.mul(e.add(e.mul(split, "%M"), grow), np), col);
    e.line("vector.store " + v + ", %ws[" + widx +
           "] : memref<?xf32>, vector<2xf32>");
  });
  // Release by one thread: the barrier orders the block's partial stores
  // before thread 0's acquire-release arrival (see emitArrive).
  e.line("gpu.barrier");
  std::string flagByte = e.mul(
      e.div(e.add(usedBytes, e.idx(15)), e.idx(16)), e.idx(16));
  std::string flag = e.op("memref.view " + smem + "[" + flagByte + "][" +
                          e.idx(4) + "] : " + wgI8 + " to " + wgI32);
  std::string t0 = e.cmp("eq", tid, e.idx(0));
  std::string cidx = e.add(e.mul(mb, gx), nb);
  e.line("scf.if " + t0 + " {");
  ++e.indent;
  std::string old = emitArrive(e, cidx);
  e.line("memref.store " + old + ", " + flag + "[" + e.idx(0) + "] : " +
         wgI32);
  --e.indent;
  e.line("}");
  e.line("gpu.barrier");
  std::string seen =
      e.op("memref.load " + flag + "[" + e.idx(0) + "] : " + wgI32);
  std::string lastI = e.op("arith.index_cast " + seen + " : i32 to index");
  std::string isLast = e.cmp("eq", lastI, e.sub("%nsplit", e.idx(1)));
  e.line("scf.if " + isLast + " {");
  ++e.indent;
  const unsigned cols = kBlockN * cfg.warps;
  std::string rowsValid = e.minu(e.sub("%M", m0), e.idx(rows));
  std::string total = e.mul(rowsValid, e.idx(cols));
  emitSplitSumStore(e, tid, nthreads, total, cols, e.mul(nb, e.idx(cols)), m0,
                    [&](const std::string &sp, const std::string &,
                        const std::string &grow, const std::string &n) {
                      return loadWorkspace(e, np, sp, grow, n);
                    });
  e.line("scf.if " + t0 + " {");
  ++e.indent;
  e.line("memref.store " + e.i32(0) + ", %cnt[" + cidx + "] : memref<?xi32>");
  --e.indent;
  e.line("}");
  --e.indent;
  e.line("}");
  --e.indent;
  e.line("}");
}
} // namespace

std::string mlir::qm::gpu::emitDequantGemmFunc(const DequantGemmConfig &cfg) {
  Emitter e;
  const bool swap = cfg.swapAB;
  const unsigned rows = cfg.rowsPerBlock();
  const unsigned chunk = cfg.chunkSteps();
  const unsigned vecsPerStep = cfg.bits == 4 ? 1 : 2; // vector<4xi32> / lane
  const unsigned H = cfg.halves();
  const unsigned tileCols = cfg.tileCols();
  // Warp groups splitting N (v20): the block's output tile is G x 64
  // columns; a warp's accumulators, reduction slots and weight copies stay
  // those of one 64-column block.
  const unsigned G = cfg.nGroups;
  const unsigned outCols = cfg.blockCols();
  // Accumulators: 8 n8 tiles per 64 columns and m16 tile, or (swapped) 4
  // m16 tiles of columns x 8 rows per n8 row tile (accumulator 4 r + j).
  const unsigned nAcc = swap ? 4 * cfg.mTiles : cfg.mTiles * 8 * H;
  const std::string wgF16 = std::string("memref<?xf16, ") + kWG + ">";
  const std::string wgF32 = std::string("memref<?xf32, ") + kWG + ">";
  const std::string wgI32 = std::string("memref<?xi32, ") + kWG + ">";
  const std::string wgI8 = std::string("memref<?xi8, ") + kWG + ">";
  const int zSym = 1 << (cfg.bits - 1);

  // ---- block coordinates ------------------------------------------------
  std::string nb = e.op("gpu.block_id x");
  std::string split = e.op("gpu.block_id y");
  std::string mb = e.op("gpu.block_id z");
  std::string gx = e.op("gpu.grid_dim x");
  std::string tid = e.op("gpu.thread_id x");
  std::string warp = e.div(tid, e.idx(32));
  std::string lane = e.rem(tid, e.idx(32));
  // (Non-stream-K kernels keep their v17 op order, so their code is
  // unchanged.)
  std::string kstep0, kstepsTot, nsteps, nbAll;
  if (!cfg.streamK) {
    kstep0 = e.mul(split, "%sps");
    kstepsTot = e.div("%Kp", e.idx(16));
    nsteps = e.minu("%sps", e.sub(kstepsTot, kstep0));
  } else {
    kstepsTot = e.div("%Kp", e.idx(16));
    // Stream-K (v19): block b of P owns units [b U / P, (b + 1) U / P),
    // unit = column block * C + chunk; one loop iteration per column block
    // it touches. Unit x belongs to block ((x + 1) P - 1) / U. Inside the
    // loop %nsplit is the segment's contributor count (the kernel argument
    // is renamed %nsplit_arg) and `split` this block's index among them.
    std::string P = gx;
    std::string C = e.div(kstepsTot, e.idx(chunk));
    nbAll = e.div(e.add("%N", e.idx(outCols - 1)), e.idx(outCols));
    std::string U = e.mul(nbAll, C);
    std::string u0 = e.div(e.mul(nb, U), P);
    std::string u1 = e.div(e.mul(e.add(nb, e.idx(1)), U), P);
    std::string segFirst = e.div(u0, C);
    std::string segEnd = e.div(e.add(u1, e.sub(C, e.idx(1))), C);
    std::string b = nb, seg = e.fresh();
    e.line("scf.for " + seg + " = " + segFirst + " to " + segEnd + " step " +
           e.idx(1) + " {");
    ++e.indent;
    nb = seg;
    std::string cStart = e.mul(seg, C);
    std::string c0 = e.sub(e.op("arith.maxui " + u0 + ", " + cStart +
                                " : index"),
                           cStart);
    std::string c1 = e.sub(e.minu(u1, e.add(cStart, C)), cStart);
    auto owner = [&](const std::string &x) {
      return e.div(e.sub(e.mul(e.add(x, e.idx(1)), P), e.idx(1)), U);
    };
    std::string first = owner(cStart);
    std::string last = owner(e.sub(e.add(cStart, C), e.idx(1)));
    split = e.sub(b, first);
    e.line("%nsplit = arith.subi " + e.add(last, e.idx(1)) + ", " + first +
           " : index");
    gx = nbAll; // workspace pitch and counter index run over column blocks
    kstep0 = e.mul(c0, e.idx(chunk));
    nsteps = e.mul(e.sub(c1, c0), e.idx(chunk));
  }
  std::string nchunks = e.div(nsteps, e.idx(chunk));
  std::string m0 = e.mul(mb, e.idx(rows));
  std::string kw = e.mul(nsteps, e.idx(16));
  std::string stride = e.add(kw, e.idx(8));
  std::string k0 = e.mul(kstep0, e.idx(16));
  const bool splitN = cfg.splitN;
  // Column block of this warp, and (clamped) the one it reads. nbTot
  // counts packed 64-column blocks (stream-K's nbAll does when the block's
  // tile is 64 columns wide).
  std::string nbTot =
      cfg.streamK && outCols == kBlockN
          ? nbAll
          : e.div(e.add("%N", e.idx(kBlockN - 1)), e.idx(kBlockN));
  std::string nbW = splitN ? e.add(e.mul(nb, e.idx(cfg.warps)), warp) : nb;
  std::string nbL = splitN ? e.minu(nbW, e.sub(nbTot, e.idx(1))) : nb;
  // Warp groups: warp w is warp w % (warps / G) of group w / (warps / G),
  // which reads packed block G nb + group (clamped inside the weight; its
  // columns past N are never stored).
  const unsigned wpg = cfg.warps / G;
  std::string warpInGroup = warp;
  if (G > 1) {
    std::string grp = e.div(warp, e.idx(wpg));
    warpInGroup = e.rem(warp, e.idx(wpg));
    nbL = e.minu(e.add(e.mul(nb, e.idx(G)), grp), e.sub(nbTot, e.idx(1)));
  }
  // Packed 64-column blocks read by this warp: one, or (128-column blocks)
  // 2 nb and 2 nb + 1, the second clamped inside the weight (its columns
  // lie past N and are never stored).
  std::vector<std::string> nbLs;
  if (H == 1)
    nbLs.push_back(nbL);
  else
    for (unsigned h = 0; h < H; ++h)
      nbLs.push_back(e.minu(e.add(e.mul(nb, e.idx(H)), e.idx(h)),
                            e.sub(nbTot, e.idx(1))));
  std::string np =
      e.mul(gx, e.idx(outCols * (splitN ? cfg.warps : 1)));

  std::string smem = e.op(std::string("gpu.dynamic_shared_memory : ") + wgI8);
  // Bulk twins (v22): the mbarriers first, every other view after them.
  std::string bulkBase; // shared address (index) of the barrier area
  if (cfg.bulk) {
    bulkBase = e.op("memref.extract_aligned_pointer_as_index " + smem +
                    " : " + wgI8 + " -> index");
    smem = e.op("memref.view " + smem + "[" +
                e.idx(cfg.bulkBarrierBytes()) + "][" + e.idx(1 << 20) +
                "] : " + wgI8 + " to " + wgI8);
  }
  // Programmatic dependent launch: the next kernel of the stream may start
  // its blocks (and stream its weights) once every block of this one runs.
  if (cfg.pdl)
    e.line("nvvm.griddepcontrol launch_dependents");
  // Timeline twins: thread 0 stamps clock64 / globaltimer at point `i`.
  std::string traceBase;
  if (cfg.trace) {
    std::string gy = e.op("gpu.grid_dim y");
    std::string gz = e.op("gpu.grid_dim z");
    std::string blk = e.add(e.mul(e.add(e.mul(mb, gy), split), gx), nb);
    std::string nblk = e.mul(e.mul(gx, gy), gz);
    traceBase = e.mul(e.add(e.mul("%tslot", nblk), blk), e.idx(16));
  }
  auto stamp = [&](unsigned i) {
    if (!cfg.trace)
      return;
    e.line("scf.if " + e.cmp("eq", tid, e.idx(0)) + " {");
    ++e.indent;
    std::string ck = e.op("nvvm.read.ptx.sreg.clock64 : i64");
    std::string gt = e.op("nvvm.read.ptx.sreg.globaltimer : i64");
    e.line("memref.store " + ck + ", %trace[" +
           e.add(traceBase, e.idx(2 * i)) + "] : memref<?xi64>");
    e.line("memref.store " + gt + ", %trace[" +
           e.add(traceBase, e.idx(2 * i + 1)) + "] : memref<?xi64>");
    if (i == 0) {
      std::string sm = e.op("nvvm.read.ptx.sreg.smid : i32");
      std::string sm64 = e.op("arith.extui " + sm + " : i32 to i64");
      e.line("memref.store " + sm64 + ", %trace[" +
             e.add(traceBase, e.idx(14)) + "] : memref<?xi64>");
    }
    --e.indent;
    e.line("}");
  };
  stamp(0);
  // Shared memory: [weight stages][activation tile]; the reduction buffer
  // and flag reuse it after the main loop.
  const unsigned S = cfg.stages;
  // Stage buffers: S, or (fitted, the default) min(S, chunks per split),
  // from the launch's split length so that every block of the launch (and
  // of a cluster) agrees on the layout.
  std::string nBufs = e.idx(S);
  std::string wBytes = e.idx(S * cfg.chunkBytes());
  if (S && cfg.fitStages) {
    nBufs = e.minu(e.idx(S),
                   e.op("arith.maxui " +
                        e.div(e.add("%sps", e.idx(chunk - 1)), e.idx(chunk)) +
                        ", " + e.idx(1) + " : index"));
    wBytes = e.mul(nBufs, e.idx(cfg.chunkBytes()));
  }
  // Only min(M, rows) activation rows are allocated and loaded.
  std::string aRowsAlloc = e.minu("%M", e.idx(rows));
  // Streamed activations: S stages of [rows][chunk k + 8] next to the
  // weight stages, filled chunk by chunk with the weights.
  const bool SA = cfg.streamA;
  const unsigned chunkK = chunk * 16;
  std::string strideA = SA ? e.idx(chunkK + 8) : stride;
  std::string aStageElems = e.mul(strideA, aRowsAlloc);
  std::string aElems = SA ? e.mul(aStageElems, nBufs) : aStageElems;
  std::string as = e.op("memref.view " + smem + "[" + wBytes + "][" +
                        aElems + "] : " + wgI8 + " to " + wgF16);
  std::string wst;
  if (S)
    wst = e.op("memref.view " + smem + "[" + e.idx(0) + "][" +
               (cfg.fitStages ? e.div(wBytes, e.idx(4))
                              : e.idx(S * cfg.chunkBytes() / 4)) +
               "] : " + wgI8 + " to " + wgI32);

  std::string nthreads = e.idx(cfg.threads());
  // ---- weight / scale loads of one chunk (register prefetch) ------------
  std::string laneQ = e.div(lane, e.idx(4));
  std::vector<std::string> nbStepsH, nbGroupsH;
  for (unsigned h = 0; h < H; ++h) {
    nbStepsH.push_back(e.mul(nbLs[h], kstepsTot));
    nbGroupsH.push_back(e.mul(nbLs[h], "%ngroups"));
  }
  const std::string &nbSteps = nbStepsH[0];
  // k-step offset of this warp inside an iteration (0 when warps split N),
  // and its slot inside a shared-memory stage.
  std::string stageWarp = e.mul(warp, e.idx(cfg.unroll));
  std::string warpBase = splitN ? e.idx(0)
                         : G > 1 ? e.mul(warpInGroup, e.idx(cfg.unroll))
                                 : stageWarp;
  std::string laneR = e.rem(lane, e.idx(4));
  // ---- bulk copies (v22, `_b` twins) --------------------------------------
  // One mbarrier per warp and stage (arrival count 1: lane 0's arrive with
  // the stage's expected bytes); lane 0 issues the warp's weight copies.
  auto i32Of = [&](const std::string &x) {
    return e.op("arith.index_cast " + x + " : index to i32");
  };
  auto ptx = [&](const std::string &text, const std::string &cons,
                 const std::vector<std::string> &vals,
                 const std::vector<std::string> &types) {
    e.line("llvm.inline_asm has_side_effects \"" + text + "\", \"" + cons +
           "\" " + join(vals) + " : (" + join(types) + ") -> ()");
  };
  std::string barWarp, lane0, qwBase, stageAddr;
  auto barOf = [&](const std::string &st) {
    return i32Of(e.add(barWarp, e.mul(st, e.idx(8))));
  };
  if (cfg.bulk) {
    barWarp = e.add(bulkBase, e.mul(warp, e.idx(S * 8)));
    stageAddr = e.add(bulkBase, e.idx(cfg.bulkBarrierBytes()));
    qwBase = wordBase(e, "%qw");
    lane0 = e.cmp("eq", lane, e.idx(0));
    e.line("scf.if " + lane0 + " {");
    ++e.indent;
    for (unsigned st = 0; st < S; ++st)
      ptx("mbarrier.init.shared::cta.b64 [$0], 1;", "r",
          {barOf(e.idx(st))}, {"i32"});
    ptx("fence.mbarrier_init.release.cluster;", "~{memory}", {}, {});
    --e.indent;
    e.line("}");
    e.line("nvvm.bar.warp.sync " + e.i32(-1) + " : i32");
  }
  // (Inside lane 0's guard.) The warp's weight words of chunk `chunkIdx`
  // (unroll k-steps of 512 bytes, contiguous in the packed layout and in
  // the stage) into stage `st`: lane 0 arrives on the stage's barrier
  // expecting their bytes, then copies them with one bulk copy that
  // completes on it.
  auto emitBulkW = [&](const std::string &chunkIdx, const std::string &st) {
    std::string bar = barOf(st);
    std::string bytes = i32Of(e.idx(cfg.unroll * 512));
    ptx("mbarrier.arrive.expect_tx.shared::cta.b64 _, [$0], $1;", "r,r",
        {bar, bytes}, {"i32", "i32"});
    std::string ks = e.add(e.add(kstep0, e.mul(chunkIdx, e.idx(chunk))),
                           warpBase);
    std::string src =
        wordAddress(e, qwBase, e.mul(e.add(nbSteps, ks), e.idx(128)));
    std::string slot =
        e.add(e.mul(st, e.idx(cfg.warps * cfg.unroll)), stageWarp);
    std::string dst = i32Of(e.add(stageAddr, e.mul(slot, e.idx(512))));
    ptx("cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes "
        "[$0], [$1], $2, [$3];",
        "r,l,r,r,~{memory}", {dst, src, bytes, bar},
        {"i32", "i64", "i32", "i32"});
  };
  auto emitLoads = [&](const std::string &chunkIdx) {
    std::vector<std::string> vals;
    std::string cbase = e.add(e.add(kstep0, e.mul(chunkIdx, e.idx(chunk))),
                              warpBase);
    std::vector<std::string> wv, sv, zv;
    for (unsigned hb = 0; hb < H; ++hb) {
    const std::string &nbGroups = nbGroupsH[hb];
    for (unsigned u = 0; u < cfg.unroll; ++u) {
      std::string ks = e.add(cbase, e.idx(u));
      std::string base = e.mul(
          e.add(e.mul(e.add(nbSteps, ks), e.idx(32)), lane),
          e.idx(vecsPerStep));
      if (!S && hb == 0)
        for (unsigned v = 0; v < vecsPerStep; ++v)
          wv.push_back(e.op("vector.load %qw[" +
                            e.mul(e.add(base, e.idx(v)), e.idx(4)) +
                            "] {alignment = 16} : memref<?xi32>, "
                            "vector<4xi32>"));
      if (cfg.scaleAfter && u > 0)
        continue; // one group per warp iteration
      std::string grp = e.op("arith.shrui " + ks + ", %gshift : index");
      std::string sidx =
          e.add(e.mul(e.add(nbGroups, grp), e.idx(8)), laneQ);
      if (cfg.scaleAfter && !swap) {
        // Scales in the accumulator layout: [nb][g][lane % 4][t][2].
        std::string cidx = e.mul(
            e.add(e.mul(e.add(nbGroups, grp), e.idx(4)), laneR), e.idx(2));
        for (unsigned h = 0; h < 2; ++h)
          sv.push_back(e.op("memref.load %scc[" + e.add(cidx, e.idx(h)) +
                            "] : memref<?xvector<8xf16>>"));
      } else {
        sv.push_back(
            e.op("memref.load %sc[" + sidx + "] : memref<?xvector<8xf16>>"));
      }
      if (!cfg.symmetric)
        zv.push_back(
            e.op("memref.load %zp[" + sidx + "] : memref<?xvector<8xf16>>"));
    }
    }
    vals.insert(vals.end(), wv.begin(), wv.end());
    vals.insert(vals.end(), sv.begin(), sv.end());
    vals.insert(vals.end(), zv.begin(), zv.end());
    return vals;
  };
  // cp.async of this thread's weight words of chunk `chunkIdx` into `stage`
  // (each thread reads back only what it copied: no block barrier needed).
  auto emitCopies = [&](const std::string &chunkIdx, const std::string &st) {
    std::string cbase = e.add(e.add(kstep0, e.mul(chunkIdx, e.idx(chunk))),
                              warpBase);
    std::string sbase =
        e.add(e.mul(st, e.idx(cfg.warps * cfg.unroll)), stageWarp);
    for (unsigned u = 0; u < cfg.unroll; ++u)
    for (unsigned hb = 0; hb < H; ++hb) {
      std::string ks = e.add(cbase, e.idx(u));
      std::string src = e.mul(
          e.add(e.mul(e.add(nbStepsH[hb], ks), e.idx(32)), lane),
          e.idx(vecsPerStep * 4));
      // Stage layout [warp * unroll + u][half][lane][words].
      std::string slot = e.add(sbase, e.idx(u));
      if (H > 1)
        slot = e.add(e.mul(slot, e.idx(H)), e.idx(hb));
      std::string dst = e.mul(e.add(e.mul(slot, e.idx(32)), lane),
                              e.idx(vecsPerStep * 4));
      for (unsigned v = 0; v < vecsPerStep; ++v)
        e.op("nvgpu.device_async_copy %qw[" + e.add(src, e.idx(4 * v)) +
             "], " + wst + "[" + e.add(dst, e.idx(4 * v)) +
             "], 4 {bypassL1} : memref<?xi32> to " + wgI32);
    }
  };
  // cp.async of chunk `chunkIdx`'s activation slice into A stage `st`
  // (streamed activations): rows below M x chunk k, 16 bytes per copy,
  // zero-filled past K (K % 8 == 0 in the direct family). Every thread
  // copies some, so the stage needs a block barrier before use; or, with
  // warp barriers (v21, WP), warp w copies with its lanes, and alone reads,
  // k [16 warpBase, 16 (warpBase + unroll)) of the chunk's rows.
  std::string rowsHere = e.minu(e.sub("%M", m0), e.idx(rows));
  const bool WP = cfg.warpSyncChunks();
  auto emitACopies = [&](const std::string &chunkIdx, const std::string &st) {
    const unsigned perRow = WP ? cfg.unroll * 2 : chunkK / 8;
    std::string total = e.mul(rowsHere, e.idx(perRow));
    std::string kc = e.add(k0, e.mul(chunkIdx, e.idx(chunkK)));
    std::string kOff;
    if (WP) {
      kOff = e.mul(warpBase, e.idx(16));
      kc = e.add(kc, kOff);
    }
    std::string stRow = e.mul(st, aRowsAlloc);
    std::string it = e.fresh();
    e.line("scf.for " + it + " = " + (WP ? lane : tid) + " to " + total +
           " step " + (WP ? e.idx(32) : nthreads) + " {");
    ++e.indent;
    std::string row = e.div(it, e.idx(perRow));
    std::string cc = e.rem(it, e.idx(perRow));
    std::string gk = e.add(kc, e.mul(cc, e.idx(8)));
    std::string inK = e.cmp("ult", gk, "%K");
    std::string src = e.select(inK, e.add(e.mul(e.add(m0, row), "%K"), gk),
                               e.idx(0));
    std::string valid = e.select(inK, e.idx(8), e.idx(0));
    std::string col = e.mul(cc, e.idx(8));
    std::string dst = e.add(e.mul(e.add(stRow, row), strideA),
                            WP ? e.add(kOff, col) : col);
    e.op("nvgpu.device_async_copy %a[" + src + "], " + as + "[" + dst +
         "], 8, " + valid + " {bypassL1} : memref<?xf16> to " + wgF16);
    --e.indent;
    e.line("}");
  };
  const unsigned nW = S ? 0 : cfg.unroll * vecsPerStep;
  // Scale / zero vectors per 64-column half, halves one after the other.
  // (Swapped, scale after: the 8 scales of column lane / 4 + 8 t, one
  // vector; the accumulator rows of mma j are columns 16 j + lane / 4 (+ 8).)
  const unsigned nSper = cfg.scaleAfter ? (swap ? 1 : 2) : cfg.unroll;
  const unsigned nZper = cfg.symmetric ? 0 : cfg.scaleAfter ? 1 : cfg.unroll;
  const unsigned nS = nSper * H, nZ = nZper * H;
  std::vector<std::string> loadTypes;
  for (unsigned i = 0; i < nW; ++i)
    loadTypes.push_back("vector<4xi32>");
  for (unsigned i = 0; i < nS + nZ; ++i)
    loadTypes.push_back("vector<8xf16>");

  // The loads of chunk `chunkIdx` where `cond` holds, else `other` (one
  // name per load type, or empty for zeros).
  auto emitGuardedLoads = [&](const std::string &chunkIdx,
                              const std::string &cond,
                              std::vector<std::string> other) {
    if (other.empty())
      for (auto &t : loadTypes)
        other.push_back(e.constant(t == "vector<4xi32>"
                                       ? "dense<0> : vector<4xi32>"
                                       : "dense<0.0> : vector<8xf16>"));
    std::string res = e.fresh();
    e.line(res + ":" + std::to_string(loadTypes.size()) + " = scf.if " + cond +
           " -> (" + join(loadTypes) + ") {");
    ++e.indent;
    e.line("scf.yield " + join(emitLoads(chunkIdx)) + " : " +
           join(loadTypes));
    --e.indent;
    e.line("} else {");
    ++e.indent;
    e.line("scf.yield " + join(other) + " : " + join(loadTypes));
    --e.indent;
    e.line("}");
    return res;
  };
  // Scales (and zeros) of the scale-after kernels are prefetched in
  // registers two chunks ahead, as far as the weight stages run ahead
  // (v14b: at one chunk ahead, profiles showed the loop waiting on the
  // previous iteration's scale load in every chunk). Not for the
  // warps-split-N and 128-column kernels: there the extra registers cost
  // occupancy (4096x28672 M = 1, `w4n_s3_g` at 152 registers: 24.2 ->
  // 30.3 us).
  const bool scales2 =
      S >= 3 && cfg.scaleAfter && !cfg.splitN && !cfg.wideN;
  // First chunks' loads go out before waiting for the activations.
  std::string pre0 =
      emitGuardedLoads(e.idx(0), e.cmp("ugt", nchunks, e.idx(0)), {});
  std::string pre1 =
      scales2 ? emitGuardedLoads(e.idx(1), e.cmp("ugt", nchunks, e.idx(1)), {})
              : std::string();

  // (Bulk twins: lane 0's copies complete on the stage barriers, so no
  // cp.async group.)
  auto emitWPrologue = [&]() {
    for (unsigned p = 0; p + 1 < S; ++p) {
      std::string ok = e.cmp("ult", e.idx(p), nchunks);
      if (cfg.bulk)
        ok = e.op("arith.andi " + ok + ", " + lane0 + " : i1");
      e.line("scf.if " + ok + " {");
      ++e.indent;
      if (cfg.bulk)
        emitBulkW(e.idx(p), e.idx(p));
      else
        emitCopies(e.idx(p), e.idx(p));
      --e.indent;
      e.line("}");
      if (!cfg.bulk)
        e.line("nvvm.cp.async.commit.group");
    }
  };
  // With PDL the weights (and their scales, above) are fetched before
  // waiting for the previous kernel; activations, outputs, the workspace
  // and the counters are touched only after the wait.
  const bool wFirst = S && (cfg.gatherA || cfg.pdl || SA);
  if (wFirst)
    emitWPrologue();
  stamp(1);
  if (cfg.pdl)
    e.line("nvvm.griddepcontrol wait");
  stamp(2);

  // ---- activations -> shared memory ------------------------------------
  // Only the rows this block owns below M are loaded (rows past M are never
  // stored, and mma rows are independent).
  if (SA) {
    // The first S - 1 chunks' activations, one group each.
    for (unsigned p = 0; p + 1 < S; ++p) {
      e.line("scf.if " + e.cmp("ult", e.idx(p), nchunks) + " {");
      ++e.indent;
      emitACopies(e.idx(p), e.idx(p));
      --e.indent;
      e.line("}");
      e.line("nvvm.cp.async.commit.group");
    }
  } else if (!cfg.gatherA) {
    // 16-byte cp.async chunks, zero-filled past K.
    std::string perRow = e.mul(nsteps, e.idx(2));
    std::string row = e.fresh(), cc = e.fresh();
    e.line("scf.for " + row + " = " + e.idx(0) + " to " + rowsHere +
           " step " + e.idx(1) + " {");
    ++e.indent;
    std::string gm = e.add(m0, row);
    std::string rowSrc = e.mul(gm, "%K");
    std::string rowDst = e.mul(row, stride);
    e.line("scf.for " + cc + " = " + tid + " to " + perRow + " step " +
           nthreads + " {");
    ++e.indent;
    std::string gk = e.add(k0, e.mul(cc, e.idx(8)));
    std::string inK = e.cmp("ult", gk, "%K");
    std::string kl = e.select(inK, e.sub("%K", gk), e.idx(0));
    std::string valid = e.minu(kl, e.idx(8));
    std::string src = e.select(inK, e.add(rowSrc, gk), e.idx(0));
    std::string dst = e.add(rowDst, e.mul(cc, e.idx(8)));
    e.op("nvgpu.device_async_copy %a[" + src + "], " + as + "[" + dst +
         "], 8, " + valid + " {bypassL1} : memref<?xf16> to " + wgF16);
    --e.indent;
    e.line("}");
    --e.indent;
    e.line("}");
    e.line("nvvm.cp.async.commit.group");
  } else {
    // Element gather through the permutation (act-order, padding = -1).
    std::string row = e.fresh(), kk = e.fresh();
    e.line("scf.for " + row + " = " + e.idx(0) + " to " + rowsHere +
           " step " + e.idx(1) + " {");
    ++e.indent;
    std::string gm = e.add(m0, row);
    std::string rowSrc = e.mul(gm, "%K");
    std::string rowDst = e.mul(row, stride);
    e.line("scf.for " + kk + " = " + tid + " to " + kw + " step " +
           nthreads + " {");
    ++e.indent;
    std::string gk = e.add(k0, kk);
    std::string p = e.op("memref.load %perm[" + gk + "] : memref<?xi32>");
    std::string ok = e.cmp("sge", p, e.i32(0), "i32");
    std::string pi = e.op("arith.index_cast " + p + " : i32 to index");
    std::string val = e.fresh();
    e.line(val + " = scf.if " + ok + " -> (f16) {");
    ++e.indent;
    std::string ld = e.op("memref.load %a[" + e.add(rowSrc, pi) +
                          "] : memref<?xf16>");
    e.line("scf.yield " + ld + " : f16");
    --e.indent;
    e.line("} else {");
    ++e.indent;
    e.line("scf.yield " + e.constant("0.0 : f16") + " : f16");
    --e.indent;
    e.line("}");
    e.line("memref.store " + val + ", " + as + "[" + e.add(rowDst, kk) +
           "] : " + wgF16);
    --e.indent;
    e.line("}");
    --e.indent;
    e.line("}");
  }


  if (S && !wFirst)
    emitWPrologue();

  // ---- main loop ---------------------------------------------------------
  std::vector<std::string> iterArgs, iterInit, iterTypes;
  std::string accZero = e.constant("dense<0.0> : vector<2x2xf32>");
  for (unsigned i = 0; i < nAcc; ++i) {
    iterArgs.push_back("%acc" + std::to_string(i));
    iterInit.push_back(accZero);
    iterTypes.push_back("vector<2x2xf32>");
  }
  for (unsigned i = 0; i < loadTypes.size(); ++i) {
    iterArgs.push_back("%ld" + std::to_string(i));
    iterInit.push_back(pre0 + "#" + std::to_string(i));
    iterTypes.push_back(loadTypes[i]);
  }
  std::vector<std::string> ahead1; // chunk c + 1's loads (scales2)
  for (unsigned i = 0; scales2 && i < loadTypes.size(); ++i) {
    ahead1.push_back("%lq" + std::to_string(i));
    iterArgs.push_back(ahead1.back());
    iterInit.push_back(pre1 + "#" + std::to_string(i));
    iterTypes.push_back(loadTypes[i]);
  }
  // The stage of chunk c (c mod S), carried and stepped instead of
  // computed by two 64-bit divisions per chunk (v13d).
  if (S) {
    iterArgs.push_back("%stg");
    iterInit.push_back(e.idx(0));
    iterTypes.push_back("index");
  }
  std::string loop = e.fresh();
  std::string c = e.fresh();
  {
    std::string header = loop + ":" + std::to_string(iterArgs.size()) +
                         " = scf.for " + c + " = " + e.idx(0) + " to " +
                         nchunks + " step " + e.idx(1) + " iter_args(";
    for (size_t i = 0; i < iterArgs.size(); ++i)
      header += (i ? ", " : "") + iterArgs[i] + " = " + iterInit[i];
    header += ") -> (" + join(iterTypes) + ") {";
    e.line(header);
  }
  ++e.indent;
  // Prefetch the next chunk (scales2: the one after it).
  std::string nxt;
  if (scales2) {
    std::string c2 = e.add(c, e.idx(2));
    nxt = emitGuardedLoads(c2, e.cmp("ult", c2, nchunks), ahead1);
  } else {
    std::string cn = e.add(c, e.idx(1));
    std::vector<std::string> old;
    for (unsigned i = 0; i < loadTypes.size(); ++i)
      old.push_back("%ld" + std::to_string(i));
    nxt = emitGuardedLoads(cn, e.cmp("ult", cn, nchunks), old);
  }

  // The activations are waited for only now, after the first two chunks'
  // weight loads are in flight.
  std::string stage;
  // The stage refilled S - 1 chunks ahead, (c + S - 1) mod S, from the
  // carried c mod S.
  auto aheadStage = [&] {
    return e.select(e.cmp("eq", "%stg", e.idx(0)), e.idx(S - 1),
                    e.sub("%stg", e.idx(1)));
  };
  if (SA) {
    // Wait for this chunk's weights and activations (only the newest group
    // may pend), make every thread's copies visible and make sure no warp
    // still reads the stage refilled next, then refill it S - 1 ahead.
    // (Warp-private slices: the warp's own lanes are all that share a
    // stage slot, so a warp barrier does both.) Bulk twins: the groups
    // hold only activations; the weights complete on the stage's barrier
    // (phase c / S), waited for before the warp barrier, and lane 0
    // refills them.
    e.line("nvvm.cp.async.wait.group " + std::to_string(S - 2));
    if (cfg.bulk) {
      std::string parity = e.op(
          "arith.index_cast " + e.rem(e.div(c, e.idx(S)), e.idx(2)) +
          " : index to i32");
      ptx("{ .reg .pred P1; QM_WAIT: mbarrier.try_wait.parity.shared::cta."
          "b64 P1, [$0], $1; @P1 bra QM_DONE; bra QM_WAIT; QM_DONE: }",
          "r,r,~{memory}", {barOf("%stg"), parity}, {"i32", "i32"});
    }
    if (WP)
      e.line("nvvm.bar.warp.sync " + e.i32(-1) + " : i32");
    else
      e.line("gpu.barrier");
    std::string ahead = e.add(c, e.idx(S - 1));
    std::string okA = e.cmp("ult", ahead, nchunks);
    std::string st = aheadStage();
    e.line("scf.if " + okA + " {");
    ++e.indent;
    if (cfg.bulk) {
      e.line("scf.if " + lane0 + " {");
      ++e.indent;
      emitBulkW(ahead, st);
      --e.indent;
      e.line("}");
    } else {
      emitCopies(ahead, st);
    }
    emitACopies(ahead, st);
    --e.indent;
    e.line("}");
    e.line("nvvm.cp.async.commit.group");
    stage = "%stg";
  } else if (S) {
    // Refill the stage consumed in the previous iteration, S - 1 ahead.
    std::string ahead = e.add(c, e.idx(S - 1));
    std::string okA = e.cmp("ult", ahead, nchunks);
    std::string st = aheadStage();
    e.line("scf.if " + okA + " {");
    ++e.indent;
    emitCopies(ahead, st);
    --e.indent;
    e.line("}");
    e.line("nvvm.cp.async.commit.group");
    e.line("nvvm.cp.async.wait.group " + std::to_string(S - 1));
    stage = "%stg";
  }
  if (!SA) {
  std::string first = e.cmp("eq", c, e.idx(0));
  e.line("scf.if " + first + " {");
  ++e.indent;
  if (!cfg.gatherA && !S)
    e.line("nvvm.cp.async.wait.group 0");
  // Weight stages committed before the activation group: in the first
  // iteration only the newest group (the stage just refilled) may pend.
  if (!cfg.gatherA && S && wFirst)
    e.line("nvvm.cp.async.wait.group 1");
  e.line("gpu.barrier");
  --e.indent;
  e.line("}");
  }
  // Compute on the current chunk.
  std::vector<std::string> acc;
  for (unsigned i = 0; i < nAcc; ++i)
    acc.push_back("%acc" + std::to_string(i));
  std::string lstepBase = e.add(e.mul(c, e.idx(chunk)), warpBase);
  std::string aRowLane = e.rem(lane, e.idx(16));
  std::string aColLane = e.mul(e.div(lane, e.idx(16)), e.idx(8));
  auto weightVec = [&](unsigned u, unsigned hb, unsigned v) -> std::string {
    if (!S)
      return "%ld" + std::to_string(u * vecsPerStep + v);
    std::string slot =
        e.add(e.add(e.mul(stage, e.idx(cfg.warps * cfg.unroll)), stageWarp),
              e.idx(u));
    if (H > 1)
      slot = e.add(e.mul(slot, e.idx(H)), e.idx(hb));
    std::string idx =
        e.mul(e.add(e.mul(slot, e.idx(32)), lane), e.idx(vecsPerStep * 4));
    return e.op("vector.load " + wst + "[" + e.add(idx, e.idx(4 * v)) +
                "] {alignment = 16} : " + wgI32 + ", vector<4xi32>");
  };
  // With scaleAfter, the mma accumulate unscaled (q - z) products of one
  // group and the iteration's sum is scaled per output column in f32.
  std::vector<std::string> tmp(nAcc, accZero);
  std::vector<std::string> &dst = cfg.scaleAfter ? tmp : acc;
  for (unsigned u = 0; u < cfg.unroll; ++u) {
    std::string ls = e.add(lstepBase, e.idx(u));
    std::string acol =
        SA ? e.add(e.mul(e.add(warpBase, e.idx(u)), e.idx(16)), aColLane)
           : e.add(e.mul(ls, e.idx(16)), aColLane);
    std::string aRow0 = SA ? e.mul(stage, aRowsAlloc) : e.idx(0);
    std::vector<std::string> afrag;
    if (swap) {
      // Activations as the n8 B operand: two 8x8 matrices (k 0-7, 8-15) of
      // rows m, read by lanes 0-15 (lane % 8 = row, lane / 8 = matrix);
      // rows past M repeat the last loaded row. Two row tiles (v17): one
      // ldmatrix.x4, lanes 16-31 address rows 8-15 (matrices 2 and 3).
      std::string brow = e.rem(lane, e.idx(8));
      if (cfg.mTiles == 2)
        brow = e.add(brow, e.mul(e.div(lane, e.idx(16)), e.idx(8)));
      brow = e.minu(brow, e.sub(rowsHere, e.idx(1)));
      std::string bcol = e.add(
          e.sub(acol, aColLane),
          e.mul(e.rem(e.div(lane, e.idx(8)), e.idx(2)), e.idx(8)));
      std::string bidx = e.add(e.mul(e.add(aRow0, brow), strideA), bcol);
      if (cfg.mTiles == 1) {
        afrag.push_back(e.op("nvgpu.ldmatrix " + as + "[" + bidx +
                             "] {numTiles = 2 : i32, transpose = false} : " +
                             wgF16 + " -> vector<2x2xf16>"));
      } else {
        std::string b4 = e.op("nvgpu.ldmatrix " + as + "[" + bidx +
                              "] {numTiles = 4 : i32, transpose = false} : " +
                              wgF16 + " -> vector<4x2xf16>");
        for (unsigned r = 0; r < 2; ++r) {
          std::string b = e.constant("dense<0.0> : vector<2x2xf16>");
          for (unsigned q = 0; q < 2; ++q) {
            std::string x = e.op("vector.extract " + b4 + "[" +
                                 std::to_string(2 * r + q) +
                                 "] : vector<2xf16> from vector<4x2xf16>");
            b = e.op("vector.insert " + x + ", " + b + " [" +
                     std::to_string(q) +
                     "] : vector<2xf16> into vector<2x2xf16>");
          }
          afrag.push_back(b);
        }
      }
    }
    for (unsigned i = 0; i < (swap ? 0 : cfg.mTiles); ++i) {
      // Rows past M repeat the last loaded row (their outputs are dropped).
      std::string arow = e.minu(e.add(aRowLane, e.idx(16 * i)),
                                e.sub(rowsHere, e.idx(1)));
      std::string aidx = e.add(e.mul(e.add(aRow0, arow), strideA), acol);
      afrag.push_back(e.op("nvgpu.ldmatrix " + as + "[" + aidx +
                           "] {numTiles = 4 : i32, transpose = false} : " +
                           wgF16 + " -> vector<4x2xf16>"));
    }
    for (unsigned hb = 0; hb < H; ++hb) {
    std::string sv =
        cfg.scaleAfter ? "" : "%ld" + std::to_string(nW + hb * nSper + u);
    // Per-tile zero-point constants: zlo = 1024 + z, zhi = -(64 + z).
    std::string zlo, zhi;
    if (cfg.symmetric) {
      zlo = e.constant("dense<" + f16(1024 + zSym) + "> : vector<8xf16>");
      zhi = e.constant("dense<" + f16(-(64 + zSym)) + "> : vector<8xf16>");
    } else {
      std::string zv = "%ld" + std::to_string(nW + nS + hb * nZper +
                                              (cfg.scaleAfter ? 0 : u));
      zlo = e.op("arith.addf " + zv + ", " +
                 e.constant("dense<" + f16(1024) + "> : vector<8xf16>") +
                 " : vector<8xf16>");
      if (cfg.bits == 4)
        zhi = e.op("arith.negf " +
                   e.op("arith.addf " + zv + ", " +
                        e.constant("dense<" + f16(64) +
                                   "> : vector<8xf16>") +
                        " : vector<8xf16>") +
                   " : vector<8xf16>");
    }
    auto shuffle = [&](const std::string &v, const std::vector<int> &m) {
      if (v.empty())
        return std::string();
      std::string mask;
      for (size_t i = 0; i < m.size(); ++i)
        mask += (i ? ", " : "") + std::to_string(m[i]);
      return e.op("vector.shuffle " + v + ", " + v + " [" + mask +
                  "] : vector<8xf16>, vector<8xf16>");
    };
    // (w & mask) | 0x64006400 as one lop3 per word (immLut 0xea = (a & b) |
    // c). Written as two arith ops, ptxas keeps an AND and an OR (measured:
    // 32 LOP3 per k-step instead of 16).
    auto magicOf = [&](const std::string &w, int64_t mask) {
      std::vector<std::string> words;
      std::string mk = e.i32(mask), mg = e.i32(0x64006400);
      for (unsigned j = 0; j < 4; ++j) {
        std::string x = e.op("vector.extract " + w + "[" + std::to_string(j) +
                             "] : i32 from vector<4xi32>");
        words.push_back(e.op("llvm.inline_asm \"lop3.b32 $0, $1, $2, $3, "
                             "0xea;\", \"=r,r,r,r\" " +
                             x + ", " + mk + ", " + mg +
                             " : (i32, i32, i32) -> i32"));
      }
      std::string o = e.op("vector.from_elements " + join(words) +
                           " : vector<4xi32>");
      return e.op("vector.bitcast " + o + " : vector<4xi32> to vector<8xf16>");
    };
    auto dqLo = [&](const std::string &x, const std::string &z,
                    const std::string &s) {
      std::string d = e.op("arith.subf " + x + ", " + z + " : vector<8xf16>");
      if (s.empty())
        return d;
      return e.op("arith.mulf " + d + ", " + s + " : vector<8xf16>");
    };
    auto dqHi = [&](const std::string &x, const std::string &z,
                    const std::string &s) {
      // x * (1/16) is exact; so is adding -(64 + z). (A math.fma on f16
      // would be promoted to f32 by the NVVM lowering.)
      std::string x16 = e.op(
          "arith.mulf " + x + ", " +
          e.constant("dense<" + f16(0.0625) + "> : vector<8xf16>") +
          " fastmath<contract> : vector<8xf16>");
      std::string d = e.op("arith.addf " + x16 + ", " + z +
                           " fastmath<contract> : vector<8xf16>");
      if (s.empty())
        return d;
      return e.op("arith.mulf " + d + ", " + s + " : vector<8xf16>");
    };
    // btile[t] = (pairH0 : vector<8xf16>, offset) — fragments by n8 tile.
    std::vector<std::pair<std::string, std::string>> lohi(8);
    std::vector<unsigned> lohiOff(8);
    if (cfg.bits == 4) {
      std::string w = weightVec(u, hb, 0);
      std::vector<int> even = {0, 0, 2, 2, 4, 4, 6, 6};
      std::vector<int> odd = {1, 1, 3, 3, 5, 5, 7, 7};
      std::string sE = shuffle(sv, even), sO = shuffle(sv, odd);
      std::string zloE = shuffle(zlo, even), zloO = shuffle(zlo, odd);
      std::string zhiE = shuffle(zhi, even), zhiO = shuffle(zhi, odd);
      std::string w8 = e.op("arith.shrui " + w + ", " +
                            e.constant("dense<8> : vector<4xi32>") +
                            " : vector<4xi32>");
      std::string l0 = dqLo(magicOf(w, 0x000f000f), zloE, sE);
      std::string h0 = dqHi(magicOf(w, 0x00f000f0), zhiE, sE);
      std::string l1 = dqLo(magicOf(w8, 0x000f000f), zloO, sO);
      std::string h1 = dqHi(magicOf(w8, 0x00f000f0), zhiO, sO);
      for (unsigned j = 0; j < 4; ++j) {
        lohi[2 * j] = {l0, h0};
        lohi[2 * j + 1] = {l1, h1};
        lohiOff[2 * j] = lohiOff[2 * j + 1] = 2 * j;
      }
    } else {
      for (unsigned half = 0; half < 2; ++half) {
        std::string w = weightVec(u, hb, half);
        std::vector<int> m;
        for (int j = 0; j < 4; ++j)
          m.push_back(4 * half + j), m.push_back(4 * half + j);
        std::string s = shuffle(sv, m), z = shuffle(zlo, m);
        std::string w8 = e.op("arith.shrui " + w + ", " +
                              e.constant("dense<8> : vector<4xi32>") +
                              " : vector<4xi32>");
        std::string l = dqLo(magicOf(w, 0x00ff00ff), z, s);
        std::string h = dqLo(magicOf(w8, 0x00ff00ff), z, s);
        for (unsigned j = 0; j < 4; ++j) {
          lohi[4 * half + j] = {l, h};
          lohiOff[4 * half + j] = 2 * j;
        }
      }
    }
    std::vector<std::string> pk0(8), pk1(8);
    for (unsigned t = 0; t < 8; ++t) {
      unsigned o = lohiOff[t];
      std::string p0 = e.op("vector.shuffle " + lohi[t].first + ", " +
                            lohi[t].first + " [" + std::to_string(o) + ", " +
                            std::to_string(o + 1) +
                            "] : vector<8xf16>, vector<8xf16>");
      std::string p1 = e.op("vector.shuffle " + lohi[t].second + ", " +
                            lohi[t].second + " [" + std::to_string(o) + ", " +
                            std::to_string(o + 1) +
                            "] : vector<8xf16>, vector<8xf16>");
      if (swap) {
        pk0[t] = p0, pk1[t] = p1;
        continue;
      }
      std::string b0 = e.op(
          "vector.insert " + p0 + ", " +
          e.constant("dense<0.0> : vector<2x2xf16>") +
          " [0] : vector<2xf16> into vector<2x2xf16>");
      std::string b = e.op("vector.insert " + p1 + ", " + b0 +
                           " [1] : vector<2xf16> into vector<2x2xf16>");
      for (unsigned i = 0; i < cfg.mTiles; ++i) {
        unsigned a = (i * H + hb) * 8 + t;
        dst[a] = e.op("nvgpu.mma.sync(" + afrag[i] + ", " + b + ", " + dst[a] +
                      ") {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, "
                      "vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>");
      }
    }
    if (swap) {
      // A fragment of columns 16 j .. 16 j + 15: (row lane / 4, k lo),
      // (row + 8, k lo), (row, k hi), (row + 8, k hi) = the b0 / b1 halves
      // of the packed n8 tiles 2 j and 2 j + 1.
      for (unsigned j = 0; j < 4; ++j) {
        std::string w = e.constant("dense<0.0> : vector<4x2xf16>");
        const std::string parts[4] = {pk0[2 * j], pk0[2 * j + 1], pk1[2 * j],
                                      pk1[2 * j + 1]};
        for (unsigned r = 0; r < 4; ++r)
          w = e.op("vector.insert " + parts[r] + ", " + w + " [" +
                   std::to_string(r) +
                   "] : vector<2xf16> into vector<4x2xf16>");
        for (unsigned r = 0; r < cfg.mTiles; ++r)
          dst[4 * r + j] = e.op(
              "nvgpu.mma.sync(" + w + ", " + afrag[r] + ", " +
              dst[4 * r + j] +
              ") {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, "
              "vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>");
      }
    }
    } // halves
  }
  if (cfg.scaleAfter && swap) {
    // Accumulator rows are columns: c0, c1 of mma j scale by s[2 j], c2, c3
    // by s[2 j + 1].
    std::string sv = "%ld" + std::to_string(nW);
    for (unsigned j = 0; j < 4; ++j) {
      std::string sb = accZero;
      for (unsigned h = 0; h < 2; ++h) {
        unsigned o = 2 * j + h;
        std::string s2 = e.op("vector.shuffle " + sv + ", " + sv + " [" +
                              std::to_string(o) + ", " + std::to_string(o) +
                              "] : vector<8xf16>, vector<8xf16>");
        std::string s2f =
            e.op("arith.extf " + s2 + " : vector<2xf16> to vector<2xf32>");
        sb = e.op("vector.insert " + s2f + ", " + sb + " [" +
                  std::to_string(h) +
                  "] : vector<2xf32> into vector<2x2xf32>");
      }
      for (unsigned r = 0; r < cfg.mTiles; ++r) {
        unsigned a = 4 * r + j;
        std::string m = e.op("arith.mulf " + tmp[a] + ", " + sb +
                             " fastmath<contract> : vector<2x2xf32>");
        acc[a] = e.op("arith.addf " + acc[a] + ", " + m +
                      " fastmath<contract> : vector<2x2xf32>");
      }
    }
  } else if (cfg.scaleAfter) {
    for (unsigned hb = 0; hb < H; ++hb)
    for (unsigned t = 0; t < 8; ++t) {
      std::string sv = "%ld" + std::to_string(nW + hb * nSper + t / 4);
      unsigned o = (t % 4) * 2;
      std::string s2 = e.op("vector.shuffle " + sv + ", " + sv + " [" +
                            std::to_string(o) + ", " + std::to_string(o + 1) +
                            "] : vector<8xf16>, vector<8xf16>");
      std::string s2f =
          e.op("arith.extf " + s2 + " : vector<2xf16> to vector<2xf32>");
      std::string sb0 = e.op("vector.insert " + s2f + ", " + accZero +
                             " [0] : vector<2xf32> into vector<2x2xf32>");
      std::string sb = e.op("vector.insert " + s2f + ", " + sb0 +
                            " [1] : vector<2xf32> into vector<2x2xf32>");
      for (unsigned i = 0; i < cfg.mTiles; ++i) {
        unsigned a = (i * H + hb) * 8 + t;
        std::string m = e.op("arith.mulf " + tmp[a] + ", " + sb +
                             " fastmath<contract> : vector<2x2xf32>");
        acc[a] = e.op("arith.addf " + acc[a] + ", " + m +
                      " fastmath<contract> : vector<2x2xf32>");
      }
    }
  }
  {
    std::vector<std::string> yields = acc;
    if (scales2)
      yields.insert(yields.end(), ahead1.begin(), ahead1.end());
    for (unsigned i = 0; i < loadTypes.size(); ++i)
      yields.push_back(nxt + "#" + std::to_string(i));
    if (S) {
      std::string s1 = e.add("%stg", e.idx(1));
      yields.push_back(
          e.select(e.cmp("eq", s1, e.idx(S)), e.idx(0), s1));
    }
    e.line("scf.yield " + join(yields) + " : " + join(iterTypes));
  }
  --e.indent;
  e.line("}");

  if (splitN) {
    emitSplitNEpilogue(e, cfg, loop, m0, nbW, nbTot, nb, mb, gx, split, np,
                       tid, nthreads, laneQ, lane, smem,
                       e.add(e.mul(aElems, e.idx(2)), wBytes));
  } else {
  // ---- in-block reduction over warps (fixed order) -----------------------
  e.line("gpu.barrier");
  stamp(3);
  const unsigned redStride = cfg.redStride();
  std::string redElems = e.idx(cfg.warps * rows * redStride);
  std::string red = e.op("memref.view " + smem + "[" + e.idx(0) + "][" +
                         redElems + "] : " + wgI8 + " to " + wgF32);
  std::string rowLane = laneQ;
  std::string colLane = e.mul(e.rem(lane, e.idx(4)), e.idx(2));
  std::string warpRow = e.mul(warp, e.idx(rows));
  if (swap) {
    // Swapped: c0, c1 (h = 0) / c2, c3 (h = 1) of mma j are column
    // 16 j + 8 h + lane / 4, rows 2 (lane % 4) and 2 (lane % 4) + 1.
    // Only rows below M are summed, so only they are stored (v13d: at
    // M = 1 one lane in four stores, 2 of its 16 values).
    // Row tile r (v17) adds 8 r to the row.
    std::string r0 = e.add(warpRow, colLane);
    for (unsigned r = 0; r < cfg.mTiles; ++r)
    for (unsigned x = 0; x < 2; ++x) {
      e.line("scf.if " +
             e.cmp("ult", e.add(colLane, e.idx(8 * r + x)), rowsHere) + " {");
      ++e.indent;
      for (unsigned j = 0; j < 4; ++j)
        for (unsigned h = 0; h < 2; ++h) {
          std::string a = loop + "#" + std::to_string(4 * r + j);
          std::string col = e.add(rowLane, e.idx(16 * j + 8 * h));
          std::string v = e.op("vector.extract " + a + "[" +
                               std::to_string(h) + ", " + std::to_string(x) +
                               "] : f32 from vector<2x2xf32>");
          std::string idx = e.add(
              e.mul(e.add(r0, e.idx(8 * r + x)), e.idx(redStride)), col);
          e.line("memref.store " + v + ", " + red + "[" + idx + "] : " +
                 wgF32);
        }
      --e.indent;
      e.line("}");
    }
  }
  for (unsigned i = 0; i < (swap ? 0 : cfg.mTiles); ++i)
    for (unsigned hb = 0; hb < H; ++hb)
    for (unsigned t = 0; t < 8; ++t) {
      std::string a = loop + "#" + std::to_string((i * H + hb) * 8 + t);
      for (unsigned h = 0; h < 2; ++h) {
        std::string v = e.op("vector.extract " + a + "[" + std::to_string(h) +
                             "] : vector<2xf32> from vector<2x2xf32>");
        std::string r = e.add(warpRow, e.add(rowLane, e.idx(16 * i + 8 * h)));
        std::string idx = e.add(e.mul(r, e.idx(redStride)),
                                e.add(colLane, e.idx(64 * hb + 8 * t)));
        e.line("vector.store " + v + ", " + red + "[" + idx + "] : " + wgF32 +
               ", vector<2xf32>");
      }
    }
  e.line("gpu.barrier");
  stamp(4);

  // Flag word for the split-K "last block reduces" protocol lives after the
  // larger of the two regions; its offset depends on the split length.
  std::string aBytes = e.mul(aElems, e.idx(2));
  std::string redBytes = e.idx(cfg.warps * rows * redStride * 4);
  std::string big = e.op("arith.maxui " + e.add(aBytes, wBytes) +
                         ", " + redBytes + " : index");
  std::string flagByte =
      e.mul(e.div(e.add(big, e.idx(15)), e.idx(16)), e.idx(16));
  std::string flag = e.op("memref.view " + smem + "[" + flagByte + "][" +
                          e.idx(4) + "] : " + wgI8 + " to " + wgI32);

  std::string mLeft = e.sub("%M", m0);
  std::string rowsValid = e.minu(mLeft, e.idx(rows));
  std::string outElems = e.mul(rowsValid, e.idx(outCols));
  std::string nbCol = e.mul(nb, e.idx(outCols));
  std::string single = e.cmp("eq", "%nsplit", e.idx(1));

  // Sum over the warps of the column's group (all warps when G = 1) of
  // the reduction buffer [warp][rows][redStride].
  auto sumWarps = [&](const std::string &row, const std::string &col0) {
    std::string s = e.constant("0.0 : f32");
    std::string col = col0, base;
    if (G > 1) {
      col = e.rem(col0, e.idx(tileCols));
      base = e.mul(e.div(col0, e.idx(tileCols)),
                   e.idx(wpg * rows * redStride));
    }
    for (unsigned w = 0; w < wpg; ++w) {
      std::string idx =
          e.add(e.mul(e.add(row, e.idx(w * rows)), e.idx(redStride)), col);
      if (G > 1)
        idx = e.add(idx, base);
      std::string x = e.op("memref.load " + red + "[" + idx + "] : " + wgF32);
      s = e.op("arith.addf " + s + ", " + x + " : f32");
    }
    return s;
  };

  e.line("scf.if " + single + " {");
  ++e.indent;
  {
    std::string el = e.fresh();
    e.line("scf.for " + el + " = " + tid + " to " + outElems + " step " +
           nthreads + " {");
    ++e.indent;
    std::string row = e.div(el, e.idx(outCols));
    std::string col = e.rem(el, e.idx(outCols));
    std::string n = e.add(nbCol, col);
    std::string s = sumWarps(row, col);
    emitOutputStore(e, e.cmp("ult", n, "%N"), s,
                    [&] { return e.add(e.mul(e.add(m0, row), "%N"), n); });
    --e.indent;
    e.line("}");
  }
  --e.indent;
  e.line("} else {");
  ++e.indent;
  if (cfg.cluster) {
    // The nsplit blocks of a column block form one thread-block cluster
    // (cluster dims (1, nsplit, 1), rank = split): every block leaves its
    // warp-summed partial tile in its own shared memory, and after a cluster
    // barrier block r sums elements r, r + nsplit, ... (in thread strides)
    // over the ranks in order 0..nsplit-1 through distributed shared memory.
    // No global workspace, fence or counter; still deterministic.
    // The tile's offset must be the same in every block of the cluster (the
    // readers map their own offset to the other ranks), so it follows the
    // split length %sps, not this block's (shorter in the last split).
    // (Streamed kernels: the stage layout already follows %sps alone, so
    // the tile sits where the flag word would.)
    std::string partByte = flagByte;
    if (!SA) {
      std::string aBytesMax = e.mul(
          e.mul(e.add(e.mul("%sps", e.idx(16)), e.idx(8)), aRowsAlloc),
          e.idx(2));
      std::string bigMax = e.op("arith.maxui " + e.add(aBytesMax, wBytes) +
                                ", " + redBytes + " : index");
      partByte = e.mul(e.div(e.add(bigMax, e.idx(15)), e.idx(16)), e.idx(16));
    }
    std::string part = e.op("memref.view " + smem + "[" + partByte + "][" +
                            e.idx(rows * outCols) + "] : " + wgI8 + " to " +
                            wgF32);
    std::string el = e.fresh();
    e.line("scf.for " + el + " = " + tid + " to " + outElems + " step " +
           nthreads + " {");
    ++e.indent;
    {
      std::string row = e.div(el, e.idx(outCols));
      std::string col = e.rem(el, e.idx(outCols));
      e.line("memref.store " + sumWarps(row, col) + ", " + part + "[" + el +
             "] : " + wgF32);
    }
    --e.indent;
    e.line("}");
    e.line("nvvm.cluster.arrive {aligned}");
    e.line("nvvm.cluster.wait {aligned}");
    std::string baseIdx =
        e.op("memref.extract_aligned_pointer_as_index " + smem + " : " +
             wgI8 + " -> index");
    std::string partBase = e.add(baseIdx, partByte);
    // Rank r reduces elements r * threads + tid, stepping over the ranks.
    emitSplitSumStore(
        e, e.add(e.mul(split, nthreads), tid), e.mul(nthreads, "%nsplit"),
        outElems, outCols, nbCol, m0,
        [&](const std::string &r, const std::string &el, const std::string &,
            const std::string &) {
          std::string addr = e.op("arith.index_cast " +
                                  e.add(partBase, e.mul(el, e.idx(4))) +
                                  " : index to i64");
          std::string ptr =
              e.op("llvm.inttoptr " + addr + " : i64 to !llvm.ptr<3>");
          std::string r32 = e.op("arith.index_cast " + r + " : index to i32");
          std::string rp = e.op("nvvm.mapa " + ptr + ", " + r32 +
                                " : !llvm.ptr<3> -> !llvm.ptr<7>");
          return e.op("llvm.load " + rp + " : !llvm.ptr<7> -> f32");
        });
    // No block may leave (freeing its shared memory) while others read it.
    e.line("nvvm.cluster.arrive {aligned}");
    e.line("nvvm.cluster.wait {aligned}");
  } else {
    // Two splits (v13): one relaxed atomic exchange per output element in
    // the pair workspace %pws ([M][Np] words, all kPairEmpty at rest). The
    // block that finds kPairEmpty leaves; the other adds the two partials
    // (IEEE addition commutes: the same bits whichever block comes second,
    // and the same bits as the split-ordered sum below), stores the output
    // and puts kPairEmpty back. No partial stores, block barriers, arrival
    // counter or partial loads on the launch's critical path. A thread
    // takes up to kPairBatch elements per iteration and issues all their
    // exchanges before using any result (one round trip, not one each).
    e.line("scf.if " + e.cmp("eq", "%nsplit", e.idx(2)) + " {");
    ++e.indent;
    {
      const unsigned kPairBatch = 8;
      std::string pbase = wordBase(e, "%pws");
      std::string el0 = e.fresh();
      e.line("scf.for " + el0 + " = " + tid + " to " + outElems + " step " +
             e.mul(nthreads, e.idx(kPairBatch)) + " {");
      ++e.indent;
      struct Item {
        std::string valid, sum, pidx, n, row, old;
      };
      std::vector<Item> items;
      for (unsigned u = 0; u < kPairBatch; ++u) {
        Item it;
        std::string el = e.add(el0, e.mul(nthreads, e.idx(u)));
        it.valid = e.cmp("ult", el, outElems);
        // Out-of-range slots read element 0 and never exchange.
        std::string elc = e.select(it.valid, el, e.idx(0));
        it.row = e.div(elc, e.idx(outCols));
        std::string col = e.rem(elc, e.idx(outCols));
        it.n = e.add(nbCol, col);
        it.sum = sumWarps(it.row, col);
        it.pidx = e.add(e.mul(e.add(m0, it.row), np), it.n);
        items.push_back(it);
      }
      for (Item &it : items) {
        std::string bits = e.op("arith.bitcast " + it.sum + " : f32 to i32");
        std::string addr = wordAddress(e, pbase, it.pidx);
        it.old = e.fresh();
        e.line(it.old + " = scf.if " + it.valid + " -> (i32) {");
        ++e.indent;
        std::string x = e.op(
            "llvm.inline_asm has_side_effects \"atom.relaxed.gpu.exch.b32 "
            "$0, [$1], $2;\", \"=r,l,r,~{memory}\" " +
            addr + ", " + bits + " : (i64, i32) -> i32");
        e.line("scf.yield " + x + " : i32");
        --e.indent;
        e.line("} else {");
        ++e.indent;
        e.line("scf.yield " + e.i32(kPairEmpty) + " : i32");
        --e.indent;
        e.line("}");
      }
      for (Item &it : items) {
        std::string second = e.cmp("ne", it.old, e.i32(kPairEmpty), "i32");
        e.line("scf.if " + second + " {");
        ++e.indent;
        e.line("memref.store " + e.i32(kPairEmpty) + ", %pws[" + it.pidx +
               "] : memref<?xi32>");
        std::string inN = e.cmp("ult", it.n, "%N");
        std::string other = e.op("arith.bitcast " + it.old + " : i32 to f32");
        std::string sum =
            e.op("arith.addf " + other + ", " + it.sum + " : f32");
        emitOutputStore(e, inN, sum, [&] {
          return e.add(e.mul(e.add(m0, it.row), "%N"), it.n);
        });
        --e.indent;
        e.line("}");
      }
      --e.indent;
      e.line("}");
      stamp(5);
    }
    --e.indent;
    e.line("} else {");
    ++e.indent;
    // Partial sums to the workspace [split][M][Np] (f32).
    std::string el = e.fresh();
    e.line("scf.for " + el + " = " + tid + " to " + outElems + " step " +
           nthreads + " {");
    ++e.indent;
    std::string row = e.div(el, e.idx(outCols));
    std::string col = e.rem(el, e.idx(outCols));
    std::string s = sumWarps(row, col);
    std::string widx = e.add(
        e.mul(e.add(e.mul(split, "%M"), e.add(m0, row)), np),
        e.add(nbCol, col));
    e.line("memref.store " + s + ", %ws[" + widx + "] : memref<?xf32>");
    --e.indent;
    e.line("}");
    // One thread releases / acquires (see emitSplitNEpilogue).
    e.line("gpu.barrier");
    std::string t0 = e.cmp("eq", tid, e.idx(0));
    std::string cidx = e.add(e.mul(mb, gx), nb);
    e.line("scf.if " + t0 + " {");
    ++e.indent;
    std::string old = emitArrive(e, cidx);
    e.line("memref.store " + old + ", " + flag + "[" + e.idx(0) + "] : " +
           wgI32);
    --e.indent;
    e.line("}");
    e.line("gpu.barrier");
    stamp(5);
    std::string seen =
        e.op("memref.load " + flag + "[" + e.idx(0) + "] : " + wgI32);
    std::string lastI = e.op("arith.index_cast " + seen + " : i32 to index");
    std::string isLast = e.cmp("eq", lastI, e.sub("%nsplit", e.idx(1)));
    e.line("scf.if " + isLast + " {");
    ++e.indent;
    emitSplitSumStore(
        e, tid, nthreads, outElems, outCols, nbCol, m0,
        [&](const std::string &sp, const std::string &,
            const std::string &grow, const std::string &n) {
          return loadWorkspace(e, np, sp, grow, n);
        },
        /*eightByFour=*/!cfg.streamK);
    e.line("scf.if " + t0 + " {");
    ++e.indent;
    e.line("memref.store " + e.i32(0) + ", %cnt[" + cidx +
           "] : memref<?xi32>");
    --e.indent;
    e.line("}");
    --e.indent;
    e.line("}");
    --e.indent;
    e.line("}");
  }
  --e.indent;
  e.line("}");
  }
  stamp(6);
  if (cfg.streamK) {
    // The next segment's copies reuse the stage / reduction buffers.
    e.line("gpu.barrier");
    --e.indent;
    e.line("}");
  }
  e.line("gpu.return");

  std::string fn;
  llvm::raw_string_ostream os(fn);
  os << "  gpu.func @" << cfg.kernelName()
     << "(%qw: memref<?xi32>, %sc: memref<?xvector<8xf16>>, "
        "%zp: memref<?xvector<8xf16>>, %a: memref<?xf16>, %perm: "
        "memref<?xi32>, %out: memref<?xf16>, %ws: memref<?xf32>, %cnt: "
        "memref<?xi32>, %scc: memref<?xvector<8xf16>>, %M: index, %N: "
        "index, %K: index, %Kp: index, %sps: index, "
     << (cfg.streamK ? "%nsplit_arg" : "%nsplit")
     << ": index, "
        "%gshift: index, %ngroups: index, %pws: memref<?xi32>"
     << (cfg.trace ? ", %trace: memref<?xi64>, %tslot: index" : "")
     << ") kernel "
        "attributes {known_block_size = array<i32: "
     << cfg.threads() << ", 1, 1>, nvvm.maxntid = array<i32: "
     << cfg.threads() << ", 1, 1>";
  if (cfg.minBlocksPerSm)
    os << ", nvvm.minctasm = " << cfg.minBlocksPerSm << " : i32";
  os << "} {\n";
  os << e.prologue << e.body << "  }\n";
  return fn;
}

OwningOpRef<ModuleOp>
mlir::qm::gpu::buildDequantGemmModule(MLIRContext &ctx,
                                      ArrayRef<DequantGemmConfig> configs) {
  std::string text = "module attributes {gpu.container_module} {\n"
                     "gpu.module @qm_dqgemm {\n";
  for (const DequantGemmConfig &cfg : configs)
    text += emitDequantGemmFunc(cfg);
  text += "}\n}\n";
  return parseSourceString<ModuleOp>(text, &ctx);
}
