//===- ImporterInternal.h - ONNX importer internals --------------*- C++ -*-===//
//
// Part of quant-mlir. Shared between the graph walker (OnnxImporter.cpp) and
// the per-domain op handlers (DefaultDomain.cpp, ComMicrosoftDomain.cpp).
// Handlers are keyed by (domain, op type, first opset version): the one with
// the largest version not above the model's opset import of that domain
// handles a node.
//
//===----------------------------------------------------------------------===//

#ifndef QM_LIB_IMPORT_ONNX_IMPORTERINTERNAL_H
#define QM_LIB_IMPORT_ONNX_IMPORTERINTERNAL_H

#include "qm/Import/Onnx/OnnxImporter.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"

#include "onnx/onnx_pb.h"

#include <functional>
#include <map>

namespace mlir::qm::onnx_import {

class GraphImporter;
class NodeContext;

using HandlerFn = LogicalResult (*)(NodeContext &);

/// Handlers of one or more domains, keyed by (domain, op type, since
/// version). The default domain is spelled "".
class HandlerRegistry {
public:
  void add(StringRef domain, StringRef opType, int64_t sinceVersion,
           HandlerFn fn);
  /// The handler for `opType` in `domain` at `version`, or null.
  HandlerFn lookup(StringRef domain, StringRef opType, int64_t version) const;

  static const HandlerRegistry &get();

private:
  std::map<std::pair<std::string, std::string>,
           std::map<int64_t, HandlerFn>>
      handlers;
};

void registerDefaultDomainHandlers(HandlerRegistry &registry);
void registerComMicrosoftHandlers(HandlerRegistry &registry);

/// Normalizes "ai.onnx" to "".
inline StringRef canonicalDomain(StringRef domain) {
  return domain == "ai.onnx" ? StringRef() : domain;
}

/// Maps an ONNX TensorProto data type to an MLIR element type; null if
/// unsupported.
Type convertElementType(MLIRContext *ctx, int32_t onnxType);
/// ONNX name of a data type ("FLOAT", "STRING", ...) for messages.
std::string onnxTypeName(int32_t onnxType);

/// What one handler sees of the node it imports.
class NodeContext {
public:
  NodeContext(GraphImporter &importer, const onnx::NodeProto &node,
              int64_t opset, Location loc, OpBuilder &builder);

  const onnx::NodeProto &node;
  int64_t opset;
  Location loc;
  OpBuilder &b;
  MLIRContext *ctx() { return b.getContext(); }
  const OnnxImportOptions &options() const;

  /// An error at the node, prefixed with its name and op type.
  InFlightDiagnostic error();

  // Inputs -----------------------------------------------------------------
  unsigned numInputs() const { return node.input_size(); }
  /// The i-th input, or null when absent (index past the end or "").
  Value input(unsigned i);
  /// Checks the number of present inputs is within [min, max].
  LogicalResult checkInputs(unsigned min, unsigned max);
  RankedTensorType typeOf(Value v) {
    return cast<RankedTensorType>(v.getType());
  }

  // Attributes (absent ones keep the default in `out`) --------------------
  const onnx::AttributeProto *attr(StringRef name) const;
  LogicalResult intAttr(StringRef name, int64_t &out);
  LogicalResult floatAttr(StringRef name, float &out);
  LogicalResult intsAttr(StringRef name, SmallVectorImpl<int64_t> &out,
                         bool &present);
  LogicalResult stringAttr(StringRef name, std::string &out);
  /// A TENSOR attribute converted to an elements attribute (null if absent).
  LogicalResult tensorAttr(StringRef name, ElementsAttr &out);

  // Building ---------------------------------------------------------------
  /// Creates op `opName`. Result types: the op's InferTypeOpInterface when it
  /// has one, else `types`; either is refined with the declared types of the
  /// node's outputs (value_info), output i for result `firstOutput + i`.
  /// The op is verified; with folding on, it folds when its operands are
  /// constants. Returns the results (possibly folded values).
  FailureOr<SmallVector<Value>> create(StringRef opName, ValueRange operands,
                                       ArrayRef<NamedAttribute> attrs,
                                       ArrayRef<Type> types = {},
                                       unsigned firstOutput = 0);
  FailureOr<Value> create1(StringRef opName, ValueRange operands,
                           ArrayRef<NamedAttribute> attrs,
                           Type type = {}, unsigned output = 0) {
    auto r = create(opName, operands, attrs,
                    type ? ArrayRef<Type>(type) : ArrayRef<Type>(), output);
    if (failed(r))
      return failure();
    return (*r)[0];
  }
  template <typename OpTy>
  FailureOr<Value> create1(ValueRange operands,
                           ArrayRef<NamedAttribute> attrs = {},
                           Type type = {}, unsigned output = 0) {
    return create1(OpTy::getOperationName(), operands, attrs, type, output);
  }
  /// create1, then its result as the node's output 0: the whole import of
  /// a node with one output.
  template <typename OpTy>
  LogicalResult emit1(ValueRange operands, ArrayRef<NamedAttribute> attrs = {},
                      Type type = {}) {
    FailureOr<Value> r = create1<OpTy>(operands, attrs, type);
    if (failed(r))
      return failure();
    setOutput(0, *r);
    return success();
  }
  /// An i64 constant (`arith.constant dense<...>`) of shape `shape` (rank 1
  /// of values.size() when not given).
  Value constI64(ArrayRef<int64_t> values,
                 std::optional<ArrayRef<int64_t>> shape = std::nullopt);
  /// A constant from an elements attribute.
  Value constant(ElementsAttr value);

  /// The declared type of output i (value_info / graph output), or null.
  RankedTensorType declaredOutputType(unsigned i);

  // Outputs ----------------------------------------------------------------
  void setOutput(unsigned i, Value v);
  unsigned numOutputs() const { return node.output_size(); }

  /// A signed 64-bit integer attribute (the type of `SI64Attr`).
  IntegerAttr si64(int64_t v) {
    return IntegerAttr::get(
        IntegerType::get(ctx(), 64, IntegerType::Signed), v);
  }
  NamedAttribute named(StringRef name, Attribute a) {
    return b.getNamedAttr(name, a);
  }

  GraphImporter &importer;
};

/// With folding on: if all operands of `op` are small integer/bool
/// constants, builds its value as an `arith.constant` (at most `maxElements`
/// elements) and returns it; else null. See ConstantEval.cpp.
Value evaluateSmallIntOp(OpBuilder &b, Operation *op, int64_t maxElements);

/// Reads an integer constant operand (dense) into `values`.
bool constInts(Value v, SmallVectorImpl<int64_t> &values);

/// RMSNormalization (opset 23) and SimplifiedLayerNormalization (default
/// and com.microsoft domains): qgraph.rms_norm.
LogicalResult importRMSNorm(NodeContext &c);

} // namespace mlir::qm::onnx_import

#endif // QM_LIB_IMPORT_ONNX_IMPORTERINTERNAL_H
