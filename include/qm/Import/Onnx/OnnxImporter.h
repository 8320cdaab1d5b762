//===- OnnxImporter.h - ONNX model -> qgraph dialect -------------*- C++ -*-===//
//
// Part of quant-mlir. The library entry point of the ONNX importer, used by
// quant-translate, quant-compile, quant-run and the Python bindings.
//
// The result is a module with one `func.func @main` whose arguments are the
// graph inputs (each with `{qgraph.name = "<onnx name>"}`), whose results are
// the graph outputs, and whose function attributes `qgraph.input_names` and
// `qgraph.output_names` list the ONNX names in order. Every ONNX node becomes
// qgraph ops (ONNX `Constant` becomes `arith.constant`) located at
// `NameLoc(<node name>, FileLineColLoc(<model path>, <node index>, 0))`.
// Initializers become `arith.constant dense_resource<...>` whose blobs alias
// the parsed protobuf's bytes or a memory map of the external-data file;
// small integer initializers (and small tensors of any type) are inlined as
// `dense<...>` so that shape arithmetic folds.
//
// Errors are emitted as diagnostics on the context (one per failure, naming
// the node, value or file at fault) and the functions return failure.
//
//===----------------------------------------------------------------------===//

#ifndef QM_IMPORT_ONNX_ONNXIMPORTER_H
#define QM_IMPORT_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

#include <string>

namespace mlir {
class DialectRegistry;
class MLIRContext;
} // namespace mlir

namespace mlir::qm {

struct OnnxImportOptions {
  /// Pinned input shapes: graph input name -> sizes. A pinned input's type is
  /// static; the importer then folds shape subgraphs while it builds.
  llvm::StringMap<llvm::SmallVector<int64_t>> pinnedShapes;
  /// Integer and bool tensors with at most this many elements are inlined as
  /// `dense<...>`, float tensors only when they have one element (or none);
  /// all others become `dense_resource` blobs. Resource blobs hold the
  /// little-endian element bytes; 4-bit types one byte per element (value
  /// sign- or zero-extended).
  int64_t maxInlineElements = 64;
  /// Fold ops whose operands are constants while importing. Defaults to on
  /// when shapes are pinned (see `shouldFold`); off keeps one op per node.
  std::optional<bool> foldConstants;
  /// Allow external data files (tensor `location`s); the fuzzer turns it
  /// off.
  bool allowExternalData = true;

  bool shouldFold() const {
    return foldConstants.value_or(!pinnedShapes.empty());
  }
};

/// Parses one pin "name=1x128" (sizes separated by 'x'; "name=" pins a
/// scalar) into `options`. Returns an error message on bad syntax.
LogicalResult parseShapePin(StringRef spec, OnnxImportOptions &options,
                            std::string &error);

/// Registers the dialects the importer creates ops of.
void registerOnnxImportDialects(DialectRegistry &registry);

/// Imports the ONNX model at `path`. External data is resolved relative to
/// the model's folder, and must stay inside it.
FailureOr<OwningOpRef<ModuleOp>>
importOnnxModel(MLIRContext &context, StringRef path,
                const OnnxImportOptions &options = {});

/// Imports a model held in memory. `modelPath` names it in locations and
/// errors; its folder resolves external data (when allowed). The buffer is
/// copied where the module needs it, so it may be freed afterwards.
FailureOr<OwningOpRef<ModuleOp>>
importOnnxModelFromBuffer(MLIRContext &context, StringRef buffer,
                          StringRef modelPath,
                          const OnnxImportOptions &options = {});

} // namespace mlir::qm

#endif // QM_IMPORT_ONNX_ONNXIMPORTER_H
