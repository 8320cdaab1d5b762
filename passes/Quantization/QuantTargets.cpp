//===- QuantTargets.cpp - quantizable matmuls, layers and config ------------===//
//
// Part of quant-mlir. See QuantTargets.h.
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Quantization/QuantTargets.h"
#include "qm/Passes/Quantization/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;
using namespace mlir::qm;

StringRef mlir::qm::getRoleName(LinearRole role) {
  switch (role) {
  case LinearRole::Q: return "q_proj";
  case LinearRole::K: return "k_proj";
  case LinearRole::V: return "v_proj";
  case LinearRole::O: return "o_proj";
  case LinearRole::Gate: return "gate_proj";
  case LinearRole::Up: return "up_proj";
  case LinearRole::Down: return "down_proj";
  case LinearRole::Head: return "lm_head";
  case LinearRole::Unknown: return "";
  }
  return "";
}

/// The constant behind a matmul's right operand, looking through identity
/// ops and one 2-D transpose.
arith::ConstantOp mlir::qm::findWeightConstant(qgraph::MatMulOp matmul,
                                               bool &transposed) {
  transposed = false;
  Value w = matmul.getRhs();
  auto wType = dyn_cast<RankedTensorType>(w.getType());
  if (!wType || wType.getRank() != 2 || !wType.hasStaticShape() ||
      !isa<FloatType>(wType.getElementType()))
    return {};
  while (true) {
    if (auto id = w.getDefiningOp<qgraph::IdentityOp>()) {
      w = id.getInput();
      continue;
    }
    if (auto tr = w.getDefiningOp<qgraph::TransposeOp>()) {
      if (transposed || tr.getPerm() != ArrayRef<int64_t>{1, 0})
        return {};
      transposed = true;
      w = tr.getInput();
      continue;
    }
    break;
  }
  auto cst = w.getDefiningOp<arith::ConstantOp>();
  if (!cst || !isa<ElementsAttr>(cst.getValue()))
    return {};
  return cst;
}

/// The matmul's activation with calibration observers looked through, so
/// matmuls sharing an input compare equal.
static Value activationSource(qgraph::MatMulOp matmul) {
  Value x = matmul.getLhs();
  while (auto obs = x.getDefiningOp<qweight::ObserveOp>())
    x = obs.getInput();
  return x;
}

/// Whether `v` reaches a func.return through shape-only ops.
static bool reachesReturn(Value v, int depth = 0) {
  if (depth > 8)
    return false;
  for (Operation *user : v.getUsers()) {
    if (isa<func::ReturnOp>(user))
      return true;
    if (isa<qgraph::ReshapeOp, qgraph::IdentityOp, qgraph::CastOp,
            qgraph::SqueezeOp, qgraph::UnsqueezeOp>(user) &&
        reachesReturn(user->getResult(0), depth + 1))
      return true;
  }
  return false;
}

std::vector<QuantTarget>
mlir::qm::findQuantTargets(ModuleOp module,
                           std::vector<std::string> *quantized) {
  // Row counts of constant tables that are gathered (embeddings).
  llvm::DenseSet<int64_t> vocabSizes;
  module.walk([&](qgraph::GatherOp gather) {
    if (gather.getAxis() != 0)
      return;
    if (auto cst = gather.getInput().getDefiningOp<arith::ConstantOp>())
      if (auto t = dyn_cast<RankedTensorType>(cst.getType());
          t && t.getRank() == 2 && t.hasStaticShape())
        vocabSizes.insert(t.getDimSize(0));
  });

  // Every linear in program order: the float targets, and the matmuls an
  // earlier call already quantized (qweight.matmul), which still count in
  // the layer structure so that names do not shift as layers get quantized
  // one at a time (sequential GPTQ/AWQ).
  struct Linear {
    int64_t target; // index into `targets`, or -1 for a quantized matmul
    Value input;
    bool isHead;
    Operation *op;
  };
  std::vector<QuantTarget> targets;
  std::vector<Linear> linears;
  int64_t counter = 0, transposedCounter = 0;
  module.walk([&](Operation *op) {
    if (auto qmm = dyn_cast<qweight::MatMulOp>(op)) {
      int64_t n = qmm.getWeight().getType().getN();
      linears.push_back({-1, qmm.getX(),
                         vocabSizes.contains(n) ||
                             reachesReturn(qmm.getResult()),
                         qmm});
      return;
    }
    auto matmul = dyn_cast<qgraph::MatMulOp>(op);
    if (!matmul)
      return;
    QuantTarget t;
    t.weight = findWeightConstant(matmul, t.transposed);
    if (!t.weight)
      return;
    t.matmul = matmul;
    auto wType = cast<RankedTensorType>(matmul.getRhs().getType());
    t.k = wType.getDimSize(0);
    t.n = wType.getDimSize(1);
    // Same naming as qm-quant-insert-observers (which counts only matmuls
    // on an untransposed constant).
    t.tag = getMatmulName(matmul);
    if (!t.transposed) {
      if (t.tag.empty())
        t.tag = "matmul_" + std::to_string(counter);
      ++counter;
    } else if (t.tag.empty()) {
      t.tag = "matmul_t" + std::to_string(transposedCounter++);
    }
    t.isHead = vocabSizes.contains(t.n) || reachesReturn(matmul.getResult());
    linears.push_back(
        {(int64_t)targets.size(), activationSource(matmul), t.isHead, matmul});
    targets.push_back(std::move(t));
  });

  // Decoder layers: groups of block linears by shared input, in order of
  // first appearance, must follow the pattern 3 (q,k,v), 1 (o), 2 (gate,
  // up), 1 (down).
  llvm::DenseMap<Value, int64_t> groupOf;
  std::vector<std::vector<int64_t>> groups; // indices into `linears`
  for (auto [i, lin] : llvm::enumerate(linears)) {
    if (lin.isHead)
      continue;
    auto [it, inserted] = groupOf.try_emplace(lin.input, (int64_t)groups.size());
    if (inserted)
      groups.emplace_back();
    groups[it->second].push_back((int64_t)i);
  }
  static const size_t kPattern[4] = {3, 1, 2, 1};
  static const LinearRole kRoles[4][3] = {
      {LinearRole::Q, LinearRole::K, LinearRole::V},
      {LinearRole::O},
      {LinearRole::Gate, LinearRole::Up},
      {LinearRole::Down}};
  bool layered = !groups.empty() && groups.size() % 4 == 0;
  for (size_t g = 0; layered && g < groups.size(); ++g)
    layered = groups[g].size() == kPattern[g % 4];
  auto structuralName = [](int64_t layer, int stage, LinearRole role) {
    return "layers." + std::to_string(layer) +
           (stage < 2 ? ".self_attn." : ".mlp.") + getRoleName(role).str();
  };
  if (layered) {
    for (size_t g = 0; g < groups.size(); ++g)
      for (size_t j = 0; j < groups[g].size(); ++j) {
        const Linear &lin = linears[groups[g][j]];
        int64_t layer = (int64_t)(g / 4);
        int stage = (int)(g % 4);
        LinearRole role = kRoles[g % 4][j];
        if (lin.target < 0) {
          if (quantized)
            quantized->push_back(structuralName(layer, stage, role));
          continue;
        }
        QuantTarget &t = targets[lin.target];
        t.layer = layer;
        t.stage = stage;
        t.role = role;
        t.name = structuralName(layer, stage, role);
      }
  }
  if (quantized)
    for (const Linear &lin : linears)
      if (lin.target < 0) {
        if (lin.isHead)
          quantized->push_back("lm_head");
        if (std::string tag = getMatmulName(lin.op); !tag.empty())
          quantized->push_back(tag);
      }
  for (QuantTarget &t : targets)
    if (t.isHead) {
      t.role = LinearRole::Head;
      t.name = "lm_head";
    }
  return targets;
}

//===----------------------------------------------------------------------===//
// Config file
//===----------------------------------------------------------------------===//

LogicalResult mlir::qm::applyConfigFile(ModuleOp module, StringRef path,
                                        std::vector<QuantTarget> &targets,
                                        ArrayRef<std::string> quantized) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return mlir::emitError(module.getLoc())
           << "cannot read quantization config '" << path
                              << "': " << buffer.getError().message();
  SmallVector<StringRef> lines;
  (*buffer)->getBuffer().split(lines, '\n');
  for (auto [index, rawLine] : llvm::enumerate(lines)) {
    StringRef line = rawLine.split('#').first.trim();
    if (line.empty())
      continue;
    auto where = [&, index = index]() {
      Location loc = FileLineColLoc::get(module.getContext(), path,
                                         (unsigned)index + 1, 1);
      return mlir::emitError(loc)
             << "quantization config '" << path << "' line " << index + 1
             << ": ";
    };
    SmallVector<StringRef> words;
    line.split(words, ' ', -1, /*KeepEmpty=*/false);
    auto glob = llvm::GlobPattern::create(words[0]);
    if (!glob) {
      llvm::consumeError(glob.takeError());
      return where() << "bad pattern '" << words[0] << "'";
    }
    SmallVector<QuantTarget *> matched;
    for (QuantTarget &t : targets)
      if ((!t.name.empty() && glob->match(t.name)) || glob->match(t.tag))
        matched.push_back(&t);
    if (matched.empty() && llvm::any_of(quantized, [&](const std::string &n) {
          return glob->match(n);
        }))
      continue; // only linears quantized by an earlier stage
    if (matched.empty())
      return where() << "'" << words[0]
                     << "' matches no quantizable matmul ("
                     << targets.size() << " known"
                     << (targets.empty() ? std::string()
                                         : ", from '" +
                                               targets.front().displayName().str() +
                                               "' to '" +
                                               targets.back().displayName().str() +
                                               "'")
                     << ")";
    for (StringRef word : ArrayRef<StringRef>(words).drop_front()) {
      auto [key, value] = word.split('=');
      int64_t number = 0;
      bool isNumber = !value.empty() && !value.getAsInteger(10, number);
      for (QuantTarget *t : matched) {
        if (key == "skip" && value.empty()) {
          t->skip = true;
        } else if (key == "sym" && value.empty()) {
          t->config.symmetric = true;
        } else if (key == "asym" && value.empty()) {
          t->config.symmetric = false;
        } else if (key == "bits" && isNumber) {
          t->config.bits = (unsigned)number;
        } else if (key == "group-size" && isNumber) {
          t->config.groupSize = number;
        } else if (key == "act-order" && isNumber && (number == 0 || number == 1)) {
          t->config.actOrder = number == 1;
          t->config.staticGroups &= t->config.actOrder;
        } else {
          return where() << "unknown setting '" << word
                         << "' (expected bits=N, group-size=N, sym, asym, "
                            "act-order=0|1 or skip)";
        }
      }
    }
    for (QuantTarget *t : matched) {
      std::string problem = t->config.validate();
      if (!problem.empty())
        return where() << "for '" << t->displayName() << "': " << problem;
    }
  }
  return success();
}

FailureOr<std::vector<QuantTarget>>
mlir::qm::collectQuantTargets(ModuleOp module,
                              const WeightQuantOptions &options) {
  std::vector<std::string> quantized;
  std::vector<QuantTarget> targets = findQuantTargets(module, &quantized);
  for (QuantTarget &t : targets)
    t.config = options.config;
  if (!options.configFile.empty() &&
      failed(applyConfigFile(module, options.configFile, targets, quantized)))
    return failure();
  std::vector<llvm::GlobPattern> only;
  for (const std::string &pattern : options.only) {
    auto glob = llvm::GlobPattern::create(pattern);
    if (!glob) {
      llvm::consumeError(glob.takeError());
      return mlir::emitError(module.getLoc(),
                             "invalid quantization option: bad pattern '")
             << pattern << "'";
    }
    only.push_back(std::move(*glob));
  }
  for (QuantTarget &t : targets)
    t.selected = !t.skip && (!t.isHead || options.includeHead) &&
                 (only.empty() ||
                  llvm::any_of(only, [&](const llvm::GlobPattern &g) {
                    return g.match(t.tag) || (!t.name.empty() && g.match(t.name));
                  }));
  return targets;
}
