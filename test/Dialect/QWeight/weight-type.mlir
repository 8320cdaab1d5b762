// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @types
// CHECK-SAME: !qweight.weight<k = 384, n = 1152, bits = 4, group_size = 128, symmetric = false, act_order = false, layout = unpacked, scale_type = f32>
// CHECK-SAME: !qweight.weight<k = 100, n = 8, bits = 3, group_size = -1, symmetric = true, act_order = true, layout = k_packed, scale_type = f16>
// CHECK-SAME: !qweight.weight<k = 64, n = 64, bits = 2, group_size = 64, symmetric = true, act_order = false, layout = gpu_tiled, scale_type = bf16>
// CHECK-SAME: !qweight.weight<k = 7, n = 3, bits = 8, group_size = 1, symmetric = false, act_order = false, layout = unpacked, scale_type = f32>
func.func @types(
    %a: !qweight.weight<k = 384, n = 1152, bits = 4, group_size = 128, symmetric = false, act_order = false, layout = unpacked, scale_type = f32>,
    %b: !qweight.weight<k = 100, n = 8, bits = 3, group_size = -1, symmetric = true, act_order = true, layout = k_packed, scale_type = f16>,
    %c: !qweight.weight<k = 64, n = 64, bits = 2, group_size = 64, symmetric = true, act_order = false, layout = gpu_tiled, scale_type = bf16>,
    %d: !qweight.weight<k = 7, n = 3, bits = 8, group_size = 1, symmetric = false, act_order = false, layout = unpacked, scale_type = f32>) {
  return
}
