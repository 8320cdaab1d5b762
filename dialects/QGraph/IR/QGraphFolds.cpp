//===- QGraphFolds.cpp - qgraph folders -------------------------------------===//
//
// Part of quant-mlir. Folders of qgraph ops: identities disappear, casts of
// constants and to the same type fold, and `shape` of a static tensor becomes
// a constant (this is what turns the shape subgraphs of an export into
// constants once input shapes are pinned).
//
//===----------------------------------------------------------------------===//

#include "qm/Dialect/QGraph/IR/QGraph.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace mlir::qm::qgraph;

OpFoldResult IdentityOp::fold(FoldAdaptor) { return getInput(); }

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  auto input = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput());
  if (!input || !getType().hasStaticShape())
    return {};
  Type from = input.getElementType(), to = getType().getElementType();
  // Integer <-> integer and integer <-> float casts of small constants; the
  // values involved in shape arithmetic are the ones that matter here.
  if (input.getNumElements() > 4096)
    return {};
  auto toInt = dyn_cast<IntegerType>(to);
  if (auto fromInt = dyn_cast<IntegerType>(from)) {
    bool isSigned = !fromInt.isUnsigned() && fromInt.getWidth() != 1;
    if (toInt) {
      SmallVector<APInt> values;
      for (const APInt &v : input.getValues<APInt>()) {
        if (toInt.getWidth() == 1)
          values.push_back(APInt(1, v.isZero() ? 0 : 1));
        else
          values.push_back(isSigned ? v.sextOrTrunc(toInt.getWidth())
                                    : v.zextOrTrunc(toInt.getWidth()));
      }
      return DenseElementsAttr::get(getType(), values);
    }
    if (auto toFloat = dyn_cast<FloatType>(to)) {
      SmallVector<APFloat> values;
      for (const APInt &v : input.getValues<APInt>()) {
        APFloat f(toFloat.getFloatSemantics());
        (void)f.convertFromAPInt(v, isSigned, APFloat::rmNearestTiesToEven);
        values.push_back(f);
      }
      return DenseElementsAttr::get(getType(), values);
    }
  }
  return {};
}

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  auto inputType = getInput().getType();
  auto resultType = getType();
  if (!resultType.hasStaticShape())
    return {};
  int64_t rank = inputType.getRank();
  int64_t start = getStart();
  int64_t end = getEnd().value_or(rank);
  if (start < 0)
    start += rank;
  if (end < 0)
    end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, 0, rank);
  SmallVector<int64_t> dims;
  for (int64_t i = start; i < end; ++i) {
    if (inputType.isDynamicDim(i))
      return {};
    dims.push_back(inputType.getDimSize(i));
  }
  if ((int64_t)dims.size() != resultType.getDimSize(0))
    return {};
  return DenseElementsAttr::get(resultType, ArrayRef<int64_t>(dims));
}
