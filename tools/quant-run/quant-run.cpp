//===- quant-run.cpp - run a model on the CPU -------------------------------===//
//
// Part of quant-mlir. Runs an .onnx or .mlir model through the CPU JIT
// (qm-cpu-pipeline + ExecutionEngine), or an ahead-of-time artifact
// directory written by `quant-compile --target=cpu`:
//   --tokens 1,2,3          logits statistics and argmax per position
//   --eval-ppl A,B+C        perplexity per text (B+C: files joined by id 0)
//   --prompt "..."          greedy generation, text and tokens per second
//
//===----------------------------------------------------------------------===//

#include "qm/Execution/CPUModel.h"
#include "qm/InitAllDialects.h"
#include "qm/InitAllPasses.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#if QM_HAVE_ONNX_IMPORT
#include "qm/Import/Onnx/OnnxImporter.h"
#endif
#if QM_HAVE_QMRT_CPU
#include "qmrt/qmrt.h"
#endif
#if QM_HAVE_QMRT_TEXT
#include "qmrt/perplexity.h"
#include "qmrt/tokenizer.h"
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <cmath>
#include <dlfcn.h>
#include <numeric>
#include <random>

using namespace mlir;
using namespace mlir::qm;
namespace cl = llvm::cl;

static cl::OptionCategory toolOptions("quant-run options");
static cl::opt<std::string>
    inputPath(cl::Positional, cl::Required,
              cl::desc("<model.onnx | model.mlir | artifact dir>"),
              cl::cat(toolOptions));
static cl::opt<std::string>
    tokensOpt("tokens", cl::desc("Comma-separated token ids to run"),
              cl::cat(toolOptions));
static cl::opt<std::string> evalPpl(
    "eval-ppl",
    cl::desc("Texts to evaluate (comma-separated; A+B joins files with id 0)"),
    cl::cat(toolOptions));
static cl::opt<std::string> evalIds(
    "eval-ids",
    cl::desc("Like --eval-ppl on pre-tokenized texts: files of whitespace-"
             "separated token ids (comma-separated list)"),
    cl::cat(toolOptions));
static cl::opt<std::string> promptOpt("prompt",
                                      cl::desc("Prompt for greedy generation"),
                                      cl::cat(toolOptions));
static cl::opt<int64_t>
    maxNewTokens("max-new-tokens", cl::init(32),
                 cl::desc("Tokens to generate for --prompt"),
                 cl::cat(toolOptions));
static cl::opt<std::string>
    tokenizerPath("tokenizer",
                  cl::desc("tokenizer.json (default: next to the model)"),
                  cl::cat(toolOptions));
static cl::opt<int64_t> batchOpt("batch", cl::init(1),
                                 cl::desc("Windows per call for --eval-ppl"),
                                 cl::cat(toolOptions));
static cl::opt<int64_t> lanesOpt(
    "lanes", cl::init(0),
    cl::desc("Windows evaluated at once for --eval-ppl/--eval-ids, each with "
             "single-threaded kernels (0: one per hardware thread)"),
    cl::cat(toolOptions));
static cl::opt<int64_t> windowOpt("window", cl::init(512),
                                  cl::desc("Window length for --eval-ppl"),
                                  cl::cat(toolOptions));
static cl::opt<int64_t>
    maxWindows("max-windows", cl::init(400),
               cl::desc("At most this many windows per text"),
               cl::cat(toolOptions));
static cl::opt<int64_t> seqOpt(
    "seq", cl::init(0),
    cl::desc(
        "Compiled sequence length for --prompt (default: prompt + new tokens)"),
    cl::cat(toolOptions));
static cl::opt<int>
    threadsOpt("num-threads", cl::init(0),
               cl::desc("Threads for the matmul kernels (0: all, "
                        "cl::cat(toolOptions)); --threads works too"));
static cl::opt<bool> noMicrokernels("no-microkernels",
                                    cl::desc("Generate loops for matmuls"),
                                    cl::cat(toolOptions));
static cl::opt<std::string> dumpLLVM("dump-llvm-dialect",
                                     cl::desc("Write the lowered module here"),
                                     cl::cat(toolOptions));
static cl::opt<std::string>
    dumpLogits("dump-logits",
               cl::desc("Write the --tokens logits (raw f32) here"),
               cl::cat(toolOptions));
static cl::opt<unsigned> optLevel("O", cl::init(3), cl::Prefix,
                                  cl::desc("LLVM optimization level (0-3)"),
                                  cl::cat(toolOptions));
static cl::opt<bool> noProgress("no-progress", cl::desc("No progress bar"),
                                cl::cat(toolOptions));

extern "C" void openblas_set_num_threads(int);

namespace {

[[noreturn]] void fail(const llvm::Twine &msg) {
  llvm::errs() << "quant-run: error: " << msg << "\n";
  std::exit(1);
}

/// A model that maps [B, S] token ids to [B, S, V] logits.
class Runner {
public:
  virtual ~Runner() = default;
  int64_t batch = 0, seq = 0, vocab = 0;
  virtual void run(const int64_t *ids, float *logits) = 0;
};

class JitRunner : public Runner {
public:
  std::unique_ptr<CPUModel> model;
  void run(const int64_t *ids, float *logits) override {
    if (failed(model->run(ids, logits)))
      fail("the compiled model returned an unexpected result shape");
  }
};

class AotRunner : public Runner {
public:
  using ForwardFn = int (*)(const int64_t *, int64_t, int64_t, float *);
  ForwardFn forward = nullptr;
  void run(const int64_t *ids, float *logits) override {
    if (int rc = forward(ids, batch, seq, logits))
      fail("qm_model_forward failed (" + llvm::Twine(rc) + ")");
  }
};

std::unique_ptr<Runner> loadArtifact(StringRef dir, int64_t batch, int64_t seq) {
  llvm::SmallString<256> lib(dir);
  llvm::sys::path::append(lib, "libmodel.so");
  void *handle = dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    fail("cannot load the artifact '" + lib + "' (" + dlerror() + ")");
  auto *shape = reinterpret_cast<const int64_t *>(dlsym(handle, "qm_model_shape"));
  auto init = reinterpret_cast<int (*)(const char *)>(dlsym(handle, "qm_model_init"));
  auto fwd = reinterpret_cast<AotRunner::ForwardFn>(dlsym(handle, "qm_model_forward"));
  if (!shape || !fwd || !init)
    fail("'" + lib + "' is not a quant-compile artifact");
  llvm::SmallString<256> weights(dir);
  llvm::sys::path::append(weights, "weights.bin");
  if (init(weights.c_str()))
    fail("cannot load the weights '" + weights + "'");
  auto r = std::make_unique<AotRunner>();
  r->batch = shape[0];
  r->seq = shape[1];
  r->vocab = shape[2];
  r->forward = fwd;
  if ((batch && batch != r->batch) || (seq && seq != r->seq))
    fail("the artifact was compiled for " + llvm::Twine(r->batch) + "x" +
         llvm::Twine(r->seq) + " tokens; this run needs " + llvm::Twine(batch) +
         "x" + llvm::Twine(seq) + " (recompile with --shape)");
  return r;
}

std::unique_ptr<Runner> loadModel(MLIRContext &ctx, StringRef path,
                                  int64_t batch, int64_t seq) {
  if (llvm::sys::fs::is_directory(path))
    return loadArtifact(path, batch, seq);
  if (!llvm::sys::fs::exists(path))
    fail("model file '" + path + "' does not exist");
  OwningOpRef<ModuleOp> module;
  if (path.ends_with(".onnx")) {
#if QM_HAVE_ONNX_IMPORT
    OnnxImportOptions options;
    options.pinnedShapes["input_ids"] = {batch, seq};
    auto imported = importOnnxModel(ctx, path, options);
    if (failed(imported))
      fail("cannot import '" + path + "'");
    module = std::move(*imported);
#else
    fail("this build has no ONNX importer; pass an .mlir file");
#endif
  } else {
    module = parseSourceFile<ModuleOp>(path, &ctx);
    if (!module)
      fail("cannot parse '" + path + "'");
  }
  CPUCompileOptions options;
  options.microkernels = !noMicrokernels;
  options.dumpLLVMDialect = dumpLLVM;
  options.optLevel = optLevel;
  auto t0 = std::chrono::steady_clock::now();
  if (failed(CPUModel::verifyTokenModel(*module)))
    fail("cannot run '" + path + "'");
  auto model = CPUModel::compile(*module, options);
  if (failed(model))
    fail("cannot compile '" + path + "' for the CPU");
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto r = std::make_unique<JitRunner>();
  ArrayRef<int64_t> in = (*model)->getInputShape(), out = (*model)->getOutputShape();
  if (in.size() != 2 || out.size() != 3)
    fail("the model must map [batch, seq] ids to [batch, seq, vocab] logits");
  r->batch = in[0];
  r->seq = in[1];
  r->vocab = out[2];
  if ((batch && batch != r->batch) || (seq && seq != r->seq))
    fail("the model takes " + llvm::Twine(r->batch) + "x" + llvm::Twine(r->seq) +
         " tokens; this run needs " + llvm::Twine(batch) + "x" + llvm::Twine(seq));
  r->model = std::move(*model);
  llvm::errs() << "compiled " << llvm::sys::path::filename(path) << " for "
               << r->batch << "x" << r->seq << " tokens in "
               << llvm::format("%.1f", secs) << " s\n";
  return r;
}

class Progress {
public:
  Progress(int64_t total, StringRef what) : total(total), what(what.str()) {
    start = std::chrono::steady_clock::now();
  }
  void update(int64_t done) {
    if (noProgress)
      return;
    double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double eta = done ? el / done * (total - done) : 0;
    int width = 30, filled = total ? int(width * done / total) : width;
    llvm::errs() << "\r[" << std::string(filled, '#')
                 << std::string(width - filled, ' ') << "] " << done << "/"
                 << total << " " << what << "  elapsed "
                 << llvm::format("%4.0f", el) << " s  ETA "
                 << llvm::format("%4.0f", eta) << " s ";
    if (done == total)
      llvm::errs() << "\n";
  }

private:
  int64_t total;
  std::string what;
  std::chrono::steady_clock::time_point start;
};

std::vector<int64_t> parseTokens(StringRef text) {
  std::vector<int64_t> ids;
  SmallVector<StringRef> parts;
  text.split(parts, ',', -1, /*KeepEmpty=*/false);
  for (StringRef p : parts) {
    int64_t v;
    if (p.trim().getAsInteger(10, v))
      fail("--tokens: '" + p + "' is not an integer");
    ids.push_back(v);
  }
  if (ids.empty())
    fail("--tokens: no token ids given");
  return ids;
}

void checkIds(ArrayRef<int64_t> ids, int64_t vocab) {
  for (int64_t id : ids)
    if (id < 0 || id >= vocab)
      fail("token id " + llvm::Twine(id) + " is out of range [0, " +
           llvm::Twine(vocab) + ")");
}

int runTokens(MLIRContext &ctx) {
  // Rows separated by ';' form a batch.
  SmallVector<StringRef> rows;
  StringRef(tokensOpt).split(rows, ';', -1, false);
  std::vector<int64_t> ids;
  size_t rowLen = 0;
  for (StringRef row : rows) {
    std::vector<int64_t> r = parseTokens(row);
    if (rowLen && r.size() != rowLen)
      fail("--tokens: rows have different lengths (" + llvm::Twine(rowLen) +
           " and " + llvm::Twine(r.size()) + ")");
    rowLen = r.size();
    ids.insert(ids.end(), r.begin(), r.end());
  }
  if (rows.empty())
    fail("--tokens: no token ids given");
  auto r = loadModel(ctx, inputPath, rows.size(), rowLen);
  checkIds(ids, r->vocab);
  std::vector<float> logits(r->batch * r->seq * r->vocab);
  auto t0 = std::chrono::steady_clock::now();
  r->run(ids.data(), logits.data());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  llvm::outs() << "logits [" << r->batch << ", " << r->seq << ", " << r->vocab
               << "] in " << llvm::format("%.3f", secs * 1e3) << " ms\n";
  for (int64_t s = 0; s < r->batch * r->seq; ++s) {
    const float *row = logits.data() + s * r->vocab;
    int64_t arg = std::max_element(row, row + r->vocab) - row;
    double mean = std::accumulate(row, row + r->vocab, 0.0) / r->vocab;
    llvm::outs() << "position " << s << ": argmax " << arg << " (logit "
                 << llvm::format("%.4f", row[arg]) << "), mean "
                 << llvm::format("%.4f", mean) << "\n";
  }
  if (!dumpLogits.empty()) {
    std::error_code ec;
    llvm::raw_fd_ostream os(dumpLogits, ec);
    if (ec)
      fail("cannot write '" + dumpLogits + "' (" + ec.message() + ")");
    os.write(reinterpret_cast<const char *>(logits.data()), logits.size() * 4);
  }
  return 0;
}

/// Perplexity protocol of ../shared/models/README.md on token streams:
/// non-overlapping windows of `window` tokens from the start (at most
/// --max-windows, tail dropped), each a separate sequence, every position but
/// the first predicted; ppl = exp(mean NLL).
int evaluateStreams(MLIRContext &ctx,
                    std::vector<std::pair<std::string, std::vector<int64_t>>> &texts) {
  int64_t window = windowOpt, batch = batchOpt;
  if (window < 2)
    fail("--window must be at least 2 (" + llvm::Twine(window) + ")");
  if (batch < 1)
    fail("--batch must be at least 1 (" + llvm::Twine(batch) + ")");
  for (auto &[name, ids] : texts)
    if (static_cast<int64_t>(ids.size()) < window)
      fail("'" + name + "' has " + llvm::Twine(ids.size()) +
           " tokens, fewer than one window of " + llvm::Twine(window));
  auto r = loadModel(ctx, inputPath, batch, window);
  for (auto &[name, ids] : texts)
    checkIds(ids, r->vocab);
  // Windows run in parallel lanes with single-threaded kernels (the
  // log-softmax over the vocabulary is scalar work per window); the sum
  // runs over windows in order, so the result does not depend on the lanes.
  int64_t lanes = lanesOpt > 0 ? lanesOpt : std::max(1u, std::thread::hardware_concurrency());
  for (auto &text : texts) {
    const std::string &name = text.first;
    const std::vector<int64_t> &ids = text.second;
    int64_t count = std::min<int64_t>(ids.size() / window, maxWindows);
    int64_t groups = (count + batch - 1) / batch;
    std::vector<double> groupNll(groups, 0.0);
    std::vector<int64_t> groupPredicted(groups, 0);
    Progress progress(count, "windows");
    auto t0 = std::chrono::steady_clock::now();
    std::atomic<int64_t> nextGroup{0};
    std::mutex progressMutex;
    int64_t done = 0;
    auto lane = [&] {
      std::vector<int64_t> in(batch * window);
      std::vector<float> logits(batch * window * r->vocab);
      for (int64_t g; (g = nextGroup.fetch_add(1)) < groups;) {
        int64_t first = g * batch, n = std::min(batch, count - first);
        for (int64_t b = 0; b < batch; ++b) {
          int64_t w = first + std::min(b, n - 1);
          std::copy(ids.begin() + w * window, ids.begin() + (w + 1) * window,
                    in.begin() + b * window);
        }
        r->run(in.data(), logits.data());
        double nll = 0;
        int64_t predicted = 0;
        for (int64_t b = 0; b < n; ++b) {
          for (int64_t p = 0; p + 1 < window; ++p) {
            const float *row = logits.data() + (b * window + p) * r->vocab;
            double mx = *std::max_element(row, row + r->vocab), sum = 0;
            for (int64_t v = 0; v < r->vocab; ++v)
              sum += std::exp(double(row[v]) - mx);
            int64_t target = in[b * window + p + 1];
            nll += std::log(sum) + mx - row[target];
            ++predicted;
          }
        }
        groupNll[g] = nll;
        groupPredicted[g] = predicted;
        std::lock_guard<std::mutex> lock(progressMutex);
        done += n;
        progress.update(done);
      }
    };
    runInLanes(std::min(lanes, groups), lane);
    double nll = 0;
    int64_t predicted = 0;
    for (int64_t g = 0; g < groups; ++g) {
      nll += groupNll[g];
      predicted += groupPredicted[g];
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    llvm::outs() << name << ": ppl " << llvm::format("%.3f", std::exp(nll / predicted))
                 << " (" << count << " windows, " << predicted << " predictions, "
                 << llvm::format("%.1f", secs) << " s)\n";
    llvm::outs().flush();
  }
  return 0;
}

int runEvalIds(MLIRContext &ctx) {
  SmallVector<StringRef> files;
  StringRef(evalIds).split(files, ',', -1, false);
  if (files.empty())
    fail("--eval-ids: no files given");
  std::vector<std::pair<std::string, std::vector<int64_t>>> texts;
  for (StringRef f : files) {
    auto buf = llvm::MemoryBuffer::getFile(f);
    if (!buf)
      fail("cannot read '" + f + "' (" + buf.getError().message() + ")");
    std::vector<int64_t> ids;
    SmallVector<StringRef> parts;
    (*buf)->getBuffer().split(parts, ' ', -1, false);
    for (StringRef part : parts) {
      SmallVector<StringRef> sub;
      part.split(sub, '\n', -1, false);
      for (StringRef t : sub) {
        t = t.trim();
        if (t.empty())
          continue;
        int64_t v;
        if (t.getAsInteger(10, v))
          fail("'" + f + "': '" + t + "' is not a token id");
        ids.push_back(v);
      }
    }
    texts.push_back({f.str(), std::move(ids)});
  }
  return evaluateStreams(ctx, texts);
}

#if QM_HAVE_QMRT_TEXT
std::unique_ptr<qmrt::Tokenizer> loadTokenizer() {
  std::string path = tokenizerPath;
  if (path.empty()) {
    llvm::SmallString<256> p(inputPath);
    if (!llvm::sys::fs::is_directory(p))
      llvm::sys::path::remove_filename(p);
    llvm::sys::path::append(p, "tokenizer.json");
    path = std::string(p);
  }
  if (!llvm::sys::fs::exists(path))
    fail("tokenizer '" + path + "' does not exist (pass --tokenizer)");
  std::string error;
  auto tok = qmrt::Tokenizer::loadFromFile(path, error);
  if (!tok)
    fail("cannot load tokenizer '" + path + "' (" + error + ")");
  return tok;
}

int runEvalPpl(MLIRContext &ctx) {
  auto tok = loadTokenizer();
  // Each comma-separated item is one text; A+B joins files with id 0
  // (austen-heldout = persuasion.txt+northangerabbey.txt).
  SmallVector<StringRef> items;
  StringRef(evalPpl).split(items, ',', -1, false);
  if (items.empty())
    fail("--eval-ppl: no files given");
  std::vector<std::pair<std::string, std::vector<int64_t>>> texts;
  for (StringRef item : items) {
    SmallVector<StringRef> files;
    item.split(files, '+', -1, false);
    std::vector<std::string> paths(files.begin(), files.end());
    std::vector<int32_t> ids;
    std::string error;
    if (!qmrt::encodeFilesJoined(*tok, paths, ids, error))
      fail("--eval-ppl: " + error);
    if (ids.empty())
      fail("--eval-ppl: '" + item + "' has no text");
    texts.push_back({item.str(), std::vector<int64_t>(ids.begin(), ids.end())});
  }
  return evaluateStreams(ctx, texts);
}

int runPrompt(MLIRContext &ctx) {
  auto tok = loadTokenizer();
  if (promptOpt.empty())
    fail("--prompt is empty");
  if (qmrt::findInvalidUtf8(promptOpt) != std::string::npos)
    fail("--prompt is not valid UTF-8");
  std::vector<int32_t> ids32;
  std::string error;
  if (!tok->encode(promptOpt, ids32, error))
    fail("--prompt: " + error);
  if (ids32.empty())
    fail("--prompt encodes to no tokens");
  int64_t len = ids32.size();
  int64_t seq = seqOpt ? int64_t(seqOpt) : len + maxNewTokens;
  if (len + maxNewTokens > seq)
    fail("--seq (" + llvm::Twine(seq) + ") is shorter than the prompt plus "
         "--max-new-tokens (" + llvm::Twine(len + maxNewTokens) + ")");
  auto r = loadModel(ctx, inputPath, 1, seq);
  std::vector<int64_t> ids(seq, 0);
  std::copy(ids32.begin(), ids32.end(), ids.begin());
  checkIds(ids, r->vocab);
  std::vector<float> logits(seq * r->vocab);
  std::vector<int32_t> generated;
  auto t0 = std::chrono::steady_clock::now();
  for (int64_t step = 0; step < maxNewTokens; ++step) {
    // Causal attention: the right padding does not change earlier logits.
    r->run(ids.data(), logits.data());
    const float *row = logits.data() + (len - 1) * r->vocab;
    int32_t next = std::max_element(row, row + r->vocab) - row;
    ids[len++] = next;
    generated.push_back(next);
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::string text;
  if (!tok->decode(generated, text, error))
    fail("cannot decode the generated ids (" + error + ")");
  llvm::outs() << promptOpt << text << "\n";
  llvm::errs() << generated.size() << " tokens in " << llvm::format("%.2f", secs)
               << " s (" << llvm::format("%.2f", generated.size() / secs)
               << " tokens/s)\n";
  return 0;
}
#endif

} // namespace

int main(int argc, char **argv) {
  qmrt_reuse_freed_memory();
  llvm::InitLLVM y(argc, argv);
  mlir::registerAllPasses();
  mlir::qm::registerAllPasses();
  // libLLVM owns a `--threads` option already: map ours onto --num-threads.
  std::vector<std::string> args(argv, argv + argc);
  for (std::string &a : args)
    if (a == "--threads" || a == "-threads" || StringRef(a).starts_with("--threads="))
      a = "--num-threads" + a.substr(a.find("threads") + 7);
  std::vector<const char *> argvs;
  for (std::string &a : args)
    argvs.push_back(a.c_str());
  cl::HideUnrelatedOptions(toolOptions);
  cl::ParseCommandLineOptions(argvs.size(), argvs.data(), "quant-mlir CPU runner\n");

  if (threadsOpt > 0) {
    openblas_set_num_threads(threadsOpt);
#if QM_HAVE_QMRT_CPU
    qmrt_set_num_threads(threadsOpt);
#endif
  }

  DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::qm::registerAllDialects(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();

  int modes = (tokensOpt.getNumOccurrences() > 0) +
              (evalPpl.getNumOccurrences() > 0) +
              (evalIds.getNumOccurrences() > 0) +
              (promptOpt.getNumOccurrences() > 0);
  if (modes != 1)
    fail("pass exactly one of --tokens, --eval-ppl, --eval-ids, --prompt");
  if (tokensOpt.getNumOccurrences())
    return runTokens(ctx);
  if (evalIds.getNumOccurrences())
    return runEvalIds(ctx);
#if QM_HAVE_QMRT_TEXT
  if (evalPpl.getNumOccurrences())
    return runEvalPpl(ctx);
  return runPrompt(ctx);
#else
  fail("this build has no tokenizer library (qmrt_text)");
#endif
}
