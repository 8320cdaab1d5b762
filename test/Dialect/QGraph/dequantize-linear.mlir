// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @per_tensor
// CHECK: qgraph.dequantize_linear %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4x8xi8>, tensor<f32>, tensor<i8>) -> tensor<4x8xf32>
func.func @per_tensor(%q: tensor<4x8xi8>, %s: tensor<f32>, %z: tensor<i8>) -> tensor<4x8xf32> {
  %0 = qgraph.dequantize_linear %q, %s, %z : (tensor<4x8xi8>, tensor<f32>, tensor<i8>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func.func @per_axis
// CHECK: qgraph.dequantize_linear %{{.*}}, %{{.*}} {axis = 0 : si64} : (tensor<4x8xui8>, tensor<4xf16>) -> tensor<4x8xf16>
func.func @per_axis(%q: tensor<4x8xui8>, %s: tensor<4xf16>) -> tensor<4x8xf16> {
  %0 = qgraph.dequantize_linear %q, %s {axis = 0 : si64} : (tensor<4x8xui8>, tensor<4xf16>) -> tensor<4x8xf16>
  return %0 : tensor<4x8xf16>
}

// -----

// CHECK-LABEL: func.func @blocked
// CHECK: qgraph.dequantize_linear %{{.*}}, %{{.*}}, %{{.*}} {block_size = 32 : i64} : (tensor<8x96xi4>, tensor<8x3xf32>, tensor<8x3xi4>) -> tensor<8x96xf32>
func.func @blocked(%q: tensor<8x96xi4>, %s: tensor<8x3xf32>, %z: tensor<8x3xi4>) -> tensor<8x96xf32> {
  %0 = qgraph.dequantize_linear %q, %s, %z {block_size = 32 : i64} : (tensor<8x96xi4>, tensor<8x3xf32>, tensor<8x3xi4>) -> tensor<8x96xf32>
  return %0 : tensor<8x96xf32>
}
