// RUN: cim-opt %s --split-input-file --verify-diagnostics -p 'convert-cim-core-to-xbar{binding="R->XBR,C->XBC,B->XB"}' | filecheck %s
// RUN: cim-opt %s --split-input-file --verify-diagnostics '--convert-cim-core-to-xbar=binding="R->XBR,C->XBC,B->XB"' | filecheck %s
// RUN: cim-opt %s --split-input-file --verify-diagnostics -p 'convert-cim-core-to-xbar{binding="B->XB"}' | filecheck %s
// RUN: not cim-opt %s --split-input-file -p 'convert-cim-core-to-xbar{binding="R->XBC,C->XBR"}' 2>&1 | filecheck %s --check-prefix=BAD
// BAD: cim-opt: error: convert-cim-core-to-xbar: binding 'R->XBC,C->XBR' is not supported: rows must bind to XBR and columns to XBC

// The binding option overrides the arch's core.binding (B->XBC here) for
// every operator; the short form "B->XB" means R->XBR,C->XBC,B->XB.
// Arch "t": 4-bit cells, so an 8-bit weight needs 2 bit-slice crossbars.

// Cores of 2 crossbars: a B->XB copy of the 27 x 4 matrix fills its core.
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = XBM, chip = {core_number = [2, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 8, precision = 4}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %c = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, dup = 2, cores = [0, 1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %c : tensor<1x4x8x8xf32>
  }
}
// CHECK: "cim.xbar.conv"{{.*}}binding = "R->XBR,C->XBC,B->XB", vxb = #cim.xbar.vxb<xbars = 2, row_tiles = 1, col_tiles = 1, bit_xbars = 2, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 2, xbars = [0, 2], stagger = 1>, windows = #builtin.int<64>}>

// -----

// Cores of one crossbar: the CG schedule (made for B->XBC) gave each copy one
// core, B->XB needs two crossbars: an error naming the layer.
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = XBM, chip = {core_number = [2, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 8, precision = 4}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %c = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, dup = 2, cores = [0, 1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %c : tensor<1x4x8x8xf32>
  }
}
// CHECK: layer 'conv': binding R->XBR,C->XBC,B->XB needs 2 crossbars per copy, but the CG schedule gave each copy 1 core(s) = 1 crossbars
