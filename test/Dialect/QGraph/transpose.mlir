// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @transpose
// CHECK: qgraph.transpose %{{.*}} {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x32x64xf32>) -> tensor<1x32x?x64xf32>
// CHECK: qgraph.transpose %{{.*}} {perm = array<i64: 1, 0>} : (tensor<3x5xi1>) -> tensor<5x3xi1>
func.func @transpose(%x: tensor<1x?x32x64xf32>, %m: tensor<3x5xi1>) -> (tensor<1x32x?x64xf32>, tensor<5x3xi1>) {
  %0 = qgraph.transpose %x {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x32x64xf32>) -> tensor<1x32x?x64xf32>
  %1 = qgraph.transpose %m {perm = array<i64: 1, 0>} : (tensor<3x5xi1>) -> tensor<5x3xi1>
  return %0, %1 : tensor<1x32x?x64xf32>, tensor<5x3xi1>
}
