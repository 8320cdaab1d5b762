//===- QWeightDialect.cpp - qweight dialect and weight type -----------------===//
//
// Part of quant-mlir. Registration of the qweight dialect, the verifier of
// `!qweight.weight` and the storage types each layout implies.
//
//===----------------------------------------------------------------------===//

#include "qm/Dialect/QWeight/IR/QWeight.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::qm::qweight;

#include "qm/Dialect/QWeight/IR/QWeightDialect.cpp.inc"
#include "qm/Dialect/QWeight/IR/QWeightEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "qm/Dialect/QWeight/IR/QWeightAttrs.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "qm/Dialect/QWeight/IR/QWeightTypes.cpp.inc"

void QWeightDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "qm/Dialect/QWeight/IR/QWeightOps.cpp.inc"
      >();
  addTypes<
#define GET_TYPEDEF_LIST
#include "qm/Dialect/QWeight/IR/QWeightTypes.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "qm/Dialect/QWeight/IR/QWeightAttrs.cpp.inc"
      >();
}

LogicalResult WeightType::verify(function_ref<InFlightDiagnostic()> emitError,
                                 int64_t k, int64_t n, unsigned bits,
                                 int64_t groupSize, bool /*symmetric*/,
                                 bool /*actOrder*/, Layout /*layout*/,
                                 Type scaleType) {
  if (k <= 0 || n <= 0)
    return emitError() << "expected positive k and n, got " << k << " and " << n;
  if (bits != 2 && bits != 3 && bits != 4 && bits != 8)
    return emitError() << "bits (" << bits << ") must be 2, 3, 4 or 8";
  if (groupSize != -1 && (groupSize < 1 || groupSize > k))
    return emitError() << "group_size (" << groupSize
                       << ") must be -1 (per channel) or in [1, k]";
  if (!scaleType.isF32() && !scaleType.isF16() && !scaleType.isBF16())
    return emitError() << "scale_type must be f32, f16 or bf16, got " << scaleType;
  return success();
}

int64_t WeightType::getEffectiveGroupSize() const {
  return getGroupSize() == -1 ? getK() : getGroupSize();
}

int64_t WeightType::getNumGroups() const {
  return llvm::divideCeil(getK(), getEffectiveGroupSize());
}

RankedTensorType WeightType::getCodesStorageType() const {
  MLIRContext *ctx = getContext();
  switch (getLayout()) {
  case Layout::unpacked:
    return RankedTensorType::get({getN(), getK()},
                                 IntegerType::get(ctx, 8, IntegerType::Unsigned));
  case Layout::k_packed:
    return RankedTensorType::get({getN(), (int64_t)llvm::divideCeil(getK(), getCodesPerWord())},
                                 IntegerType::get(ctx, 32));
  case Layout::gpu_tiled:
    return nullptr;
  }
  llvm_unreachable("unknown layout");
}

RankedTensorType WeightType::getScalesType() const {
  return RankedTensorType::get({getN(), getNumGroups()}, getScaleType());
}

RankedTensorType WeightType::getZerosType() const {
  return RankedTensorType::get({getN(), getNumGroups()},
                               IntegerType::get(getContext(), 8, IntegerType::Unsigned));
}

RankedTensorType WeightType::getGroupIndexType() const {
  return RankedTensorType::get({getK()}, IntegerType::get(getContext(), 32));
}
