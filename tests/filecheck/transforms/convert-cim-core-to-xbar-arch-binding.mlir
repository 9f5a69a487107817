// RUN: cim-opt %s --split-input-file --verify-diagnostics -p 'convert-onnx-to-cim-core,cg-segment,cg-dup,convert-cim-core-to-xbar' | filecheck %s

// Regression test (bug fixed): the CG level ignored the arch's core.binding.  convert-onnx-to-cim-core,
// the cim.core verifier and the CG graph compute footprints under the default
// B->XBC, so on an arch whose core.binding is B->XB the CG schedule gives a
// copy too few crossbars and convert-cim-core-to-xbar fails, advising to
// "set core.binding in the arch" -- which is already set.  Expected: the CG
// footprint follows the arch's binding and the XBM level keeps it.

// 2 cores of one 32x32 crossbar, 4-bit cells, B->XB: the 27 x 4 conv needs 2
// bit-slice crossbars, i.e. both cores for one copy.
// Actual: layer 'conv': binding R->XBR,C->XBC,B->XB needs 2 crossbars per
// copy, but the CG schedule gave each copy 1 core(s) = 1 crossbars.
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = XBM, chip = {core_number = [2, 1]}, core = {xb_number = [1, 1], binding = "R->XBR,C->XBC,B->XB"}, crossbar = {xb_size = [32, 32], parallel_row = 8, precision = 4}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %c = "onnx.Conv"(%x, %w, %none) <{name = "conv", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %c : tensor<1x4x8x8xf32>
  }
}
// CHECK: "cim.xbar.conv"{{.*}}footprint = #cim.core.footprint<xbars = 2, cores = 2>, schedule = #cim.core.schedule<segment = 0, stage = 0, dup = 1, cores = [0, 1], wait = 0>, {{.*}}binding = "R->XBR,C->XBC,B->XB", vxb = #cim.xbar.vxb<xbars = 2, row_tiles = 1, col_tiles = 1, bit_xbars = 2, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [0], stagger = 1>

// -----

// Crossbars of one column: only B->XB can hold an 8-bit weight of 2 cells.
// Actual: 'onnx.Conv' is rejected by convert-onnx-to-cim-core with "a crossbar
// of 1 columns cannot hold one 8-bit weight in 2 adjacent 4-bit cells; bind
// B->XB instead", although the arch binds B->XB.
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = XBM, chip = {core_number = [2, 1]}, core = {xb_number = [4, 1], binding = "R->XBR,C->XBC,B->XB"}, crossbar = {xb_size = [32, 1], parallel_row = 8, precision = 4}}>} {
  func.func @main(%m: tensor<2x4xf32>) -> tensor<2x2xf32> {
    %wk = "onnx.Constant"() <{name = "wk", value = #cim.splat<1.0 : tensor<4x2xf32>>}> : () -> tensor<4x2xf32>
    %y = "onnx.MatMul"(%m, %wk) <{name = "mm"}> : (tensor<2x4xf32>, tensor<4x2xf32>) -> tensor<2x2xf32>
    func.return %y : tensor<2x2xf32>
  }
}
// CHECK: "cim.xbar.matmul"{{.*}}binding = "R->XBR,C->XBC,B->XB", vxb = #cim.xbar.vxb<xbars = 4, row_tiles = 1, col_tiles = 2, bit_xbars = 2, groups_per_xbar = 1>
