// RUN: quant-opt %s -qm-linalg-to-microkernels -split-input-file | FileCheck %s

// A row-major f32 matmul becomes one qmrt_sgemm call with M, N, K and the
// leading strides; the dead fill of C goes away.
// CHECK: func.func private @qmrt_sgemm(i64, i64, i64, !llvm.ptr, i64, !llvm.ptr, i64, !llvm.ptr, i64)
// CHECK-LABEL: func.func @matmul
// CHECK-NOT: linalg.fill
// CHECK: memref.extract_strided_metadata %arg0
// CHECK: %[[M:.*]] = arith.index_cast %sizes#0 : index to i64
// CHECK: %[[K:.*]] = arith.index_cast %sizes#1 : index to i64
// CHECK: %[[LDA:.*]] = arith.index_cast %strides#0 : index to i64
// CHECK: memref.extract_strided_metadata %arg1
// CHECK: %[[N:.*]] = arith.index_cast %sizes_2#1 : index to i64
// CHECK: call @qmrt_sgemm(%[[M]], %[[N]], %[[K]], %{{.*}}, %[[LDA]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}})
// CHECK-NOT: linalg.matmul
func.func @matmul(%a: memref<6x8xf32>, %b: memref<8x5xf32>, %c: memref<6x5xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<6x5xf32>)
  linalg.matmul ins(%a, %b : memref<6x8xf32>, memref<8x5xf32>) outs(%c : memref<6x5xf32>)
  return
}

// -----

// A batch matmul loops over the batch, offsetting each pointer by its
// batch stride.
// CHECK-LABEL: func.func @batch
// CHECK: %[[DIM:.*]] = memref.dim %arg2
// CHECK: scf.for %[[IV:.*]] = %c0 to %[[DIM]] step %c1
// CHECK: %[[I:.*]] = arith.index_cast %[[IV]] : index to i64
// CHECK: arith.muli %[[I]]
// CHECK: llvm.getelementptr
// CHECK: call @qmrt_sgemm
func.func @batch(%a: memref<3x4x8xf32>, %b: memref<3x8x5xf32>, %c: memref<3x4x5xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<3x4x8xf32>, memref<3x8x5xf32>) outs(%c : memref<3x4x5xf32>)
  return
}

// -----

// Not replaced: integer matmuls, non-unit inner strides, tensors.
// CHECK-LABEL: func.func @kept
// CHECK-NOT: qmrt_sgemm
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : memref<4x4xi32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : memref<4x4xf32, strided<[1, 4]>>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x4xf32>
func.func @kept(%a: memref<4x4xi32>, %c: memref<4x4xi32>, %t: memref<4x4xf32, strided<[1, 4]>>,
                %f: memref<4x4xf32>, %x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  linalg.matmul ins(%a, %a : memref<4x4xi32>, memref<4x4xi32>) outs(%c : memref<4x4xi32>)
  linalg.matmul ins(%t, %f : memref<4x4xf32, strided<[1, 4]>>, memref<4x4xf32>) outs(%f : memref<4x4xf32>)
  %0 = linalg.matmul ins(%x, %x : tensor<4x4xf32>, tensor<4x4xf32>) outs(%x : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}
