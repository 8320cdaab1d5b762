// Entry with an unpinned (dynamic) sequence length.
func.func @main(%a: tensor<1x?xi64>) -> tensor<1x?x4xf32> {
  %0 = tensor.empty() : tensor<1x3x4xf32>
  %1 = tensor.cast %0 : tensor<1x3x4xf32> to tensor<1x?x4xf32>
  return %1 : tensor<1x?x4xf32>
}
