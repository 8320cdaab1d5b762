// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @unsqueeze_axes_rank(%x: tensor<4xf32>, %axes: tensor<i64>) -> tensor<1x4xf32> {
  // expected-error @+1 {{'qgraph.unsqueeze' op expected 'axes' of rank 1}}
  %0 = qgraph.unsqueeze %x, %axes : (tensor<4xf32>, tensor<i64>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

func.func @unsqueeze_c1(%x: tensor<4xf32>, %axes: tensor<2xi64>) -> tensor<1x4xf32> {
  // expected-error @+1 {{'qgraph.unsqueeze' op expected result rank 3, got 2}}
  %0 = qgraph.unsqueeze %x, %axes : (tensor<4xf32>, tensor<2xi64>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

func.func @unsqueeze_c2_range(%x: tensor<4xf32>) -> tensor<1x4xf32> {
  %axes = arith.constant dense<2> : tensor<1xi64>
  // expected-error @+1 {{'qgraph.unsqueeze' op axis (2) out of range for result rank 2}}
  %0 = qgraph.unsqueeze %x, %axes : (tensor<4xf32>, tensor<1xi64>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

func.func @unsqueeze_c2_distinct(%x: tensor<4xf32>) -> tensor<1x1x4xf32> {
  %axes = arith.constant dense<[0, -3]> : tensor<2xi64>
  // expected-error @+1 {{'qgraph.unsqueeze' op axis (-3) appears twice}}
  %0 = qgraph.unsqueeze %x, %axes : (tensor<4xf32>, tensor<2xi64>) -> tensor<1x1x4xf32>
  return %0 : tensor<1x1x4xf32>
}

// -----

func.func @unsqueeze_c2_size(%x: tensor<4xf32>) -> tensor<4x4xf32> {
  %axes = arith.constant dense<1> : tensor<1xi64>
  // expected-error @+1 {{'qgraph.unsqueeze' op expected result dimension 1 to be 1}}
  %0 = qgraph.unsqueeze %x, %axes : (tensor<4xf32>, tensor<1xi64>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @unsqueeze_element_type(%x: tensor<4xf32>, %axes: tensor<1xi64>) -> tensor<1x4xi64> {
  // expected-error @+1 {{'qgraph.unsqueeze' op expected the result to have the input's element type}}
  %0 = qgraph.unsqueeze %x, %axes : (tensor<4xf32>, tensor<1xi64>) -> tensor<1x4xi64>
  return %0 : tensor<1x4xi64>
}

// -----

func.func @unsqueeze_c2_dims(%x: tensor<4xf32>) -> tensor<1x5xf32> {
  %axes = arith.constant dense<0> : tensor<1xi64>
  // expected-error @+1 {{'qgraph.unsqueeze' op expected result dimension 1 to be 4, got 5}}
  %0 = qgraph.unsqueeze %x, %axes : (tensor<4xf32>, tensor<1xi64>) -> tensor<1x5xf32>
  return %0 : tensor<1x5xf32>
}
