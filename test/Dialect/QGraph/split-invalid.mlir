// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @split_c1_axis(%x: tensor<4xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'qgraph.split' op axis (1) out of range for rank 1}}
  %0:2 = qgraph.split %x {axis = 1 : si64} : (tensor<4xf32>) -> (tensor<2xf32>, tensor<2xf32>)
  return %0#0 : tensor<2xf32>
}

// -----

func.func @split_no_results(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qgraph.split' op expected at least one result}}
  qgraph.split %x {axis = 0 : si64} : (tensor<4xf32>) -> ()
  return
}

// -----

func.func @split_c1_rank(%x: tensor<4xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'qgraph.split' op expected results of the input's rank and element type}}
  %0:2 = qgraph.split %x {axis = 0 : si64} : (tensor<4xf32>) -> (tensor<2xf32>, tensor<1x2xf32>)
  return %0#0 : tensor<2xf32>
}

// -----

func.func @split_c1_other_dims(%x: tensor<4x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'qgraph.split' op result size differs from the input at dimension 1}}
  %0:2 = qgraph.split %x {axis = 0 : si64} : (tensor<4x3xf32>) -> (tensor<2x3xf32>, tensor<2x2xf32>)
  return %0#0 : tensor<2x3xf32>
}

// -----

func.func @split_c2(%x: tensor<4xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'qgraph.split' op result sizes along axis 0 sum to 5, expected 4}}
  %0:2 = qgraph.split %x {axis = 0 : si64} : (tensor<4xf32>) -> (tensor<2xf32>, tensor<3xf32>)
  return %0#0 : tensor<2xf32>
}

// -----

func.func @split_sizes(%x: tensor<?xf32>) -> tensor<1xf32> {
  %sizes = arith.constant dense<[1, 3]> : tensor<2xi64>
  // expected-error @+1 {{'qgraph.split' op expected result 1 to have size 3 along axis 0, got 2}}
  %0:2 = qgraph.split %x, %sizes {axis = 0 : si64} : (tensor<?xf32>, tensor<2xi64>) -> (tensor<1xf32>, tensor<2xf32>)
  return %0#0 : tensor<1xf32>
}

// -----

func.func @split_sizes_count(%x: tensor<4xf32>, %sizes: tensor<3xi64>) -> tensor<2xf32> {
  // expected-error @+1 {{'qgraph.split' op expected 3 results (the size of 'split'), got 2}}
  %0:2 = qgraph.split %x, %sizes {axis = 0 : si64} : (tensor<4xf32>, tensor<3xi64>) -> (tensor<2xf32>, tensor<2xf32>)
  return %0#0 : tensor<2xf32>
}

// -----

func.func @split_sizes_rank(%x: tensor<4xf32>, %sizes: tensor<1x2xi64>) -> tensor<2xf32> {
  // expected-error @+1 {{'qgraph.split' op expected 'split' of rank 1}}
  %0:2 = qgraph.split %x, %sizes {axis = 0 : si64} : (tensor<4xf32>, tensor<1x2xi64>) -> (tensor<2xf32>, tensor<2xf32>)
  return %0#0 : tensor<2xf32>
}

// -----

func.func @split_negative_size(%x: tensor<?xf32>) -> tensor<?xf32> {
  %sizes = arith.constant dense<[-1, 5]> : tensor<2xi64>
  // expected-error @+1 {{'qgraph.split' op invalid size (-1) in 'split'}}
  %0:2 = qgraph.split %x, %sizes {axis = 0 : si64} : (tensor<?xf32>, tensor<2xi64>) -> (tensor<?xf32>, tensor<?xf32>)
  return %0#0 : tensor<?xf32>
}
