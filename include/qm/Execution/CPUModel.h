//===- CPUModel.h - JIT-compiled model on the host CPU ----------*- C++ -*-===//
//
// Part of quant-mlir. Compiles a qgraph module (one public function with
// statically shaped tensor arguments and results) through qm-cpu-pipeline
// and MLIR's ExecutionEngine, and runs it. A model (token ids in, f32
// logits out) uses run(); any other signature, e.g. one decoder layer
// (ids, hidden) -> hidden, uses call().
//
//===----------------------------------------------------------------------===//

#ifndef QM_EXECUTION_CPUMODEL_H
#define QM_EXECUTION_CPUMODEL_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/LLVM.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace mlir::qm {

struct CPUCompileOptions {
  /// Call qmrt_sgemm for f32 matmuls.
  bool microkernels = true;
  /// LLVM optimization level (0-3).
  unsigned optLevel = 3;
  /// When not empty, the LLVM-dialect module is written here.
  std::string dumpLLVMDialect;
};

/// Lowers `module` in place to the LLVM dialect with qm-cpu-pipeline; the
/// public function gets a C interface (`_mlir_ciface_<name>`). Returns the
/// name of that function.
FailureOr<std::string> lowerModuleForCPU(ModuleOp module,
                                         const CPUCompileOptions &options);

/// Symbols of the runtime (qmrt_*) the generated code calls, for the JIT.
void getRuntimeSymbols(SmallVectorImpl<std::pair<std::string, void *>> &out);

/// Runs `lane` on `lanes` threads at once (the caller's thread being one)
/// and waits for all. With more than one lane the runtime's kernels are set
/// to one thread each meanwhile (lanes instead of threads inside a kernel
/// also parallelize the single-threaded elementwise code); restored after.
void runInLanes(int64_t lanes, const std::function<void()> &lane);

class CPUModel {
public:
  ~CPUModel();

  /// Compiles `module` (qgraph level, statically shaped).
  static FailureOr<std::unique_ptr<CPUModel>>
  compile(ModuleOp module, const CPUCompileOptions &options = {});

  /// Checks that `module`'s entry is a token model for run(): one static
  /// integer tensor in, one static f32 tensor out (errors on the module).
  static LogicalResult verifyTokenModel(ModuleOp module);

  /// Types of the entry function's arguments and results.
  ArrayRef<RankedTensorType> getArgumentTypes() const { return argTypes; }
  ArrayRef<RankedTensorType> getResultTypes() const { return resultTypes; }

  /// Calls the entry function. `args[i]` points to a dense row-major buffer
  /// of argument i's type (1 byte per i1); result i is copied into
  /// `results[i]`, which must hold as many elements of its type.
  LogicalResult call(ArrayRef<const void *> args, ArrayRef<void *> results);

  ArrayRef<int64_t> getInputShape() const { return inputShape; }
  Type getInputElementType() const { return inputElementType; }
  ArrayRef<int64_t> getOutputShape() const { return outputShape; }
  int64_t getInputSize() const;
  int64_t getOutputSize() const;

  /// Runs a model with one integer argument and one f32 result. `input`
  /// holds getInputSize() values (converted to the input element type),
  /// `output` receives getOutputSize() floats.
  LogicalResult run(const int64_t *input, float *output);

private:
  CPUModel() = default;
  std::unique_ptr<ExecutionEngine> engine;
  void *entry = nullptr;
  std::string entryName;
  std::vector<RankedTensorType> argTypes, resultTypes;
  std::vector<int64_t> inputShape, outputShape;
  Type inputElementType;
};

} // namespace mlir::qm

#endif // QM_EXECUTION_CPUMODEL_H
