// RUN: quant-opt %s -split-input-file -verify-diagnostics

// (C1) shapes must broadcast.
func.func @add_c1(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+2 {{operand shapes do not broadcast: size 2 vs 4 at dimension 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.add %a, %b : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// (C2) same element types.
func.func @mul_c2(%a: tensor<3xf32>, %b: tensor<3xf16>) -> tensor<3xf32> {
  // expected-error @+2 {{expected operands of the same element type, got 'f32' and 'f16'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.mul %a, %b : (tensor<3xf32>, tensor<3xf16>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// (C3) the result is the broadcast shape.
func.func @sub_c3(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<3x3xf32> {
  // expected-error @+2 {{'qgraph.sub' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<3x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.sub %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

// Comparisons produce i1.
func.func @equal_result_type(%a: tensor<3xi64>, %b: tensor<3xi64>) -> tensor<3xi64> {
  // expected-error @+1 {{op result #0 must be ranked tensor of 1-bit signless integer values}}
  %0 = qgraph.equal %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

// Pow is defined on floats only.
func.func @pow_int(%a: tensor<3xi64>, %b: tensor<3xi64>) -> tensor<3xi64> {
  // expected-error @+1 {{op operand #0 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values}}
  %0 = qgraph.pow %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

func.func @and_needs_bool(%a: tensor<3xi64>, %b: tensor<3xi64>) -> tensor<3xi1> {
  // expected-error @+1 {{op operand #0 must be ranked tensor of 1-bit signless integer values}}
  %0 = qgraph.and %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}
