// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @rms_norm
// CHECK: qgraph.rms_norm %{{.*}}, %{{.*}} : (tensor<1x?x64xf32>, tensor<64xf32>) -> tensor<1x?x64xf32>
// CHECK: qgraph.rms_norm %{{.*}}, %{{.*}} {axis = -2 : si64, epsilon = 9.99999997E-7 : f32} : (tensor<1x?x64xf32>, tensor<1x64xf32>) -> tensor<1x?x64xf32>
func.func @rms_norm(%x: tensor<1x?x64xf32>, %s: tensor<64xf32>, %s2: tensor<1x64xf32>) -> tensor<1x?x64xf32> {
  %0 = qgraph.rms_norm %x, %s : (tensor<1x?x64xf32>, tensor<64xf32>) -> tensor<1x?x64xf32>
  %1 = qgraph.rms_norm %0, %s2 {axis = -2 : si64, epsilon = 1.0e-6 : f32} : (tensor<1x?x64xf32>, tensor<1x64xf32>) -> tensor<1x?x64xf32>
  return %1 : tensor<1x?x64xf32>
}
