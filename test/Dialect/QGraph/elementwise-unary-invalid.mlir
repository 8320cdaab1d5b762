// RUN: quant-opt %s -split-input-file -verify-diagnostics

// Float-only ops reject integers.
func.func @sqrt_int(%x: tensor<4xi64>) -> tensor<4xi64> {
  // expected-error @+1 {{op operand #0 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values}}
  %0 = "qgraph.sqrt"(%x) : (tensor<4xi64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

func.func @not_float(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{op operand #0 must be ranked tensor of 1-bit signless integer values}}
  %0 = "qgraph.not"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// The result has the operand's type.
func.func @exp_result_type(%x: tensor<4xf32>) -> tensor<4xf16> {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "qgraph.exp"(%x) : (tensor<4xf32>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

func.func @neg_result_shape(%x: tensor<4xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "qgraph.neg"(%x) : (tensor<4xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @unranked(%x: tensor<*xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{op operand #0 must be ranked tensor}}
  %0 = "qgraph.tanh"(%x) : (tensor<*xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}
