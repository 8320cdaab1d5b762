// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @concat
// CHECK: qgraph.concat %{{.*}}, %{{.*}}, %{{.*}} {axis = 0 : si64} : (tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<4xi64>
// CHECK: qgraph.concat %{{.*}}, %{{.*}} {axis = -1 : si64} : (tensor<1x?x32xf32>, tensor<?x?x32xf32>) -> tensor<1x?x64xf32>
func.func @concat(%a: tensor<1xi64>, %b: tensor<2xi64>, %x: tensor<1x?x32xf32>, %y: tensor<?x?x32xf32>) -> (tensor<4xi64>, tensor<1x?x64xf32>) {
  %0 = qgraph.concat %a, %a, %b {axis = 0 : si64} : (tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<4xi64>
  %1 = qgraph.concat %x, %y {axis = -1 : si64} : (tensor<1x?x32xf32>, tensor<?x?x32xf32>) -> tensor<1x?x64xf32>
  return %0, %1 : tensor<4xi64>, tensor<1x?x64xf32>
}
