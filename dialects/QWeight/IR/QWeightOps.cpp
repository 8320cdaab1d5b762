//===- QWeightOps.cpp - qweight ops -----------------------------------------===//
//
// Part of quant-mlir. Verifiers of the qweight ops; labels refer to the
// constraints in QWeightOps.td.
//
//===----------------------------------------------------------------------===//

#include "qm/Dialect/QWeight/IR/QWeight.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::qm::qweight;

LogicalResult AssembleOp::verify() {
  WeightType w = getType();
  // (C1)
  auto codes = getCodes().getType();
  if (RankedTensorType expected = w.getCodesStorageType()) {
    if (codes != expected)
      return emitOpError() << "expected 'codes' of type " << expected
                           << " for layout " << stringifyLayout(w.getLayout())
                           << ", got " << codes;
  } else if (codes.getRank() != 1 || !codes.getElementType().isInteger(32)) {
    return emitOpError("expected 1-D i32 'codes' for layout gpu_tiled");
  }
  // (C2)
  if (getScales().getType() != w.getScalesType())
    return emitOpError() << "expected 'scales' of type " << w.getScalesType()
                         << ", got " << getScales().getType();
  // (C3)
  if (w.getSymmetric() == (bool)getZeros())
    return emitOpError() << (w.getSymmetric() ? "unexpected 'zeros' for a symmetric weight"
                                              : "expected 'zeros' for an asymmetric weight");
  if (getZeros() && getZeros().getType() != w.getZerosType())
    return emitOpError() << "expected 'zeros' of type " << w.getZerosType()
                         << ", got " << getZeros().getType();
  // (C4)
  if (w.getActOrder() != (bool)getGIdx())
    return emitOpError() << (w.getActOrder() ? "expected 'g_idx' for an act-order weight"
                                             : "unexpected 'g_idx' without act_order");
  if (getGIdx() && getGIdx().getType() != w.getGroupIndexType())
    return emitOpError() << "expected 'g_idx' of type " << w.getGroupIndexType()
                         << ", got " << getGIdx().getType();
  return success();
}

LogicalResult DequantizeOp::verify() {
  WeightType w = getWeight().getType();
  // (C1)
  if (failed(verifyCompatibleShape(getType().getShape(), {w.getK(), w.getN()})))
    return emitOpError() << "expected a result of shape " << w.getK() << "x"
                         << w.getN();
  return success();
}

LogicalResult MatMulOp::verify() {
  WeightType w = getWeight().getType();
  auto x = getX().getType();
  // (C1)
  if (x.getRank() < 1 ||
      failed(verifyCompatibleShape({x.getShape().back()}, {w.getK()})))
    return emitOpError() << "expected the last dimension of 'x' to be K ("
                         << w.getK() << ")";
  // (C2)
  SmallVector<int64_t> out(x.getShape());
  out.back() = w.getN();
  if (failed(verifyCompatibleShape(getType().getShape(), out)) ||
      getType().getElementType() != x.getElementType())
    return emitOpError("expected the result to have the shape of 'x' with the last "
                       "dimension N, and the element type of 'x'");
  return success();
}

LogicalResult ObserveOp::verify() {
  // (C1)
  if (getTag().empty())
    return emitOpError("expected a non-empty 'tag'");
  if (getInput().getType().getRank() < 1)
    return emitOpError("expected 'input' of rank >= 1");
  return success();
}

#define GET_OP_CLASSES
#include "qm/Dialect/QWeight/IR/QWeightOps.cpp.inc"
