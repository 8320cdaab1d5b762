// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @reshape_c1(%x: tensor<6xf32>, %s: tensor<1x2xi64>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'qgraph.reshape' op expected 'shape' of rank 1}}
  %0 = qgraph.reshape %x, %s : (tensor<6xf32>, tensor<1x2xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @reshape_c1_rank(%x: tensor<6xf32>, %s: tensor<3xi64>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'qgraph.reshape' op expected result rank 3 (the size of 'shape'), got 2}}
  %0 = qgraph.reshape %x, %s : (tensor<6xf32>, tensor<3xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @reshape_c2(%x: tensor<6xf32>) -> tensor<?x?xf32> {
  %s = arith.constant dense<[-1, -1]> : tensor<2xi64>
  // expected-error @+1 {{'qgraph.reshape' op expected at most one -1 in 'shape'}}
  %0 = qgraph.reshape %x, %s : (tensor<6xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @reshape_c2_negative(%x: tensor<6xf32>) -> tensor<?x?xf32> {
  %s = arith.constant dense<[-2, 3]> : tensor<2xi64>
  // expected-error @+1 {{'qgraph.reshape' op invalid size (-2) in 'shape'}}
  %0 = qgraph.reshape %x, %s : (tensor<6xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @reshape_c2_dims(%x: tensor<6xf32>) -> tensor<3x2xf32> {
  %s = arith.constant dense<[2, 3]> : tensor<2xi64>
  // expected-error @+1 {{'qgraph.reshape' op expected result dimension 0 to be 2, got 3}}
  %0 = qgraph.reshape %x, %s : (tensor<6xf32>, tensor<2xi64>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @reshape_c3(%x: tensor<6xf32>, %s: tensor<2xi64>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'qgraph.reshape' op element counts differ (6 vs 8)}}
  %0 = qgraph.reshape %x, %s : (tensor<6xf32>, tensor<2xi64>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @reshape_element_type(%x: tensor<6xf32>, %s: tensor<2xi64>) -> tensor<2x3xf16> {
  // expected-error @+1 {{'qgraph.reshape' op expected the result to have the input's element type}}
  %0 = qgraph.reshape %x, %s : (tensor<6xf32>, tensor<2xi64>) -> tensor<2x3xf16>
  return %0 : tensor<2x3xf16>
}

// -----

// A 0 in 'shape' copies the input size.
func.func @reshape_c2_copied_zero(%x: tensor<2x3x4xf32>) -> tensor<3x8xf32> {
  %s = arith.constant dense<[0, -1]> : tensor<2xi64>
  // expected-error @+1 {{'qgraph.reshape' op expected result dimension 0 to be 2, got 3}}
  %0 = qgraph.reshape %x, %s : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

// The -1 entry is inferred from the element count.
func.func @reshape_c2_inferred(%x: tensor<2x3x4xf32>) -> tensor<4x?x8xf32> {
  %s = arith.constant dense<[4, -1, 8]> : tensor<3xi64>
  // expected-error @+1 {{'qgraph.reshape' op element counts differ}}
  %0 = qgraph.reshape %x, %s : (tensor<2x3x4xf32>, tensor<3xi64>) -> tensor<4x?x8xf32>
  return %0 : tensor<4x?x8xf32>
}
