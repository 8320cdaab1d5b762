// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @where_c1(%c: tensor<3xi1>, %t: tensor<4xf32>, %f: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{operand shapes do not broadcast: size 3 vs 4 at dimension 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.where %c, %t, %f : (tensor<3xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @where_c2(%c: tensor<4xi1>, %t: tensor<4xf32>, %f: tensor<4xf16>) -> tensor<4xf32> {
  // expected-error @+2 {{expected 'on_true' and 'on_false' of the same element type, got 'f32' and 'f16'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.where %c, %t, %f : (tensor<4xi1>, tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @where_c3(%c: tensor<1x4xi1>, %t: tensor<4xf32>, %f: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{'qgraph.where' op inferred type(s) 'tensor<1x4xf32>' are incompatible with return type(s) of operation 'tensor<4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.where %c, %t, %f : (tensor<1x4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @where_condition_bool(%c: tensor<4xi64>, %t: tensor<4xf32>, %f: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{op operand #0 must be ranked tensor of 1-bit signless integer values}}
  %0 = "qgraph.where"(%c, %t, %f) : (tensor<4xi64>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @cast_c1(%x: tensor<2x3xi64>) -> tensor<3x2xf32> {
  // expected-error @+1 {{'qgraph.cast' op expected the result to have the input's shape}}
  %0 = qgraph.cast %x : tensor<2x3xi64> to tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @cast_c1_rank(%x: tensor<6xi64>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'qgraph.cast' op expected the result to have the input's shape}}
  %0 = qgraph.cast %x : tensor<6xi64> to tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
