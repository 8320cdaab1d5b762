// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @trilu
// CHECK: qgraph.trilu %{{.*}}, %{{.*}} : (tensor<?x?xf32>, tensor<i64>) -> tensor<?x?xf32>
// CHECK: qgraph.trilu %{{.*}} {upper = false} : (tensor<?x?xf32>) -> tensor<?x?xf32>
func.func @trilu(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %k = arith.constant dense<1> : tensor<i64>
  %0 = qgraph.trilu %x, %k : (tensor<?x?xf32>, tensor<i64>) -> tensor<?x?xf32>
  %1 = qgraph.trilu %0 {upper = false} : (tensor<?x?xf32>) -> tensor<?x?xf32>
  return %1 : tensor<?x?xf32>
}
