// RUN: quant-opt %s -split-input-file | quant-opt -split-input-file | FileCheck %s
// RUN: quant-opt %s -split-input-file -mlir-print-op-generic | quant-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @observe
// CHECK: %[[O:.*]] = qweight.observe %{{.*}} tag "layers.0.self_attn.q_proj" : tensor<1x?x64xf32>
// CHECK: return %[[O]]
func.func @observe(%x: tensor<1x?x64xf32>) -> tensor<1x?x64xf32> {
  %0 = qweight.observe %x tag "layers.0.self_attn.q_proj" : tensor<1x?x64xf32>
  return %0 : tensor<1x?x64xf32>
}

// -----

// The op writes to the collector: canonicalization keeps an unused observe.
// RUN: quant-opt %s -split-input-file -canonicalize | FileCheck %s --check-prefix=CANON
// CANON-LABEL: func.func @unused
// CANON: qweight.observe
func.func @unused(%x: tensor<4xf16>) {
  %0 = qweight.observe %x tag "t" : tensor<4xf16>
  return
}
