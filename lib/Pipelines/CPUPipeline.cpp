//===- CPUPipeline.cpp - qgraph to LLVM dialect for the CPU -----------------===//
//
// Part of quant-mlir.
//
//===----------------------------------------------------------------------===//

#include "qm/Pipelines/CPUPipeline.h"

#include "qm/Passes/Lowering/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/ErrorHandling.h"

using namespace mlir;
using namespace mlir::qm;

void mlir::qm::buildCPUPipeline(OpPassManager &pm,
                                const CPUPipelineOptions &options) {
  // Upstream passes are added by their textual names, which keeps this
  // library free of a link dependency on every upstream pass library.
  std::string text =
      "canonicalize,convert-qgraph-to-linalg,canonicalize,cse,"
      "qm-fuse-elementwise,canonicalize,cse,"
      "one-shot-bufferize{bufferize-function-boundaries "
      "function-boundary-type-conversion=identity-layout-map},"
      "buffer-deallocation-pipeline,canonicalize";
  if (options.microkernels)
    text += ",qm-linalg-to-microkernels";
  if (options.lowerToLLVM)
    text += ",convert-bufferization-to-memref,"
            "func.func(convert-linalg-to-loops),qm-outline-loop-nests,"
            "expand-strided-metadata,"
            "lower-affine,convert-scf-to-cf,convert-math-to-llvm,"
            "convert-math-to-libm,finalize-memref-to-llvm,"
            "convert-func-to-llvm,convert-to-llvm,reconcile-unrealized-casts";
  if (failed(parsePassPipeline(text, pm)))
    llvm::report_fatal_error("qm-cpu-pipeline: invalid pass pipeline");
}

void mlir::qm::registerCPUPipeline() {
  PassPipelineRegistration<CPUPipelineOptions>(
      "qm-cpu-pipeline",
      "Lower qgraph/qweight to the LLVM dialect for the host CPU",
      buildCPUPipeline);
}
