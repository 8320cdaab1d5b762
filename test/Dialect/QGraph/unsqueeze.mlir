// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @unsqueeze
// CHECK: qgraph.unsqueeze %{{.*}}, %{{.*}} : (tensor<?x?xi64>, tensor<2xi64>) -> tensor<?x1x?x1xi64>
// CHECK: qgraph.unsqueeze %{{.*}}, %{{.*}} : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
func.func @unsqueeze(%x: tensor<?x?xi64>, %s: tensor<i64>) -> (tensor<?x1x?x1xi64>, tensor<1xi64>) {
  %axes = arith.constant dense<[1, -1]> : tensor<2xi64>
  %zero = arith.constant dense<0> : tensor<1xi64>
  %0 = qgraph.unsqueeze %x, %axes : (tensor<?x?xi64>, tensor<2xi64>) -> tensor<?x1x?x1xi64>
  %1 = qgraph.unsqueeze %s, %zero : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  return %0, %1 : tensor<?x1x?x1xi64>, tensor<1xi64>
}
