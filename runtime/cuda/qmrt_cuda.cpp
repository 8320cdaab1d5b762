//===- qmrt_cuda.cpp - CUDA driver API runtime for the dequant GEMM -------===//
//
// Part of quant-mlir. Every CUDA call goes through QMRT_CU, which records
// the call, its CUDA error name and the calling function.
//
//===----------------------------------------------------------------------===//

#include "qmrt/qmrt_cuda.h"

#include <cuda.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace {
thread_local std::string lastError;

bool cuCheck(CUresult r, const char *call, const char *fn) {
  if (r == CUDA_SUCCESS)
    return true;
  const char *name = nullptr, *str = nullptr;
  cuGetErrorName(r, &name);
  cuGetErrorString(r, &str);
  char buf[512];
  std::snprintf(buf, sizeof buf, "%s: %s failed (%s: %s)", fn, call,
                name ? name : "?", str ? str : "?");
  lastError = buf;
  return false;
}
#define QMRT_CU(call)                                                          \
  do {                                                                         \
    if (!cuCheck((call), #call, __func__))                                     \
      return 1;                                                                \
  } while (0)

int fail(const std::string &msg) {
  lastError = msg;
  return 1;
}

struct KernelInfo {
  std::string name;
  int bits = 4, sym = 1, gather = 0, mtiles = 1, warps = 8, unroll = 4,
      stages = 0, splitn = 0, scaleafter = 0, cluster = 0, pdl = 0,
      streama = 0, ncols = 64, sfit = 0, minb = 0, swapab = 0, trace = 0,
      streamk = 0, ngroups = 1, bulk = 0;
  // Shared-memory layout from the manifest (v22): the reduction buffer's
  // row stride in f32 words (0: a manifest from before v22) and the bytes
  // before the stages (bulk twins' mbarriers).
  int redstride = 0, smemhead = 0;
  int regs = 0; // registers per thread on this device's chip (manifest
                // regs_sm_<nn>; offline planning only)
  CUfunction fn = nullptr;
  int smemConfigured = 0;
};
} // namespace

struct qmrt_cuda_ctx {
  CUdevice dev = 0;
  CUcontext cuctx = nullptr;
  CUmodule mod = nullptr;
  int smCount = 0, maxSmemOptin = 0, ccMajor = 0;
  // Planning only (qmrt_cuda_create_offline): no device, no module; the
  // occupancy comes from a model of the SM (occupancyOf) instead of
  // the driver.
  bool offline = false;
  bool pdl = true; // launch with PDL where the kernel supports it
  int streamAPref = -1; // streamed-activation kernels: -1 table, 0, 1
  int widePref = -1;    // 128-column kernels: -1 table, 0, 1
  int deepPref = -1;    // whole-slice (> 3 stage) kernels: -1 table, 0, 1
  int minbPref = -1;    // register-capped kernels: -1 table, 0, or minb
  int swapPref = -1;    // swapped-operand kernels (M <= 16): -1 table, 0,
                        // 1, 2 (8-row blocks only)
  int unrollPref = -1;  // chunk length: -1 table, 0 default, n = unroll n
  int maxRowsPref = -1; // rows per block cap: -1 table, 16, 32, 64 (none)
  int streamKPref = -1; // stream-K kernels (v19): -1 table, 0, 1
  int bulkPref = -1;    // bulk-copy twins (v22): -1 table, 0, 1
  CUdeviceptr traceBuf = 0; // timeline twins' record (qmrt_cuda_set_trace)
  int64_t traceElems = 0, traceSlot = 0;
  std::vector<KernelInfo> kernels;
  CUdeviceptr ws = 0, cnt = 0, pws = 0;
  size_t wsBytes = 0, cntBytes = 0, pwsBytes = 0;
};

extern "C" void qmrt_cuda_set_error(const char *msg) { lastError = msg; }
extern "C" const char *qmrt_cuda_last_error(void) { return lastError.c_str(); }

// Reads the kernel table (manifest.txt of quant-gpu-gen) into `c`; with a
// module loaded, looks up every kernel in it.
static int loadManifest(qmrt_cuda_ctx *c, const char *manifest_path) {
  std::ifstream m(manifest_path);
  if (!m) {
    fail(std::string("qmrt_cuda_create: cannot read manifest '") +
         manifest_path + "'");
    return 1;
  }
  std::string line;
  while (std::getline(m, line)) {
    if (line.empty())
      continue;
    std::istringstream ls(line);
    KernelInfo k;
    ls >> k.name;
    std::string kv;
    while (ls >> kv) {
      auto eq = kv.find('=');
      if (eq == std::string::npos)
        continue;
      std::string key = kv.substr(0, eq);
      int v = std::atoi(kv.c_str() + eq + 1);
      if (key == "bits") k.bits = v;
      else if (key == "sym") k.sym = v;
      else if (key == "gather") k.gather = v;
      else if (key == "mtiles") k.mtiles = v;
      else if (key == "warps") k.warps = v;
      else if (key == "unroll") k.unroll = v;
      else if (key == "stages") k.stages = v;
      else if (key == "splitn") k.splitn = v;
      else if (key == "scaleafter") k.scaleafter = v;
      else if (key == "cluster") k.cluster = v;
      else if (key == "pdl") k.pdl = v;
      else if (key == "streama") k.streama = v;
      else if (key == "ncols") k.ncols = v;
      else if (key == "sfit") k.sfit = v;
      else if (key == "minb") k.minb = v;
      else if (key == "swapab") k.swapab = v;
      else if (key == "trace") k.trace = v;
      else if (key == "streamk") k.streamk = v;
      else if (key == "ngroups") k.ngroups = v;
      else if (key == "bulk") k.bulk = v;
      else if (key == "redstride") k.redstride = v;
      else if (key == "smemhead") k.smemhead = v;
      else if (key.rfind("regs_sm_", 0) == 0 &&
               std::atoi(key.c_str() + 8) / 10 == c->ccMajor)
        k.regs = v;
    }
    // Cluster and bulk-copy kernels exist only in sm_90+ cubins: skip them
    // elsewhere.
    if (k.cluster || k.bulk) {
      if (c->ccMajor < 9 ||
          (!c->offline && cuModuleGetFunction(&k.fn, c->mod, k.name.c_str()) !=
                              CUDA_SUCCESS))
        continue;
      c->kernels.push_back(k);
      continue;
    }
    if (k.ngroups != 1 &&
        (k.ngroups != 2 || k.ncols != 128 || !k.swapab || k.splitn ||
         k.warps % 2 != 0)) {
      fail("qmrt_cuda_create: kernel '" + k.name +
           "' has an unsupported warp-group split (ngroups=" +
           std::to_string(k.ngroups) + ") in manifest '" + manifest_path +
           "'");
      return 1;
    }
    if (k.ncols != 64 && k.ncols != 128) {
      fail("qmrt_cuda_create: kernel '" + k.name +
           "' has an unsupported tile width (ncols=" + std::to_string(k.ncols) +
           ") in manifest '" + manifest_path + "'");
      return 1;
    }
    if (!c->offline &&
        !cuCheck(cuModuleGetFunction(&k.fn, c->mod, k.name.c_str()),
                 ("cuModuleGetFunction(" + k.name + ")").c_str(), __func__))
      return 1;
    c->kernels.push_back(k);
  }
  if (c->kernels.empty()) {
    fail(std::string("qmrt_cuda_create: no kernels in manifest '") +
         manifest_path + "'");
    return 1;
  }
  return 0;
}

extern "C" int qmrt_cuda_create(int device, const char *cubin_path,
                                const char *manifest_path,
                                qmrt_cuda_ctx **out) {
  auto *c = new qmrt_cuda_ctx();
  *out = nullptr;
  auto bail = [&]() {
    delete c;
    return 1;
  };
  if (!cuCheck(cuInit(0), "cuInit(0)", __func__) ||
      !cuCheck(cuDeviceGet(&c->dev, device), "cuDeviceGet", __func__) ||
      !cuCheck(cuDevicePrimaryCtxRetain(&c->cuctx, c->dev),
               "cuDevicePrimaryCtxRetain", __func__) ||
      !cuCheck(cuCtxSetCurrent(c->cuctx), "cuCtxSetCurrent", __func__) ||
      !cuCheck(cuDeviceGetAttribute(&c->smCount,
                                    CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT,
                                    c->dev),
               "cuDeviceGetAttribute(MULTIPROCESSOR_COUNT)", __func__) ||
      !cuCheck(cuDeviceGetAttribute(
                   &c->ccMajor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
                   c->dev),
               "cuDeviceGetAttribute(COMPUTE_CAPABILITY_MAJOR)", __func__) ||
      !cuCheck(cuDeviceGetAttribute(
                   &c->maxSmemOptin,
                   CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN,
                   c->dev),
               "cuDeviceGetAttribute(MAX_SHARED_MEMORY_PER_BLOCK_OPTIN)",
               __func__))
    return bail();
  std::ifstream f(cubin_path, std::ios::binary);
  if (!f) {
    fail(std::string("qmrt_cuda_create: cannot read cubin '") + cubin_path +
         "'");
    return bail();
  }
  std::string image((std::istreambuf_iterator<char>(f)),
                    std::istreambuf_iterator<char>());
  if (!cuCheck(cuModuleLoadData(&c->mod, image.data()), "cuModuleLoadData",
               __func__))
    return bail();
  if (loadManifest(c, manifest_path))
    return bail();
  *out = c;
  return 0;
}

extern "C" int qmrt_cuda_create_offline(const char *manifest_path,
                                        int sm_count, int smem_optin,
                                        int cc_major, qmrt_cuda_ctx **out) {
  *out = nullptr;
  if (sm_count <= 0 || smem_optin <= 0 || cc_major <= 0)
    return fail("qmrt_cuda_create_offline: SM count, shared memory and "
                "compute capability must be positive (got " +
                std::to_string(sm_count) + ", " + std::to_string(smem_optin) +
                ", " + std::to_string(cc_major) + ")");
  auto *c = new qmrt_cuda_ctx();
  c->offline = true;
  c->smCount = sm_count;
  c->maxSmemOptin = smem_optin;
  c->ccMajor = cc_major;
  if (loadManifest(c, manifest_path)) {
    delete c;
    return 1;
  }
  *out = c;
  return 0;
}

extern "C" void qmrt_cuda_destroy(qmrt_cuda_ctx *c) {
  if (!c)
    return;
  if (c->ws)
    cuMemFree(c->ws);
  if (c->cnt)
    cuMemFree(c->cnt);
  if (c->pws)
    cuMemFree(c->pws);
  if (c->mod)
    cuModuleUnload(c->mod);
  if (c->cuctx)
    cuDevicePrimaryCtxRelease(c->dev);
  delete c;
}

extern "C" int qmrt_cuda_sm_count(qmrt_cuda_ctx *c) { return c->smCount; }

// A kernel preference: -1 = as the tile table says, else `value`; returns
// the old setting.
static int setPref(int &slot, int value) {
  int old = slot;
  slot = value;
  return old;
}
static int onOff(int pref) { return pref < 0 ? -1 : pref ? 1 : 0; }

extern "C" int qmrt_cuda_set_stream_a(qmrt_cuda_ctx *c, int pref) {
  return setPref(c->streamAPref, onOff(pref));
}

extern "C" int qmrt_cuda_set_wide(qmrt_cuda_ctx *c, int pref) {
  return setPref(c->widePref, onOff(pref));
}

extern "C" int qmrt_cuda_set_deep(qmrt_cuda_ctx *c, int pref) {
  return setPref(c->deepPref, onOff(pref));
}

extern "C" int qmrt_cuda_set_min_blocks(qmrt_cuda_ctx *c, int pref) {
  return setPref(c->minbPref, pref < 0 ? -1 : pref);
}

extern "C" int qmrt_cuda_set_swap(qmrt_cuda_ctx *c, int pref) {
  return setPref(c->swapPref, pref < 0 ? -1 : pref > 2 ? 1 : pref);
}

extern "C" int qmrt_cuda_set_max_rows(qmrt_cuda_ctx *c, int rows) {
  return setPref(c->maxRowsPref,
                 rows < 16 ? -1 : rows < 32 ? 16 : rows < 64 ? 32 : 64);
}

extern "C" int qmrt_cuda_set_stream_k(qmrt_cuda_ctx *c, int pref) {
  return setPref(c->streamKPref, onOff(pref));
}

extern "C" int qmrt_cuda_set_bulk(qmrt_cuda_ctx *c, int pref) {
  return setPref(c->bulkPref, onOff(pref));
}

extern "C" int qmrt_cuda_set_unroll(qmrt_cuda_ctx *c, int pref) {
  return setPref(c->unrollPref, pref < 0 ? -1 : pref);
}

// The twin of kernel `kernel` that has `flag` set and its name plus
// `suffix` (the generator appends `_t` for timeline twins, `_b` for
// bulk-copy twins), or -1.
static int namedTwin(const qmrt_cuda_ctx *c, int kernel, const char *suffix,
                     int KernelInfo::*flag) {
  if (kernel < 0 || kernel >= (int)c->kernels.size())
    return -1;
  std::string want = c->kernels[kernel].name + suffix;
  for (int i = 0; i < (int)c->kernels.size(); ++i)
    if (c->kernels[i].*flag && c->kernels[i].name == want)
      return i;
  return -1;
}

extern "C" int qmrt_cuda_trace_twin(qmrt_cuda_ctx *c, int kernel) {
  return namedTwin(c, kernel, "_t", &KernelInfo::trace);
}

extern "C" void qmrt_cuda_set_trace(qmrt_cuda_ctx *c, qmrt_devptr buf,
                                    int64_t elems, int64_t slot) {
  c->traceBuf = buf;
  c->traceElems = elems;
  c->traceSlot = slot;
}

extern "C" int qmrt_cuda_set_pdl(qmrt_cuda_ctx *c, int on) {
  bool old = c->pdl;
  c->pdl = on != 0;
  return old ? 1 : 0;
}

extern "C" int qmrt_cuda_alloc(qmrt_cuda_ctx *, size_t bytes,
                               qmrt_devptr *out) {
  CUdeviceptr p = 0;
  QMRT_CU(cuMemAlloc(&p, bytes ? bytes : 16));
  *out = p;
  return 0;
}
extern "C" int qmrt_cuda_free(qmrt_cuda_ctx *, qmrt_devptr p) {
  if (p)
    QMRT_CU(cuMemFree(p));
  return 0;
}
extern "C" int qmrt_cuda_upload(qmrt_cuda_ctx *, qmrt_devptr dst,
                                const void *src, size_t bytes) {
  QMRT_CU(cuMemcpyHtoD(dst, src, bytes));
  return 0;
}
extern "C" int qmrt_cuda_download(qmrt_cuda_ctx *, void *dst, qmrt_devptr src,
                                  size_t bytes) {
  QMRT_CU(cuMemcpyDtoH(dst, src, bytes));
  return 0;
}
extern "C" int qmrt_cuda_memset8(qmrt_cuda_ctx *, qmrt_devptr dst,
                                 unsigned char v, size_t bytes) {
  QMRT_CU(cuMemsetD8(dst, v, bytes));
  return 0;
}
extern "C" int qmrt_cuda_sync(qmrt_cuda_ctx *) {
  QMRT_CU(cuCtxSynchronize());
  return 0;
}

extern "C" int qmrt_cuda_weight_upload(qmrt_cuda_ctx *c,
                                       const qmrt_packed_weight *w,
                                       qmrt_cuda_weight *out) {
  qmrt_cuda_weight d{};
  d.meta = *w;
  d.meta.qw = nullptr;
  d.meta.scales = d.meta.zeros = d.meta.scales_c = nullptr;
  d.meta.perm = nullptr;
  if (qmrt_cuda_alloc(c, w->qw_words * 4, &d.qw) ||
      qmrt_cuda_upload(c, d.qw, w->qw, w->qw_words * 4) ||
      qmrt_cuda_alloc(c, w->scale_elems * 2, &d.scales) ||
      qmrt_cuda_upload(c, d.scales, w->scales, w->scale_elems * 2) ||
      qmrt_cuda_alloc(c, w->scale_elems * 2, &d.scales_c) ||
      qmrt_cuda_upload(c, d.scales_c, w->scales_c, w->scale_elems * 2))
    return 1;
  if (w->zeros && (qmrt_cuda_alloc(c, w->scale_elems * 2, &d.zeros) ||
                   qmrt_cuda_upload(c, d.zeros, w->zeros, w->scale_elems * 2)))
    return 1;
  if (w->perm && (qmrt_cuda_alloc(c, w->Kp * 4, &d.perm) ||
                  qmrt_cuda_upload(c, d.perm, w->perm, w->Kp * 4)))
    return 1;
  *out = d;
  return 0;
}

extern "C" void qmrt_cuda_weight_free(qmrt_cuda_ctx *c, qmrt_cuda_weight *w) {
  qmrt_cuda_free(c, w->qw);
  qmrt_cuda_free(c, w->scales);
  qmrt_cuda_free(c, w->zeros);
  qmrt_cuda_free(c, w->perm);
  qmrt_cuda_free(c, w->scales_c);
  w->qw = w->scales = w->zeros = w->perm = w->scales_c = 0;
}

extern "C" const char *qmrt_cuda_kernel_name(qmrt_cuda_ctx *c, int k) {
  return k >= 0 && k < (int)c->kernels.size() ? c->kernels[k].name.c_str()
                                              : "?";
}

// Tile table defaults (see bench/gpu/NOTES.md for the measurements).
static const int kDefaultWarps = 4;
static const int kDefaultBlocksPerSm = 3;
// blocks_per_sm value that asks for the one-wave split rule.
static const int kOneWave = 99;
// One wave with the fewest splits: the largest k per split (an even
// division of K's chunks) whose grid still fits one wave.
static const int kOneWaveFewest = 98;
// blocks_per_sm value: exactly two splits (v13: the two-split reduction is
// one atomic exchange per output element).
static const int kTwoSplits = 97;
// Activation tile (rows x K-slice) kept in shared memory per block.
static const int64_t kMaxActivationBytes = 96 * 1024;

// Stage buffers a launch of `sps` k16-steps per split allocates: every
// stage, or (manifest `sfit=1`, v10 kernels) min(stages, chunks per split).
// k16-steps per chunk: unroll per warp, times the warps of a group when
// they split K (v20: warp groups split N, one group per 64 columns).
static int64_t chunkStepsOf(const KernelInfo &k) {
  return int64_t(k.unroll) * (k.splitn ? 1 : k.warps / k.ngroups);
}

// Bytes of one chunk of packed weights (every warp's copies).
static int64_t chunkBytesOf(const KernelInfo &k) {
  return int64_t(k.warps) * k.unroll * 32 * 16 * (k.bits == 4 ? 1 : 2) *
         (k.ncols / 64 / k.ngroups);
}

// A default-chunk kernel (QMRT_CHUNK_K k per chunk), not a long-chunk
// `_u<n>` one (v14). (The default 4-warp kernels also have 8 k-steps per
// warp, so the unroll alone does not tell.)
static bool defaultChunk(const KernelInfo &k) {
  return int64_t(k.unroll) * k.warps * 16 == QMRT_CHUNK_K;
}

static int64_t stageBuffers(const KernelInfo &k, int64_t sps) {
  if (!k.sfit)
    return k.stages;
  int64_t chunkSteps = chunkStepsOf(k);
  return std::min<int64_t>(
      k.stages, std::max<int64_t>(1, (sps + chunkSteps - 1) / chunkSteps));
}

// Rows of M one block covers: 16 per m16 tile, or (swapped) 8 per n8 tile.
static int64_t rowsOf(const KernelInfo &k) {
  return int64_t(k.swapab ? 8 : 16) * k.mtiles;
}

// Lets `k` use all the dynamic shared memory the device allows (the
// occupancy queries of the planner assume it).
static int allowMaxSharedMemory(qmrt_cuda_ctx *c, KernelInfo &k) {
  if (c->offline)
    return 0;
  int staticSmem = 0;
  QMRT_CU(cuFuncGetAttribute(&staticSmem, CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES,
                             k.fn));
  int dynMax = c->maxSmemOptin - staticSmem;
  if (k.smemConfigured < dynMax) {
    QMRT_CU(cuFuncSetAttribute(
        k.fn, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, dynMax));
    k.smemConfigured = dynMax;
  }
  return 0;
}

// Whether the cubin has 16-row swapped kernels (two n8 row tiles, v17).
static bool swTilesAvailable(const qmrt_cuda_ctx *c) {
  return std::any_of(c->kernels.begin(), c->kernels.end(),
                     [](const KernelInfo &k) {
                       return k.swapab && k.mtiles == 2;
                     });
}

// Every field that makes a kernel's kind except `cluster` (not its name,
// handle, register count or layout constants): a kernel and its cluster
// twin have the same key.
static auto kindKeyButCluster(const KernelInfo &k) {
  return std::make_tuple(k.bits, k.sym, k.gather, k.mtiles, k.warps, k.unroll,
                         k.stages, k.splitn, k.scaleafter, k.pdl,
                         k.streama, k.ncols, k.sfit, k.minb, k.swapab, k.trace,
                         k.streamk, k.ngroups, k.bulk);
}

static unsigned sharedBytes(const KernelInfo &k, int64_t sps, int64_t M) {
  int64_t rows = rowsOf(k);
  int64_t chunkK = 16 * chunkStepsOf(k);
  int64_t bufs = stageBuffers(k, sps);
  int64_t a = k.streama ? bufs * std::min(rows, M) * (chunkK + 8) * 2
                        : std::min(rows, M) * (sps * 16 + 8) * 2;
  // Reduction buffer [warp][row][redstride] (v21i: the generator pads the
  // rows against bank conflicts and states the stride in the manifest;
  // manifests from before v22 lack it: the widest pad any of their kernels
  // had, 8 words).
  int64_t stride = k.redstride ? k.redstride : k.ncols / k.ngroups + 8;
  int64_t red = k.splitn ? 0 : int64_t(k.warps) * rows * stride * 4;
  int64_t body = std::max(bufs * chunkBytesOf(k) + a, red);
  body = (body + 15) / 16 * 16;
  // Flag word, or (cluster kernels) the block's partial tile; the bulk
  // twins' mbarriers before everything.
  return static_cast<unsigned>(
      k.smemhead + body +
      (k.cluster ? std::max<int64_t>(16, rows * k.ncols * 4) : 16));
}

// Blocks of `k` resident per SM with `smem` bytes of dynamic shared memory:
// the driver's answer, or (offline contexts) a model of an sm_80 / sm_90
// SM: 2048 threads, 32 blocks, 64K registers (the kernel's count from the
// manifest, else its minb bound or 128 per thread, allocated per warp in
// units of 256), and the opt-in shared memory plus 1 KiB per block of the
// SM's (smem_optin + 1 KiB) bytes.
static int occupancyOf(qmrt_cuda_ctx *c, const KernelInfo &k, size_t smem,
                       int *occ) {
  const int threads = 32 * k.warps;
  if (!c->offline) {
    QMRT_CU(cuOccupancyMaxActiveBlocksPerMultiprocessor(occ, k.fn, threads,
                                                        smem));
    return 0;
  }
  const int64_t regs = k.regs ? k.regs
                       : k.minb ? 65536 / (int64_t(k.minb) * threads)
                                : std::min<int64_t>(128, 65536 / threads);
  const int64_t perWarp = (regs * 32 + 255) / 256 * 256;
  const int64_t smemSm = int64_t(c->maxSmemOptin) + 1024;
  int64_t n = std::min<int64_t>(32, 2048 / threads);
  n = std::min<int64_t>(n, 65536 / (perWarp * k.warps));
  n = std::min<int64_t>(n, smemSm / (int64_t(smem) + 1024));
  *occ = static_cast<int>(std::max<int64_t>(0, n));
  return 0;
}

extern "C" int qmrt_cuda_plan_for(qmrt_cuda_ctx *c, const qmrt_cuda_weight *w,
                                  int64_t M, int maxChunks,
                                  qmrt_cuda_plan *out) {
  return qmrt_cuda_plan_for_ex(c, w, M, maxChunks, 0, 0, -1, out);
}

extern "C" int qmrt_cuda_plan_for_ex(qmrt_cuda_ctx *c,
                                     const qmrt_cuda_weight *w, int64_t M,
                                     int maxChunks, int warps,
                                     int blocksPerSm, int splitN,
                                     qmrt_cuda_plan *out) {
  return qmrt_cuda_plan_for_ex2(c, w, M, maxChunks, warps, blocksPerSm,
                                splitN, -1, out);
}

extern "C" int qmrt_cuda_plan_for_ex2(qmrt_cuda_ctx *c,
                                      const qmrt_cuda_weight *w, int64_t M,
                                      int maxChunks, int warps,
                                      int blocksPerSm, int splitN,
                                      int scaleAfterPref,
                                      qmrt_cuda_plan *out) {
  return qmrt_cuda_plan_for_ex3(c, w, M, maxChunks, warps, blocksPerSm,
                                splitN, scaleAfterPref, -1, out);
}

extern "C" int qmrt_cuda_plan_for_ex3(qmrt_cuda_ctx *c,
                                      const qmrt_cuda_weight *w, int64_t M,
                                      int maxChunks, int warps,
                                      int blocksPerSm, int splitN,
                                      int scaleAfterPref, int clusterPref,
                                      qmrt_cuda_plan *out) {
  if (M <= 0)
    return fail("qmrt_cuda_plan_for: M must be positive (" +
                std::to_string(M) + ")");
  // Tile table: m16 tiles per block by M.
  int mt = M <= 16 ? 1 : M <= 32 ? 2 : 4;
  // Rows per block capped (v17d): blocks of 16 or 32 rows, M / rows row
  // blocks that each read the whole weight (the others mostly from L2).
  // The table caps at 16 past M = 16 (h100_exp_v17d.jsonl, same call:
  // 4096x4096 M = 32 / 64 / 128 / 256 14.81 / 36.43 / 71.05 / 129.91 ->
  // 9.38 / 18.51 / 27.94 / 52.93 us; 14336x4096 M = 64 127.48 -> 49.29):
  // the 32- and 64-row kernels hold 64 / 128 f32 accumulators per thread
  // (191 / 245 registers), the 16-row streamed kernel 32.
  const int maxRows = c->maxRowsPref > 0 ? c->maxRowsPref
                      : M > 16           ? 16
                                         : -1;
  if (maxRows > 0)
    mt = std::min(mt, maxRows / 16);
  int best = -1;
  const bool warpsDefault = warps <= 0, bpsDefault = blocksPerSm <= 0;
  if (warps <= 0)
    warps = kDefaultWarps;
  // Tile table (H100, PDL launches; bench/gpu/NOTES.md v7-v10,
  // results/h100_sweep_v7.jsonl, h100_sweep_v8.jsonl and, for M = 5..16 on
  // K < 8192, h100_sweep_v9b.jsonl). Classes: "wide"
  // N >= 16384; "deep" K >= 8192 and N < 16384 ("big" when K*N >= 2e8);
  // else "small". kOneWave = as many splits as keep the grid in one wave;
  // "streamed" = activations streamed through the weight stages.
  //   M <= 4:  small, deep: one wave, streamed from M = 3 (deep: from
  //            M = 1; deep big: ~2 blocks/SM at M = 1, one wave at M = 2);
  //            wide: <= 1024 k per split, warps split N, 2 blocks/SM
  //            (streamed from M = 3; K >= 8192: 4 blocks/SM); at M = 1
  //            with K >= 8192 warps split K, 3 blocks/SM.
  //   M <= 8:  small: one wave, streamed, whole-slice (`_s9`) kernel
  //            (v10); deep: one wave (big: warps split N; else streamed);
  //            wide: 128-column blocks, streamed, one wave (K >= 8192: 64
  //            columns, 3 blocks/SM, streamed, <= 2048 k per split).
  //   M <= 16: small: streamed whole-slice kernel, the fewest splits (an
  //            even division of K's chunks) that keep one wave (v10);
  //            deep: one wave, streamed (big:
  //            warps split N, 4 blocks/SM, <= 2048 k); wide: one wave,
  //            <= 2048 k per split, warps split N (K >= 8192: warps split
  //            K, streamed).
  //   v11: small shapes at M <= 8 and deep (not big) at M = 1 use the
  //   swapped-operand kernels instead (see swWarps below).
  //   (Cluster split-K, the v7/v8 choice for small shapes at M = 5..16,
  //   lost to the streamed global split-K once its reduction issued all
  //   partial loads at once, v9.)
  //   M <= 32: small: one wave; wide and deep: warps split N, 3 blocks/SM
  //            (2 for deep, 8 for K*N >= 2e8).
  //   larger M: warps split K, ~3 blocks/SM.
  const int64_t K = w->meta.K, N = w->meta.N;
  const bool wide = N >= 16384, deep = K >= 8192 && !wide;
  const bool big = K * N >= 200000000;
  int tSplitN = 0, tBps = kDefaultBlocksPerSm, tCluster = 0, tStreamA = 0,
      tWide = 0, tDeep = 0, tMinb = 0, tSwap = 0, tUnroll = 0;
  int64_t tMaxK = 0; // k per split cap (0 = none)
  if (M <= 4) {
    if (wide) {
      tMaxK = 1024;
      if (M <= 1 && K >= 8192)
        tBps = 3;
      else if (M <= 2)
        tSplitN = 1, tBps = 2;
      else
        tSplitN = 1, tBps = K >= 8192 ? 4 : 2, tStreamA = 1;
    } else if (deep && big) {
      tBps = M <= 1 ? 2 : kOneWave;
      tStreamA = M >= 3;
    } else {
      tBps = kOneWave;
      tStreamA = deep || M >= 3;
    }
  } else if (M <= 8) {
    if (wide) {
      if (K >= 8192)
        tBps = 3, tMaxK = 2048, tStreamA = 1;
      else
        tBps = kOneWave, tStreamA = 1, tWide = 1;
    } else if (deep) {
      tBps = kOneWave;
      if (big)
        tSplitN = 1;
      else
        tStreamA = 1;
    } else {
      tBps = kOneWave, tStreamA = 1, tDeep = 1;
    }
  } else if (M <= 16) {
    if (wide) {
      tBps = kOneWave, tMaxK = 2048;
      if (K >= 8192)
        tStreamA = 1;
      else
        tSplitN = 1;
    } else if (deep) {
      if (big)
        tSplitN = 1, tBps = 4, tMaxK = 2048;
      else
        tBps = kOneWave, tStreamA = 1;
    } else {
      // v13 (h100_sweep_v13c.jsonl): two splits of the 3-stage streamed
      // kernel (the two-split exchange reduction) beat the whole-slice
      // kernel at the fewest one-wave splits: 4096x6144 M = 9 / 16 11.29 /
      // 10.99 -> 8.38 / 9.28 us, 4096x4096 9.44 / 8.34 -> 7.70 / 8.29.
      tBps = kTwoSplits, tStreamA = 1;
    }
  } else if (M <= 32) {
    if (wide || deep)
      tSplitN = 1, tBps = big ? 8 : deep ? 2 : 3;
    else
      tBps = kOneWave;
  }
  // 16-row blocks past M = 16 (v17d, above): streamed activations, warps
  // splitting K, the class's blocks per SM; past M = 32 on small shapes
  // one block per SM as the split target, i.e. no split-K once the row
  // blocks fill the chip (h100_exp_v18b.jsonl: 4096x4096 M = 64 s2 -> s1
  // 18.64 -> 14.67 us, 4096x6144 26.94 -> 25.57; larger M was s1 already).
  if (M > 16 && maxRows == 16) {
    tSplitN = 0, tStreamA = 1;
    if (M > 32 && !wide && !deep)
      tBps = 1;
  }
  // v11 (h100_exp_v11.jsonl): swapped-operand kernels (weights as the m16
  // mma operand, 8-row blocks), streamed activations, where they exist for
  // the family: small shapes at M <= 8 with 16 warps and one block per SM
  // where two splits fit one wave (4096x4096: s2), else 4 warps, one wave
  // (4096x6144: s4); deep shapes (not big) at M = 1 with 4 warps, ~4
  // blocks/SM (14336x4096: s7; at M = 4 it measured 16.5 us against the
  // v10 plan's 13.7, h100_ab_v11.jsonl; v13 and v14 replaced both deep
  // entries, below). Only for default plans (no forced split, warp count,
  // blocks per SM or kernel preference).
  const int64_t colBlocks64 = (w->meta.Np + 63) / 64;
  int swWarps = 0, swBps = 0;
  // v13 (h100_sweep_v13c.jsonl, with the two-split exchange reduction):
  // small shapes whose two splits fit one wave at two blocks per SM take 8
  // warps (4096x6144: s2, M = 1 / 8 7.29 / 7.82 -> 6.44 / 7.28 us), and
  // deep shapes (not big) at M = 2..8 take 8 warps at one wave
  // (14336x4096: s4, M = 2 / 8 13.60 / 14.14 -> 12.89 / 13.51).
  // v14 (h100_exp_v14b.jsonl): deep shapes (not big) at M <= 8 take the
  // 8-warp kernel with 1024-k chunks (`_u8`) at one wave (14336x4096 M = 1:
  // s4, 12.15 -> 11.34 us; M = 8: s2, 13.37 -> 13.07), where the chunk
  // divides K (else the 512-k chunk kernel, as v13).
  int swUnroll = 0;
  int64_t swMaxK = 0;       // table: k per split cap of the swapped plan
  bool tSwapRows16 = false; // table: 16-row swapped kernels at M = 9..16
  bool tStreamK = false;    // table: stream-K swapped kernels (v19)
  bool tGroups2 = false;    // table: two warp groups split N (v20, `_x2`)
  bool tRows16AnyM = false; // table: 16-row swapped blocks at M <= 8 too
  // (Both v21 rules below only where the 1024-k chunk divides the padded
  // K; elsewhere the earlier plans.)
  const bool k1024 = w->meta.Kp % 1024 == 0;
  if (M <= 8 && !wide && !deep)
    swWarps = colBlocks64 * 2 <= c->smCount       ? 16
              : colBlocks64 * 2 <= 2 * c->smCount ? 8
                                                  : 4,
    swBps = kOneWave;
  // v21 (h100_exp_v21f.jsonl, same call, two alternating passes; warp
  // barriers, v21b): from M = 3 the 16-warp kernel with 1024-k chunks
  // (`_u4`) at one wave instead: 14336x4096 M = 3 / 5 / 6 / 8 12.08 /
  // 12.60 / 12.78 / 12.94 -> 11.98 / 12.38 / 12.43 / 12.61 us (M = 2 lost,
  // 11.87 against 11.34).
  else if (M <= 8 && deep && !big) {
    const bool u4 = M >= 3 && k1024;
    swWarps = u4 ? 16 : 8, swBps = kOneWave, swUnroll = u4 ? 4 : 8;
  }
  // v21 (h100_exp_v21f.jsonl): small shapes at M = 9..12 whose two 8-row
  // blocks per column block fit one wave at one block per SM take the
  // 16-warp 1024-k chunk kernel without split-K (one wave: s1), each row
  // block reading the whole weight: 4096x4096 M = 9 / 10 / 11 / 12 6.93 /
  // 6.96 / 7.00 / 6.94 -> 6.62 / 6.60 / 6.70 / 6.77 us. At M = 13..16 the
  // v16 plan below stays (7.04-7.21 against 6.92-7.03).
  else if (M > 8 && M <= 12 && !wide && !deep && k1024 &&
           colBlocks64 * 2 <= c->smCount)
    swWarps = 16, swBps = kOneWave, swUnroll = 4;
  // v16 (h100_exp_v16.jsonl): small shapes at M = 9..16 whose grid of two
  // splits and two 8-row blocks fits one wave at two blocks per SM take the
  // swapped 8-warp kernel there (each row block reads the whole weight, the
  // second mostly from L2): 4096x4096 M = 12 / 16 7.95 / 8.29 -> 7.08 /
  // 7.22 us. Where it needs two waves it loses (4096x6144 M = 16: 9.32 ->
  // 12.73), so the others keep the v13 plan.
  else if (M <= 16 && !wide && !deep && colBlocks64 * 4 <= 2 * c->smCount)
    swWarps = 8, swBps = kOneWave;
  // v21 (h100_exp_v21i.jsonl, same call, two alternating passes; padded
  // reduction buffer, v21i): the other small shapes at M = 9..16 take the
  // 16-row swapped 8-warp kernel at two splits instead of the unswapped
  // 16-row 4-warp one: 4096x6144 M = 9 / 12 / 13 / 16 8.01 / 8.68 / 9.02 /
  // 9.02 -> 7.83 / 8.25 / 8.72 / 8.61 us.
  else if (M > 8 && M <= 16 && !wide && !deep)
    swWarps = 8, swBps = kTwoSplits, tSwapRows16 = true;
  // v17 (h100_exp_v17.jsonl, h100_exp_v17c.jsonl): wide shapes at M =
  // 9..16 take the 16-row swapped 8-warp kernel (two n8 row tiles) at two
  // splits instead of warps splitting N (4096x28672 M = 12 / 16 32.57 /
  // 35.31 -> 31.66 / 33.15 us; 8192x28672 58.56 / 61.73 -> 54.89 /
  // 58.81), deep big shapes the same kernel at the table's <= 2048 k per
  // split (28672x8192 62.98 / 67.92 -> 59.13 / 62.58).
  // v19 (h100_exp_v19b.jsonl, same call, two alternating passes): wide
  // shapes with K < 8192 at M <= 16 take the 8-warp stream-K kernels
  // (persistent blocks, two per SM, equal chunk ranges across column
  // blocks): 4096x28672 M = 1 / 8 / 12 / 16 24.28 / 27.75 / 31.28 / 32.95
  // -> 22.21 / 24.66 / 28.05 / 30.14 us. (On 4096x6144 and 14336x4096 they
  // were 15-50% slower: 3-6 contributors per column block.)
  // v20 (h100_exp_v20c.jsonl, same call, two alternating passes): at M =
  // 9..16 the 16-row stream-K kernel with two warp groups splitting N
  // (128-column blocks: half the activation traffic from L2) and 512-k
  // chunks per group (`_x2_u8_sk`, one block per SM): 4096x28672 M = 12 /
  // 16 28.05 / 29.71 -> 26.85 / 28.21 us.
  else if (M <= 16 && wide && K < 8192)
    swWarps = 8, swBps = kTwoSplits, tSwapRows16 = M > 8, tStreamK = true,
    tGroups2 = M > 8, swUnroll = M > 8 ? 8 : 0;
  // v20 (h100_ab_v20d.jsonl): the same `_x2_u8_sk` plan on the wide
  // shapes with K >= 8192 and the deep big ones at M = 9..16, in place of
  // the v17 16-row plans: 8192x28672 M = 12 / 16 55.07 / 58.67 -> 47.35 /
  // 48.68 us, 28672x8192 58.49 / 63.51 -> 49.20 / 49.89 (one pass). And
  // (h100_exp_v20f.jsonl, same call, two alternating passes) as 16-row
  // blocks at M <= 8 too, except deep big at M = 1 (43.93 against 44.65):
  // 8192x28672 M = 1 / 4 / 6 / 8 48.42 / 50.92 / 49.48 / 49.41 -> 43.89 /
  // 45.07 / 45.55 / 46.08, 28672x8192 M = 4 / 6 / 8 48.99 / 50.49 / 51.99
  // -> 46.12 / 46.51 / 46.89.
  else if (M <= 16 && (wide || (deep && big && M >= 2)))
    swWarps = 8, swBps = kTwoSplits, tSwapRows16 = true, tStreamK = true,
    tGroups2 = true, swUnroll = 8, tRows16AnyM = true;
  // v20 (h100_exp_v20b.jsonl, h100_ab_v20d.jsonl, h100_exp_v20h.jsonl):
  // deep shapes (not big) at M = 14..16 take the 16-row swapped kernel
  // with two warp groups splitting N and 512-k chunks per group
  // (`_x2_u8`) at one wave, one block per SM: 14336x4096 M = 16 17.12 ->
  // 16.04 and 16.56 -> 16.11 us (s4, 128 blocks; two calls), M = 14 / 15
  // 16.43 / 16.37 -> 16.01 / 16.08 (two passes). At M = 12 it tied (15.61
  // against 15.46) and at M = 13 it lost (15.85 against 15.57).
  else if (M >= 14 && M <= 16 && deep && !big)
    swWarps = 8, swBps = kOneWave, swUnroll = 8, tSwapRows16 = true,
    tGroups2 = true;
  // (v11d: the 16-warp unswapped streamed kernel `_m16_w16_s3_g_a`, one
  // block per SM at s2, measured 4096x4096 M = 9 / 12 -6% / -4% but M = 16
  // +7% against the v10 plan; selectable with warps = 16, not in the
  // table.)
  const bool splitNDefault = splitN < 0;
  if (splitN < 0)
    splitN = tSplitN;
  if (blocksPerSm <= 0)
    blocksPerSm = tBps;
  // Scale after the mma when a warp iteration stays inside one group.
  auto groupOk = [&](const KernelInfo &k) {
    return (int64_t(1) << std::min<int64_t>(w->meta.gshift, 30)) >= k.unroll;
  };
  int wantScaleAfter = scaleAfterPref < 0 ? 1 : scaleAfterPref;
  auto usable = [&](const KernelInfo &k) {
    return !k.scaleafter || groupOk(k);
  };
  auto score = [&](const KernelInfo &k) {
    return (k.warps == warps ? 4 : 0) + (k.splitn == splitN ? 2 : 0) +
           (k.scaleafter == wantScaleAfter ? 1 : 0);
  };
  // Swapped kernels cover 8 rows per n8 tile: one tile up to M = 8; at
  // M = 9..16 two (16-row blocks, v17) where the cubin has them, unless
  // the table or `qmrt_cuda_set_swap(ctx, 2)` asks for two 8-row blocks
  // (v16).
  const bool sw16 = (M > 8 && (c->swapPref == 1 ||
                               (c->swapPref < 0 && tSwapRows16))) ||
                    (c->swapPref < 0 && tRows16AnyM);
  // Swapped kernels past M = 16 only as 16-row blocks under a row cap.
  const bool swapAnyM = maxRows == 16 && swTilesAvailable(c);
  const int swTiles = (sw16 || swapAnyM) && swTilesAvailable(c) ? 2 : 1;
  // The table's swapped plan applies only to default requests (cluster = 1
  // keeps it and takes the kernel's cluster twin where there is one; the
  // whole-slice preference keeps it and takes the kernel's `_s9` twin).
  const bool tableSwapOk =
      swWarps && warpsDefault && bpsDefault && maxChunks == 0 &&
      (splitN == 0 || splitNDefault) && wantScaleAfter == 1 &&
      clusterPref <= 1 && c->swapPref < 0 && c->streamAPref < 0 &&
      c->widePref < 0 && c->minbPref < 0;
  // Stream-K twins (v19, swapped kernels: M <= 16) where asked for or the
  // table says so, and the family has them.
  const bool tableStreamK = tStreamK && tableSwapOk && c->streamKPref < 0;
  const int skWarps = tableStreamK ? swWarps : warps;
  const int wantStreamK =
      (c->streamKPref > 0 || tableStreamK) && M <= 16 &&
      std::any_of(c->kernels.begin(), c->kernels.end(),
                  [&](const KernelInfo &k) {
                    return k.streamk && k.bits == w->meta.bits &&
                           k.sym == w->meta.symmetric &&
                           k.gather == w->meta.gather && usable(k) &&
                           k.warps == skWarps;
                  });
  auto family = [&](const KernelInfo &k) {
    return !k.cluster && !k.trace && !k.bulk &&
           (k.streamk != 0) == (wantStreamK != 0) &&
           k.bits == w->meta.bits &&
           k.sym == w->meta.symmetric && k.gather == w->meta.gather &&
           (k.swapab ? (M <= 16 || swapAnyM) && k.mtiles == swTiles
                     : k.mtiles == mt) &&
           usable(k);
  };
  if (tableSwapOk &&
      std::any_of(c->kernels.begin(), c->kernels.end(),
                  [&](const KernelInfo &k) {
                    return family(k) && k.swapab && k.streama &&
                           k.warps == swWarps && k.stages <= 3 &&
                           k.minb == 0 && k.scaleafter;
                  })) {
    tSwap = 1, tStreamA = 1, tDeep = 0, tWide = tGroups2 ? 1 : 0,
    tUnroll = swUnroll;
    warps = swWarps, blocksPerSm = swBps, tMaxK = swMaxK, splitN = 0;
  }
  int wantStreamA = c->streamAPref >= 0 ? c->streamAPref : tStreamA;
  if (wantStreamA && !std::any_of(c->kernels.begin(), c->kernels.end(),
                                  [&](const KernelInfo &k) {
                                    return family(k) && k.streama &&
                                           k.warps == warps &&
                                           k.splitn == splitN;
                                  }))
    wantStreamA = 0;
  int wantWide = c->widePref >= 0 ? c->widePref : tWide;
  if (wantWide && !std::any_of(c->kernels.begin(), c->kernels.end(),
                               [&](const KernelInfo &k) {
                                 return family(k) && k.ncols == 128 &&
                                        k.streama == wantStreamA &&
                                        k.warps == warps &&
                                        k.splitn == splitN &&
                                        k.scaleafter == wantScaleAfter;
                               }))
    wantWide = 0;
  const int wantCols = wantWide ? 128 : 64;
  int wantDeep = c->deepPref >= 0 ? c->deepPref : tDeep;
  if (wantDeep && (wantCols != 64 ||
                   !std::any_of(c->kernels.begin(), c->kernels.end(),
                                [&](const KernelInfo &k) {
                                  return family(k) && k.stages > 3 &&
                                         k.sfit && k.ncols == 64 &&
                                         k.streama == wantStreamA &&
                                         k.warps == warps &&
                                         k.splitn == splitN;
                                })))
    wantDeep = 0;
  int wantMinb = c->minbPref >= 0 ? c->minbPref : tMinb;
  if (wantMinb && (wantCols != 64 ||
                   !std::any_of(c->kernels.begin(), c->kernels.end(),
                                [&](const KernelInfo &k) {
                                  return family(k) && k.minb == wantMinb &&
                                         k.ncols == 64 &&
                                         k.streama == wantStreamA &&
                                         k.warps == warps &&
                                         k.splitn == splitN &&
                                         k.scaleafter == wantScaleAfter;
                                })))
    wantMinb = 0;
  // Swapped operands (v11): blocks of 8 rows; up to M = 16 (v16) as two
  // row blocks that each read the whole weight, or (v17) 16-row blocks.
  int wantSwap = c->swapPref >= 0 ? (c->swapPref != 0) : tSwap;
  if (wantSwap && ((M > 16 && !swapAnyM) ||
                   !std::any_of(c->kernels.begin(), c->kernels.end(),
                                [&](const KernelInfo &k) {
                                  return family(k) && k.swapab &&
                                         k.ncols == wantCols &&
                                         k.streama == wantStreamA &&
                                         (k.stages > 3) == (wantDeep != 0) &&
                                         k.minb == wantMinb &&
                                         k.warps == warps &&
                                         k.splitn == splitN;
                                })))
    wantSwap = 0;
  if (!wantSwap && wantMinb &&
      !std::any_of(c->kernels.begin(), c->kernels.end(),
                   [&](const KernelInfo &k) {
                     return family(k) && !k.swapab && k.minb == wantMinb;
                   }))
    wantMinb = 0; // the capped kernels asked for exist only swapped
  // Chunk length (v14, `_u<n>`): the default 512-k chunk, or n k-steps per
  // warp where such a kernel exists and its chunk divides the padded K (a
  // split holds whole chunks).
  int wantUnroll = c->unrollPref >= 0 ? c->unrollPref : tUnroll;
  auto unrollOk = [&](const KernelInfo &k, int u) {
    if (u == 0)
      return defaultChunk(k);
    return !defaultChunk(k) && k.unroll == u &&
           w->meta.Kp % (16 * chunkStepsOf(k)) == 0;
  };
  // The best-scoring kernel of the wanted kind with chunk length u.
  auto pick = [&](int u) {
    int found = -1;
    for (int i = 0; i < (int)c->kernels.size(); ++i) {
      const KernelInfo &k = c->kernels[i];
      if (family(k) && k.streama == wantStreamA && k.ncols == wantCols &&
          (k.stages > 3) == (wantDeep != 0) && k.minb == wantMinb &&
          k.swapab == wantSwap && unrollOk(k, u) &&
          (found < 0 || score(k) > score(c->kernels[found])))
        found = i;
    }
    return found;
  };
  best = pick(wantUnroll);
  if (best < 0 && wantUnroll != 0) // no such long-chunk kernel: default
    best = pick(0);
  if (best < 0)
    // Name the kind asked for: a manifest from another generator build
    // (e.g. other minb values) fails here rather than at launch.
    return fail("qmrt_cuda_plan_for: no kernel in the manifest for bits=" +
                std::to_string(w->meta.bits) +
                " sym=" + std::to_string(w->meta.symmetric) +
                " gather=" + std::to_string(w->meta.gather) +
                " mtiles=" + std::to_string(wantSwap ? swTiles : mt) +
                " swapab=" + std::to_string(wantSwap) +
                " streamk=" + std::to_string(wantStreamK) +
                " warps=" + std::to_string(warps) +
                " ncols=" + std::to_string(wantCols) +
                " streama=" + std::to_string(wantStreamA) +
                " minb=" + std::to_string(wantMinb) +
                " unroll=" + std::to_string(wantUnroll) +
                " (is the manifest from the same quant-gpu-gen build as "
                "this runtime?)");
  const KernelInfo &k = c->kernels[best];
  int64_t chunkSteps = chunkStepsOf(k);
  int64_t rows = rowsOf(k);
  int64_t colsPerBlock = int64_t(k.ncols) * (k.splitn ? k.warps : 1);
  int64_t mBlocks = (M + rows - 1) / rows,
          nBlocks = (w->meta.Np + colsPerBlock - 1) / colsPerBlock;
  int64_t kChunks = w->meta.Kp / (16 * chunkSteps);
  if (k.streamk) {
    // Stream-K (v19): P persistent blocks (as many as are resident at once)
    // over U = column blocks x chunks; the longest segment sizes the
    // stages; nsplit bounds the contributors of a column block (workspace).
    KernelInfo &kk = c->kernels[best];
    if (allowMaxSharedMemory(c, kk))
      return 1;
    const int64_t U = nBlocks * kChunks;
    int64_t P = 0, segMax = 0;
    for (int pass = 0; pass < 2; ++pass) {
      // Occupancy at the stage buffers of the longest segment, which
      // itself depends on P: two passes settle it.
      int64_t seg = P ? std::min<int64_t>(kChunks, (U + P - 1) / P) : 1;
      int occ = 0;
      if (occupancyOf(c, kk, sharedBytes(kk, seg * chunkSteps, M), &occ))
        return 1;
      P = std::min<int64_t>(U, int64_t(c->smCount) * std::max(occ, 1));
      if (maxChunks < 0) // forced: exactly -maxChunks units per block
        P = std::max<int64_t>(1, std::min<int64_t>(U, U / -int64_t(maxChunks)));
      segMax = std::min<int64_t>(kChunks, (U + P - 1) / P);
    }
    const int64_t L = U / P; // every block holds >= L units
    qmrt_cuda_plan p{};
    p.kernel = best;
    p.m_tile = rows;
    p.nsplit = std::min<int64_t>(P, (kChunks - 1 + L - 1) / L + 1);
    p.sps = segMax * chunkSteps;
    p.grid[0] = static_cast<unsigned>(P);
    p.grid[1] = 1;
    p.grid[2] = static_cast<unsigned>(mBlocks);
    p.block = 32 * k.warps;
    p.smem = sharedBytes(k, p.sps, M);
    *out = p;
    return 0;
  }
  // Split K so that about 4 blocks per SM are in flight (batch 1 fills the
  // chip); cap the activation tile in shared memory.
  if (blocksPerSm <= 0)
    blocksPerSm = kDefaultBlocksPerSm;
  int64_t target = int64_t(c->smCount) * blocksPerSm;
  int64_t splits = std::max<int64_t>(
      1, std::min<int64_t>(kChunks, (target + nBlocks * mBlocks - 1) /
                                        (nBlocks * mBlocks)));
  int64_t cps = (kChunks + splits - 1) / splits;
  int64_t chunkBytes = chunkBytesOf(k);
  int64_t smemCap = std::min<int64_t>(c->maxSmemOptin, 96 * 1024) +
                    k.stages * chunkBytes;
  smemCap = std::min<int64_t>(smemCap, c->maxSmemOptin);
  int64_t cpsCap = std::max<int64_t>(
      1, ((smemCap - 32 - k.stages * chunkBytes) /
              (std::min<int64_t>(rows, M) * 2) - 8) /
             (16 * chunkSteps));
  cpsCap = std::min<int64_t>(
      cpsCap, std::max<int64_t>(1, (kMaxActivationBytes /
                                        (std::min<int64_t>(rows, M) * 2) -
                                    8) /
                                       (16 * chunkSteps)));
  if (k.streama) // shared memory does not grow with the split
    cpsCap = kChunks;
  // Whole-slice kernels: the split must fit the stages (stages - 1 chunks
  // fetched before the wait) and the shared memory.
  // Fitted stage buffers (every default kernel): min(stages, chunks per
  // split) of them, so long chunks (`_u8`: 64 KiB) may fit only a short
  // split.
  if (k.stages > 3 && k.sfit)
    cpsCap = std::min<int64_t>(cpsCap, k.stages - 1);
  if (k.sfit)
    while (cpsCap > 1 && (int64_t)sharedBytes(k, cpsCap * chunkSteps, M) >
                             c->maxSmemOptin)
      --cpsCap;
  if (maxChunks > 0)
    cpsCap = std::min<int64_t>(cpsCap, maxChunks);
  else if (tMaxK > 0 && k.splitn == splitN)
    cpsCap = std::min<int64_t>(
        cpsCap, std::max<int64_t>(1, tMaxK / (16 * chunkSteps)));
  cps = std::min(cps, cpsCap);
  if (blocksPerSm == kOneWave || blocksPerSm == kOneWaveFewest) {
    // As many splits as keep every block resident in one wave: the
    // smallest k per split whose grid fits the occupancy that its shared
    // memory and the kernel's registers allow.
    KernelInfo &kk = c->kernels[best];
    if (allowMaxSharedMemory(c, kk))
      return 1;
    auto oneWave = [&](int64_t q, bool *fits) -> int {
      int64_t sp = (kChunks + q - 1) / q;
      int occ = 0;
      if (occupancyOf(c, kk, sharedBytes(kk, q * chunkSteps, M), &occ))
        return 1;
      *fits = nBlocks * mBlocks * sp <= int64_t(c->smCount) * occ;
      return 0;
    };
    bool fits = false;
    for (cps = 1; cps < cpsCap; ++cps) {
      if (oneWave(cps, &fits))
        return 1;
      if (fits)
        break;
    }
    if (blocksPerSm == kOneWaveFewest && kk.stages > 3)
      for (int64_t q = cpsCap; q > cps; --q) {
        if (kChunks % q != 0)
          continue;
        if (oneWave(q, &fits))
          return 1;
        if (fits) {
          cps = q;
          break;
        }
      }
  }
  if (blocksPerSm == kTwoSplits)
    cps = std::min<int64_t>(cpsCap, (kChunks + 1) / 2);
  if (maxChunks < 0) // exactly -maxChunks chunks per split, within the caps
    cps = std::min<int64_t>({-int64_t(maxChunks), cpsCap, kChunks});
  splits = (kChunks + cps - 1) / cps;
  // Split-K through a thread-block cluster (distributed shared memory)
  // where the split count fits one cluster (<= 8 blocks, portable size).
  const int kMaxCluster = 8;
  if (clusterPref < 0)
    clusterPref = tCluster;
  int clusterKernel = -1;
  if (clusterPref > 0 && !k.splitn && !k.streamk) {
    for (int i = 0; i < (int)c->kernels.size(); ++i) {
      const KernelInfo &q = c->kernels[i];
      if (q.cluster && kindKeyButCluster(q) == kindKeyButCluster(k))
        clusterKernel = i;
    }
    if (clusterKernel >= 0 && clusterPref == 2 && splits > kMaxCluster) {
      int64_t cps8 = (kChunks + kMaxCluster - 1) / kMaxCluster;
      if (cps8 <= cpsCap) {
        cps = cps8;
        splits = (kChunks + cps - 1) / cps;
      }
    }
    // The cluster kernel also holds its partial tile in shared memory:
    // shorten the split until it fits (a 128-column 8-bit kernel at M = 11
    // and 3 chunks per split was 6 KiB over, caught by qm-dqgemm-check).
    auto clusterFits = [&](int64_t q) {
      return (int64_t)sharedBytes(c->kernels[clusterKernel], q * chunkSteps,
                                  M) <= c->maxSmemOptin;
    };
    const int64_t cps0 = cps, splits0 = splits;
    if (clusterKernel >= 0)
      while (cps > 1 && !clusterFits(cps)) {
        --cps;
        splits = (kChunks + cps - 1) / cps;
      }
    if (splits < 2 || splits > kMaxCluster ||
        (clusterKernel >= 0 && !clusterFits(cps))) {
      clusterKernel = -1;
      cps = cps0, splits = splits0;
    }
  }
  qmrt_cuda_plan p{};
  if (clusterKernel >= 0) {
    best = clusterKernel;
    p.cluster = static_cast<unsigned>(splits);
  }
  // Bulk-copy twin (v22): the same plan on the kernel's `_b` twin, which
  // copies without zero fill, so only where every chunk lies inside K.
  if (clusterKernel < 0 && c->bulkPref > 0 && w->meta.K == w->meta.Kp) {
    int twin = namedTwin(c, best, "_b", &KernelInfo::bulk);
    if (twin >= 0)
      best = twin;
  }
  p.kernel = best;
  p.m_tile = rows;
  p.nsplit = splits;
  p.sps = cps * chunkSteps;
  p.grid[0] = static_cast<unsigned>(nBlocks);
  p.grid[1] = static_cast<unsigned>(splits);
  p.grid[2] = static_cast<unsigned>(mBlocks);
  p.block = 32 * k.warps;
  p.smem = sharedBytes(c->kernels[best], p.sps, M);
  if ((int64_t)p.smem > c->maxSmemOptin)
    return fail("qmrt_cuda_plan_for: shared memory (" +
                std::to_string(p.smem) + " bytes) over the device limit (" +
                std::to_string(c->maxSmemOptin) + ")");
  *out = p;
  return 0;
}

// Row pitch (floats) of the split-K workspace: the grid's column span.
static int64_t wsPitch(qmrt_cuda_ctx *c, const qmrt_cuda_weight *w,
                       const qmrt_cuda_plan *p) {
  const KernelInfo &k = c->kernels[p->kernel];
  if (k.streamk) // the kernel's pitch runs over all column blocks
    return (int64_t(w->meta.Np) + k.ncols - 1) / k.ncols * k.ncols;
  return int64_t(p->grid[0]) * k.ncols * (k.splitn ? k.warps : 1);
}

// Bytes of the arrival counters of a launch of `p`: one per column block
// (or block of the grid's x, if more) and row block.
static size_t counterBytes(const qmrt_cuda_weight *w, const qmrt_cuda_plan *p) {
  return size_t(std::max<int64_t>(p->grid[0], (w->meta.Np + 63) / 64)) *
         p->grid[2] * 4;
}

// Bytes of the pair workspace a launch of `p` exchanges in: [M][pitch]
// words for two splits (the kernels' exchange reduction), else none.
static size_t pairWorkspaceBytes(qmrt_cuda_ctx *c, const qmrt_cuda_weight *w,
                                 int64_t M, const qmrt_cuda_plan *p) {
  return p->nsplit == 2 || c->kernels[p->kernel].streamk
             ? size_t(M) * wsPitch(c, w, p) * 4
             : 0;
}

// Grows a device buffer to `need` bytes (never shrinks: CUDA-graph replays
// keep its address while the plans fit); a new buffer is filled with the
// 32-bit `word` before any launch uses it.
static int growDeviceBuffer(CUdeviceptr &buf, size_t &have, size_t need,
                            bool fill, unsigned word) {
  if (need <= have)
    return 0;
  if (buf)
    QMRT_CU(cuMemFree(buf));
  buf = 0;
  QMRT_CU(cuMemAlloc(&buf, need));
  if (fill) {
    QMRT_CU(cuMemsetD32(buf, word, need / 4));
    QMRT_CU(cuCtxSynchronize());
  }
  have = need;
  return 0;
}

extern "C" int qmrt_cuda_reserve(qmrt_cuda_ctx *c, const qmrt_cuda_weight *w,
                                 int64_t M, const qmrt_cuda_plan *p) {
  size_t ws = p->nsplit > 1 ? size_t(p->nsplit) * M * wsPitch(c, w, p) * 4 : 16;
  size_t cnt = counterBytes(w, p);
  // Split-K partials (written before they are read: no fill); the pair
  // workspace of the two-split reduction, every word QMRT_PAIR_EMPTY at
  // rest (the kernels restore what they use); the arrival counters, zero
  // at rest.
  if (growDeviceBuffer(c->ws, c->wsBytes, ws, false, 0) ||
      growDeviceBuffer(c->pws, c->pwsBytes, pairWorkspaceBytes(c, w, M, p),
                       true, QMRT_PAIR_EMPTY) ||
      growDeviceBuffer(c->cnt, c->cntBytes, cnt, true, 0))
    return 1;
  KernelInfo &k = c->kernels[p->kernel];
  if ((int)p->smem > k.smemConfigured) {
    QMRT_CU(cuFuncSetAttribute(
        k.fn, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, (int)p->smem));
    k.smemConfigured = (int)p->smem;
  }
  return 0;
}

namespace {
// The kernels take memrefs as expanded descriptors (MLIR's default calling
// convention): allocated ptr, aligned ptr, offset, size, stride (i64).
struct Memref1D {
  CUdeviceptr alloc, aligned;
  int64_t offset, size, stride;
};
} // namespace

extern "C" int qmrt_cuda_matmul(qmrt_cuda_ctx *c, const qmrt_cuda_weight *w,
                                qmrt_devptr a, qmrt_devptr out, int64_t M,
                                const qmrt_cuda_plan *p, void *stream) {
  if (p->nsplit > 1 &&
      c->wsBytes < size_t(p->nsplit) * M * wsPitch(c, w, p) * 4)
    return fail("qmrt_cuda_matmul: workspace too small; call "
                "qmrt_cuda_reserve first");
  if (c->cntBytes < counterBytes(w, p))
    return fail("qmrt_cuda_matmul: counters too small; call "
                "qmrt_cuda_reserve first");
  KernelInfo &k = c->kernels[p->kernel];
  if ((int)p->smem > 48 * 1024 && (int)p->smem > k.smemConfigured)
    return fail("qmrt_cuda_matmul: dynamic shared memory not configured; "
                "call qmrt_cuda_reserve first");
  const auto &m = w->meta;
  int64_t wordsPerLane = m.bits == 4 ? 4 : 8;
  Memref1D qw{w->qw, w->qw, 0, int64_t(m.qw_words), 1};
  (void)wordsPerLane;
  Memref1D sc{w->scales, w->scales, 0, int64_t(m.scale_elems / 8), 1};
  Memref1D zp = w->zeros ? Memref1D{w->zeros, w->zeros, 0,
                                    int64_t(m.scale_elems / 8), 1}
                         : sc;
  Memref1D av{a, a, 0, M * m.K, 1};
  Memref1D perm = w->perm ? Memref1D{w->perm, w->perm, 0, m.Kp, 1}
                          : Memref1D{w->scales, w->scales, 0, 0, 1};
  Memref1D ov{out, out, 0, M * m.N, 1};
  Memref1D ws{c->ws, c->ws, 0, int64_t(c->wsBytes / 4), 1};
  Memref1D cnt{c->cnt, c->cnt, 0, int64_t(c->cntBytes / 4), 1};
  Memref1D scc{w->scales_c, w->scales_c, 0, int64_t(m.scale_elems / 8), 1};
  if (c->pwsBytes < pairWorkspaceBytes(c, w, M, p))
    return fail("qmrt_cuda_matmul: pair workspace too small; call "
                "qmrt_cuda_reserve first");
  Memref1D pws{c->pws, c->pws, 0, int64_t(c->pwsBytes / 4), 1};
  int64_t scalars[8] = {M, m.N, m.K, m.Kp, p->sps, p->nsplit, m.gshift,
                        m.ngroups};
  std::vector<void *> args;
  auto pushMemref = [&](Memref1D &d) {
    for (void *f : {(void *)&d.alloc, (void *)&d.aligned, (void *)&d.offset,
                    (void *)&d.size, (void *)&d.stride})
      args.push_back(f);
  };
  for (Memref1D *d : {&qw, &sc, &zp, &av, &perm, &ov, &ws, &cnt, &scc})
    pushMemref(*d);
  for (int64_t &s : scalars)
    args.push_back(&s);
  pushMemref(pws);
  // Timeline twins take the record and the launch's slot (other kernels
  // declare fewer parameters and never read these).
  Memref1D trace{c->traceBuf, c->traceBuf, 0, c->traceElems, 1};
  int64_t tslot = c->traceSlot;
  if (k.trace) {
    if (!c->traceBuf)
      return fail("qmrt_cuda_matmul: timeline kernel '" + k.name +
                  "' launched without qmrt_cuda_set_trace");
    int64_t need = (tslot + 1) * int64_t(p->grid[0]) * p->grid[1] *
                   p->grid[2] * 16;
    if (need > c->traceElems)
      return fail("qmrt_cuda_matmul: trace record too small for slot " +
                  std::to_string(tslot));
    pushMemref(trace);
    args.push_back(&tslot);
  }
  // Launch attributes: a cluster (split-K in distributed shared memory)
  // and programmatic dependent launch (kernels built for sm_90 wait for the
  // previous grid before touching activations, outputs or the workspace).
  CUlaunchAttribute attrs[2] = {};
  unsigned nattrs = 0;
  if (p->cluster > 1) {
    if (!k.cluster || p->cluster != p->grid[1])
      return fail("qmrt_cuda_matmul: plan's cluster size (" +
                  std::to_string(p->cluster) +
                  ") does not match its kernel or split count");
    CUlaunchAttribute &attr = attrs[nattrs++];
    attr.id = CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION;
    attr.value.clusterDim.x = 1;
    attr.value.clusterDim.y = p->cluster;
    attr.value.clusterDim.z = 1;
  } else if (k.cluster) {
    return fail("qmrt_cuda_matmul: cluster kernel planned without a "
                "cluster size");
  }
  if (c->pdl && k.pdl && c->ccMajor >= 9) {
    CUlaunchAttribute &attr = attrs[nattrs++];
    attr.id = CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION;
    attr.value.programmaticStreamSerializationAllowed = 1;
  }
  if (nattrs) {
    CUlaunchConfig cfg{};
    cfg.gridDimX = p->grid[0];
    cfg.gridDimY = p->grid[1];
    cfg.gridDimZ = p->grid[2];
    cfg.blockDimX = p->block;
    cfg.blockDimY = cfg.blockDimZ = 1;
    cfg.sharedMemBytes = p->smem;
    cfg.hStream = static_cast<CUstream>(stream);
    cfg.attrs = attrs;
    cfg.numAttrs = nattrs;
    QMRT_CU(cuLaunchKernelEx(&cfg, k.fn, args.data(), nullptr));
    return 0;
  }
  QMRT_CU(cuLaunchKernel(k.fn, p->grid[0], p->grid[1], p->grid[2], p->block,
                         1, 1, p->smem, static_cast<CUstream>(stream),
                         args.data(), nullptr));
  return 0;
}
