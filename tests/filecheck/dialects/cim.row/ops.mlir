// RUN: ROUNDTRIP
// RUN: cim-opt %s --split-input-file --print-op-generic | cim-opt --split-input-file | filecheck %s

// Every cim.row op and attribute round-trips through the text format (and
// through the generic form).  Arch "t": 2 cores x 2 crossbars of 32x32 cells
// of 4 bits (an 8-bit weight is 2 adjacent cells: 16 weights per row), at
// most 8 rows active per crossbar.

func.func @attrs() attributes {g = #cim.row.groups<size = 8, height = 16>} {
  func.return
}
// CHECK: func.func @attrs() attributes {g = #cim.row.groups<size = 8, height = 16>}

// -----

builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = WLM, chip = {core_number = [2, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 8, precision = 4}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>, %k: tensor<3x40xf32>, %d: tensor<1x8x6x6xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<3x20xf32>, tensor<1x8x6x6xf32>) {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %b = "onnx.Constant"() <{name = "b", value = dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf32>}> : () -> tensor<4xf32>
    %wt = "onnx.Constant"() <{name = "wt", value = #cim.splat<1.0 : tensor<40x20xf32>>}> : () -> tensor<40x20xf32>
    %dw = "onnx.Constant"() <{name = "dw", value = #cim.splat<1.0 : tensor<8x1x3x3xf32>>}> : () -> tensor<8x1x3x3xf32>

    // The naive mapping (Fig. 14b): the 27 rows of the conv matrix on one
    // crossbar, activated in ceil(27 / 8) = 4 groups of 8 rows.
    %c0 = "cim.row.conv"(%x, %w, %b) <{name = "naive", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, dup = 2, cores = [0, 1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 4, xbars = [0, 1, 2, 3], stagger = 4>, windows = #builtin.int<64>, rows = #cim.row.groups<size = 8, height = 32>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
    // CHECK:      %c0 = "cim.row.conv"(%x, %w, %b) <{name = "naive", matrix = #cim.core.matrix<rows = 27, cols = 4, groups = 1, bits = 8>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 0, dup = 2, cores = [0, 1], wait = 0>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 4, xbars = [0, 1, 2, 3], stagger = 4>, windows = #builtin.int<64>, rows = #cim.row.groups<size = 8, height = 32>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>

    // Remapped to tiles of 8 rows (Fig. 14c): 4 crossbars per copy, whose
    // row tiles the VXB counts at that height.
    %c1 = "cim.row.conv"(%x, %w, %b) <{name = "remapped", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 1, dup = 2, cores = [0, 1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 4, row_tiles = 4, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [0]>, windows = #builtin.int<64>, rows = #cim.row.groups<size = 8, height = 8>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
    // CHECK-NEXT: %c1 = "cim.row.conv"(%x, %w, %b) <{name = "remapped", {{.*}}, vxb = #cim.xbar.vxb<xbars = 4, row_tiles = 4, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [0], stagger = 1>, windows = #builtin.int<64>, rows = #cim.row.groups<size = 8, height = 8>}>

    // A matmul tiled both ways at height 24: 2 row tiles x 2 column tiles.
    %t = "cim.row.matmul"(%k, %wt, %none) <{name = "tiled", matrix = #cim.core.matrix<rows = 40, cols = 20>, footprint = #cim.core.footprint<xbars = 4, cores = 2>, schedule = #cim.core.schedule<segment = 2, dup = 1, cores = [0, 1]>, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 4, row_tiles = 2, col_tiles = 2, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [0], stagger = 2>, windows = #builtin.int<3>, rows = #cim.row.groups<size = 8, height = 24>}> : (tensor<3x40xf32>, tensor<40x20xf32>, none) -> tensor<3x20xf32>
    // CHECK-NEXT: %t = "cim.row.matmul"(%k, %wt, %none) <{name = "tiled", {{.*}}, vxb = #cim.xbar.vxb<xbars = 4, row_tiles = 2, col_tiles = 2, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [0], stagger = 2>, windows = #builtin.int<3>, rows = #cim.row.groups<size = 8, height = 24>, trans_w = 0 : i64, alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32}>

    // Depthwise, 3 groups of 9 rows per crossbar; groups of 3 rows (fewer
    // than parallel_row is allowed).
    %g = "cim.row.conv"(%d, %dw, %none) <{name = "dw", matrix = #cim.core.matrix<rows = 9, cols = 1, groups = 8>, footprint = #cim.core.footprint<xbars = 3, cores = 2>, schedule = #cim.core.schedule<segment = 3>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 8 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 3, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 3>, placement = #cim.xbar.placement<dup = 1, xbars = [1]>, windows = #builtin.int<36>, rows = #cim.row.groups<size = 3, height = 32>}> : (tensor<1x8x6x6xf32>, tensor<8x1x3x3xf32>, none) -> tensor<1x8x6x6xf32>
    // CHECK-NEXT: %g = "cim.row.conv"(%d, %dw, %none) <{name = "dw", {{.*}}, vxb = #cim.xbar.vxb<xbars = 3, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 3>, placement = #cim.xbar.placement<dup = 1, xbars = [1], stagger = 1>, windows = #builtin.int<36>, rows = #cim.row.groups<size = 3, height = 32>}>
    func.return %c0, %c1, %t, %g : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<3x20xf32>, tensor<1x8x6x6xf32>
  }
}

// -----

// Without a #cim.arch neither the groups nor the VXB are checked against a chip.
func.func @no_arch(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %none = "onnx.NoValue"() : () -> none
  %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
  %y = "cim.row.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [0]>, windows = #builtin.int<64>, rows = #cim.row.groups<size = 512, height = 1024>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
  func.return %y : tensor<1x4x8x8xf32>
}
// CHECK: rows = #cim.row.groups<size = 512, height = 1024>
