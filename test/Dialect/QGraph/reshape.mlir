// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @reshape
// CHECK: qgraph.reshape %{{.*}}, %{{.*}} : (tensor<1x?x2048xf32>, tensor<4xi64>) -> tensor<1x?x32x64xf32>
// CHECK: qgraph.reshape %{{.*}}, %{{.*}} {allowzero = true} : (tensor<1x?x32x64xf32>, tensor<?xi64>) -> tensor<?x?xf32>
func.func @reshape(%x: tensor<1x?x2048xf32>, %s: tensor<?xi64>) -> tensor<?x?xf32> {
  %shape = arith.constant dense<[1, -1, 32, 64]> : tensor<4xi64>
  %0 = qgraph.reshape %x, %shape : (tensor<1x?x2048xf32>, tensor<4xi64>) -> tensor<1x?x32x64xf32>
  %1 = qgraph.reshape %0, %s {allowzero = true} : (tensor<1x?x32x64xf32>, tensor<?xi64>) -> tensor<?x?xf32>
  return %1 : tensor<?x?xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_copy_zero
// CHECK: qgraph.reshape %{{.*}}, %{{.*}} : (tensor<2x3x4xi64>, tensor<2xi64>) -> tensor<2x12xi64>
func.func @reshape_copy_zero(%x: tensor<2x3x4xi64>) -> tensor<2x12xi64> {
  %shape = arith.constant dense<[0, -1]> : tensor<2xi64>
  %0 = qgraph.reshape %x, %shape : (tensor<2x3x4xi64>, tensor<2xi64>) -> tensor<2x12xi64>
  return %0 : tensor<2x12xi64>
}
