//===- quant-translate.cpp - model import front end -----------------------===//
//
// Part of quant-mlir. `quant-translate --import-onnx model.onnx -o model.mlir
// [--shape input_ids=1x128]`: imports an ONNX model into the qgraph dialect.
// With pinned shapes the module is canonicalized (and refined by
// qm-graph-refine-shapes where the build has it) so that shape subgraphs
// fold to constants and the types become static. The output file is written
// only on success, atomically (a temporary file renamed into place). Errors
// are one line each.
//
//===----------------------------------------------------------------------===//

#include "qm/Import/Onnx/OnnxImporter.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#ifdef QM_HAVE_GRAPH_TRANSFORMS
#include "qm/Passes/Graph/Passes.h"
#endif
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory category("quant-translate options");
static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input model>"),
                                      cl::Required, cl::cat(category));
static cl::opt<std::string> outputFile("o", cl::desc("Output file ('-': stdout)"),
                                       cl::value_desc("file"), cl::init("-"),
                                       cl::cat(category));
static cl::opt<bool> importOnnx("import-onnx",
                                cl::desc("Import an ONNX model (.onnx)"),
                                cl::cat(category));
static cl::list<std::string>
    shapes("shape", cl::desc("Pin an input shape, e.g. input_ids=1x128 "
                             "('?' keeps a dimension dynamic)"),
           cl::value_desc("name=DxD..."), cl::CommaSeparated, cl::cat(category));
static cl::opt<bool> emitBytecode("emit-bytecode",
                                  cl::desc("Write MLIR bytecode"),
                                  cl::cat(category));
static cl::opt<int64_t> maxInline(
    "max-inline-elements",
    cl::desc("Inline tensors up to this many elements as dense<...>"),
    cl::init(64), cl::cat(category));
static cl::opt<bool> noFold("no-fold",
                            cl::desc("Keep one op per node even with pinned "
                                     "shapes (no folding or canonicalize)"),
                            cl::cat(category));

/// Prints each error as one line: "<file>:<line>:<col>: error: <message>".
static LogicalResult printDiagnostic(Diagnostic &diag) {
  if (diag.getSeverity() != DiagnosticSeverity::Error &&
      diag.getSeverity() != DiagnosticSeverity::Warning)
    return success();
  std::string loc;
  std::string nodeName;
  Location l = diag.getLocation();
  if (auto name = dyn_cast<NameLoc>(l)) {
    nodeName = name.getName().str();
    l = name.getChildLoc();
  }
  if (auto file = dyn_cast<FileLineColLoc>(l))
    loc = (file.getFilename().str() + ":" + std::to_string(file.getLine()) +
           ":" + std::to_string(file.getColumn()) + ": ");
  std::string msg = diag.str();
  for (char &ch : msg)
    if (ch == '\n')
      ch = ' ';
  llvm::errs() << loc
               << (diag.getSeverity() == DiagnosticSeverity::Error ? "error: "
                                                                    : "warning: ");
  if (!nodeName.empty() && msg.find(nodeName) == std::string::npos)
    llvm::errs() << "node '" << nodeName << "': ";
  llvm::errs() << msg << "\n";
  return success();
}

/// Prints `module` as text like Operation::print, but writes the hex of the
/// builtin resource blobs (the weights) in chunks instead of through one
/// string per blob, which would double the largest weight in memory. The
/// output is byte-for-byte what the MLIR printer produces.
static void printModule(ModuleOp module, llvm::raw_ostream &os) {
  // The resources in the order the printer meets them.
  SmallVector<DenseResourceElementsHandle> handles;
  llvm::StringSet<> seen;
  module->walk([&](Operation *op) {
    for (NamedAttribute attr : op->getAttrs())
      if (auto res = dyn_cast<DenseResourceElementsAttr>(attr.getValue()))
        if (seen.insert(res.getRawHandle().getKey()).second)
          handles.push_back(res.getRawHandle());
  });
  bool allBlobs = !handles.empty() && llvm::all_of(handles, [](auto &h) {
    return h.getBlob() != nullptr;
  });
  if (!allBlobs) {
    module->print(os, OpPrintingFlags());
    os << "\n";
    return;
  }
  // The IR without resources; the printer leaves an empty metadata block.
  std::string text;
  {
    llvm::raw_string_ostream ts(text);
    module->print(ts, OpPrintingFlags().elideLargeResourceString(0));
  }
  StringRef ir = text;
  StringRef emptyBlock = "\n{-#\n\n#-}\n";
  if (!ir.consume_back(emptyBlock)) {
    module->print(os, OpPrintingFlags());
    os << "\n";
    return;
  }
  os << ir << "\n{-#\n  dialect_resources: {\n    builtin: {\n";
  for (auto [i, handle] : llvm::enumerate(handles)) {
    const AsmResourceBlob *blob = handle.getBlob();
    llvm::support::ulittle32_t align(blob->getDataAlignment());
    os << "      " << handle.getKey() << ": \"0x"
       << llvm::toHex(StringRef((const char *)&align, sizeof(align)));
    ArrayRef<char> data = blob->getData();
    for (size_t off = 0; off < data.size(); off += (1 << 16))
      os << llvm::toHex(StringRef(data.data() + off,
                                  std::min<size_t>(1 << 16, data.size() - off)));
    os << "\"" << (i + 1 < handles.size() ? "," : "") << "\n";
  }
  os << "    }\n  }\n#-}\n\n";
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "quant-mlir model importer\n");
  if (!importOnnx) {
    llvm::errs() << "quant-translate: error: no translation given (use "
                    "--import-onnx)\n";
    return 1;
  }
  qm::OnnxImportOptions options;
  options.maxInlineElements = maxInline;
  for (const std::string &spec : shapes) {
    std::string error;
    if (failed(qm::parseShapePin(spec, options, error))) {
      llvm::errs() << "quant-translate: error: " << error << "\n";
      return 1;
    }
  }
  if (noFold)
    options.foldConstants = false;

  DialectRegistry registry;
  qm::registerOnnxImportDialects(registry);
  MLIRContext context(registry);
  context.getDiagEngine().registerHandler(printDiagnostic);

  auto module = qm::importOnnxModel(context, inputFile, options);
  if (failed(module))
    return 1;

  if (!options.pinnedShapes.empty() && !noFold) {
    PassManager pm(&context);
    pm.addPass(createCanonicalizerPass());
    if (failed(pm.run(**module)))
      return 1;
#ifdef QM_HAVE_GRAPH_TRANSFORMS
    // Make every type static that the pinned shapes determine.
    if (failed(qm::refineShapes(**module)))
      return 1;
#endif
  }

  llvm::Error err = llvm::writeToOutput(outputFile, [&](llvm::raw_ostream &os) -> llvm::Error {
    if (emitBytecode) {
      if (failed(writeBytecodeToFile(**module, os)))
        return llvm::createStringError(llvm::inconvertibleErrorCode(), "cannot write bytecode");
    } else {
      printModule(**module, os);
    }
    return llvm::Error::success();
  });
  if (err) {
    llvm::errs() << "quant-translate: error: cannot write '" << outputFile
                 << "': " << llvm::toString(std::move(err)) << "\n";
    return 1;
  }
  return 0;
}
