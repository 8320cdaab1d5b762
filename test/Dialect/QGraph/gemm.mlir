// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @gemm_bias
// CHECK: qgraph.gemm %{{.*}}, %{{.*}}, %{{.*}} {alpha = 5.000000e-01 : f32, beta = 2.000000e+00 : f32} : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<5xf32>) -> tensor<3x5xf32>
func.func @gemm_bias(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<5xf32>) -> tensor<3x5xf32> {
  %0 = qgraph.gemm %a, %b, %c {alpha = 0.5 : f32, beta = 2.0 : f32} : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// CHECK-LABEL: func.func @gemm_transposed
// CHECK: qgraph.gemm %{{.*}}, %{{.*}} {trans_a = true, trans_b = true} : (tensor<4x?xf32>, tensor<5x4xf32>) -> tensor<?x5xf32>
func.func @gemm_transposed(%a: tensor<4x?xf32>, %b: tensor<5x4xf32>) -> tensor<?x5xf32> {
  %0 = qgraph.gemm %a, %b {trans_a = true, trans_b = true} : (tensor<4x?xf32>, tensor<5x4xf32>) -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}
