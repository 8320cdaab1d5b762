//===- Passes.h - lowering passes -------------------------------*- C++ -*-===//
//
// Part of quant-mlir. qgraph/qweight -> linalg, and memref-level microkernels.
//
//===----------------------------------------------------------------------===//

#ifndef QM_PASSES_LOWERING_PASSES_H
#define QM_PASSES_LOWERING_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::qm {

#define GEN_PASS_DECL
#include "qm/Passes/Lowering/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qm/Passes/Lowering/Passes.h.inc"

} // namespace mlir::qm

#endif // QM_PASSES_LOWERING_PASSES_H
