// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @shape_c1(%x: tensor<?x?x64xf32>) -> tensor<2xi64> {
  // expected-error @+2 {{'qgraph.shape' op inferred type(s) 'tensor<3xi64>' are incompatible with return type(s) of operation 'tensor<2xi64>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.shape %x : (tensor<?x?x64xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @shape_c1_clamped(%x: tensor<?x?x64xf32>) -> tensor<4xi64> {
  // expected-error @+2 {{'qgraph.shape' op inferred type(s) 'tensor<2xi64>' are incompatible with return type(s) of operation 'tensor<4xi64>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qgraph.shape %x {start = -7 : si64, end = 2 : si64} : (tensor<?x?x64xf32>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

func.func @shape_i64(%x: tensor<4xf32>) -> tensor<1xi32> {
  // expected-error @+1 {{op result #0 must be ranked tensor of 64-bit signless integer values}}
  %0 = "qgraph.shape"(%x) : (tensor<4xf32>) -> tensor<1xi32>
  return %0 : tensor<1xi32>
}
