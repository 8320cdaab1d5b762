//===- GenerateDequantGemm.cpp - qweight.matmul -> GPU kernels ------------===//
//
// Part of quant-mlir.
//
//===----------------------------------------------------------------------===//

#include "qm/Dialect/QWeight/IR/QWeight.h"
#include "qm/Passes/Codegen/GPU/DequantGemm.h"
#include "qm/Passes/Codegen/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/SetVector.h"

#define DEBUG_TYPE "qm-gpu-generate-dequant-gemm"

namespace mlir::qm {
#define GEN_PASS_DEF_GENERATEDEQUANTGEMMPASS
#include "qm/Passes/Codegen/Passes.h.inc"
} // namespace mlir::qm

using namespace mlir;
using namespace mlir::qm;

namespace {
bool isPow2(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

struct GenerateDequantGemmPass
    : qm::impl::GenerateDequantGemmPassBase<GenerateDequantGemmPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::vector<qm::gpu::DequantGemmConfig> all =
        qm::gpu::defaultDequantGemmConfigs();
    llvm::SetVector<unsigned> needed;
    bool failedAny = false;
    module.walk([&](qweight::MatMulOp mm) {
      auto wt = cast<qweight::WeightType>(mm.getWeight().getType());
      unsigned bits = wt.getBits();
      if (bits != 4 && bits != 8) {
        mm.emitOpError("has no GPU kernel for ")
            << bits << "-bit weights (4 or 8 supported)";
        failedAny = true;
        return;
      }
      int64_t k = wt.getK(), g = wt.getEffectiveGroupSize();
      bool perChannel = g >= k;
      bool gather = wt.getActOrder() || k % 8 != 0 ||
                    (!perChannel && (g % 16 != 0 || !isPow2(g)));
      SmallVector<Attribute> names;
      for (unsigned i = 0; i < all.size(); ++i) {
        const auto &c = all[i];
        // Cluster kernels need sm_90; the runtime uses them where its
        // cubin has them and falls back to the global split-K otherwise.
        if (c.bits == bits && c.symmetric == wt.getSymmetric() &&
            c.gatherA == gather && !c.cluster) {
          needed.insert(i);
          names.push_back(StringAttr::get(&getContext(), c.kernelName()));
        }
      }
      mm->setAttr("qm.gpu_kernels", ArrayAttr::get(&getContext(), names));
    });
    if (failedAny)
      return signalPassFailure();
    if (needed.empty())
      return;

    // Reuse an existing @qm_dqgemm module; add only missing kernels.
    auto gpuMod = module.lookupSymbol<mlir::gpu::GPUModuleOp>("qm_dqgemm");
    std::string text = "gpu.module @qm_dqgemm {\n";
    unsigned added = 0;
    for (unsigned i : needed) {
      if (gpuMod && gpuMod.lookupSymbol(all[i].kernelName()))
        continue;
      text += qm::gpu::emitDequantGemmFunc(all[i]);
      ++added;
    }
    text += "}\n";
    if (!added)
      return;
    OwningOpRef<ModuleOp> parsed =
        parseSourceString<ModuleOp>(text, &getContext());
    if (!parsed) {
      module.emitError("generated dequant-gemm kernels did not parse");
      return signalPassFailure();
    }
    auto newMod = *parsed->getOps<mlir::gpu::GPUModuleOp>().begin();
    module->setAttr("gpu.container_module", UnitAttr::get(&getContext()));
    if (!gpuMod) {
      newMod->moveBefore(module.getBody(), module.getBody()->end());
      return;
    }
    Block &dst = gpuMod.getBodyRegion().front();
    for (Operation &op :
         llvm::make_early_inc_range(newMod.getBodyRegion().front()))
      op.moveBefore(&dst, dst.end());
  }
};
} // namespace
