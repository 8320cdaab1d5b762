// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @split
// CHECK: %{{.*}}:2 = qgraph.split %{{.*}}, %{{.*}} {axis = -1 : si64} : (tensor<1x?x64xf32>, tensor<2xi64>) -> (tensor<1x?x32xf32>, tensor<1x?x32xf32>)
// CHECK: %{{.*}}:3 = qgraph.split %{{.*}} {axis = 0 : si64} : (tensor<7xi64>) -> (tensor<3xi64>, tensor<3xi64>, tensor<1xi64>)
func.func @split(%x: tensor<1x?x64xf32>, %v: tensor<7xi64>) -> (tensor<1x?x32xf32>, tensor<1xi64>) {
  %sizes = arith.constant dense<32> : tensor<2xi64>
  %0:2 = qgraph.split %x, %sizes {axis = -1 : si64} : (tensor<1x?x64xf32>, tensor<2xi64>) -> (tensor<1x?x32xf32>, tensor<1x?x32xf32>)
  %1:3 = qgraph.split %v {axis = 0 : si64} : (tensor<7xi64>) -> (tensor<3xi64>, tensor<3xi64>, tensor<1xi64>)
  return %0#1, %1#2 : tensor<1x?x32xf32>, tensor<1xi64>
}
