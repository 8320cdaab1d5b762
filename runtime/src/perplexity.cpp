//===- perplexity.cpp - Evaluation windows, NLL, calibration samples ------===//
//
// See qmrt/perplexity.h for the protocol.
//
//===----------------------------------------------------------------------===//

#include "qmrt/perplexity.h"
#include "qmrt/tokenizer.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace qmrt {

std::vector<std::string> splitFileList(const std::string &list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos)
      comma = list.size();
    if (comma > start)
      out.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::vector<std::string> resolveEvalFiles(const std::string &spec,
                                          const std::string &dataDir) {
  std::string dir = dataDir.empty() || dataDir.back() == '/' ? dataDir
                                                             : dataDir + "/";
  if (spec == "wikitext2")
    return {dir + "wikitext2-test.txt"};
  if (spec == "austen-heldout")
    return {dir + "austen/persuasion.txt", dir + "austen/northangerabbey.txt"};
  if (spec == "manpages-test")
    return {dir + "manpages-test.txt"};
  return splitFileList(spec);
}

bool encodeFilesJoined(const Tokenizer &tokenizer,
                       const std::vector<std::string> &paths,
                       std::vector<int32_t> &ids, std::string &error,
                       int32_t separator) {
  ids.clear();
  if (paths.empty()) {
    error = "no text file given";
    return false;
  }
  std::vector<int32_t> fileIds;
  for (size_t i = 0; i < paths.size(); ++i) {
    if (!encodeFile(tokenizer, paths[i], fileIds, error))
      return false;
    if (i > 0)
      ids.push_back(separator);
    ids.insert(ids.end(), fileIds.begin(), fileIds.end());
  }
  return true;
}

bool makeEvalWindows(const std::vector<int32_t> &stream, EvalWindows &windows,
                     std::string &error, int64_t length, int64_t maxWindows) {
  windows = EvalWindows();
  if (length < 2 || maxWindows < 1) {
    error = "invalid evaluation windows (length " + std::to_string(length) +
            ", at most " + std::to_string(maxWindows) +
            "): need length >= 2 and at least one window";
    return false;
  }
  int64_t total = static_cast<int64_t>(stream.size());
  int64_t count = std::min<int64_t>(total / length, maxWindows);
  if (count == 0) {
    error = "evaluation text has too few tokens (" + std::to_string(total) +
            ") for one window of " + std::to_string(length);
    return false;
  }
  windows.length = length;
  windows.count = count;
  windows.streamTokens = total;
  windows.tokens.assign(stream.begin(), stream.begin() + count * length);
  return true;
}

bool makeEvalWindowsFromFiles(const Tokenizer &tokenizer,
                              const std::vector<std::string> &paths,
                              EvalWindows &windows, std::string &error,
                              int64_t length, int64_t maxWindows) {
  std::vector<int32_t> stream;
  if (!encodeFilesJoined(tokenizer, paths, stream, error))
    return false;
  return makeEvalWindows(stream, windows, error, length, maxWindows);
}

double negativeLogLikelihood(const float *logits, int64_t vocab,
                             int32_t target) {
  double maxLogit = -INFINITY;
  for (int64_t v = 0; v < vocab; ++v)
    maxLogit = std::max(maxLogit, static_cast<double>(logits[v]));
  if (!std::isfinite(maxLogit))
    return maxLogit == -INFINITY ? INFINITY : NAN;
  double sum = 0.0;
  for (int64_t v = 0; v < vocab; ++v)
    sum += std::exp(static_cast<double>(logits[v]) - maxLogit);
  // log-softmax[target] = logit - max - log(sum)
  return -(static_cast<double>(logits[target]) - maxLogit - std::log(sum));
}

void NllAccumulator::addPrediction(const float *logits, int64_t vocab,
                                   int32_t target) {
  sum_ += negativeLogLikelihood(logits, vocab, target);
  ++count_;
}

bool NllAccumulator::addSequence(const float *logits, const int32_t *tokens,
                                 int64_t length, int64_t vocab,
                                 std::string &error) {
  for (int64_t t = 1; t < length; ++t) {
    if (tokens[t] < 0 || tokens[t] >= vocab) {
      error = "target token id (" + std::to_string(tokens[t]) +
              ") at position " + std::to_string(t) +
              " is outside the logits' vocabulary (" + std::to_string(vocab) +
              ")";
      return false;
    }
  }
  for (int64_t t = 0; t + 1 < length; ++t)
    addPrediction(logits + t * vocab, vocab, tokens[t + 1]);
  return true;
}

double NllAccumulator::perplexity() const { return std::exp(meanNll()); }

bool evaluatePerplexity(const EvalWindows &windows, int64_t vocab,
                        const WindowLogitsFn &logitsFn,
                        PerplexityResult &result, std::string &error) {
  result = PerplexityResult();
  if (windows.count == 0 || vocab <= 0) {
    error = "nothing to evaluate (" + std::to_string(windows.count) +
            " windows, vocabulary " + std::to_string(vocab) + ")";
    return false;
  }
  NllAccumulator acc;
  std::vector<float> logits;
  for (int64_t w = 0; w < windows.count; ++w) {
    logits.clear();
    if (!logitsFn(windows.window(w), windows.length, logits, error))
      return false;
    int64_t expected = windows.length * vocab;
    if (static_cast<int64_t>(logits.size()) != expected) {
      error = "window " + std::to_string(w) + ": logits have " +
              std::to_string(logits.size()) + " values, expected " +
              std::to_string(expected) + " (" +
              std::to_string(windows.length) + " x " + std::to_string(vocab) +
              ")";
      return false;
    }
    if (!acc.addSequence(logits.data(), windows.window(w), windows.length,
                         vocab, error))
      return false;
  }
  result.meanNll = acc.meanNll();
  result.perplexity = acc.perplexity();
  result.windows = windows.count;
  result.predictedTokens = acc.count();
  if (!std::isfinite(result.perplexity)) {
    error = "perplexity is not finite (mean NLL " +
            std::to_string(result.meanNll) + "): non-finite logits?";
    return false;
  }
  return true;
}

bool sampleCalibrationWindows(const std::vector<int32_t> &stream,
                              int64_t numSamples, int64_t sampleLength,
                              uint64_t seed, std::vector<int32_t> &samples,
                              std::string &error,
                              std::vector<int64_t> *offsets) {
  samples.clear();
  if (offsets)
    offsets->clear();
  if (numSamples < 1 || sampleLength < 1) {
    error = "invalid calibration sampling (" + std::to_string(numSamples) +
            " samples x " + std::to_string(sampleLength) +
            " tokens): both must be positive";
    return false;
  }
  int64_t total = static_cast<int64_t>(stream.size());
  if (numSamples > total / sampleLength) {
    error = "calibration text has too few tokens (" + std::to_string(total) +
            ") for " + std::to_string(numSamples) + " samples x " +
            std::to_string(sampleLength) + " tokens (" +
            std::to_string(numSamples * sampleLength) + ")";
    return false;
  }
  std::mt19937_64 rng(seed);
  uint64_t range = static_cast<uint64_t>(total - sampleLength + 1);
  samples.reserve(numSamples * sampleLength);
  for (int64_t i = 0; i < numSamples; ++i) {
    int64_t offset = static_cast<int64_t>(rng() % range);
    if (offsets)
      offsets->push_back(offset);
    samples.insert(samples.end(), stream.begin() + offset,
                   stream.begin() + offset + sampleLength);
  }
  return true;
}

} // namespace qmrt
