// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @gather
// CHECK: qgraph.gather %{{.*}}, %{{.*}} : (tensor<32000x2048xf32>, tensor<1x?xi64>) -> tensor<1x?x2048xf32>
// CHECK: qgraph.gather %{{.*}}, %{{.*}} {axis = 1 : si64} : (tensor<1x?x2048xf32>, tensor<i32>) -> tensor<1x2048xf32>
func.func @gather(%table: tensor<32000x2048xf32>, %ids: tensor<1x?xi64>, %i: tensor<i32>) -> tensor<1x2048xf32> {
  %0 = qgraph.gather %table, %ids : (tensor<32000x2048xf32>, tensor<1x?xi64>) -> tensor<1x?x2048xf32>
  %1 = qgraph.gather %0, %i {axis = 1 : si64} : (tensor<1x?x2048xf32>, tensor<i32>) -> tensor<1x2048xf32>
  return %1 : tensor<1x2048xf32>
}
