//===- CPUPipeline.h - qgraph to LLVM dialect for the CPU -------*- C++ -*-===//
//
// Part of quant-mlir. The named pipeline `qm-cpu-pipeline`: qgraph/qweight
// -> linalg -> fusion -> one-shot bufferization -> microkernel calls ->
// loops -> LLVM dialect, ready for the JIT or mlir-translate.
//
//===----------------------------------------------------------------------===//

#ifndef QM_PIPELINES_CPUPIPELINE_H
#define QM_PIPELINES_CPUPIPELINE_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::qm {

struct CPUPipelineOptions : public PassPipelineOptions<CPUPipelineOptions> {
  Option<bool> microkernels{
      *this, "microkernels",
      llvm::cl::desc("Call qmrt_sgemm for f32 matmuls (else codegen loops)"),
      llvm::cl::init(true)};
  Option<bool> lowerToLLVM{
      *this, "to-llvm",
      llvm::cl::desc("Finish in the LLVM dialect (else stop after "
                     "bufferization and microkernels)"),
      llvm::cl::init(true)};
};

/// Appends the CPU pipeline to `pm` (a builtin.module pass manager).
void buildCPUPipeline(OpPassManager &pm, const CPUPipelineOptions &options);

/// Registers `qm-cpu-pipeline` for quant-opt.
void registerCPUPipeline();

} // namespace mlir::qm

#endif // QM_PIPELINES_CPUPIPELINE_H
