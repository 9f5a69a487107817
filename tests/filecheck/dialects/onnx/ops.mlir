// RUN: cim-opt %s | cim-opt | filecheck %s

// Every onnx op round-trips in the generic format: operands in newest-opset ONNX
// order, onnx.NoValue for absent optional inputs, ONNX attributes as properties.

func.func @main(%x: tensor<1x3x8x8xf32>, %m: tensor<2x16xf32>) -> (tensor<1x4x8x8xf32>, tensor<2x10xf32>) {
  %none = "onnx.NoValue"() : () -> none
  // CHECK: %none = "onnx.NoValue"() : () -> none
  %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
  // CHECK-NEXT: %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
  %b = "onnx.Constant"() <{name = "b", value = dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf32>}> : () -> tensor<4xf32>
  // CHECK-NEXT: %b = "onnx.Constant"() <{name = "b", value = dense<[1.000000e-01, 2.000000e-01, 3.000000e-01, 4.000000e-01]> : tensor<4xf32>}> : () -> tensor<4xf32>
  %conv = "onnx.Conv"(%x, %w, %none) <{name = "conv", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
  // CHECK-NEXT: %conv = "onnx.Conv"(%x, %w, %none) <{name = "conv", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
  %bn = "onnx.BatchNormalization"(%conv, %b, %b, %b, %b) <{name = "bn", epsilon = 1.000000e-03 : f32}> : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  // CHECK-NEXT: %bn = "onnx.BatchNormalization"(%conv, %b, %b, %b, %b) <{name = "bn", epsilon = 1.000000e-03 : f32}>
  %relu = "onnx.Relu"(%bn) <{name = "relu"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // CHECK-NEXT: %relu = "onnx.Relu"(%bn) <{name = "relu"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %lo = "onnx.Constant"() <{name = "lo", value = dense<0.0> : tensor<f32>}> : () -> tensor<f32>
  %clip = "onnx.Clip"(%relu, %lo, %none) <{name = "clip"}> : (tensor<1x4x8x8xf32>, tensor<f32>, none) -> tensor<1x4x8x8xf32>
  // CHECK: %clip = "onnx.Clip"(%relu, %lo, %none) <{name = "clip"}> : (tensor<1x4x8x8xf32>, tensor<f32>, none) -> tensor<1x4x8x8xf32>
  %sig = "onnx.Sigmoid"(%clip) <{name = "sig"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // CHECK-NEXT: "onnx.Sigmoid"
  %tanh = "onnx.Tanh"(%sig) <{name = "tanh"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // CHECK-NEXT: "onnx.Tanh"
  %erf = "onnx.Erf"(%tanh) <{name = "erf"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // CHECK-NEXT: "onnx.Erf"
  %sqrt = "onnx.Sqrt"(%erf) <{name = "sqrt"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // CHECK-NEXT: "onnx.Sqrt"
  %gelu = "onnx.Gelu"(%sqrt) <{name = "gelu", approximate = "tanh"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // CHECK-NEXT: %gelu = "onnx.Gelu"(%sqrt) <{name = "gelu", approximate = "tanh"}>
  %lrn = "onnx.LRN"(%gelu) <{name = "lrn", size = 3 : i64, alpha = 1.000000e-04 : f32}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // CHECK-NEXT: %lrn = "onnx.LRN"(%gelu) <{name = "lrn", size = 3 : i64, alpha = 1.000000e-04 : f32}>
  %drop = "onnx.Dropout"(%lrn, %none, %none) <{name = "drop"}> : (tensor<1x4x8x8xf32>, none, none) -> tensor<1x4x8x8xf32>
  // CHECK-NEXT: %drop = "onnx.Dropout"(%lrn, %none, %none) <{name = "drop"}> : (tensor<1x4x8x8xf32>, none, none) -> tensor<1x4x8x8xf32>
  %id = "onnx.Identity"(%drop) <{name = "id"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // CHECK-NEXT: "onnx.Identity"
  %b4 = "onnx.Constant"() <{name = "b4", value = #cim.splat<1.0 : tensor<4x1x1xf32>>}> : () -> tensor<4x1x1xf32>
  %add = "onnx.Add"(%id, %b4) <{name = "add"}> : (tensor<1x4x8x8xf32>, tensor<4x1x1xf32>) -> tensor<1x4x8x8xf32>
  // CHECK: %add = "onnx.Add"(%id, %b4) <{name = "add"}> : (tensor<1x4x8x8xf32>, tensor<4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %sub = "onnx.Sub"(%add, %add) <{name = "sub"}> : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // CHECK-NEXT: "onnx.Sub"
  %mul = "onnx.Mul"(%sub, %add) <{name = "mul"}> : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // CHECK-NEXT: "onnx.Mul"
  %div = "onnx.Div"(%mul, %add) <{name = "div"}> : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // CHECK-NEXT: "onnx.Div"
  %two = "onnx.Constant"() <{name = "two", value = dense<2.0> : tensor<f32>}> : () -> tensor<f32>
  %pow = "onnx.Pow"(%div, %two) <{name = "pow"}> : (tensor<1x4x8x8xf32>, tensor<f32>) -> tensor<1x4x8x8xf32>
  // CHECK: %pow = "onnx.Pow"(%div, %two)
  %sum = "onnx.Sum"(%pow, %div, %mul) <{name = "sum"}> : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // CHECK-NEXT: %sum = "onnx.Sum"(%pow, %div, %mul) <{name = "sum"}> : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %mp = "onnx.MaxPool"(%sum) <{name = "mp", kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, ceil_mode = 1 : i64}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x5x5xf32>
  // CHECK-NEXT: %mp = "onnx.MaxPool"(%sum) <{name = "mp", kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, ceil_mode = 1 : i64}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x5x5xf32>
  %ap = "onnx.AveragePool"(%mp) <{name = "ap", kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, count_include_pad = 1 : i64}> : (tensor<1x4x5x5xf32>) -> tensor<1x4x2x2xf32>
  // CHECK-NEXT: "onnx.AveragePool"(%mp)
  %gap = "onnx.GlobalAveragePool"(%ap) <{name = "gap"}> : (tensor<1x4x2x2xf32>) -> tensor<1x4x1x1xf32>
  // CHECK-NEXT: %gap = "onnx.GlobalAveragePool"(%ap) <{name = "gap"}> : (tensor<1x4x2x2xf32>) -> tensor<1x4x1x1xf32>
  %flat = "onnx.Flatten"(%gap) <{name = "flat", axis = 1 : i64}> : (tensor<1x4x1x1xf32>) -> tensor<1x4xf32>
  // CHECK-NEXT: %flat = "onnx.Flatten"(%gap) <{name = "flat", axis = 1 : i64}> : (tensor<1x4x1x1xf32>) -> tensor<1x4xf32>
  %shape = "onnx.Shape"(%flat) <{name = "shape", start = -1 : i64}> : (tensor<1x4xf32>) -> tensor<1xi64>
  // CHECK-NEXT: %shape = "onnx.Shape"(%flat) <{name = "shape", start = -1 : i64}> : (tensor<1x4xf32>) -> tensor<1xi64>
  %zero = "onnx.Constant"() <{name = "zero", value = dense<0> : tensor<i64>}> : () -> tensor<i64>
  %g = "onnx.Gather"(%shape, %zero) <{name = "g", axis = 0 : i64}> : (tensor<1xi64>, tensor<i64>) -> tensor<i64>
  // CHECK: %g = "onnx.Gather"(%shape, %zero) <{name = "g", axis = 0 : i64}> : (tensor<1xi64>, tensor<i64>) -> tensor<i64>
  %ax0 = "onnx.Constant"() <{name = "ax0", value = dense<0> : tensor<1xi64>}> : () -> tensor<1xi64>
  %u = "onnx.Unsqueeze"(%g, %ax0) <{name = "u"}> : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  // CHECK: %u = "onnx.Unsqueeze"(%g, %ax0) <{name = "u"}> : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %one = "onnx.Constant"() <{name = "one", value = dense<1> : tensor<1xi64>}> : () -> tensor<1xi64>
  %cat = "onnx.Concat"(%one, %u) <{name = "cat", axis = 0 : i64}> : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  // CHECK: %cat = "onnx.Concat"(%one, %u) <{name = "cat", axis = 0 : i64}> : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %cs = "onnx.ConstantOfShape"(%cat) <{name = "cs", value = dense<1.0> : tensor<1xf32>}> : (tensor<2xi64>) -> tensor<1x4xf32>
  // CHECK-NEXT: %cs = "onnx.ConstantOfShape"(%cat) <{name = "cs", value = dense<1.000000e+00> : tensor<1xf32>}> : (tensor<2xi64>) -> tensor<1x4xf32>
  %rs = "onnx.Reshape"(%flat, %cat) <{name = "rs"}> : (tensor<1x4xf32>, tensor<2xi64>) -> tensor<1x4xf32>
  // CHECK-NEXT: %rs = "onnx.Reshape"(%flat, %cat) <{name = "rs"}> : (tensor<1x4xf32>, tensor<2xi64>) -> tensor<1x4xf32>
  %tr = "onnx.Transpose"(%rs) <{name = "tr", perm = array<i64: 1, 0>}> : (tensor<1x4xf32>) -> tensor<4x1xf32>
  // CHECK-NEXT: %tr = "onnx.Transpose"(%rs) <{name = "tr", perm = array<i64: 1, 0>}> : (tensor<1x4xf32>) -> tensor<4x1xf32>
  %sq = "onnx.Squeeze"(%tr, %none) <{name = "sq"}> : (tensor<4x1xf32>, none) -> tensor<4xf32>
  // CHECK-NEXT: %sq = "onnx.Squeeze"(%tr, %none) <{name = "sq"}> : (tensor<4x1xf32>, none) -> tensor<4xf32>
  %sm = "onnx.Softmax"(%m) <{name = "sm", axis = -1 : i64}> : (tensor<2x16xf32>) -> tensor<2x16xf32>
  // CHECK-NEXT: %sm = "onnx.Softmax"(%m) <{name = "sm", axis = -1 : i64}> : (tensor<2x16xf32>) -> tensor<2x16xf32>
  %s16 = "onnx.Constant"() <{name = "s16", value = #cim.splat<1.0 : tensor<16xf32>>}> : () -> tensor<16xf32>
  %ln = "onnx.LayerNormalization"(%sm, %s16, %none) <{name = "ln", epsilon = 9.99999997e-07 : f32}> : (tensor<2x16xf32>, tensor<16xf32>, none) -> tensor<2x16xf32>
  // CHECK: %ln = "onnx.LayerNormalization"(%sm, %s16, %none) <{name = "ln", epsilon = 1.000000e-06 : f32}> : (tensor<2x16xf32>, tensor<16xf32>, none) -> tensor<2x16xf32>
  %rm = "onnx.ReduceMean"(%ln, %none) <{name = "rm", keepdims = 0 : i64}> : (tensor<2x16xf32>, none) -> tensor<f32>
  // CHECK-NEXT: %rm = "onnx.ReduceMean"(%ln, %none) <{name = "rm", keepdims = 0 : i64}> : (tensor<2x16xf32>, none) -> tensor<f32>
  %pads = "onnx.Constant"() <{name = "pads", value = dense<[0, 1, 0, 1]> : tensor<4xi64>}> : () -> tensor<4xi64>
  %pad = "onnx.Pad"(%ln, %pads, %none, %none) <{name = "pad", mode = "edge"}> : (tensor<2x16xf32>, tensor<4xi64>, none, none) -> tensor<2x18xf32>
  // CHECK: %pad = "onnx.Pad"(%ln, %pads, %none, %none) <{name = "pad", mode = "edge"}> : (tensor<2x16xf32>, tensor<4xi64>, none, none) -> tensor<2x18xf32>
  %st = "onnx.Constant"() <{name = "st", value = dense<[1]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %en = "onnx.Constant"() <{name = "en", value = dense<[9223372036854775807]> : tensor<1xi64>}> : () -> tensor<1xi64>
  %sl = "onnx.Slice"(%pad, %st, %en, %st, %none) <{name = "sl"}> : (tensor<2x18xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, none) -> tensor<2x17xf32>
  // CHECK: %sl = "onnx.Slice"(%pad, %st, %en, %st, %none) <{name = "sl"}> : (tensor<2x18xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, none) -> tensor<2x17xf32>
  %sp:2 = "onnx.Split"(%m, %none) <{name = "sp", axis = 1 : i64, num_outputs = 2 : i64}> : (tensor<2x16xf32>, none) -> (tensor<2x8xf32>, tensor<2x8xf32>)
  // CHECK-NEXT: %sp, %sp_1 = "onnx.Split"(%m, %none) <{name = "sp", axis = 1 : i64, num_outputs = 2 : i64}> : (tensor<2x16xf32>, none) -> (tensor<2x8xf32>, tensor<2x8xf32>)
  %cast = "onnx.Cast"(%sp#0) <{name = "cast", to = 7 : i64}> : (tensor<2x8xf32>) -> tensor<2x8xi64>
  // CHECK-NEXT: %cast = "onnx.Cast"(%sp) <{name = "cast", to = 7 : i64}> : (tensor<2x8xf32>) -> tensor<2x8xi64>
  %fcw = "onnx.Constant"() <{name = "fc.weight", value = #cim.blob<"0123456789abcdef01234567" : tensor<10x16xf32>>}> : () -> tensor<10x16xf32>
  // CHECK: %fcw = "onnx.Constant"() <{name = "fc.weight", value = #cim.blob<"0123456789abcdef01234567" : tensor<10x16xf32>>}> : () -> tensor<10x16xf32>
  %gemm = "onnx.Gemm"(%ln, %fcw, %none) <{name = "fc", transB = 1 : i64, alpha = 1.000000e+00 : f32}> : (tensor<2x16xf32>, tensor<10x16xf32>, none) -> tensor<2x10xf32>
  // CHECK-NEXT: %gemm = "onnx.Gemm"(%ln, %fcw, %none) <{name = "fc", transB = 1 : i64, alpha = 1.000000e+00 : f32}> : (tensor<2x16xf32>, tensor<10x16xf32>, none) -> tensor<2x10xf32>
  %mmw = "onnx.Constant"() <{name = "mm.weight", value = #cim.splat<0.25 : tensor<16x10xf32>>}> : () -> tensor<16x10xf32>
  %mm = "onnx.MatMul"(%sm, %mmw) <{name = "mm"}> : (tensor<2x16xf32>, tensor<16x10xf32>) -> tensor<2x10xf32>
  // CHECK: %mm = "onnx.MatMul"(%sm, %mmw) <{name = "mm"}> : (tensor<2x16xf32>, tensor<16x10xf32>) -> tensor<2x10xf32>
  func.return %conv, %mm : tensor<1x4x8x8xf32>, tensor<2x10xf32>
  // CHECK: func.return %conv, %mm : tensor<1x4x8x8xf32>, tensor<2x10xf32>
}
