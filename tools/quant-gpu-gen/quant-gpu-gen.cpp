//===- quant-gpu-gen.cpp - generate the dequant-GEMM cubins ---------------===//
//
// Part of quant-mlir. Builds the fused dequantize-GEMM kernels as MLIR,
// lowers them to PTX through LLVM's NVPTX backend and assembles them with
// ptxas, once per target chip. Writes into the output directory:
//   dqgemm.mlir               the generated kernels (before lowering)
//   dqgemm_<chip>.ptx/.cubin  one module per chip
//   manifest.txt / .json      kernel names, tile configs, launch shape
//                             (manifest.txt: registers per thread for each
//                             chip assembled, from `ptxas -v`)
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Codegen/GPU/DequantGemm.h"
#include "qmrt/qmrt_cuda.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

using namespace mlir;
namespace cl = llvm::cl;

// The kernels restore and the runtime initializes the same pair-workspace
// pattern (two-split reduction).
static_assert(static_cast<uint32_t>(qm::gpu::kPairEmpty) == QMRT_PAIR_EMPTY,
              "kPairEmpty and QMRT_PAIR_EMPTY disagree");
// The runtime tells default-chunk kernels from long-chunk ones by it.
static_assert(qm::gpu::kChunkK == QMRT_CHUNK_K,
              "kChunkK and QMRT_CHUNK_K disagree");

static cl::opt<std::string> outDir("o", cl::desc("output directory"),
                                   cl::value_desc("dir"), cl::init("."));
static cl::list<std::string> chips("chip", cl::desc("target chip (repeatable)"),
                                   cl::value_desc("sm_XX"));
static cl::list<std::string>
    filters("only", cl::CommaSeparated,
            cl::desc("only kernels whose name contains one of these"));
static cl::opt<bool> emitOnly("emit-mlir",
                              cl::desc("print the generated IR and stop"));
static cl::opt<bool> noPtxas("no-ptxas", cl::desc("stop after PTX"));
static cl::opt<bool> v9Set(
    "v9-kernels",
    cl::desc("the v9 kernel set (no whole-slice `_s9` kernels, stage "
             "buffers not sized to the launch), for A/B runs"));
static cl::opt<bool> noWarpSync(
    "no-warp-sync",
    cl::desc("streamed kernels with one block barrier per chunk and "
             "activation copies spread over the block (before v21), for "
             "A/B runs"));
static cl::opt<unsigned> warpSyncMaxUnroll(
    "warp-sync-max-unroll", cl::init(4),
    cl::desc("warp barriers (v21) in the swapped streamed kernels of up to "
             "this many k-steps per warp and chunk"));
static cl::opt<bool> clusterTwins(
    "cluster-twins",
    cl::desc("also emit cluster twins (`_c`, split-K through distributed "
             "shared memory) of the swapped streamed kernels (v21c: measured "
             "1.2-1.7x slower on an H100, bench/gpu/NOTES.md; an experiment)"));
static cl::opt<bool> bulkTwins(
    "bulk-twins",
    cl::desc("also emit bulk-copy twins (`_b`, sm_90 only: TMA "
             "cp.async.bulk by one lane per warp, one mbarrier per warp and "
             "stage) of the kernels with warp barriers (v22, an experiment)"));
static cl::list<std::string> traceTwins(
    "trace-twins", cl::CommaSeparated,
    cl::desc("also emit timeline twins (`_t`, manifest trace=1) of these "
             "kernels (names without the qm_dqgemm_ prefix; a diagnostic, "
             "never planned by the tile table)"));
static cl::opt<std::string> ptxFeatures("ptx-features", cl::init("+ptx80"),
                                        cl::desc("NVPTX features"));

static int fail(const llvm::Twine &msg) {
  llvm::errs() << "quant-gpu-gen: " << msg << "\n";
  return 1;
}

static bool writeFile(StringRef path, StringRef data) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec) {
    llvm::errs() << "quant-gpu-gen: cannot write '" << path
                 << "' (" << ec.message() << ")\n";
    return false;
  }
  os << data;
  return true;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  LLVMInitializeNVPTXTarget();
  LLVMInitializeNVPTXTargetInfo();
  LLVMInitializeNVPTXTargetMC();
  LLVMInitializeNVPTXAsmPrinter();
  cl::ParseCommandLineOptions(argc, argv, "quant-mlir dequant-GEMM kernel "
                                          "generator\n");
  std::vector<std::string> targets(chips.begin(), chips.end());
  if (targets.empty())
    targets = {"sm_80", "sm_90"};

  std::vector<qm::gpu::DequantGemmConfig> configs;
  for (auto c : qm::gpu::defaultDequantGemmConfigs(v9Set)) {
    c.warpSyncMaxUnroll = noWarpSync ? 0 : warpSyncMaxUnroll;
    if (filters.empty() || llvm::any_of(filters, [&](const std::string &f) {
          return StringRef(c.kernelName()).contains(f);
        }))
      configs.push_back(c);
  }
  if (configs.empty())
    return fail("no kernel matches --only");
  // Appends a twin of every config `eligible` admits, with `flag` set.
  auto addTwins = [&](bool qm::gpu::DequantGemmConfig::*flag, auto eligible) {
    for (size_t i = 0, e = configs.size(); i < e; ++i) {
      qm::gpu::DequantGemmConfig c = configs[i];
      if (!eligible(c))
        continue;
      c.*flag = true;
      configs.push_back(c);
    }
  };
  if (clusterTwins)
    addTwins(&qm::gpu::DequantGemmConfig::cluster,
             [](const qm::gpu::DequantGemmConfig &c) {
               return c.swapAB && c.streamA && c.stages == 3 && !c.streamK &&
                      !c.minBlocksPerSm && c.warps >= 8;
             });
  if (bulkTwins)
    addTwins(&qm::gpu::DequantGemmConfig::bulk,
             [](const qm::gpu::DequantGemmConfig &c) {
               return c.warpSyncChunks() && !c.streamK && !c.cluster &&
                      c.stages >= 2;
             });
  for (const std::string &t : traceTwins) {
    auto it = llvm::find_if(configs, [&](const qm::gpu::DequantGemmConfig &c) {
      return c.kernelName() == "qm_dqgemm_" + t;
    });
    if (it == configs.end() || it->cluster)
      return fail("--trace-twins: no non-cluster kernel named 'qm_dqgemm_" +
                  t + "' in the set");
    qm::gpu::DequantGemmConfig c = *it;
    c.trace = true;
    configs.push_back(c);
  }

  if (emitOnly) {
    llvm::outs() << "gpu.module @qm_dqgemm {\n";
    for (auto &c : configs)
      llvm::outs() << qm::gpu::emitDequantGemmFunc(c);
    llvm::outs() << "}\n";
    return 0;
  }

  if (std::error_code ec = llvm::sys::fs::create_directories(outDir))
    return fail("cannot create output directory '" + outDir + "' (" +
                ec.message() + ")");
  auto path = [&](StringRef name) {
    SmallString<256> p(outDir);
    llvm::sys::path::append(p, name);
    return std::string(p);
  };

  DialectRegistry registry;
  qm::gpu::registerDequantGemmDialects(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();

  std::string ptxas;
  if (!noPtxas) {
    if (auto p = llvm::sys::findProgramByName("ptxas"))
      ptxas = *p;
    else if (llvm::sys::fs::exists("/usr/local/cuda/bin/ptxas"))
      ptxas = "/usr/local/cuda/bin/ptxas";
    else
      return fail("ptxas not found on PATH or in /usr/local/cuda/bin "
                  "(use --no-ptxas)");
  }

  // Registers per thread of each kernel for each assembled chip (`ptxas
  // -v`; the cubins are the same with or without it): the runtime's
  // offline planner models occupancy with them (qmrt_cuda_create_offline).
  std::map<std::string, std::vector<std::pair<std::string, int>>> regsOf;
  bool wroteMlir = false;
  for (const std::string &chip : targets) {
    // Cluster kernels need sm_90 or newer; other chips' cubins leave them
    // out (the runtime skips manifest kernels flagged cluster=1 that its
    // cubin lacks).
    unsigned smVersion = 0;
    StringRef(chip).drop_front(3).consumeInteger(10, smVersion);
    std::vector<qm::gpu::DequantGemmConfig> chipConfigs;
    for (auto c : configs)
      if ((!c.cluster && !c.bulk) || smVersion >= 90) {
        c.pdl = smVersion >= 90;
        chipConfigs.push_back(c);
      }
    if (chipConfigs.empty())
      continue;
    OwningOpRef<ModuleOp> mod =
        qm::gpu::buildDequantGemmModule(ctx, chipConfigs);
    if (!mod)
      return fail("generated IR did not parse");
    if (!wroteMlir) {
      std::string s;
      llvm::raw_string_ostream os(s);
      mod->print(os);
      if (!writeFile(path("dqgemm.mlir"), s))
        return 1;
      wroteMlir = true;
    }
    FailureOr<std::string> ptx =
        qm::gpu::lowerDequantGemmToPTX(*mod, chip, ptxFeatures);
    if (failed(ptx))
      return fail("lowering for " + chip + " failed");
    std::string ptxPath = path("dqgemm_" + chip + ".ptx");
    if (!writeFile(ptxPath, *ptx))
      return 1;
    if (noPtxas)
      continue;
    std::string cubinPath = path("dqgemm_" + chip + ".cubin");
    std::string arch = "-arch=" + chip;
    SmallVector<StringRef> args = {ptxas, "-O3", arch, ptxPath, "-o",
                                   cubinPath};
    std::string err;
    int rc = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt, {}, 0, 0,
                                       &err);
    if (rc != 0)
      return fail("ptxas failed for " + chip + " (exit " + Twine(rc) + ") " +
                  err);
    // A second, verbose pass for the register counts: ptxas records its
    // command line in the cubin, so `-v` on the first pass would change the
    // cubin's bytes (not its code).
    std::string infoPath = path("ptxas_" + chip + ".log");
    std::string scratch = path("ptxas_" + chip + ".scratch.cubin");
    SmallVector<StringRef> vargs = {ptxas, "-O3", "-v", arch, ptxPath, "-o",
                                    scratch};
    std::optional<StringRef> redirects[] = {std::nullopt, StringRef(infoPath),
                                            StringRef(infoPath)};
    rc = llvm::sys::ExecuteAndWait(ptxas, vargs, std::nullopt, redirects, 0,
                                   0, &err);
    llvm::sys::fs::remove(scratch);
    auto info = llvm::MemoryBuffer::getFile(infoPath);
    if (rc != 0 || !info)
      return fail("ptxas -v failed for " + chip + " (exit " + Twine(rc) +
                  ") " + err);
    // "Compiling entry function 'NAME' for 'sm_90'" ... "Used N registers"
    std::string current;
    SmallVector<StringRef> lines;
    (*info)->getBuffer().split(lines, '\n');
    for (StringRef l : lines) {
      size_t at = l.find("Compiling entry function '");
      if (at != StringRef::npos) {
        current = l.drop_front(at + 26).split('\'').first.str();
        continue;
      }
      at = l.find("Used ");
      unsigned n = 0;
      if (at != StringRef::npos && !current.empty() &&
          !l.drop_front(at + 5).split(' ').first.getAsInteger(10, n) &&
          l.drop_front(at + 5).split(' ').second.starts_with("registers")) {
        regsOf[current].push_back({chip, int(n)});
        current.clear();
      }
    }
    llvm::sys::fs::remove(infoPath);
  }

  // Manifest: one line per kernel, read by the CUDA runtime's config table.
  // pdl=1: the sm_90+ cubins' kernels wait for the previous grid
  // (griddepcontrol), so the runtime may launch them with PDL there.
  bool pdlAll = llvm::any_of(targets, [](const std::string &t) {
    unsigned v = 0;
    return !StringRef(t).drop_front(3).consumeInteger(10, v) && v >= 90;
  });
  std::string txt, json = "{\n  \"chunk_k\": " +
                          std::to_string(qm::gpu::kChunkK) +
                          ",\n  \"block_n\": " +
                          std::to_string(qm::gpu::kBlockN) +
                          ",\n  \"kernels\": [\n";
  auto regsField = [&](const std::string &name) {
    std::string f;
    for (auto &[chip, n] : regsOf[name])
      f += " regs_" + chip + "=" + std::to_string(n);
    return f;
  };
  // Shared-memory layout constants the runtime sizes the launch by (it
  // cannot include this generator): the in-block reduction buffer's row
  // stride in f32 words (DequantGemmConfig::redStride; warps splitting N
  // have no such buffer) and the bytes before the stages (the bulk twins'
  // mbarriers).
  auto layoutFields = [](const qm::gpu::DequantGemmConfig &c) {
    std::string f;
    if (!c.splitN)
      f += " redstride=" + std::to_string(c.redStride());
    if (c.bulkBarrierBytes())
      f += " smemhead=" + std::to_string(c.bulkBarrierBytes());
    return f;
  };
  for (size_t i = 0; i < configs.size(); ++i) {
    const auto &c = configs[i];
    txt += llvm::formatv("{0} bits={1} sym={2} gather={3} mtiles={4} "
                         "warps={5} unroll={6} threads={7} stages={8} "
                         "splitn={9} scaleafter={10} cluster={11} "
                         "pdl={12} streama={13} ncols={14} sfit={15} minb={16} "
                         "swapab={17}{18}\n",
                         c.kernelName(), c.bits, c.symmetric ? 1 : 0,
                         c.gatherA ? 1 : 0, c.mTiles, c.warps, c.unroll,
                         c.threads(), c.stages, c.splitN ? 1 : 0,
                         c.scaleAfter ? 1 : 0, c.cluster ? 1 : 0,
                         pdlAll ? 1 : 0, c.streamA ? 1 : 0, c.blockCols(),
                         c.fitStages ? 1 : 0, c.cappedVariant(),
                         c.swapAB ? 1 : 0,
                         std::string(c.streamK ? " streamk=1" : "") +
                             (c.trace ? " trace=1" : "") +
                             (c.warpSyncChunks() ? " wsync=1" : "") +
                             (c.bulk ? " bulk=1" : "") +
                             (c.nGroups > 1
                                  ? " ngroups=" + std::to_string(c.nGroups)
                                  : std::string()) +
                             layoutFields(c) + regsField(c.kernelName()))
               .str();
    json += llvm::formatv("    {{\"name\": \"{0}\", \"bits\": {1}, "
                          "\"symmetric\": {2}, \"gather_a\": {3}, "
                          "\"m_tile\": {4}, \"n_tile\": {5}, \"warps\": {6}, "
                          "\"unroll\": {7}, \"threads\": {8}, \"stages\": {10}, "
                          "\"cluster\": {11}, "
                          "\"grid\": \"(ceil(N/64), nsplit, ceil(M/m_tile))\", "
                          "\"smem\": \"see the runtime's sharedBytes and "
                          "manifest.txt's redstride / smemhead\"}}{9}\n",
                          c.kernelName(), c.bits,
                          c.symmetric ? "true" : "false",
                          c.gatherA ? "true" : "false", c.rowsPerBlock(),
                          qm::gpu::kBlockN, c.warps, c.unroll, c.threads(),
                          i + 1 < configs.size() ? "," : "", c.stages,
                          c.cluster ? "true" : "false")
                .str();
  }
  json += "  ],\n  \"chips\": [";
  for (size_t i = 0; i < targets.size(); ++i)
    json += (i ? ", \"" : "\"") + targets[i] + "\"";
  json += "]\n}\n";
  if (!writeFile(path("manifest.txt"), txt) ||
      !writeFile(path("manifest.json"), json))
    return 1;
  return 0;
}
