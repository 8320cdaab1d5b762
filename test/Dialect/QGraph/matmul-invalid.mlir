// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @matmul_c1(%a: tensor<f32>, %b: tensor<4x5xf32>) -> tensor<5xf32> {
  // expected-error @+2 {{expected operands of rank >= 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.matmul %a, %b : (tensor<f32>, tensor<4x5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @matmul_c1_element_type(%a: tensor<3x4xf32>, %b: tensor<4x5xf16>) -> tensor<3x5xf32> {
  // expected-error @+2 {{expected operands of the same element type, got 'f32' and 'f16'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.matmul %a, %b : (tensor<3x4xf32>, tensor<4x5xf16>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @matmul_c2(%a: tensor<3x4xf32>, %b: tensor<6x5xf32>) -> tensor<3x5xf32> {
  // expected-error @+2 {{contraction sizes differ (4 vs 6)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.matmul %a, %b : (tensor<3x4xf32>, tensor<6x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @matmul_c3(%a: tensor<2x3x4xf32>, %b: tensor<5x4x5xf32>) -> tensor<2x3x5xf32> {
  // expected-error @+2 {{operand shapes do not broadcast: size 2 vs 5 at dimension 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.matmul %a, %b : (tensor<2x3x4xf32>, tensor<5x4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

func.func @matmul_result(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> tensor<3x6xf32> {
  // expected-error @+2 {{'qgraph.matmul' op inferred type(s) 'tensor<3x5xf32>' are incompatible with return type(s) of operation 'tensor<3x6xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.matmul %a, %b : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x6xf32>
  return %0 : tensor<3x6xf32>
}
