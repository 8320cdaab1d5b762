//===- InitAllPasses.h - register quant-mlir passes -------------*- C++ -*-===//
//
// Part of quant-mlir. One call that registers every pass of the project.
//
//===----------------------------------------------------------------------===//

#ifndef QM_INITALLPASSES_H
#define QM_INITALLPASSES_H

#include "qm/Passes/Graph/Passes.h"
#include "qm/Passes/Lowering/Passes.h"
#include "qm/Passes/Quantization/Passes.h"
#include "qm/Pipelines/CPUPipeline.h"

namespace mlir::qm {
inline void registerAllPasses() {
  registerQMGraphPasses();
  registerQMQuantizationPasses();
  registerQMLoweringPasses();
  registerCPUPipeline();
}
} // namespace mlir::qm

#endif // QM_INITALLPASSES_H
