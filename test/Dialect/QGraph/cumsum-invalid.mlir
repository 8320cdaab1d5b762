// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @cumsum_c1(%x: tensor<4xf32>, %a: tensor<2xi64>) -> tensor<4xf32> {
  // expected-error @+1 {{'qgraph.cumsum' op expected 'axis' to hold a single value}}
  %0 = qgraph.cumsum %x, %a : (tensor<4xf32>, tensor<2xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @cumsum_c1_range(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = arith.constant dense<1> : tensor<i64>
  // expected-error @+1 {{'qgraph.cumsum' op axis (1) out of range for rank 1}}
  %0 = qgraph.cumsum %x, %a : (tensor<4xf32>, tensor<i64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @cumsum_c2(%x: tensor<4xf32>, %a: tensor<i64>) -> tensor<5xf32> {
  // expected-error @+1 {{'qgraph.cumsum' op expected the result to have the input's type}}
  %0 = qgraph.cumsum %x, %a : (tensor<4xf32>, tensor<i64>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}
