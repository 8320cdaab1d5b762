//===- WeightQuantization.cpp - rewrite matmuls to quantized weights --------===//
//
// Part of quant-mlir. The part of qm-quant-rtn and qm-quant-gptq that
// touches IR: reads each constant weight, runs the solver, and replaces
//
//   %y = qgraph.matmul %x, %W            (W: arith.constant tensor<KxN>)
//
// by
//
//   %w = qweight.assemble %codes, %scales [zeros %z] [g_idx %g]
//   %y = qweight.matmul %x, %w
//
// with the new constants as dense_resource blobs.
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Quantization/CalibrationStats.h"
#include "qm/Passes/Quantization/QuantTargets.h"
#include "qm/Passes/Quantization/Passes.h"
#include "qm/Passes/Quantization/Solvers/GPTQ.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/Support/GlobPattern.h"

using namespace mlir;
using namespace mlir::qm;

/// Reads the weight of `t` as an N x K row-major f32 matrix.
FailureOr<std::vector<float>> mlir::qm::readTargetWeight(const QuantTarget &target) {
  const QuantTarget &t = target;
  arith::ConstantOp weight = t.weight;
  auto type = cast<RankedTensorType>(weight.getType());
  Type elt = type.getElementType();
  int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
  std::vector<float> flat(rows * cols);
  Attribute value = weight.getValue();
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    if (elt.isF32()) {
      auto values = dense.getValues<float>();
      std::copy(values.begin(), values.end(), flat.begin());
    } else {
      auto values = dense.getValues<APFloat>();
      int64_t i = 0;
      for (APFloat v : values)
        flat[i++] = v.convertToFloat();
    }
  } else if (auto res = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob)
      return weight.emitError("weight data of '")
             << t.displayName() << "' is not available (elided resource?)";
    ArrayRef<char> data = blob->getData();
    unsigned width = elt.getIntOrFloatBitWidth();
    if ((int64_t)data.size() != rows * cols * (int64_t)width / 8)
      return weight.emitError("weight blob of '")
             << t.displayName() << "' has " << data.size()
             << " bytes, expected " << rows * cols * width / 8;
    if (elt.isF32()) {
      std::memcpy(flat.data(), data.data(), data.size());
    } else if (elt.isF16() || elt.isBF16()) {
      const llvm::fltSemantics &sem = cast<FloatType>(elt).getFloatSemantics();
      for (int64_t i = 0; i < rows * cols; ++i) {
        uint16_t bits;
        std::memcpy(&bits, data.data() + 2 * i, 2);
        flat[i] = APFloat(sem, APInt(16, bits)).convertToFloat();
      }
    } else {
      return weight.emitError("unsupported weight element type ") << elt;
    }
  } else {
    return weight.emitError("unsupported weight attribute for '")
           << t.displayName() << "'";
  }
  if (t.transposed)
    return flat; // the constant is already N x K
  std::vector<float> nk(rows * cols);
  for (int64_t k = 0; k < rows; ++k)
    for (int64_t n = 0; n < cols; ++n)
      nk[n * rows + k] = flat[k * cols + n];
  return nk;
}

template <typename T>
static Value makeConstant(OpBuilder &b, Location loc, RankedTensorType type,
                          ArrayRef<T> data, StringRef blobName,
                          bool useResources) {
  ElementsAttr attr;
  if (useResources) {
    attr = DenseResourceElementsAttr::get(
        type, blobName, HeapAsmResourceBlob::allocateAndCopyInferAlign(data));
  } else {
    // Inline dense<>: build from raw little-endian data of the element width.
    attr = DenseElementsAttr::getFromRawBuffer(
        type, ArrayRef<char>(reinterpret_cast<const char *>(data.data()),
                             data.size() * sizeof(T)));
  }
  return arith::ConstantOp::create(b, loc, type, cast<TypedAttr>(attr));
}

/// Builds qweight.assemble of `q` (constants named after `base`) before `at`.
static qweight::AssembleOp buildWeight(Operation *at, StringRef base,
                                       const solvers::QuantizedWeight &q,
                                       const WeightQuantOptions &options) {
  MLIRContext *ctx = at->getContext();
  OpBuilder b(at);
  Location loc = at->getLoc();
  bool perChannel = q.groupSize == q.k;
  int64_t groupSize = perChannel ? -1 : q.groupSize;
  auto wType = qweight::WeightType::get(
      ctx, q.k, q.n, q.bits, groupSize, q.symmetric, !q.gIdx.empty(),
      options.layout, Float32Type::get(ctx));
  Value codes;
  if (options.layout == qweight::Layout::k_packed) {
    std::vector<int32_t> words =
        solvers::packKMajor(q.codes.data(), q.n, q.k, q.bits);
    codes = makeConstant<int32_t>(b, loc, wType.getCodesStorageType(), words,
                                  (base + "_codes").str(), options.useResources);
  } else {
    codes = makeConstant<uint8_t>(b, loc, wType.getCodesStorageType(), q.codes,
                                  (base + "_codes").str(), options.useResources);
  }
  Value scales = makeConstant<float>(b, loc, wType.getScalesType(), q.scales,
                                     (base + "_scales").str(),
                                     options.useResources);
  Value zeros, gIdx;
  if (!q.symmetric)
    zeros = makeConstant<uint8_t>(b, loc, wType.getZerosType(), q.zeros,
                                  (base + "_zeros").str(), options.useResources);
  if (!q.gIdx.empty())
    gIdx = makeConstant<int32_t>(b, loc, wType.getGroupIndexType(), q.gIdx,
                                 (base + "_g_idx").str(), options.useResources);
  return qweight::AssembleOp::create(b, loc, wType, codes, scales, zeros, gIdx);
}

/// Erases `v`'s defining chain of single-operand ops while unused.
static void eraseDeadChain(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (!def->use_empty() || def->getNumOperands() > 1)
      break;
    Value next = def->getNumOperands() ? def->getOperand(0) : Value();
    def->erase();
    if (!next)
      break;
    v = next;
  }
}

/// Replaces `t.matmul` by qweight.assemble + qweight.matmul; returns the
/// assembled weight.
static Value rewrite(QuantTarget &t, const solvers::QuantizedWeight &q,
                     const WeightQuantOptions &options) {
  qgraph::MatMulOp matmul = t.matmul;
  OpBuilder b(matmul);
  Location loc = matmul.getLoc();
  auto assemble = buildWeight(matmul, t.tag, q, options);
  auto qmm = qweight::MatMulOp::create(b, loc, matmul.getType(),
                                       matmul.getLhs(), assemble.getResult());
  Value oldRhs = matmul.getRhs();
  matmul.getResult().replaceAllUsesWith(qmm.getResult());
  matmul.erase();
  // Drop the float weight (and the identity/transpose chain) if now unused.
  eraseDeadChain(oldRhs);
  return assemble.getResult();
}

/// Quantizes the constant tables of axis-0 gathers (see
/// WeightQuantOptions::includeEmbeddings).
static FailureOr<int64_t>
quantizeEmbeddings(ModuleOp module, const WeightQuantOptions &options,
                   const llvm::DenseMap<Operation *, Value> &headWeights) {
  SmallVector<std::pair<qgraph::GatherOp, arith::ConstantOp>> tables;
  module.walk([&](qgraph::GatherOp gather) {
    auto cst = gather.getInput().getDefiningOp<arith::ConstantOp>();
    auto type = dyn_cast<RankedTensorType>(gather.getInput().getType());
    if (gather.getAxis() == 0 && cst && type && type.getRank() == 2 &&
        type.hasStaticShape() && isa<FloatType>(type.getElementType()))
      tables.push_back({gather, cst});
  });
  int64_t index = 0;
  for (auto [gather, cst] : tables) {
    auto type = cast<RankedTensorType>(cst.getType());
    Value weight = headWeights.lookup(cst);
    if (weight) {
      // The head's weight was built at the head; hoist it (constants and
      // assemble, all operand-free but the constants) above the gather.
      Operation *assemble = weight.getDefiningOp();
      if (assemble->getBlock() != gather->getBlock() ||
          !assemble->isBeforeInBlock(gather)) {
        for (Value operand : assemble->getOperands())
          operand.getDefiningOp()->moveBefore(gather);
        assemble->moveBefore(gather);
      }
    } else {
      QuantTarget t;
      t.weight = cst;
      t.transposed = true; // the table is N x K (vocabulary x hidden)
      t.n = type.getDimSize(0);
      t.k = type.getDimSize(1);
      t.tag = getMatmulName(gather);
      if (t.tag.empty())
        t.tag = "gather_" + std::to_string(index);
      FailureOr<std::vector<float>> w = readTargetWeight(t);
      if (failed(w))
        return failure();
      solvers::QuantizedWeight q =
          solvers::quantizeRTN(w->data(), t.n, t.k, options.config);
      weight = buildWeight(gather, t.tag, q, options).getResult();
    }
    ++index;
    OpBuilder b(gather);
    Location loc = gather.getLoc();
    auto wType = cast<qweight::WeightType>(weight.getType());
    auto deq = qweight::DequantizeOp::create(
        b, loc,
        RankedTensorType::get({wType.getK(), wType.getN()}, type.getElementType()),
        weight);
    auto table = qgraph::TransposeOp::create(b, loc, type, deq.getResult(),
                                             ArrayRef<int64_t>{1, 0});
    gather.getInputMutable().assign(table.getResult());
    eraseDeadChain(cst.getResult());
  }
  return (int64_t)tables.size();
}

FailureOr<int64_t> mlir::qm::quantizeWeights(ModuleOp module,
                                             const WeightQuantOptions &options,
                                             const CalibrationStats *stats) {
  std::string problem = options.config.validate();
  if (!problem.empty())
    return mlir::emitError(module.getLoc(), "invalid quantization option: ") << problem;
  if (options.layout != qweight::Layout::unpacked &&
      options.layout != qweight::Layout::k_packed)
    return mlir::emitError(module.getLoc(), "invalid quantization option: layout must be "
                            "unpacked or k_packed");
  FailureOr<std::vector<QuantTarget>> collected =
      collectQuantTargets(module, options);
  if (failed(collected))
    return failure();
  std::vector<QuantTarget> &targets = *collected;

  // Check everything before rewriting anything.
  std::vector<QuantTarget *> work;
  for (QuantTarget &t : targets) {
    if (!t.selected)
      continue;
    if (options.gptq) {
      const solvers::HessianAccumulator *acc =
          stats ? stats->lookup(t.tag) : nullptr;
      if (!acc)
        return t.matmul.emitError("missing calibration statistics for '")
                   << t.tag << "'"
                   << (t.name.empty() ? "" : " (" + t.name + ")");
      if (acc->getK() != t.k)
        return t.matmul.emitError("calibration statistics for '")
                   << t.tag << "' have K = " << acc->getK()
                   << ", but the weight has K = " << t.k;
      if (acc->getNumSamples() == 0)
        return t.matmul.emitError("calibration statistics for '")
                   << t.tag << "' hold no samples";
    }
    work.push_back(&t);
  }

  // Weights built from a transposed constant (a tied head), by constant.
  llvm::DenseMap<Operation *, Value> headWeights;
  for (QuantTarget *t : work) {
    FailureOr<std::vector<float>> w = readTargetWeight(*t);
    if (failed(w))
      return failure();
    solvers::QuantizedWeight q;
    if (options.gptq) {
      solvers::GPTQReport report;
      q = solvers::quantizeGPTQ(w->data(), t->n, t->k,
                                stats->lookup(t->tag)->getHessian().data(),
                                t->config, report);
      if (!report.error.empty())
        return t->matmul.emitError("gptq failed for '")
                   << t->displayName() << "': " << report.error;
      for (const std::string &warning : report.warnings)
        t->matmul.emitWarning("gptq for '")
            << t->displayName() << "': " << warning;
    } else {
      q = solvers::quantizeRTN(w->data(), t->n, t->k, t->config);
    }
    Operation *cst = t->weight;
    // A transposed constant with other users (the embedding gather) stays.
    bool tiedCandidate = t->transposed && !t->weight->hasOneUse();
    Value assembled = rewrite(*t, q, options);
    if (tiedCandidate)
      headWeights[cst] = assembled;
  }
  int64_t count = (int64_t)work.size();
  if (options.includeEmbeddings) {
    FailureOr<int64_t> tables = quantizeEmbeddings(module, options, headWeights);
    if (failed(tables))
      return failure();
    count += *tables;
  }
  return count;
}
