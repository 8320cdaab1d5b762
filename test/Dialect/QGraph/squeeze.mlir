// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @squeeze
// CHECK: qgraph.squeeze %{{.*}}, %{{.*}} : (tensor<1x?x1xf32>, tensor<1xi64>) -> tensor<?x1xf32>
// CHECK: qgraph.squeeze %{{.*}} : (tensor<?x1xf32>) -> tensor<?xf32>
func.func @squeeze(%x: tensor<1x?x1xf32>) -> tensor<?xf32> {
  %axes = arith.constant dense<0> : tensor<1xi64>
  %0 = qgraph.squeeze %x, %axes : (tensor<1x?x1xf32>, tensor<1xi64>) -> tensor<?x1xf32>
  %1 = qgraph.squeeze %0 : (tensor<?x1xf32>) -> tensor<?xf32>
  return %1 : tensor<?xf32>
}

// -----

// CHECK-LABEL: func.func @squeeze_to_scalar
// CHECK: qgraph.squeeze %{{.*}}, %{{.*}} : (tensor<1xi64>, tensor<1xi64>) -> tensor<i64>
func.func @squeeze_to_scalar(%x: tensor<1xi64>) -> tensor<i64> {
  %axes = arith.constant dense<-1> : tensor<1xi64>
  %0 = qgraph.squeeze %x, %axes : (tensor<1xi64>, tensor<1xi64>) -> tensor<i64>
  return %0 : tensor<i64>
}
