// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @dequantize_c1(%w: !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>) -> tensor<8x64xf32> {
  // expected-error @+1 {{'qweight.dequantize' op expected a result of shape 64x8}}
  %0 = qweight.dequantize %w : !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32> -> tensor<8x64xf32>
  return %0 : tensor<8x64xf32>
}

// -----

func.func @dequantize_c1_type(%w: !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>) -> tensor<64x8xf64> {
  // expected-error @+1 {{'qweight.dequantize' op result #0 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float values}}
  %0 = qweight.dequantize %w : !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32> -> tensor<64x8xf64>
  return %0 : tensor<64x8xf64>
}
