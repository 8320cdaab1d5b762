// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @cumsum
// CHECK: qgraph.cumsum %{{.*}}, %{{.*}} : (tensor<1x?xi64>, tensor<i64>) -> tensor<1x?xi64>
// CHECK: qgraph.cumsum %{{.*}}, %{{.*}} {exclusive = true, reverse = true} : (tensor<1x?xi64>, tensor<1xi32>) -> tensor<1x?xi64>
func.func @cumsum(%x: tensor<1x?xi64>, %a: tensor<i64>, %b: tensor<1xi32>) -> tensor<1x?xi64> {
  %0 = qgraph.cumsum %x, %a : (tensor<1x?xi64>, tensor<i64>) -> tensor<1x?xi64>
  %1 = qgraph.cumsum %0, %b {exclusive = true, reverse = true} : (tensor<1x?xi64>, tensor<1xi32>) -> tensor<1x?xi64>
  return %1 : tensor<1x?xi64>
}
