// RUN: cim-opt %s --split-input-file --verify-diagnostics -p convert-cim-xbar-to-row | filecheck %s
// RUN: cim-opt %s --split-input-file --verify-diagnostics -p convert-cim-xbar-to-row | cim-opt --split-input-file | filecheck %s
// RUN: not cim-opt %s --split-input-file --computing-mode XBM -p convert-cim-xbar-to-row 2>&1 | filecheck %s --check-prefix=MODE
// MODE: cim-opt: error: pass 'convert-cim-xbar-to-row' needs the WLM computing mode or finer, but arch 't' is driven in XBM; it exposes CM, XBM

// convert-cim-xbar-to-row: each cim.xbar op becomes its cim.row twin (VXB,
// placement, stagger and CG schedule kept) with row groups of
// min(parallel_row, rows of a full crossbar tile) rows at the natural tile
// height (all crossbar rows: the naive mapping of Fig. 14b).  Arch "t": 2
// cores x 2 crossbars of 32x32 8-bit cells.  Operators: conv (27 x 4, one
// crossbar), tall (40 x 4: tiles of 32 and 8 rows), dw (8 groups of 9 x 1,
// 3 groups = 27 rows per crossbar).

// parallel_row = 8: groups of 8 rows everywhere.
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = WLM, chip = {core_number = [2, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 8, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>, %k: tensor<3x40xf32>, %d: tensor<1x8x6x6xf32>) -> (tensor<1x4x8x8xf32>, tensor<3x4xf32>, tensor<1x8x6x6xf32>) {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %wt = "onnx.Constant"() <{name = "wt", value = #cim.splat<1.0 : tensor<40x4xf32>>}> : () -> tensor<40x4xf32>
    %dw = "onnx.Constant"() <{name = "dw", value = #cim.splat<1.0 : tensor<8x1x3x3xf32>>}> : () -> tensor<8x1x3x3xf32>
    %c = "cim.xbar.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 2, cores = [0, 1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 4, xbars = [0, 1, 2, 3], stagger = 2>, windows = #builtin.int<64>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %t = "cim.xbar.matmul"(%k, %wt, %none) <{name = "tall", matrix = #cim.core.matrix<rows = 40, cols = 4>, footprint = #cim.core.footprint<xbars = 2, cores = 1>, schedule = #cim.core.schedule<segment = 1, dup = 1, cores = [0]>, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 2, row_tiles = 2, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [0]>, windows = #builtin.int<3>}> : (tensor<3x40xf32>, tensor<40x4xf32>, none) -> tensor<3x4xf32>
    %g = "cim.xbar.conv"(%d, %dw, %none) <{name = "dw", matrix = #cim.core.matrix<rows = 9, cols = 1, groups = 8>, footprint = #cim.core.footprint<xbars = 3, cores = 2>, schedule = #cim.core.schedule<segment = 2, dup = 1, cores = [0, 1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 8 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 3, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 3>, placement = #cim.xbar.placement<dup = 1, xbars = [0]>, windows = #builtin.int<36>}> : (tensor<1x8x6x6xf32>, tensor<8x1x3x3xf32>, none) -> tensor<1x8x6x6xf32>
    func.return %c, %t, %g : tensor<1x4x8x8xf32>, tensor<3x4xf32>, tensor<1x8x6x6xf32>
  }
}
// CHECK:      %c = "cim.row.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4, groups = 1, bits = 8>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 2, cores = [0, 1], wait = 0>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 4, xbars = [0, 1, 2, 3], stagger = 2>, windows = #builtin.int<64>, rows = #cim.row.groups<size = 8, height = 32>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
// CHECK-NEXT: %t = "cim.row.matmul"(%k, %wt, %none) <{name = "tall", {{.*}}, vxb = #cim.xbar.vxb<xbars = 2, row_tiles = 2, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [0], stagger = 1>, windows = #builtin.int<3>, {{.*}}rows = #cim.row.groups<size = 8, height = 32>
// CHECK-NEXT: %g = "cim.row.conv"(%d, %dw, %none) <{name = "dw", {{.*}}, vxb = #cim.xbar.vxb<xbars = 3, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 3>, placement = #cim.xbar.placement<dup = 1, xbars = [0], stagger = 1>, windows = #builtin.int<36>, rows = #cim.row.groups<size = 8, height = 32>}>
// CHECK-NOT:  "cim.xbar.

// -----

// parallel_row = 32 covers whole tiles: a group is a tile (27, 32 and 27 rows).
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = WLM, chip = {core_number = [2, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>, %k: tensor<3x40xf32>, %d: tensor<1x8x6x6xf32>) -> (tensor<1x4x8x8xf32>, tensor<3x4xf32>, tensor<1x8x6x6xf32>) {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %wt = "onnx.Constant"() <{name = "wt", value = #cim.splat<1.0 : tensor<40x4xf32>>}> : () -> tensor<40x4xf32>
    %dw = "onnx.Constant"() <{name = "dw", value = #cim.splat<1.0 : tensor<8x1x3x3xf32>>}> : () -> tensor<8x1x3x3xf32>
    %c = "cim.xbar.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 2, cores = [0, 1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 4, xbars = [0, 1, 2, 3], stagger = 2>, windows = #builtin.int<64>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %t = "cim.xbar.matmul"(%k, %wt, %none) <{name = "tall", matrix = #cim.core.matrix<rows = 40, cols = 4>, footprint = #cim.core.footprint<xbars = 2, cores = 1>, schedule = #cim.core.schedule<segment = 1, dup = 1, cores = [0]>, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 2, row_tiles = 2, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [0]>, windows = #builtin.int<3>}> : (tensor<3x40xf32>, tensor<40x4xf32>, none) -> tensor<3x4xf32>
    %g = "cim.xbar.conv"(%d, %dw, %none) <{name = "dw", matrix = #cim.core.matrix<rows = 9, cols = 1, groups = 8>, footprint = #cim.core.footprint<xbars = 3, cores = 2>, schedule = #cim.core.schedule<segment = 2, dup = 1, cores = [0, 1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 8 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 3, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 3>, placement = #cim.xbar.placement<dup = 1, xbars = [0]>, windows = #builtin.int<36>}> : (tensor<1x8x6x6xf32>, tensor<8x1x3x3xf32>, none) -> tensor<1x8x6x6xf32>
    func.return %c, %t, %g : tensor<1x4x8x8xf32>, tensor<3x4xf32>, tensor<1x8x6x6xf32>
  }
}
// CHECK:      name = "conv", {{.*}}, rows = #cim.row.groups<size = 27, height = 32>}>
// CHECK-NEXT: name = "tall", {{.*}}, rows = #cim.row.groups<size = 32, height = 32>
// CHECK-NEXT: name = "dw", {{.*}}, rows = #cim.row.groups<size = 27, height = 32>}>

// -----

// parallel_row = 1: one row at a time.
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = WLM, chip = {core_number = [2, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 1, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>, %k: tensor<3x40xf32>, %d: tensor<1x8x6x6xf32>) -> (tensor<1x4x8x8xf32>, tensor<3x4xf32>, tensor<1x8x6x6xf32>) {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %wt = "onnx.Constant"() <{name = "wt", value = #cim.splat<1.0 : tensor<40x4xf32>>}> : () -> tensor<40x4xf32>
    %dw = "onnx.Constant"() <{name = "dw", value = #cim.splat<1.0 : tensor<8x1x3x3xf32>>}> : () -> tensor<8x1x3x3xf32>
    %c = "cim.xbar.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 2, cores = [0, 1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 4, xbars = [0, 1, 2, 3], stagger = 2>, windows = #builtin.int<64>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %t = "cim.xbar.matmul"(%k, %wt, %none) <{name = "tall", matrix = #cim.core.matrix<rows = 40, cols = 4>, footprint = #cim.core.footprint<xbars = 2, cores = 1>, schedule = #cim.core.schedule<segment = 1, dup = 1, cores = [0]>, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 2, row_tiles = 2, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [0]>, windows = #builtin.int<3>}> : (tensor<3x40xf32>, tensor<40x4xf32>, none) -> tensor<3x4xf32>
    %g = "cim.xbar.conv"(%d, %dw, %none) <{name = "dw", matrix = #cim.core.matrix<rows = 9, cols = 1, groups = 8>, footprint = #cim.core.footprint<xbars = 3, cores = 2>, schedule = #cim.core.schedule<segment = 2, dup = 1, cores = [0, 1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 8 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 3, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 3>, placement = #cim.xbar.placement<dup = 1, xbars = [0]>, windows = #builtin.int<36>}> : (tensor<1x8x6x6xf32>, tensor<8x1x3x3xf32>, none) -> tensor<1x8x6x6xf32>
    func.return %c, %t, %g : tensor<1x4x8x8xf32>, tensor<3x4xf32>, tensor<1x8x6x6xf32>
  }
}
// CHECK:      name = "conv", {{.*}}, rows = #cim.row.groups<size = 1, height = 32>}>
// CHECK-NEXT: name = "tall", {{.*}}, rows = #cim.row.groups<size = 1, height = 32>
// CHECK-NEXT: name = "dw", {{.*}}, rows = #cim.row.groups<size = 1, height = 32>}>

// -----

// parallel_row = 10 does not divide the tiles: groups of 10 (the last one shorter).
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = WLM, chip = {core_number = [2, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 10, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>, %k: tensor<3x40xf32>, %d: tensor<1x8x6x6xf32>) -> (tensor<1x4x8x8xf32>, tensor<3x4xf32>, tensor<1x8x6x6xf32>) {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %wt = "onnx.Constant"() <{name = "wt", value = #cim.splat<1.0 : tensor<40x4xf32>>}> : () -> tensor<40x4xf32>
    %dw = "onnx.Constant"() <{name = "dw", value = #cim.splat<1.0 : tensor<8x1x3x3xf32>>}> : () -> tensor<8x1x3x3xf32>
    %c = "cim.xbar.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 2, cores = [0, 1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 4, xbars = [0, 1, 2, 3], stagger = 2>, windows = #builtin.int<64>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %t = "cim.xbar.matmul"(%k, %wt, %none) <{name = "tall", matrix = #cim.core.matrix<rows = 40, cols = 4>, footprint = #cim.core.footprint<xbars = 2, cores = 1>, schedule = #cim.core.schedule<segment = 1, dup = 1, cores = [0]>, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 2, row_tiles = 2, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [0]>, windows = #builtin.int<3>}> : (tensor<3x40xf32>, tensor<40x4xf32>, none) -> tensor<3x4xf32>
    %g = "cim.xbar.conv"(%d, %dw, %none) <{name = "dw", matrix = #cim.core.matrix<rows = 9, cols = 1, groups = 8>, footprint = #cim.core.footprint<xbars = 3, cores = 2>, schedule = #cim.core.schedule<segment = 2, dup = 1, cores = [0, 1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 8 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 3, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 3>, placement = #cim.xbar.placement<dup = 1, xbars = [0]>, windows = #builtin.int<36>}> : (tensor<1x8x6x6xf32>, tensor<8x1x3x3xf32>, none) -> tensor<1x8x6x6xf32>
    func.return %c, %t, %g : tensor<1x4x8x8xf32>, tensor<3x4xf32>, tensor<1x8x6x6xf32>
  }
}
// CHECK:      name = "conv", {{.*}}, rows = #cim.row.groups<size = 10, height = 32>}>
// CHECK-NEXT: name = "tall", {{.*}}, rows = #cim.row.groups<size = 10, height = 32>
// CHECK-NEXT: name = "dw", {{.*}}, rows = #cim.row.groups<size = 10, height = 32>}>
