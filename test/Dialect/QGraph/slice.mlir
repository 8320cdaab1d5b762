// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @slice
// CHECK: qgraph.slice %{{.*}}, %{{.*}}, %{{.*}} axes %{{.*}} steps %{{.*}} : (tensor<1x?x64xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x?x32xf32>
// CHECK: qgraph.slice %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x?x32xf32>, tensor<1xi32>, tensor<1xi32>) -> tensor<1x?x32xf32>
// CHECK: qgraph.slice %{{.*}}, %{{.*}}, %{{.*}} axes %{{.*}} : (tensor<1x?x32xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x?x?xf32>
func.func @slice(%x: tensor<1x?x64xf32>, %s32: tensor<1xi32>) -> tensor<1x?x?xf32> {
  %start = arith.constant dense<32> : tensor<1xi64>
  %end = arith.constant dense<9223372036854775807> : tensor<1xi64>
  %axis = arith.constant dense<-1> : tensor<1xi64>
  %step = arith.constant dense<1> : tensor<1xi64>
  %0 = qgraph.slice %x, %start, %end axes %axis steps %step : (tensor<1x?x64xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x?x32xf32>
  %1 = qgraph.slice %0, %s32, %s32 : (tensor<1x?x32xf32>, tensor<1xi32>, tensor<1xi32>) -> tensor<1x?x32xf32>
  %2 = qgraph.slice %1, %start, %end axes %axis : (tensor<1x?x32xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x?x?xf32>
  return %2 : tensor<1x?x?xf32>
}
