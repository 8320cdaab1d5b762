// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @matmul_c1(%x: tensor<2x32xf32>, %w: !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'qweight.matmul' op expected the last dimension of 'x' to be K (64)}}
  %0 = qweight.matmul %x, %w : (tensor<2x32xf32>, !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @matmul_c1_rank(%x: tensor<f32>, %w: !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>) -> tensor<8xf32> {
  // expected-error @+1 {{'qweight.matmul' op expected the last dimension of 'x' to be K (64)}}
  %0 = qweight.matmul %x, %w : (tensor<f32>, !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @matmul_c2(%x: tensor<2x64xf32>, %w: !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>) -> tensor<2x9xf32> {
  // expected-error @+1 {{'qweight.matmul' op expected the result to have the shape of 'x' with the last dimension N, and the element type of 'x'}}
  %0 = qweight.matmul %x, %w : (tensor<2x64xf32>, !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>) -> tensor<2x9xf32>
  return %0 : tensor<2x9xf32>
}

// -----

func.func @matmul_c2_element_type(%x: tensor<2x64xf32>, %w: !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>) -> tensor<2x8xf16> {
  // expected-error @+1 {{'qweight.matmul' op expected the result to have the shape of 'x' with the last dimension N, and the element type of 'x'}}
  %0 = qweight.matmul %x, %w : (tensor<2x64xf32>, !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>) -> tensor<2x8xf16>
  return %0 : tensor<2x8xf16>
}
