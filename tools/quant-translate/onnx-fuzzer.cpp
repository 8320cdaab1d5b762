//===- onnx-fuzzer.cpp - libFuzzer target over the ONNX importer ----------===//
//
// Part of quant-mlir. Feeds arbitrary bytes to importOnnxModelFromBuffer with
// external data disallowed; built with ASan + UBSan. Any crash, sanitizer
// report, leak or hang is a bug: bad input must end in a diagnostic.
//
//===----------------------------------------------------------------------===//

#include "qm/Import/Onnx/OnnxImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::DialectRegistry registry;
  mlir::qm::registerOnnxImportDialects(registry);
  mlir::MLIRContext context(registry, mlir::MLIRContext::Threading::DISABLED);
  context.getDiagEngine().registerHandler(
      [](mlir::Diagnostic &) { return mlir::success(); });
  mlir::qm::OnnxImportOptions options;
  options.allowExternalData = false;
  // Exercise the folding path half of the time.
  if (size && (data[size - 1] & 1))
    options.foldConstants = true;
  auto module = mlir::qm::importOnnxModelFromBuffer(
      context, llvm::StringRef((const char *)data, size), "fuzz.onnx", options);
  (void)module;
  return 0;
}
