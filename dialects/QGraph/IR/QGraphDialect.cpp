//===- QGraphDialect.cpp - qgraph dialect -----------------------------------===//
//
// Part of quant-mlir. Dialect registration and constant materialization
// (folded qgraph values become `arith.constant`).
//
//===----------------------------------------------------------------------===//

#include "qm/Dialect/QGraph/IR/QGraph.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::qm::qgraph;

#include "qm/Dialect/QGraph/IR/QGraphOpsDialect.cpp.inc"

void QGraphDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "qm/Dialect/QGraph/IR/QGraphOps.cpp.inc"
      >();
}

Operation *QGraphDialect::materializeConstant(OpBuilder &builder,
                                              Attribute value, Type type,
                                              Location loc) {
  auto typed = dyn_cast<TypedAttr>(value);
  if (!typed || typed.getType() != type)
    return nullptr;
  return arith::ConstantOp::create(builder, loc, type, typed);
}
