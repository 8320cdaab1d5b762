//===- DequantGemmLower.cpp - generated kernels to PTX --------------------===//
//
// Part of quant-mlir. Runs upstream's gpu-lower-to-nvvm pipeline (nvgpu ->
// nvvm, gpu -> nvvm, LLVM NVPTX backend) and returns the PTX text of the
// `gpu.module`. Assembling to cubins is left to ptxas (see quant-gpu-gen).
//
//===----------------------------------------------------------------------===//

#include "qm/Passes/Codegen/GPU/DequantGemm.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Pipelines/Passes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

using namespace mlir;

void mlir::qm::gpu::registerDequantGemmDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllToLLVMIRTranslations(registry);
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
}

FailureOr<std::string>
mlir::qm::gpu::lowerDequantGemmToPTX(ModuleOp module, StringRef chip,
                                     StringRef ptxFeatures) {
  MLIRContext *ctx = module.getContext();
  PassManager pm(ctx);
  mlir::gpu::GPUToNVVMPipelineOptions opts;
  opts.cubinChip = chip.str();
  opts.cubinFeatures = ptxFeatures.str();
  opts.cubinFormat = "isa";
  opts.optLevel = 3;
  mlir::gpu::buildLowerToNVVMPassPipeline(pm, opts);
  if (failed(pm.run(module)))
    return module.emitError("lowering the dequant-gemm kernels to PTX for ")
           << chip << " failed";
  std::string ptx;
  module.walk([&](mlir::gpu::BinaryOp bin) {
    for (Attribute a : bin.getObjects())
      if (auto obj = dyn_cast<mlir::gpu::ObjectAttr>(a))
        ptx = obj.getObject().str();
  });
  if (ptx.empty())
    return module.emitError("no gpu.binary object after lowering for ")
           << chip;
  return ptx;
}
