// RUN: quant-opt %s -split-input-file --qm-quant-rtn="bits=2 group-size=-1 use-resources=false" | FileCheck %s --check-prefix=INLINE
// RUN: quant-opt %s -split-input-file --qm-quant-rtn="bits=2 group-size=-1" | FileCheck %s --check-prefix=RES
// RUN: quant-opt %s -split-input-file --qm-quant-rtn="bits=2 group-size=2 layout=k_packed" | FileCheck %s --check-prefix=PACKED
// RUN: quant-opt %s -split-input-file --qm-quant-rtn="bits=4 group-size=-1 symmetric=true use-resources=false" | FileCheck %s --check-prefix=SYM
// RUN: quant-opt %s --qm-quant-rtn="bits=2 group-size=-1" --emit-bytecode | quant-opt | FileCheck %s --check-prefix=RES

// Hand-checked 2-bit case. W is K x N = 4 x 2, so output channel 0 is the
// column [-1, 0.4, 0.6, 2]: lo = -1, hi = 2, scale = 1, zero = 1, codes
// round(w) + 1 = [0, 1, 2, 3] (0.4 -> 0, 0.6 -> 1). Channel 1 is
// [0, 1, 2, 3]: scale 1, zero 0, codes [0, 1, 2, 3].

// INLINE-LABEL: func.func @tiny
// INLINE-DAG: %[[C:.*]] = arith.constant dense<{{\[}}[0, 1, 2, 3], [0, 1, 2, 3]]> : tensor<2x4xui8>
// INLINE-DAG: %[[S:.*]] = arith.constant dense<1.000000e+00> : tensor<2x1xf32>
// INLINE-DAG: %[[Z:.*]] = arith.constant dense<{{\[}}[1], [0]]> : tensor<2x1xui8>
// INLINE: %[[W:.*]] = qweight.assemble %[[C]], %[[S]] zeros %[[Z]] : (tensor<2x4xui8>, tensor<2x1xf32>, tensor<2x1xui8>) -> !qweight.weight<k = 4, n = 2, bits = 2, group_size = -1, symmetric = false, act_order = false, layout = unpacked, scale_type = f32>
// INLINE: %[[Y:.*]] = qweight.matmul %arg0, %[[W]]
// INLINE-NOT: qgraph.matmul
// INLINE-NOT: tensor<4x2xf32>
// INLINE: qgraph.add %[[Y]], %[[Y]]

// The same values as dense_resource blobs (little-endian, after the 4-byte
// alignment word), also after a bytecode round trip.
// RES-LABEL: func.func @tiny
// RES: arith.constant dense_resource<matmul_0_codes> : tensor<2x4xui8>
// RES: arith.constant dense_resource<matmul_0_scales> : tensor<2x1xf32>
// RES: arith.constant dense_resource<matmul_0_zeros> : tensor<2x1xui8>
// RES: qweight.matmul
// RES: matmul_0_codes: "0x010000000001020300010203"
// RES: matmul_0_scales: "0x040000000000803F0000803F"
// RES: matmul_0_zeros: "0x010000000100"

// Groups of 2, k_packed: channel 0 groups [-1, 0.4] (scale 1.4/3, zero 2,
// codes 0, 3) and [0.6, 2] (scale 2/3, zero 0, codes 1, 3); packed 2-bit
// little-endian: 0 | 3 << 2 | 1 << 4 | 3 << 6 = 0xDC.
// PACKED-LABEL: func.func @tiny
// PACKED: arith.constant dense_resource<matmul_0_codes> : tensor<2x1xi32>
// PACKED: qweight.assemble {{.*}} -> !qweight.weight<k = 4, n = 2, bits = 2, group_size = 2, symmetric = false, act_order = false, layout = k_packed, scale_type = f32>
// PACKED: matmul_0_codes: "0x04000000DC000000EC000000"
// PACKED: matmul_0_zeros: "0x0100000002000000"

// Symmetric 4-bit: channel 0 amax = 2, scale = 4 / 15, zero 8 (no zeros
// operand): codes round(w * 3.75) + 8 = [4, 10, 10, 15] (7.5 -> 8 -> 16
// clamps to 15); channel 1 amax = 3, scale 0.4: [8, 10, 13, 15] (2.5 -> 2).
// SYM-LABEL: func.func @tiny
// SYM: arith.constant dense<{{\[}}[4, 10, 10, 15], [8, 10, 13, 15]]> : tensor<2x4xui8>
// SYM: qweight.assemble %{{.*}}, %{{.*}} : (tensor<2x4xui8>, tensor<2x1xf32>) -> !qweight.weight<k = 4, n = 2, bits = 4, group_size = -1, symmetric = true
func.func @tiny(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[-1.0, 0.0], [0.4, 1.0], [0.6, 2.0], [2.0, 3.0]]> : tensor<4x2xf32>
  %y = qgraph.matmul %x, %w : (tensor<2x4xf32>, tensor<4x2xf32>) -> tensor<2x2xf32>
  %z = qgraph.add %y, %y : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %z : tensor<2x2xf32>
}

// -----

// Not quantizable: a non-constant weight, and a matmul whose result is
// returned (the output head) is skipped by default.
// INLINE-LABEL: func.func @skipped
// INLINE: qgraph.matmul %arg0, %arg1
// INLINE: qgraph.matmul
// INLINE-NOT: qweight
func.func @skipped(%x: tensor<2x4xf32>, %w: tensor<4x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %y = qgraph.matmul %x, %w : (tensor<2x4xf32>, tensor<4x2xf32>) -> tensor<2x2xf32>
  %c = arith.constant dense<1.0> : tensor<4x2xf32>
  %h = qgraph.matmul %x, %c : (tensor<2x4xf32>, tensor<4x2xf32>) -> tensor<2x2xf32>
  return %y, %h : tensor<2x2xf32>, tensor<2x2xf32>
}

// Layer analysis and config overrides on a two-layer decoder: q_proj of
// every layer skipped, layer 1's down_proj at 8 bits in groups of 8; the
// output head (tied to the gathered embedding through a transpose) stays
// float unless include-head.
// RUN: printf '# overrides\nlayers.1.mlp.down_proj bits=8 group-size=8\n*.self_attn.q_proj   skip  # both layers\n' > %t.cfg
// RUN: quant-opt %S/Inputs/tiny-decoder.mlir --qm-quant-rtn="config=%t.cfg" | FileCheck %s --check-prefix=CFG
// CFG: qgraph.gather
// CFG: qgraph.matmul %{{.*}}, %{{.*}} : (tensor<1x4x8xf32>, tensor<8x8xf32>)
// CFG-COUNT-6: qweight.matmul {{.*}}bits = 4, group_size = -1,
// CFG: qgraph.matmul %{{.*}}, %{{.*}} : (tensor<1x4x8xf32>, tensor<8x8xf32>)
// CFG-COUNT-5: qweight.matmul {{.*}}bits = 4, group_size = -1,
// CFG: qweight.matmul {{.*}}k = 16, n = 8, bits = 8, group_size = 8,
// CFG: qgraph.transpose
// CFG: qgraph.matmul %{{.*}}, %{{.*}} : (tensor<1x4x8xf32>, tensor<8x32xf32>)

// RUN: quant-opt %S/Inputs/tiny-decoder.mlir --qm-quant-rtn="include-head=true bits=3 group-size=4" | FileCheck %s --check-prefix=HEAD
// HEAD: %[[EMB:.*]] = arith.constant dense<{{.*}}> : tensor<32x8xf32>
// HEAD: qgraph.gather %[[EMB]]
// HEAD-NOT: qgraph.matmul
// HEAD-NOT: qgraph.transpose
// HEAD: qweight.matmul {{.*}}k = 8, n = 32, bits = 3, group_size = 4, {{.*}} -> tensor<1x4x32xf32>

// `only` restricts the pass to some names (sequential quantization).
// RUN: quant-opt %S/Inputs/tiny-decoder.mlir --qm-quant-rtn="only=layers.1.mlp.*,node_linear" | FileCheck %s --check-prefix=ONLY
// ONLY-COUNT-1: qweight.matmul {{.*}} -> tensor<1x4x8xf32>
// ONLY-COUNT-10: qgraph.matmul
// ONLY-COUNT-3: qweight.matmul
// ONLY: qgraph.matmul

// Bad options and config files.
// RUN: not quant-opt %s --qm-quant-rtn="bits=5" 2>&1 | FileCheck %s --check-prefix=ERR-BITS
// ERR-BITS: error: invalid quantization option: unsupported bits (5), expected 2, 3, 4 or 8
// RUN: not quant-opt %s --qm-quant-rtn="group-size=0" 2>&1 | FileCheck %s --check-prefix=ERR-GS
// ERR-GS: error: invalid quantization option: invalid group size (0), expected -1 (per channel) or a positive size
// RUN: not quant-opt %s --qm-quant-rtn="layout=gpu_tiled" 2>&1 | FileCheck %s --check-prefix=ERR-LAYOUT
// ERR-LAYOUT: error: invalid quantization option: layout 'gpu_tiled' (expected unpacked or k_packed)
// RUN: printf 'layers.0.mlp.up_proj bits=8\nlayers.2.self_attn.q_proj skip\n' > %t.bad1
// RUN: not quant-opt %S/Inputs/tiny-decoder.mlir --qm-quant-rtn="config=%t.bad1" 2>&1 | FileCheck %s --check-prefix=ERR-NAME
// ERR-NAME: :2:1: error: quantization config '{{.*}}.bad1' line 2: 'layers.2.self_attn.q_proj' matches no quantizable matmul (15 known, from 'layers.0.self_attn.q_proj' to 'lm_head')
// RUN: printf '*.o_proj bits=8 colour=red\n' > %t.bad2
// RUN: not quant-opt %S/Inputs/tiny-decoder.mlir --qm-quant-rtn="config=%t.bad2" 2>&1 | FileCheck %s --check-prefix=ERR-KEY
// ERR-KEY: error: quantization config '{{.*}}.bad2' line 1: unknown setting 'colour=red'
// RUN: printf '*.o_proj bits=6\n' > %t.bad3
// RUN: not quant-opt %S/Inputs/tiny-decoder.mlir --qm-quant-rtn="config=%t.bad3" 2>&1 | FileCheck %s --check-prefix=ERR-CFGBITS
// ERR-CFGBITS: error: quantization config '{{.*}}.bad3' line 1: for 'layers.0.self_attn.o_proj': unsupported bits (6)
// RUN: not quant-opt %S/Inputs/tiny-decoder.mlir --qm-quant-rtn="config=%t.does-not-exist" 2>&1 | FileCheck %s --check-prefix=ERR-NOFILE
// ERR-NOFILE: error: cannot read quantization config '{{.*}}does-not-exist'
