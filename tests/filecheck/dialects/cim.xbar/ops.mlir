// RUN: ROUNDTRIP
// RUN: cim-opt %s --split-input-file --print-op-generic | cim-opt --split-input-file | filecheck %s

// Every cim.xbar op and attribute round-trips through the text format (and
// through the generic form).  Arch "t": 2 cores x 2 crossbars of 32x32 cells
// of 4 bits, so an 8-bit weight is 2 cells: 16 weights per crossbar row with
// B->XBC, 32 per row on each of 2 bit-slice crossbars with B->XB.

// The two record attributes, standalone; stagger defaults to 1 and the copies
// keep their order.
func.func @attrs() attributes {
    v = #cim.xbar.vxb<xbars = 6, row_tiles = 3, col_tiles = 2, bit_xbars = 1, groups_per_xbar = 1>,
    p0 = #cim.xbar.placement<dup = 2, xbars = [0, 3]>,
    p1 = #cim.xbar.placement<dup = 3, xbars = [4, 0, 8], stagger = 3>} {
  func.return
}
// CHECK:      func.func @attrs() attributes {
// CHECK-SAME: v = #cim.xbar.vxb<xbars = 6, row_tiles = 3, col_tiles = 2, bit_xbars = 1, groups_per_xbar = 1>
// CHECK-SAME: p0 = #cim.xbar.placement<dup = 2, xbars = [0, 3], stagger = 1>
// CHECK-SAME: p1 = #cim.xbar.placement<dup = 3, xbars = [4, 0, 8], stagger = 3>

// -----

builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = XBM, chip = {core_number = [2, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 8, precision = 4}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>, %m: tensor<2x5x16xf32>, %k: tensor<3x40xf32>, %d: tensor<1x8x6x6xf32>) -> (tensor<1x4x8x8xf32>, tensor<2x5x6xf32>, tensor<3x20xf32>, tensor<1x8x6x6xf32>) {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %b = "onnx.Constant"() <{name = "b", value = dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf32>}> : () -> tensor<4xf32>
    %wk = "onnx.Constant"() <{name = "wk", value = #cim.splat<1.0 : tensor<16x6xf32>>}> : () -> tensor<16x6xf32>
    %wt = "onnx.Constant"() <{name = "wt", value = #cim.splat<1.0 : tensor<40x20xf32>>}> : () -> tensor<40x20xf32>
    %dw = "onnx.Constant"() <{name = "dw", value = #cim.splat<1.0 : tensor<8x1x3x3xf32>>}> : () -> tensor<8x1x3x3xf32>

    // A 27 x 4 conv matrix fits one crossbar: 4 copies on the 4 crossbars of
    // its 2 CG cores, activated in 2 waves; 64 windows.
    %c = "cim.xbar.conv"(%x, %w, %b) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 2, cores = [0, 1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 4, xbars = [0, 1, 2, 3], stagger = 2>, windows = #builtin.int<64>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
    // CHECK:      %c = "cim.xbar.conv"(%x, %w, %b) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4, groups = 1, bits = 8>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 2, cores = [0, 1], wait = 0>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 4, xbars = [0, 1, 2, 3], stagger = 2>, windows = #builtin.int<64>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>

    // B->XB: the 2 cells of a weight on 2 crossbars; a 3-D MatMul has 2 x 5 MVMs.
    %mm = "cim.xbar.matmul"(%m, %wk, %none) <{name = "mm", matrix = #cim.core.matrix<rows = 16, cols = 6>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 1, dup = 2, cores = [0, 1]>, binding = "R->XBR,C->XBC,B->XB", vxb = #cim.xbar.vxb<xbars = 2, row_tiles = 1, col_tiles = 1, bit_xbars = 2, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 2, xbars = [0, 2]>, windows = #builtin.int<10>}> : (tensor<2x5x16xf32>, tensor<16x6xf32>, none) -> tensor<2x5x6xf32>
    // CHECK-NEXT: %mm = "cim.xbar.matmul"(%m, %wk, %none) <{name = "mm", matrix = #cim.core.matrix<rows = 16, cols = 6, groups = 1, bits = 8>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 1, stage = 0, dup = 2, cores = [0, 1], wait = 0>, binding = "R->XBR,C->XBC,B->XB", vxb = #cim.xbar.vxb<xbars = 2, row_tiles = 1, col_tiles = 1, bit_xbars = 2, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 2, xbars = [0, 2], stagger = 1>, windows = #builtin.int<10>, trans_w = 0 : i64, alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32}> : (tensor<2x5x16xf32>, tensor<16x6xf32>, none) -> tensor<2x5x6xf32>

    // 40 x 20 needs row and column tiles (2 x 2 crossbars over 2 cores); one
    // copy may stagger up to its 2 row tiles.
    %t = "cim.xbar.matmul"(%k, %wt, %none) <{name = "tiled", matrix = #cim.core.matrix<rows = 40, cols = 20>, footprint = #cim.core.footprint<xbars = 4, cores = 2>, schedule = #cim.core.schedule<segment = 2, dup = 1, cores = [0, 1]>, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 4, row_tiles = 2, col_tiles = 2, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [0], stagger = 2>, windows = #builtin.int<3>}> : (tensor<3x40xf32>, tensor<40x20xf32>, none) -> tensor<3x20xf32>
    // CHECK-NEXT: %t = "cim.xbar.matmul"(%k, %wt, %none) <{name = "tiled", {{.*}}, vxb = #cim.xbar.vxb<xbars = 4, row_tiles = 2, col_tiles = 2, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [0], stagger = 2>, windows = #builtin.int<3>, trans_w = 0 : i64

    // Depthwise: 8 groups of 9 x 1, 3 groups per 32-row crossbar (block
    // diagonal): 3 crossbars; unscheduled (cores = []), placed from crossbar 1.
    %g = "cim.xbar.conv"(%d, %dw, %none) <{name = "dw", matrix = #cim.core.matrix<rows = 9, cols = 1, groups = 8>, footprint = #cim.core.footprint<xbars = 3, cores = 2>, schedule = #cim.core.schedule<segment = 3>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 8 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 3, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 3>, placement = #cim.xbar.placement<dup = 1, xbars = [1]>, windows = #builtin.int<36>}> : (tensor<1x8x6x6xf32>, tensor<8x1x3x3xf32>, none) -> tensor<1x8x6x6xf32>
    // CHECK-NEXT: %g = "cim.xbar.conv"(%d, %dw, %none) <{name = "dw", matrix = #cim.core.matrix<rows = 9, cols = 1, groups = 8, bits = 8>, footprint = #cim.core.footprint<xbars = 3, cores = 2>, schedule = #cim.core.schedule<segment = 3, stage = 0, dup = 1, cores = [], wait = 0>, {{.*}} group = 8 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 3, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 3>, placement = #cim.xbar.placement<dup = 1, xbars = [1], stagger = 1>, windows = #builtin.int<36>}>
    func.return %c, %mm, %t, %g : tensor<1x4x8x8xf32>, tensor<2x5x6xf32>, tensor<3x20xf32>, tensor<1x8x6x6xf32>
  }
}

// -----

// Without a #cim.arch the VXB is not checked against any chip.
func.func @no_arch(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %none = "onnx.NoValue"() : () -> none
  %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
  %y = "cim.xbar.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 9, cores = 9>, schedule = #cim.core.schedule<segment = 0>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XB", vxb = #cim.xbar.vxb<xbars = 7, row_tiles = 7, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 2, xbars = [100, 7]>, windows = #builtin.int<64>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
  func.return %y : tensor<1x4x8x8xf32>
}
// CHECK: "cim.xbar.conv"(%x, %w, %none) <{name = "conv", {{.*}}, vxb = #cim.xbar.vxb<xbars = 7, row_tiles = 7, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 2, xbars = [100, 7], stagger = 1>, windows = #builtin.int<64>}>
