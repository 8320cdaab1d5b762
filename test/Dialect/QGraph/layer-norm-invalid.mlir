// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @layer_norm_c1(%x: tensor<2x8xf32>, %s: tensor<8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'qgraph.layer_norm' op axis (2) out of range for rank 2}}
  %0 = qgraph.layer_norm %x, %s {axis = 2 : si64} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @layer_norm_c2_element_type(%x: tensor<2x8xf32>, %s: tensor<8xf16>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'qgraph.layer_norm' op expected 'scale' to have the input's element type}}
  %0 = qgraph.layer_norm %x, %s : (tensor<2x8xf32>, tensor<8xf16>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @layer_norm_c2_shape(%x: tensor<2x8xf32>, %s: tensor<8xf32>, %b: tensor<4xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'qgraph.layer_norm' op expected 'bias' to broadcast to the normalized shape}}
  %0 = qgraph.layer_norm %x, %s, %b : (tensor<2x8xf32>, tensor<8xf32>, tensor<4xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @layer_norm_c2_rank(%x: tensor<2x8xf32>, %s: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'qgraph.layer_norm' op expected 'scale' to broadcast to the normalized shape}}
  %0 = qgraph.layer_norm %x, %s : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @layer_norm_result(%x: tensor<2x8xf32>, %s: tensor<8xf32>) -> tensor<8x2xf32> {
  // expected-error @+1 {{'qgraph.layer_norm' op expected the result to have the input's shape}}
  %0 = qgraph.layer_norm %x, %s : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<8x2xf32>
  return %0 : tensor<8x2xf32>
}
