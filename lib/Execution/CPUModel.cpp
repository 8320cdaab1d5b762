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
#include <thread>

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

void mlir::qm::runInLanes(int64_t lanes, const std::function<void()> &lane) {
  if (lanes <= 1) {
    lane();
    return;
  }
#if QM_HAVE_QMRT_CPU
  int kernelThreads = qmrt_get_num_threads();
  qmrt_set_num_threads(1);
#endif
  std::vector<std::thread> threads;
  for (int64_t i = 1; i < lanes; ++i)
    threads.emplace_back(lane);
  lane();
  for (std::thread &t : threads)
    t.join();
#if QM_HAVE_QMRT_CPU
  qmrt_set_num_threads(kernelThreads);
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

LogicalResult CPUModel::verifyTokenModel(ModuleOp module) {
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
  return success();
}

FailureOr<std::unique_ptr<CPUModel>>
CPUModel::compile(ModuleOp module, const CPUCompileOptions &options) {
  func::FuncOp entry = getEntry(module);
  if (!entry)
    return failure();
  FunctionType type = entry.getFunctionType();
  std::unique_ptr<CPUModel> model(new CPUModel());
  auto collect = [&](TypeRange types, std::vector<RankedTensorType> &out,
                     const char *what) -> LogicalResult {
    for (Type t : types) {
      auto ranked = dyn_cast<RankedTensorType>(t);
      if (!ranked || !ranked.hasStaticShape() ||
          !ranked.getElementType().isIntOrFloat())
        return entry.emitError("entry function ")
               << what << " must be static integer or float tensors (" << t
               << "); pin the input shape";
      out.push_back(ranked);
    }
    return success();
  };
  if (failed(collect(type.getInputs(), model->argTypes, "arguments")) ||
      failed(collect(type.getResults(), model->resultTypes, "results")))
    return failure();
  if (model->argTypes.size() == 1 && model->resultTypes.size() == 1) {
    RankedTensorType in = model->argTypes[0], out = model->resultTypes[0];
    model->inputShape.assign(in.getShape().begin(), in.getShape().end());
    model->outputShape.assign(out.getShape().begin(), out.getShape().end());
    model->inputElementType = in.getElementType();
  }

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
  lap("weights externalized");

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
  lap("LLVM translation and optimization");
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
  lap("LLVM codegen");
  reinterpret_cast<void (*)(const char *)>(*init)(blob.data());
  lap("weights copied in");
  model->entryName = "_mlir_ciface_" + *name;
  auto fn = model->engine->lookup(model->entryName);
  if (!fn) {
    std::string msg = llvm::toString(fn.takeError());
    return module.emitError("cannot find the compiled entry: ") << msg;
  }
  model->entry = *fn;
  return model;
}

static int64_t numElements(RankedTensorType type) {
  int64_t n = 1;
  for (int64_t d : type.getShape())
    n *= d;
  return n;
}

static int64_t elementBytes(RankedTensorType type) {
  return (type.getElementType().getIntOrFloatBitWidth() + 7) / 8;
}

LogicalResult CPUModel::call(ArrayRef<const void *> args,
                             ArrayRef<void *> results) {
  if (args.size() != argTypes.size() || results.size() != resultTypes.size())
    return failure();
  // The C interface takes a pointer to each argument's descriptor
  // {allocated, aligned, offset, sizes[rank], strides[rank]} and returns
  // through a pointer to the result descriptor (a struct of descriptors when
  // there are several results, all words of 8 bytes).
  std::vector<Descriptor> argDescs;
  argDescs.reserve(args.size());
  for (auto [data, type] : llvm::zip(args, argTypes)) {
    unsigned rank = type.getRank();
    Descriptor &d = argDescs.emplace_back(rank);
    d.words[0] = d.words[1] = reinterpret_cast<int64_t>(data);
    int64_t stride = 1;
    for (int i = rank - 1; i >= 0; --i) {
      d.words[3 + i] = type.getDimSize(i);
      d.words[3 + rank + i] = stride;
      stride *= type.getDimSize(i);
    }
  }
  size_t resultWords = 0;
  for (RankedTensorType type : resultTypes)
    resultWords += 3 + 2 * type.getRank();
  std::vector<int64_t> resultBuffer(resultWords, 0);

  std::vector<void *> argPtrs;
  for (Descriptor &d : argDescs)
    argPtrs.push_back(d.data());
  void *resultPtr = resultBuffer.data();
  SmallVector<void *> packed;
  if (!resultTypes.empty())
    packed.push_back(&resultPtr);
  for (void *&p : argPtrs)
    packed.push_back(&p);
  if (llvm::Error err = engine->invokePacked(entryName, packed)) {
    llvm::consumeError(std::move(err));
    return failure();
  }

  // Copy each result out honouring its strides, then free the buffer the
  // compiled code malloc'ed (a constant global has allocated == 0xdeadbeef).
  LogicalResult status = success();
  std::vector<void *> toFree;
  size_t word = 0;
  for (auto [dst, type] : llvm::zip(results, resultTypes)) {
    unsigned rank = type.getRank();
    const int64_t *d = resultBuffer.data() + word;
    word += 3 + 2 * rank;
    auto *allocated = reinterpret_cast<char *>(d[0]);
    auto *aligned = reinterpret_cast<const char *>(d[1]);
    int64_t offset = d[2], bytes = elementBytes(type);
    int64_t total = numElements(type);
    bool contiguous = true;
    int64_t stride = 1;
    for (int i = rank - 1; i >= 0; --i) {
      if (d[3 + i] != type.getDimSize(i))
        status = failure();
      if (type.getDimSize(i) != 1 && d[3 + rank + i] != stride)
        contiguous = false;
      stride *= type.getDimSize(i);
    }
    if (succeeded(status)) {
      auto *out = static_cast<char *>(dst);
      if (contiguous) {
        std::memcpy(out, aligned + offset * bytes, total * bytes);
      } else {
        std::vector<int64_t> idx(rank, 0);
        for (int64_t e = 0; e < total; ++e) {
          int64_t off = offset;
          for (unsigned k = 0; k < rank; ++k)
            off += idx[k] * d[3 + rank + k];
          std::memcpy(out + e * bytes, aligned + off * bytes, bytes);
          for (int k = rank - 1; k >= 0; --k) {
            if (++idx[k] < type.getDimSize(k))
              break;
            idx[k] = 0;
          }
        }
      }
    }
    // Never free an argument returned as it is, nor a buffer twice.
    if (reinterpret_cast<uintptr_t>(allocated) != 0xdeadbeef &&
        llvm::find(args, allocated) == args.end() &&
        llvm::find(toFree, allocated) == toFree.end())
      toFree.push_back(allocated);
  }
  for (void *p : toFree)
    std::free(p);
  return status;
}

LogicalResult CPUModel::run(const int64_t *input, float *output) {
  if (argTypes.size() != 1 || resultTypes.size() != 1 ||
      !resultTypes[0].getElementType().isF32() ||
      !argTypes[0].getElementType().isSignlessInteger())
    return failure();
  unsigned width = inputElementType.getIntOrFloatBitWidth();
  if (width == 64)
    return call({input}, {output});
  if (width != 32)
    return failure();
  std::vector<int32_t> in32(input, input + getInputSize());
  return call({in32.data()}, {output});
}
