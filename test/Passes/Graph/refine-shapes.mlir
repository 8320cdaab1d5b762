// RUN: quant-opt %s -qm-graph-refine-shapes='pin=input_ids=1x128' | FileCheck %s
// RUN: quant-opt %s -qm-graph-refine-shapes='pin=input_ids=1x128' | FileCheck %s --check-prefix=STATIC
// RUN: quant-opt %s -split-input-file -qm-graph-refine-shapes='fold=false' | FileCheck %s --check-prefix=NOFOLD
// RUN: not quant-opt %s -qm-graph-refine-shapes='pin=nope=1x2' 2>&1 | FileCheck %s --check-prefix=BADPIN

// The attention-mask, rotary and head-reshape subgraphs of the tinyllama
// export (torch.onnx dynamo, opset 18), node for node as the importer emits
// them with input_ids dynamic (sizes ONNX shape inference knows are static,
// e.g. the index depth 2 of the GatherND indices). Pinning input_ids to 1x128 makes every type
// static and every shape computation a constant.

// CHECK-LABEL: func.func @main
// CHECK-SAME: (%{{.*}}: tensor<1x128xi64> {qgraph.name = "input_ids"})
// CHECK-SAME: -> (tensor<1x1x128x128xf32>, tensor<1x128x64xf32>, tensor<1x2x128x4xf32>)
// CHECK-DAG: %[[HEADS:.*]] = arith.constant dense<[1, 128, 2, 4]> : tensor<4xi64>
// CHECK-DAG: qgraph.gather_nd %{{.*}}, %{{.*}} : (tensor<1x128xi64>, tensor<1x1x128x1x2xi64>) -> tensor<1x1x128x1xi64>
// CHECK-DAG: qgraph.cumsum %{{.*}}, %{{.*}} : (tensor<1x128xi64>, tensor<i64>) -> tensor<1x128xi64>
// CHECK-DAG: qgraph.less_or_equal %{{.*}}, %{{.*}} : (tensor<1x1x1x128xi64>, tensor<1x1x128x1xi64>) -> tensor<1x1x128x128xi1>
// CHECK-DAG: qgraph.where %{{.*}} : (tensor<1x1x128x128xi1>, tensor<f32>, tensor<f32>) -> tensor<1x1x128x128xf32>
// CHECK-DAG: qgraph.cos %{{.*}} : tensor<1x128x64xf32>
// CHECK-DAG: qgraph.reshape %{{.*}}, %[[HEADS]] {allowzero = true} : (tensor<1x128x8xf32>, tensor<4xi64>) -> tensor<1x128x2x4xf32>
// CHECK-DAG: qgraph.transpose %{{.*}} {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x128x2x4xf32>) -> tensor<1x2x128x4xf32>

// No dynamic size and no shape arithmetic is left in @main.
// STATIC-LABEL: func.func @main
// STATIC-NOT: {{\?|qgraph\.(shape|range|squeeze|unsqueeze|expand|slice|cast|not|sub|max)}}
// STATIC: func.func @value_dependent

// Without pinned inputs nothing is invented: batch and sequence stay
// dynamic, but what constant operands fix is found (the rotary width, the
// size-1 dimensions that Unsqueeze inserts).
// NOFOLD-LABEL: func.func @main
// NOFOLD-SAME: -> (tensor<?x?x?x?xf32>, tensor<1x?x64xf32>, tensor<?x?x?x?xf32>)
// NOFOLD: qgraph.shape
// NOFOLD: qgraph.unsqueeze %{{.*}}, %{{.*}} : (tensor<?x1x1xi64>, tensor<1xi64>) -> tensor<?x1x1x1xi64>
// NOFOLD: qgraph.less_or_equal %{{.*}}, %{{.*}} : (tensor<1x1x1x?xi64>, tensor<1x1x?x1xi64>) -> tensor<1x1x?x?xi1>
// NOFOLD: qgraph.concat %{{.*}}, %{{.*}} {axis = -1 : si64} : (tensor<1x?x32xf32>, tensor<1x?x32xf32>) -> tensor<1x?x64xf32>

// BADPIN: error: no function argument named 'nope' to pin
func.func @main(%ids: tensor<?x?xi64> {qgraph.name = "input_ids"}) -> (tensor<?x?x?x?xf32>, tensor<?x?x?xf32>, tensor<?x?x?x?xf32>) {
  %table = arith.constant dense<0.5> : tensor<16x8xf32>
  %wq = arith.constant dense<0.25> : tensor<8x8xf32>
  %inv_freq = arith.constant dense<0.75> : tensor<1x32x1xf32>
  %val_4 = arith.constant dense<0> : tensor<i64>
  %val_6 = arith.constant dense<1> : tensor<i64>
  %val_26 = arith.constant dense<0> : tensor<1xi64>
  %val_29 = arith.constant dense<1> : tensor<1xi64>
  %val_43 = arith.constant dense<-1> : tensor<1xi64>
  %val_40 = arith.constant dense<-1> : tensor<i64>
  %val_1136 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %val_1137 = arith.constant dense<[0, 1]> : tensor<2xi64>
  %val_145 = arith.constant dense<3> : tensor<1xi64>
  %val_73 = arith.constant dense<2> : tensor<1xi64>
  %val_119 = arith.constant dense<4> : tensor<1xi64>
  %new_ones = arith.constant dense<true> : tensor<i1>
  %clone = arith.constant dense<0.0> : tensor<f32>
  %val_103 = arith.constant dense<0xFF800000> : tensor<f32>

  %val_0 = qgraph.shape %ids {start = 0 : si64, end = 1 : si64} : (tensor<?x?xi64>) -> tensor<1xi64>
  %sym_b = qgraph.squeeze %val_0 : (tensor<1xi64>) -> tensor<i64>
  %val_1 = qgraph.shape %ids {start = 1 : si64, end = 2 : si64} : (tensor<?x?xi64>) -> tensor<1xi64>
  %sym_s = qgraph.squeeze %val_1 : (tensor<1xi64>) -> tensor<i64>
  %embedding = qgraph.gather %table, %ids : (tensor<16x8xf32>, tensor<?x?xi64>) -> tensor<?x?x8xf32>
  %arange = qgraph.range %val_4, %sym_s, %val_6 : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %unsqueeze = qgraph.unsqueeze %arange, %val_26 : (tensor<?xi64>, tensor<1xi64>) -> tensor<1x?xi64>
  %val_12 = qgraph.concat %val_0, %val_29 {axis = 0 : si64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %expand = qgraph.expand %unsqueeze, %val_12 : (tensor<1x?xi64>, tensor<2xi64>) -> tensor<?x?xi64>
  %slice_2 = qgraph.slice %expand, %val_26, %val_29 axes %val_29 steps %val_29 : (tensor<?x?xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?xi64>
  %sub_10 = qgraph.sub %slice_2, %val_6 : (tensor<?x?xi64>, tensor<i64>) -> tensor<?x?xi64>
  %cat = qgraph.concat %sub_10, %expand {axis = -1 : si64} : (tensor<?x?xi64>, tensor<?x?xi64>) -> tensor<?x?xi64>
  %add_2651 = qgraph.add %val_6, %sym_s : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %slice_3 = qgraph.slice %cat, %val_26, %val_1 axes %val_43 steps %val_29 : (tensor<?x?xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?xi64>
  %val_50 = qgraph.reshape %add_2651, %val_43 : (tensor<i64>, tensor<1xi64>) -> tensor<?xi64>
  %slice_4 = qgraph.slice %cat, %val_29, %val_50 axes %val_43 steps %val_29 : (tensor<?x?xi64>, tensor<1xi64>, tensor<?xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?xi64>
  %sub_21 = qgraph.sub %slice_4, %slice_3 : (tensor<?x?xi64>, tensor<?x?xi64>) -> tensor<?x?xi64>
  %val_55 = qgraph.equal %sub_21, %val_6 : (tensor<?x?xi64>, tensor<i64>) -> tensor<?x?xi1>
  %ne = qgraph.not %val_55 : tensor<?x?xi1>
  %conv = qgraph.cast %ne : tensor<?x?xi1> to tensor<?x?xi64>
  %cumsum = qgraph.cumsum %conv, %val_40 : (tensor<?x?xi64>, tensor<i64>) -> tensor<?x?xi64>
  %arange_1 = qgraph.range %val_4, %sym_b, %val_6 : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %unsqueeze_2 = qgraph.unsqueeze %arange_1, %val_1136 : (tensor<?xi64>, tensor<2xi64>) -> tensor<?x?x?xi64>
  %unsqueeze_3 = qgraph.unsqueeze %unsqueeze_2, %val_145 : (tensor<?x?x?xi64>, tensor<1xi64>) -> tensor<?x?x?x?xi64>
  %unsqueeze_8 = qgraph.unsqueeze %arange, %val_1137 : (tensor<?xi64>, tensor<2xi64>) -> tensor<?x?x?xi64>
  %unsqueeze_9 = qgraph.unsqueeze %unsqueeze_8, %val_145 : (tensor<?x?x?xi64>, tensor<1xi64>) -> tensor<?x?x?x?xi64>
  %unsqueeze_12 = qgraph.unsqueeze %unsqueeze_8, %val_73 : (tensor<?x?x?xi64>, tensor<1xi64>) -> tensor<?x?x?x?xi64>
  %le_5 = qgraph.less_or_equal %unsqueeze_12, %unsqueeze_9 : (tensor<?x?x?x?xi64>, tensor<?x?x?x?xi64>) -> tensor<?x?x?x?xi1>
  %bitwise_and = qgraph.and %new_ones, %le_5 : (tensor<i1>, tensor<?x?x?x?xi1>) -> tensor<?x?x?x?xi1>
  %val_79 = qgraph.max %unsqueeze_3, %unsqueeze_9 : (tensor<?x?x?x?xi64>, tensor<?x?x?x?xi64>) -> tensor<?x?x?x?xi64>
  %val_80 = qgraph.shape %val_79 : (tensor<?x?x?x?xi64>) -> tensor<4xi64>
  %val_81 = qgraph.expand %unsqueeze_3, %val_80 : (tensor<?x?x?x?xi64>, tensor<4xi64>) -> tensor<?x?x?x?xi64>
  %val_83 = qgraph.unsqueeze %val_81, %val_43 : (tensor<?x?x?x?xi64>, tensor<1xi64>) -> tensor<?x?x?x?x?xi64>
  %val_84 = qgraph.expand %unsqueeze_9, %val_80 : (tensor<?x?x?x?xi64>, tensor<4xi64>) -> tensor<?x?x?x?xi64>
  %val_85 = qgraph.unsqueeze %val_84, %val_43 : (tensor<?x?x?x?xi64>, tensor<1xi64>) -> tensor<?x?x?x?x?xi64>
  %val_86 = qgraph.concat %val_83, %val_85 {axis = -1 : si64} : (tensor<?x?x?x?x?xi64>, tensor<?x?x?x?x?xi64>) -> tensor<?x?x?x?x2xi64>
  %val_87 = qgraph.gather_nd %cumsum, %val_86 : (tensor<?x?xi64>, tensor<?x?x?x?x2xi64>) -> tensor<?x?x?x?xi64>
  %val_89 = qgraph.max %unsqueeze_3, %unsqueeze_12 : (tensor<?x?x?x?xi64>, tensor<?x?x?x?xi64>) -> tensor<?x?x?x?xi64>
  %val_90 = qgraph.shape %val_89 : (tensor<?x?x?x?xi64>) -> tensor<4xi64>
  %val_91 = qgraph.expand %unsqueeze_3, %val_90 : (tensor<?x?x?x?xi64>, tensor<4xi64>) -> tensor<?x?x?x?xi64>
  %val_92 = qgraph.unsqueeze %val_91, %val_43 : (tensor<?x?x?x?xi64>, tensor<1xi64>) -> tensor<?x?x?x?x?xi64>
  %val_93 = qgraph.expand %unsqueeze_12, %val_90 : (tensor<?x?x?x?xi64>, tensor<4xi64>) -> tensor<?x?x?x?xi64>
  %val_94 = qgraph.unsqueeze %val_93, %val_43 : (tensor<?x?x?x?xi64>, tensor<1xi64>) -> tensor<?x?x?x?x?xi64>
  %val_95 = qgraph.concat %val_92, %val_94 {axis = -1 : si64} : (tensor<?x?x?x?x?xi64>, tensor<?x?x?x?x?xi64>) -> tensor<?x?x?x?x2xi64>
  %val_96 = qgraph.gather_nd %cumsum, %val_95 : (tensor<?x?xi64>, tensor<?x?x?x?x2xi64>) -> tensor<?x?x?x?xi64>
  %eq_49 = qgraph.equal %val_87, %val_96 : (tensor<?x?x?x?xi64>, tensor<?x?x?x?xi64>) -> tensor<?x?x?x?xi1>
  %bitwise_and_1 = qgraph.and %bitwise_and, %eq_49 : (tensor<?x?x?x?xi1>, tensor<?x?x?x?xi1>) -> tensor<?x?x?x?xi1>
  %where = qgraph.where %bitwise_and_1, %clone, %val_103 : (tensor<?x?x?x?xi1>, tensor<f32>, tensor<f32>) -> tensor<?x?x?x?xf32>

  // Rotary embedding.
  %unsqueeze_15 = qgraph.unsqueeze %unsqueeze, %val_29 : (tensor<1x?xi64>, tensor<1xi64>) -> tensor<?x?x?xi64>
  %to_copy = qgraph.cast %unsqueeze_15 : tensor<?x?x?xi64> to tensor<?x?x?xf32>
  %matmul = qgraph.matmul %inv_freq, %to_copy : (tensor<1x32x1xf32>, tensor<?x?x?xf32>) -> tensor<?x32x?xf32>
  %transpose = qgraph.transpose %matmul {perm = array<i64: 0, 2, 1>} : (tensor<?x32x?xf32>) -> tensor<?x?x32xf32>
  %cat_1 = qgraph.concat %transpose, %transpose {axis = -1 : si64} : (tensor<?x?x32xf32>, tensor<?x?x32xf32>) -> tensor<?x?x?xf32>
  %cos = qgraph.cos %cat_1 : tensor<?x?x?xf32>

  // Head split of the q projection.
  %linear = qgraph.matmul %embedding, %wq : (tensor<?x?x8xf32>, tensor<8x8xf32>) -> tensor<?x?x8xf32>
  %val_120 = qgraph.concat %val_0, %val_1, %val_43, %val_119 {axis = 0 : si64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4xi64>
  %view = qgraph.reshape %linear, %val_120 {allowzero = true} : (tensor<?x?x8xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  %transpose_1 = qgraph.transpose %view {perm = array<i64: 0, 2, 1, 3>} : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  return %where, %cos, %transpose_1 : tensor<?x?x?x?xf32>, tensor<?x?x?xf32>, tensor<?x?x?x?xf32>
}

// -----

// Value-dependent ops with constant operands, without folding.
// NOFOLD-LABEL: func.func @value_dependent
// NOFOLD: qgraph.reshape %{{.*}} -> tensor<2x12xf32>
// NOFOLD: qgraph.expand %{{.*}} -> tensor<3x2x12xf32>
// NOFOLD: qgraph.slice %{{.*}} -> tensor<3x2x4xf32>
// NOFOLD: qgraph.slice %{{.*}} -> tensor<?x2x12xf32>
// NOFOLD: qgraph.range %{{.*}} -> tensor<5xi64>
// NOFOLD: qgraph.constant_of_shape %{{.*}} -> tensor<3x4xf32>
// NOFOLD: qgraph.squeeze %{{.*}} -> tensor<24xf32>
// NOFOLD: qgraph.reduce_sum %{{.*}} -> tensor<3x1x12xf32>
// NOFOLD: qgraph.reduce_max %{{.*}} -> tensor<f32>
// NOFOLD: qgraph.split %{{.*}} -> (tensor<3x2x4xf32>, tensor<3x2x4xf32>, tensor<3x2x4xf32>)
// NOFOLD: qgraph.split %{{.*}} -> (tensor<3x2x4xf32>, tensor<3x2x8xf32>)
// NOFOLD: qgraph.softmax %{{.*}} : tensor<3x2x12xf32>
// NOFOLD: qweight.observe %{{.*}} : tensor<3x2x12xf32>
func.func @value_dependent(%x: tensor<2x3x4xf32>, %dyn: tensor<?xi64>) -> (tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?xi64>, tensor<?x?xf32>, tensor<?xf32>, tensor<?x?x?xf32>, tensor<f32>, tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?x?x?xf32>) {
  %s = arith.constant dense<[0, -1]> : tensor<2xi64>
  %r = qgraph.reshape %x, %s : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %es = arith.constant dense<[3, 1, 1]> : tensor<3xi64>
  %e = qgraph.expand %r, %es : (tensor<?x?xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  %c0 = arith.constant dense<0> : tensor<1xi64>
  %c4 = arith.constant dense<4> : tensor<1xi64>
  %m1 = arith.constant dense<-1> : tensor<1xi64>
  %sl = qgraph.slice %e, %c0, %c4 axes %m1 : (tensor<?x?x?xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?x?xf32>
  %sl2 = qgraph.slice %e, %dyn, %dyn axes %c0 : (tensor<?x?x?xf32>, tensor<?xi64>, tensor<?xi64>, tensor<1xi64>) -> tensor<?x?x?xf32>
  %a = arith.constant dense<0> : tensor<i64>
  %b = arith.constant dense<10> : tensor<i64>
  %d = arith.constant dense<2> : tensor<i64>
  %rg = qgraph.range %a, %b, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %shape = arith.constant dense<[3, 4]> : tensor<2xi64>
  %cs = qgraph.constant_of_shape %shape, dense<1.0> : tensor<1xf32> : (tensor<2xi64>) -> tensor<?x?xf32>
  %one = arith.constant dense<[1, 24]> : tensor<2xi64>
  %r1 = qgraph.reshape %x, %one : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %sq = qgraph.squeeze %r1 : (tensor<?x?xf32>) -> tensor<?xf32>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %red = qgraph.reduce_sum %e, %ax1 : (tensor<?x?x?xf32>, tensor<1xi64>) -> tensor<?x?x?xf32>
  %rmax = qgraph.reduce_max %e {keepdims = false} : (tensor<?x?x?xf32>) -> tensor<f32>
  %p:3 = qgraph.split %e {axis = -1 : si64} : (tensor<?x?x?xf32>) -> (tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?x?x?xf32>)
  %sizes = arith.constant dense<[4, 8]> : tensor<2xi64>
  %q:2 = qgraph.split %e, %sizes {axis = 2 : si64} : (tensor<?x?x?xf32>, tensor<2xi64>) -> (tensor<?x?x?xf32>, tensor<?x?x?xf32>)
  %sm = qgraph.softmax %e : tensor<?x?x?xf32>
  %ob = qweight.observe %sm tag "t" : tensor<?x?x?xf32>
  return %sl, %sl2, %rg, %cs, %sq, %red, %rmax, %p#2, %q#1, %sm, %ob : tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?xi64>, tensor<?x?xf32>, tensor<?xf32>, tensor<?x?x?xf32>, tensor<f32>, tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?x?x?xf32>
}

// -----

// A refined value used outside the graph dialects reaches it through
// tensor.cast; a function with callers keeps its signature.
// NOFOLD-LABEL: func.func private @callee
// NOFOLD-SAME: -> tensor<?xf32>
// NOFOLD: %[[A:.*]] = qgraph.add %{{.*}} -> tensor<4xf32>
// NOFOLD: %[[C:.*]] = tensor.cast %[[A]] : tensor<4xf32> to tensor<?xf32>
// NOFOLD: tensor.dim %[[C]]
// NOFOLD: %[[E:.*]] = qgraph.exp %[[A]] : tensor<4xf32>
// NOFOLD: %[[R:.*]] = tensor.cast %[[E]] : tensor<4xf32> to tensor<?xf32>
// NOFOLD: return %[[R]]
func.func private @callee(%x: tensor<4xf32>) -> tensor<?xf32> {
  %c0 = arith.constant 0 : index
  %0 = qgraph.add %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<?xf32>
  %d = tensor.dim %0, %c0 : tensor<?xf32>
  %1 = qgraph.exp %0 : tensor<?xf32>
  return %1 : tensor<?xf32>
}
func.func @caller(%x: tensor<4xf32>) -> tensor<?xf32> {
  %0 = func.call @callee(%x) : (tensor<4xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// A pinned shape must be compatible with the declared one.
// RUN: not quant-opt %s -qm-graph-refine-shapes='pin=bad=3x3' 2>&1 | FileCheck %s --check-prefix=BADSHAPE
// BADSHAPE: error: cannot pin argument 'bad' of type 'tensor<4xf32>' to shape 3x3
func.func @bad_pin(%x: tensor<4xf32> {qgraph.name = "bad"}) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// qweight ops follow their activation operand.
// NOFOLD-LABEL: func.func @qweight_ops
// NOFOLD-SAME: -> tensor<2x8xf32>
// NOFOLD: qweight.observe %{{.*}} : tensor<2x64xf32>
// NOFOLD: qweight.matmul %{{.*}} : (tensor<2x64xf32>, {{.*}}) -> tensor<2x8xf32>
func.func @qweight_ops(%x: tensor<2x64xf32>, %w: !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>) -> tensor<?x?xf32> {
  %0 = qgraph.identity %x : tensor<2x64xf32>
  %c = tensor.cast %0 : tensor<2x64xf32> to tensor<?x64xf32>
  %1 = qgraph.add %c, %0 : (tensor<?x64xf32>, tensor<2x64xf32>) -> tensor<?x64xf32>
  %2 = qweight.observe %1 tag "t" : tensor<?x64xf32>
  %3 = qweight.matmul %2, %w : (tensor<?x64xf32>, !qweight.weight<k = 64, n = 8, bits = 4, group_size = 32, symmetric = true, act_order = false, layout = unpacked, scale_type = f32>) -> tensor<?x?xf32>
  return %3 : tensor<?x?xf32>
}
