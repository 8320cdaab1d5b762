// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @range
// CHECK: qgraph.range %{{.*}}, %{{.*}}, %{{.*}} : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
// CHECK: qgraph.range %{{.*}}, %{{.*}}, %{{.*}} : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<5xf32>
func.func @range(%n: tensor<i64>, %f: tensor<f32>) -> (tensor<?xi64>, tensor<5xf32>) {
  %zero = arith.constant dense<0> : tensor<i64>
  %one = arith.constant dense<1> : tensor<i64>
  %0 = qgraph.range %zero, %n, %one : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %1 = qgraph.range %f, %f, %f : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<5xf32>
  return %0, %1 : tensor<?xi64>, tensor<5xf32>
}
