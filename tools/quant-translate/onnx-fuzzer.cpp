//===- onnx-fuzzer.cpp - libFuzzer target over the ONNX importer ----------===//
//
// Part of quant-mlir. Feeds fuzz input to importOnnxModelFromBuffer with
// external data disallowed; built with ASan + UBSan. Any crash, sanitizer
// report, leak or hang is a bug: bad input must end in a diagnostic.
//
// Two modes, chosen by the first byte:
// - raw: the bytes are the serialized model (protobuf-level mutations);
// - graph ('G'): the bytes drive a generator that builds a well-formed
//   ModelProto of random nodes (op types the importer knows and some it does
//   not), random attributes, shapes and small integer initializers, so that
//   the handlers, type inference, verifiers and the constant evaluator see
//   structurally valid but semantically arbitrary graphs.
//
//===----------------------------------------------------------------------===//

#include "qm/Import/Onnx/OnnxImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

#include "onnx/onnx_pb.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace {
/// Reads the fuzz input as a stream of small choices.
struct Bytes {
  const uint8_t *data;
  size_t size, pos = 0;
  uint8_t next() { return pos < size ? data[pos++] : 0; }
  bool done() const { return pos >= size; }
  int64_t pick(int64_t n) { return n ? next() % n : 0; }
  int64_t smallInt() {
    // Mostly small, sometimes extreme.
    uint8_t b = next();
    switch (b % 16) {
    case 0: return INT64_MAX;
    case 1: return INT64_MIN;
    case 2: return -1;
    case 3: return int64_t(1) << 40;
    default: return int64_t(b % 9) - 2;
    }
  }
};

const char *const kOps[] = {
    "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Equal", "Less",
    "Where", "Cast", "Neg", "Sqrt", "Relu", "Identity", "Dropout", "Not",
    "And", "MatMul", "Gemm", "Softmax", "LayerNormalization",
    "SimplifiedLayerNormalization", "ReduceMean", "ReduceSum", "CumSum",
    "Shape", "Reshape", "Transpose", "Squeeze", "Unsqueeze", "Concat",
    "Split", "Expand", "Slice", "Gather", "GatherND", "Range",
    "ConstantOfShape", "Trilu", "DequantizeLinear", "Constant", "Clip",
    "Sum", "CastLike", "MatMulNBits", "SkipSimplifiedLayerNormalization",
    "Unknown"};
const char *const kAttrs[] = {"axis",  "axes",      "perm",     "to",
                              "keepdims", "transB", "block_size", "K",
                              "N",     "bits",      "start",    "end",
                              "upper", "batch_dims", "epsilon", "value"};

std::string buildGraphModel(Bytes &in) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  auto *op = m.add_opset_import();
  op->set_version(13 + in.pick(11));
  auto *ms = m.add_opset_import();
  ms->set_domain("com.microsoft");
  ms->set_version(1);
  onnx::GraphProto *g = m.mutable_graph();
  std::vector<std::string> values;
  // Inputs: float and int64 tensors of small random shapes.
  int numInputs = 1 + in.pick(3);
  for (int i = 0; i < numInputs; ++i) {
    auto *vi = g->add_input();
    vi->set_name("in" + std::to_string(i));
    auto *tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(in.pick(4) == 0 ? onnx::TensorProto::INT64
                                      : onnx::TensorProto::FLOAT);
    auto *shape = tt->mutable_shape();
    int rank = in.pick(4);
    for (int d = 0; d < rank; ++d) {
      auto *dim = shape->add_dim();
      if (in.pick(3) == 0)
        dim->set_dim_param("s" + std::to_string(in.pick(2)));
      else
        dim->set_dim_value(1 + in.pick(4));
    }
    values.push_back(vi->name());
  }
  // Small int64 and float initializers.
  int numInits = in.pick(4);
  for (int i = 0; i < numInits; ++i) {
    auto *t = g->add_initializer();
    t->set_name("init" + std::to_string(i));
    bool isInt = in.pick(2);
    t->set_data_type(isInt ? onnx::TensorProto::INT64 : onnx::TensorProto::FLOAT);
    int rank = in.pick(3);
    int64_t n = 1;
    for (int d = 0; d < rank; ++d) {
      int64_t dim = in.pick(4);
      t->add_dims(dim);
      n *= dim;
    }
    for (int64_t k = 0; k < n; ++k) {
      if (isInt)
        t->add_int64_data(in.smallInt());
      else
        t->add_float_data(float(in.smallInt()));
    }
    values.push_back(t->name());
  }
  int numNodes = 1 + in.pick(8);
  for (int i = 0; i < numNodes && !in.done(); ++i) {
    auto *node = g->add_node();
    const char *type = kOps[in.pick(std::size(kOps))];
    node->set_op_type(type);
    node->set_name("n" + std::to_string(i));
    if (!strcmp(type, "MatMulNBits") ||
        !strcmp(type, "SkipSimplifiedLayerNormalization"))
      node->set_domain("com.microsoft");
    int numIn = in.pick(4);
    for (int k = 0; k < numIn; ++k)
      node->add_input(in.pick(8) == 0 ? std::string()
                                      : values[in.pick(values.size())]);
    int numOut = 1 + (in.pick(4) == 0 ? in.pick(3) : 0);
    for (int k = 0; k < numOut; ++k) {
      std::string name = "v" + std::to_string(i) + "_" + std::to_string(k);
      node->add_output(name);
      values.push_back(name);
    }
    int numAttrs = in.pick(3);
    for (int k = 0; k < numAttrs; ++k) {
      auto *a = node->add_attribute();
      a->set_name(kAttrs[in.pick(std::size(kAttrs))]);
      switch (in.pick(4)) {
      case 0:
        a->set_type(onnx::AttributeProto::INT);
        a->set_i(in.smallInt());
        break;
      case 1: {
        a->set_type(onnx::AttributeProto::INTS);
        int len = in.pick(4);
        for (int j = 0; j < len; ++j)
          a->add_ints(in.smallInt());
        break;
      }
      case 2:
        a->set_type(onnx::AttributeProto::FLOAT);
        a->set_f(float(in.smallInt()));
        break;
      default: {
        a->set_type(onnx::AttributeProto::TENSOR);
        auto *t = a->mutable_t();
        t->set_data_type(in.pick(2) ? onnx::TensorProto::INT64
                                    : onnx::TensorProto::FLOAT);
        int len = in.pick(3);
        t->add_dims(len);
        for (int j = 0; j < len; ++j) {
          if (t->data_type() == onnx::TensorProto::INT64)
            t->add_int64_data(in.smallInt());
          else
            t->add_float_data(float(in.smallInt()));
        }
      }
      }
    }
  }
  int numOutputs = 1 + in.pick(2);
  for (int i = 0; i < numOutputs; ++i)
    g->add_output()->set_name(values[values.size() - 1 - in.pick(std::min<size_t>(3, values.size()))]);
  std::string out;
  m.SerializeToString(&out);
  return out;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::DialectRegistry registry;
  mlir::qm::registerOnnxImportDialects(registry);
  mlir::MLIRContext context(registry, mlir::MLIRContext::Threading::DISABLED);
  context.getDiagEngine().registerHandler(
      [](mlir::Diagnostic &) { return mlir::success(); });
  mlir::qm::OnnxImportOptions options;
  options.allowExternalData = false;
  std::string buffer;
  llvm::StringRef bytes((const char *)data, size);
  if (size && data[0] == 'G') {
    Bytes in{data + 1, size - 1};
    // Pin or fold: the evaluator and static inference paths.
    if (in.pick(2))
      options.foldConstants = true;
    buffer = buildGraphModel(in);
    bytes = buffer;
  } else if (size && (data[size - 1] & 1)) {
    options.foldConstants = true;
  }
  auto module = mlir::qm::importOnnxModelFromBuffer(context, bytes,
                                                    "fuzz.onnx", options);
  (void)module;
  return 0;
}
