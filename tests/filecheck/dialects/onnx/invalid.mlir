// RUN: cim-opt %s --split-input-file --verify-diagnostics | filecheck %s

// One case per verifier check of the onnx dialect; each message names the op and its
// ONNX node.
// Conv: input channels must equal W channels x group.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %none = "onnx.NoValue"() : () -> none
  %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x2x3x3xf32>>}> : () -> tensor<4x2x3x3xf32>
  %y = "onnx.Conv"(%x, %w, %none) <{name = "conv1", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>, none) -> tensor<1x4x8x8xf32>
  func.return
}
// CHECK: onnx.Conv 'conv1': input has 3 channels but W expects 2 x group 1 = 2

// -----

// Conv: the result shape follows strides, pads and dilations.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %none = "onnx.NoValue"() : () -> none
  %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
  %y = "onnx.Conv"(%x, %w, %none) <{name = "conv2", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 2, 2>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x4x4xf32>
  func.return
}
// CHECK: onnx.Conv 'conv2': result shape should be 1x4x3x3, got 1x4x4x4

// -----

// Conv: group must divide the channels.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %none = "onnx.NoValue"() : () -> none
  %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x1x3x3xf32>>}> : () -> tensor<4x1x3x3xf32>
  %y = "onnx.Conv"(%x, %w, %none) <{name = "conv3", group = 2 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<4x1x3x3xf32>, none) -> tensor<1x4x8x8xf32>
  func.return
}
// CHECK: onnx.Conv 'conv3': group 2 must divide input channels 3 and output channels 4

// -----

// Conv: kernel_shape must match W.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %none = "onnx.NoValue"() : () -> none
  %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x1x1xf32>>}> : () -> tensor<4x3x1x1xf32>
  %y = "onnx.Conv"(%x, %w, %none) <{name = "conv4", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<4x3x1x1xf32>, none) -> tensor<1x4x8x8xf32>
  func.return
}
// CHECK: onnx.Conv 'conv4': W spatial dims 1x1 differ from kernel_shape 3x3

// -----

// Conv: the bias has one value per output channel.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
  %b = "onnx.Constant"() <{name = "b", value = #cim.splat<0.5 : tensor<3xf32>>}> : () -> tensor<3xf32>
  %y = "onnx.Conv"(%x, %w, %b) <{name = "conv5", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x8x8xf32>
  func.return
}
// CHECK: onnx.Conv 'conv5': B shape should be 4, got 3

// -----

// Conv: one float element type.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %none = "onnx.NoValue"() : () -> none
  %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf16>>}> : () -> tensor<4x3x3x3xf16>
  %y = "onnx.Conv"(%x, %w, %none) <{name = "conv6", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf16>, none) -> tensor<1x4x8x8xf32>
  func.return
}
// CHECK: onnx.Conv 'conv6': operands and results must share one element type, got f16, f32

// -----

// Conv: explicit windows have one value per spatial axis.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %none = "onnx.NoValue"() : () -> none
  %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
  %y = "onnx.Conv"(%x, %w, %none) <{name = "conv7", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
  func.return
}
// CHECK: onnx.Conv 'conv7': strides must have 2 values for a rank-4 input, got 1

// -----

// Conv: the window attributes are explicit (the importer resolves auto_pad).
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %none = "onnx.NoValue"() : () -> none
  %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
  %y = "onnx.Conv"(%x, %w, %none) <{name = "conv8", group = 1 : i64, auto_pad = "SAME_UPPER", kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
  func.return
}
// CHECK: property 'auto_pad' is not defined by the operation 'onnx.Conv'

// -----

// Gemm: inner dimensions agree after transposition.
func.func @main(%x: tensor<2x16xf32>) {
  %none = "onnx.NoValue"() : () -> none
  %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<10x16xf32>>}> : () -> tensor<10x16xf32>
  %y = "onnx.Gemm"(%x, %w, %none) <{name = "fc1"}> : (tensor<2x16xf32>, tensor<10x16xf32>, none) -> tensor<2x10xf32>
  func.return
}
// CHECK: onnx.Gemm 'fc1': inner dimensions differ: A gives K=16, B gives K=10

// -----

// Gemm: C broadcasts to the result.
func.func @main(%x: tensor<2x16xf32>) {
  %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<10x16xf32>>}> : () -> tensor<10x16xf32>
  %c = "onnx.Constant"() <{name = "c", value = #cim.splat<0.5 : tensor<3xf32>>}> : () -> tensor<3xf32>
  %y = "onnx.Gemm"(%x, %w, %c) <{name = "fc2", transB = 1 : i64}> : (tensor<2x16xf32>, tensor<10x16xf32>, tensor<3xf32>) -> tensor<2x10xf32>
  func.return
}
// CHECK: onnx.Gemm 'fc2': operand shapes 3, 2x10 are not broadcastable

// -----

// Gemm: the result is M x N.
func.func @main(%x: tensor<2x16xf32>) {
  %none = "onnx.NoValue"() : () -> none
  %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<10x16xf32>>}> : () -> tensor<10x16xf32>
  %y = "onnx.Gemm"(%x, %w, %none) <{name = "fc3", transB = 1 : i64}> : (tensor<2x16xf32>, tensor<10x16xf32>, none) -> tensor<2x16xf32>
  func.return
}
// CHECK: onnx.Gemm 'fc3': result shape should be 2x10, got 2x16

// -----

// MatMul: numpy matmul shapes with batch broadcasting.
func.func @main(%x: tensor<3x1x5x8xf32>) {
  %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<2x8x4xf32>>}> : () -> tensor<2x8x4xf32>
  %y = "onnx.MatMul"(%x, %w) <{name = "mm"}> : (tensor<3x1x5x8xf32>, tensor<2x8x4xf32>) -> tensor<3x2x5x5xf32>
  func.return
}
// CHECK: onnx.MatMul 'mm': result shape should be 3x2x5x4, got 3x2x5x5

// -----

// MatMul: inner dimensions.
func.func @main(%x: tensor<5x8xf32>) {
  %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<7xf32>>}> : () -> tensor<7xf32>
  %y = "onnx.MatMul"(%x, %w) <{name = "mv"}> : (tensor<5x8xf32>, tensor<7xf32>) -> tensor<5xf32>
  func.return
}
// CHECK: onnx.MatMul 'mv': inner dimensions differ: 5x8 @ 7

// -----

// Add: operands broadcast (numpy rules).
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %b = "onnx.Constant"() <{name = "b", value = #cim.splat<0.5 : tensor<4x1x1xf32>>}> : () -> tensor<4x1x1xf32>
  %y = "onnx.Add"(%x, %b) <{name = "add"}> : (tensor<1x3x8x8xf32>, tensor<4x1x1xf32>) -> tensor<1x3x8x8xf32>
  func.return
}
// CHECK: onnx.Add 'add': operand shapes 1x3x8x8, 4x1x1 are not broadcastable

// -----

// Mul: the result has the broadcast shape.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %b = "onnx.Constant"() <{name = "b", value = #cim.splat<0.5 : tensor<3x1x1xf32>>}> : () -> tensor<3x1x1xf32>
  %y = "onnx.Mul"(%x, %b) <{name = "mul"}> : (tensor<1x3x8x8xf32>, tensor<3x1x1xf32>) -> tensor<1x3x8x1xf32>
  func.return
}
// CHECK: onnx.Mul 'mul': result shape should be 1x3x8x8, got 1x3x8x1

// -----

// Sub: one element type.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %b = "onnx.Constant"() <{name = "b", value = #cim.splat<0.5 : tensor<1xf16>>}> : () -> tensor<1xf16>
  %y = "onnx.Sub"(%x, %b) <{name = "sub"}> : (tensor<1x3x8x8xf32>, tensor<1xf16>) -> tensor<1x3x8x8xf32>
  func.return
}
// CHECK: onnx.Sub 'sub': operands and results must share one element type, got f16, f32

// -----

// Sum: every operand broadcasts.
func.func @main(%x: tensor<1x3x8x8xf32>, %z: tensor<2x1x1x1xf32>) {
  %y = "onnx.Sum"(%x, %x, %z) <{name = "sum"}> : (tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32>, tensor<2x1x1x1xf32>) -> tensor<1x3x8x8xf32>
  func.return
}
// CHECK: onnx.Sum 'sum': result shape should be 2x3x8x8, got 1x3x8x8

// -----

// Pow: the exponent broadcasts.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %e = "onnx.Constant"() <{name = "e", value = #cim.splat<0.5 : tensor<2xf32>>}> : () -> tensor<2xf32>
  %y = "onnx.Pow"(%x, %e) <{name = "pow"}> : (tensor<1x3x8x8xf32>, tensor<2xf32>) -> tensor<1x3x8x8xf32>
  func.return
}
// CHECK: onnx.Pow 'pow': operand shapes 1x3x8x8, 2 are not broadcastable

// -----

// Unary ops keep the operand type.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %y = "onnx.Relu"(%x) <{name = "relu"}> : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x4xf32>
  func.return
}
// CHECK: onnx.Relu 'relu': result type tensor<1x3x8x4xf32> should equal operand type tensor<1x3x8x8xf32>

// -----

// Float-only unary ops reject integers.
func.func @main(%x: tensor<4xi64>) {
  %y = "onnx.Sigmoid"(%x) <{name = "sig"}> : (tensor<4xi64>) -> tensor<4xi64>
  func.return
}
// CHECK: onnx.Sigmoid 'sig': expected a float element type, got i64

// -----

// Clip bounds are scalars.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %none = "onnx.NoValue"() : () -> none
  %lo = "onnx.Constant"() <{name = "lo", value = #cim.splat<0.5 : tensor<2xf32>>}> : () -> tensor<2xf32>
  %y = "onnx.Clip"(%x, %lo, %none) <{name = "clip"}> : (tensor<1x3x8x8xf32>, tensor<2xf32>, none) -> tensor<1x3x8x8xf32>
  func.return
}
// CHECK: onnx.Clip 'clip': min must be a scalar, got tensor<2xf32>

// -----

// MaxPool: the result shape follows the window.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %y = "onnx.MaxPool"(%x) <{name = "pool1", kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
  func.return
}
// CHECK: onnx.MaxPool 'pool1': result shape should be 1x3x3x3, got 1x3x4x4

// -----

// AveragePool: pads has begin and end values per spatial axis.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %y = "onnx.AveragePool"(%x) <{name = "pool2", kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
  func.return
}
// CHECK: onnx.AveragePool 'pool2': pads must have 4 values for a rank-4 input, got 2

// -----

// MaxPool: the window must fit the padded input.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %y = "onnx.MaxPool"(%x) <{name = "pool3", kernel_shape = array<i64: 9, 9>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>) -> tensor<1x3x1x1xf32>
  func.return
}
// CHECK: onnx.MaxPool 'pool3': spatial axis 0: padded input 8 is smaller than the dilated kernel 9

// -----

// GlobalAveragePool keeps N and C.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %y = "onnx.GlobalAveragePool"(%x) <{name = "gap"}> : (tensor<1x3x8x8xf32>) -> tensor<1x3xf32>
  func.return
}
// CHECK: onnx.GlobalAveragePool 'gap': result shape should be 1x3x1x1, got 1x3

// -----

// BatchNormalization: one parameter per channel.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %p = "onnx.Constant"() <{name = "p", value = #cim.splat<0.5 : tensor<3xf32>>}> : () -> tensor<3xf32>
  %q = "onnx.Constant"() <{name = "q", value = #cim.splat<0.5 : tensor<4xf32>>}> : () -> tensor<4xf32>
  %y = "onnx.BatchNormalization"(%x, %p, %p, %q, %p) <{name = "bn"}> : (tensor<1x3x8x8xf32>, tensor<3xf32>, tensor<3xf32>, tensor<4xf32>, tensor<3xf32>) -> tensor<1x3x8x8xf32>
  func.return
}
// CHECK: onnx.BatchNormalization 'bn': input_mean shape should be 3, got 4

// -----

// BatchNormalization: inference only.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %p = "onnx.Constant"() <{name = "p", value = #cim.splat<0.5 : tensor<3xf32>>}> : () -> tensor<3xf32>
  %y = "onnx.BatchNormalization"(%x, %p, %p, %p, %p) <{name = "bn_train", training_mode = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x3x8x8xf32>
  func.return
}
// CHECK: onnx.BatchNormalization 'bn_train': training_mode is not supported

// -----

// LayerNormalization: Scale broadcasts to the normalized axes.
func.func @main(%x: tensor<2x5xf32>) {
  %none = "onnx.NoValue"() : () -> none
  %s = "onnx.Constant"() <{name = "s", value = #cim.splat<0.5 : tensor<3xf32>>}> : () -> tensor<3xf32>
  %y = "onnx.LayerNormalization"(%x, %s, %none) <{name = "ln", axis = -1 : i64}> : (tensor<2x5xf32>, tensor<3xf32>, none) -> tensor<2x5xf32>
  func.return
}
// CHECK: onnx.LayerNormalization 'ln': operand shapes 3, 5 are not broadcastable

// -----

// Flatten: two dims split at axis.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %y = "onnx.Flatten"(%x) <{name = "flat", axis = 2 : i64}> : (tensor<1x3x8x8xf32>) -> tensor<1x192xf32>
  func.return
}
// CHECK: onnx.Flatten 'flat': result shape should be 3x64, got 1x192

// -----

// Transpose: perm is a permutation.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %y = "onnx.Transpose"(%x) <{name = "tr", perm = array<i64: 0, 1, 1, 3>}> : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32>
  func.return
}
// CHECK: onnx.Transpose 'tr': perm [0, 1, 1, 3] is not a permutation of the 4 axes

// -----

// Transpose: the default perm reverses the axes.
func.func @main(%x: tensor<2x3xf32>) {
  %y = "onnx.Transpose"(%x) <{name = "tr2"}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return
}
// CHECK: onnx.Transpose 'tr2': result shape should be 3x2, got 2x3

// -----

// Concat: operands agree outside the axis.
func.func @main(%x: tensor<1x3x8x8xf32>, %z: tensor<1x2x8x4xf32>) {
  %y = "onnx.Concat"(%x, %z) <{name = "cat", axis = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x5x8x8xf32>
  func.return
}
// CHECK: onnx.Concat 'cat': operand shapes 1x3x8x8, 1x2x8x4 differ outside axis 1

// -----

// Concat: the result sums the axis.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %y = "onnx.Concat"(%x, %x) <{name = "cat2", axis = -1 : i64}> : (tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32>) -> tensor<1x6x8x8xf32>
  func.return
}
// CHECK: onnx.Concat 'cat2': result shape should be 1x3x8x16, got 1x6x8x8

// -----

// Softmax: axis within the rank.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %y = "onnx.Softmax"(%x) <{name = "sm", axis = 4 : i64}> : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32>
  func.return
}
// CHECK: onnx.Softmax 'sm': axis 4 is out of range for rank 4

// -----

// Gather: data[:axis] + indices + data[axis+1:].
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %i = "onnx.Constant"() <{name = "i", value = dense<[0, 1]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %y = "onnx.Gather"(%x, %i) <{name = "gather", axis = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<2xi64>) -> tensor<1x2x8xf32>
  func.return
}
// CHECK: onnx.Gather 'gather': result shape should be 1x2x8x8, got 1x2x8

// -----

// Gather: integer indices.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %i = "onnx.Constant"() <{name = "i", value = #cim.splat<0.5 : tensor<2xf32>>}> : () -> tensor<2xf32>
  %y = "onnx.Gather"(%x, %i) <{name = "gather2"}> : (tensor<1x3x8x8xf32>, tensor<2xf32>) -> tensor<2x3x8x8xf32>
  func.return
}
// CHECK: onnx.Gather 'gather2': indices must be an integer tensor, got tensor<2xf32>

// -----

// Reshape: element counts agree.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %s = "onnx.Constant"() <{name = "s", value = dense<[3, 64]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %y = "onnx.Reshape"(%x, %s) <{name = "reshape"}> : (tensor<1x3x8x8xf32>, tensor<2xi64>) -> tensor<3x60xf32>
  func.return
}
// CHECK: onnx.Reshape 'reshape': cannot reshape 1x3x8x8 (192 elements) into 3x60 (180 elements)

// -----

// Reshape: a constant target (0 copies, -1 infers) determines the result.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %s = "onnx.Constant"() <{name = "s", value = dense<[0, -1, 8]> : tensor<3xi64>}> : () -> tensor<3xi64>
  %y = "onnx.Reshape"(%x, %s) <{name = "reshape2"}> : (tensor<1x3x8x8xf32>, tensor<3xi64>) -> tensor<3x8x8xf32>
  func.return
}
// CHECK: onnx.Reshape 'reshape2': result shape should be 1x24x8, got 3x8x8

// -----

// Squeeze: only size-1 axes.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %a = "onnx.Constant"() <{name = "a", value = dense<1> : tensor<1xi64>}> : () -> tensor<1xi64>
  %y = "onnx.Squeeze"(%x, %a) <{name = "squeeze"}> : (tensor<1x3x8x8xf32>, tensor<1xi64>) -> tensor<1x8x8xf32>
  func.return
}
// CHECK: onnx.Squeeze 'squeeze': cannot squeeze axes [1] of shape 1x3x8x8: not all are 1

// -----

// Unsqueeze: inserts size-1 axes at constant positions.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %a = "onnx.Constant"() <{name = "a", value = dense<[0, -1]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %y = "onnx.Unsqueeze"(%x, %a) <{name = "unsqueeze"}> : (tensor<1x3x8x8xf32>, tensor<2xi64>) -> tensor<1x1x3x8x8xf32>
  func.return
}
// CHECK: onnx.Unsqueeze 'unsqueeze': result shape should be 1x1x3x8x8x1, got 1x1x3x8x8

// -----

// ReduceMean: keepdims keeps reduced axes as 1.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %a = "onnx.Constant"() <{name = "a", value = dense<[2, 3]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %y = "onnx.ReduceMean"(%x, %a) <{name = "mean"}> : (tensor<1x3x8x8xf32>, tensor<2xi64>) -> tensor<1x3xf32>
  func.return
}
// CHECK: onnx.ReduceMean 'mean': result shape should be 1x3x1x1, got 1x3

// -----

// Slice: constant starts/ends/axes/steps determine the result.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %s = "onnx.Constant"() <{name = "s", value = dense<1> : tensor<1xi64>}> : () -> tensor<1xi64>
  %e = "onnx.Constant"() <{name = "e", value = dense<-1> : tensor<1xi64>}> : () -> tensor<1xi64>
  %a = "onnx.Constant"() <{name = "a", value = dense<3> : tensor<1xi64>}> : () -> tensor<1xi64>
  %st = "onnx.Constant"() <{name = "st", value = dense<2> : tensor<1xi64>}> : () -> tensor<1xi64>
  %y = "onnx.Slice"(%x, %s, %e, %a, %st) <{name = "slice"}> : (tensor<1x3x8x8xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x3x8x4xf32>
  func.return
}
// CHECK: onnx.Slice 'slice': result shape should be 1x3x8x3, got 1x3x8x4

// -----

// Pad: begin and end pads per axis.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %none = "onnx.NoValue"() : () -> none
  %p = "onnx.Constant"() <{name = "p", value = dense<[0, 0, 1, 1, 0, 0, 1, 2]> : tensor<8xi64>}> : () -> tensor<8xi64>
  %y = "onnx.Pad"(%x, %p, %none, %none) <{name = "pad"}> : (tensor<1x3x8x8xf32>, tensor<8xi64>, none, none) -> tensor<1x3x10x10xf32>
  func.return
}
// CHECK: onnx.Pad 'pad': result shape should be 1x3x10x11, got 1x3x10x10

// -----

// Split: sizes cut the axis.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %s = "onnx.Constant"() <{name = "s", value = dense<[2, 2]> : tensor<2xi64>}> : () -> tensor<2xi64>
  %y:2 = "onnx.Split"(%x, %s) <{name = "split", axis = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<2xi64>) -> (tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>)
  func.return
}
// CHECK: onnx.Split 'split': split sizes [2, 2] do not cut axis 1 of size 3 into 2 results

// -----

// Shape: a 1-d i64 tensor of the (sliced) rank.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %y = "onnx.Shape"(%x) <{name = "shape", start = 1 : i64}> : (tensor<1x3x8x8xf32>) -> tensor<4xi64>
  func.return
}
// CHECK: onnx.Shape 'shape': result type should be tensor<3xi64>, got tensor<4xi64>

// -----

// Constant: the result type is the value's type.
func.func @main() {
  %y = "onnx.Constant"() <{name = "c", value = #cim.splat<0.5 : tensor<4xf32>>}> : () -> tensor<5xf32>
  func.return
}
// CHECK: onnx.Constant 'c': result type tensor<5xf32> differs from the value's type tensor<4xf32>

// -----

// ConstantOfShape: the element type is the value's.
func.func @main() {
  %s = "onnx.Constant"() <{name = "s", value = dense<4> : tensor<1xi64>}> : () -> tensor<1xi64>
  %y = "onnx.ConstantOfShape"(%s) <{name = "cos", value = dense<1> : tensor<1xi64>}> : (tensor<1xi64>) -> tensor<4xf32>
  func.return
}
// CHECK: onnx.ConstantOfShape 'cos': result element type should be i64, got tensor<4xf32>

// -----

// Cast: the result element type is `to`.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %y = "onnx.Cast"(%x) <{name = "cast", to = 7 : i64}> : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xi32>
  func.return
}
// CHECK: onnx.Cast 'cast': result element type should be i64, got i32

// -----

// Tensors have static shapes.
func.func @main(%x: tensor<?x3xf32>) {
  %y = "onnx.Relu"(%x) <{name = "dyn"}> : (tensor<?x3xf32>) -> tensor<?x3xf32>
  func.return
}
// CHECK: onnx.Relu 'dyn': operand #0 must have a static shape, got tensor<?x3xf32>

// -----

// Only the supported element types.
func.func @main(%x: tensor<3xi16>) {
  %y = "onnx.Relu"(%x) <{name = "i16"}> : (tensor<3xi16>) -> tensor<3xi16>
  func.return
}
// CHECK: onnx.Relu 'i16': operand #0 has unsupported element type i16

// -----

// Every op names its ONNX node.
func.func @main(%x: tensor<1x3x8x8xf32>) {
  %y = "onnx.Relu"(%x) : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32>
  func.return
}
// CHECK: property 'name' expected in operation 'onnx.Relu'
