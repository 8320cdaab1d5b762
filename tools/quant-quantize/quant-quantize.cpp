//===- quant-quantize.cpp - calibrate and quantize a model ------------------===//
//
// Part of quant-mlir. Imports a model (.onnx, or .mlir/.mlirbc at the qgraph
// level), quantizes its weights with RTN or GPTQ and writes MLIR bytecode
// (qweight ops, executable by quant-run). GPTQ calibration runs the model on
// the CPU JIT (CPUModel) with observers, in the reference order: layer by
// layer, each layer calibrated on the already-quantized layers before it.
//
//   quant-quantize model.onnx -o model.w4.mlirbc --method=gptq --bits=4 \
//       --group-size=128 [--act-order] --calib=brown.txt \
//       [--calib-samples=128 --calib-len=512 --order=per-layer]
//
//===----------------------------------------------------------------------===//

#include "qm/Execution/CPUModel.h"
#include "qm/Execution/LayerwiseCalibration.h"
#include "qm/Import/Onnx/OnnxImporter.h"
#include "qm/InitAllDialects.h"
#include "qm/InitAllPasses.h"
#include "qm/Passes/Quantization/QuantAWQ.h"
#include "qm/Passes/Quantization/SequentialGPTQ.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include "qmrt/perplexity.h"
#include "qmrt/qmrt.h"
#include "qmrt/tokenizer.h"

#include <chrono>

using namespace mlir;
using namespace mlir::qm;
namespace cl = llvm::cl;

static cl::OptionCategory toolOptions("quant-quantize options");
static cl::opt<std::string> inputPath(cl::Positional, cl::Required,
                                      cl::desc("<model.onnx | model.mlir(bc)>"),
                                      cl::cat(toolOptions));
static cl::opt<std::string> outputPath("o", cl::Required,
                                       cl::desc("Output MLIR bytecode"),
                                       cl::cat(toolOptions));
static cl::opt<std::string> method("method", cl::init("gptq"),
                                   cl::desc("rtn, gptq, awq or awq+gptq"),
                                   cl::cat(toolOptions));
static cl::opt<unsigned> bits("bits", cl::init(4), cl::desc("2, 3, 4 or 8"),
                              cl::cat(toolOptions));
static cl::opt<int64_t> groupSize("group-size", cl::init(128),
                                  cl::desc("-1 = per channel"),
                                  cl::cat(toolOptions));
static cl::opt<bool> symmetric("symmetric", cl::desc("Symmetric codes"),
                               cl::cat(toolOptions));
static cl::opt<bool> actOrder("act-order", cl::desc("GPTQ act-order"),
                              cl::cat(toolOptions));
static cl::opt<int64_t> rangeSteps(
    "range-steps", cl::init(-1),
    cl::desc("Range search per group (the mse quantizer of the GPTQ "
             "reference): shrink [lo, hi] by 1 - i/steps down to 0.2, keep "
             "the lowest |error|^2.4; 0: min-max; default -1: 100 for "
             "methods that round with GPTQ (gptq, awq+gptq), 0 for rtn and "
             "awq (whose clipping search does the same job)"),
    cl::cat(toolOptions));
static cl::opt<bool> staticGroups("static-groups",
                                  cl::desc("GPTQ act-order with static groups"),
                                  cl::cat(toolOptions));
static cl::opt<double> dampPercent("damp-percent", cl::init(0.01),
                                   cl::desc("GPTQ damping / mean(diag H)"),
                                   cl::cat(toolOptions));
static cl::opt<int64_t> blockSize("block-size", cl::init(128),
                                  cl::desc("GPTQ lazy-update block"),
                                  cl::cat(toolOptions));
static cl::opt<bool> includeHead("include-head", cl::desc("Quantize the head"),
                                 cl::cat(toolOptions));
static cl::opt<bool> includeEmbeddings("include-embeddings",
                                       cl::desc("Quantize embedding tables"),
                                       cl::cat(toolOptions));
static cl::opt<std::string> configFile("config",
                                       cl::desc("Per-layer overrides file"),
                                       cl::cat(toolOptions));
static cl::opt<std::string>
    layout("layout", cl::init("k_packed"),
           cl::desc("Code layout: k_packed (default; 32 / bits codes per "
                    "32-bit word along K, 10 at 3 bits) or unpacked (one "
                    "code per byte)"),
           cl::cat(toolOptions));
static cl::opt<std::string> calibFiles(
    "calib",
    cl::desc("Calibration text files (comma-separated, joined with id 0)"),
    cl::cat(toolOptions));
static cl::opt<int64_t> calibSamples("calib-samples", cl::init(128),
                                     cl::desc("Calibration windows"),
                                     cl::cat(toolOptions));
static cl::opt<int64_t> calibLen("calib-len", cl::init(512),
                                 cl::desc("Tokens per calibration window"),
                                 cl::cat(toolOptions));
static cl::opt<uint64_t> calibSeed("calib-seed", cl::init(0),
                                   cl::desc("Seed of the window offsets"),
                                   cl::cat(toolOptions));
static cl::opt<std::string>
    orderOpt("order", cl::init("per-layer"),
             cl::desc("per-layer, true-sequential or one-shot"),
             cl::cat(toolOptions));
static cl::opt<std::string> calibExec(
    "calib-exec", cl::init("layerwise"),
    cl::desc("How sequential calibration runs the model: layerwise (one "
             "decoder layer at a time on cached hidden states) or "
             "whole-model (the whole model once per stage)"),
    cl::cat(toolOptions));
static cl::opt<int64_t>
    awqGrid("awq-grid", cl::init(20),
            cl::desc("AWQ scale exponents alpha = i / grid for i < grid"),
            cl::cat(toolOptions));
static cl::opt<cl::boolOrDefault>
    awqDuo("awq-duo",
           cl::desc("AWQ duo scaling: s = s_x^alpha / s_w^(1 - alpha) "
                    "(=false: s = s_x^alpha); default: on for awq, off for "
                    "awq+gptq"),
           cl::cat(toolOptions));
static cl::opt<bool> awqScaleVO(
    "awq-scale-vo",
    cl::desc("AWQ also scales attention output projections, folding 1/s "
             "into the value projection (tied under grouped-query attention)"),
    cl::cat(toolOptions));
static cl::opt<bool>
    awqClip("awq-clip", cl::init(true),
            cl::desc("AWQ clipping search (--awq-clip=false turns it off)"),
            cl::cat(toolOptions));
static cl::opt<bool> awqClipMinMax(
    "awq-clip-minmax", cl::init(true),
    cl::desc("AWQ clipping of asymmetric codes shrinks [min(w), max(w)] "
             "(=false: +-max|w|, as public AWQ implementations do)"),
    cl::cat(toolOptions));
static cl::opt<bool> awqReport(
    "awq-report",
    cl::desc("AWQ prints, per scaled input, the chosen alpha and the error "
             "before and after (remarks on stderr)"),
    cl::cat(toolOptions));
static cl::opt<int64_t> awqLayerWindows(
    "awq-layer-windows", cl::init(0),
    cl::desc("AWQ ranks the scales of norm-fed groups (q/k/v, gate/up) by "
             "the decoder layer's output on this many calibration windows "
             "(0: by the linears' outputs over all tokens; needs layer-wise "
             "calibration)"),
    cl::cat(toolOptions));
static cl::opt<bool> awqBlockError(
    "awq-block-error", cl::init(false),
    cl::desc("AWQ ranks a gated MLP's gate/up scales by the MLP's output on "
             "2048 sampled calibration rows instead of by the linears' "
             "outputs over all of them (measured no better on tinyllama)"),
    cl::cat(toolOptions));
static cl::opt<int64_t>
    awqClipSteps("awq-clip-steps", cl::init(20),
                 cl::desc("AWQ clipping: ratios 1 - 0.5 i / steps"),
                 cl::cat(toolOptions));
static cl::opt<int> calibLanes(
    "calib-lanes", cl::init(0),
    cl::desc("Calibration windows run at once by layer-wise calibration "
             "(0: one per hardware thread; results do not depend on it)"),
    cl::cat(toolOptions));
static cl::opt<std::string>
    tokenizerPath("tokenizer",
                  cl::desc("tokenizer.json (default: next to the model)"),
                  cl::cat(toolOptions));
static cl::opt<std::string>
    statsOut("stats-out",
             cl::desc("Also write the statistics of the last calibration run"),
             cl::cat(toolOptions));
static cl::opt<int> threads("num-threads", cl::init(0),
                            cl::desc("Kernel threads (0: all)"),
                            cl::cat(toolOptions));

[[noreturn]] static void fail(const llvm::Twine &msg) {
  llvm::errs() << "quant-quantize: error: " << msg << "\n";
  std::exit(1);
}

static double since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t)
      .count();
}

int main(int argc, char **argv) {
  qmrt_reuse_freed_memory();
  llvm::InitLLVM init(argc, argv);
  mlir::registerAllPasses(); // the CPU pipeline parses upstream passes
  mlir::qm::registerAllPasses();
  cl::HideUnrelatedOptions(toolOptions);
  cl::ParseCommandLineOptions(argc, argv, "quant-mlir weight quantizer\n");
  if (threads > 0)
    qmrt_set_num_threads(threads);
  auto start = std::chrono::steady_clock::now();

  DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::qm::registerAllDialects(registry);
  registerOnnxImportDialects(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  // Remarks (--awq-report) go to stderr; errors and warnings keep the
  // default handling.
  ScopedDiagnosticHandler remarks(&ctx, [](Diagnostic &diag) {
    if (diag.getSeverity() != DiagnosticSeverity::Remark)
      return failure();
    llvm::errs() << "quant-quantize: remark: " << diag << "\n";
    return success();
  });

  bool awq = method == "awq" || method == "awq+gptq";
  // `calibrate`: every method but RTN runs the model on calibration text.
  bool calibrate = method != "rtn";
  bool gptq = method == "gptq" || method == "awq+gptq";
  if (method != "rtn" && method != "gptq" && !awq)
    fail("unknown --method '" + method +
         "' (expected rtn, gptq, awq or awq+gptq)");
  CalibrationOrder order = CalibrationOrder::PerLayer;
  if (orderOpt == "true-sequential")
    order = CalibrationOrder::TrueSequential;
  else if (orderOpt == "one-shot")
    order = CalibrationOrder::OneShot;
  else if (orderOpt != "per-layer")
    fail("unknown --order '" + orderOpt +
         "' (expected per-layer, true-sequential or one-shot)");
  if (awqGrid < 1 || awqClipSteps < 1)
    fail("--awq-grid and --awq-clip-steps must be at least 1 (" +
         llvm::Twine(awqGrid) + ", " + llvm::Twine(awqClipSteps) + ")");
  if (awqLayerWindows < 0)
    fail("--awq-layer-windows must be >= 0 (" + llvm::Twine(awqLayerWindows) +
         ")");
  if (awqLayerWindows > 0 && (calibExec != "layerwise" || orderOpt == "one-shot"))
    fail("--awq-layer-windows needs layer-wise calibration (--calib-exec="
         "layerwise and --order per-layer or true-sequential)");
  if (calibExec != "layerwise" && calibExec != "whole-model")
    fail("unknown --calib-exec '" + calibExec +
         "' (expected layerwise or whole-model)");

  // Calibration tokens first: bad input fails before any heavy work.
  std::vector<int32_t> windows;
  if (calibrate) {
    if (calibFiles.empty())
      fail("--method=" + method + " needs calibration text (--calib)");
    std::string tokPath = tokenizerPath;
    if (tokPath.empty()) {
      llvm::SmallString<256> p(llvm::sys::path::parent_path(inputPath));
      llvm::sys::path::append(p, "tokenizer.json");
      tokPath = p.str().str();
    }
    std::string error;
    auto tokenizer = qmrt::Tokenizer::loadFromFile(tokPath, error);
    if (!tokenizer)
      fail(error);
    std::vector<int32_t> stream;
    if (!qmrt::encodeFilesJoined(*tokenizer, qmrt::splitFileList(calibFiles),
                                 stream, error))
      fail(error);
    if (!qmrt::sampleCalibrationWindows(stream, calibSamples, calibLen,
                                        calibSeed, windows, error))
      fail(error);
  }

  OwningOpRef<ModuleOp> module;
  if (StringRef(inputPath).ends_with(".onnx")) {
    OnnxImportOptions options;
    options.pinnedShapes["input_ids"] = {1, calibLen};
    auto imported = importOnnxModel(ctx, inputPath, options);
    if (failed(imported))
      fail("cannot import '" + inputPath + "'");
    module = std::move(*imported);
  } else {
    module = parseSourceFile<ModuleOp>(inputPath, &ctx);
    if (!module)
      fail("cannot parse '" + inputPath + "'");
  }
  double importSeconds = since(start);

  WeightQuantOptions options;
  options.gptq = gptq;
  options.config.bits = bits;
  options.config.groupSize = groupSize;
  options.config.symmetric = symmetric;
  // Measured on tinyllama (README): the search lowers GPTQ's perplexity at
  // 3 and 4 bits on both evaluation texts; on AWQ it stacks on the clipping
  // search and hurts at 3 bits; plain RTN keeps the reference definition.
  options.config.rangeSteps = rangeSteps == -1 ? (gptq ? 100 : 0) : rangeSteps;
  options.config.actOrder = actOrder;
  options.config.staticGroups = staticGroups;
  options.config.dampPercent = dampPercent;
  options.config.blockSize = blockSize;
  if (std::string problem = options.config.validate(); !problem.empty())
    fail("invalid quantization option: " + problem);
  options.includeHead = includeHead;
  if (awq && awqBlockError) {
    // 2048 rows spread over the calibration tokens (every 32nd of 128 x
    // 512): each of the 20 candidates of a layer's MLP costs 3 GEMMs of
    // 2048 rows.
    options.rowSampleEvery = std::max<int64_t>(1, calibSamples * calibLen / 2048);
    options.rowSampleMax = 2048;
  }
  options.includeEmbeddings = includeEmbeddings;
  options.configFile = configFile;
  if (layout == "k_packed")
    options.layout = qweight::Layout::k_packed;
  else if (layout != "unpacked")
    fail("unknown --layout '" + layout + "' (expected unpacked or k_packed)");

  if (!calibrate) {
    if (failed(quantizeWeights(*module, options, nullptr)))
      fail("quantization failed");
  } else {
    double compileSeconds = 0;
    CalibrationStats lastStats;
    auto runner = [&](ModuleOp instrumented,
                      CalibrationStats &stats) -> LogicalResult {
      auto t0 = std::chrono::steady_clock::now();
      if (failed(CPUModel::verifyTokenModel(instrumented)))
        return failure();
      auto model = CPUModel::compile(instrumented);
      if (failed(model))
        return failure();
      compileSeconds += since(t0);
      if ((*model)->getInputSize() != calibLen)
        return instrumented.emitError("the model takes ")
               << (*model)->getInputSize() << " tokens per call, expected "
               << calibLen.getValue() << " (1 x calib-len)";
      std::vector<int64_t> ids(calibLen);
      std::vector<float> logits((*model)->getOutputSize());
      qmrt_set_observer(&CalibrationStats::observerCallback, &stats);
      for (int64_t w = 0; w < calibSamples; ++w) {
        for (int64_t i = 0; i < calibLen; ++i)
          ids[i] = windows[w * calibLen + i];
        if (failed((*model)->run(ids.data(), logits.data()))) {
          qmrt_set_observer(nullptr, nullptr);
          return failure();
        }
      }
      qmrt_set_observer(nullptr, nullptr);
      if (!statsOut.empty())
        lastStats.mergeFrom(stats);
      return success();
    };
    std::unique_ptr<LayerwiseCalibration> layerwise;
    StageQuantizer quantizeStage;
    if (awq)
      quantizeStage = [&](ModuleOp m, const WeightQuantOptions &stage,
                          const CalibrationStats &stats) {
        AWQOptions awqOptions;
        awqOptions.quant = stage;
        awqOptions.quant.gptq = gptq;
        awqOptions.grid = awqGrid;
        // Measured on tinyllama (README): duo scaling lowers AWQ's
        // perplexity at 3 and 4 bits on both texts; under GPTQ rounding it
        // costs 1.2% on manpages-test at 3 bits.
        awqOptions.duoScaling =
            awqDuo == cl::BOU_UNSET ? !gptq : awqDuo == cl::BOU_TRUE;
        awqOptions.clip = awqClip;
        awqOptions.clipSteps = awqClipSteps;
        awqOptions.blockError = awqBlockError;
        awqOptions.report = awqReport;
        awqOptions.clipMinMax = awqClipMinMax;
        awqOptions.scaleVO = awqScaleVO;
        if (awqLayerWindows > 0 && layerwise)
          awqOptions.layerOutput = [&](ModuleOp m, std::vector<float> &out) {
            return layerwise->runCurrentLayer(m, awqLayerWindows, out);
          };
        return quantizeWeightsAWQ(m, awqOptions, stats);
      };
    if (order != CalibrationOrder::OneShot && calibExec == "layerwise") {
      std::string why;
      auto created = LayerwiseCalibration::create(
          *module, std::vector<int64_t>(windows.begin(), windows.end()),
          calibSamples, why);
      if (succeeded(created)) {
        layerwise = std::move(*created);
        layerwise->setLanes(calibLanes);
      }
      else
        llvm::errs() << "quant-quantize: note: calibrating the whole model "
                        "per stage ("
                     << why << ")\n";
    }
    FailureOr<SequentialGPTQReport> report = failure();
    if (layerwise) {
      report = runSequentialGPTQ(*module, options, order, *layerwise,
                                 quantizeStage);
      compileSeconds = layerwise->getCompileSeconds();
    } else {
      report = runSequentialGPTQ(*module, options, order, runner, quantizeStage);
    }
    if (layerwise)
      llvm::outs() << "layer-wise calibration: " << layerwise->getNumLayers()
                   << " layers, " << layerwise->getNumCompiles()
                   << " compiles for "
                   << layerwise->getNumCompiles() + layerwise->getNumReuses()
                   << " segment runs, hidden-state cache "
                   << layerwise->getCacheBytes() / (1024 * 1024) << " MiB\n";
    layerwise.reset(); // drops the layer marks before the module is written
    if (failed(report))
      fail(method + " failed");
    llvm::outs() << "calibration runs: " << report->calibrationRuns
                 << ", matmuls: " << report->quantizedMatmuls
                 << ", compile s: " << compileSeconds
                 << ", calibration s (incl. compile): "
                 << report->calibrationSeconds
                 << ", solve s: " << report->solveSeconds << "\n";
    std::string error;
    if (!statsOut.empty() && !lastStats.save(statsOut, error))
      fail(error);
  }

  std::string error;
  auto out = openOutputFile(outputPath, &error);
  if (!out)
    fail(error);
  if (failed(writeBytecodeToFile(*module, out->os())))
    fail("cannot write '" + outputPath + "'");
  out->keep();
  llvm::outs() << "import s: " << importSeconds << ", total s: " << since(start)
               << "\n";
  return 0;
}
