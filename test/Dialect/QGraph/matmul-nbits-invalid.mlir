// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @matmul_nbits_c1_bits(%a: tensor<2x32xf32>, %b: tensor<4x1x4xui8>, %s: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'qgraph.matmul_nbits' op bits (9) must be in [2, 8]}}
  %0 = qgraph.matmul_nbits %a, %b, %s {K = 32 : i64, N = 4 : i64, bits = 9 : i64, block_size = 32 : i64} : (tensor<2x32xf32>, tensor<4x1x4xui8>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @matmul_nbits_c1_block_size(%a: tensor<2x32xf32>, %b: tensor<4x1x12xui8>, %s: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'qgraph.matmul_nbits' op block_size (24) must be a power of two >= 16}}
  %0 = qgraph.matmul_nbits %a, %b, %s {K = 32 : i64, N = 4 : i64, block_size = 24 : i64} : (tensor<2x32xf32>, tensor<4x1x12xui8>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @matmul_nbits_c1_sizes(%a: tensor<2x32xf32>, %b: tensor<4x1x16xui8>, %s: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'qgraph.matmul_nbits' op expected positive K and N}}
  %0 = qgraph.matmul_nbits %a, %b, %s {K = 0 : i64, N = 4 : i64, block_size = 32 : i64} : (tensor<2x32xf32>, tensor<4x1x16xui8>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @matmul_nbits_c2(%a: tensor<2x64xf32>, %b: tensor<4x1x16xui8>, %s: tensor<8xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'qgraph.matmul_nbits' op expected 'b' of shape [4, 2, 16]}}
  %0 = qgraph.matmul_nbits %a, %b, %s {K = 64 : i64, N = 4 : i64, block_size = 32 : i64} : (tensor<2x64xf32>, tensor<4x1x16xui8>, tensor<8xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @matmul_nbits_c3(%a: tensor<2x64xf32>, %b: tensor<4x2x16xui8>, %s: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'qgraph.matmul_nbits' op expected 'scales' with 8 elements, got 4}}
  %0 = qgraph.matmul_nbits %a, %b, %s {K = 64 : i64, N = 4 : i64, block_size = 32 : i64} : (tensor<2x64xf32>, tensor<4x2x16xui8>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @matmul_nbits_c4(%a: tensor<2x32xf32>, %b: tensor<4x2x16xui8>, %s: tensor<8xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'qgraph.matmul_nbits' op expected the last dimension of 'a' to be K (64)}}
  %0 = qgraph.matmul_nbits %a, %b, %s {K = 64 : i64, N = 4 : i64, block_size = 32 : i64} : (tensor<2x32xf32>, tensor<4x2x16xui8>, tensor<8xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @matmul_nbits_c4_result(%a: tensor<2x64xf32>, %b: tensor<4x2x16xui8>, %s: tensor<8xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{'qgraph.matmul_nbits' op expected the result to have the shape of 'a' with the last dimension N}}
  %0 = qgraph.matmul_nbits %a, %b, %s {K = 64 : i64, N = 4 : i64, block_size = 32 : i64} : (tensor<2x64xf32>, tensor<4x2x16xui8>, tensor<8xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}
