// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @gather_nd_c1(%x: tensor<4x5xf32>, %i: tensor<3x?xi64>) -> tensor<3xf32> {
  // expected-error @+2 {{expected 'indices' of rank >= 1 with a static last dimension}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.gather_nd %x, %i : (tensor<4x5xf32>, tensor<3x?xi64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @gather_nd_c2(%x: tensor<4x5xf32>, %i: tensor<3x3xi64>) -> tensor<3xf32> {
  // expected-error @+2 {{expected batch_dims (0) + index depth (3) <= rank(input) (2) and batch_dims < rank(indices)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.gather_nd %x, %i : (tensor<4x5xf32>, tensor<3x3xi64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @gather_nd_c2_batch(%x: tensor<4x5xf32>, %i: tensor<1xi64>) -> tensor<5xf32> {
  // expected-error @+2 {{expected batch_dims (1) + index depth (1) <= rank(input) (2) and batch_dims < rank(indices)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.gather_nd %x, %i {batch_dims = 1 : si64} : (tensor<4x5xf32>, tensor<1xi64>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @gather_nd_result(%x: tensor<4x5xf32>, %i: tensor<3x1xi64>) -> tensor<3x4xf32> {
  // expected-error @+2 {{'qgraph.gather_nd' op inferred type(s) 'tensor<3x5xf32>' are incompatible with return type(s) of operation 'tensor<3x4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.gather_nd %x, %i : (tensor<4x5xf32>, tensor<3x1xi64>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
