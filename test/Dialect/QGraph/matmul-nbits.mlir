// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @matmul_nbits
// CHECK: qgraph.matmul_nbits %{{.*}}, %{{.*}}, %{{.*}} {K = 256 : i64, N = 64 : i64, block_size = 128 : i64} : (tensor<1x?x256xf32>, tensor<64x2x64xui8>, tensor<128xf32>) -> tensor<1x?x64xf32>
func.func @matmul_nbits(%a: tensor<1x?x256xf32>, %b: tensor<64x2x64xui8>, %s: tensor<128xf32>) -> tensor<1x?x64xf32> {
  %0 = qgraph.matmul_nbits %a, %b, %s {K = 256 : i64, N = 64 : i64, block_size = 128 : i64} : (tensor<1x?x256xf32>, tensor<64x2x64xui8>, tensor<128xf32>) -> tensor<1x?x64xf32>
  return %0 : tensor<1x?x64xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_nbits_all_operands
// CHECK: qgraph.matmul_nbits %{{.*}}, %{{.*}}, %{{.*}} zero_points %{{.*}} g_idx %{{.*}} bias %{{.*}} {K = 100 : i64, N = 8 : i64, bits = 8 : i64, block_size = 32 : i64} : (tensor<3x100xf32>, tensor<8x4x32xui8>, tensor<8x4xf32>, tensor<8x4xui8>, tensor<100xi32>, tensor<8xf32>) -> tensor<3x8xf32>
func.func @matmul_nbits_all_operands(%a: tensor<3x100xf32>, %b: tensor<8x4x32xui8>, %s: tensor<8x4xf32>, %z: tensor<8x4xui8>, %g: tensor<100xi32>, %bias: tensor<8xf32>) -> tensor<3x8xf32> {
  %0 = qgraph.matmul_nbits %a, %b, %s zero_points %z g_idx %g bias %bias {K = 100 : i64, N = 8 : i64, bits = 8 : i64, block_size = 32 : i64} : (tensor<3x100xf32>, tensor<8x4x32xui8>, tensor<8x4xf32>, tensor<8x4xui8>, tensor<100xi32>, tensor<8xf32>) -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}
