// RUN: cim-opt %s -p onnx-canonicalize | filecheck %s

// The three rewrites feed each other: folding ConstantOfShape makes the weights
// constant, dropping the Dropout puts the BatchNorm right after the Conv, then
// the BatchNorm folds.  s = 1 / sqrt(3 + 1) = 0.5; W' = 0.5 * 0.5, b' = 0.25 * 0.5 + 1.
func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %s = "onnx.Constant"() <{name = "shape.4x3x3x3", value = dense<[4, 3, 3, 3]> : tensor<4xi64>}> : () -> tensor<4xi64>
  %w = "onnx.ConstantOfShape"(%s) <{name = "conv.weight", value = dense<0.5> : tensor<1xf32>}> : (tensor<4xi64>) -> tensor<4x3x3x3xf32>
  %c4 = "onnx.Constant"() <{name = "shape.4", value = dense<4> : tensor<1xi64>}> : () -> tensor<1xi64>
  %b = "onnx.ConstantOfShape"(%c4) <{name = "conv.bias", value = dense<0.25> : tensor<1xf32>}> : (tensor<1xi64>) -> tensor<4xf32>
  %conv = "onnx.Conv"(%x, %w, %b) <{name = "conv", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %none = "onnx.NoValue"() : () -> none
  %drop = "onnx.Dropout"(%conv, %none, %none) <{name = "drop"}> : (tensor<1x4x8x8xf32>, none, none) -> tensor<1x4x8x8xf32>
  %one = "onnx.ConstantOfShape"(%c4) <{name = "bn.weight", value = dense<1.0> : tensor<1xf32>}> : (tensor<1xi64>) -> tensor<4xf32>
  %zero = "onnx.ConstantOfShape"(%c4) <{name = "bn.running_mean"}> : (tensor<1xi64>) -> tensor<4xf32>
  %var = "onnx.ConstantOfShape"(%c4) <{name = "bn.running_var", value = dense<3.0> : tensor<1xf32>}> : (tensor<1xi64>) -> tensor<4xf32>
  %bn = "onnx.BatchNormalization"(%drop, %one, %one, %zero, %var) <{name = "bn", epsilon = 1.0 : f32}> : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %id = "onnx.Identity"(%bn) <{name = "id"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %y = "onnx.Relu"(%id) <{name = "relu"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  func.return %y : tensor<1x4x8x8xf32>
}

// CHECK:      func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
// CHECK-NEXT:   %conv.weight_bn = "onnx.Constant"() <{name = "conv.weight_bn", value = #cim.splat<0.25 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
// CHECK-NEXT:   %conv.bias_bn = "onnx.Constant"() <{name = "conv.bias_bn", value = #cim.splat<1.125 : tensor<4xf32>>}> : () -> tensor<4xf32>
// CHECK-NEXT:   %bn = "onnx.Conv"(%x, %conv.weight_bn, %conv.bias_bn)
// CHECK-NEXT:   %y = "onnx.Relu"(%bn) <{name = "relu"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
// CHECK-NEXT:   func.return %y : tensor<1x4x8x8xf32>
// CHECK-NEXT: }
