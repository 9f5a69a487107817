// RUN: cim-opt %s --split-input-file -p onnx-drop-identity | filecheck %s

// Identity and inference Dropout chains vanish; their constants die with them.
func.func @main(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %none = "onnx.NoValue"() : () -> none
  %a = "onnx.Identity"(%x) <{name = "id1"}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %ratio = "onnx.Constant"() <{name = "ratio", value = dense<0.5> : tensor<f32>}> : () -> tensor<f32>
  %b = "onnx.Dropout"(%a, %ratio, %none) <{name = "drop1"}> : (tensor<2x3xf32>, tensor<f32>, none) -> tensor<2x3xf32>
  %r = "onnx.Relu"(%b) <{name = "relu"}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %false = "onnx.Constant"() <{name = "mode", value = dense<false> : tensor<i1>}> : () -> tensor<i1>
  %c = "onnx.Dropout"(%r, %none, %false) <{name = "drop2"}> : (tensor<2x3xf32>, none, tensor<i1>) -> tensor<2x3xf32>
  %d = "onnx.Identity"(%c) <{name = "id2"}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %e = "onnx.Identity"(%x) <{name = "id3"}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %d, %e : tensor<2x3xf32>, tensor<2x3xf32>
}

// CHECK:      func.func @main(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
// CHECK-NEXT:   %r = "onnx.Relu"(%x) <{name = "relu"}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:   func.return %r, %x : tensor<2x3xf32>, tensor<2x3xf32>
// CHECK-NEXT: }

// -----

// A Dropout in training mode is not the identity: it stays.
func.func @main(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %none = "onnx.NoValue"() : () -> none
  %true = "onnx.Constant"() <{name = "mode", value = dense<true> : tensor<i1>}> : () -> tensor<i1>
  %y = "onnx.Dropout"(%x, %none, %true) <{name = "drop"}> : (tensor<2x3xf32>, none, tensor<i1>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK: %y = "onnx.Dropout"(%x, %none, %true) <{name = "drop"}>
