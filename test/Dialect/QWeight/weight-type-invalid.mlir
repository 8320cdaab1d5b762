// RUN: quant-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{expected positive k and n, got 0 and 8}}
func.func private @weight_k(!qweight.weight<k = 0, n = 8, bits = 4, group_size = -1, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>)

// -----

// expected-error @+1 {{bits (5) must be 2, 3, 4 or 8}}
func.func private @weight_bits(!qweight.weight<k = 32, n = 8, bits = 5, group_size = -1, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>)

// -----

// expected-error @+1 {{group_size (64) must be -1 (per channel) or in [1, k]}}
func.func private @weight_group_size(!qweight.weight<k = 32, n = 8, bits = 4, group_size = 64, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>)

// -----

// expected-error @+1 {{group_size (0) must be -1 (per channel) or in [1, k]}}
func.func private @weight_group_size_zero(!qweight.weight<k = 32, n = 8, bits = 4, group_size = 0, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>)

// -----

// expected-error @+1 {{scale_type must be f32, f16 or bf16, got 'f64'}}
func.func private @weight_scale_type(!qweight.weight<k = 32, n = 8, bits = 4, group_size = -1, symmetric = true, act_order = false, layout = unpacked, scale_type = f64>)

// -----

// expected-error @+2 {{expected one of [unpacked, k_packed, gpu_tiled] for storage layout of quantized codes, got: packed}}
// expected-error @+1 {{failed to parse QWeight_WeightType parameter 'layout'}}
func.func private @weight_layout(!qweight.weight<k = 32, n = 8, bits = 4, group_size = -1, symmetric = true, act_order = false, layout = packed, scale_type = f32>)
