// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @float_unary
// CHECK: %[[N:.*]] = qgraph.neg %{{.*}} : tensor<2x?xf32>
// CHECK: %[[S:.*]] = qgraph.sqrt %[[N]] : tensor<2x?xf32>
// CHECK: qgraph.reciprocal %[[S]] : tensor<2x?xf32>
// CHECK: qgraph.cos
// CHECK: qgraph.sin
// CHECK: qgraph.sigmoid
// CHECK: qgraph.tanh
// CHECK: qgraph.erf
// CHECK: qgraph.exp
// CHECK: qgraph.log
// CHECK: qgraph.identity %{{.*}} : tensor<2x?xf32>
func.func @float_unary(%x: tensor<2x?xf32>) -> tensor<2x?xf32> {
  %0 = qgraph.neg %x : tensor<2x?xf32>
  %1 = qgraph.sqrt %0 : tensor<2x?xf32>
  %2 = qgraph.reciprocal %1 : tensor<2x?xf32>
  %3 = qgraph.cos %2 : tensor<2x?xf32>
  %4 = qgraph.sin %3 : tensor<2x?xf32>
  %5 = qgraph.sigmoid %4 : tensor<2x?xf32>
  %6 = qgraph.tanh %5 : tensor<2x?xf32>
  %7 = qgraph.erf %6 : tensor<2x?xf32>
  %8 = qgraph.exp %7 : tensor<2x?xf32>
  %9 = qgraph.log %8 : tensor<2x?xf32>
  %10 = qgraph.identity %9 : tensor<2x?xf32>
  return %10 : tensor<2x?xf32>
}

// -----

// CHECK-LABEL: func.func @int_and_bool_unary
// CHECK: qgraph.neg %{{.*}} : tensor<4xi64>
// CHECK: qgraph.not %{{.*}} : tensor<4xi1>
// CHECK: qgraph.identity %{{.*}} : tensor<4xi1>
func.func @int_and_bool_unary(%x: tensor<4xi64>, %b: tensor<4xi1>) -> (tensor<4xi64>, tensor<4xi1>) {
  %0 = qgraph.neg %x : tensor<4xi64>
  %1 = qgraph.not %b : tensor<4xi1>
  %2 = qgraph.identity %1 : tensor<4xi1>
  return %0, %2 : tensor<4xi64>, tensor<4xi1>
}

// -----

// CHECK-LABEL: func.func @half_types
// CHECK: qgraph.exp %{{.*}} : tensor<8xf16>
// CHECK: qgraph.sqrt %{{.*}} : tensor<8xbf16>
func.func @half_types(%x: tensor<8xf16>, %y: tensor<8xbf16>) -> (tensor<8xf16>, tensor<8xbf16>) {
  %0 = qgraph.exp %x : tensor<8xf16>
  %1 = qgraph.sqrt %y : tensor<8xbf16>
  return %0, %1 : tensor<8xf16>, tensor<8xbf16>
}
