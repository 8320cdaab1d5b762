//===- LayerSegments.cpp - decoder layers as separate functions -------------===//
//
// Part of quant-mlir. See LayerSegments.h.
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Quantization/LayerSegments.h"
#include "qm/Passes/Quantization/QuantTargets.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"

#include <map>

using namespace mlir;
using namespace mlir::qm;

static func::FuncOp getPublicFunction(ModuleOp module, std::string &why) {
  func::FuncOp entry;
  for (auto f : module.getOps<func::FuncOp>()) {
    if (f.isDeclaration() || f.isPrivate())
      continue;
    if (entry) {
      why = "the module has more than one public function";
      return {};
    }
    entry = f;
  }
  if (!entry)
    why = "the module has no public function";
  else if (!llvm::hasSingleElement(entry.getBody()))
    why = "the entry function has more than one block";
  else
    return entry;
  return {};
}

/// Calls `fn` on every value `op` (or an op nested in it) reads from outside
/// of `op`.
static void forEachInput(Operation *op, function_ref<void(Value)> fn) {
  op->walk([&](Operation *inner) {
    for (Value v : inner->getOperands()) {
      Operation *owner = isa<BlockArgument>(v)
                             ? cast<BlockArgument>(v).getOwner()->getParentOp()
                             : v.getDefiningOp();
      if (owner != op && !op->isProperAncestor(owner))
        fn(v);
    }
  });
}

FailureOr<LayerBoundaries> mlir::qm::markLayerBoundaries(ModuleOp module,
                                                         std::string &why) {
  func::FuncOp func = getPublicFunction(module, why);
  if (!func)
    return failure();
  Block &body = func.getBody().front();
  std::vector<Operation *> ops;
  llvm::DenseMap<Operation *, int64_t> index;
  for (Operation &op : body) {
    index[&op] = ops.size();
    ops.push_back(&op);
  }
  int64_t n = ops.size();

  // Target matmuls by layer.
  std::map<int64_t, std::pair<int64_t, int64_t>> span; // layer -> first, last
  llvm::DenseSet<Operation *> seeds;
  for (const QuantTarget &t : findQuantTargets(module)) {
    if (t.layer < 0)
      continue;
    Operation *op = t.matmul;
    // A matmul nested in a region has no program point of its own here.
    while (op && op->getBlock() != &body)
      op = op->getParentOp();
    if (!op) {
      why = "target '" + t.tag + "' is not in the entry function";
      return failure();
    }
    seeds.insert(op);
    int64_t i = index[op];
    auto [it, inserted] = span.try_emplace(t.layer, i, i);
    it->second.first = std::min(it->second.first, i);
    it->second.second = std::max(it->second.second, i);
  }
  if (span.empty()) {
    why = "no quantizable matmul belongs to a decoder layer";
    return failure();
  }
  int64_t numLayers = span.rbegin()->first + 1;
  if ((int64_t)span.size() != numLayers) {
    why = "decoder layers are not numbered 0.." + std::to_string(numLayers - 1);
    return failure();
  }
  for (int64_t l = 1; l < numLayers; ++l)
    if (span[l - 1].second >= span[l].first) {
      why = "the matmuls of layers " + std::to_string(l - 1) + " and " +
            std::to_string(l) + " interleave";
      return failure();
    }

  // Values that depend on a target, with their definition and last use.
  std::vector<bool> dep(n, false);
  for (int64_t i = 0; i < n; ++i) {
    if (seeds.contains(ops[i])) {
      dep[i] = true;
      continue;
    }
    forEachInput(ops[i], [&](Value v) {
      if (Operation *def = v.getDefiningOp(); def && index.count(def) &&
                                              dep[index[def]])
        dep[i] = true;
    });
  }
  struct Live {
    Value value;
    int64_t def, lastUse;
  };
  std::vector<Live> live;
  for (int64_t i = 0; i < n; ++i) {
    if (!dep[i])
      continue;
    for (Value r : ops[i]->getResults()) {
      int64_t last = i;
      for (Operation *user : r.getUsers()) {
        while (user && user->getBlock() != &body)
          user = user->getParentOp();
        if (user)
          last = std::max(last, index[user]);
      }
      if (last > i)
        live.push_back({r, i, last});
    }
  }
  // The single live dependent value at program point p (after op p), if any.
  auto single = [&](int64_t p) -> Value {
    Value found;
    for (const Live &l : live) {
      if (l.def <= p && p < l.lastUse) {
        if (found)
          return {};
        found = l.value;
      }
    }
    return found;
  };
  auto boundaryAt = [&](int64_t from, int64_t to) -> Value {
    for (int64_t p = from; p <= to; ++p)
      if (Value v = single(p)) {
        auto type = dyn_cast<RankedTensorType>(v.getType());
        if (type && type.hasStaticShape() && type.getElementType().isF32())
          return v;
      }
    return {};
  };

  LayerBoundaries result;
  result.numLayers = numLayers;
  SmallVector<Value> boundaries(numLayers + 1);
  for (int64_t l = 1; l < numLayers; ++l) {
    boundaries[l] = boundaryAt(span[l - 1].second, span[l].first - 1);
    if (!boundaries[l]) {
      why = "no single value separates layers " + std::to_string(l - 1) +
            " and " + std::to_string(l);
      return failure();
    }
  }
  boundaries[numLayers] = boundaryAt(span[numLayers - 1].second, n - 2);
  result.hasSuffix = static_cast<bool>(boundaries[numLayers]);

  Builder b(module.getContext());
  for (int64_t l = 1; l <= numLayers; ++l) {
    if (!boundaries[l])
      continue;
    Operation *def = boundaries[l].getDefiningOp();
    if (def->hasAttr(kLayerBoundaryAttr)) {
      why = "one op ends two layers";
      return failure();
    }
    def->setAttr(kLayerBoundaryAttr, b.getI64IntegerAttr(l));
    def->setAttr(kLayerBoundaryResultAttr,
                 b.getI64IntegerAttr(cast<OpResult>(boundaries[l])
                                         .getResultNumber()));
  }
  return result;
}

void mlir::qm::clearLayerBoundaries(ModuleOp module) {
  module.walk([](Operation *op) {
    op->removeAttr(kLayerBoundaryAttr);
    op->removeAttr(kLayerBoundaryResultAttr);
  });
}

/// The op defining the segment's output boundary, or null when the segment
/// runs to the function's results.
static Operation *boundaryOp(ArrayRef<Value> outs) {
  if (outs.size() != 1 || !outs[0].getDefiningOp() ||
      !outs[0].getDefiningOp()->hasAttr(kLayerBoundaryAttr))
    return nullptr;
  return outs[0].getDefiningOp();
}

FailureOr<OwningOpRef<ModuleOp>>
mlir::qm::extractLayerSegment(ModuleOp module,
                              const LayerBoundaries &boundaries, int64_t layer,
                              std::string &why) {
  func::FuncOp func = getPublicFunction(module, why);
  if (!func)
    return failure();
  int64_t lastSegment = boundaries.numLayers - (boundaries.hasSuffix ? 0 : 1);
  if (layer < 0 || layer > lastSegment) {
    why = "no segment " + std::to_string(layer);
    return failure();
  }
  Block &body = func.getBody().front();
  auto findBoundary = [&](int64_t l) -> Value {
    for (Operation &op : body)
      if (auto attr = op.getAttrOfType<IntegerAttr>(kLayerBoundaryAttr);
          attr && attr.getInt() == l) {
        int64_t r = op.getAttrOfType<IntegerAttr>(kLayerBoundaryResultAttr)
                        .getInt();
        return op.getResult(r);
      }
    return {};
  };
  Value in;
  if (layer > 0 && !(in = findBoundary(layer))) {
    why = "the boundary before segment " + std::to_string(layer) +
          " is not marked";
    return failure();
  }
  SmallVector<Value> outs;
  if (layer < boundaries.numLayers &&
      (layer + 1 < boundaries.numLayers || boundaries.hasSuffix)) {
    Value out = findBoundary(layer + 1);
    if (!out) {
      why = "the boundary after segment " + std::to_string(layer) +
            " is not marked";
      return failure();
    }
    outs.push_back(out);
  } else {
    outs.assign(body.getTerminator()->operand_begin(),
                body.getTerminator()->operand_end());
  }

  // Backward slice of the outputs and of every non-constant op placed
  // between the two boundaries (so a matmul whose result is unused is still
  // run and observed, as in the whole model), stopping at the input
  // boundary and the function's arguments.
  llvm::DenseSet<Operation *> slice;
  SmallVector<Value> worklist(outs.begin(), outs.end());
  {
    bool inside = !in;
    Operation *last = boundaryOp(outs);
    for (Operation &op : body.without_terminator()) {
      // Constants come in only when used (the importer puts every weight
      // at the top, and dead ones would change the segment's signature).
      if (inside && !op.hasTrait<OpTrait::ConstantLike>())
        worklist.append(op.result_begin(), op.result_end());
      if (&op == last)
        break;
      if (in && &op == in.getDefiningOp())
        inside = true;
    }
  }
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    if (v == in || isa<BlockArgument>(v))
      continue;
    Operation *def = v.getDefiningOp();
    if (!slice.insert(def).second)
      continue;
    if (auto attr = def->getAttrOfType<IntegerAttr>(kLayerBoundaryAttr);
        attr && attr.getInt() != layer + 1) {
      why = "segment " + std::to_string(layer) + " reads the output of layer " +
            std::to_string(attr.getInt() - 1) + " other than through its input";
      return failure();
    }
    forEachInput(def, [&](Value operand) { worklist.push_back(operand); });
  }

  OpBuilder b(module.getContext());
  OwningOpRef<ModuleOp> segment = ModuleOp::create(module.getLoc());
  b.setInsertionPointToEnd(segment->getBody());
  SmallVector<Type> argTypes(func.getArgumentTypes());
  if (in)
    argTypes.push_back(in.getType());
  SmallVector<Type> resultTypes;
  for (Value v : outs)
    resultTypes.push_back(v.getType());
  auto newFunc = func::FuncOp::create(b, func.getLoc(), "main",
                                      b.getFunctionType(argTypes, resultTypes));
  Block *entry = newFunc.addEntryBlock();
  IRMapping map;
  for (auto [from, to] : llvm::zip(func.getArguments(), entry->getArguments()))
    map.map(from, to);
  if (in)
    map.map(in, entry->getArguments().back());
  b.setInsertionPointToStart(entry);
  for (Operation &op : body) {
    if (!slice.contains(&op))
      continue;
    Operation *copy = b.clone(op, map);
    copy->removeAttr(kLayerBoundaryAttr);
    copy->removeAttr(kLayerBoundaryResultAttr);
  }
  SmallVector<Value> results;
  for (Value v : outs)
    results.push_back(map.lookup(v));
  func::ReturnOp::create(b, func.getLoc(), results);
  return segment;
}
