// RUN: cim-opt %s --split-input-file -p onnx-fold-batchnorm | filecheck %s

// Splat weights and splat BatchNorm parameters fold into splats; the bias-free
// Conv gains a bias.  s = 4 / sqrt(3 + 1) = 2: W' = 0.5 * 2, b' = (0 - 0.5) * 2 + 1.
func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %none = "onnx.NoValue"() : () -> none
  %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
  %conv = "onnx.Conv"(%x, %w, %none) <{name = "conv", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
  %gamma = "onnx.Constant"() <{name = "gamma", value = #cim.splat<4.0 : tensor<4xf32>>}> : () -> tensor<4xf32>
  %beta = "onnx.Constant"() <{name = "beta", value = #cim.splat<1.0 : tensor<4xf32>>}> : () -> tensor<4xf32>
  %mean = "onnx.Constant"() <{name = "mean", value = #cim.splat<0.5 : tensor<4xf32>>}> : () -> tensor<4xf32>
  %var = "onnx.Constant"() <{name = "var", value = #cim.splat<3.0 : tensor<4xf32>>}> : () -> tensor<4xf32>
  %bn = "onnx.BatchNormalization"(%conv, %gamma, %beta, %mean, %var) <{name = "bn", epsilon = 1.0 : f32}> : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  func.return %bn : tensor<1x4x8x8xf32>
}

// CHECK:      func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
// CHECK-NEXT:   %conv.weight_bn = "onnx.Constant"() <{name = "conv.weight_bn", value = #cim.splat<1.0 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
// CHECK-NEXT:   %conv.bias_bn = "onnx.Constant"() <{name = "conv.bias_bn", value = #cim.splat<0.0 : tensor<4xf32>>}> : () -> tensor<4xf32>
// CHECK-NEXT:   %bn = "onnx.Conv"(%x, %conv.weight_bn, %conv.bias_bn) <{name = "conv", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
// CHECK-NEXT:   func.return %bn : tensor<1x4x8x8xf32>
// CHECK-NEXT: }

// -----

// Per-channel parameters: s = [1, 2] / sqrt([3, 0] + 1) = [0.5, 2].
func.func @main(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = "onnx.Constant"() <{name = "w", value = dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %b = "onnx.Constant"() <{name = "b", value = dense<[0.5, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %conv = "onnx.Conv"(%x, %w, %b) <{name = "conv", group = 1 : i64, kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}> : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %gamma = "onnx.Constant"() <{name = "gamma", value = dense<[1.0, 2.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %beta = "onnx.Constant"() <{name = "beta", value = dense<[0.0, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %mean = "onnx.Constant"() <{name = "mean", value = dense<[0.0, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %var = "onnx.Constant"() <{name = "var", value = dense<[3.0, 0.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %bn = "onnx.BatchNormalization"(%conv, %gamma, %beta, %mean, %var) <{name = "bn", epsilon = 1.0 : f32}> : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  func.return %bn : tensor<1x2x2x2xf32>
}

// CHECK:      %conv.weight_bn = "onnx.Constant"() <{name = "conv.weight_bn", value = dense<{{\[\[\[\[}}5.000000e-01]]], {{\[\[\[}}4.000000e+00]]]]> : tensor<2x1x1x1xf32>}>
// CHECK-NEXT: %conv.bias_bn = "onnx.Constant"() <{name = "conv.bias_bn", value = dense<[2.500000e-01, 1.000000e+00]> : tensor<2xf32>}>
// CHECK-NEXT: %bn = "onnx.Conv"(%x, %conv.weight_bn, %conv.bias_bn)
// CHECK-NOT:  onnx.BatchNormalization
// CHECK:      func.return %bn

// -----

// Not foldable: the Conv result has a second user.
func.func @main(%x: tensor<1x1x2x2xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) {
  %none = "onnx.NoValue"() : () -> none
  %w = "onnx.Constant"() <{name = "w", value = dense<2.0> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %p = "onnx.Constant"() <{name = "p", value = dense<1.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %conv = "onnx.Conv"(%x, %w, %none) <{name = "conv", group = 1 : i64, kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}> : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>, none) -> tensor<1x1x2x2xf32>
  %bn = "onnx.BatchNormalization"(%conv, %p, %p, %p, %p) <{name = "bn"}> : (tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  func.return %bn, %conv : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>
}

// CHECK: %bn = "onnx.BatchNormalization"(%conv, %p, %p, %p, %p)
// CHECK: func.return %bn, %conv

// -----

// Not foldable: the weights are not constant.
func.func @main(%x: tensor<1x1x2x2xf32>, %w: tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32> {
  %none = "onnx.NoValue"() : () -> none
  %p = "onnx.Constant"() <{name = "p", value = dense<1.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %conv = "onnx.Conv"(%x, %w, %none) <{name = "conv", group = 1 : i64, kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}> : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>, none) -> tensor<1x1x2x2xf32>
  %bn = "onnx.BatchNormalization"(%conv, %p, %p, %p, %p) <{name = "bn"}> : (tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  func.return %bn : tensor<1x1x2x2xf32>
}

// CHECK: %bn = "onnx.BatchNormalization"(%conv, %p, %p, %p, %p)
