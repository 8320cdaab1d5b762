//===- Passes.td - GPU code generation passes ---------------*- tablegen -*-===//
//
// Part of quant-mlir. Passes that build NVIDIA GPU kernels for the qweight
// dialect (issue 7).
//
//===----------------------------------------------------------------------===//

#ifndef QM_PASSES_CODEGEN_PASSES_TD
#define QM_PASSES_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def GenerateDequantGemmPass : Pass<"qm-gpu-generate-dequant-gemm", "::mlir::ModuleOp"> {
  let summary = "Generate fused dequantize-GEMM GPU kernels for qweight.matmul";
  let description = [{
    For every `qweight.matmul`, picks the kernel family its weight needs
    (bits 4 or 8, symmetric or not, activations read directly or gathered
    through the packer's permutation for act-order / unaligned K / group
    sizes that are not powers of two >= 16) and emits the family's kernels,
    one per M tile (16, 32, 64 rows), into `gpu.module @qm_dqgemm`. The
    kernels use nvgpu.device_async_copy (cp.async), nvgpu.ldmatrix and
    nvgpu.mma.sync m16n8k16 with f32 accumulation and dequantize int4/int8
    in registers with the magic-number trick; they read the weight in the
    `gpu_tiled` layout (passes/Codegen/GPU/Rationale.md). The matmul is
    annotated with `qm.gpu_kernels`, the names the runtime picks from.

    #### Input invariant
    - `qweight.matmul` ops whose weight has 4 or 8 bits.

    #### Output IR
    - The module gains `gpu.container_module` and `gpu.module @qm_dqgemm`
      (each kernel once); each matmul carries `qm.gpu_kernels`.
    - Lower the gpu.module with `gpu-lower-to-nvvm-pipeline` (ptx80 or
      higher) or `quant-gpu-gen`.
  }];
  let dependentDialects = [
    "::mlir::gpu::GPUDialect", "::mlir::nvgpu::NVGPUDialect",
    "::mlir::NVVM::NVVMDialect", "::mlir::vector::VectorDialect",
    "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::LLVM::LLVMDialect"
  ];
}

#endif // QM_PASSES_CODEGEN_PASSES_TD
