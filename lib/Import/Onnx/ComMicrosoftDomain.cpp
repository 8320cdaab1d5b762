//===- ComMicrosoftDomain.cpp - handlers of com.microsoft ops --------------===//
//
// Part of quant-mlir. The onnxruntime contrib ops that Optimum and
// onnxruntime-genai exports use: MatMulNBits, (Skip)SimplifiedLayerNorm and
// SkipLayerNormalization.
//
//===----------------------------------------------------------------------===//

#include "ImporterInternal.h"

#include "qm/Dialect/QGraph/IR/QGraph.h"

using namespace mlir;
using namespace mlir::qm;
using namespace mlir::qm::onnx_import;
namespace qg = mlir::qm::qgraph;

static LogicalResult importMatMulNBits(NodeContext &c) {
  if (failed(c.checkInputs(3, 6)))
    return failure();
  int64_t K = -1, N = -1, bits = 4, blockSize = -1;
  if (failed(c.intAttr("K", K)) || failed(c.intAttr("N", N)) ||
      failed(c.intAttr("bits", bits)) ||
      failed(c.intAttr("block_size", blockSize)))
    return failure();
  if (K <= 0 || N <= 0 || blockSize <= 0)
    return c.error() << "attributes 'K', 'N' and 'block_size' must be set and "
                        "positive (K "
                     << K << ", N " << N << ", block_size " << blockSize << ")";
  Value a = c.input(0), zp = c.input(3), gIdx = c.input(4), bias = c.input(5);
  auto at = c.typeOf(a);
  if (at.getRank() < 1)
    return c.error() << "input 'A' must have rank >= 1";
  SmallVector<int64_t> dims(at.getShape());
  dims.back() = N;
  SmallVector<Value> operands{a, c.input(1), c.input(2)};
  for (Value v : {zp, gIdx, bias})
    if (v)
      operands.push_back(v);
  return c.emit1<qg::MatMulNBitsOp>(
      operands,
      {c.named("K", c.b.getI64IntegerAttr(K)),
       c.named("N", c.b.getI64IntegerAttr(N)),
       c.named("bits", c.b.getI64IntegerAttr(bits)),
       c.named("block_size", c.b.getI64IntegerAttr(blockSize)),
       c.named("operandSegmentSizes",
               c.b.getDenseI32ArrayAttr(
                   {1, 1, 1, zp ? 1 : 0, gIdx ? 1 : 0, bias ? 1 : 0}))},
      RankedTensorType::get(dims, at.getElementType()));
}

/// SkipSimplifiedLayerNormalization (input, skip, gamma[, bias]) and
/// SkipLayerNormalization (input, skip, gamma[, beta[, bias]]): output 0 is
/// the normalized sum, output 3 the sum input + skip (+ bias).
template <bool Simplified>
static LogicalResult importSkipNorm(NodeContext &c) {
  if (failed(c.checkInputs(3, Simplified ? 4 : 5)))
    return failure();
  float eps = 1e-5f;
  if (failed(c.floatAttr("epsilon", eps)))
    return failure();
  Value x = c.input(0), skip = c.input(1), gamma = c.input(2);
  Value beta = Simplified ? Value() : c.input(3);
  Value bias = c.input(Simplified ? 3 : 4);
  // The sum is output 3; refined by its declared type.
  auto sum = c.create1<qg::AddOp>({x, skip}, {}, {}, /*output=*/3);
  if (failed(sum))
    return failure();
  Value s = *sum;
  if (bias) {
    auto withBias = c.create1<qg::AddOp>({s, bias}, {}, {}, 3);
    if (failed(withBias))
      return failure();
    s = *withBias;
  }
  SmallVector<Value> operands{s, gamma};
  if (beta)
    operands.push_back(beta);
  SmallVector<NamedAttribute> attrs{
      c.named("axis", c.si64(-1)),
      c.named("epsilon", c.b.getF32FloatAttr(eps))};
  FailureOr<Value> norm =
      Simplified ? c.create1<qg::RMSNormOp>(operands, attrs, s.getType())
                 : c.create1<qg::LayerNormOp>(operands, attrs, s.getType());
  if (failed(norm))
    return failure();
  c.setOutput(0, *norm);
  c.setOutput(3, s);
  return success();
}

void onnx_import::registerComMicrosoftHandlers(HandlerRegistry &r) {
  r.add("com.microsoft", "MatMulNBits", 1, importMatMulNBits);
  r.add("com.microsoft", "SimplifiedLayerNormalization", 1, importRMSNorm);
  r.add("com.microsoft", "SkipSimplifiedLayerNormalization", 1,
        importSkipNorm<true>);
  r.add("com.microsoft", "SkipLayerNormalization", 1, importSkipNorm<false>);
}
