// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @observe_c1_tag(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qweight.observe' op expected a non-empty 'tag'}}
  %0 = qweight.observe %x tag "" : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @observe_c1_rank(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'qweight.observe' op expected 'input' of rank >= 1}}
  %0 = qweight.observe %x tag "t" : tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @observe_int(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'qweight.observe' op operand #0 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float values}}
  %0 = "qweight.observe"(%x) {tag = "t"} : (tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}
