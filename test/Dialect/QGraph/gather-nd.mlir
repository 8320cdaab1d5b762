// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @gather_nd
// CHECK: qgraph.gather_nd %{{.*}}, %{{.*}} : (tensor<4x5x6xf32>, tensor<3x2xi64>) -> tensor<3x6xf32>
// CHECK: qgraph.gather_nd %{{.*}}, %{{.*}} {batch_dims = 1 : si64} : (tensor<4x5x6xf32>, tensor<4x1xi64>) -> tensor<4x6xf32>
func.func @gather_nd(%x: tensor<4x5x6xf32>, %i: tensor<3x2xi64>, %j: tensor<4x1xi64>) -> (tensor<3x6xf32>, tensor<4x6xf32>) {
  %0 = qgraph.gather_nd %x, %i : (tensor<4x5x6xf32>, tensor<3x2xi64>) -> tensor<3x6xf32>
  %1 = qgraph.gather_nd %x, %j {batch_dims = 1 : si64} : (tensor<4x5x6xf32>, tensor<4x1xi64>) -> tensor<4x6xf32>
  return %0, %1 : tensor<3x6xf32>, tensor<4x6xf32>
}
