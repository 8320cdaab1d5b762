// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @slice_c1_rank(%x: tensor<8xf32>, %s: tensor<1x1xi64>, %e: tensor<1xi64>) -> tensor<?xf32> {
  // expected-error @+1 {{'qgraph.slice' op expected 'starts', 'ends', 'axes' and 'steps' of rank 1}}
  %0 = qgraph.slice %x, %s, %e : (tensor<8xf32>, tensor<1x1xi64>, tensor<1xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @slice_c1_size(%x: tensor<8x8xf32>, %s: tensor<2xi64>, %e: tensor<1xi64>) -> tensor<?x?xf32> {
  // expected-error @+1 {{'qgraph.slice' op expected 'starts', 'ends', 'axes' and 'steps' of the same size}}
  %0 = qgraph.slice %x, %s, %e : (tensor<8x8xf32>, tensor<2xi64>, tensor<1xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @slice_c2(%x: tensor<8xf32>, %s: tensor<1xi64>, %e: tensor<1xi64>) -> tensor<?x?xf32> {
  // expected-error @+1 {{'qgraph.slice' op expected the result to have the input's rank and element type}}
  %0 = qgraph.slice %x, %s, %e : (tensor<8xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @slice_c3(%x: tensor<8xf32>, %s: tensor<1xi64>, %e: tensor<1xi64>) -> tensor<?xf32> {
  %step = arith.constant dense<0> : tensor<1xi64>
  // expected-error @+1 {{'qgraph.slice' op expected nonzero 'steps'}}
  %0 = qgraph.slice %x, %s, %e steps %step : (tensor<8xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @slice_axes_range(%x: tensor<8xf32>, %s: tensor<1xi64>, %e: tensor<1xi64>) -> tensor<?xf32> {
  %axes = arith.constant dense<1> : tensor<1xi64>
  // expected-error @+1 {{'qgraph.slice' op axis (1) out of range for rank 1}}
  %0 = qgraph.slice %x, %s, %e axes %axes : (tensor<8xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @slice_result(%x: tensor<8xf32>) -> tensor<3xf32> {
  %s = arith.constant dense<2> : tensor<1xi64>
  %e = arith.constant dense<6> : tensor<1xi64>
  // expected-error @+1 {{'qgraph.slice' op expected result dimension 0 to be 4, got 3}}
  %0 = qgraph.slice %x, %s, %e : (tensor<8xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
