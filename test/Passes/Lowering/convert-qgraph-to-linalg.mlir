// RUN: quant-opt %s -convert-qgraph-to-linalg -split-input-file -verify-diagnostics | FileCheck %s

// Expand broadcasts the size-1 dimension (it reads index 0); Add broadcasts
// the rank-1 operand along the trailing dimension.
// CHECK-DAG: #[[$BC:.*]] = affine_map<(d0, d1, d2) -> (d0, 0, d2)>
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$RHS:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK: linalg.generic {indexing_maps = [#[[$BC]], #[[$ID]]]
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$RHS]], #[[$ID]]]
// CHECK: arith.addf
// CHECK-NOT: qgraph.
func.func @add_broadcast(%a: tensor<2x1x4xf32>, %b: tensor<4xf32>) -> tensor<2x3x4xf32> {
  %e = arith.constant dense<[2, 3, 4]> : tensor<3xi64>
  %x = qgraph.expand %a, %e : (tensor<2x1x4xf32>, tensor<3xi64>) -> tensor<2x3x4xf32>
  %0 = qgraph.add %x, %b : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// Integer division truncates (divsi); comparisons are signed.
// CHECK-LABEL: func.func @int_ops
// CHECK: arith.divsi
// CHECK: arith.cmpi sle
// CHECK: arith.xori
func.func @int_ops(%a: tensor<4xi64>, %b: tensor<4xi64>) -> tensor<4xi1> {
  %0 = qgraph.div %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %1 = qgraph.less_or_equal %0, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %2 = qgraph.not %1 : tensor<4xi1>
  return %2 : tensor<4xi1>
}

// -----

// Gather normalizes negative indices (idx < 0 ? idx + dim : idx) and clamps.
// CHECK-LABEL: func.func @gather
// CHECK: linalg.generic
// CHECK: %[[NEG:.*]] = arith.cmpi slt
// CHECK: %[[ADD:.*]] = arith.addi
// CHECK: arith.select %[[NEG]], %[[ADD]]
// CHECK: arith.index_cast
// CHECK: tensor.extract %{{.*}}[%{{.*}}, %{{.*}}] : tensor<10x4xf32>
func.func @gather(%t: tensor<10x4xf32>, %i: tensor<2x3xi64>) -> tensor<2x3x4xf32> {
  %0 = qgraph.gather %t, %i {axis = 0 : si64} : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// Slice clamps starts and ends: start -3 on a size-8 axis is 5; end 100 is 8.
// CHECK-LABEL: func.func @slice
// CHECK: tensor.extract_slice %{{.*}}[0, 5] [2, 3] [1, 1] : tensor<2x8xf32> to tensor<2x3xf32>
func.func @slice(%x: tensor<2x8xf32>) -> tensor<2x3xf32> {
  %s = arith.constant dense<[-3]> : tensor<1xi64>
  %e = arith.constant dense<[100]> : tensor<1xi64>
  %a = arith.constant dense<[1]> : tensor<1xi64>
  %0 = qgraph.slice %x, %s, %e axes %a : (tensor<2x8xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Strided slice.
// CHECK-LABEL: func.func @slice_step
// CHECK: tensor.extract_slice %{{.*}}[1] [4] [2] : tensor<9xf32> to tensor<4xf32>
func.func @slice_step(%x: tensor<9xf32>) -> tensor<4xf32> {
  %s = arith.constant dense<[1]> : tensor<1xi64>
  %e = arith.constant dense<[9]> : tensor<1xi64>
  %a = arith.constant dense<[0]> : tensor<1xi64>
  %st = arith.constant dense<[2]> : tensor<1xi64>
  %0 = qgraph.slice %x, %s, %e axes %a steps %st : (tensor<9xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A matmul with a 2-D weight flattens the leading dims into one linalg.matmul.
// CHECK-LABEL: func.func @matmul_weight
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1, 2]] : tensor<2x3x8xf32> into tensor<48xf32>
// CHECK: linalg.fill
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<6x8xf32>, tensor<8x5xf32>) outs(%{{.*}} : tensor<6x5xf32>)
// CHECK: tensor.expand_shape {{.*}} into tensor<2x3x5xf32>
func.func @matmul_weight(%x: tensor<2x3x8xf32>, %w: tensor<8x5xf32>) -> tensor<2x3x5xf32> {
  %0 = qgraph.matmul %x, %w : (tensor<2x3x8xf32>, tensor<8x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

// Batched matmul with broadcast batch dims materializes the broadcast.
// CHECK-LABEL: func.func @matmul_batched
// CHECK: linalg.generic
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<6x4x8xf32>, tensor<6x8x5xf32>)
func.func @matmul_batched(%x: tensor<2x3x4x8xf32>, %w: tensor<1x3x8x5xf32>) -> tensor<2x3x4x5xf32> {
  %0 = qgraph.matmul %x, %w : (tensor<2x3x4x8xf32>, tensor<1x3x8x5xf32>) -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}

// -----

// Softmax: max, exp(x - max), sum, divide.
// CHECK-LABEL: func.func @softmax
// CHECK: arith.maximumf
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: arith.divf
func.func @softmax(%x: tensor<2x7xf32>) -> tensor<2x7xf32> {
  %0 = qgraph.softmax %x {axis = -1 : si64} : tensor<2x7xf32>
  return %0 : tensor<2x7xf32>
}

// -----

// ReduceMean with keepdims: sum reduction, division by the count, reshape.
// CHECK-LABEL: func.func @reduce_mean
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: %[[C:.*]] = arith.constant 6.000000e+00 : f32
// CHECK: arith.divf %{{.*}}, %[[C]]
// CHECK: tensor.expand_shape {{.*}} into tensor<3x1xf32>
func.func @reduce_mean(%x: tensor<3x6xf32>) -> tensor<3x1xf32> {
  %ax = arith.constant dense<[1]> : tensor<1xi64>
  %0 = qgraph.reduce_mean %x, %ax : (tensor<3x6xf32>, tensor<1xi64>) -> tensor<3x1xf32>
  return %0 : tensor<3x1xf32>
}

// -----

// CumSum: a reduction over j with j <= i selected.
// CHECK-LABEL: func.func @cumsum
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.cmpi ule
// CHECK: arith.select
// CHECK: arith.addi
func.func @cumsum(%x: tensor<2x5xi64>) -> tensor<2x5xi64> {
  %ax = arith.constant dense<1> : tensor<i64>
  %0 = qgraph.cumsum %x, %ax : (tensor<2x5xi64>, tensor<i64>) -> tensor<2x5xi64>
  return %0 : tensor<2x5xi64>
}

// -----

// Shape of a static tensor is a constant; Range is start + i * delta.
// CHECK-LABEL: func.func @shape_range
// CHECK: arith.constant dense<[5, 7]> : tensor<2xi64>
// CHECK: linalg.index 0
// CHECK: arith.muli
// CHECK: arith.addi
func.func @shape_range(%x: tensor<5x7xf32>, %s: tensor<i64>, %l: tensor<i64>, %d: tensor<i64>) -> (tensor<2xi64>, tensor<4xi64>) {
  %0 = qgraph.shape %x : (tensor<5x7xf32>) -> tensor<2xi64>
  %1 = qgraph.range %s, %l, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<4xi64>
  return %0, %1 : tensor<2xi64>, tensor<4xi64>
}

// -----

// Concat inserts each input at its offset; Transpose is linalg.transpose.
// CHECK-LABEL: func.func @concat_transpose
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0] [2, 3] [1, 1]
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 3] [2, 4] [1, 1]
// CHECK: linalg.transpose ins(%{{.*}} : tensor<2x7xf32>) outs(%{{.*}} : tensor<7x2xf32>) permutation = [1, 0]
func.func @concat_transpose(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) -> tensor<7x2xf32> {
  %0 = qgraph.concat %a, %b {axis = -1 : si64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<2x7xf32>
  %1 = qgraph.transpose %0 {perm = array<i64: 1, 0>} : (tensor<2x7xf32>) -> tensor<7x2xf32>
  return %1 : tensor<7x2xf32>
}

// -----

// GatherND with r = 2 reads two index components.
// CHECK-LABEL: func.func @gather_nd
// CHECK: linalg.generic
// CHECK-COUNT-3: tensor.extract
func.func @gather_nd(%x: tensor<4x5xi64>, %i: tensor<3x2xi64>) -> tensor<3xi64> {
  %0 = qgraph.gather_nd %x, %i : (tensor<4x5xi64>, tensor<3x2xi64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

// Where, Cast (i1 -> i64 is zero-extension), Sigmoid.
// CHECK-LABEL: func.func @where_cast_sigmoid
// CHECK: arith.select
// CHECK: arith.extui %{{.*}} : i1 to i64
// CHECK: math.exp
func.func @where_cast_sigmoid(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<f32>) -> (tensor<4xf32>, tensor<4xi64>, tensor<4xf32>) {
  %0 = qgraph.where %c, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = qgraph.cast %c : tensor<4xi1> to tensor<4xi64>
  %2 = qgraph.sigmoid %a : tensor<4xf32>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xi64>, tensor<4xf32>
}

// -----

// x^2 with a constant exponent is x * x.
// CHECK-LABEL: func.func @pow2
// CHECK-NOT: math.powf
// CHECK: arith.mulf %[[A:.*]], %[[A]]
func.func @pow2(%x: tensor<4xf32>) -> tensor<4xf32> {
  %two = arith.constant dense<2.0> : tensor<f32>
  %0 = qgraph.pow %x, %two : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// qweight.matmul dequantizes in IR: scale * (q - zero), then a matmul. The
// ui8 constants are re-typed as i8 (same bytes).
// CHECK-LABEL: func.func @qweight_matmul
// CHECK-DAG: arith.constant dense<{{.*}}> : tensor<4x8xi8>
// CHECK-DAG: arith.constant dense<{{.*}}> : tensor<4x2xi8>
// CHECK: linalg.generic
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: arith.subi
// CHECK: arith.sitofp
// CHECK: arith.mulf
// CHECK: linalg.matmul
// CHECK-NOT: qweight.
func.func @qweight_matmul(%x: tensor<3x8xf32>, %s: tensor<4x2xf32>) -> tensor<3x4xf32> {
  %q = arith.constant dense<[[0, 1, 2, 3, 4, 5, 6, 15], [1, 1, 1, 1, 1, 1, 1, 1], [2, 2, 2, 2, 2, 2, 2, 2], [3, 3, 3, 3, 3, 3, 3, 3]]> : tensor<4x8xui8>
  %z = arith.constant dense<[[8, 8], [7, 7], [0, 1], [2, 3]]> : tensor<4x2xui8>
  %w = qweight.assemble %q, %s zeros %z : (tensor<4x8xui8>, tensor<4x2xf32>, tensor<4x2xui8>) -> !qweight.weight<k = 8, n = 4, bits = 4, group_size = 4, symmetric = false, act_order = false, layout = unpacked, scale_type = f32>
  %0 = qweight.matmul %x, %w : (tensor<3x8xf32>, !qweight.weight<k = 8, n = 4, bits = 4, group_size = 4, symmetric = false, act_order = false, layout = unpacked, scale_type = f32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @qweight_dynamic_codes(%x: tensor<3x8xf32>, %q: tensor<4x8xui8>, %s: tensor<4x2xf32>) -> tensor<3x4xf32> {
  %w = qweight.assemble %q, %s : (tensor<4x8xui8>, tensor<4x2xf32>) -> !qweight.weight<k = 8, n = 4, bits = 4, group_size = 4, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>
  // expected-error @below {{lowers only constant unsigned codes and zero points}}
  %0 = qweight.matmul %x, %w : (tensor<3x8xf32>, !qweight.weight<k = 8, n = 4, bits = 4, group_size = 4, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// qweight.observe calls the runtime observer with the tag as a global string.
// CHECK-DAG: llvm.mlir.global internal constant @__qm_tag_layers_0_q("layers.0.q\00")
// CHECK-DAG: func.func private @qmrt_observe(!llvm.ptr, !llvm.ptr, i64, i64)
// CHECK-LABEL: func.func @observe
// CHECK: bufferization.to_buffer
// CHECK: llvm.mlir.addressof @__qm_tag_layers_0_q
// CHECK: %[[R:.*]] = arith.constant 6 : i64
// CHECK: %[[C:.*]] = arith.constant 4 : i64
// CHECK: call @qmrt_observe(%{{.*}}, %{{.*}}, %[[R]], %[[C]])
func.func @observe(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = qweight.observe %x tag "layers.0.q" : tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

func.func @dynamic(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @below {{has a dynamic shape}}
  %0 = qgraph.neg %x : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @reduce_dynamic_axes(%x: tensor<3x4xf32>, %ax: tensor<1xi64>) -> tensor<3x1xf32> {
  // expected-error @below {{needs a constant axes to be lowered}}
  %0 = qgraph.reduce_sum %x, %ax : (tensor<3x4xf32>, tensor<1xi64>) -> tensor<3x1xf32>
  return %0 : tensor<3x1xf32>
}

// -----

// A transposed constant is folded at compile time (the tied output head).
// CHECK-LABEL: func.func @transpose_constant
// CHECK-NOT: linalg.transpose
// CHECK: %[[C:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK: return %[[C]]
func.func @transpose_constant() -> tensor<3x2xf32> {
  %c = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %0 = qgraph.transpose %c {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
