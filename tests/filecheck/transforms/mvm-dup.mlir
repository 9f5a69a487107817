// RUN: cim-opt %s --split-input-file --verify-diagnostics -p 'mvm-dup{rebalance=false}' | filecheck %s --check-prefix=EQ1
// RUN: cim-opt %s --split-input-file --verify-diagnostics -p 'mvm-dup{rebalance=false}' 2>&1 >/dev/null | filecheck %s --check-prefix=EQ1-REMARK
// RUN: cim-opt %s --split-input-file --verify-diagnostics -p mvm-dup | filecheck %s --check-prefix=CHECK
// RUN: cim-opt %s --split-input-file --verify-diagnostics -p mvm-dup 2>&1 >/dev/null | filecheck %s --check-prefix=REMARK
// RUN: cim-opt %s --split-input-file --verify-diagnostics -p mvm-dup,mvm-dup | filecheck %s --check-prefix=CHECK
// RUN: not cim-opt %s --split-input-file --computing-mode CM -p mvm-dup 2>&1 | filecheck %s --check-prefix=MODE
// MODE: cim-opt: error: pass 'mvm-dup' needs the XBM computing mode or finer, but arch 't' is driven in CM; it exposes CM

// mvm-dup on hand-written cim.xbar IR.  Arch "t": 3 cores x 4 crossbars of
// 32x32 8-bit cells (one cell per weight), every other parameter ideal, so a
// layer of M MVMs on d copies takes ceil(M / d) crossbar steps.
//
// EQ1 (rebalance=false) is the paper's Eq. 1 alone:
//   D' = floor(num_core * D * Core_VXB / num_VXB)
// VXB copies packed on consecutive crossbars of the operator's CG cores,
// capped by its number of MVMs, no two copies on one crossbar.  The default
// then moves VXB copies between the operators of a segment over the whole
// chip (never past xb_number, never two copies on a crossbar); running it
// twice changes nothing.

// A (27 x 4, one crossbar, 64 MVMs) has 2 CG copies on cores 0 and 1:
// D' = floor(1 x 2 x 4 / 1) = 8.  B (40 x 4, two row tiles, 6 MVMs) has one
// on core 2: D' = floor(1 x 1 x 4 / 2) = 2.  C (16 x 4, 3 MVMs, segment 1) on
// core 0: Eq. 1 gives 4, capped at its 3 MVMs.  Segment 0 then uses all 12
// crossbars, so rebalancing can only trade copies (A 8 -> 10 and B 2 -> 1
// would give 7 + 6 > 8 + 3 steps): nothing moves.
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = XBM, chip = {core_number = [3, 1]}, core = {xb_number = [4, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>, %k: tensor<6x40xf32>, %s: tensor<3x16xf32>) -> (tensor<1x4x8x8xf32>, tensor<6x4xf32>, tensor<3x4xf32>) {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %wt = "onnx.Constant"() <{name = "wt", value = #cim.splat<1.0 : tensor<40x4xf32>>}> : () -> tensor<40x4xf32>
    %ws = "onnx.Constant"() <{name = "ws", value = #cim.splat<1.0 : tensor<16x4xf32>>}> : () -> tensor<16x4xf32>
    %a = "cim.xbar.conv"(%x, %w, %none) <{name = "A", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, dup = 2, cores = [0, 1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 2, xbars = [0, 4]>, windows = #builtin.int<64>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %b = "cim.xbar.matmul"(%k, %wt, %none) <{name = "B", matrix = #cim.core.matrix<rows = 40, cols = 4>, footprint = #cim.core.footprint<xbars = 2, cores = 1>, schedule = #cim.core.schedule<segment = 0, dup = 1, cores = [2]>, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 2, row_tiles = 2, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [8]>, windows = #builtin.int<6>}> : (tensor<6x40xf32>, tensor<40x4xf32>, none) -> tensor<6x4xf32>
    %c = "cim.xbar.matmul"(%s, %ws, %none) <{name = "C", matrix = #cim.core.matrix<rows = 16, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 1, dup = 1, cores = [0]>, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [0]>, windows = #builtin.int<3>}> : (tensor<3x16xf32>, tensor<16x4xf32>, none) -> tensor<3x4xf32>
    func.return %a, %b, %c : tensor<1x4x8x8xf32>, tensor<6x4xf32>, tensor<3x4xf32>
  }
}
// EQ1:        name = "A", {{.*}}, placement = #cim.xbar.placement<dup = 8, xbars = [0, 1, 2, 3, 4, 5, 6, 7], stagger = 1>, windows = #builtin.int<64>
// EQ1-NEXT:   name = "B", {{.*}}, placement = #cim.xbar.placement<dup = 2, xbars = [8, 10], stagger = 1>, windows = #builtin.int<6>
// EQ1-NEXT:   name = "C", {{.*}}, placement = #cim.xbar.placement<dup = 3, xbars = [0, 1, 2], stagger = 1>, windows = #builtin.int<3>
// EQ1-REMARK: remark: mvm-dup: segment 0: 2/2 operators changed copies (3 -> 10 VXB copies), 12/12 crossbars used
// EQ1-REMARK: remark: mvm-dup: segment 1: 1/1 operators changed copies (1 -> 3 VXB copies), 3/12 crossbars used
// CHECK:      name = "A", {{.*}}, placement = #cim.xbar.placement<dup = 8, xbars = [0, 1, 2, 3, 4, 5, 6, 7], stagger = 1>
// CHECK-NEXT: name = "B", {{.*}}, placement = #cim.xbar.placement<dup = 2, xbars = [8, 10], stagger = 1>
// CHECK-NEXT: name = "C", {{.*}}, placement = #cim.xbar.placement<dup = 3, xbars = [0, 1, 2], stagger = 1>
// REMARK: remark: mvm-dup: segment 0: {{.*}}(3 -> 10 VXB copies), 12/12 crossbars used
// REMARK: remark: mvm-dup: segment 1: {{.*}}(1 -> 3 VXB copies), 3/12 crossbars used
// -----

// A (64 MVMs) on core 0 and B (2 MVMs) on cores 1 and 2.  Eq. 1: A gets the
// 4 crossbars of core 0, B is capped at 2 copies, packed at the start of its
// cores; 6 crossbars stay idle.  Rebalancing gives them to A (whose 64 MVMs
// dominate the segment); every crossbar used, none twice.
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = XBM, chip = {core_number = [3, 1]}, core = {xb_number = [4, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>, %s: tensor<2x16xf32>) -> (tensor<1x4x8x8xf32>, tensor<2x4xf32>) {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %ws = "onnx.Constant"() <{name = "ws", value = #cim.splat<1.0 : tensor<16x4xf32>>}> : () -> tensor<16x4xf32>
    %a = "cim.xbar.conv"(%x, %w, %none) <{name = "A", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, dup = 1, cores = [0]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [0]>, windows = #builtin.int<64>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %b = "cim.xbar.matmul"(%s, %ws, %none) <{name = "B", matrix = #cim.core.matrix<rows = 16, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, dup = 2, cores = [1, 2]>, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 2, xbars = [4, 8]>, windows = #builtin.int<2>}> : (tensor<2x16xf32>, tensor<16x4xf32>, none) -> tensor<2x4xf32>
    func.return %a, %b : tensor<1x4x8x8xf32>, tensor<2x4xf32>
  }
}
// EQ1:        name = "A", {{.*}}, placement = #cim.xbar.placement<dup = 4, xbars = [0, 1, 2, 3], stagger = 1>
// EQ1-NEXT:   name = "B", {{.*}}, placement = #cim.xbar.placement<dup = 2, xbars = [4, 5], stagger = 1>
// EQ1-REMARK: remark: mvm-dup: segment 0: {{.*}}(3 -> 6 VXB copies), 6/12 crossbars used
// CHECK:      name = "A", {{.*}}, placement = #cim.xbar.placement<dup = [[DA:[0-9]+]], xbars = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9{{.*}}], stagger = 1>
// CHECK-NEXT: name = "B", {{.*}}, placement = #cim.xbar.placement<dup = {{1|2}}, xbars = [{{10|11}}{{(, 11)?}}], stagger = 1>
// REMARK: remark: mvm-dup: segment 0: 2/2 operators changed copies (3 -> {{11|12}} VXB copies), 12/12 crossbars used
// -----

// D (72 x 4: 3 row tiles, 9 MVMs) on consecutive cores 0 and 1: Eq. 1 gives
// floor(1 x 2 x 4 / 3) = 2 copies at crossbars 0 and 3 (the second spans both
// cores).  E, the same on cores 0 and 2 (not consecutive): one copy per core.
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = XBM, chip = {core_number = [3, 1]}, core = {xb_number = [4, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%k: tensor<9x72xf32>) -> (tensor<9x4xf32>, tensor<9x4xf32>) {
    %none = "onnx.NoValue"() : () -> none
    %wt = "onnx.Constant"() <{name = "wt", value = #cim.splat<1.0 : tensor<72x4xf32>>}> : () -> tensor<72x4xf32>
    %d = "cim.xbar.matmul"(%k, %wt, %none) <{name = "D", matrix = #cim.core.matrix<rows = 72, cols = 4>, footprint = #cim.core.footprint<xbars = 3, cores = 1>, schedule = #cim.core.schedule<segment = 0, dup = 2, cores = [0, 1]>, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 3, row_tiles = 3, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 2, xbars = [0, 4]>, windows = #builtin.int<9>}> : (tensor<9x72xf32>, tensor<72x4xf32>, none) -> tensor<9x4xf32>
    %e = "cim.xbar.matmul"(%k, %wt, %none) <{name = "E", matrix = #cim.core.matrix<rows = 72, cols = 4>, footprint = #cim.core.footprint<xbars = 3, cores = 1>, schedule = #cim.core.schedule<segment = 1, dup = 2, cores = [0, 2]>, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 3, row_tiles = 3, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 2, xbars = [0, 8]>, windows = #builtin.int<9>}> : (tensor<9x72xf32>, tensor<72x4xf32>, none) -> tensor<9x4xf32>
    func.return %d, %e : tensor<9x4xf32>, tensor<9x4xf32>
  }
}
// EQ1:        name = "D", {{.*}}, placement = #cim.xbar.placement<dup = 2, xbars = [0, 3], stagger = 1>
// EQ1-NEXT:   name = "E", {{.*}}, placement = #cim.xbar.placement<dup = 2, xbars = [0, 8], stagger = 1>
// Rebalanced: 3 copies of 3 crossbars fit the chip's 12; 9 MVMs on 3 copies.
// CHECK:      name = "D", {{.*}}, placement = #cim.xbar.placement<dup = 3, xbars = [0, 3, 6], stagger = 1>
// CHECK-NEXT: name = "E", {{.*}}, placement = #cim.xbar.placement<dup = 3, xbars = [0, 3, 6], stagger = 1>
