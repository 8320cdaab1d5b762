// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @constant_of_shape_c1(%s: tensor<1xi64>) -> tensor<?xi64> {
  // expected-error @+1 {{'qgraph.constant_of_shape' op expected 'value' with one element, got 2}}
  %0 = qgraph.constant_of_shape %s, dense<[1, 2]> : tensor<2xi64> : (tensor<1xi64>) -> tensor<?xi64>
  return %0 : tensor<?xi64>
}

// -----

func.func @constant_of_shape_c1_type(%s: tensor<1xi64>) -> tensor<?xf32> {
  // expected-error @+1 {{'qgraph.constant_of_shape' op expected 'value' of the result's element type}}
  %0 = qgraph.constant_of_shape %s, dense<1> : tensor<1xi64> : (tensor<1xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @constant_of_shape_c2(%s: tensor<1x1xi64>) -> tensor<?xi64> {
  // expected-error @+1 {{'qgraph.constant_of_shape' op expected 'shape' of rank 1}}
  %0 = qgraph.constant_of_shape %s, dense<1> : tensor<1xi64> : (tensor<1x1xi64>) -> tensor<?xi64>
  return %0 : tensor<?xi64>
}

// -----

func.func @constant_of_shape_c2_rank(%s: tensor<2xi64>) -> tensor<?xi64> {
  // expected-error @+1 {{'qgraph.constant_of_shape' op expected result rank 2}}
  %0 = qgraph.constant_of_shape %s, dense<1> : tensor<1xi64> : (tensor<2xi64>) -> tensor<?xi64>
  return %0 : tensor<?xi64>
}

// -----

func.func @constant_of_shape_c2_dims() -> tensor<3x5xi64> {
  %s = arith.constant dense<[3, 4]> : tensor<2xi64>
  // expected-error @+1 {{'qgraph.constant_of_shape' op expected result dimension 1 to be 4, got 5}}
  %0 = qgraph.constant_of_shape %s, dense<1> : tensor<1xi64> : (tensor<2xi64>) -> tensor<3x5xi64>
  return %0 : tensor<3x5xi64>
}

// -----

func.func @constant_of_shape_negative() -> tensor<?xi64> {
  %s = arith.constant dense<-2> : tensor<1xi64>
  // expected-error @+1 {{'qgraph.constant_of_shape' op invalid size (-2) in 'shape'}}
  %0 = qgraph.constant_of_shape %s, dense<1> : tensor<1xi64> : (tensor<1xi64>) -> tensor<?xi64>
  return %0 : tensor<?xi64>
}
