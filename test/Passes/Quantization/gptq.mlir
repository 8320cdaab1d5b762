// Hand-checked GPTQ, 2 bits per channel. W (K x N = 3 x 1) is the row
// w = [0.55, 0.52, 1.0]: scale = 1/3, zero = 0. H couples channels 0 and 1
// (0.9) and leaves 2 alone; with damping 0.01 the upper Cholesky factor U
// of inv(H) has U00 = 2.19253, U01 = -1.95376, U02 = 0. Column 0:
// 0.55 * 3 = 1.65 -> 2, error (0.55 - 2/3) / U00 = -0.05321; column 1 becomes
// 0.52 - (-0.05321)(-1.95376) = 0.41604 -> 1.248 -> 1 (rounding alone: 1.56 -> 2);
// column 2 is unchanged -> 3.
// RUN: %python %S/Inputs/make_stats.py %t.hand "matmul_0:3:1,0.9,0,0.9,1,0,0,0,1"
// RUN: quant-opt %s -split-input-file --qm-quant-gptq="bits=2 group-size=-1 stats-file=%t.hand use-resources=false" | FileCheck %s --check-prefix=HAND
// RUN: quant-opt %s -split-input-file --qm-quant-rtn="bits=2 group-size=-1 use-resources=false" | FileCheck %s --check-prefix=RTN
// HAND-LABEL: func.func @tiny
// HAND-DAG: %[[C:.*]] = arith.constant dense<{{\[}}[2, 1, 3]]> : tensor<1x3xui8>
// HAND-DAG: %[[S:.*]] = arith.constant dense<0.333333343> : tensor<1x1xf32>
// HAND-DAG: %[[Z:.*]] = arith.constant dense<0> : tensor<1x1xui8>
// HAND: qweight.assemble %[[C]], %[[S]] zeros %[[Z]] : {{.*}} -> !qweight.weight<k = 3, n = 1, bits = 2, group_size = -1, symmetric = false, act_order = false, layout = unpacked, scale_type = f32>
// HAND: qweight.matmul
// RTN: arith.constant dense<{{\[}}[2, 2, 3]]> : tensor<1x3xui8>

// Act-order with groups of 2 and H = diag(1, 2, 3): columns are processed
// in the order 2, 1, 0, so group 0 = {2, 1} and group 1 = {0}:
// g_idx = [1, 0, 0]; group 0 ([1.0, 0.52]) has scale 1/3 (codes 3, 2),
// group 1 ([0.55]) scale 0.55/3 (code 3). A diagonal H means no error
// feedback, so this is RTN in the permuted groups.
// RUN: %python %S/Inputs/make_stats.py %t.diag "matmul_0:3:1,0,0,0,2,0,0,0,3"
// RUN: quant-opt %s -split-input-file --qm-quant-gptq="bits=2 group-size=2 act-order=true stats-file=%t.diag use-resources=false" | FileCheck %s --check-prefix=ACT
// ACT-DAG: %[[C:.*]] = arith.constant dense<{{\[}}[3, 2, 3]]> : tensor<1x3xui8>
// ACT-DAG: %[[S:.*]] = arith.constant dense<{{\[}}[0.333333343, 0.183333337]]> : tensor<1x2xf32>
// ACT-DAG: %[[Z:.*]] = arith.constant dense<0> : tensor<1x2xui8>
// ACT-DAG: %[[G:.*]] = arith.constant dense<[1, 0, 0]> : tensor<3xi32>
// ACT: qweight.assemble %[[C]], %[[S]] zeros %[[Z]] g_idx %[[G]] : {{.*}} -> !qweight.weight<k = 3, n = 1, bits = 2, group_size = 2, symmetric = false, act_order = true, layout = unpacked, scale_type = f32>
// Static groups keep the original grouping ({0, 1}, {2}): no g_idx.
// RUN: quant-opt %s -split-input-file --qm-quant-gptq="bits=2 group-size=2 act-order=true static-groups=true stats-file=%t.diag use-resources=false" | FileCheck %s --check-prefix=STATIC
// STATIC: qweight.assemble %{{.*}}, %{{.*}} zeros %{{.*}} : (tensor<1x3xui8>, tensor<1x2xf32>, tensor<1x2xui8>) -> !qweight.weight<k = 3, n = 1, bits = 2, group_size = 2, symmetric = false, act_order = false,

// A dead input channel (diag(H) = 0) gets weight 0: its code is the zero
// point. Channel 1 is dead: w becomes [0.55, 0, 1.0] -> codes [2, 0, 3].
// RUN: %python %S/Inputs/make_stats.py %t.dead "matmul_0:3:1,0,0,0,0,0,0,0,1"
// RUN: quant-opt %s -split-input-file --qm-quant-gptq="bits=2 group-size=-1 stats-file=%t.dead use-resources=false" | FileCheck %s --check-prefix=DEAD
// DEAD: arith.constant dense<{{\[}}[2, 0, 3]]> : tensor<1x3xui8>

// An indefinite Hessian gets more damping and a warning, never NaN.
// RUN: %python %S/Inputs/make_stats.py %t.indef "matmul_0:3:1,-2,0,-2,1,0,0,0,1"
// RUN: quant-opt %s -split-input-file --qm-quant-gptq="bits=2 group-size=-1 stats-file=%t.indef use-resources=false" 2>&1 | FileCheck %s --check-prefix=INDEF
// INDEF: warning: gptq for 'matmul_0': hessian is not positive definite with damping 0.010000; retrying with 0.100000
// INDEF: qweight.assemble

// Statistics for a matmul that is missing, or of the wrong width.
// RUN: %python %S/Inputs/make_stats.py %t.other "node_other:3"
// RUN: not quant-opt %s -split-input-file --qm-quant-gptq="stats-file=%t.other" 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: missing calibration statistics for 'matmul_0'
// RUN: %python %S/Inputs/make_stats.py %t.wide "matmul_0:4"
// RUN: not quant-opt %s -split-input-file --qm-quant-gptq="stats-file=%t.wide" 2>&1 | FileCheck %s --check-prefix=WIDTH
// WIDTH: error: calibration statistics for 'matmul_0' have K = 4, but the weight has K = 3
// RUN: %python %S/Inputs/make_stats.py %t.bad --bad-magic
// RUN: not quant-opt %s -split-input-file --qm-quant-gptq="stats-file=%t.bad" 2>&1 | FileCheck %s --check-prefix=BADFILE
// BADFILE: error: bad calibration statistics file '{{.*}}.bad': missing QMCALIB1 header
// RUN: not quant-opt %s -split-input-file --qm-quant-gptq 2>&1 | FileCheck %s --check-prefix=NOFILE
// NOFILE: error: qm-quant-gptq needs calibration statistics (option stats-file)
// RUN: not quant-opt %s -split-input-file --qm-quant-gptq="stats-file=%t.hand damp-percent=0" 2>&1 | FileCheck %s --check-prefix=DAMP
// DAMP: error: invalid quantization option: invalid damping (0.000000), expected a positive fraction of mean(diag(H))
// RUN: not quant-opt %s -split-input-file --qm-quant-gptq="stats-file=%t.hand block-size=0" 2>&1 | FileCheck %s --check-prefix=BLOCK
// BLOCK: error: invalid quantization option: invalid block size (0)
// RUN: not quant-opt %s -split-input-file --qm-quant-gptq="stats-file=%t.hand static-groups=true" 2>&1 | FileCheck %s --check-prefix=STATICERR
// STATICERR: error: invalid quantization option: static groups only apply with act-order
func.func @tiny(%x: tensor<3x3xf32>) -> tensor<3x1xf32> {
  %w = arith.constant dense<[[0.55], [0.52], [1.0]]> : tensor<3x1xf32>
  %y = qgraph.matmul %x, %w : (tensor<3x3xf32>, tensor<3x1xf32>) -> tensor<3x1xf32>
  %z = qgraph.add %y, %y : (tensor<3x1xf32>, tensor<3x1xf32>) -> tensor<3x1xf32>
  return %z : tensor<3x1xf32>
}

// The two-layer decoder with random PD Hessians for its 14 block linears:
// act-order with groups of 4 carries g_idx; without act-order none; the
// head has no statistics and is not quantized by default, but is an error
// with include-head.
// RUN: %python %S/Inputs/make_stats.py %t.dec node_linear:8 node_linear_1:8:random1 node_linear_2:8:random2 node_linear_3:8:random3 node_linear_4:8:random4 node_linear_5:8:random5 node_linear_6:16:random6 node_linear_7:8:random7 node_linear_8:8:random8 node_linear_9:8:random9 node_linear_10:8:random10 node_linear_11:8:random11 node_linear_12:8:random12 node_linear_13:16:random13
// RUN: quant-opt %S/Inputs/tiny-decoder.mlir --qm-quant-gptq="stats-file=%t.dec act-order=true group-size=4 bits=3" | FileCheck %s --check-prefix=DEC
// DEC-COUNT-14: qweight.assemble {{.*}} g_idx {{.*}}bits = 3, group_size = 4, symmetric = false, act_order = true, layout = unpacked
// DEC: qgraph.matmul {{.*}} tensor<8x32xf32>
// RUN: quant-opt %S/Inputs/tiny-decoder.mlir --qm-quant-gptq="stats-file=%t.dec layout=k_packed" | FileCheck %s --check-prefix=DECPACK
// DECPACK-COUNT-14: qweight.assemble {{.*}} : (tensor<{{[0-9]+}}x{{[12]}}xi32>, {{.*}}act_order = false, layout = k_packed
// RUN: not quant-opt %S/Inputs/tiny-decoder.mlir --qm-quant-gptq="stats-file=%t.dec include-head=true" 2>&1 | FileCheck %s --check-prefix=DECHEAD
// DECHEAD: error: {{.*}}missing calibration statistics for 'node_linear_14' (lm_head)
