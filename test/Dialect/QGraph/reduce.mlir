// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @reductions
// CHECK: %[[AX:.*]] = arith.constant dense<-1> : tensor<1xi64>
// CHECK: qgraph.reduce_mean %{{.*}}, %[[AX]] : (tensor<1x?x64xf32>, tensor<1xi64>) -> tensor<1x?x1xf32>
// CHECK: qgraph.reduce_sum %{{.*}}, %[[AX]] {keepdims = false} : (tensor<1x?x64xf32>, tensor<1xi64>) -> tensor<1x?xf32>
// CHECK: qgraph.reduce_max %{{.*}} {keepdims = false} : (tensor<1x?x64xf32>) -> tensor<f32>
// CHECK: qgraph.reduce_sum %{{.*}} {noop_with_empty_axes = true} : (tensor<1x?x64xf32>) -> tensor<1x?x64xf32>
func.func @reductions(%x: tensor<1x?x64xf32>) -> (tensor<1x?x1xf32>, tensor<1x?xf32>, tensor<f32>, tensor<1x?x64xf32>) {
  %ax = arith.constant dense<-1> : tensor<1xi64>
  %0 = qgraph.reduce_mean %x, %ax : (tensor<1x?x64xf32>, tensor<1xi64>) -> tensor<1x?x1xf32>
  %1 = qgraph.reduce_sum %x, %ax {keepdims = false} : (tensor<1x?x64xf32>, tensor<1xi64>) -> tensor<1x?xf32>
  %2 = qgraph.reduce_max %x {keepdims = false} : (tensor<1x?x64xf32>) -> tensor<f32>
  %3 = qgraph.reduce_sum %x {noop_with_empty_axes = true} : (tensor<1x?x64xf32>) -> tensor<1x?x64xf32>
  return %0, %1, %2, %3 : tensor<1x?x1xf32>, tensor<1x?xf32>, tensor<f32>, tensor<1x?x64xf32>
}

// -----

// Axes that are not constants leave the result rank unchecked.
// CHECK-LABEL: func.func @dynamic_axes
// CHECK: qgraph.reduce_sum %{{.*}}, %{{.*}} : (tensor<4x5xi64>, tensor<?xi64>) -> tensor<?x?xi64>
func.func @dynamic_axes(%x: tensor<4x5xi64>, %axes: tensor<?xi64>) -> tensor<?x?xi64> {
  %0 = qgraph.reduce_sum %x, %axes : (tensor<4x5xi64>, tensor<?xi64>) -> tensor<?x?xi64>
  return %0 : tensor<?x?xi64>
}
