// Entry with a float input: not a token model.
func.func @main(%a: tensor<1x3xf32>) -> tensor<1x3x4xf32> {
  %0 = tensor.empty() : tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}
