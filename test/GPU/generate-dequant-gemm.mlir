// RUN: quant-opt %s -split-input-file -qm-gpu-generate-dequant-gemm -verify-diagnostics | FileCheck %s

// 4-bit symmetric, group 128, K aligned: the "direct" family, kernels per
// M tile (streamed-activation "_a", 128-column "_n128" and whole-slice
// "_s9" variants for one m16 tile; the sm_90-only cluster kernels are left
// out; swapped-operand "_sw" kernels of 8-row blocks with 4, 8 and 16 warps
// and a 16-warp streamed m16 kernel, v11; long-chunk "_u4" / "_u8"
// variants of the 16- and 8-warp streamed kernels, v14; streamed swapped
// kernels of 16-row blocks, two n8 row tiles, v17; stream-K twins "_sk" of
// the 8- and 16-warp swapped streamed kernels, v19; "_x2" twins with two
// warp groups splitting N, 128-column blocks, v20), each with
// cp.async, ldmatrix and mma.sync.

// CHECK-LABEL: module attributes {gpu.container_module}
// CHECK: func.func @sym4
// CHECK: qweight.matmul {{.*}}qm.gpu_kernels = ["qm_dqgemm_b4_sym_direct_m16_w4_s3", "qm_dqgemm_b4_sym_direct_m16_w4_s9", "qm_dqgemm_b4_sym_direct_m16_w4_s3_a", "qm_dqgemm_b4_sym_direct_m16_w4_s9_a", "qm_dqgemm_b4_sym_direct_m16_w4_s3_g", "qm_dqgemm_b4_sym_direct_m8_w4_s3_g_sw", "qm_dqgemm_b4_sym_direct_m8_w8_s3_g_sw", "qm_dqgemm_b4_sym_direct_m8_w8_s3_g_sw_r4", "qm_dqgemm_b4_sym_direct_m8_w16_s3_g_sw", "qm_dqgemm_b4_sym_direct_m8_w16_s3_g_sw_r2", "qm_dqgemm_b4_sym_direct_m16_w4_s9_g", "qm_dqgemm_b4_sym_direct_m8_w4_s9_g_sw", "qm_dqgemm_b4_sym_direct_m8_w8_s9_g_sw", "qm_dqgemm_b4_sym_direct_m8_w8_s9_g_sw_r4", "qm_dqgemm_b4_sym_direct_m8_w16_s9_g_sw", "qm_dqgemm_b4_sym_direct_m8_w16_s9_g_sw_r2", "qm_dqgemm_b4_sym_direct_m16_w4_s3_g_n128", "qm_dqgemm_b4_sym_direct_m16_w4_s3_g_a", "qm_dqgemm_b4_sym_direct_m16_w16_s3_g_a", "qm_dqgemm_b4_sym_direct_m16_w16_s3_g_a_u4", "qm_dqgemm_b4_sym_direct_m16_w16_s3_g_a_u8", "qm_dqgemm_b4_sym_direct_m8_w4_s3_g_a_sw", "qm_dqgemm_b4_sym_direct_m8_w8_s3_g_a_sw", "qm_dqgemm_b4_sym_direct_m8_w8_s3_g_a_sw_sk", "qm_dqgemm_b4_sym_direct_m8_w8_s3_g_a_sw_x2", "qm_dqgemm_b4_sym_direct_m8_w8_s3_g_a_sw_x2_sk", "qm_dqgemm_b4_sym_direct_m8_w8_s3_g_a_sw_u8", "qm_dqgemm_b4_sym_direct_m8_w8_s3_g_a_sw_r4", "qm_dqgemm_b4_sym_direct_m8_w16_s3_g_a_sw", "qm_dqgemm_b4_sym_direct_m8_w16_s3_g_a_sw_sk", "qm_dqgemm_b4_sym_direct_m8_w16_s3_g_a_sw_x2", "qm_dqgemm_b4_sym_direct_m8_w16_s3_g_a_sw_x2_sk", "qm_dqgemm_b4_sym_direct_m8_w16_s3_g_a_sw_u4", "qm_dqgemm_b4_sym_direct_m8_w16_s3_g_a_sw_u8", "qm_dqgemm_b4_sym_direct_m8_w16_s3_g_a_sw_r2", "qm_dqgemm_b4_sym_direct_m16_w4_s9_g_a", "qm_dqgemm_b4_sym_direct_m8_w4_s9_g_a_sw", "qm_dqgemm_b4_sym_direct_m8_w8_s9_g_a_sw", "qm_dqgemm_b4_sym_direct_m8_w8_s9_g_a_sw_r4", "qm_dqgemm_b4_sym_direct_m8_w16_s9_g_a_sw", "qm_dqgemm_b4_sym_direct_m8_w16_s9_g_a_sw_r2", "qm_dqgemm_b4_sym_direct_m16_w4_s3_g_a_n128", "qm_dqgemm_b4_sym_direct_m16_w4n_s3", "qm_dqgemm_b4_sym_direct_m16_w4n_s3_a", "qm_dqgemm_b4_sym_direct_m16_w4n_s3_g", "qm_dqgemm_b4_sym_direct_m16_w4n_s3_g_a", "qm_dqgemm_b4_sym_direct_m32_w4_s3", "qm_dqgemm_b4_sym_direct_m16_w4_s3_g_a_sw", "qm_dqgemm_b4_sym_direct_m16_w8_s3_g_a_sw", "qm_dqgemm_b4_sym_direct_m16_w8_s3_g_a_sw_sk", "qm_dqgemm_b4_sym_direct_m16_w8_s3_g_a_sw_x2", "qm_dqgemm_b4_sym_direct_m16_w8_s3_g_a_sw_x2_sk", "qm_dqgemm_b4_sym_direct_m16_w8_s3_g_a_sw_u8", "qm_dqgemm_b4_sym_direct_m16_w8_s3_g_a_sw_x2_u8", "qm_dqgemm_b4_sym_direct_m16_w8_s3_g_a_sw_x2_u8_sk", "qm_dqgemm_b4_sym_direct_m16_w16_s3_g_a_sw", "qm_dqgemm_b4_sym_direct_m16_w16_s3_g_a_sw_sk", "qm_dqgemm_b4_sym_direct_m16_w16_s3_g_a_sw_x2", "qm_dqgemm_b4_sym_direct_m16_w16_s3_g_a_sw_x2_sk", "qm_dqgemm_b4_sym_direct_m16_w16_s3_g_a_sw_u4", "qm_dqgemm_b4_sym_direct_m16_w16_s3_g_a_sw_x2_u4", "qm_dqgemm_b4_sym_direct_m16_w16_s3_g_a_sw_x2_u4_sk", "qm_dqgemm_b4_sym_direct_m16_w16_s3_g_a_sw_u8", "qm_dqgemm_b4_sym_direct_m32_w4n_s3", "qm_dqgemm_b4_sym_direct_m64_w4_s3", "qm_dqgemm_b4_sym_direct_m64_w4n_s3"]
// CHECK: gpu.module @qm_dqgemm
// CHECK: gpu.func @qm_dqgemm_b4_sym_direct_m16_w4_s3({{.*}}) kernel
// CHECK: nvgpu.device_async_copy
// CHECK: nvgpu.ldmatrix
// CHECK: vector.bitcast {{.*}} : vector<4xi32> to vector<8xf16>
// CHECK: nvgpu.mma.sync
// CHECK: llvm.inline_asm has_side_effects "atom.acq_rel.gpu.add.u32
// CHECK: gpu.func @qm_dqgemm_b4_sym_direct_m64_w4n_s3
// CHECK-NOT: gpu.func @qm_dqgemm_b8
func.func @sym4(%x: tensor<1x4096xf16>,
                %w: !qweight.weight<k = 4096, n = 1024, bits = 4, group_size = 128, symmetric = true, act_order = false, layout = gpu_tiled, scale_type = f16>) -> tensor<1x1024xf16> {
  %y = qweight.matmul %x, %w : (tensor<1x4096xf16>, !qweight.weight<k = 4096, n = 1024, bits = 4, group_size = 128, symmetric = true, act_order = false, layout = gpu_tiled, scale_type = f16>) -> tensor<1x1024xf16>
  return %y : tensor<1x1024xf16>
}

// -----

// Act-order (and unaligned K) read activations through the permutation:
// the "gather" family; two matmuls of one family share the kernels.

// CHECK-LABEL: func.func @actorder8
// CHECK: qm.gpu_kernels = ["qm_dqgemm_b8_asym_gather_m16_w4_s3"
// CHECK: qm.gpu_kernels = ["qm_dqgemm_b8_asym_gather_m16_w4_s3"
// CHECK: gpu.module @qm_dqgemm
// CHECK-COUNT-8: gpu.func @qm_dqgemm_b8_asym_gather
// CHECK-NOT: gpu.func
func.func @actorder8(%x: tensor<4x1002xf16>,
    %w: !qweight.weight<k = 1002, n = 64, bits = 8, group_size = 64, symmetric = false, act_order = true, layout = gpu_tiled, scale_type = f16>,
    %v: !qweight.weight<k = 1002, n = 64, bits = 8, group_size = 64, symmetric = false, act_order = false, layout = gpu_tiled, scale_type = f16>) -> tensor<4x64xf16> {
  %y = qweight.matmul %x, %w : (tensor<4x1002xf16>, !qweight.weight<k = 1002, n = 64, bits = 8, group_size = 64, symmetric = false, act_order = true, layout = gpu_tiled, scale_type = f16>) -> tensor<4x64xf16>
  %z = qweight.matmul %x, %v : (tensor<4x1002xf16>, !qweight.weight<k = 1002, n = 64, bits = 8, group_size = 64, symmetric = false, act_order = false, layout = gpu_tiled, scale_type = f16>) -> tensor<4x64xf16>
  return %z : tensor<4x64xf16>
}

// -----

func.func @bits3(%x: tensor<1x256xf16>,
    %w: !qweight.weight<k = 256, n = 64, bits = 3, group_size = 128, symmetric = true, act_order = false, layout = k_packed, scale_type = f16>) -> tensor<1x64xf16> {
  // expected-error @+1 {{has no GPU kernel for 3-bit weights (4 or 8 supported)}}
  %y = qweight.matmul %x, %w : (tensor<1x256xf16>, !qweight.weight<k = 256, n = 64, bits = 3, group_size = 128, symmetric = true, act_order = false, layout = k_packed, scale_type = f16>) -> tensor<1x64xf16>
  return %y : tensor<1x64xf16>
}
