// RUN: quant-opt %s -qm-outline-loop-nests=min-ops=4 -split-input-file | FileCheck %s

// Two nests: each moves into its own noinline function; the memrefs become
// arguments, the constants are cloned in.
// CHECK-LABEL: func.func @two_nests(
// CHECK-SAME:      %[[A:.*]]: memref<8xf32>, %[[B:.*]]: memref<8xf32>)
// CHECK:         call @two_nests_nest0(%[[A]], %[[B]]) : (memref<8xf32>, memref<8xf32>) -> ()
// CHECK-NEXT:    call @two_nests_nest1(%[[B]]) : (memref<8xf32>) -> ()
// CHECK-NEXT:    return
// CHECK:       func.func private @two_nests_nest0(%[[X:.*]]: memref<8xf32>, %[[Y:.*]]: memref<8xf32>)
// CHECK-SAME:      attributes {passthrough = ["noinline"]}
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C8:.*]] = arith.constant 8 : index
// CHECK:         scf.for %{{.*}} = %[[C0]] to %[[C8]]
// CHECK:           memref.load %[[X]]
// CHECK:           memref.store %{{.*}}, %[[Y]]
// CHECK:       func.func private @two_nests_nest1(%{{.*}}: memref<8xf32>)
// CHECK-SAME:      attributes {passthrough = ["noinline"]}
// CHECK:         arith.constant 2.000000e+00 : f32
func.func @two_nests(%a: memref<8xf32>, %b: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %two = arith.constant 2.0 : f32
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %a[%i] : memref<8xf32>
    %e = math.exp %v : f32
    memref.store %e, %b[%i] : memref<8xf32>
  }
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %b[%i] : memref<8xf32>
    %m = arith.mulf %v, %two : f32
    memref.store %m, %b[%i] : memref<8xf32>
  }
  return
}

// -----

// A nest with a result returns it; a value computed above (not a constant)
// is passed in.
// CHECK-LABEL: func.func @reduction(
// CHECK:         %[[N:.*]] = arith.index_cast
// CHECK:         %[[R:.*]] = call @reduction_nest0(%{{.*}}, %[[N]]) : (memref<?xf32>, index) -> f32
// CHECK:         return %[[R]] : f32
// CHECK:       func.func private @reduction_nest0(%{{.*}}: memref<?xf32>, %{{.*}}: index) -> f32
// CHECK:         %[[S:.*]] = scf.for
// CHECK:         return %[[S]] : f32
func.func @reduction(%n64: i64, %m: memref<?xf32>) -> f32 {
  %n = arith.index_cast %n64 : i64 to index
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %s = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> f32 {
    %v = memref.load %m[%i] : memref<?xf32>
    %w = arith.mulf %v, %v : f32
    %x = arith.addf %acc, %w : f32
    scf.yield %x : f32
  }
  return %s : f32
}

// -----

// Nests smaller than min-ops stay; functions without bodies are skipped.
// CHECK-LABEL: func.func @small(
// CHECK:         scf.for
// CHECK-NOT:     call
// CHECK-NOT:   func.func private @small_nest0
func.func private @external(memref<4xf32>)
func.func @small(%a: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c4 step %c1 {
    %v = memref.load %a[%i] : memref<4xf32>
  }
  return
}
