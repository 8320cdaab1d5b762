// RUN: quant-opt %S/Inputs/tiny-decoder.mlir -qm-quant-insert-observers=include-transposed=true | FileCheck %s
// RUN: quant-opt %S/Inputs/tiny-decoder.mlir -qm-quant-insert-observers | FileCheck %s --check-prefix=DEFAULT

// With include-transposed the tied output head (a matmul on a transposed
// constant) is observed too, under the tag qm-quant-gptq looks up.
// CHECK: qweight.observe %{{.*}} tag "node_linear" :
// CHECK-COUNT-13: qweight.observe
// CHECK: %[[O:.*]] = qweight.observe %{{.*}} tag "node_linear_14" : tensor<1x4x8xf32>
// CHECK: qgraph.matmul %[[O]], %{{.*}} : (tensor<1x4x8xf32>, tensor<8x32xf32>)
// DEFAULT-COUNT-14: qweight.observe
// DEFAULT-NOT: qweight.observe
