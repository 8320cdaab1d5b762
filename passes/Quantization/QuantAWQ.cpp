//===- QuantAWQ.cpp - activation-aware weight quantization -------------------===//
//
// Part of quant-mlir. Implements qm-quant-awq: groups the quantizable
// matmuls by their shared input, searches per-channel scales with the AWQ
// solver, folds 1/s into the op that produces the input (a norm's weight or
// a preceding linear's output channels) and s into the matmuls' weights,
// then clips and quantizes the scaled weights with RTN or GPTQ.
//
// Phase 1 searches and folds the scales of every group on the float
// weights (in program order, as public AWQ implementations search all
// scales of a layer before applying any); phase 2 clips, writes the new
// float weights back and hands them to quantizeWeights().
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Quantization/CalibrationStats.h"
#include "qm/Passes/Quantization/Passes.h"
#include "qm/Passes/Quantization/QuantAWQ.h"
#include "qm/Passes/Quantization/QuantTargets.h"
#include "qm/Passes/Quantization/Solvers/AWQ.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/GlobPattern.h"

#include <map>

#define DEBUG_TYPE "qm-quant-awq"

namespace mlir::qm {
#define GEN_PASS_DEF_QUANTAWQPASS
#include "qm/Passes/Quantization/Passes.h.inc"
} // namespace mlir::qm

using namespace mlir;
using namespace mlir::qm;

namespace {

Value stripObservers(Value v) {
  while (auto obs = v.getDefiningOp<qweight::ObserveOp>())
    v = obs.getInput();
  return v;
}

/// Users of `v`, looking through calibration observers.
void collectUsers(Value v, SmallVectorImpl<OpOperand *> &uses) {
  for (OpOperand &use : v.getUses()) {
    if (auto obs = dyn_cast<qweight::ObserveOp>(use.getOwner()))
      collectUsers(obs.getResult(), uses);
    else
      uses.push_back(&use);
  }
}

/// Reads a float constant (dense or dense_resource, f32/f16/bf16) as f32.
FailureOr<std::vector<float>> readFloatConstant(arith::ConstantOp cst) {
  auto type = cast<RankedTensorType>(cst.getType());
  auto elt = dyn_cast<FloatType>(type.getElementType());
  if (!elt)
    return failure();
  int64_t count = type.getNumElements();
  std::vector<float> out(count);
  if (auto dense = dyn_cast<DenseElementsAttr>(cst.getValue())) {
    int64_t i = 0;
    if (dense.isSplat()) {
      std::fill(out.begin(), out.end(),
                dense.getSplatValue<APFloat>().convertToFloat());
      return out;
    }
    for (APFloat v : dense.getValues<APFloat>())
      out[i++] = v.convertToFloat();
    return out;
  }
  auto res = dyn_cast<DenseResourceElementsAttr>(cst.getValue());
  AsmResourceBlob *blob = res ? res.getRawHandle().getBlob() : nullptr;
  if (!blob || !elt.isF32() ||
      (int64_t)blob->getData().size() != count * (int64_t)sizeof(float))
    return failure();
  std::memcpy(out.data(), blob->getData().data(), count * sizeof(float));
  return out;
}

/// A new f32 dense_resource constant of `type`'s shape holding `data`.
arith::ConstantOp makeFloatConstant(OpBuilder &b, Location loc,
                                    ArrayRef<int64_t> shape,
                                    ArrayRef<float> data, StringRef name) {
  auto type = RankedTensorType::get(shape, b.getF32Type());
  auto attr = DenseResourceElementsAttr::get(
      type, name, HeapAsmResourceBlob::allocateAndCopyInferAlign(data));
  return arith::ConstantOp::create(b, loc, type, attr);
}

/// Writes the N x K row-major `nk` into `kn` as K x N (a matmul's weight).
void transposeToKN(ArrayRef<float> nk, int64_t n, int64_t k, float *kn) {
  for (int64_t r = 0; r < n; ++r)
    for (int64_t j = 0; j < k; ++j)
      kn[j * n + r] = nk[r * k + j];
}

/// Mutable f32 K x N weights put in place of matmuls' weights while AWQ
/// ranks candidates by running the layer: one heap blob per matmul,
/// rewritten for every candidate (resource blobs live as long as the
/// context, so a fresh constant per candidate would pile them up).
class ScratchWeights {
public:
  explicit ScratchWeights(MLIRContext *ctx) : b(ctx) {}
  /// Makes `t`'s matmul compute with `nk` (N x K).
  void set(QuantTarget &t, ArrayRef<float> nk) {
    auto it = slots.find(t.matmul);
    if (it == slots.end()) {
      b.setInsertionPoint(t.matmul);
      auto type = RankedTensorType::get({t.k, t.n}, b.getF32Type());
      AsmResourceBlob blob = HeapAsmResourceBlob::allocate(
          t.k * t.n * sizeof(float), alignof(float), /*dataIsMutable=*/true);
      auto attr = DenseResourceElementsAttr::get(type, t.tag + "_awq_trial",
                                                 std::move(blob));
      auto cst = arith::ConstantOp::create(b, t.weight.getLoc(), type, attr);
      originals.push_back(t.matmul.getRhs());
      t.matmul.getRhsMutable().assign(cst.getResult());
      it = slots.insert({t.matmul, cst}).first;
    }
    auto attr = cast<DenseResourceElementsAttr>(it->second.getValue());
    transposeToKN(nk, t.n, t.k,
                  reinterpret_cast<float *>(
                      attr.getRawHandle().getBlob()->getMutableData().data()));
  }
  /// The weights replaced by set(), for erasing once nothing uses them.
  ArrayRef<Value> getOriginals() const { return originals; }

private:
  OpBuilder b;
  DenseMap<Operation *, arith::ConstantOp> slots;
  SmallVector<Value> originals;
};

/// Erases `v`'s defining chain of single-operand ops once nothing uses it.
void eraseIfDead(Value v) {
  while (Operation *def = v ? v.getDefiningOp() : nullptr) {
    if (!def->use_empty() || def->getNumOperands() > 1 ||
        def->getNumRegions() != 0)
      return;
    Value next = def->getNumOperands() ? def->getOperand(0) : Value();
    def->erase();
    v = next;
  }
}

/// Where 1/s of a group's input can be folded.
struct Sink {
  enum Kind { None, NormMul, Norm, Linear } kind = None;
  /// NormMul: the qgraph.mul and the operand holding the constant vector.
  /// Norm: the rms_norm/layer_norm and the operands of scale (and bias).
  Operation *op = nullptr;
  SmallVector<unsigned> operands;
  /// Linear: the preceding target whose output channels get 1/s.
  QuantTarget *linear = nullptr;
  /// Linear: the preceding target's output channel that feeds each input
  /// channel of the group (empty: the same channel). Channels that share one
  /// get one scale.
  std::vector<int64_t> channelMap;
};

/// Whether `cst` holds a vector of `k` floats shaped [1, ..., 1, k].
bool isChannelVector(Value v, int64_t k) {
  auto cst = v.getDefiningOp<arith::ConstantOp>();
  if (!cst)
    return false;
  auto type = dyn_cast<RankedTensorType>(cst.getType());
  if (!type || !isa<FloatType>(type.getElementType()) || type.getRank() < 1 ||
      type.getShape().back() != k || type.getNumElements() != k)
    return false;
  return true;
}

struct Group {
  Value input;
  SmallVector<QuantTarget *> members;
  Sink sink;
};

/// The down projection of a gated MLP fed by `gate` and `up`:
/// down(mul(mul(g, sigmoid(g)), u)) with g, u the two matmuls' results (in
/// either order), or null.
qgraph::MatMulOp findGatedMLPDown(qgraph::MatMulOp gate, qgraph::MatMulOp up) {
  auto isSilu = [&](Value v) {
    auto mul = v.getDefiningOp<qgraph::MulOp>();
    if (!mul)
      return false;
    Value a = mul.getLhs(), b = mul.getRhs();
    auto sigmoidOf = [](Value s, Value x) {
      auto sig = s.getDefiningOp<qgraph::SigmoidOp>();
      return sig && sig.getInput() == x;
    };
    Value g = gate.getResult();
    return (a == g && sigmoidOf(b, g)) || (b == g && sigmoidOf(a, g));
  };
  for (Operation *user : up.getResult().getUsers()) {
    auto mul = dyn_cast<qgraph::MulOp>(user);
    if (!mul)
      continue;
    Value other = mul.getLhs() == up.getResult() ? mul.getRhs() : mul.getLhs();
    if (!isSilu(other) || !mul.getResult().hasOneUse())
      continue;
    auto down = dyn_cast<qgraph::MatMulOp>(*mul.getResult().getUsers().begin());
    if (down && down.getLhs() == mul.getResult())
      return down;
  }
  return {};
}

/// Static dims of `v`'s ranked tensor type (dynamic ones as kDynamic).
ArrayRef<int64_t> dimsOf(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type ? type.getShape() : ArrayRef<int64_t>();
}

/// `v` if it is produced by a transpose swapping dims 1 and 2 of a rank-4
/// tensor and used only there, else null.
Value headTransposeInput(Value v) {
  auto tr = v.getDefiningOp<qgraph::TransposeOp>();
  if (!tr || !v.hasOneUse() || dimsOf(tr.getInput()).size() != 4 ||
      tr.getPerm() != ArrayRef<int64_t>{0, 2, 1, 3})
    return {};
  return tr.getInput();
}

/// The value projection behind the input of an attention output projection,
/// and the value channel that feeds each of its `k` input channels:
///   o_in = reshape(transpose(matmul(P, V), [0,2,1,3])) : [.., H * D]
///   V = transpose(reshape(v_out : [.., KVH * D]), [0,2,1,3]) : [B, KVH, S, D]
/// when KVH = H, or for grouped-query attention (H = KVH * G)
///   V = reshape(expand(unsqueeze(that, 2)) : [B, KVH, G, S, D]) : [B, H, S, D]
/// so that input channel h * D + d of o reads value channel (h / G) * D + d.
/// Every intermediate value must have one use (scaling a value channel by
/// 1/s then changes nothing but o's input, which s restores). Head counts
/// and the head size must be static.
Sink findAttentionValueSink(Value input, int64_t k,
                            DenseMap<Value, QuantTarget *> &byResult) {
  Sink none;
  auto out = input.getDefiningOp<qgraph::ReshapeOp>();
  if (!out)
    return none;
  // [B, S, H, D] -> [B, S, H * D]
  ArrayRef<int64_t> heads = dimsOf(out.getInput());
  if (heads.size() != 4 || ShapedType::isDynamic(heads[2]) ||
      ShapedType::isDynamic(heads[3]) || heads[2] * heads[3] != k)
    return none;
  int64_t h = heads[2], d = heads[3];
  Value ctx = headTransposeInput(out.getInput());
  auto pv = ctx ? ctx.getDefiningOp<qgraph::MatMulOp>() : nullptr;
  if (!pv || !ctx.hasOneUse())
    return none;
  Value v = pv.getRhs();
  ArrayRef<int64_t> vDims = dimsOf(v);
  if (vDims.size() != 4 || vDims[1] != h || vDims[3] != d || !v.hasOneUse() ||
      v == pv.getLhs())
    return none;
  int64_t groupSize = 1;
  if (auto merge = v.getDefiningOp<qgraph::ReshapeOp>()) {
    // [B, KVH, G, S, D] -> [B, H, S, D]
    ArrayRef<int64_t> rep = dimsOf(merge.getInput());
    auto expand = merge.getInput().getDefiningOp<qgraph::ExpandOp>();
    if (rep.size() != 5 || ShapedType::isDynamic(rep[1]) ||
        ShapedType::isDynamic(rep[2]) || rep[1] * rep[2] != h || rep[4] != d ||
        !expand || !merge.getInput().hasOneUse())
      return none;
    // [B, KVH, 1, S, D] -> [B, KVH, G, S, D]
    auto unsq = expand.getInput().getDefiningOp<qgraph::UnsqueezeOp>();
    ArrayRef<int64_t> one = dimsOf(expand.getInput());
    if (!unsq || !expand.getInput().hasOneUse() || one.size() != 5 ||
        one[1] != rep[1] || one[2] != 1 || one[4] != d)
      return none;
    DenseIntElementsAttr axes;
    if (!matchPattern(unsq.getAxes(), m_Constant(&axes)) ||
        axes.getNumElements() != 1 ||
        (*axes.getValues<APInt>().begin()).getSExtValue() != 2)
      return none;
    groupSize = rep[2];
    v = unsq.getInput();
    if (!v.hasOneUse())
      return none;
  }
  // [B, S, KVH, D] -> [B, KVH, S, D]
  Value split = headTransposeInput(v);
  auto splitOp = split ? split.getDefiningOp<qgraph::ReshapeOp>() : nullptr;
  int64_t kvHeads = h / groupSize;
  ArrayRef<int64_t> kvDims = dimsOf(split);
  if (!splitOp || kvDims.size() != 4 || kvDims[2] != kvHeads ||
      kvDims[3] != d)
    return none;
  // [B, S, KVH * D] -> [B, S, KVH, D]
  Value vOut = stripObservers(splitOp.getInput());
  ArrayRef<int64_t> flat = dimsOf(vOut);
  auto it = byResult.find(vOut);
  if (flat.size() != 3 || flat[2] != kvHeads * d || it == byResult.end() ||
      it->second->n != kvHeads * d || !splitOp.getInput().hasOneUse())
    return none;
  Sink sink;
  sink.kind = Sink::Linear;
  sink.linear = it->second;
  sink.channelMap.resize(k);
  for (int64_t c = 0; c < k; ++c)
    sink.channelMap[c] = (c / d) / groupSize * d + c % d;
  return sink;
}

struct QuantAWQPass final : qm::impl::QuantAWQPassBase<QuantAWQPass> {
  using Base::Base;

  void runOnOperation() override;
};

Sink findSink(Value input, int64_t k,
              DenseMap<Value, QuantTarget *> &byResult, bool scaleVO) {
  Sink sink;
  Operation *def = input.getDefiningOp();
  if (!def)
    return sink;
  if (auto mul = dyn_cast<qgraph::MulOp>(def)) {
    for (unsigned i = 0; i < 2; ++i) {
      if (isChannelVector(mul->getOperand(i), k)) {
        sink.kind = Sink::NormMul;
        sink.op = mul;
        sink.operands = {i};
        return sink;
      }
    }
    for (unsigned i = 0; i < 2; ++i) {
      auto it = byResult.find(mul->getOperand(i));
      if (it == byResult.end() || it->second->n != k)
        continue;
      // Scaling the linear's output must change nothing but this product.
      if (!mul->getOperand(i).hasOneUse())
        continue;
      sink.kind = Sink::Linear;
      sink.linear = it->second;
      return sink;
    }
    return sink;
  }
  if (scaleVO && isa<qgraph::ReshapeOp>(def))
    return findAttentionValueSink(input, k, byResult);
  if (auto norm = dyn_cast<qgraph::RMSNormOp>(def)) {
    if (isChannelVector(norm.getScale(), k)) {
      sink.kind = Sink::Norm;
      sink.op = norm;
      sink.operands = {1};
    }
    return sink;
  }
  if (auto norm = dyn_cast<qgraph::LayerNormOp>(def)) {
    if (isChannelVector(norm.getScale(), k) &&
        (!norm.getBias() || isChannelVector(norm.getBias(), k))) {
      sink.kind = Sink::Norm;
      sink.op = norm;
      sink.operands = {1};
      if (norm.getBias())
        sink.operands.push_back(2);
    }
  }
  return sink;
}

void QuantAWQPass::runOnOperation() {
  ModuleOp module = getOperation();
  AWQOptions options;
  WeightQuantOptions &q = options.quant;
  q.config.bits = bits;
  q.config.groupSize = groupSize;
  q.config.symmetric = symmetric;
  q.config.rangeSteps = rangeSteps;
  q.config.dampPercent = dampPercent;
  q.config.blockSize = blockSize;
  q.config.actOrder = actOrder;
  q.gptq = gptq;
  q.includeHead = includeHead;
  q.configFile = configFile;
  q.useResources = useResources;
  q.only.assign(only.begin(), only.end());
  options.grid = grid;
  options.duoScaling = duoScaling;
  options.scaleVO = scaleVO;
  options.clip = clip;
  options.clipMinMax = clipMinMax;
  options.clipSteps = clipSteps;
  options.foldOnly = foldOnly;
  options.report = report;
  FailureOr<qweight::Layout> layoutKind = parseLayoutOption(module, layout);
  if (failed(layoutKind))
    return signalPassFailure();
  q.layout = *layoutKind;
  if (statsFile.empty()) {
    mlir::emitError(module.getLoc(),
                    "qm-quant-awq needs calibration statistics (option stats-file)");
    return signalPassFailure();
  }
  CalibrationStats stats;
  std::string err;
  if (!stats.load(statsFile, err)) {
    mlir::emitError(module.getLoc(), err);
    return signalPassFailure();
  }
  if (failed(quantizeWeightsAWQ(module, options, stats)))
    return signalPassFailure();
}

} // namespace

FailureOr<int64_t> mlir::qm::quantizeWeightsAWQ(ModuleOp module,
                                                const AWQOptions &options,
                                                const CalibrationStats &stats) {
  const WeightQuantOptions &q = options.quant;
  solvers::QuantizerConfig base = q.config;
  std::string problem = base.validate();
  if (problem.empty() && (options.grid < 1 || options.clipSteps < 1))
    problem = "grid (" + std::to_string(options.grid) + ") and clip-steps (" +
              std::to_string(options.clipSteps) + ") must be positive";
  if (!problem.empty())
    return mlir::emitError(module.getLoc(), "invalid quantization option: ")
           << problem;
  bool clip = options.clip, foldOnly = options.foldOnly, report = options.report, gptq = q.gptq;
  FailureOr<std::vector<QuantTarget>> collected = collectQuantTargets(module, q);
  if (failed(collected))
    return failure();
  std::vector<QuantTarget> &targets = *collected;
  auto active = [](const QuantTarget &t) { return t.selected; };

  // Group every target (active or not) by its input.
  DenseMap<Value, QuantTarget *> byResult;
  llvm::MapVector<Value, Group> groups;
  for (QuantTarget &t : targets) {
    byResult[t.matmul.getResult()] = &t;
    Value in = stripObservers(t.matmul.getLhs());
    Group &g = groups[in];
    g.input = in;
    g.members.push_back(&t);
  }

  solvers::AWQConfig awqCfg;
  awqCfg.gridSize = options.grid;
  awqCfg.duoScaling = options.duoScaling;
  awqCfg.clipSteps = options.clipSteps;
  awqCfg.clipMinMax = options.clipMinMax;

  // Float weights (N x K) of the targets touched so far, and the scaled
  // statistics of the inputs that got scales.
  std::map<QuantTarget *, std::vector<float>> weights;
  std::map<std::string, solvers::HessianAccumulator> scaledStats;
  auto weightOf = [&](QuantTarget *t) -> std::vector<float> * {
    auto it = weights.find(t);
    if (it != weights.end())
      return &it->second;
    FailureOr<std::vector<float>> w = readTargetWeight(*t);
    if (failed(w))
      return nullptr;
    return &(weights[t] = std::move(*w));
  };
  auto statsOf = [&](QuantTarget *t) -> const solvers::HessianAccumulator * {
    const solvers::HessianAccumulator *acc = stats.lookup(t->tag);
    if (!acc) {
      t->matmul.emitError("missing calibration statistics for '")
          << t->tag << "'" << (t->name.empty() ? "" : " (" + t->name + ")");
      return nullptr;
    }
    if (acc->getK() != t->k || acc->getNumSamples() == 0) {
      t->matmul.emitError("calibration statistics for '")
          << t->tag << "' do not fit the weight (K = " << acc->getK()
          << ", samples = " << acc->getNumSamples() << ", weight K = " << t->k
          << ")";
      return nullptr;
    }
    return acc;
  };

  // Ranking by the layer's output: the float layer's output is the
  // reference; every weight AWQ has touched is kept in the module (scaled,
  // so the function stays the same) and candidates are swapped in.
  ScratchWeights scratch(module.getContext());
  std::vector<float> layerReference, layerTrial;
  bool haveReference = false;
  auto layerError = [&]() -> FailureOr<double> {
    if (failed(options.layerOutput(module, layerTrial)))
      return failure();
    if (layerTrial.size() != layerReference.size())
      return module.emitError("awq: the layer's output changed size");
    double err = 0;
    for (size_t i = 0; i < layerTrial.size(); ++i) {
      double d = (double)layerTrial[i] - layerReference[i];
      err += d * d;
    }
    return err / std::max<size_t>(layerTrial.size(), 1);
  };

  // Phase 1: scale search and folding.
  OpBuilder b(module.getContext());
  for (auto &entry : groups) {
    Group &g = entry.second;
    if (llvm::none_of(g.members, [&](QuantTarget *t) { return active(*t); }))
      continue;
    int64_t k = g.members.front()->k;
    // Folding is exact only if every user of the input is one of these
    // matmuls.
    SmallVector<OpOperand *> uses;
    collectUsers(g.input, uses);
    bool onlyMembers = llvm::all_of(uses, [&](OpOperand *use) {
      auto mm = dyn_cast<qgraph::MatMulOp>(use->getOwner());
      return mm && use->getOperandNumber() == 0 &&
             llvm::any_of(g.members, [&](QuantTarget *t) { return t->matmul == mm; });
    });
    if (!onlyMembers)
      continue;
    g.sink = findSink(g.input, k, byResult, options.scaleVO);
    if (g.sink.kind == Sink::None)
      continue;
    QuantTarget *lead = g.members.front();
    const solvers::HessianAccumulator *acc = statsOf(lead);
    if (!acc)
      return failure();

    std::vector<solvers::AWQLinear> lins;
    for (QuantTarget *t : g.members) {
      std::vector<float> *w = weightOf(t);
      if (!w)
        return failure();
      lins.push_back({w->data(), t->n});
    }
    // A gated MLP (gate and up sharing the input, then down) is ranked by
    // the MLP's output on the sampled calibration rows, as in AWQ; other
    // groups by their linears' output error (exact, from H).
    solvers::AWQBlockError blockError;
    std::unique_ptr<solvers::MLPBlockError> mlp;
    std::string blockName = "linear outputs";
    bool byLayer = false, failedRun = false;
    if (options.layerOutput && g.sink.kind != Sink::Linear) {
      if (!haveReference) {
        if (failed(options.layerOutput(module, layerReference)))
          return failure();
        haveReference = true;
      }
      blockError = [&](const std::vector<std::vector<float>> &cand) {
        for (size_t i = 0; i < g.members.size(); ++i)
          scratch.set(*g.members[i], cand[i]);
        FailureOr<double> err = layerError();
        failedRun |= failed(err);
        return failed(err) ? std::numeric_limits<double>::infinity() : *err;
      };
      blockName = "layer output";
      byLayer = true;
    } else if (options.blockError && g.members.size() == 2 &&
        acc->getNumSampledRows() > 0) {
      QuantTarget *gate = g.members[0], *up = g.members[1];
      if (gate->role == LinearRole::Up && up->role == LinearRole::Gate)
        std::swap(gate, up);
      qgraph::MatMulOp down =
          findGatedMLPDown(gate->matmul, up->matmul);
      auto downTarget = llvm::find_if(targets, [&](const QuantTarget &t) {
        return down && t.matmul == down && !t.transposed;
      });
      if (down && downTarget != targets.end()) {
        std::vector<float> *wd = weightOf(&*downTarget);
        if (!wd)
          return failure();
        mlp = std::make_unique<solvers::MLPBlockError>(
            acc->getRowSample(), acc->getNumSampledRows(), k,
            weightOf(gate)->data(), weightOf(up)->data(), gate->n, wd->data(),
            downTarget->n);
        bool gateFirst = gate == g.members[0];
        blockError = [&, gateFirst](
                         const std::vector<std::vector<float>> &cand) {
          return (*mlp)(cand[gateFirst ? 0 : 1].data(),
                        cand[gateFirst ? 1 : 0].data());
        };
        blockName = "MLP output";
      }
    }
    solvers::AWQScaleResult res = solvers::searchAWQScales(
        lins, k, acc->getHessian().data(), acc->getMeanAbs().data(),
        lead->config, awqCfg, blockError, g.sink.channelMap);
    if (failedRun)
      return failure();
    if (byLayer)
      for (QuantTarget *t : g.members) // back to the float weights
        scratch.set(*t, weights[t]);
    if (report)
      lead->matmul.emitRemark("awq: ")
          << lead->displayName() << " (+" << g.members.size() - 1
          << "): alpha " << res.bestAlpha << ", " << blockName << " error "
          << res.baseError << " -> " << res.bestError << " (folded into "
          << (g.sink.kind == Sink::Linear ? g.sink.linear->displayName()
                                          : g.sink.op->getName().getStringRef())
          << ")";
    if (res.bestAlpha == 0)
      continue; // s = 1: nothing to fold
    const std::vector<float> &s = res.scales;

    // s into the weights of every consumer (input channel k of row n).
    for (QuantTarget *t : g.members) {
      std::vector<float> &w = weights[t];
      for (int64_t n = 0; n < t->n; ++n)
        for (int64_t j = 0; j < k; ++j)
          w[n * k + j] *= s[j];
    }
    // 1/s into the producer.
    if (g.sink.kind == Sink::Linear) {
      QuantTarget *prev = g.sink.linear;
      std::vector<float> *w = weightOf(prev);
      if (!w)
        return failure();
      // The scale of each output channel of prev (tied scales agree).
      std::vector<float> prevScale(s.begin(), s.end());
      if (!g.sink.channelMap.empty())
        for (int64_t c = 0; c < k; ++c)
          prevScale[g.sink.channelMap[c]] = s[c];
      for (int64_t n = 0; n < prev->n; ++n)
        for (int64_t j = 0; j < prev->k; ++j)
          (*w)[n * prev->k + j] /= prevScale[n];
      // The preceding linear's own statistics are unchanged: its input is.
    } else {
      for (unsigned idx : g.sink.operands) {
        Value old = g.sink.op->getOperand(idx);
        auto cst = old.getDefiningOp<arith::ConstantOp>();
        FailureOr<std::vector<float>> vec = readFloatConstant(cst);
        if (failed(vec)) {
          cst.emitError("cannot read the norm parameter that AWQ folds into");
          return failure();
        }
        for (int64_t j = 0; j < k; ++j)
          (*vec)[j] /= s[j];
        b.setInsertionPoint(g.sink.op);
        auto shape = cast<RankedTensorType>(cst.getType()).getShape();
        arith::ConstantOp fresh = makeFloatConstant(
            b, cst.getLoc(), shape, *vec, lead->tag + "_awq_norm");
        g.sink.op->setOperand(idx, fresh.getResult());
        eraseIfDead(old);
      }
    }
    // Statistics of the scaled input x / s for clipping and GPTQ.
    std::vector<double> meanAbs = acc->getMeanAbs();
    for (int64_t j = 0; j < k; ++j)
      meanAbs[j] /= s[j];
    solvers::HessianAccumulator scaled;
    scaled.assign(k, acc->getNumSamples(),
                  solvers::scaleHessian(acc->getHessian().data(), k, s),
                  std::move(meanAbs));
    for (QuantTarget *t : g.members)
      scaledStats[t->tag] = scaled;
    if (options.layerOutput) {
      for (QuantTarget *t : g.members)
        scratch.set(*t, weights[t]);
      if (g.sink.kind == Sink::Linear)
        scratch.set(*g.sink.linear, weights[g.sink.linear]);
    }
  }

  // Phase 2: clipping, then write the float weights back.
  for (QuantTarget &t : targets) {
    bool clipThis = !foldOnly && clip && active(t) &&
                    t.role != LinearRole::Q && t.role != LinearRole::K;
    if (clipThis) {
      std::vector<float> *w = weightOf(&t);
      if (!w)
        return failure();
      const solvers::HessianAccumulator *acc = nullptr;
      auto it = scaledStats.find(t.tag);
      if (it != scaledStats.end())
        acc = &it->second;
      else if (!(acc = statsOf(&t)))
        return failure();
      *w = solvers::clipAWQ(w->data(), t.n, t.k, acc->getHessian().data(),
                            t.config, awqCfg);
    }
    auto it = weights.find(&t);
    if (it == weights.end())
      continue;
    // K x N constant for the matmul (a copy even for a tied weight).
    std::vector<float> kn(t.k * t.n);
    transposeToKN(it->second, t.n, t.k, kn.data());
    b.setInsertionPoint(t.matmul);
    arith::ConstantOp fresh =
        makeFloatConstant(b, t.weight.getLoc(), {t.k, t.n}, kn, t.tag + "_awq");
    Value old = t.matmul.getRhs();
    t.matmul.getRhsMutable().assign(fresh.getResult());
    eraseIfDead(old);
  }
  for (Value old : scratch.getOriginals())
    eraseIfDead(old);
  if (foldOnly)
    return (int64_t)0;

  // Quantize the (scaled, clipped) weights.
  CalibrationStats gptqStats;
  if (gptq) {
    for (const std::string &tag : stats.getTags()) {
      auto it = scaledStats.find(tag);
      gptqStats.set(tag, it != scaledStats.end() ? it->second
                                                 : *stats.lookup(tag));
    }
  }
  return quantizeWeights(module, q, gptq ? &gptqStats : nullptr);
}
