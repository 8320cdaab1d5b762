//===- CPUModel.cpp - JIT-compiled model on the host CPU --------------------===//
//
// Part of quant-mlir.
//
//===----------------------------------------------------------------------===//

#include "qm/Execution/CPUModel.h"

#include "qm/Execution/Weights.h"
#include "qm/Pipelines/CPUPipeline.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdlib>
#include <cstring>

using namespace mlir;
using namespace mlir::qm;

namespace {

/// The single public function of a module.
func::FuncOp getEntry(ModuleOp module) {
  func::FuncOp entry;
  for (auto f : module.getOps<func::FuncOp>()) {
    if (f.isDeclaration() || f.isPrivate())
      continue;
    if (entry) {
      module.emitError("has more than one public function (")
          << entry.getSymName() << ", " << f.getSymName() << ")";
      return {};
    }
    entry = f;
  }
  if (!entry)
    module.emitError("has no public function to run");
  return entry;
}

/// A ranked memref descriptor as laid out by the LLVM lowering:
/// {allocated, aligned, offset, sizes[rank], strides[rank]}.
struct Descriptor {
  std::vector<int64_t> words;
  explicit Descriptor(unsigned rank) : words(3 + 2 * rank, 0) {}
  void *data() { return words.data(); }
};

} // namespace

FailureOr<std::string>
mlir::qm::lowerModuleForCPU(ModuleOp module, const CPUCompileOptions &options) {
  func::FuncOp entry = getEntry(module);
  if (!entry)
    return failure();
  entry->setAttr("llvm.emit_c_interface", UnitAttr::get(module.getContext()));
  std::string name = entry.getSymName().str();
  PassManager pm(module.getContext());
  CPUPipelineOptions pipelineOptions;
  pipelineOptions.microkernels = options.microkernels;
  buildCPUPipeline(pm, pipelineOptions);
  if (failed(pm.run(module)))
    return failure();
  if (!options.dumpLLVMDialect.empty()) {
    std::error_code ec;
    llvm::raw_fd_ostream os(options.dumpLLVMDialect, ec);
    if (!ec)
      module.print(os);
  }
  return name;
}

#if QM_HAVE_QMRT_CPU
#include "qmrt/qmrt.h"
#endif

// Stand-ins defined in RuntimeFallback.cpp: OpenBLAS for qmrt_sgemm when the
// runtime's kernels are not part of the build, and the strided memrefCopy.
extern "C" {
void qm_fallback_sgemm(int64_t, int64_t, int64_t, const float *, int64_t,
                       const float *, int64_t, float *, int64_t);
void qm_fallback_observe(const char *, const float *, int64_t, int64_t);
void qm_memref_copy(int64_t, void *, void *);
}

void mlir::qm::getRuntimeSymbols(
    SmallVectorImpl<std::pair<std::string, void *>> &out) {
  out.push_back({"memrefCopy", (void *)&qm_memref_copy});
#if QM_HAVE_QMRT_CPU
  out.push_back({"qmrt_sgemm", (void *)&qmrt_sgemm});
  out.push_back({"qmrt_observe", (void *)&qmrt_observe});
#else
  out.push_back({"qmrt_sgemm", (void *)&qm_fallback_sgemm});
  out.push_back({"qmrt_observe", (void *)&qm_fallback_observe});
#endif
}

CPUModel::~CPUModel() = default;

int64_t CPUModel::getInputSize() const {
  int64_t n = 1;
  for (int64_t d : inputShape)
    n *= d;
  return n;
}

int64_t CPUModel::getOutputSize() const {
  int64_t n = 1;
  for (int64_t d : outputShape)
    n *= d;
  return n;
}

FailureOr<std::unique_ptr<CPUModel>>
CPUModel::compile(ModuleOp module, const CPUCompileOptions &options) {
  func::FuncOp entry = getEntry(module);
  if (!entry)
    return failure();
  FunctionType type = entry.getFunctionType();
  auto in = type.getNumInputs() == 1
                ? dyn_cast<RankedTensorType>(type.getInput(0))
                : RankedTensorType();
  auto out = type.getNumResults() == 1
                 ? dyn_cast<RankedTensorType>(type.getResult(0))
                 : RankedTensorType();
  if (!in || !out || !in.hasStaticShape() || !out.hasStaticShape() ||
      !in.getElementType().isSignlessInteger() ||
      !out.getElementType().isF32())
    return entry.emitError("entry function must take one static integer "
                           "tensor and return one static f32 tensor (")
           << type << "); pin the input shape";
  std::unique_ptr<CPUModel> model(new CPUModel());
  model->inputShape.assign(in.getShape().begin(), in.getShape().end());
  model->outputShape.assign(out.getShape().begin(), out.getShape().end());
  model->inputElementType = in.getElementType();

  bool timing = std::getenv("QM_TIMING") != nullptr;
  auto t0 = std::chrono::steady_clock::now();
  auto lap = [&](const char *what) {
    if (!timing)
      return;
    auto t1 = std::chrono::steady_clock::now();
    llvm::errs() << "[qm] " << what << ": "
                 << std::chrono::duration<double>(t1 - t0).count() << " s\n";
    t0 = t1;
  };
  FailureOr<std::string> name = lowerModuleForCPU(module, options);
  if (failed(name))
    return failure();
  lap("qm-cpu-pipeline");
  // Weights leave the module: LLVM compiles only code, and the globals are
  // filled from the blob once the engine is up.
  std::string blob;
  if (failed(externalizeWeights(module, blob)))
    return failure();

  static bool targetsInitialized = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)targetsInitialized;
  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  module.getContext()->appendDialectRegistry(registry);

  auto tmBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!tmBuilder) {
    llvm::consumeError(tmBuilder.takeError());
    return module.emitError("cannot detect the host target");
  }
  tmBuilder->setCodeGenOptLevel(options.optLevel >= 3
                                    ? llvm::CodeGenOptLevel::Aggressive
                                    : llvm::CodeGenOptLevel::Default);
  auto tm = tmBuilder->createTargetMachine();
  if (!tm) {
    llvm::consumeError(tm.takeError());
    return module.emitError("cannot create the host target machine");
  }
  std::function<llvm::Error(llvm::Module *)> transformer =
      makeOptimizingTransformer(options.optLevel, /*sizeLevel=*/0, tm->get());
  ExecutionEngineOptions engineOptions;
  engineOptions.transformer = transformer;
  engineOptions.jitCodeGenOptLevel = options.optLevel >= 3
                                         ? llvm::CodeGenOptLevel::Aggressive
                                         : llvm::CodeGenOptLevel::Default;
  engineOptions.enableGDBNotificationListener = false;
  engineOptions.enablePerfNotificationListener = false;
  auto engine = ExecutionEngine::create(module, engineOptions, std::move(*tm));
  if (!engine) {
    std::string msg = llvm::toString(engine.takeError());
    return module.emitError("JIT compilation failed: ") << msg;
  }
  lap("LLVM translation, optimization and codegen");
  model->engine = std::move(*engine);
  model->engine->registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap map;
    SmallVector<std::pair<std::string, void *>> symbols;
    getRuntimeSymbols(symbols);
    for (auto &[sym, addr] : symbols)
      map[interner(sym)] = {llvm::orc::ExecutorAddr::fromPtr(addr),
                            llvm::JITSymbolFlags::Exported};
    return map;
  });
  model->engine->initialize();
  auto init = model->engine->lookup(kInitWeightsFn);
  if (!init) {
    std::string msg = llvm::toString(init.takeError());
    return module.emitError("cannot find the weight initializer: ") << msg;
  }
  reinterpret_cast<void (*)(const char *)>(*init)(blob.data());
  auto fn = model->engine->lookup("_mlir_ciface_" + *name);
  if (!fn) {
    std::string msg = llvm::toString(fn.takeError());
    return module.emitError("cannot find the compiled entry: ") << msg;
  }
  model->entry = *fn;
  return model;
}

LogicalResult CPUModel::run(const int64_t *input, float *output) {
  unsigned inRank = inputShape.size(), outRank = outputShape.size();
  unsigned width = inputElementType.getIntOrFloatBitWidth();
  int64_t n = getInputSize();
  std::vector<int64_t> in64;
  std::vector<int32_t> in32;
  void *inData;
  if (width == 64) {
    inData = const_cast<int64_t *>(input);
  } else if (width == 32) {
    in32.assign(input, input + n);
    inData = in32.data();
  } else {
    return failure();
  }
  Descriptor inDesc(inRank), outDesc(outRank);
  inDesc.words[0] = reinterpret_cast<int64_t>(inData);
  inDesc.words[1] = reinterpret_cast<int64_t>(inData);
  int64_t stride = 1;
  for (int i = inRank - 1; i >= 0; --i) {
    inDesc.words[3 + i] = inputShape[i];
    inDesc.words[3 + inRank + i] = stride;
    stride *= inputShape[i];
  }
  auto fn = reinterpret_cast<void (*)(void *, void *)>(entry);
  fn(outDesc.data(), inDesc.data());
  auto *allocated = reinterpret_cast<float *>(outDesc.words[0]);
  auto *aligned = reinterpret_cast<float *>(outDesc.words[1]);
  int64_t offset = outDesc.words[2];
  // Copy out honouring the strides (identity layout in practice).
  int64_t total = getOutputSize();
  bool contiguous = true;
  stride = 1;
  for (int i = outRank - 1; i >= 0; --i) {
    if (outDesc.words[3 + i] != outputShape[i])
      return failure();
    if (outputShape[i] != 1 && outDesc.words[3 + outRank + i] != stride)
      contiguous = false;
    stride *= outputShape[i];
  }
  if (contiguous) {
    std::memcpy(output, aligned + offset, total * sizeof(float));
  } else {
    std::vector<int64_t> idx(outRank, 0);
    for (int64_t e = 0; e < total; ++e) {
      int64_t off = offset;
      for (unsigned d = 0; d < outRank; ++d)
        off += idx[d] * outDesc.words[3 + outRank + d];
      output[e] = aligned[off];
      for (int d = outRank - 1; d >= 0; --d) {
        if (++idx[d] < outputShape[d])
          break;
        idx[d] = 0;
      }
    }
  }
  // The result buffer was malloc'ed by the compiled code and handed over.
  // (A buffer that is a constant global has allocated == 0xdeadbeef.)
  if (reinterpret_cast<uintptr_t>(allocated) != 0xdeadbeef)
    std::free(allocated);
  return success();
}
