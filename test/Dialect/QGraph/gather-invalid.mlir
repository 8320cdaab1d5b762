// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @gather_c1(%x: tensor<4x5xf32>, %i: tensor<2xi64>) -> tensor<4x5xf32> {
  // expected-error @+2 {{axis (2) out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.gather %x, %i {axis = 2 : si64} : (tensor<4x5xf32>, tensor<2xi64>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @gather_c1_scalar(%x: tensor<f32>, %i: tensor<2xi64>) -> tensor<2xf32> {
  // expected-error @+2 {{axis (0) out of range for rank 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.gather %x, %i : (tensor<f32>, tensor<2xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @gather_result(%x: tensor<4x5xf32>, %i: tensor<2xi64>) -> tensor<4x5xf32> {
  // expected-error @+2 {{'qgraph.gather' op inferred type(s) 'tensor<2x5xf32>' are incompatible with return type(s) of operation 'tensor<4x5xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.gather %x, %i : (tensor<4x5xf32>, tensor<2xi64>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @gather_index_type(%x: tensor<4x5xf32>, %i: tensor<2xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{op operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = "qgraph.gather"(%x, %i) : (tensor<4x5xf32>, tensor<2xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}
