//===- perplexity.h - Evaluation windows, NLL, calibration samples -*- C++ -*-===//
//
// The perplexity protocol of ../shared/models/README.md, shared by every
// tool that reports a perplexity (so numbers are comparable with
// reference_ppl.json):
//
//  - the text is read whole and encoded; several files are joined with a
//    separator id between them (austen-heldout = ids(persuasion.txt) + [0] +
//    ids(northangerabbey.txt));
//  - non-overlapping windows of 512 tokens from the start, at most 400 of
//    them, the tail that does not fill a window is dropped;
//  - each window is a separate sequence; every position but the first is
//    predicted (logits row t predicts token t+1);
//  - perplexity = exp(mean negative log-likelihood over all predicted
//    tokens), the log-softmax taken in double precision.
//
// Also the calibration sampler: N windows of L tokens at random offsets of a
// token stream, reproducible from a seed.
//
// No dependency beyond the C++17 standard library; nothing throws.
//
//===----------------------------------------------------------------------===//

#ifndef QMRT_PERPLEXITY_H
#define QMRT_PERPLEXITY_H

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace qmrt {

class Tokenizer;

/// The protocol's constants.
constexpr int64_t kEvalWindowLength = 512;
constexpr int64_t kEvalMaxWindows = 400;
constexpr int32_t kEvalFileSeparator = 0; // <|endoftext|>

/// Splits a comma-separated list of text files ("a.txt,b.txt"); empty
/// entries are dropped.
std::vector<std::string> splitFileList(const std::string &list);

/// The evaluation set of a --eval-ppl style argument: one of the protocol's
/// named sets, resolved in `dataDir` (the folder of ../shared/data),
///   "wikitext2"      -> wikitext2-test.txt
///   "austen-heldout" -> austen/persuasion.txt, austen/northangerabbey.txt
///   "manpages-test"  -> manpages-test.txt
/// or else a comma-separated file list (splitFileList).
std::vector<std::string> resolveEvalFiles(const std::string &spec,
                                          const std::string &dataDir);

/// Encodes each file (see encodeFile) and concatenates the id sequences with
/// `separator` between consecutive files. Errors name the file.
bool encodeFilesJoined(const Tokenizer &tokenizer,
                       const std::vector<std::string> &paths,
                       std::vector<int32_t> &ids, std::string &error,
                       int32_t separator = kEvalFileSeparator);

/// The evaluation windows of a token stream: `count` consecutive windows of
/// `length` tokens starting at token 0 (window w is tokens[w*length ..
/// (w+1)*length)).
struct EvalWindows {
  std::vector<int32_t> tokens; // count * length ids, window after window
  int64_t length = 0;
  int64_t count = 0;
  /// Tokens the stream had before windowing (the dropped tail included).
  int64_t streamTokens = 0;

  const int32_t *window(int64_t w) const { return tokens.data() + w * length; }
  /// Number of predicted tokens: count * (length - 1).
  int64_t predictedTokens() const { return count * (length - 1); }
};

/// Builds the windows; fails when the stream is shorter than one window (or
/// when length < 2 or maxWindows < 1), saying the numbers.
bool makeEvalWindows(const std::vector<int32_t> &stream, EvalWindows &windows,
                     std::string &error, int64_t length = kEvalWindowLength,
                     int64_t maxWindows = kEvalMaxWindows);

/// encodeFilesJoined + makeEvalWindows.
bool makeEvalWindowsFromFiles(const Tokenizer &tokenizer,
                              const std::vector<std::string> &paths,
                              EvalWindows &windows, std::string &error,
                              int64_t length = kEvalWindowLength,
                              int64_t maxWindows = kEvalMaxWindows);

/// -log softmax(logits)[target], computed in double with the max subtracted
/// (stable for any finite logits). Returns +inf/NaN when the logits are
/// non-finite.
double negativeLogLikelihood(const float *logits, int64_t vocab,
                             int32_t target);

/// Sums the NLL of predicted tokens over sequences.
class NllAccumulator {
public:
  /// Adds one prediction.
  void addPrediction(const float *logits, int64_t vocab, int32_t target);
  /// Adds one sequence: `logits` holds `length` rows of `vocab` floats (row
  /// t predicts tokens[t+1]); the last row is not used. Returns false (and
  /// adds nothing) when a target id is outside [0, vocab).
  bool addSequence(const float *logits, const int32_t *tokens, int64_t length,
                   int64_t vocab, std::string &error);

  int64_t count() const { return count_; }
  double totalNll() const { return sum_; }
  double meanNll() const { return count_ ? sum_ / count_ : 0.0; }
  double perplexity() const;

private:
  double sum_ = 0.0;
  int64_t count_ = 0;
};

struct PerplexityResult {
  double perplexity = 0.0;
  double meanNll = 0.0;
  int64_t windows = 0;
  int64_t predictedTokens = 0;
};

/// Produces the logits ([length, vocab] row-major) of one window.
using WindowLogitsFn = std::function<bool(
    const int32_t *tokens, int64_t length, std::vector<float> &logits,
    std::string &error)>;

/// Runs `logitsFn` on every window and accumulates the protocol's
/// perplexity. Fails when logitsFn fails or returns a wrongly sized buffer,
/// or when the perplexity is not finite.
bool evaluatePerplexity(const EvalWindows &windows, int64_t vocab,
                        const WindowLogitsFn &logitsFn,
                        PerplexityResult &result, std::string &error);

/// Draws `numSamples` windows of `sampleLength` tokens from `stream` at
/// random offsets: offset_i = rng() % (stream.size() - sampleLength + 1)
/// with rng = std::mt19937_64(seed), drawn in order (std::mt19937_64 is
/// fully specified by the standard, so the samples are the same with every
/// standard library). Windows may overlap. Fails, saying the numbers, when
/// the stream has fewer than numSamples * sampleLength tokens.
/// `samples` receives numSamples * sampleLength ids; `offsets` (optional)
/// the start offsets.
bool sampleCalibrationWindows(const std::vector<int32_t> &stream,
                              int64_t numSamples, int64_t sampleLength,
                              uint64_t seed, std::vector<int32_t> &samples,
                              std::string &error,
                              std::vector<int64_t> *offsets = nullptr);

} // namespace qmrt

#endif // QMRT_PERPLEXITY_H
