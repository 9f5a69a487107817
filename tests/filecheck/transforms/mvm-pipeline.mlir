// RUN: cim-opt %s --split-input-file --verify-diagnostics -p mvm-pipeline | filecheck %s
// RUN: cim-opt %s --split-input-file --verify-diagnostics -p mvm-pipeline 2>&1 >/dev/null | filecheck %s --check-prefix=REMARK
// RUN: cim-opt %s --split-input-file --verify-diagnostics -p 'mvm-pipeline{slowdown=0.5}' | filecheck %s --check-prefix=SLOW
// RUN: cim-opt %s --split-input-file --verify-diagnostics -p 'mvm-pipeline{slowdown=0.5}' 2>&1 >/dev/null | filecheck %s --check-prefix=SLOW-REMARK
// RUN: cim-opt %s --split-input-file --verify-diagnostics -p mvm-pipeline,convert-cim-to-mop | filecheck %s --check-prefix=FLOW
// RUN: not cim-opt %s --split-input-file --computing-mode CM -p mvm-pipeline 2>&1 | filecheck %s --check-prefix=MODE
// MODE: cim-opt: error: pass 'mvm-pipeline' needs the XBM computing mode or finer, but arch 't' is driven in CM; it exposes CM

// mvm-pipeline on hand-written cim.xbar IR.  Arch "t": 2 cores x 4 crossbars
// of 32x32 8-bit cells, ReRAM (100 cycles per activation step), everything
// else ideal.  The pass staggers an operator's activations in as many waves
// as its slack allows (the segment may get at most 1% slower by default) and
// reports the peak number of simultaneously active crossbars before and after.

// Two independent branches from the input: A (64 MVMs on 4 copies: 16 steps)
// and B (64 MVMs on 1 copy: 64 steps).  A can take 4 times longer for free:
// stagger 4 (its copies one after another), peak 4 + 1 -> 1 + 1.  Stages are
// kept.
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = XBM, chip = {core_number = [2, 1]}, core = {xb_number = [4, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %a = "cim.xbar.conv"(%x, %w, %none) <{name = "A", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 1, cores = [0]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 4, xbars = [0, 1, 2, 3]>, windows = #builtin.int<64>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %b = "cim.xbar.conv"(%x, %w, %none) <{name = "B", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 1, cores = [1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [4]>, windows = #builtin.int<64>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %a, %b : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>
  }
}
// CHECK:      name = "A", {{.*}}schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 1, cores = [0], wait = 0>, {{.*}}, placement = #cim.xbar.placement<dup = 4, xbars = [0, 1, 2, 3], stagger = 4>
// CHECK-NEXT: name = "B", {{.*}}, placement = #cim.xbar.placement<dup = 1, xbars = [4], stagger = 1>
// REMARK:     remark: mvm-pipeline: segment 0: peak active crossbars 5 -> 2, estimated latency 6400 -> 6400 cycles
// SLOW-REMARK: remark: mvm-pipeline: segment 0: peak active crossbars 5 -> 2, estimated latency 6400 -> 6400 cycles
// Four waves of one read_xb each, not one parallel region.
// FLOW:       "cim.mop.loop"() <{count = #builtin.int<16>}> ({
// FLOW-NEXT:    "cim.mop.im2col"
// FLOW-NEXT:    "cim.mop.read_xb"() <{xb = #builtin.int<0>, len = #builtin.int<1>, {{.*}}, waves = #builtin.int<1>
// FLOW-NEXT:    "cim.mop.read_xb"() <{xb = #builtin.int<1>, len = #builtin.int<1>, {{.*}}, waves = #builtin.int<1>
// FLOW-NEXT:    "cim.mop.read_xb"() <{xb = #builtin.int<2>, len = #builtin.int<1>, {{.*}}, waves = #builtin.int<1>
// FLOW-NEXT:    "cim.mop.read_xb"() <{xb = #builtin.int<3>, len = #builtin.int<1>, {{.*}}, waves = #builtin.int<1>
// FLOW-NEXT:    "cim.mop.mov"


// -----

// Unstaged (stage 0: cg-pipeline did not run; the pass sets the stages).  A
// (40 x 4: one copy of 2 row tiles, 6 MVMs) next to B (24 MVMs): A's 2 row
// tiles activate in 2 waves (read_xb waves = 2), peak 2 + 1 -> 1 + 1.
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = XBM, chip = {core_number = [2, 1]}, core = {xb_number = [4, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%k: tensor<6x40xf32>, %s: tensor<24x16xf32>) -> (tensor<6x4xf32>, tensor<24x4xf32>) {
    %none = "onnx.NoValue"() : () -> none
    %wt = "onnx.Constant"() <{name = "wt", value = #cim.splat<1.0 : tensor<40x4xf32>>}> : () -> tensor<40x4xf32>
    %ws = "onnx.Constant"() <{name = "ws", value = #cim.splat<1.0 : tensor<16x4xf32>>}> : () -> tensor<16x4xf32>
    %a = "cim.xbar.matmul"(%k, %wt, %none) <{name = "A", matrix = #cim.core.matrix<rows = 40, cols = 4>, footprint = #cim.core.footprint<xbars = 2, cores = 1>, schedule = #cim.core.schedule<segment = 0, dup = 1, cores = [0]>, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 2, row_tiles = 2, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [0]>, windows = #builtin.int<6>}> : (tensor<6x40xf32>, tensor<40x4xf32>, none) -> tensor<6x4xf32>
    %b = "cim.xbar.matmul"(%s, %ws, %none) <{name = "B", matrix = #cim.core.matrix<rows = 16, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, dup = 1, cores = [1]>, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [4]>, windows = #builtin.int<24>}> : (tensor<24x16xf32>, tensor<16x4xf32>, none) -> tensor<24x4xf32>
    func.return %a, %b : tensor<6x4xf32>, tensor<24x4xf32>
  }
}
// CHECK:      name = "A", {{.*}}schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 1, cores = [0], wait = 0>, {{.*}}, placement = #cim.xbar.placement<dup = 1, xbars = [0], stagger = 2>
// CHECK-NEXT: name = "B", {{.*}}schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 1, cores = [1], wait = 0>, {{.*}}, placement = #cim.xbar.placement<dup = 1, xbars = [4], stagger = 1>
// REMARK:     remark: mvm-pipeline: segment 0: peak active crossbars 3 -> 2, estimated latency 2400 -> 2400 cycles
// FLOW:       "cim.mop.read_xb"() <{xb = #builtin.int<0>, len = #builtin.int<2>, {{.*}}, waves = #builtin.int<2>, layer = "A"
// FLOW:       "cim.mop.read_xb"() <{xb = #builtin.int<4>, len = #builtin.int<1>, {{.*}}, waves = #builtin.int<1>, layer = "B"


// -----

// A chain: P (16 steps) feeds Q (64 steps) through a ReLU.  Q cannot finish
// before P has, and starts after P's first output row, so slowing P delays Q:
// no stagger within 1%.  Allowing 50% (slowdown=0.5), P is staggered 4 ways.
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = XBM, chip = {core_number = [2, 1]}, core = {xb_number = [4, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %w1 = "onnx.Constant"() <{name = "w1", value = #cim.splat<0.5 : tensor<4x4x1x1xf32>>}> : () -> tensor<4x4x1x1xf32>
    %a = "cim.xbar.conv"(%x, %w, %none) <{name = "P", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 1, cores = [0]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 4, xbars = [0, 1, 2, 3]>, windows = #builtin.int<64>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %r = "onnx.Relu"(%a) <{name = "relu"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    %b = "cim.xbar.conv"(%r, %w1, %none) <{name = "Q", matrix = #cim.core.matrix<rows = 4, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 2, dup = 1, cores = [1], wait = 1>, kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [4]>, windows = #builtin.int<64>}> : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %b : tensor<1x4x8x8xf32>
  }
}
// CHECK:      name = "P", {{.*}}, placement = #cim.xbar.placement<dup = 4, xbars = [0, 1, 2, 3], stagger = 1>
// CHECK:      name = "Q", {{.*}}, placement = #cim.xbar.placement<dup = 1, xbars = [4], stagger = 1>
// REMARK:     remark: mvm-pipeline: segment 0: peak active crossbars 5 -> 5, estimated latency [[L:[0-9]+]] -> [[L]] cycles
// SLOW-REMARK: remark: mvm-pipeline: segment 0: peak active crossbars 5 -> 2, estimated latency 6700 -> 7300 cycles
// SLOW:       name = "P", {{.*}}, placement = #cim.xbar.placement<dup = 4, xbars = [0, 1, 2, 3], stagger = 4>


// -----

// One operator per segment: no slack anywhere; the model-wide peak is the
// largest segment's.
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = XBM, chip = {core_number = [2, 1]}, core = {xb_number = [4, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %a = "cim.xbar.conv"(%x, %w, %none) <{name = "A", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 1, cores = [0]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 4, xbars = [0, 1, 2, 3]>, windows = #builtin.int<64>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %b = "cim.xbar.conv"(%x, %w, %none) <{name = "B", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 1, stage = 1, dup = 1, cores = [1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 3, xbars = [4, 5, 6]>, windows = #builtin.int<64>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %a, %b : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>
  }
}
// CHECK:      name = "A", {{.*}}, placement = #cim.xbar.placement<dup = 4, xbars = [0, 1, 2, 3], stagger = 1>
// CHECK-NEXT: name = "B", {{.*}}, placement = #cim.xbar.placement<dup = 3, xbars = [4, 5, 6], stagger = 1>
// REMARK:     remark: mvm-pipeline: segment 0: peak active crossbars 4 -> 4, estimated latency 1600 -> 1600 cycles
// REMARK-NEXT: remark: mvm-pipeline: segment 1: peak active crossbars 3 -> 3, estimated latency 2200 -> 2200 cycles
// REMARK-NEXT: remark: mvm-pipeline: model: peak active crossbars 4 -> 4
