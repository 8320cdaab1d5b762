// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @constant_of_shape
// CHECK: qgraph.constant_of_shape %{{.*}}, dense<1> : tensor<1xi64> : (tensor<2xi64>) -> tensor<?x?xi64>
// CHECK: qgraph.constant_of_shape %{{.*}}, dense<0xFF800000> : tensor<1xf32> : (tensor<2xi64>) -> tensor<?x?xf32>
func.func @constant_of_shape(%s: tensor<2xi64>) -> (tensor<?x?xi64>, tensor<?x?xf32>) {
  %0 = qgraph.constant_of_shape %s, dense<1> : tensor<1xi64> : (tensor<2xi64>) -> tensor<?x?xi64>
  %1 = qgraph.constant_of_shape %s, dense<0xFF800000> : tensor<1xf32> : (tensor<2xi64>) -> tensor<?x?xf32>
  return %0, %1 : tensor<?x?xi64>, tensor<?x?xf32>
}
