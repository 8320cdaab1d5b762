//===- OutlineLoopNests.cpp - one function per top-level loop nest ----------===//
//
// Part of quant-mlir. Implements qm-outline-loop-nests (see Passes.td): LLVM
// optimizes a function with hundreds of loop nests in time that grows much
// faster than its size, so every outermost nest moves into a private,
// non-inlinable function of its own.
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Lowering/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/SetVector.h"

#define DEBUG_TYPE "qm-outline-loop-nests"

namespace mlir::qm {
#define GEN_PASS_DEF_OUTLINELOOPNESTSPASS
#include "qm/Passes/Lowering/Passes.h.inc"
} // namespace mlir::qm

using namespace mlir;
using namespace mlir::qm;

namespace {

/// Ops without operands that are cheaper to clone than to pass: constants
/// and references to globals.
bool isCloneable(Operation *op) {
  return op && op->getNumOperands() == 0 && op->getNumResults() == 1 &&
         op->getNumRegions() == 0 &&
         (op->hasTrait<OpTrait::ConstantLike>() || isa<memref::GetGlobalOp>(op));
}

struct OutlineLoopNestsPass final
    : qm::impl::OutlineLoopNestsPassBase<OutlineLoopNestsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
    for (func::FuncOp func : funcs) {
      if (func.isDeclaration())
        continue;
      SmallVector<Operation *> nests;
      for (Block &block : func.getBody())
        for (Operation &op : block)
          if (isa<scf::ForOp, scf::ParallelOp>(op))
            nests.push_back(&op);
      int64_t counter = 0;
      Operation *after = func; // new functions follow in program order
      for (Operation *nest : nests) {
        int64_t size = 0;
        nest->walk([&](Operation *) { ++size; });
        if (size < minOps)
          continue;
        after = outline(symbols, func, after, nest, counter++);
      }
    }
  }

  /// Outlines `nest` into a function placed after `after`; returns it.
  Operation *outline(SymbolTable &symbols, func::FuncOp caller,
                     Operation *after, Operation *nest, int64_t index) {
    // Values the nest reads from outside itself, in first-use order.
    llvm::SetVector<Value> captured;
    nest->walk([&](Operation *op) {
      for (Value v : op->getOperands()) {
        Operation *owner = isa<BlockArgument>(v)
                               ? cast<BlockArgument>(v).getOwner()->getParentOp()
                               : v.getDefiningOp();
        if (owner != nest && !nest->isProperAncestor(owner))
          captured.insert(v);
      }
    });
    SmallVector<Value> args;
    SmallVector<Operation *> clones;
    for (Value v : captured) {
      if (isCloneable(v.getDefiningOp()))
        clones.push_back(v.getDefiningOp());
      else
        args.push_back(v);
    }

    OpBuilder b(caller);
    b.setInsertionPointAfter(after);
    auto type = b.getFunctionType(ValueRange(args).getTypes(),
                                  nest->getResultTypes());
    auto callee = func::FuncOp::create(
        b, nest->getLoc(),
        (caller.getSymName() + "_nest" + llvm::Twine(index)).str(), type);
    callee.setPrivate();
    callee->setAttr("passthrough", b.getStrArrayAttr({"noinline"}));
    symbols.insert(callee, Block::iterator(callee)); // renames on a clash

    Block *body = callee.addEntryBlock();
    IRMapping map;
    for (auto [v, arg] : llvm::zip(args, body->getArguments()))
      map.map(v, arg);
    b.setInsertionPointToStart(body);
    for (Operation *op : clones)
      b.clone(*op, map);
    Operation *moved = b.clone(*nest, map);
    func::ReturnOp::create(b, nest->getLoc(), moved->getResults());

    b.setInsertionPoint(nest);
    auto call = func::CallOp::create(b, nest->getLoc(), callee, args);
    nest->replaceAllUsesWith(call.getResults());
    nest->erase();
    return callee;
  }
};

} // namespace
