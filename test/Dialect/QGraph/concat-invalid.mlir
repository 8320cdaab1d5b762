// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @concat_c1_empty() -> tensor<0xf32> {
  // expected-error @+2 {{expected at least one input}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.concat {axis = 0 : si64} : () -> tensor<0xf32>
  return %0 : tensor<0xf32>
}

// -----

func.func @concat_c1(%a: tensor<2xf32>, %b: tensor<2x2xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{expected inputs of the same rank and element type}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.concat %a, %b {axis = 0 : si64} : (tensor<2xf32>, tensor<2x2xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @concat_c1_element_type(%a: tensor<2xf32>, %b: tensor<2xf16>) -> tensor<4xf32> {
  // expected-error @+2 {{expected inputs of the same rank and element type}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.concat %a, %b {axis = 0 : si64} : (tensor<2xf32>, tensor<2xf16>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @concat_c2(%a: tensor<2xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{axis (1) out of range for rank 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.concat %a, %a {axis = 1 : si64} : (tensor<2xf32>, tensor<2xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @concat_c3(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) -> tensor<4x3xf32> {
  // expected-error @+2 {{sizes differ at dimension 1 (3 vs 4)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.concat %a, %b {axis = 0 : si64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @concat_result(%a: tensor<2x3xf32>) -> tensor<5x3xf32> {
  // expected-error @+2 {{'qgraph.concat' op inferred type(s) 'tensor<4x3xf32>' are incompatible with return type(s) of operation 'tensor<5x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.concat %a, %a {axis = 0 : si64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}
