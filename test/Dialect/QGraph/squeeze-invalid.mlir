// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @squeeze_c1(%x: tensor<1x4xf32>) -> tensor<1x1x4xf32> {
  // expected-error @+1 {{'qgraph.squeeze' op expected the result rank not to exceed the input rank}}
  %0 = qgraph.squeeze %x : (tensor<1x4xf32>) -> tensor<1x1x4xf32>
  return %0 : tensor<1x1x4xf32>
}

// -----

func.func @squeeze_c2_range(%x: tensor<1x4xf32>) -> tensor<4xf32> {
  %axes = arith.constant dense<2> : tensor<1xi64>
  // expected-error @+1 {{'qgraph.squeeze' op axis (2) out of range for rank 2}}
  %0 = qgraph.squeeze %x, %axes : (tensor<1x4xf32>, tensor<1xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @squeeze_c2_size(%x: tensor<1x4xf32>) -> tensor<1xf32> {
  %axes = arith.constant dense<1> : tensor<1xi64>
  // expected-error @+1 {{'qgraph.squeeze' op cannot squeeze dimension 1 of size 4}}
  %0 = qgraph.squeeze %x, %axes : (tensor<1x4xf32>, tensor<1xi64>) -> tensor<1xf32>
  return %0 : tensor<1xf32>
}

// -----

func.func @squeeze_c2_rank(%x: tensor<1x1x4xf32>) -> tensor<4xf32> {
  %axes = arith.constant dense<0> : tensor<1xi64>
  // expected-error @+1 {{'qgraph.squeeze' op expected result rank 2}}
  %0 = qgraph.squeeze %x, %axes : (tensor<1x1x4xf32>, tensor<1xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @squeeze_element_type(%x: tensor<1x4xf32>) -> tensor<4xf16> {
  // expected-error @+1 {{'qgraph.squeeze' op expected the result to have the input's element type}}
  %0 = qgraph.squeeze %x : (tensor<1x4xf32>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

func.func @squeeze_c2_dims(%x: tensor<1x4x1xf32>) -> tensor<5x1xf32> {
  %axes = arith.constant dense<0> : tensor<1xi64>
  // expected-error @+1 {{'qgraph.squeeze' op expected result dimension 0 to be 4, got 5}}
  %0 = qgraph.squeeze %x, %axes : (tensor<1x4x1xf32>, tensor<1xi64>) -> tensor<5x1xf32>
  return %0 : tensor<5x1xf32>
}
