//===- Passes.h - GPU code generation passes --------------------*- C++ -*-===//
//
// Part of quant-mlir.
//
//===----------------------------------------------------------------------===//

#ifndef QM_PASSES_CODEGEN_PASSES_H
#define QM_PASSES_CODEGEN_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::qm {

#define GEN_PASS_DECL
#include "qm/Passes/Codegen/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qm/Passes/Codegen/Passes.h.inc"

} // namespace mlir::qm

#endif // QM_PASSES_CODEGEN_PASSES_H
