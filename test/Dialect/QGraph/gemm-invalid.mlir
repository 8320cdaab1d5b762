// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @gemm_c1(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) -> tensor<3x5xf32> {
  // expected-error @+2 {{expected 'a' and 'b' of rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.gemm %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @gemm_c1_element_type(%a: tensor<3x4xf32>, %b: tensor<4x5xf16>) -> tensor<3x5xf32> {
  // expected-error @+2 {{expected 'a' and 'b' of the same element type}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.gemm %a, %b : (tensor<3x4xf32>, tensor<4x5xf16>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @gemm_c2(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> tensor<3x5xf32> {
  // expected-error @+2 {{contraction sizes differ (3 vs 4)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.gemm %a, %b {trans_a = true} : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @gemm_c3(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<3x1x5xf32>) -> tensor<3x5xf32> {
  // expected-error @+2 {{expected 'c' to broadcast to [3, 5]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.gemm %a, %b, %c : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<3x1x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @gemm_c3_size(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<4xf32>) -> tensor<3x5xf32> {
  // expected-error @+2 {{expected 'c' to broadcast to [3, 5]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.gemm %a, %b, %c : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<4xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @gemm_int(%a: tensor<3x4xi32>, %b: tensor<4x5xi32>) -> tensor<3x5xi32> {
  // expected-error @+1 {{op operand #0 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values}}
  %0 = "qgraph.gemm"(%a, %b) : (tensor<3x4xi32>, tensor<4x5xi32>) -> tensor<3x5xi32>
  return %0 : tensor<3x5xi32>
}
