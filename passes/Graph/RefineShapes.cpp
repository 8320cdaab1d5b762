//===- RefineShapes.cpp - static result types for imported graphs ----------===//
//
// Part of quant-mlir. Implements qm-graph-refine-shapes: per-op refinement
// (qgraph::refineResultTypes, shared with the verifiers' shape functions)
// interleaved with folding until a fixpoint, so that pinning the model
// inputs turns the shape subgraphs of an ONNX export into constants and
// every tensor type static.
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Graph/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Rewrite/FrozenRewritePatternSet.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "qm/Dialect/QWeight/IR/QWeight.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "qm-graph-refine-shapes"

namespace mlir::qm {
#define GEN_PASS_DEF_REFINESHAPESPASS
#include "qm/Passes/Graph/Passes.h.inc"
} // namespace mlir::qm

using namespace mlir;
using namespace mlir::qm;

/// Ops whose result types this pass rewrites.
static bool isGraphOp(Operation *op) {
  return isa_and_nonnull<qgraph::QGraphDialect, qweight::QWeightDialect>(
      op->getDialect());
}

/// Users that accept a more static operand type as is.
static bool acceptsRefinedOperand(Operation *user) {
  return isGraphOp(user) || isa<func::ReturnOp, tensor::CastOp>(user);
}

/// Refined result types of a qweight op (observe and matmul follow `x`).
static LogicalResult refineQWeight(Operation *op, SmallVectorImpl<Type> &types) {
  types.clear();
  RankedTensorType current;
  SmallVector<int64_t> shape;
  if (auto observe = dyn_cast<qweight::ObserveOp>(op)) {
    current = observe.getType();
    shape.assign(observe.getInput().getType().getShape().begin(),
                 observe.getInput().getType().getShape().end());
  } else if (auto matmul = dyn_cast<qweight::MatMulOp>(op)) {
    current = matmul.getType();
    auto x = matmul.getX().getType();
    if (x.getRank() < 1)
      return failure();
    shape.assign(x.getShape().begin(), x.getShape().end());
    shape.back() = matmul.getWeight().getType().getN();
  } else {
    return failure();
  }
  if (failed(verifyCompatibleShape(current.getShape(), shape)))
    return failure();
  for (auto [i, d] : llvm::enumerate(current.getShape()))
    if (!ShapedType::isDynamic(d))
      shape[i] = d;
  auto refined = RankedTensorType::get(shape, current.getElementType());
  types.push_back(refined);
  return success(refined != current);
}

/// One sweep over `func` in program order; returns whether a type changed.
static bool refineFunction(func::FuncOp func) {
  bool changed = false;
  func.walk([&](Operation *op) {
    if (!isGraphOp(op))
      return;
    SmallVector<Type> types;
    LogicalResult refined = isa<qweight::QWeightDialect>(op->getDialect())
                                ? refineQWeight(op, types)
                                : qgraph::refineResultTypes(op, types);
    if (failed(refined))
      return;
    for (auto [result, type] : llvm::zip(op->getResults(), types)) {
      Type old = result.getType();
      if (old == type)
        continue;
      LLVM_DEBUG(llvm::dbgs() << "[" DEBUG_TYPE "] " << op->getName() << ": "
                              << old << " -> " << type << "\n");
      result.setType(type);
      changed = true;
      // Users outside the graph dialects keep seeing the old type.
      if (llvm::all_of(result.getUsers(), acceptsRefinedOperand))
        continue;
      OpBuilder b(op->getContext());
      b.setInsertionPointAfter(op);
      Value cast = tensor::CastOp::create(b, op->getLoc(), old, result);
      result.replaceUsesWithIf(cast, [&](OpOperand &use) {
        return !acceptsRefinedOperand(use.getOwner());
      });
    }
  });

  // Result types follow the returned values, unless callers see them.
  auto returns = llvm::to_vector(func.getOps<func::ReturnOp>());
  if (returns.size() != 1)
    return changed;
  func::ReturnOp ret = returns.front();
  FunctionType fnType = func.getFunctionType();
  SmallVector<Type> results(ret.getOperandTypes());
  if (TypeRange(results) == fnType.getResults())
    return changed;
  std::optional<SymbolTable::UseRange> uses =
      SymbolTable::getSymbolUses(func, func->getParentOp());
  if (!uses || !uses->empty()) {
    // Keep the signature; cast back to the declared types.
    OpBuilder b(ret);
    for (auto [i, operand] : llvm::enumerate(ret.getOperands()))
      if (operand.getType() != fnType.getResult(i))
        ret.setOperand(i, tensor::CastOp::create(b, ret.getLoc(),
                                                 fnType.getResult(i), operand));
    return changed;
  }
  func.setType(FunctionType::get(func.getContext(), fnType.getInputs(), results));
  return true;
}

FailureOr<std::pair<std::string, SmallVector<int64_t>>>
mlir::qm::parsePinnedShape(StringRef spec) {
  auto [name, dims] = spec.split('=');
  if (name.empty() || dims.empty())
    return failure();
  SmallVector<int64_t> shape;
  SmallVector<StringRef> parts;
  dims.split(parts, 'x');
  for (StringRef p : parts) {
    int64_t v;
    if (p.getAsInteger(10, v) || v < 0)
      return failure();
    shape.push_back(v);
  }
  return std::make_pair(name.str(), shape);
}

/// Pins argument shapes of every function that has the named argument.
static LogicalResult pinArguments(ModuleOp module,
                                  const RefineShapesOptions &options) {
  for (auto &[key, shape] : options.pin) {
    bool found = false;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i) {
        auto name = func.getArgAttrOfType<StringAttr>(i, "qgraph.name");
        if (!((name && name.getValue() == key) || std::to_string(i) == key))
          continue;
        found = true;
        BlockArgument arg = func.getArgument(i);
        auto old = dyn_cast<RankedTensorType>(arg.getType());
        if (!old || failed(verifyCompatibleShape(old.getShape(), shape))) {
          std::string dims;
          for (auto [j, d] : llvm::enumerate(shape))
            dims += (j ? "x" : "") + std::to_string(d);
          return func.emitError() << "cannot pin argument '" << key << "' of type "
                                  << arg.getType() << " to shape " << dims;
        }
        arg.setType(RankedTensorType::get(shape, old.getElementType()));
        SmallVector<Type> inputs(func.getFunctionBody().getArgumentTypes());
        func.setType(FunctionType::get(func.getContext(), inputs,
                                       func.getFunctionType().getResults()));
      }
    }
    if (!found)
      return module.emitError() << "no function argument named '" << key
                                << "' to pin";
  }
  return success();
}

/// Canonicalization patterns of every registered op (as -canonicalize).
static FrozenRewritePatternSet collectFoldPatterns(MLIRContext *ctx) {
  RewritePatternSet patterns(ctx);
  for (Dialect *dialect : ctx->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, ctx);
  return FrozenRewritePatternSet(std::move(patterns));
}

static LogicalResult runRefinement(ModuleOp module,
                                   const RefineShapesOptions &options,
                                   const FrozenRewritePatternSet *patterns) {
  if (failed(pinArguments(module, options)))
    return failure();
  for (int64_t round = 0; round < options.maxIterations; ++round) {
    bool changed = false;
    for (auto func : module.getOps<func::FuncOp>())
      changed |= refineFunction(func);
    if (options.fold && patterns) {
      bool folded = false;
      GreedyRewriteConfig config;
      config.enableFolding();
      (void)applyPatternsGreedily(module, *patterns, config, &folded);
      changed |= folded;
    }
    LLVM_DEBUG(llvm::dbgs() << "[" DEBUG_TYPE "] round " << round
                            << (changed ? ": changed\n" : ": fixpoint\n"));
    if (!changed)
      return success();
  }
  return module.emitError() << "shape refinement did not converge in "
                            << options.maxIterations << " rounds";
}

LogicalResult mlir::qm::refineShapes(ModuleOp module,
                                     const RefineShapesOptions &options) {
  MLIRContext *ctx = module.getContext();
  ctx->getOrLoadDialect<arith::ArithDialect>();
  ctx->getOrLoadDialect<tensor::TensorDialect>();
  FrozenRewritePatternSet patterns = collectFoldPatterns(ctx);
  return runRefinement(module, options, &patterns);
}

namespace {
struct RefineShapesPass final
    : qm::impl::RefineShapesPassBase<RefineShapesPass> {
  using Base::Base;

  LogicalResult initialize(MLIRContext *ctx) override {
    patterns = collectFoldPatterns(ctx);
    options.fold = fold;
    options.maxIterations = maxIterations;
    options.pin.clear();
    for (const std::string &spec : pin) {
      auto parsed = parsePinnedShape(spec);
      if (failed(parsed))
        return emitError(UnknownLoc::get(ctx))
               << "invalid pin '" << spec << "', expected <name>=<AxBxC>";
      options.pin.push_back(*parsed);
    }
    return success();
  }

  void runOnOperation() override {
    if (failed(runRefinement(getOperation(), options, &patterns)))
      signalPassFailure();
  }

  FrozenRewritePatternSet patterns;
  RefineShapesOptions options;
};
} // namespace
