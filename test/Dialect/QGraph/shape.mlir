// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @shape
// CHECK: qgraph.shape %{{.*}} : (tensor<?x?x64xf32>) -> tensor<3xi64>
// CHECK: qgraph.shape %{{.*}} {start = 1 : si64} : (tensor<?x?x64xf32>) -> tensor<2xi64>
// CHECK: qgraph.shape %{{.*}} {end = -1 : si64, start = -2 : si64} : (tensor<?x?x64xf32>) -> tensor<1xi64>
// CHECK: qgraph.shape %{{.*}} {end = 1 : si64, start = 2 : si64} : (tensor<?x?x64xf32>) -> tensor<0xi64>
func.func @shape(%x: tensor<?x?x64xf32>) -> (tensor<3xi64>, tensor<2xi64>, tensor<1xi64>, tensor<0xi64>) {
  %0 = qgraph.shape %x : (tensor<?x?x64xf32>) -> tensor<3xi64>
  %1 = qgraph.shape %x {start = 1 : si64} : (tensor<?x?x64xf32>) -> tensor<2xi64>
  %2 = qgraph.shape %x {start = -2 : si64, end = -1 : si64} : (tensor<?x?x64xf32>) -> tensor<1xi64>
  %3 = qgraph.shape %x {start = 2 : si64, end = 1 : si64} : (tensor<?x?x64xf32>) -> tensor<0xi64>
  return %0, %1, %2, %3 : tensor<3xi64>, tensor<2xi64>, tensor<1xi64>, tensor<0xi64>
}
