//===- quant-opt.cpp - quant-mlir optimizer driver --------------------------===//
//
// Part of quant-mlir. MlirOptMain with the project's dialects and passes
// registered next to all of upstream's.
//
//===----------------------------------------------------------------------===//

#include "qm/InitAllDialects.h"
#include "qm/InitAllPasses.h"
#include "qm/Passes/Codegen/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::qm::registerAllPasses();
  // GPU code generation (issue 7) links only into quant-opt: the C API and
  // installed consumers do not carry the NVPTX pipeline.
  mlir::qm::registerQMGPUCodegenPasses();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::qm::registerAllDialects(registry);

  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "quant-mlir optimizer: qgraph and qweight dialects, "
                  "quantization and lowering passes\n",
      registry));
}
