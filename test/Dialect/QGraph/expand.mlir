// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @expand
// CHECK: qgraph.expand %{{.*}}, %{{.*}} : (tensor<1x1x?x?xi1>, tensor<4xi64>) -> tensor<?x1x?x?xi1>
// CHECK: qgraph.expand %{{.*}}, %{{.*}} : (tensor<3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
func.func @expand(%m: tensor<1x1x?x?xi1>, %s: tensor<4xi64>, %v: tensor<3xf32>) -> (tensor<?x1x?x?xi1>, tensor<2x3xf32>) {
  %0 = qgraph.expand %m, %s : (tensor<1x1x?x?xi1>, tensor<4xi64>) -> tensor<?x1x?x?xi1>
  %shape = arith.constant dense<[2, 1]> : tensor<2xi64>
  %1 = qgraph.expand %v, %shape : (tensor<3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %0, %1 : tensor<?x1x?x?xi1>, tensor<2x3xf32>
}
