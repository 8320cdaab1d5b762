// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @assemble_c1(%q: tensor<64x8xui8>, %s: tensor<8x2xf32>) -> !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32> {
  // expected-error @+1 {{'qweight.assemble' op expected 'codes' of type 'tensor<8x64xui8>' for layout unpacked, got 'tensor<64x8xui8>'}}
  %w = qweight.assemble %q, %s : (tensor<64x8xui8>, tensor<8x2xf32>) -> !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>
  return %w : !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>
}

// -----

func.func @assemble_c1_k_packed(%q: tensor<8x16xi32>, %s: tensor<8x2xf32>) -> !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = k_packed, scale_type = f32> {
  // expected-error @+1 {{'qweight.assemble' op expected 'codes' of type 'tensor<8x8xi32>' for layout k_packed, got 'tensor<8x16xi32>'}}
  %w = qweight.assemble %q, %s : (tensor<8x16xi32>, tensor<8x2xf32>) -> !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = k_packed, scale_type = f32>
  return %w : !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = k_packed, scale_type = f32>
}

// -----

func.func @assemble_c1_gpu_tiled(%q: tensor<8x8xi32>, %s: tensor<8x2xf32>) -> !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = gpu_tiled, scale_type = f32> {
  // expected-error @+1 {{'qweight.assemble' op expected 1-D i32 'codes' for layout gpu_tiled}}
  %w = qweight.assemble %q, %s : (tensor<8x8xi32>, tensor<8x2xf32>) -> !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = gpu_tiled, scale_type = f32>
  return %w : !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = gpu_tiled, scale_type = f32>
}

// -----

func.func @assemble_c2(%q: tensor<8x64xui8>, %s: tensor<8x4xf32>) -> !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32> {
  // expected-error @+1 {{'qweight.assemble' op expected 'scales' of type 'tensor<8x2xf32>', got 'tensor<8x4xf32>'}}
  %w = qweight.assemble %q, %s : (tensor<8x64xui8>, tensor<8x4xf32>) -> !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>
  return %w : !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>
}

// -----

func.func @assemble_c3_missing(%q: tensor<8x64xui8>, %s: tensor<8x2xf32>) -> !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = false, act_order = false, layout = unpacked, scale_type = f32> {
  // expected-error @+1 {{'qweight.assemble' op expected 'zeros' for an asymmetric weight}}
  %w = qweight.assemble %q, %s : (tensor<8x64xui8>, tensor<8x2xf32>) -> !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = false, act_order = false, layout = unpacked, scale_type = f32>
  return %w : !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = false, act_order = false, layout = unpacked, scale_type = f32>
}

// -----

func.func @assemble_c3_unexpected(%q: tensor<8x64xui8>, %s: tensor<8x2xf32>, %z: tensor<8x2xui8>) -> !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32> {
  // expected-error @+1 {{'qweight.assemble' op unexpected 'zeros' for a symmetric weight}}
  %w = qweight.assemble %q, %s zeros %z : (tensor<8x64xui8>, tensor<8x2xf32>, tensor<8x2xui8>) -> !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>
  return %w : !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>
}

// -----

func.func @assemble_c3_type(%q: tensor<8x64xui8>, %s: tensor<8x2xf32>, %z: tensor<8x1xui8>) -> !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = false, act_order = false, layout = unpacked, scale_type = f32> {
  // expected-error @+1 {{'qweight.assemble' op expected 'zeros' of type 'tensor<8x2xui8>', got 'tensor<8x1xui8>'}}
  %w = qweight.assemble %q, %s zeros %z : (tensor<8x64xui8>, tensor<8x2xf32>, tensor<8x1xui8>) -> !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = false, act_order = false, layout = unpacked, scale_type = f32>
  return %w : !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = false, act_order = false, layout = unpacked, scale_type = f32>
}

// -----

func.func @assemble_c4_missing(%q: tensor<8x64xui8>, %s: tensor<8x2xf32>) -> !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = true, layout = unpacked, scale_type = f32> {
  // expected-error @+1 {{'qweight.assemble' op expected 'g_idx' for an act-order weight}}
  %w = qweight.assemble %q, %s : (tensor<8x64xui8>, tensor<8x2xf32>) -> !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = true, layout = unpacked, scale_type = f32>
  return %w : !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = true, layout = unpacked, scale_type = f32>
}

// -----

func.func @assemble_c4_unexpected(%q: tensor<8x64xui8>, %s: tensor<8x2xf32>, %g: tensor<64xi32>) -> !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32> {
  // expected-error @+1 {{'qweight.assemble' op unexpected 'g_idx' without act_order}}
  %w = qweight.assemble %q, %s g_idx %g : (tensor<8x64xui8>, tensor<8x2xf32>, tensor<64xi32>) -> !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>
  return %w : !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>
}

// -----

func.func @assemble_c4_type(%q: tensor<8x64xui8>, %s: tensor<8x2xf32>, %g: tensor<32xi32>) -> !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = true, layout = unpacked, scale_type = f32> {
  // expected-error @+1 {{'qweight.assemble' op expected 'g_idx' of type 'tensor<64xi32>', got 'tensor<32xi32>'}}
  %w = qweight.assemble %q, %s g_idx %g : (tensor<8x64xui8>, tensor<8x2xf32>, tensor<32xi32>) -> !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = true, layout = unpacked, scale_type = f32>
  return %w : !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = true, layout = unpacked, scale_type = f32>
}
