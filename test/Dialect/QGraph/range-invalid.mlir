// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @range_c1_scalar(%a: tensor<1xi64>, %b: tensor<i64>) -> tensor<?xi64> {
  // expected-error @+1 {{'qgraph.range' op expected scalar (rank 0) 'start', 'limit' and 'delta'}}
  %0 = qgraph.range %a, %b, %b : (tensor<1xi64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  return %0 : tensor<?xi64>
}

// -----

func.func @range_c1_element_type(%a: tensor<i32>, %b: tensor<i64>) -> tensor<?xi64> {
  // expected-error @+1 {{'qgraph.range' op expected 'start', 'limit' and 'delta' of the result's element type}}
  %0 = qgraph.range %a, %b, %b : (tensor<i32>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  return %0 : tensor<?xi64>
}

// -----

func.func @range_c1_rank(%a: tensor<i64>) -> tensor<?x?xi64> {
  // expected-error @+1 {{'qgraph.range' op expected a result of rank 1}}
  %0 = qgraph.range %a, %a, %a : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?x?xi64>
  return %0 : tensor<?x?xi64>
}

// -----

func.func @range_zero_delta(%a: tensor<i64>) -> tensor<?xi64> {
  %d = arith.constant dense<0> : tensor<i64>
  // expected-error @+1 {{'qgraph.range' op expected a nonzero 'delta'}}
  %0 = qgraph.range %a, %a, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  return %0 : tensor<?xi64>
}

// -----

func.func @range_size() -> tensor<3xi64> {
  %s = arith.constant dense<0> : tensor<i64>
  %l = arith.constant dense<10> : tensor<i64>
  %d = arith.constant dense<3> : tensor<i64>
  // expected-error @+1 {{'qgraph.range' op expected 4 elements, got 3}}
  %0 = qgraph.range %s, %l, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}
