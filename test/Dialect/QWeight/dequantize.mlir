// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @dequantize
// CHECK: qweight.dequantize %{{.*}} : <k = 64, n = 8, bits = 4, group_size = 32, {{.*}}> -> tensor<64x8xf32>
// CHECK: qweight.dequantize %{{.*}} : <k = 64, n = 8, bits = 4, group_size = 32, {{.*}}> -> tensor<64x8xf16>
func.func @dequantize(%w: !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>) -> (tensor<64x8xf32>, tensor<64x8xf16>) {
  %0 = qweight.dequantize %w : !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32> -> tensor<64x8xf32>
  %1 = qweight.dequantize %w : !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32> -> tensor<64x8xf16>
  return %0, %1 : tensor<64x8xf32>, tensor<64x8xf16>
}
