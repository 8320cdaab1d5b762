//===- qmrt-tokenize.cpp - Encode, decode, window and sample text ---------===//
//
// Command-line front end of the runtime tokenizer and perplexity protocol:
//
//   qmrt-tokenize --tokenizer T --encode FILE[,FILE...] [--output OUT]
//       ids of the text (several files are joined with id 0 between them),
//       as decimal text (one line) or, with --output, raw little-endian int32
//   qmrt-tokenize --tokenizer T --text STRING
//       ids of a string given on the command line
//   qmrt-tokenize --tokenizer T --pretokens FILE [--output OUT]
//       byte lengths of the pre-tokenizer's pieces of the file's text
//       (a debugging aid: compare with tokenizers' pre_tokenize_str)
//   qmrt-tokenize --tokenizer T --decode IDS [--binary] [--skip-special]
//       [--output OUT]
//       text of ids read from IDS (decimal text, or int32 with --binary)
//   qmrt-tokenize --tokenizer T --eval-windows SET|FILE[,FILE...]
//       [--data-dir DIR] [--max-windows N] [--window-length L] [--dump-windows OUT]
//       [--logits-stdin [--vocab V]]
//       the perplexity protocol's windows: stream tokens, windows, predicted
//       (SET: wikitext2, austen-heldout or manpages-test, in DIR);
//       --dump-windows writes their ids (int32); --logits-stdin then reads
//       each window's logits ([L, V] float32, window after window) from
//       stdin and prints the protocol's perplexity (so any model runner can
//       be plugged in front)
//   qmrt-tokenize --tokenizer T --calib FILE --samples N --length L --seed S
//       calibration sample offsets
//   --time  reports the encode time on stderr
//
//===----------------------------------------------------------------------===//

#include "qmrt/perplexity.h"
#include "qmrt/tokenizer.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

int fail(const std::string &message) {
  std::cerr << "qmrt-tokenize: error: " << message << "\n";
  return 1;
}

void usage() {
  std::cerr
      << "usage: qmrt-tokenize --tokenizer tokenizer.json MODE [options]\n"
         "modes:\n"
         "  --encode FILE[,FILE...]   ids of the text (files joined by id 0)\n"
         "  --text STRING             ids of STRING\n"
         "  --decode IDS              text of the ids in file IDS\n"
         "  --pretokens FILE          byte lengths of the pre-tokens\n"
         "  --eval-windows SET|FILE[,...] the perplexity protocol's windows\n"
         "      [--data-dir DIR]  folder of the named sets (wikitext2,\n"
         "                        austen-heldout, manpages-test)\n"
         "      [--max-windows N] [--window-length L] [--dump-windows OUT]\n"
         "      [--logits-stdin [--vocab V]]  perplexity of logits on stdin\n"
         "  --calib FILE --samples N --length L [--seed S]\n"
         "                            calibration sample offsets\n"
         "options:\n"
         "  --output OUT      write ids as int32 (encode) or text (decode)\n"
         "  --binary          IDS is raw int32 (decode)\n"
         "  --skip-special    leave special tokens out (decode)\n"
         "  --time            report the encode speed on stderr\n";
}

bool parseInt(const std::string &s, int64_t &value) {
  char *end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || errno != 0)
    return false;
  value = v;
  return true;
}

bool writeFile(const std::string &path, const void *data, size_t size,
               std::string &error) {
  std::ofstream out(path, std::ios::binary);
  if (!out || !out.write(static_cast<const char *>(data), size)) {
    error = "cannot write '" + path + "'";
    return false;
  }
  return true;
}

void printIds(const std::vector<int32_t> &ids) {
  std::string line;
  line.reserve(ids.size() * 5);
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i)
      line += ' ';
    line += std::to_string(ids[i]);
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stdout);
}

} // namespace

int main(int argc, char **argv) {
  std::string tokenizerPath, mode, modeArg, output, seedText = "0";
  std::string dumpWindows, dataDir = ".";
  int64_t samples = 0, length = 0, vocab = 0;
  int64_t maxWindows = qmrt::kEvalMaxWindows,
          windowLength = qmrt::kEvalWindowLength;
  bool binary = false, skipSpecial = false, timing = false,
       logitsStdin = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](std::string &into) {
      if (i + 1 >= argc)
        return false;
      into = argv[++i];
      return true;
    };
    auto intValue = [&](int64_t &into) {
      std::string text;
      return value(text) && parseInt(text, into);
    };
    if (arg == "--tokenizer") {
      if (!value(tokenizerPath))
        return fail("--tokenizer needs a file");
    } else if (arg == "--encode" || arg == "--text" || arg == "--decode" ||
               arg == "--eval-windows" || arg == "--calib" ||
               arg == "--pretokens") {
      if (!mode.empty())
        return fail("give one mode only (" + mode + ", " + arg + ")");
      mode = arg;
      if (!value(modeArg))
        return fail(arg + " needs an argument");
    } else if (arg == "--output") {
      if (!value(output))
        return fail("--output needs a file");
    } else if (arg == "--samples") {
      if (!intValue(samples))
        return fail("--samples needs an integer");
    } else if (arg == "--length") {
      if (!intValue(length))
        return fail("--length needs an integer");
    } else if (arg == "--seed") {
      if (!value(seedText))
        return fail("--seed needs an integer");
    } else if (arg == "--max-windows") {
      if (!intValue(maxWindows))
        return fail("--max-windows needs an integer");
    } else if (arg == "--window-length") {
      if (!intValue(windowLength))
        return fail("--window-length needs an integer");
    } else if (arg == "--vocab") {
      if (!intValue(vocab) || vocab < 1)
        return fail("--vocab needs a positive integer");
    } else if (arg == "--data-dir") {
      if (!value(dataDir))
        return fail("--data-dir needs a folder");
    } else if (arg == "--dump-windows") {
      if (!value(dumpWindows))
        return fail("--dump-windows needs a file");
    } else if (arg == "--logits-stdin") {
      logitsStdin = true;
    } else if (arg == "--binary") {
      binary = true;
    } else if (arg == "--skip-special") {
      skipSpecial = true;
    } else if (arg == "--time") {
      timing = true;
    } else if (arg == "--help" || arg == "-h") {
      usage();
      return 0;
    } else {
      usage();
      return fail("unknown argument '" + arg + "'");
    }
  }
  if (tokenizerPath.empty())
    return fail("missing --tokenizer");
  if (mode.empty()) {
    usage();
    return fail("missing mode (--encode, --text, --decode, --pretokens, "
                "--eval-windows or --calib)");
  }

  std::string error;
  auto tokenizer = qmrt::Tokenizer::loadFromFile(tokenizerPath, error);
  if (!tokenizer)
    return fail(error);

  if (mode == "--encode" || mode == "--text") {
    std::vector<int32_t> ids;
    auto start = std::chrono::steady_clock::now();
    size_t bytes = 0;
    if (mode == "--text") {
      bytes = modeArg.size();
      if (!tokenizer->encode(modeArg, ids, error))
        return fail(error);
    } else {
      std::vector<std::string> files = qmrt::splitFileList(modeArg);
      if (!qmrt::encodeFilesJoined(*tokenizer, files, ids, error))
        return fail(error);
      for (const std::string &f : files) {
        std::ifstream in(f, std::ios::binary | std::ios::ate);
        bytes += static_cast<size_t>(in.tellg());
      }
    }
    double seconds = std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - start)
                         .count();
    if (timing)
      std::fprintf(stderr,
                   "encoded %zu bytes to %zu tokens in %.3f s (%.1f MB/s, "
                   "file reading included)\n",
                   bytes, ids.size(), seconds, bytes / 1e6 / seconds);
    if (!output.empty())
      return writeFile(output, ids.data(), ids.size() * sizeof(int32_t), error)
                 ? 0
                 : fail(error);
    printIds(ids);
    return 0;
  }

  if (mode == "--pretokens") {
    std::string text;
    if (!qmrt::readTextFile(modeArg, text, error))
      return fail(error);
    std::vector<int32_t> lengths;
    for (std::string_view piece : tokenizer->preTokenize(text))
      lengths.push_back(static_cast<int32_t>(piece.size()));
    if (!output.empty())
      return writeFile(output, lengths.data(),
                       lengths.size() * sizeof(int32_t), error)
                 ? 0
                 : fail(error);
    printIds(lengths);
    return 0;
  }

  if (mode == "--decode") {
    std::ifstream in(modeArg, std::ios::binary);
    if (!in)
      return fail("cannot open ids file '" + modeArg + "'");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    std::string content = buffer.str();
    std::vector<int32_t> ids;
    if (binary) {
      if (content.size() % sizeof(int32_t) != 0)
        return fail("ids file '" + modeArg + "' has " +
                    std::to_string(content.size()) +
                    " bytes, not a multiple of 4");
      ids.resize(content.size() / sizeof(int32_t));
      std::memcpy(ids.data(), content.data(), content.size());
    } else {
      std::istringstream text(content);
      std::string word;
      while (text >> word) {
        int64_t id;
        if (!parseInt(word, id) || id < INT32_MIN || id > INT32_MAX)
          return fail("ids file '" + modeArg + "': '" + word +
                      "' is not an integer id");
        ids.push_back(static_cast<int32_t>(id));
      }
    }
    std::string decoded;
    if (!tokenizer->decode(ids, decoded, error, skipSpecial))
      return fail(error);
    if (!output.empty())
      return writeFile(output, decoded.data(), decoded.size(), error)
                 ? 0
                 : fail(error);
    std::fwrite(decoded.data(), 1, decoded.size(), stdout);
    return 0;
  }

  if (mode == "--eval-windows") {
    qmrt::EvalWindows windows;
    if (!qmrt::makeEvalWindowsFromFiles(
            *tokenizer, qmrt::resolveEvalFiles(modeArg, dataDir), windows,
            error, windowLength, maxWindows))
      return fail(error);
    std::printf("stream-tokens %lld windows %lld length %lld predicted %lld\n",
                static_cast<long long>(windows.streamTokens),
                static_cast<long long>(windows.count),
                static_cast<long long>(windows.length),
                static_cast<long long>(windows.predictedTokens()));
    std::fflush(stdout);
    if (!dumpWindows.empty() &&
        !writeFile(dumpWindows, windows.tokens.data(),
                   windows.tokens.size() * sizeof(int32_t), error))
      return fail(error);
    if (!logitsStdin)
      return 0;
    if (vocab == 0)
      vocab = tokenizer->vocabSize();
    auto readLogits = [&](const int32_t *, int64_t len,
                          std::vector<float> &logits, std::string &err) {
      logits.resize(len * vocab);
      size_t got = std::fread(logits.data(), sizeof(float), logits.size(),
                              stdin);
      if (got != logits.size()) {
        err = "stdin ended after " + std::to_string(got) +
              " logits of a window of " + std::to_string(logits.size()) +
              " (" + std::to_string(len) + " x " + std::to_string(vocab) + ")";
        return false;
      }
      return true;
    };
    qmrt::PerplexityResult result;
    if (!qmrt::evaluatePerplexity(windows, vocab, readLogits, result, error))
      return fail(error);
    std::printf("perplexity %.10f mean-nll %.12f windows %lld predicted %lld\n",
                result.perplexity, result.meanNll,
                static_cast<long long>(result.windows),
                static_cast<long long>(result.predictedTokens));
    return 0;
  }

  // --calib
  int64_t seed;
  if (!parseInt(seedText, seed))
    return fail("--seed needs an integer");
  std::vector<int32_t> stream, sampled;
  std::vector<int64_t> offsets;
  if (!qmrt::encodeFilesJoined(*tokenizer, qmrt::splitFileList(modeArg),
                               stream, error) ||
      !qmrt::sampleCalibrationWindows(stream, samples, length,
                                      static_cast<uint64_t>(seed), sampled,
                                      error, &offsets))
    return fail(error);
  for (int64_t offset : offsets)
    std::printf("%lld\n", static_cast<long long>(offset));
  return 0;
}
