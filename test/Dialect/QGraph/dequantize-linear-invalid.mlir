// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @dequantize_linear_c1_type(%q: tensor<4x8xi8>, %s: tensor<f32>, %z: tensor<ui8>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'qgraph.dequantize_linear' op expected 'zero_point' of the input's element type}}
  %0 = qgraph.dequantize_linear %q, %s, %z : (tensor<4x8xi8>, tensor<f32>, tensor<ui8>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @dequantize_linear_c1_shape(%q: tensor<4x8xi8>, %s: tensor<4xf32>, %z: tensor<8xi8>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'qgraph.dequantize_linear' op expected 'zero_point' of the scale's shape}}
  %0 = qgraph.dequantize_linear %q, %s, %z {axis = 0 : si64} : (tensor<4x8xi8>, tensor<4xf32>, tensor<8xi8>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @dequantize_linear_c2(%q: tensor<4x8xi8>, %s: tensor<4xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'qgraph.dequantize_linear' op axis (2) out of range for rank 2}}
  %0 = qgraph.dequantize_linear %q, %s {axis = 2 : si64} : (tensor<4x8xi8>, tensor<4xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @dequantize_linear_c2_size(%q: tensor<4x8xi8>, %s: tensor<4xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'qgraph.dequantize_linear' op expected a per-axis 'scale' of size 8}}
  %0 = qgraph.dequantize_linear %q, %s : (tensor<4x8xi8>, tensor<4xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @dequantize_linear_c3_rank(%q: tensor<4x8xi8>, %s: tensor<4xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'qgraph.dequantize_linear' op expected a blocked 'scale' of the input's rank}}
  %0 = qgraph.dequantize_linear %q, %s {block_size = 4 : i64} : (tensor<4x8xi8>, tensor<4xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @dequantize_linear_c3_blocks(%q: tensor<4x96xi8>, %s: tensor<4x4xf32>) -> tensor<4x96xf32> {
  // expected-error @+1 {{'qgraph.dequantize_linear' op expected 'scale' dimension 1 to be 3, got 4}}
  %0 = qgraph.dequantize_linear %q, %s {block_size = 32 : i64} : (tensor<4x96xi8>, tensor<4x4xf32>) -> tensor<4x96xf32>
  return %0 : tensor<4x96xf32>
}

// -----

func.func @dequantize_linear_c4(%q: tensor<4x8xi8>, %s: tensor<f32>) -> tensor<4x8xf16> {
  // expected-error @+1 {{'qgraph.dequantize_linear' op expected the result to have the input's shape and the scale's element type}}
  %0 = qgraph.dequantize_linear %q, %s : (tensor<4x8xi8>, tensor<f32>) -> tensor<4x8xf16>
  return %0 : tensor<4x8xf16>
}
