// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @reduce_c1(%x: tensor<4x5xf32>, %axes: tensor<1x1xi64>) -> tensor<4x1xf32> {
  // expected-error @+1 {{'qgraph.reduce_sum' op expected 'axes' of rank 1}}
  %0 = qgraph.reduce_sum %x, %axes : (tensor<4x5xf32>, tensor<1x1xi64>) -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}

// -----

func.func @reduce_c2_range(%x: tensor<4x5xf32>) -> tensor<4x1xf32> {
  %axes = arith.constant dense<2> : tensor<1xi64>
  // expected-error @+1 {{'qgraph.reduce_mean' op axis (2) out of range for rank 2}}
  %0 = qgraph.reduce_mean %x, %axes : (tensor<4x5xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}

// -----

func.func @reduce_c2_distinct(%x: tensor<4x5xf32>) -> tensor<4x1xf32> {
  %axes = arith.constant dense<[1, -1]> : tensor<2xi64>
  // expected-error @+1 {{'qgraph.reduce_max' op axis (-1) appears twice}}
  %0 = qgraph.reduce_max %x, %axes : (tensor<4x5xf32>, tensor<2xi64>) -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}

// -----

func.func @reduce_c3_rank(%x: tensor<4x5xf32>) -> tensor<4x1xf32> {
  %axes = arith.constant dense<1> : tensor<1xi64>
  // expected-error @+1 {{'qgraph.reduce_sum' op expected result rank 1, got 2}}
  %0 = qgraph.reduce_sum %x, %axes {keepdims = false} : (tensor<4x5xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}

// -----

func.func @reduce_c3_dims(%x: tensor<4x5xf32>) -> tensor<4x5xf32> {
  %axes = arith.constant dense<1> : tensor<1xi64>
  // expected-error @+1 {{'qgraph.reduce_sum' op expected result dimension 1 to be 1, got 5}}
  %0 = qgraph.reduce_sum %x, %axes : (tensor<4x5xf32>, tensor<1xi64>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @reduce_c3_kept_dims(%x: tensor<4x5xf32>) -> tensor<3xf32> {
  %axes = arith.constant dense<1> : tensor<1xi64>
  // expected-error @+1 {{'qgraph.reduce_sum' op expected result dimension 0 to be 4, got 3}}
  %0 = qgraph.reduce_sum %x, %axes {keepdims = false} : (tensor<4x5xf32>, tensor<1xi64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @reduce_noop_rank(%x: tensor<4x5xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qgraph.reduce_sum' op expected a no-op reduction to keep the rank}}
  %0 = qgraph.reduce_sum %x {noop_with_empty_axes = true} : (tensor<4x5xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @reduce_element_type(%x: tensor<4x5xf32>) -> tensor<1x1xf16> {
  // expected-error @+1 {{'qgraph.reduce_mean' op expected the result to have the input's element type}}
  %0 = qgraph.reduce_mean %x : (tensor<4x5xf32>) -> tensor<1x1xf16>
  return %0 : tensor<1x1xf16>
}
