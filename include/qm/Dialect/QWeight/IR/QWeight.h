//===- QWeight.h - qweight dialect -------------------------------*- C++ -*-===//
//
// Part of quant-mlir. Declarations of the qweight dialect, its weight type
// and its ops.
//
//===----------------------------------------------------------------------===//

#ifndef QM_DIALECT_QWEIGHT_IR_QWEIGHT_H
#define QM_DIALECT_QWEIGHT_IR_QWEIGHT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "qm/Dialect/QWeight/IR/QWeightDialect.h.inc"
#include "qm/Dialect/QWeight/IR/QWeightEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "qm/Dialect/QWeight/IR/QWeightAttrs.h.inc"

#define GET_TYPEDEF_CLASSES
#include "qm/Dialect/QWeight/IR/QWeightTypes.h.inc"

#define GET_OP_CLASSES
#include "qm/Dialect/QWeight/IR/QWeightOps.h.inc"

#endif // QM_DIALECT_QWEIGHT_IR_QWEIGHT_H
