//===- QuantUtils.cpp - helpers shared by the quantization passes -----------===//
//
// Part of quant-mlir.
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Quantization/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Location.h"

using namespace mlir;

std::string mlir::qm::getMatmulName(Operation *op) {
  std::string name;
  op->getLoc()->walk([&](Location loc) {
    if (auto named = dyn_cast<NameLoc>(loc)) {
      name = named.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return name;
}

Operation *mlir::qm::getConstantWeight(qgraph::MatMulOp op) {
  Value w = op.getRhs();
  while (auto id = w.getDefiningOp<qgraph::IdentityOp>())
    w = id.getInput();
  auto cst = w.getDefiningOp<arith::ConstantOp>();
  if (!cst || cast<RankedTensorType>(cst.getType()).getRank() != 2 ||
      !isa<FloatType>(cast<RankedTensorType>(cst.getType()).getElementType()))
    return nullptr;
  return cst;
}
