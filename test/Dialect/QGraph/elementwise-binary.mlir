// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @arith
// CHECK: qgraph.add %{{.*}}, %{{.*}} : (tensor<2x?x4xf32>, tensor<4xf32>) -> tensor<2x?x4xf32>
// CHECK: qgraph.sub %{{.*}}, %{{.*}} : (tensor<2x?x4xf32>, tensor<4xf32>) -> tensor<2x?x4xf32>
// CHECK: qgraph.mul
// CHECK: qgraph.div
// CHECK: qgraph.pow
// CHECK: qgraph.max
// CHECK: qgraph.min
func.func @arith(%a: tensor<2x?x4xf32>, %b: tensor<4xf32>) -> tensor<2x?x4xf32> {
  %0 = qgraph.add %a, %b : (tensor<2x?x4xf32>, tensor<4xf32>) -> tensor<2x?x4xf32>
  %1 = qgraph.sub %0, %b : (tensor<2x?x4xf32>, tensor<4xf32>) -> tensor<2x?x4xf32>
  %2 = qgraph.mul %1, %b : (tensor<2x?x4xf32>, tensor<4xf32>) -> tensor<2x?x4xf32>
  %3 = qgraph.div %2, %b : (tensor<2x?x4xf32>, tensor<4xf32>) -> tensor<2x?x4xf32>
  %4 = qgraph.pow %3, %b : (tensor<2x?x4xf32>, tensor<4xf32>) -> tensor<2x?x4xf32>
  %5 = qgraph.max %4, %b : (tensor<2x?x4xf32>, tensor<4xf32>) -> tensor<2x?x4xf32>
  %6 = qgraph.min %5, %b : (tensor<2x?x4xf32>, tensor<4xf32>) -> tensor<2x?x4xf32>
  return %6 : tensor<2x?x4xf32>
}

// -----

// CHECK-LABEL: func.func @compare
// CHECK: qgraph.equal %{{.*}} : (tensor<3x1xi64>, tensor<1x5xi64>) -> tensor<3x5xi1>
// CHECK: qgraph.less
// CHECK: qgraph.less_or_equal
// CHECK: qgraph.greater
// CHECK: qgraph.greater_or_equal
// CHECK: qgraph.and
// CHECK: qgraph.or
func.func @compare(%a: tensor<3x1xi64>, %b: tensor<1x5xi64>) -> tensor<3x5xi1> {
  %0 = qgraph.equal %a, %b : (tensor<3x1xi64>, tensor<1x5xi64>) -> tensor<3x5xi1>
  %1 = qgraph.less %a, %b : (tensor<3x1xi64>, tensor<1x5xi64>) -> tensor<3x5xi1>
  %2 = qgraph.less_or_equal %a, %b : (tensor<3x1xi64>, tensor<1x5xi64>) -> tensor<3x5xi1>
  %3 = qgraph.greater %a, %b : (tensor<3x1xi64>, tensor<1x5xi64>) -> tensor<3x5xi1>
  %4 = qgraph.greater_or_equal %a, %b : (tensor<3x1xi64>, tensor<1x5xi64>) -> tensor<3x5xi1>
  %5 = qgraph.and %0, %1 : (tensor<3x5xi1>, tensor<3x5xi1>) -> tensor<3x5xi1>
  %6 = qgraph.or %5, %2 : (tensor<3x5xi1>, tensor<3x5xi1>) -> tensor<3x5xi1>
  %7 = qgraph.and %6, %3 : (tensor<3x5xi1>, tensor<3x5xi1>) -> tensor<3x5xi1>
  %8 = qgraph.and %7, %4 : (tensor<3x5xi1>, tensor<3x5xi1>) -> tensor<3x5xi1>
  return %8 : tensor<3x5xi1>
}

// -----

// A dynamic dimension broadcast against a static one takes the static size.
// CHECK-LABEL: func.func @dynamic_refines
// CHECK: qgraph.add %{{.*}} : (tensor<?x4xf32>, tensor<7x1xf32>) -> tensor<7x4xf32>
func.func @dynamic_refines(%a: tensor<?x4xf32>, %b: tensor<7x1xf32>) -> tensor<7x4xf32> {
  %0 = qgraph.add %a, %b : (tensor<?x4xf32>, tensor<7x1xf32>) -> tensor<7x4xf32>
  return %0 : tensor<7x4xf32>
}
