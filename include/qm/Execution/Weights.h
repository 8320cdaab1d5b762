//===- Weights.h - move weight constants out of compiled code ---*- C++ -*-===//
//
// Part of quant-mlir.
//
//===----------------------------------------------------------------------===//

#ifndef QM_EXECUTION_WEIGHTS_H
#define QM_EXECUTION_WEIGHTS_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <string>

namespace mlir::qm {

/// Name of the generated `void qm_init_weights(const char *blob)`.
constexpr llvm::StringLiteral kInitWeightsFn = "qm_init_weights";

/// In an LLVM-dialect module, turns every constant global of at least
/// `minBytes` into a zero-initialized (bss) writable global, appends its
/// bytes to `blob` (64-byte aligned) and adds `qm_init_weights(blob)`, which
/// copies them back. Keeps LLVM from optimizing and emitting tens of MB of
/// constants, and gives the ahead-of-time artifact its separate weights
/// file. Returns the number of globals moved.
FailureOr<int64_t> externalizeWeights(ModuleOp module, std::string &blob,
                                      int64_t minBytes = 4096);

} // namespace mlir::qm

#endif // QM_EXECUTION_WEIGHTS_H
