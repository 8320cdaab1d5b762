//===- CalibrationStats.cpp - per-matmul calibration statistics -------------===//
//
// Part of quant-mlir. See CalibrationStats.h.
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Quantization/CalibrationStats.h"

#include <cstdio>
#include <cstring>

using namespace mlir::qm;
using mlir::qm::solvers::HessianAccumulator;

static uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  h *= 0xff51afd7ed558ccdull;
  return h ^ (h >> 33);
}

/// 64-bit hash of the raw bytes of the activations.
static uint64_t hashData(const float *data, int64_t count, int64_t cols) {
  uint64_t h = mix(0x51ed27a1u, (uint64_t)count);
  h = mix(h, (uint64_t)cols);
  const unsigned char *bytes = reinterpret_cast<const unsigned char *>(data);
  size_t size = (size_t)count * sizeof(float), i = 0;
  uint64_t a = h, b = ~h;
  for (; i + 16 <= size; i += 16) {
    uint64_t x, y;
    std::memcpy(&x, bytes + i, 8);
    std::memcpy(&y, bytes + i + 8, 8);
    a = (a ^ x) * 0x9ddfea08eb382d69ull;
    b = (b ^ y) * 0xc2b2ae3d27d4eb4full;
    a ^= a >> 29;
    b ^= b >> 31;
  }
  for (; i < size; ++i)
    a = (a ^ bytes[i]) * 0x100000001b3ull;
  return mix(a, b);
}

void CalibrationStats::accumulate(const char *tagPtr, const float *data,
                                  int64_t rows, int64_t cols) {
  std::string tag(tagPtr ? tagPtr : "");
  std::lock_guard<std::mutex> lock(*mutex);
  if (filter && !filter(tag))
    return;
  if (cols <= 0 || rows < 0) {
    if (error.empty())
      error = "observer '" + tag + "' sent a bad shape (" +
              std::to_string(rows) + " x " + std::to_string(cols) + ")";
    return;
  }
  if (rows == 0)
    return;
  std::shared_ptr<Entry> &cur = byTag[tag];
  if (cur && cur->acc.getK() != cols) {
    if (error.empty())
      error = "observer '" + tag + "' changed its width (" +
              std::to_string(cur->acc.getK()) + " then " +
              std::to_string(cols) + ")";
    return;
  }
  uint64_t newChain = mix(cur ? cur->chain : 0x7a11u, hashData(data, rows * cols, cols));
  // Another tag has seen exactly this sequence of inputs: share its result.
  auto it = byChain.find(newChain);
  if (it != byChain.end()) {
    if (std::shared_ptr<Entry> shared = it->second.lock()) {
      cur = shared;
      return;
    }
  }
  if (!cur) {
    cur = std::make_shared<Entry>();
    cur->acc.reset(cols);
    if (sampleEvery > 0)
      cur->acc.keepRowSample(sampleEvery, sampleMax);
  } else if (cur.use_count() > 1) {
    // Shared so far but the inputs diverge now: continue on a private copy.
    cur = std::make_shared<Entry>(*cur);
  } else {
    byChain.erase(cur->chain);
  }
  cur->acc.add(data, rows);
  cur->chain = newChain;
  byChain[newChain] = cur;
}

void CalibrationStats::observerCallback(void *user, const char *tag,
                                        const float *data, int64_t rows,
                                        int64_t cols) {
  static_cast<CalibrationStats *>(user)->accumulate(tag, data, rows, cols);
}

const HessianAccumulator *
CalibrationStats::lookup(const std::string &tag) const {
  auto it = byTag.find(tag);
  return it == byTag.end() ? nullptr : &it->second->acc;
}

std::vector<std::string> CalibrationStats::getTags() const {
  std::vector<std::string> tags;
  for (const auto &entry : byTag)
    tags.push_back(entry.first);
  return tags;
}

void CalibrationStats::clear() {
  byTag.clear();
  byChain.clear();
  error.clear();
}

void CalibrationStats::set(const std::string &tag, HessianAccumulator acc) {
  auto entry = std::make_shared<Entry>();
  entry->acc = std::move(acc);
  entry->chain = mix(0xfeedu, std::hash<std::string>()(tag));
  byTag[tag] = entry;
}

void CalibrationStats::mergeFrom(const CalibrationStats &other) {
  for (const auto &[tag, entry] : other.byTag) {
    const HessianAccumulator &a = entry->acc;
    HessianAccumulator copy;
    copy.assign(a.getK(), a.getNumSamples(), a.getHessian(), a.getMeanAbs());
    set(tag, std::move(copy));
  }
}

//===----------------------------------------------------------------------===//
// File format
//===----------------------------------------------------------------------===//

static const char kMagic[8] = {'Q', 'M', 'C', 'A', 'L', 'I', 'B', '1'};
static constexpr uint32_t kVersion = 1;

bool CalibrationStats::save(const std::string &path, std::string &err) const {
  FILE *f = std::fopen(path.c_str(), "wb");
  if (!f) {
    err = "cannot write calibration statistics '" + path + "': " +
          std::strerror(errno);
    return false;
  }
  bool ok = std::fwrite(kMagic, 1, 8, f) == 8;
  uint32_t header[2] = {kVersion, (uint32_t)byTag.size()};
  ok &= std::fwrite(header, 4, 2, f) == 2;
  std::vector<double> tri;
  for (const auto &[tag, entry] : byTag) {
    const HessianAccumulator &a = entry->acc;
    uint32_t len = (uint32_t)tag.size();
    int64_t dims[2] = {a.getK(), a.getNumSamples()};
    ok &= std::fwrite(&len, 4, 1, f) == 1;
    ok &= std::fwrite(tag.data(), 1, len, f) == len;
    ok &= std::fwrite(dims, 8, 2, f) == 2;
    const std::vector<double> &h = a.getHessian();
    int64_t k = a.getK();
    tri.clear();
    for (int64_t i = 0; i < k; ++i)
      tri.insert(tri.end(), h.begin() + i * k, h.begin() + i * k + i + 1);
    ok &= std::fwrite(tri.data(), 8, tri.size(), f) == tri.size();
    ok &= std::fwrite(a.getMeanAbs().data(), 8, k, f) == (size_t)k;
  }
  ok &= std::fclose(f) == 0;
  if (!ok)
    err = "failed writing calibration statistics '" + path + "'";
  return ok;
}

bool CalibrationStats::load(const std::string &path, std::string &err) {
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) {
    err = "cannot open calibration statistics '" + path + "': " +
          std::strerror(errno);
    return false;
  }
  std::unique_ptr<FILE, int (*)(FILE *)> closer(f, &std::fclose);
  auto fail = [&](const std::string &what) {
    err = "bad calibration statistics file '" + path + "': " + what;
    return false;
  };
  char magic[8];
  uint32_t header[2];
  if (std::fread(magic, 1, 8, f) != 8 || std::memcmp(magic, kMagic, 8) != 0)
    return fail("missing QMCALIB1 header");
  if (std::fread(header, 4, 2, f) != 2)
    return fail("truncated header");
  if (header[0] != kVersion)
    return fail("unsupported version (" + std::to_string(header[0]) + ")");
  clear();
  for (uint32_t t = 0; t < header[1]; ++t) {
    uint32_t len;
    if (std::fread(&len, 4, 1, f) != 1 || len == 0 || len > 4096)
      return fail("bad tag name length in entry " + std::to_string(t));
    std::string tag(len, '\0');
    int64_t dims[2];
    if (std::fread(tag.data(), 1, len, f) != len ||
        std::fread(dims, 8, 2, f) != 2)
      return fail("truncated entry " + std::to_string(t));
    int64_t k = dims[0];
    if (k <= 0 || k > (1 << 20) || dims[1] < 0)
      return fail("tag '" + tag + "' has bad sizes (K = " + std::to_string(k) +
                  ", samples = " + std::to_string(dims[1]) + ")");
    std::vector<double> tri(k * (k + 1) / 2), h(k * k), meanAbs(k);
    if (std::fread(tri.data(), 8, tri.size(), f) != tri.size() ||
        std::fread(meanAbs.data(), 8, k, f) != (size_t)k)
      return fail("truncated data of tag '" + tag + "'");
    size_t p = 0;
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j <= i; ++j, ++p)
        h[i * k + j] = h[j * k + i] = tri[p];
    HessianAccumulator acc;
    acc.assign(k, dims[1], std::move(h), std::move(meanAbs));
    set(tag, std::move(acc));
  }
  char extra;
  if (std::fread(&extra, 1, 1, f) != 0)
    return fail("trailing data after " + std::to_string(header[1]) + " tags");
  return true;
}
