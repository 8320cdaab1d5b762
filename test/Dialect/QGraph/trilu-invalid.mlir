// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @trilu_c1(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qgraph.trilu' op expected 'input' of rank >= 2}}
  %0 = qgraph.trilu %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @trilu_c1_k(%x: tensor<4x4xf32>, %k: tensor<2xi64>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'qgraph.trilu' op expected a scalar 'k'}}
  %0 = qgraph.trilu %x, %k : (tensor<4x4xf32>, tensor<2xi64>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @trilu_type(%x: tensor<4x4xf32>) -> tensor<4x4xf16> {
  // expected-error @+1 {{'qgraph.trilu' op failed to verify that all of {input, result} have same type}}
  %0 = qgraph.trilu %x : (tensor<4x4xf32>) -> tensor<4x4xf16>
  return %0 : tensor<4x4xf16>
}
