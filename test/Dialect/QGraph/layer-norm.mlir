// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @layer_norm
// CHECK: qgraph.layer_norm %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 1.000000e-03 : f32} : (tensor<1x?x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x?x64xf32>
// CHECK: qgraph.layer_norm %{{.*}}, %{{.*}} {axis = 1 : si64} : (tensor<1x?x64xf32>, tensor<1x64xf32>) -> tensor<1x?x64xf32>
func.func @layer_norm(%x: tensor<1x?x64xf32>, %s: tensor<64xf32>, %b: tensor<64xf32>, %s2: tensor<1x64xf32>) -> tensor<1x?x64xf32> {
  %0 = qgraph.layer_norm %x, %s, %b {epsilon = 1.0e-3 : f32} : (tensor<1x?x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x?x64xf32>
  %1 = qgraph.layer_norm %0, %s2 {axis = 1 : si64} : (tensor<1x?x64xf32>, tensor<1x64xf32>) -> tensor<1x?x64xf32>
  return %1 : tensor<1x?x64xf32>
}
