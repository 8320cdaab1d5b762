// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @where
// CHECK: qgraph.where %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x1x4x4xi1>, tensor<f32>, tensor<2x1x4x4xf32>) -> tensor<2x1x4x4xf32>
func.func @where(%c: tensor<1x1x4x4xi1>, %t: tensor<f32>, %f: tensor<2x1x4x4xf32>) -> tensor<2x1x4x4xf32> {
  %0 = qgraph.where %c, %t, %f : (tensor<1x1x4x4xi1>, tensor<f32>, tensor<2x1x4x4xf32>) -> tensor<2x1x4x4xf32>
  return %0 : tensor<2x1x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @where_dynamic
// CHECK: qgraph.where %{{.*}} : (tensor<?x4xi1>, tensor<?x4xi64>, tensor<1xi64>) -> tensor<?x4xi64>
func.func @where_dynamic(%c: tensor<?x4xi1>, %t: tensor<?x4xi64>, %f: tensor<1xi64>) -> tensor<?x4xi64> {
  %0 = qgraph.where %c, %t, %f : (tensor<?x4xi1>, tensor<?x4xi64>, tensor<1xi64>) -> tensor<?x4xi64>
  return %0 : tensor<?x4xi64>
}

// -----

// CHECK-LABEL: func.func @casts
// CHECK: qgraph.cast %{{.*}} : tensor<2x?xi64> to tensor<2x?xf32>
// CHECK: qgraph.cast %{{.*}} : tensor<2x?xf32> to tensor<2x?xf16>
// CHECK: qgraph.cast %{{.*}} : tensor<2x?xf16> to tensor<2x?xi1>
// CHECK: qgraph.cast %{{.*}} : tensor<2x?xi1> to tensor<2x3xi64>
func.func @casts(%x: tensor<2x?xi64>) -> tensor<2x3xi64> {
  %0 = qgraph.cast %x : tensor<2x?xi64> to tensor<2x?xf32>
  %1 = qgraph.cast %0 : tensor<2x?xf32> to tensor<2x?xf16>
  %2 = qgraph.cast %1 : tensor<2x?xf16> to tensor<2x?xi1>
  %3 = qgraph.cast %2 : tensor<2x?xi1> to tensor<2x3xi64>
  return %3 : tensor<2x3xi64>
}
