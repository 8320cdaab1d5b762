// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @rms_norm_c1(%x: tensor<2x8xf32>, %s: tensor<8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'qgraph.rms_norm' op axis (-3) out of range for rank 2}}
  %0 = qgraph.rms_norm %x, %s {axis = -3 : si64} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @rms_norm_c2_element_type(%x: tensor<2x8xf32>, %s: tensor<8xbf16>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'qgraph.rms_norm' op expected 'scale' to have the input's element type}}
  %0 = qgraph.rms_norm %x, %s : (tensor<2x8xf32>, tensor<8xbf16>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @rms_norm_c2_shape(%x: tensor<2x8xf32>, %s: tensor<7xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'qgraph.rms_norm' op expected 'scale' to broadcast to the normalized shape}}
  %0 = qgraph.rms_norm %x, %s : (tensor<2x8xf32>, tensor<7xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @rms_norm_result(%x: tensor<2x8xf32>, %s: tensor<8xf32>) -> tensor<2x9xf32> {
  // expected-error @+1 {{'qgraph.rms_norm' op expected the result to have the input's shape}}
  %0 = qgraph.rms_norm %x, %s : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x9xf32>
  return %0 : tensor<2x9xf32>
}

// -----

func.func @rms_norm_result_element_type(%x: tensor<2x8xf32>, %s: tensor<8xf32>) -> tensor<2x8xf16> {
  // expected-error @+1 {{'qgraph.rms_norm' op expected the result to have the input's element type}}
  %0 = qgraph.rms_norm %x, %s : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf16>
  return %0 : tensor<2x8xf16>
}
