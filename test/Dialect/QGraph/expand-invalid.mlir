// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @expand_c1(%x: tensor<3xf32>, %s: tensor<1x2xi64>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'qgraph.expand' op expected 'shape' of rank 1}}
  %0 = qgraph.expand %x, %s : (tensor<3xf32>, tensor<1x2xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @expand_c1_rank(%x: tensor<3xf32>, %s: tensor<3xi64>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'qgraph.expand' op expected result rank 3, got 2}}
  %0 = qgraph.expand %x, %s : (tensor<3xf32>, tensor<3xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @expand_element_type(%x: tensor<3xf32>, %s: tensor<2xi64>) -> tensor<2x3xf16> {
  // expected-error @+1 {{'qgraph.expand' op expected the result to have the input's element type}}
  %0 = qgraph.expand %x, %s : (tensor<3xf32>, tensor<2xi64>) -> tensor<2x3xf16>
  return %0 : tensor<2x3xf16>
}

// -----

func.func @expand_c1_broadcast(%x: tensor<3xf32>) -> tensor<2x3xf32> {
  %s = arith.constant dense<[2, 4]> : tensor<2xi64>
  // expected-error @+1 {{'qgraph.expand' op input shape [3] does not broadcast with 'shape' [2, 4]}}
  %0 = qgraph.expand %x, %s : (tensor<3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @expand_c1_result(%x: tensor<3xf32>) -> tensor<3x3xf32> {
  %s = arith.constant dense<[2, 1]> : tensor<2xi64>
  // expected-error @+1 {{'qgraph.expand' op expected result dimension 0 to be 2, got 3}}
  %0 = qgraph.expand %x, %s : (tensor<3xf32>, tensor<2xi64>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}
