//===- CalibrationStats.h - per-matmul calibration statistics ---*- C++ -*-===//
//
// Part of quant-mlir. The statistics that calibration collects for every
// quantizable matmul (keyed by its tag, the observer's tag = the matmul's
// name): K, the number of input rows seen, H = 2 XᵀX / n (K x K, f64) and
// the mean |x| per input channel (K, f64, for AWQ). Plain C++ (no MLIR), so
// the runtime's observer callback can feed it directly:
//
//   CalibrationStats stats;
//   qmrt_set_observer(&CalibrationStats::observerCallback, &stats);
//
// Tags fed identical inputs (q/k/v, gate/up) share one accumulator as long
// as their inputs stay identical, so each distinct input costs one dsyrk.
//
// File format (little-endian):
//   "QMCALIB1" | u32 version (1) | u32 tag count |
//   per tag: u32 name length | name | i64 K | i64 samples |
//            f64 H lower triangle, row by row (K (K + 1) / 2) | f64 mean |x| (K)
//
//===----------------------------------------------------------------------===//

#ifndef QM_PASSES_QUANTIZATION_CALIBRATIONSTATS_H
#define QM_PASSES_QUANTIZATION_CALIBRATIONSTATS_H

#include "qm/Passes/Quantization/Solvers/GPTQ.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace mlir::qm {

class CalibrationStats {
public:
  CalibrationStats() = default;
  CalibrationStats(const CalibrationStats &) = delete;
  CalibrationStats &operator=(const CalibrationStats &) = delete;
  CalibrationStats(CalibrationStats &&) = default;
  CalibrationStats &operator=(CalibrationStats &&) = default;

  /// Adds `rows` x `cols` row-major f32 activations observed for `tag`.
  /// Safe to call from several threads (calls are serialized).
  /// A width that differs from the tag's earlier calls is recorded as an
  /// error (see getError) and the call is ignored.
  void accumulate(const char *tag, const float *data, int64_t rows,
                  int64_t cols);
  /// The same, with the signature of the runtime's qmrt_observer_fn;
  /// `user` is the CalibrationStats.
  static void observerCallback(void *user, const char *tag, const float *data,
                               int64_t rows, int64_t cols);

  /// Only tags for which `filter` returns true are accumulated (all when
  /// unset); lets sequential calibration collect one layer at a time.
  void setFilter(std::function<bool(const std::string &)> filter) {
    this->filter = std::move(filter);
  }

  /// New tags also keep a sample of their rows (see
  /// HessianAccumulator::keepRowSample).
  void keepRowSample(int64_t every, int64_t maxRows) {
    sampleEvery = every;
    sampleMax = maxRows;
  }

  /// The statistics of `tag`, or null.
  const solvers::HessianAccumulator *lookup(const std::string &tag) const;
  /// Tags in sorted order.
  std::vector<std::string> getTags() const;
  bool empty() const { return byTag.empty(); }
  /// First error met by accumulate (empty when none).
  const std::string &getError() const { return error; }
  /// Removes every tag.
  void clear();
  /// Copies the statistics of `other` (replacing tags with the same name).
  void mergeFrom(const CalibrationStats &other);
  /// Sets a tag's statistics (tests, tools).
  void set(const std::string &tag, solvers::HessianAccumulator acc);

  /// Writes the file; returns false and sets `err` on failure.
  bool save(const std::string &path, std::string &err) const;
  /// Reads a file written by save; returns false and sets `err` (naming the
  /// file and what is wrong) on failure.
  bool load(const std::string &path, std::string &err);

private:
  struct Entry {
    solvers::HessianAccumulator acc;
    /// Hash of the sequence of inputs this accumulator has seen.
    uint64_t chain = 0;
  };
  std::map<std::string, std::shared_ptr<Entry>> byTag;
  std::unordered_map<uint64_t, std::weak_ptr<Entry>> byChain;
  std::function<bool(const std::string &)> filter;
  std::string error;
  int64_t sampleEvery = 0, sampleMax = 0;
  std::unique_ptr<std::mutex> mutex = std::make_unique<std::mutex>();
};

} // namespace mlir::qm

#endif // QM_PASSES_QUANTIZATION_CALIBRATIONSTATS_H
