// RUN: cim-opt %s --split-input-file -p onnx-fold-constants | filecheck %s

// ConstantOfShape weights (the zoo's light form) become splats; the shape
// constants they used die.
func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %s = "onnx.Constant"() <{name = "shape.4x3x3x3", value = dense<[4, 3, 3, 3]> : tensor<4xi64>}> : () -> tensor<4xi64>
  %w = "onnx.ConstantOfShape"(%s) <{name = "conv.weight", value = dense<0.037037037> : tensor<1xf32>}> : (tensor<4xi64>) -> tensor<4x3x3x3xf32>
  %s4 = "onnx.Constant"() <{name = "shape.4", value = dense<4> : tensor<1xi64>}> : () -> tensor<1xi64>
  %b = "onnx.ConstantOfShape"(%s4) <{name = "conv.bias"}> : (tensor<1xi64>) -> tensor<4xf32>
  %y = "onnx.Conv"(%x, %w, %b) <{name = "conv", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  func.return %y : tensor<1x4x8x8xf32>
}

// CHECK:      func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
// CHECK-NEXT:   %w = "onnx.Constant"() <{name = "conv.weight", value = #cim.splat<0.037037037 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
// CHECK-NEXT:   %b = "onnx.Constant"() <{name = "conv.bias", value = #cim.splat<0.0 : tensor<4xf32>>}> : () -> tensor<4xf32>
// CHECK-NEXT:   %y = "onnx.Conv"(%x, %w, %b)
// CHECK-NEXT:   func.return %y

// -----

// A torch-style flatten: Shape -> Gather -> Unsqueeze -> Concat folds into the
// Reshape target; the float data path is left alone.
func.func @main(%x: tensor<2x3x4x5xf32>) -> tensor<2x60xf32> {
  %s = "onnx.Shape"(%x) <{name = "shape"}> : (tensor<2x3x4x5xf32>) -> tensor<4xi64>
  %i0 = "onnx.Constant"() <{name = "i0", value = dense<0> : tensor<i64>}> : () -> tensor<i64>
  %n = "onnx.Gather"(%s, %i0) <{name = "gather", axis = 0 : i64}> : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %ax = "onnx.Constant"() <{name = "ax", value = dense<0> : tensor<1xi64>}> : () -> tensor<1xi64>
  %n1 = "onnx.Unsqueeze"(%n, %ax) <{name = "unsqueeze"}> : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %m1 = "onnx.Constant"() <{name = "m1", value = dense<-1> : tensor<1xi64>}> : () -> tensor<1xi64>
  %t = "onnx.Concat"(%n1, %m1) <{name = "concat", axis = 0 : i64}> : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %y = "onnx.Reshape"(%x, %t) <{name = "reshape"}> : (tensor<2x3x4x5xf32>, tensor<2xi64>) -> tensor<2x60xf32>
  func.return %y : tensor<2x60xf32>
}

// CHECK:      func.func @main(%x: tensor<2x3x4x5xf32>) -> tensor<2x60xf32> {
// CHECK-NEXT:   %t = "onnx.Constant"() <{name = "concat", value = dense<[2, -1]> : tensor<2xi64>}> : () -> tensor<2xi64>
// CHECK-NEXT:   %y = "onnx.Reshape"(%x, %t) <{name = "reshape"}> : (tensor<2x3x4x5xf32>, tensor<2xi64>) -> tensor<2x60xf32>
// CHECK-NEXT:   func.return %y : tensor<2x60xf32>

// -----

// Reshuffles of constant weights fold (a splat stays a splat); integer shape
// arithmetic folds; float arithmetic on constants is not the pass's business.
func.func @main(%x: tensor<2x4xf32>) -> (tensor<2x3xf32>, tensor<2xi64>, tensor<4xf32>) {
  %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.25 : tensor<3x4xf32>>}> : () -> tensor<3x4xf32>
  %wt = "onnx.Transpose"(%w) <{name = "wt", perm = array<i64: 1, 0>}> : (tensor<3x4xf32>) -> tensor<4x3xf32>
  %y = "onnx.MatMul"(%x, %wt) <{name = "mm"}> : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %a = "onnx.Constant"() <{name = "a", value = dense<[6, 8]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %two = "onnx.Constant"() <{name = "two", value = dense<2> : tensor<i64>}> : () -> tensor<i64>
  %q = "onnx.Div"(%a, %two) <{name = "div"}> : (tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  %f = "onnx.Constant"() <{name = "f", value = #cim.splat<1.0 : tensor<4xf32>>}> : () -> tensor<4xf32>
  %g = "onnx.Add"(%f, %f) <{name = "fadd"}> : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  func.return %y, %q, %g : tensor<2x3xf32>, tensor<2xi64>, tensor<4xf32>
}

// CHECK:      %wt = "onnx.Constant"() <{name = "wt", value = #cim.splat<0.25 : tensor<4x3xf32>>}> : () -> tensor<4x3xf32>
// CHECK-NEXT: %y = "onnx.MatMul"(%x, %wt)
// CHECK-NEXT: %q = "onnx.Constant"() <{name = "div", value = dense<[3, 4]> : tensor<2xi64>}> : () -> tensor<2xi64>
// CHECK-NEXT: %f = "onnx.Constant"()
// CHECK-NEXT: %g = "onnx.Add"(%f, %f)
