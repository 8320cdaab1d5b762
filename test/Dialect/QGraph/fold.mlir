// RUN: quant-opt %s -split-input-file -canonicalize | FileCheck %s

// CHECK-LABEL: func.func @shape_gather_unsqueeze_concat
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<[1, 128, 32, 64]> : tensor<4xi64>
// CHECK-NEXT: return %[[C]]
func.func @shape_gather_unsqueeze_concat(%x: tensor<1x128x2048xf32>) -> tensor<4xi64> {
  %s = qgraph.shape %x : (tensor<1x128x2048xf32>) -> tensor<3xi64>
  %i0 = arith.constant dense<0> : tensor<i64>
  %i1 = arith.constant dense<1> : tensor<i64>
  %b = qgraph.gather %s, %i0 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %t = qgraph.gather %s, %i1 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %ax = arith.constant dense<0> : tensor<1xi64>
  %bu = qgraph.unsqueeze %b, %ax : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %tu = qgraph.unsqueeze %t, %ax : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %rest = arith.constant dense<[32, 64]> : tensor<2xi64>
  %c = qgraph.concat %bu, %tu, %rest {axis = 0 : si64} : (tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<4xi64>
  return %c : tensor<4xi64>
}

// -----

// Gather along a non-leading axis with 2-D indices and negative indices.
// CHECK-LABEL: func.func @gather_axis1
// CHECK-NEXT: arith.constant dense<{{\[}}{{\[}}[3, 1], [1, 3]], {{\[}}[6, 4], [4, 6]]]> : tensor<2x2x2xi64>
func.func @gather_axis1() -> tensor<2x2x2xi64> {
  %x = arith.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
  %i = arith.constant dense<[[-1, 0], [0, 2]]> : tensor<2x2xi64>
  %0 = qgraph.gather %x, %i {axis = 1 : si64} : (tensor<2x3xi64>, tensor<2x2xi64>) -> tensor<2x2x2xi64>
  return %0 : tensor<2x2x2xi64>
}

// -----

// CHECK-LABEL: func.func @arith
// CHECK-DAG: arith.constant dense<[5, 7, 9]> : tensor<3xi64>
// CHECK-DAG: arith.constant dense<-3> : tensor<3xi64>
// CHECK-DAG: arith.constant dense<[4, 10, 18]> : tensor<3xi64>
// CHECK-DAG: arith.constant dense<[-2, 0, 2]> : tensor<3xi64>
// CHECK-DAG: arith.constant dense<[4, 5, 6]> : tensor<3xi64>
// CHECK-DAG: arith.constant dense<[1, 2, 3]> : tensor<3xi64>
// CHECK-DAG: arith.constant dense<[-1, -2, -3]> : tensor<3xi64>
// CHECK-NOT: qgraph.
func.func @arith() -> (tensor<3xi64>, tensor<3xi64>, tensor<3xi64>, tensor<3xi64>, tensor<3xi64>, tensor<3xi64>, tensor<3xi64>) {
  %a = arith.constant dense<[1, 2, 3]> : tensor<3xi64>
  %b = arith.constant dense<[4, 5, 6]> : tensor<3xi64>
  %m = arith.constant dense<[-5, 1, 5]> : tensor<3xi64>
  %two = arith.constant dense<2> : tensor<i64>
  %0 = qgraph.add %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %1 = qgraph.sub %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %2 = qgraph.mul %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  // Integer division truncates toward zero.
  %3 = qgraph.div %m, %two : (tensor<3xi64>, tensor<i64>) -> tensor<3xi64>
  %4 = qgraph.max %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %5 = qgraph.min %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %6 = qgraph.neg %a : tensor<3xi64>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<3xi64>, tensor<3xi64>, tensor<3xi64>, tensor<3xi64>, tensor<3xi64>, tensor<3xi64>, tensor<3xi64>
}

// -----

// Division by zero is left alone.
// CHECK-LABEL: func.func @div_by_zero
// CHECK: qgraph.div
func.func @div_by_zero() -> tensor<2xi64> {
  %a = arith.constant dense<[1, 2]> : tensor<2xi64>
  %z = arith.constant dense<[1, 0]> : tensor<2xi64>
  %0 = qgraph.div %a, %z : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// CHECK-LABEL: func.func @compare_and_logic
// CHECK-DAG: arith.constant dense<[false, true, false]> : tensor<3xi1>
// CHECK-DAG: arith.constant dense<[true, false, false]> : tensor<3xi1>
// CHECK-DAG: arith.constant dense<[true, true, false]> : tensor<3xi1>
// CHECK-DAG: arith.constant dense<[false, true, true]> : tensor<3xi1>
// CHECK-DAG: arith.constant dense<[false, false, true]> : tensor<3xi1>
// CHECK-DAG: arith.constant dense<[true, false, true]> : tensor<3xi1>
// CHECK-NOT: qgraph.
func.func @compare_and_logic() -> (tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>) {
  %a = arith.constant dense<[1, 2, 3]> : tensor<3xi64>
  %b = arith.constant dense<2> : tensor<i64>
  %0 = qgraph.equal %a, %b : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %1 = qgraph.less %a, %b : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %2 = qgraph.less_or_equal %a, %b : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %3 = qgraph.greater_or_equal %a, %b : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %4 = qgraph.greater %a, %b : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %5 = qgraph.or %1, %4 : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  %6 = qgraph.and %2, %3 : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  %7 = qgraph.not %0 : tensor<3xi1>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xi1>
}

// -----

// The ConstantOfShape/Equal/Where idiom of Expand(-1 -> 1) in exports.
// CHECK-LABEL: func.func @where_expand_idiom
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<[1, 1, 128, 128]> : tensor<4xi64>
// CHECK-NEXT: return %[[C]]
func.func @where_expand_idiom() -> tensor<4xi64> {
  %shape = arith.constant dense<[1, 1, 128, 128]> : tensor<4xi64>
  %four = arith.constant dense<4> : tensor<1xi64>
  %ones = qgraph.constant_of_shape %four, dense<1> : tensor<1xi64> : (tensor<1xi64>) -> tensor<4xi64>
  %m1 = arith.constant dense<-1> : tensor<4xi64>
  %neg = qgraph.mul %ones, %m1 : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %eq = qgraph.equal %shape, %neg : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %w = qgraph.where %eq, %ones, %shape : (tensor<4xi1>, tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %w : tensor<4xi64>
}

// -----

// CHECK-LABEL: func.func @range_and_cast
// CHECK-DAG: arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
// CHECK-DAG: arith.constant dense<[5, 3, 1]> : tensor<3xi32>
// CHECK-DAG: arith.constant dense<[0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<4xf32>
// CHECK-DAG: arith.constant dense<[2, -1]> : tensor<2xi64>
// CHECK-NOT: qgraph.
func.func @range_and_cast() -> (tensor<4xi64>, tensor<3xi32>, tensor<4xf32>, tensor<2xi64>) {
  %s = arith.constant dense<0> : tensor<i64>
  %l = arith.constant dense<4> : tensor<i64>
  %d = arith.constant dense<1> : tensor<i64>
  %0 = qgraph.range %s, %l, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<4xi64>
  %s2 = arith.constant dense<5> : tensor<i32>
  %l2 = arith.constant dense<0> : tensor<i32>
  %d2 = arith.constant dense<-2> : tensor<i32>
  %1 = qgraph.range %s2, %l2, %d2 : (tensor<i32>, tensor<i32>, tensor<i32>) -> tensor<3xi32>
  %2 = qgraph.cast %0 : tensor<4xi64> to tensor<4xf32>
  %f = arith.constant dense<[2.7, -1.5]> : tensor<2xf32>
  %3 = qgraph.cast %f : tensor<2xf32> to tensor<2xi64>
  return %0, %1, %2, %3 : tensor<4xi64>, tensor<3xi32>, tensor<4xf32>, tensor<2xi64>
}

// -----

// CHECK-LABEL: func.func @movement
// CHECK-DAG: arith.constant dense<{{\[}}[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
// CHECK-DAG: arith.constant dense<[2, 3]> : tensor<2xi64>
// CHECK-DAG: arith.constant dense<[6, 4]> : tensor<2xi64>
// CHECK-DAG: arith.constant dense<{{\[}}[1, 4], [2, 5], [3, 6]]> : tensor<3x2xi64>
// CHECK-DAG: arith.constant dense<{{\[}}[1, 2, 3], [1, 2, 3]]> : tensor<2x3xi64>
// CHECK-DAG: arith.constant dense<7> : tensor<2x3xi64>
// CHECK-NOT: qgraph.
func.func @movement() -> (tensor<2x3xi64>, tensor<2xi64>, tensor<2xi64>, tensor<3x2xi64>, tensor<2x3xi64>, tensor<2x3xi64>) {
  %v = arith.constant dense<[1, 2, 3, 4, 5, 6]> : tensor<6xi64>
  %shape = arith.constant dense<[2, -1]> : tensor<2xi64>
  %0 = qgraph.reshape %v, %shape : (tensor<6xi64>, tensor<2xi64>) -> tensor<2x3xi64>
  %s = arith.constant dense<1> : tensor<1xi64>
  %e = arith.constant dense<3> : tensor<1xi64>
  %1 = qgraph.slice %v, %s, %e : (tensor<6xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %s2 = arith.constant dense<-1> : tensor<1xi64>
  %e2 = arith.constant dense<-9223372036854775808> : tensor<1xi64>
  %st = arith.constant dense<-2> : tensor<1xi64>
  %2 = qgraph.slice %v, %s2, %e2 steps %st : (tensor<6xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<3xi64>
  %ax = arith.constant dense<0> : tensor<1xi64>
  %two = arith.constant dense<2> : tensor<1xi64>
  %3 = qgraph.slice %2, %ax, %two axes %ax : (tensor<3xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %4 = qgraph.transpose %0 {perm = array<i64: 1, 0>} : (tensor<2x3xi64>) -> tensor<3x2xi64>
  %row = arith.constant dense<[1, 2, 3]> : tensor<3xi64>
  %es = arith.constant dense<[2, 1]> : tensor<2xi64>
  %5 = qgraph.expand %row, %es : (tensor<3xi64>, tensor<2xi64>) -> tensor<2x3xi64>
  %seven = arith.constant dense<7> : tensor<1xi64>
  %es2 = arith.constant dense<[2, 3]> : tensor<2xi64>
  %6 = qgraph.expand %seven, %es2 : (tensor<1xi64>, tensor<2xi64>) -> tensor<2x3xi64>
  return %0, %1, %3, %4, %5, %6 : tensor<2x3xi64>, tensor<2xi64>, tensor<2xi64>, tensor<3x2xi64>, tensor<2x3xi64>, tensor<2x3xi64>
}

// -----

// CHECK-LABEL: func.func @squeeze_unsqueeze
// CHECK-DAG: arith.constant dense<5> : tensor<i64>
// CHECK-DAG: arith.constant dense<5> : tensor<1x1xi64>
func.func @squeeze_unsqueeze() -> (tensor<i64>, tensor<1x1xi64>) {
  %v = arith.constant dense<5> : tensor<1xi64>
  %ax = arith.constant dense<0> : tensor<1xi64>
  %0 = qgraph.squeeze %v, %ax : (tensor<1xi64>, tensor<1xi64>) -> tensor<i64>
  %1 = qgraph.unsqueeze %v, %ax : (tensor<1xi64>, tensor<1xi64>) -> tensor<1x1xi64>
  return %0, %1 : tensor<i64>, tensor<1x1xi64>
}

// -----

// CHECK-LABEL: func.func @reductions
// CHECK-DAG: arith.constant dense<21> : tensor<i64>
// CHECK-DAG: arith.constant dense<{{\[}}[3], [6]]> : tensor<2x1xi64>
// CHECK-DAG: arith.constant dense<{{\[}}[2, 3, 4]]> : tensor<1x3xi64>
// CHECK-NOT: qgraph.
func.func @reductions() -> (tensor<i64>, tensor<2x1xi64>, tensor<1x3xi64>) {
  %x = arith.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
  %0 = qgraph.reduce_sum %x {keepdims = false} : (tensor<2x3xi64>) -> tensor<i64>
  %ax = arith.constant dense<-1> : tensor<1xi64>
  %1 = qgraph.reduce_max %x, %ax : (tensor<2x3xi64>, tensor<1xi64>) -> tensor<2x1xi64>
  %ax0 = arith.constant dense<0> : tensor<1xi64>
  %2 = qgraph.reduce_mean %x, %ax0 : (tensor<2x3xi64>, tensor<1xi64>) -> tensor<1x3xi64>
  return %0, %1, %2 : tensor<i64>, tensor<2x1xi64>, tensor<1x3xi64>
}

// -----

// Large constants stay (only splats fold at any size), and float arithmetic
// is not evaluated.
// CHECK-LABEL: func.func @limits
// CHECK-DAG: %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<64x128xf32>
// CHECK-DAG: qgraph.add %arg0
// CHECK-DAG: qgraph.add %{{.*}} : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
// CHECK: return {{.*}}, {{.*}}, %[[Z]]
func.func @limits(%big: tensor<8192xi64>) -> (tensor<8192xi64>, tensor<2xf32>, tensor<64x128xf32>) {
  %c = arith.constant dense<1> : tensor<8192xi64>
  %0 = qgraph.add %big, %c : (tensor<8192xi64>, tensor<8192xi64>) -> tensor<8192xi64>
  %f = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %1 = qgraph.add %f, %f : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %shape = arith.constant dense<[64, 128]> : tensor<2xi64>
  %2 = qgraph.constant_of_shape %shape, dense<0.0> : tensor<1xf32> : (tensor<2xi64>) -> tensor<64x128xf32>
  return %0, %1, %2 : tensor<8192xi64>, tensor<2xf32>, tensor<64x128xf32>
}

// -----

// Weights in resource blobs are never folded.
// CHECK-LABEL: func.func @resource
// CHECK: qgraph.reshape
func.func @resource() -> tensor<2x2xi64> {
  %w = arith.constant dense_resource<blob> : tensor<4xi64>
  %shape = arith.constant dense<[2, 2]> : tensor<2xi64>
  %0 = qgraph.reshape %w, %shape : (tensor<4xi64>, tensor<2xi64>) -> tensor<2x2xi64>
  return %0 : tensor<2x2xi64>
}

{-#
  dialect_resources: {
    builtin: {
      blob: "0x080000000100000000000000020000000000000003000000000000000400000000000000"
    }
  }
#-}

// -----

// Dynamic result types do not fold.
// CHECK-LABEL: func.func @dynamic
// CHECK: qgraph.range
func.func @dynamic() -> tensor<?xi64> {
  %s = arith.constant dense<0> : tensor<i64>
  %l = arith.constant dense<4> : tensor<i64>
  %d = arith.constant dense<1> : tensor<i64>
  %0 = qgraph.range %s, %l, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  return %0 : tensor<?xi64>
}
