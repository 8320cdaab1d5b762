// RUN: quant-opt %s -split-input-file -qm-quant-insert-observers | FileCheck %s
// RUN: quant-opt %s -split-input-file -qm-quant-insert-observers -qm-quant-insert-observers | FileCheck %s --check-prefix=TWICE
// RUN: quant-opt %s -split-input-file -qm-quant-insert-observers=min-k=64 | FileCheck %s --check-prefix=MINK

// Constant 2-D weights get an observer tagged with the matmul's name; the
// activation of a matmul between two activations is not observed.
// CHECK-LABEL: func.func @named
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<32x16xf32>
// CHECK: %[[O:.*]] = qweight.observe %arg0 tag "layers.0.q_proj" : tensor<1x4x32xf32>
// CHECK: qgraph.matmul %[[O]], %[[W]]
// CHECK: %[[O2:.*]] = qweight.observe %arg0 tag "matmul_1" : tensor<1x4x32xf32>
// CHECK: qgraph.matmul %[[O2]], %{{.*}}
// CHECK-NOT: qweight.observe
// CHECK: qgraph.matmul %arg1, %arg2
// TWICE-LABEL: func.func @named
// TWICE-COUNT-2: qweight.observe
// TWICE-NOT: qweight.observe
// MINK-LABEL: func.func @named
// MINK-NOT: qweight.observe
func.func @named(%x: tensor<1x4x32xf32>, %a: tensor<4x8xf32>, %b: tensor<8x4xf32>) -> (tensor<1x4x16xf32>, tensor<1x4x16xf32>, tensor<4x4xf32>) {
  %w = arith.constant dense<0.5> : tensor<32x16xf32>
  %0 = qgraph.matmul %x, %w : (tensor<1x4x32xf32>, tensor<32x16xf32>) -> tensor<1x4x16xf32> loc("layers.0.q_proj"("model.onnx":1:1))
  %w2 = arith.constant dense<0.25> : tensor<32x16xf32>
  %id = qgraph.identity %w2 : tensor<32x16xf32>
  %1 = qgraph.matmul %x, %id : (tensor<1x4x32xf32>, tensor<32x16xf32>) -> tensor<1x4x16xf32>
  %2 = qgraph.matmul %a, %b : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32>
  return %0, %1, %2 : tensor<1x4x16xf32>, tensor<1x4x16xf32>, tensor<4x4xf32>
}

// -----

// Integer weights are not quantized.
// CHECK-LABEL: func.func @int_weight
// CHECK-NOT: qweight.observe
func.func @int_weight(%x: tensor<2x8xi32>) -> tensor<2x4xi32> {
  %w = arith.constant dense<1> : tensor<8x4xi32>
  %0 = qgraph.matmul %x, %w : (tensor<2x8xi32>, tensor<8x4xi32>) -> tensor<2x4xi32>
  return %0 : tensor<2x4xi32>
}
