// RUN: quant-opt %s -split-input-file -canonicalize | FileCheck %s

// CHECK-LABEL: func.func @identities
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[S:.*]]: tensor<2xi64>)
// CHECK-NEXT: return %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[X]], %[[X]]
func.func @identities(%x: tensor<2x3xf32>, %s: tensor<2xi64>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = qgraph.identity %x : tensor<2x3xf32>
  // Reshape, expand and slice to the same static type.
  %1 = qgraph.reshape %x, %s : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  %2 = qgraph.expand %x, %s : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  %b = arith.constant dense<0> : tensor<1xi64>
  %e = arith.constant dense<9223372036854775807> : tensor<1xi64>
  %3 = qgraph.slice %x, %b, %e : (tensor<2x3xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<2x3xf32>
  %4 = qgraph.cast %x : tensor<2x3xf32> to tensor<2x3xf32>
  %5 = qgraph.transpose %x {perm = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %6 = qgraph.concat %x {axis = 0 : si64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// A dynamic result type is not the same type: the reshape stays.
// CHECK-LABEL: func.func @reshape_dynamic
// CHECK: qgraph.reshape
func.func @reshape_dynamic(%x: tensor<2x3xf32>, %s: tensor<2xi64>) -> tensor<?x3xf32> {
  %0 = qgraph.reshape %x, %s : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

// reshape(reshape(x)) -> reshape(x), and a constant shape with 0/-1 entries
// is replaced by the static result shape.
// CHECK-LABEL: func.func @compose_reshapes
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[S:.*]] = arith.constant dense<[4, 6]> : tensor<2xi64>
// CHECK: %[[R:.*]] = qgraph.reshape %[[X]], %[[S]] : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<4x6xf32>
// CHECK: return %[[R]]
func.func @compose_reshapes(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %s1 = arith.constant dense<[6, -1]> : tensor<2xi64>
  %0 = qgraph.reshape %x, %s1 : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
  %s2 = arith.constant dense<[4, -1]> : tensor<2xi64>
  %1 = qgraph.reshape %0, %s2 : (tensor<6x4xf32>, tensor<2xi64>) -> tensor<4x6xf32>
  return %1 : tensor<4x6xf32>
}

// -----

// A 0 in the outer shape copies a size of the inner result: no composition.
// CHECK-LABEL: func.func @no_compose_with_zero
// CHECK: qgraph.reshape
// CHECK: qgraph.reshape
func.func @no_compose_with_zero(%x: tensor<?x12xf32>, %s1: tensor<2xi64>) -> tensor<?x?xf32> {
  %0 = qgraph.reshape %x, %s1 : (tensor<?x12xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %s2 = arith.constant dense<[0, -1]> : tensor<2xi64>
  %1 = qgraph.reshape %0, %s2 : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %1 : tensor<?x?xf32>
}

// -----

// CHECK-LABEL: func.func @algebra
// CHECK-SAME: (%[[X:.*]]: tensor<4xi64>, %[[B:.*]]: tensor<4xi1>, %[[Y:.*]]: tensor<4xi64>)
// CHECK-NEXT: return %[[X]], %[[X]], %[[X]], %[[B]], %[[X]], %[[Y]], %[[X]]
func.func @algebra(%x: tensor<4xi64>, %b: tensor<4xi1>, %y: tensor<4xi64>) -> (tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi1>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>) {
  %zero = arith.constant dense<0> : tensor<i64>
  %one = arith.constant dense<1> : tensor<4xi64>
  %0 = qgraph.add %zero, %x : (tensor<i64>, tensor<4xi64>) -> tensor<4xi64>
  %1 = qgraph.mul %x, %one : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %2 = qgraph.sub %x, %zero : (tensor<4xi64>, tensor<i64>) -> tensor<4xi64>
  %n = qgraph.not %b : tensor<4xi1>
  %3 = qgraph.not %n : tensor<4xi1>
  %t = arith.constant dense<true> : tensor<i1>
  %f = arith.constant dense<false> : tensor<i1>
  %4 = qgraph.where %t, %x, %y : (tensor<i1>, tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %5 = qgraph.where %f, %x, %y : (tensor<i1>, tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %6 = qgraph.max %x, %x : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi1>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>
}

// -----

// x + 0 with broadcasting to a larger shape is not x.
// CHECK-LABEL: func.func @add_zero_broadcasts
// CHECK: qgraph.add
func.func @add_zero_broadcasts(%x: tensor<4xi64>) -> tensor<2x4xi64> {
  %zero = arith.constant dense<0> : tensor<2x1xi64>
  %0 = qgraph.add %x, %zero : (tensor<4xi64>, tensor<2x1xi64>) -> tensor<2x4xi64>
  return %0 : tensor<2x4xi64>
}

// -----

// Unused pure ops disappear.
// CHECK-LABEL: func.func @dead
// CHECK-NEXT: return
func.func @dead(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>) {
  %0 = qgraph.matmul %x, %w : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %1 = qgraph.softmax %0 : tensor<4x8xf32>
  return
}
