// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @asymmetric
// CHECK: qweight.assemble %{{.*}}, %{{.*}} zeros %{{.*}} : (tensor<1152x384xui8>, tensor<1152x3xf32>, tensor<1152x3xui8>) -> !qweight.weight<k = 384, n = 1152, bits = 4, group_size = 128, symmetric = false, act_order = false, layout = unpacked, scale_type = f32>
func.func @asymmetric(%q: tensor<1152x384xui8>, %s: tensor<1152x3xf32>, %z: tensor<1152x3xui8>) -> !qweight.weight<k = 384, n = 1152, bits = 4, group_size = 128, symmetric = false, act_order = false, layout = unpacked, scale_type = f32> {
  %w = qweight.assemble %q, %s zeros %z : (tensor<1152x384xui8>, tensor<1152x3xf32>, tensor<1152x3xui8>) -> !qweight.weight<k = 384, n = 1152, bits = 4, group_size = 128, symmetric = false, act_order = false, layout = unpacked, scale_type = f32>
  return %w : !qweight.weight<k = 384, n = 1152, bits = 4, group_size = 128, symmetric = false, act_order = false, layout = unpacked, scale_type = f32>
}

// -----

// CHECK-LABEL: func.func @k_packed_act_order
// CHECK: qweight.assemble %{{.*}}, %{{.*}} g_idx %{{.*}} : (tensor<8x10xi32>, tensor<8x1xf16>, tensor<100xi32>) -> !qweight.weight<k = 100, n = 8, bits = 3, group_size = -1, symmetric = true, act_order = true, layout = k_packed, scale_type = f16>
func.func @k_packed_act_order(%q: tensor<8x10xi32>, %s: tensor<8x1xf16>, %g: tensor<100xi32>) -> !qweight.weight<k = 100, n = 8, bits = 3, group_size = -1, symmetric = true, act_order = true, layout = k_packed, scale_type = f16> {
  %w = qweight.assemble %q, %s g_idx %g : (tensor<8x10xi32>, tensor<8x1xf16>, tensor<100xi32>) -> !qweight.weight<k = 100, n = 8, bits = 3, group_size = -1, symmetric = true, act_order = true, layout = k_packed, scale_type = f16>
  return %w : !qweight.weight<k = 100, n = 8, bits = 3, group_size = -1, symmetric = true, act_order = true, layout = k_packed, scale_type = f16>
}

// -----

// CHECK-LABEL: func.func @gpu_tiled
// CHECK: qweight.assemble %{{.*}}, %{{.*}} : (tensor<512xi32>, tensor<64x1xbf16>) -> !qweight.weight<k = 64, n = 64, bits = 4, group_size = 64, symmetric = true, act_order = false, layout = gpu_tiled, scale_type = bf16>
func.func @gpu_tiled(%q: tensor<512xi32>, %s: tensor<64x1xbf16>) -> !qweight.weight<k = 64, n = 64, bits = 4, group_size = 64, symmetric = true, act_order = false, layout = gpu_tiled, scale_type = bf16> {
  %w = qweight.assemble %q, %s : (tensor<512xi32>, tensor<64x1xbf16>) -> !qweight.weight<k = 64, n = 64, bits = 4, group_size = 64, symmetric = true, act_order = false, layout = gpu_tiled, scale_type = bf16>
  return %w : !qweight.weight<k = 64, n = 64, bits = 4, group_size = 64, symmetric = true, act_order = false, layout = gpu_tiled, scale_type = bf16>
}
