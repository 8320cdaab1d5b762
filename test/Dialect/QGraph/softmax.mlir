// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @softmax
// CHECK: qgraph.softmax %{{.*}} : tensor<1x32x?x?xf32>
// CHECK: qgraph.softmax %{{.*}} {axis = 1 : si64} : tensor<1x32x?x?xf32>
// CHECK: qgraph.softmax %{{.*}} {axis = -4 : si64} : tensor<1x32x?x?xf32>
func.func @softmax(%x: tensor<1x32x?x?xf32>) -> tensor<1x32x?x?xf32> {
  %0 = qgraph.softmax %x : tensor<1x32x?x?xf32>
  %1 = qgraph.softmax %0 {axis = 1 : si64} : tensor<1x32x?x?xf32>
  %2 = qgraph.softmax %1 {axis = -4 : si64} : tensor<1x32x?x?xf32>
  return %2 : tensor<1x32x?x?xf32>
}
