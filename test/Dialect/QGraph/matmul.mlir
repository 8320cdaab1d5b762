// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @batched
// CHECK: qgraph.matmul %{{.*}}, %{{.*}} : (tensor<?x?x384xf32>, tensor<384x1152xf32>) -> tensor<?x?x1152xf32>
func.func @batched(%x: tensor<?x?x384xf32>, %w: tensor<384x1152xf32>) -> tensor<?x?x1152xf32> {
  %0 = qgraph.matmul %x, %w : (tensor<?x?x384xf32>, tensor<384x1152xf32>) -> tensor<?x?x1152xf32>
  return %0 : tensor<?x?x1152xf32>
}

// -----

// Leading dimensions broadcast.
// CHECK-LABEL: func.func @broadcast_batch
// CHECK: qgraph.matmul %{{.*}} : (tensor<2x1x4x8xf32>, tensor<1x3x8x5xf32>) -> tensor<2x3x4x5xf32>
func.func @broadcast_batch(%a: tensor<2x1x4x8xf32>, %b: tensor<1x3x8x5xf32>) -> tensor<2x3x4x5xf32> {
  %0 = qgraph.matmul %a, %b : (tensor<2x1x4x8xf32>, tensor<1x3x8x5xf32>) -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}

// -----

// Rank-1 operands: the added dimension disappears from the result.
// CHECK-LABEL: func.func @vectors
// CHECK: qgraph.matmul %{{.*}} : (tensor<8xf32>, tensor<8x5xf32>) -> tensor<5xf32>
// CHECK: qgraph.matmul %{{.*}} : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4xf32>
// CHECK: qgraph.matmul %{{.*}} : (tensor<8xf32>, tensor<8xf32>) -> tensor<f32>
func.func @vectors(%v: tensor<8xf32>, %m: tensor<8x5xf32>, %n: tensor<4x8xf32>) -> (tensor<5xf32>, tensor<4xf32>, tensor<f32>) {
  %0 = qgraph.matmul %v, %m : (tensor<8xf32>, tensor<8x5xf32>) -> tensor<5xf32>
  %1 = qgraph.matmul %n, %v : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4xf32>
  %2 = qgraph.matmul %v, %v : (tensor<8xf32>, tensor<8xf32>) -> tensor<f32>
  return %0, %1, %2 : tensor<5xf32>, tensor<4xf32>, tensor<f32>
}
