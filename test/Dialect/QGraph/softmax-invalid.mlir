// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @softmax_c1(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'qgraph.softmax' op axis (2) out of range for rank 2}}
  %0 = qgraph.softmax %x {axis = 2 : si64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @softmax_c1_negative(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'qgraph.softmax' op axis (-3) out of range for rank 2}}
  %0 = qgraph.softmax %x {axis = -3 : si64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @softmax_type(%x: tensor<2x3xf32>) -> tensor<2x3xf16> {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "qgraph.softmax"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf16>
  return %0 : tensor<2x3xf16>
}
