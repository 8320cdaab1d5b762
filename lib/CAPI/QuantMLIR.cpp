//===- QuantMLIR.cpp - C API of quant-mlir -----------------------------------===//
//
// Part of quant-mlir. Implements include/qm-c/QuantMLIR.h on the C++
// libraries. Diagnostics are captured per context and returned as text.
//
//===----------------------------------------------------------------------===//

#include "qm-c/QuantMLIR.h"

#include "qm/Import/Onnx/OnnxImporter.h"
#include "qm/InitAllDialects.h"
#include "qm/InitAllPasses.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <cstring>
#include <mutex>

using namespace mlir;

struct QmContext {
  MLIRContext context;
  std::string error;
  std::unique_ptr<ScopedDiagnosticHandler> handler;

  explicit QmContext(DialectRegistry &registry)
      : context(registry, MLIRContext::Threading::DISABLED) {
    context.loadAllAvailableDialects();
    handler = std::make_unique<ScopedDiagnosticHandler>(
        &context, [this](Diagnostic &diag) {
          if (diag.getSeverity() != DiagnosticSeverity::Error)
            return success();
          llvm::raw_string_ostream os(error);
          if (!error.empty())
            os << "\n";
          os << diag.getLocation() << ": " << diag;
          return success();
        });
  }
};

struct QmModule {
  QmContext *ctx;
  OwningOpRef<ModuleOp> module;
};

static void registerEverythingOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    mlir::registerAllPasses();
    mlir::qm::registerAllPasses();
  });
}

extern "C" QmContext *qmContextCreate(void) {
  registerEverythingOnce();
  DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::qm::registerAllDialects(registry);
  mlir::qm::registerOnnxImportDialects(registry);
  return new QmContext(registry);
}

extern "C" void qmContextDestroy(QmContext *ctx) { delete ctx; }

extern "C" const char *qmContextGetError(QmContext *ctx) {
  return ctx ? ctx->error.c_str() : "null context";
}

static QmModule *wrap(QmContext *ctx, OwningOpRef<ModuleOp> module) {
  if (!module)
    return nullptr;
  return new QmModule{ctx, std::move(module)};
}

extern "C" QmModule *qmImportOnnx(QmContext *ctx, const char *path,
                                  const char *pins) {
  ctx->error.clear();
  mlir::qm::OnnxImportOptions options;
  if (pins && *pins) {
    SmallVector<StringRef> specs;
    StringRef(pins).split(specs, ';', -1, /*KeepEmpty=*/false);
    for (StringRef spec : specs) {
      std::string err;
      if (failed(mlir::qm::parseShapePin(spec.trim(), options, err))) {
        ctx->error = "invalid shape pin '" + spec.str() + "': " + err;
        return nullptr;
      }
    }
  }
  auto module = mlir::qm::importOnnxModel(ctx->context, path, options);
  if (failed(module))
    return nullptr;
  return wrap(ctx, std::move(*module));
}

extern "C" QmModule *qmParseModule(QmContext *ctx, const char *text) {
  ctx->error.clear();
  return wrap(ctx, parseSourceString<ModuleOp>(text, &ctx->context));
}

extern "C" QmModule *qmLoadModule(QmContext *ctx, const char *path) {
  ctx->error.clear();
  return wrap(ctx, parseSourceFile<ModuleOp>(path, &ctx->context));
}

extern "C" void qmModuleDestroy(QmModule *module) { delete module; }

extern "C" int qmModuleRunPasses(QmModule *module, const char *pipeline) {
  QmContext *ctx = module->ctx;
  ctx->error.clear();
  // Accept "builtin.module(a,b)" and the bare "a,b".
  std::string text = pipeline;
  if (!StringRef(text).trim().starts_with("builtin.module("))
    text = "builtin.module(" + text + ")";
  std::string err;
  llvm::raw_string_ostream errOs(err);
  FailureOr<OpPassManager> parsed = parsePassPipeline(text, errOs);
  if (failed(parsed)) {
    ctx->error = "invalid pass pipeline '" + std::string(pipeline) + "': " + err;
    return 1;
  }
  PassManager pm(&ctx->context);
  static_cast<OpPassManager &>(pm) = *parsed;
  return failed(pm.run(*module->module)) ? 1 : 0;
}

extern "C" int qmModuleVerify(QmModule *module) {
  module->ctx->error.clear();
  return failed(verify(*module->module)) ? 1 : 0;
}

static char *copyString(const std::string &s) {
  char *out = static_cast<char *>(std::malloc(s.size() + 1));
  std::memcpy(out, s.c_str(), s.size() + 1);
  return out;
}

extern "C" char *qmModuleToString(QmModule *module, int64_t elideLimit) {
  std::string text;
  llvm::raw_string_ostream os(text);
  OpPrintingFlags flags;
  if (elideLimit >= 0)
    flags.elideLargeElementsAttrs(elideLimit).elideLargeResourceString(elideLimit);
  module->module->print(os, flags);
  return copyString(text);
}

extern "C" int qmModuleWriteBytecode(QmModule *module, const char *path) {
  module->ctx->error.clear();
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec) {
    module->ctx->error = "cannot write '" + std::string(path) + "': " + ec.message();
    return 1;
  }
  return failed(writeBytecodeToFile(*module->module, os)) ? 1 : 0;
}

extern "C" int64_t qmModuleCountOps(QmModule *module, const char *opName) {
  int64_t count = 0;
  module->module->walk([&](Operation *op) {
    if (op->getName().getStringRef() == opName)
      ++count;
  });
  return count;
}

extern "C" void qmFreeString(char *str) { std::free(str); }
