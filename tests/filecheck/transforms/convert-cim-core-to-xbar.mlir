// RUN: cim-opt %s --split-input-file --verify-diagnostics -p convert-cim-core-to-xbar | filecheck %s
// RUN: cim-opt %s --split-input-file --verify-diagnostics -p convert-cim-core-to-xbar | cim-opt --split-input-file | filecheck %s
// RUN: not cim-opt %s --split-input-file --computing-mode CM -p convert-cim-core-to-xbar 2>&1 | filecheck %s --check-prefix=MODE
// MODE: cim-opt: error: pass 'convert-cim-core-to-xbar' needs the XBM computing mode or finer, but arch 't' is driven in CM; it exposes CM

// convert-cim-core-to-xbar on hand-scheduled cim.core IR: every op becomes
// its cim.xbar twin with all CG decisions kept, the VXB of its matrix under
// the arch's binding, one VXB copy at the first crossbar of each CG copy's
// cores, and its MVM count (conv: output pixels, matmul: rows).

// Arch "t": 2 cores x 2 crossbars of 32x32 4-bit cells, default binding
// B->XBC (an 8-bit weight in 2 adjacent cells: 16 weights per crossbar row).
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = XBM, chip = {core_number = [2, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 8, precision = 4}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>, %m: tensor<2x5x16xf32>, %k: tensor<3x40xf32>, %d: tensor<1x8x6x6xf32>) -> (tensor<1x4x8x8xf32>, tensor<2x5x6xf32>, tensor<3x20xf32>, tensor<1x8x3x3xf32>, tensor<1x8x6x6xf32>) {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %wk = "onnx.Constant"() <{name = "wk", value = #cim.splat<1.0 : tensor<16x6xf32>>}> : () -> tensor<16x6xf32>
    %wt = "onnx.Constant"() <{name = "wt", value = #cim.splat<1.0 : tensor<40x20xf32>>}> : () -> tensor<40x20xf32>
    %dw = "onnx.Constant"() <{name = "dw", value = #cim.splat<1.0 : tensor<8x1x3x3xf32>>}> : () -> tensor<8x1x3x3xf32>
    %gw = "onnx.Constant"() <{name = "gw", value = #cim.splat<1.0 : tensor<8x2x1x1xf32>>}> : () -> tensor<8x2x1x1xf32>
    // 27 x 4 on 2 CG copies (cores 0 and 1): VXB copies at crossbars 0 and 2.
    %c = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 2, cores = [0, 1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    // Unscheduled (cores = []): consecutive cores from 0 in its segment; 2 x 5 MVMs.
    %mm = "cim.core.matmul"(%m, %wk, %none) <{name = "mm", matrix = #cim.core.matrix<rows = 16, cols = 6>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 1, dup = 2>}> : (tensor<2x5x16xf32>, tensor<16x6xf32>, none) -> tensor<2x5x6xf32>
    // 40 x 20: 2 row tiles x 2 column tiles = 4 crossbars on both cores.
    %t = "cim.core.matmul"(%k, %wt, %none) <{name = "tiled", matrix = #cim.core.matrix<rows = 40, cols = 20>, footprint = #cim.core.footprint<xbars = 4, cores = 2>, schedule = #cim.core.schedule<segment = 2, dup = 1, cores = [0, 1]>}> : (tensor<3x40xf32>, tensor<40x20xf32>, none) -> tensor<3x20xf32>
    // Grouped 1x1 conv, 4 groups of 2 x 2: all 4 packed block-diagonally in one
    // crossbar; stride 2: 3 x 3 = 9 MVMs.
    %g = "cim.core.conv"(%d, %gw, %none) <{name = "grouped", matrix = #cim.core.matrix<rows = 2, cols = 2, groups = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 3, dup = 1, cores = [1]>, kernel_shape = array<i64: 1, 1>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 4 : i64}> : (tensor<1x8x6x6xf32>, tensor<8x2x1x1xf32>, none) -> tensor<1x8x3x3xf32>
    // Depthwise: 8 groups of 9 x 1, 3 per crossbar (32 // 9): 3 crossbars on 2 cores.
    %dd = "cim.core.conv"(%d, %dw, %none) <{name = "dw", matrix = #cim.core.matrix<rows = 9, cols = 1, groups = 8>, footprint = #cim.core.footprint<xbars = 3, cores = 2>, schedule = #cim.core.schedule<segment = 4, dup = 1, cores = [0, 1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 8 : i64}> : (tensor<1x8x6x6xf32>, tensor<8x1x3x3xf32>, none) -> tensor<1x8x6x6xf32>
    func.return %c, %mm, %t, %g, %dd : tensor<1x4x8x8xf32>, tensor<2x5x6xf32>, tensor<3x20xf32>, tensor<1x8x3x3xf32>, tensor<1x8x6x6xf32>
  }
}
// CHECK:      %c = "cim.xbar.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4, groups = 1, bits = 8>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 2, cores = [0, 1], wait = 0>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 2, xbars = [0, 2], stagger = 1>, windows = #builtin.int<64>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
// CHECK-NEXT: %mm = "cim.xbar.matmul"(%m, %wk, %none) <{name = "mm", {{.*}}, schedule = #cim.core.schedule<segment = 1, stage = 0, dup = 2, cores = [0, 1], wait = 0>, {{.*}}binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 2, xbars = [0, 2], stagger = 1>, windows = #builtin.int<10>}>
// CHECK-NEXT: %t = "cim.xbar.matmul"(%k, %wt, %none) <{name = "tiled", {{.*}}, vxb = #cim.xbar.vxb<xbars = 4, row_tiles = 2, col_tiles = 2, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [0], stagger = 1>, windows = #builtin.int<3>}>
// CHECK-NEXT: %g = "cim.xbar.conv"(%d, %gw, %none) <{name = "grouped", {{.*}}, schedule = #cim.core.schedule<segment = 3, stage = 0, dup = 1, cores = [1], wait = 0>, {{.*}}, vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 4>, placement = #cim.xbar.placement<dup = 1, xbars = [2], stagger = 1>, windows = #builtin.int<9>}>
// CHECK-NEXT: %dd = "cim.xbar.conv"(%d, %dw, %none) <{name = "dw", {{.*}}, vxb = #cim.xbar.vxb<xbars = 3, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 3>, placement = #cim.xbar.placement<dup = 1, xbars = [0], stagger = 1>, windows = #builtin.int<36>}>
// CHECK-NOT:  "cim.core.

// -----

// The arch binds B->XB: the 2 cells of a weight go to 2 crossbars (both of a
// core; the CG footprint already counts them), so the CG copy on core 1 holds
// one VXB copy at crossbars 2-3.
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = XBM, chip = {core_number = [2, 1]}, core = {xb_number = [2, 1], binding = "R->XBR,C->XBC,B->XB"}, crossbar = {xb_size = [32, 32], parallel_row = 8, precision = 4}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %c = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 2, cores = 1>, schedule = #cim.core.schedule<segment = 0, dup = 1, cores = [1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %c : tensor<1x4x8x8xf32>
  }
}
// CHECK: "cim.xbar.conv"{{.*}}binding = "R->XBR,C->XBC,B->XB", vxb = #cim.xbar.vxb<xbars = 2, row_tiles = 1, col_tiles = 1, bit_xbars = 2, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [2], stagger = 1>, windows = #builtin.int<64>}>

// -----

// xb_number = 1: a 40-row matrix needs 2 crossbars = 2 cores per copy; two
// copies on cores [0, 1] and [2, 3] start at crossbars 0 and 2.
builtin.module attributes {cim.arch = #cim.arch<{name = one, computing_mode = XBM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%k: tensor<6x40xf32>) -> tensor<6x4xf32> {
    %none = "onnx.NoValue"() : () -> none
    %wt = "onnx.Constant"() <{name = "wt", value = #cim.splat<1.0 : tensor<40x4xf32>>}> : () -> tensor<40x4xf32>
    %t = "cim.core.matmul"(%k, %wt, %none) <{name = "fc", matrix = #cim.core.matrix<rows = 40, cols = 4>, footprint = #cim.core.footprint<xbars = 2, cores = 2>, schedule = #cim.core.schedule<segment = 0, dup = 2, cores = [0, 1, 2, 3]>}> : (tensor<6x40xf32>, tensor<40x4xf32>, none) -> tensor<6x4xf32>
    func.return %t : tensor<6x4xf32>
  }
}
// CHECK: "cim.xbar.matmul"{{.*}}vxb = #cim.xbar.vxb<xbars = 2, row_tiles = 2, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 2, xbars = [0, 2], stagger = 1>, windows = #builtin.int<6>}>

// -----

// Crossbars taller and wider than the matrix: 27 x 4 in one 128 x 128 array.
builtin.module attributes {cim.arch = #cim.arch<{name = big, computing_mode = XBM, chip = {core_number = [1, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [128, 128], parallel_row = 128, precision = 2}}>} {
  func.func @main(%x: tensor<1x3x5x5xf32>) -> tensor<1x4x3x3xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %c = "cim.core.conv"(%x, %w, %none) <{name = "small", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, dup = 1, cores = [0]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x5x5xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x3x3xf32>
    func.return %c : tensor<1x4x3x3xf32>
  }
}
// CHECK: "cim.xbar.conv"{{.*}}vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [0], stagger = 1>, windows = #builtin.int<9>}>
