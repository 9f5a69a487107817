// RUN: ROUNDTRIP

// Every cim.core op and attribute round-trips through the text format.
// Arch "t4": 4 cores of one 32x32 crossbar, 8-bit cells (one cell per 8-bit
// weight), so a copy of a matrix of at most 32x32 is one crossbar on one core.

// The three record attributes, standalone; omitted fields take their defaults.
func.func @attrs() attributes {
    m = #cim.core.matrix<rows = 27, cols = 32>,
    m2 = #cim.core.matrix<rows = 9, cols = 1, groups = 16, bits = 4>,
    f = #cim.core.footprint<xbars = 3, cores = 2>,
    s0 = #cim.core.schedule<segment = 0>,
    s1 = #cim.core.schedule<segment = 2, stage = 3, dup = 2, cores = [4, 5, 6, 7], wait = 3>} {
  func.return
}
// CHECK:      func.func @attrs() attributes {
// CHECK-SAME: m = #cim.core.matrix<rows = 27, cols = 32, groups = 1, bits = 8>
// CHECK-SAME: m2 = #cim.core.matrix<rows = 9, cols = 1, groups = 16, bits = 4>
// CHECK-SAME: f = #cim.core.footprint<xbars = 3, cores = 2>
// CHECK-SAME: s0 = #cim.core.schedule<segment = 0, stage = 0, dup = 1, cores = [], wait = 0>
// CHECK-SAME: s1 = #cim.core.schedule<segment = 2, stage = 3, dup = 2, cores = [4, 5, 6, 7], wait = 3>

// -----

builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>, %m: tensor<2x5x16xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x8x4x4xf32>, tensor<1x8x8x8xf32>, tensor<1x2x8x8xf32>, tensor<2x5x6xf32>, tensor<2x5x6xf32>, tensor<2x5x6xf32>) {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %b = "onnx.Constant"() <{name = "b", value = dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf32>}> : () -> tensor<4xf32>
    %w8 = "onnx.Constant"() <{name = "w8", value = #cim.splat<0.25 : tensor<8x3x3x3xf32>>}> : () -> tensor<8x3x3x3xf32>
    %dw = "onnx.Constant"() <{name = "dw", value = #cim.splat<1.0 : tensor<8x1x3x3xf32>>}> : () -> tensor<8x1x3x3xf32>
    %wk = "onnx.Constant"() <{name = "wk", value = #cim.splat<1.0 : tensor<16x6xf32>>}> : () -> tensor<16x6xf32>
    %wt = "onnx.Constant"() <{name = "wt", value = #cim.splat<1.0 : tensor<6x16xf32>>}> : () -> tensor<6x16xf32>
    %bn = "onnx.Constant"() <{name = "bn", value = #cim.splat<1.0 : tensor<6xf32>>}> : () -> tensor<6xf32>

    // Defaults of the schedule are filled in when omitted.
    %c0 = "cim.core.conv"(%x, %w, %none) <{name = "conv0", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    // CHECK:      %c0 = "cim.core.conv"(%x, %w, %none) <{name = "conv0", matrix = #cim.core.matrix<rows = 27, cols = 4, groups = 1, bits = 8>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 0, dup = 1, cores = [], wait = 0>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>

    // A fully scheduled strided conv with bias: 2 copies on cores 2 and 3.
    %c1 = "cim.core.conv"(%x, %w8, %none) <{name = "conv1", matrix = #cim.core.matrix<rows = 27, cols = 8, groups = 1, bits = 8>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 1, stage = 2, dup = 2, cores = [2, 3], wait = 2>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>, none) -> tensor<1x8x4x4xf32>
    // CHECK-NEXT: %c1 = "cim.core.conv"(%x, %w8, %none) <{name = "conv1", matrix = #cim.core.matrix<rows = 27, cols = 8, groups = 1, bits = 8>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 1, stage = 2, dup = 2, cores = [2, 3], wait = 2>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}>

    // Depthwise: 8 groups of a 9x1 matrix, 3 groups packed block-diagonally per
// 32-row crossbar: 3 crossbars on 3 cores.
    %x8 = "onnx.Relu"(%c0) <{name = "pad8"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    %cat = "onnx.Concat"(%x8, %x8) <{name = "cat", axis = 1 : i64}> : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x8x8x8xf32>
    %c2 = "cim.core.conv"(%cat, %dw, %none) <{name = "dw", matrix = #cim.core.matrix<rows = 9, cols = 1, groups = 8, bits = 8>, footprint = #cim.core.footprint<xbars = 3, cores = 3>, schedule = #cim.core.schedule<segment = 0>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 8 : i64}> : (tensor<1x8x8x8xf32>, tensor<8x1x3x3xf32>, none) -> tensor<1x8x8x8xf32>
    // CHECK:      %c2 = "cim.core.conv"(%cat, %dw, %none) <{name = "dw", matrix = #cim.core.matrix<rows = 9, cols = 1, groups = 8, bits = 8>, footprint = #cim.core.footprint<xbars = 3, cores = 3>, {{.*}} group = 8 : i64}>

    // A part of a split conv: input channels [0, 2) and output channels [1, 3).
    %c3 = "cim.core.conv"(%x, %w, %b) <{name = "conv/part0.0", matrix = #cim.core.matrix<rows = 18, cols = 2>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, in_range = array<i64: 0, 2>, out_range = array<i64: 1, 3>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x2x8x8xf32>
    // CHECK:      %c3 = "cim.core.conv"(%x, %w, %b) <{name = "conv/part0.0", matrix = #cim.core.matrix<rows = 18, cols = 2, groups = 1, bits = 8>, {{.*}}, in_range = array<i64: 0, 2>, out_range = array<i64: 1, 3>}>

    // MatMul on a 3-D input (K = 16, N = 6) with default trans_w/alpha/beta.
    %m0 = "cim.core.matmul"(%m, %wk, %none) <{name = "mm", matrix = #cim.core.matrix<rows = 16, cols = 6>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0>}> : (tensor<2x5x16xf32>, tensor<16x6xf32>, none) -> tensor<2x5x6xf32>
    // CHECK:      %m0 = "cim.core.matmul"(%m, %wk, %none) <{name = "mm", matrix = #cim.core.matrix<rows = 16, cols = 6, groups = 1, bits = 8>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 0, dup = 1, cores = [], wait = 0>, trans_w = 0 : i64, alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32}> : (tensor<2x5x16xf32>, tensor<16x6xf32>, none) -> tensor<2x5x6xf32>

    // Gemm-like: transposed weights, bias, alpha and beta.
    %m1 = "cim.core.matmul"(%m, %wt, %bn) <{name = "gemm", matrix = #cim.core.matrix<rows = 16, cols = 6>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 3, cores = [0, 1, 2]>, trans_w = 1 : i64, alpha = 2.0 : f32, beta = 0.5 : f32}> : (tensor<2x5x16xf32>, tensor<6x16xf32>, tensor<6xf32>) -> tensor<2x5x6xf32>
    // CHECK-NEXT: %m1 = "cim.core.matmul"(%m, %wt, %bn) <{name = "gemm", {{.*}}, schedule = #cim.core.schedule<segment = 0, stage = 0, dup = 3, cores = [0, 1, 2], wait = 0>, trans_w = 1 : i64, alpha = 2.000000e+00 : f32, beta = 5.000000e-01 : f32}>

    // A K-split part of a matmul: rows [8, 16) of the weights.
    %m2 = "cim.core.matmul"(%m, %wk, %none) <{name = "mm/part0.1", matrix = #cim.core.matrix<rows = 8, cols = 6>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0>, in_range = array<i64: 8, 16>}> : (tensor<2x5x16xf32>, tensor<16x6xf32>, none) -> tensor<2x5x6xf32>
    // CHECK-NEXT: %m2 = "cim.core.matmul"(%m, %wk, %none) <{name = "mm/part0.1", matrix = #cim.core.matrix<rows = 8, cols = 6, groups = 1, bits = 8>, {{.*}}, in_range = array<i64: 8, 16>, trans_w = 0 : i64
    func.return %c0, %c1, %c2, %c3, %m0, %m1, %m2 : tensor<1x4x8x8xf32>, tensor<1x8x4x4xf32>, tensor<1x8x8x8xf32>, tensor<1x2x8x8xf32>, tensor<2x5x6xf32>, tensor<2x5x6xf32>, tensor<2x5x6xf32>
  }
}

// -----

// Without a #cim.arch the footprint is not checked against any chip.
func.func @no_arch(%x: tensor<1x64x4x4xf32>) -> tensor<1x64x4x4xf32> {
  %none = "onnx.NoValue"() : () -> none
  %w = "onnx.Constant"() <{name = "w", value = #cim.splat<1.0 : tensor<64x64x3x3xf32>>}> : () -> tensor<64x64x3x3xf32>
  %y = "cim.core.conv"(%x, %w, %none) <{name = "big", matrix = #cim.core.matrix<rows = 576, cols = 64>, footprint = #cim.core.footprint<xbars = 1000, cores = 999>, schedule = #cim.core.schedule<dup = 2, cores = []>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x64x4x4xf32>, tensor<64x64x3x3xf32>, none) -> tensor<1x64x4x4xf32>
  func.return %y : tensor<1x64x4x4xf32>
}
// CHECK: "cim.core.conv"(%x, %w, %none) <{name = "big", matrix = #cim.core.matrix<rows = 576, cols = 64, groups = 1, bits = 8>, footprint = #cim.core.footprint<xbars = 1000, cores = 999>, schedule = #cim.core.schedule<segment = 0, stage = 0, dup = 2, cores = [], wait = 0>
