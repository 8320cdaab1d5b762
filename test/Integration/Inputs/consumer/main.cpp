//===- main.cpp - out-of-tree consumer of the installed quant-mlir ----------===//
//
// Registers the qgraph/qweight dialects and the quant-mlir passes through the
// installed headers and targets, parses a small qgraph module, runs
// qm-graph-refine-shapes and qm-quant-insert-observers and prints the result.
//
//===----------------------------------------------------------------------===//

#include "qm/InitAllDialects.h"
#include "qm/InitAllPasses.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

static const char *const kModule = R"mlir(
func.func @main(%x: tensor<?x4xf32>) -> tensor<?x?xf32> {
  %w = arith.constant dense<0.5> : tensor<4x3xf32>
  %y = qgraph.matmul %x, %w : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x?xf32> loc("proj")
  return %y : tensor<?x?xf32>
}
)mlir";

int main() {
  mlir::DialectRegistry registry;
  registry.insert<mlir::func::FuncDialect, mlir::arith::ArithDialect>();
  mlir::qm::registerAllDialects(registry);
  mlir::qm::registerAllPasses();
  mlir::MLIRContext context(registry);

  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(kModule, &context);
  if (!module) {
    llvm::errs() << "qm-consumer: cannot parse the module\n";
    return 1;
  }
  mlir::PassManager pm(&context);
  if (mlir::failed(mlir::parsePassPipeline(
          "qm-graph-refine-shapes{fold=false},qm-quant-insert-observers",
          pm, llvm::errs())))
    return 1;
  if (mlir::failed(pm.run(*module))) {
    llvm::errs() << "qm-consumer: the pipeline failed\n";
    return 1;
  }
  module->print(llvm::outs());
  return 0;
}
