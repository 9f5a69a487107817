// RUN: cim-opt %s --split-input-file --verify-diagnostics -p convert-onnx-to-cim-core | filecheck %s

// Conv, Gemm and MatMul against constant weights become cim.core ops carrying
// the unrolled matrix and the footprint of one copy; everything else stays onnx.
// Arch "t4": 4 cores of one 32x32 crossbar, 8-bit cells (one cell per weight).

builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>, %a: tensor<1x16xf32>, %m: tensor<2x5x16xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x6xf32>, tensor<2x5x6xf32>, tensor<2x5x6xf32>) {
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %b = "onnx.Constant"() <{name = "b", value = dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf32>}> : () -> tensor<4xf32>
    %conv = "onnx.Conv"(%x, %w, %b) <{name = "conv", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
    %relu = "onnx.Relu"(%conv) <{name = "relu"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    %gw = "onnx.Constant"() <{name = "gw", value = #cim.splat<1.0 : tensor<6x16xf32>>}> : () -> tensor<6x16xf32>
    %gb = "onnx.Constant"() <{name = "gb", value = #cim.splat<1.0 : tensor<6xf32>>}> : () -> tensor<6xf32>
    %gemm = "onnx.Gemm"(%a, %gw, %gb) <{name = "gemm", transB = 1 : i64, alpha = 2.0 : f32, beta = 0.5 : f32}> : (tensor<1x16xf32>, tensor<6x16xf32>, tensor<6xf32>) -> tensor<1x6xf32>
    %mw = "onnx.Constant"() <{name = "mw", value = #cim.splat<1.0 : tensor<16x6xf32>>}> : () -> tensor<16x6xf32>
    %mm = "onnx.MatMul"(%m, %mw) <{name = "mm"}> : (tensor<2x5x16xf32>, tensor<16x6xf32>) -> tensor<2x5x6xf32>
    %lin = "onnx.MatMul"(%m, %mw) <{name = "linear"}> : (tensor<2x5x16xf32>, tensor<16x6xf32>) -> tensor<2x5x6xf32>
    %add = "onnx.Add"(%lin, %gb) <{name = "linear.bias"}> : (tensor<2x5x6xf32>, tensor<6xf32>) -> tensor<2x5x6xf32>
    func.return %relu, %gemm, %mm, %add : tensor<1x4x8x8xf32>, tensor<1x6xf32>, tensor<2x5x6xf32>, tensor<2x5x6xf32>
  }
}

// A 3x3 conv of 3 -> 4 channels: 27 x 4 matrix, one crossbar; the bias is kept.
// CHECK:      %conv = "cim.core.conv"(%x, %w, %b) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4, groups = 1, bits = 8>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 0, dup = 1, cores = [], wait = 0>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
// The ReLU stays a digital (onnx) op.
// CHECK-NEXT: %relu = "onnx.Relu"(%conv)
// Gemm with transB: weights stay N x K (trans_w = 1), the matrix is K x N = 16 x 6.
// CHECK:      %gemm = "cim.core.matmul"(%a, %gw, %gb) <{name = "gemm", matrix = #cim.core.matrix<rows = 16, cols = 6, groups = 1, bits = 8>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, {{.*}}, trans_w = 1 : i64, alpha = 2.000000e+00 : f32, beta = 5.000000e-01 : f32}> : (tensor<1x16xf32>, tensor<6x16xf32>, tensor<6xf32>) -> tensor<1x6xf32>
// MatMul on a 3-D input: no bias (onnx.NoValue).
// CHECK:      %[[NONE:.*]] = "onnx.NoValue"() : () -> none
// CHECK-NEXT: "cim.core.matmul"(%m, %mw, %[[NONE]]) <{name = "mm", matrix = #cim.core.matrix<rows = 16, cols = 6, groups = 1, bits = 8>, {{.*}}, trans_w = 0 : i64, {{.*}}}> : (tensor<2x5x16xf32>, tensor<16x6xf32>, none) -> tensor<2x5x6xf32>
// MatMul + Add of a constant [N] bias (a Linear layer) fuses into one matmul.
// CHECK-NEXT: %add = "cim.core.matmul"(%m, %mw, %gb) <{name = "linear", matrix = #cim.core.matrix<rows = 16, cols = 6, groups = 1, bits = 8>, {{.*}}}> : (tensor<2x5x16xf32>, tensor<16x6xf32>, tensor<6xf32>) -> tensor<2x5x6xf32>
// CHECK-NOT:  onnx.Add
// CHECK-NOT:  onnx.MatMul
// CHECK:      func.return %relu, %gemm, %{{.*}}, %add

// -----

// Grouped convolutions and odd shapes.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x8x8x8xf32>, %r: tensor<1x3x15x9xf32>) -> (tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>, tensor<1x16x8x8xf32>, tensor<1x4x5x2xf32>) {
    %none = "onnx.NoValue"() : () -> none
    %dw = "onnx.Constant"() <{name = "dw", value = #cim.splat<1.0 : tensor<8x1x3x3xf32>>}> : () -> tensor<8x1x3x3xf32>
    %gw = "onnx.Constant"() <{name = "gw", value = #cim.splat<1.0 : tensor<8x4x3x3xf32>>}> : () -> tensor<8x4x3x3xf32>
    %pw = "onnx.Constant"() <{name = "pw", value = #cim.splat<1.0 : tensor<16x8x1x1xf32>>}> : () -> tensor<16x8x1x1xf32>
    %sw = "onnx.Constant"() <{name = "sw", value = #cim.splat<1.0 : tensor<4x3x7x7xf32>>}> : () -> tensor<4x3x7x7xf32>
    %d = "onnx.Conv"(%x, %dw, %none) <{name = "depthwise", group = 8 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x8x8x8xf32>, tensor<8x1x3x3xf32>, none) -> tensor<1x8x8x8xf32>
    %g = "onnx.Conv"(%x, %gw, %none) <{name = "grouped", group = 2 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x8x8x8xf32>, tensor<8x4x3x3xf32>, none) -> tensor<1x8x8x8xf32>
    %p = "onnx.Conv"(%x, %pw, %none) <{name = "pointwise", group = 1 : i64, kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}> : (tensor<1x8x8x8xf32>, tensor<16x8x1x1xf32>, none) -> tensor<1x16x8x8xf32>
    %s = "onnx.Conv"(%r, %sw, %none) <{name = "stem7x7", group = 1 : i64, kernel_shape = array<i64: 7, 7>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}> : (tensor<1x3x15x9xf32>, tensor<4x3x7x7xf32>, none) -> tensor<1x4x5x2xf32>
    func.return %d, %g, %p, %s : tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>, tensor<1x16x8x8xf32>, tensor<1x4x5x2xf32>
  }
}

// Depthwise: 8 groups of 9 x 1; 3 groups fit block-diagonally in a 32-row
// crossbar, so one copy is 3 crossbars on 3 cores.
// CHECK:      %d = "cim.core.conv"(%x, %dw, %none) <{name = "depthwise", matrix = #cim.core.matrix<rows = 9, cols = 1, groups = 8, bits = 8>, footprint = #cim.core.footprint<xbars = 3, cores = 3>, {{.*}}, group = 8 : i64}>
// Grouped (2 groups of 36 x 4): 36 rows need two row tiles per group -> 4 crossbars.
// CHECK-NEXT: %g = "cim.core.conv"(%x, %gw, %none) <{name = "grouped", matrix = #cim.core.matrix<rows = 36, cols = 4, groups = 2, bits = 8>, footprint = #cim.core.footprint<xbars = 4, cores = 4>, {{.*}}, group = 2 : i64}>
// 1x1 conv: 8 x 16.
// CHECK-NEXT: %p = "cim.core.conv"(%x, %pw, %none) <{name = "pointwise", matrix = #cim.core.matrix<rows = 8, cols = 16, groups = 1, bits = 8>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, {{.*}}, kernel_shape = array<i64: 1, 1>
// 7x7/2 on a non-square 15x9 input: 147 x 4 needs 5 row tiles.
// CHECK-NEXT: %s = "cim.core.conv"(%r, %sw, %none) <{name = "stem7x7", matrix = #cim.core.matrix<rows = 147, cols = 4, groups = 1, bits = 8>, footprint = #cim.core.footprint<xbars = 5, cores = 5>, {{.*}}, kernel_shape = array<i64: 7, 7>, strides = array<i64: 2, 2>{{.*}}(tensor<1x3x15x9xf32>, tensor<4x3x7x7xf32>, none) -> tensor<1x4x5x2xf32>

// -----

// What stays digital: weights that are not constants, Gemm with transA, a
// MatMul whose bias Add is not constant (no fusion), a MatMul with a second user.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>, %wx: tensor<4x3x3x3xf32>, %a: tensor<4x16xf32>, %bt: tensor<16x4xf32>, %v: tensor<4x6xf32>) -> (tensor<1x4x8x8xf32>, tensor<4x4xf32>, tensor<16x6xf32>, tensor<4x6xf32>, tensor<4x6xf32>, tensor<4x6xf32>) {
    %none = "onnx.NoValue"() : () -> none
    %c = "onnx.Conv"(%x, %wx, %none) <{name = "dynamic_conv", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %mm = "onnx.MatMul"(%a, %bt) <{name = "act_matmul"}> : (tensor<4x16xf32>, tensor<16x4xf32>) -> tensor<4x4xf32>
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<1.0 : tensor<4x6xf32>>}> : () -> tensor<4x6xf32>
    %ta = "onnx.Gemm"(%a, %w, %none) <{name = "transA", transA = 1 : i64}> : (tensor<4x16xf32>, tensor<4x6xf32>, none) -> tensor<16x6xf32>
    %w16 = "onnx.Constant"() <{name = "w16", value = #cim.splat<1.0 : tensor<16x6xf32>>}> : () -> tensor<16x6xf32>
    %l = "onnx.MatMul"(%a, %w16) <{name = "unfused"}> : (tensor<4x16xf32>, tensor<16x6xf32>) -> tensor<4x6xf32>
    %add = "onnx.Add"(%l, %v) <{name = "dyn_bias"}> : (tensor<4x6xf32>, tensor<4x6xf32>) -> tensor<4x6xf32>
    %b6 = "onnx.Constant"() <{name = "b6", value = #cim.splat<1.0 : tensor<6xf32>>}> : () -> tensor<6xf32>
    %l2 = "onnx.MatMul"(%a, %w16) <{name = "two_users"}> : (tensor<4x16xf32>, tensor<16x6xf32>) -> tensor<4x6xf32>
    %add2 = "onnx.Add"(%l2, %b6) <{name = "bias2"}> : (tensor<4x6xf32>, tensor<6xf32>) -> tensor<4x6xf32>
    func.return %c, %mm, %ta, %add, %add2, %l2 : tensor<1x4x8x8xf32>, tensor<4x4xf32>, tensor<16x6xf32>, tensor<4x6xf32>, tensor<4x6xf32>, tensor<4x6xf32>
  }
}
// CHECK:      %c = "onnx.Conv"(%x, %wx, %none) <{name = "dynamic_conv"
// CHECK-NEXT: %mm = "onnx.MatMul"(%a, %bt) <{name = "act_matmul"}>
// CHECK:      %ta = "onnx.Gemm"(%a, %w, %none) <{name = "transA"
// CHECK:      %[[L:.*]] = "cim.core.matmul"(%a, %w16, %{{.*}}) <{name = "unfused"
// CHECK-NEXT: %add = "onnx.Add"(%[[L]], %v) <{name = "dyn_bias"}>
// CHECK:      %[[L2:.*]] = "cim.core.matmul"(%a, %w16, %{{.*}}) <{name = "two_users"
// CHECK-NEXT: %add2 = "onnx.Add"(%[[L2]], %b6) <{name = "bias2"}>
// CHECK-NOT:  cim.core

// -----

// Batch > 1 is an error naming the layer.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<2x3x8x8xf32>) -> tensor<2x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %y = "onnx.Conv"(%x, %w, %none) <{name = "batched", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<2x4x8x8xf32>
    func.return %y : tensor<2x4x8x8xf32>
  }
}
// CHECK: layer 'batched': batch size 2 is not supported by the CIM lowering (one image at a time); import with --input-shape to set batch 1

// -----

// A crossbar too narrow for one weight is an error naming the layer.
builtin.module attributes {cim.arch = #cim.arch<{name = narrow, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 2], parallel_row = 32, precision = 2}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %y = "onnx.Conv"(%x, %w, %none) <{name = "conv", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %y : tensor<1x4x8x8xf32>
  }
}
// CHECK: layer 'conv': a crossbar of 2 columns cannot hold one 8-bit weight in 4 adjacent 2-bit cells; bind B->XB instead

// -----

// Without an arch the pass refuses to run.
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  func.return %x : tensor<1x4xf32>
}
// CHECK: pass 'convert-onnx-to-cim-core' needs a target architecture, but the module has no #cim.arch attribute
