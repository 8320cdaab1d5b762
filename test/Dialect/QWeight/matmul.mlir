// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @matmul
// CHECK: qweight.matmul %{{.*}}, %{{.*}} : (tensor<1x?x64xf32>, !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>) -> tensor<1x?x8xf32>
// CHECK: qweight.matmul %{{.*}}, %{{.*}} : (tensor<64xf16>, !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>) -> tensor<8xf16>
func.func @matmul(%x: tensor<1x?x64xf32>, %v: tensor<64xf16>, %w: !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>) -> (tensor<1x?x8xf32>, tensor<8xf16>) {
  %0 = qweight.matmul %x, %w : (tensor<1x?x64xf32>, !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>) -> tensor<1x?x8xf32>
  %1 = qweight.matmul %v, %w : (tensor<64xf16>, !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>) -> tensor<8xf16>
  return %0, %1 : tensor<1x?x8xf32>, tensor<8xf16>
}
