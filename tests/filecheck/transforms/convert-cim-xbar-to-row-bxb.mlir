// RUN: cim-opt %s --verify-diagnostics -p convert-cim-xbar-to-row | filecheck %s
// RUN: not cim-opt %s -p 'convert-cim-xbar-to-row' 2>&1 | filecheck %s --check-prefix=ERR
// ERR: cim-opt: error: layer 'bits': wordline mode keeps a weight's bit slices in adjacent columns (binding B->XBC); B->XB is an XBM binding

// convert-cim-xbar-to-row: B->XB keeps a weight's bit slices on separate crossbars, which a row group
// cannot combine: an error naming the layer.
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = WLM, chip = {core_number = [2, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 8, precision = 4}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %c = "cim.xbar.conv"(%x, %w, %none) <{name = "bits", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, dup = 2, cores = [0, 1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XB", vxb = #cim.xbar.vxb<xbars = 2, row_tiles = 1, col_tiles = 1, bit_xbars = 2, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 2, xbars = [0, 2]>, windows = #builtin.int<64>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %c : tensor<1x4x8x8xf32>
  }
}
// CHECK: layer 'bits': wordline mode keeps a weight's bit slices in adjacent columns (binding B->XBC); B->XB is an XBM binding
