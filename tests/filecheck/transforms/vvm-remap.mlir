// RUN: cim-opt %s --split-input-file --verify-diagnostics -p vvm-remap | filecheck %s
// RUN: cim-opt %s --split-input-file --verify-diagnostics -p vvm-remap 2>&1 >/dev/null | filecheck %s --check-prefix=REMARK
// RUN: cim-opt %s --split-input-file --verify-diagnostics -p vvm-remap,vvm-remap | filecheck %s
// RUN: cim-opt %s --split-input-file --verify-diagnostics -p vvm-remap,convert-cim-to-mop -t mop | filecheck %s --check-prefix=MOP
// RUN: not cim-opt %s --split-input-file --computing-mode XBM -p vvm-remap 2>&1 | filecheck %s --check-prefix=MODE
// MODE: cim-opt: error: pass 'vvm-remap' needs the WLM computing mode or finer, but arch 't' is driven in XBM; it exposes CM, XBM

// vvm-remap on hand-written cim.row IR.  Arch "t": 2 cores x 4 crossbars of
// 32x32 8-bit ReRAM cells (100 cycles per activation step), everything else
// ideal.  A: conv 3 -> 4 (27 x 4 matrix, 64 MVMs) feeding, through a ReLU, B:
// a 1x1 conv (4 x 4, one row group).  The pass tries every tile height that
// is a multiple of the group size and fits the crossbars the operator
// occupies, keeps the one with the lowest estimated segment latency (fewest
// steps per MVM on ties) and reports what it did; a second run is a no-op.

// parallel_row = 8: A's 27 rows take 4 steps per MVM on each of its 4 copies
// (16 MVMs each: 6400 cycles).  B starts one MVM latency after A's first
// output row and ends after A's last row plus B's last row: 6400 + 200 + 400.
// Height 8 puts A's 4 row groups on 4 crossbars (one copy, 64 one-step MVMs:
// same throughput) and cuts that MVM latency to 100: 7000 -> 6700 cycles.
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = WLM, chip = {core_number = [2, 1]}, core = {xb_number = [4, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 8, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %w1 = "onnx.Constant"() <{name = "w1", value = #cim.splat<0.5 : tensor<4x4x1x1xf32>>}> : () -> tensor<4x4x1x1xf32>
    %a = "cim.row.conv"(%x, %w, %none) <{name = "A", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 1, cores = [0]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 4, xbars = [0, 1, 2, 3]>, windows = #builtin.int<64>, rows = #cim.row.groups<size = 8, height = 32>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %r = "onnx.Relu"(%a) <{name = "relu"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    %b = "cim.row.conv"(%r, %w1, %none) <{name = "B", matrix = #cim.core.matrix<rows = 4, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 2, dup = 1, cores = [1], wait = 1>, kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 4, xbars = [4, 5, 6, 7]>, windows = #builtin.int<64>, rows = #cim.row.groups<size = 4, height = 32>}> : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %b : tensor<1x4x8x8xf32>
  }
}
// CHECK:      name = "A", {{.*}}, vxb = #cim.xbar.vxb<xbars = 4, row_tiles = 4, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [0], stagger = 1>, windows = #builtin.int<64>, rows = #cim.row.groups<size = 8, height = 8>}>
// CHECK:      name = "B", {{.*}}, vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 4, xbars = [4, 5, 6, 7], stagger = 1>, windows = #builtin.int<64>, rows = #cim.row.groups<size = 4, height = 32>}>
// REMARK:      remark: vvm-remap: remapped 1 layers: A (1 step(s) x 1 copies)
// REMARK-NEXT: remark: vvm-remap: nothing to remap in 1 layers: parallel_row = 8 covers all rows of their crossbar tiles: B
// REMARK-NEXT: remark: vvm-remap: estimated latency 7000 -> 6700 cycles (1.04x over MVM-grained scheduling)
// MOP:      cim.write_row(row_addr=xb0_row0, len=8, value=A[0:8, 0:4])
// MOP-NEXT: cim.write_row(row_addr=xb1_row0, len=8, value=A[8:16, 0:4])
// MOP-NEXT: cim.write_row(row_addr=xb2_row0, len=8, value=A[16:24, 0:4])
// MOP-NEXT: cim.write_row(row_addr=xb3_row0, len=3, value=A[24:27, 0:4])
// MOP:      for i0 in 0..64 {
// MOP:        cim.read_row(row_addr=xb0_row0, len=8)  // L1.0[0] -> L1.0[27]
// MOP:        cim.read_row(row_addr=xb1_row0, len=8)  // L1.0[8] -> L1.0[27] (accumulate)
// MOP:        cim.read_row(row_addr=xb2_row0, len=8)  // L1.0[16] -> L1.0[27] (accumulate)
// MOP:        cim.read_row(row_addr=xb3_row0, len=3)  // L1.0[24] -> L1.0[27] (accumulate)

// -----

// A on 5 crossbars: 5 copies x 4 steps = 13 x 4 = 52 steps per output pixel
// set; height 8 (1 copy: 64 steps), 16 (2 copies x 2 steps: 64) or 24 (2
// copies x 3 steps: 96) would all be slower.  The naive mapping is kept.
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = WLM, chip = {core_number = [2, 1]}, core = {xb_number = [4, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 8, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %w1 = "onnx.Constant"() <{name = "w1", value = #cim.splat<0.5 : tensor<4x4x1x1xf32>>}> : () -> tensor<4x4x1x1xf32>
    %a = "cim.row.conv"(%x, %w, %none) <{name = "A", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 1, cores = [0]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 5, xbars = [0, 1, 2, 3, 4]>, windows = #builtin.int<64>, rows = #cim.row.groups<size = 8, height = 32>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %r = "onnx.Relu"(%a) <{name = "relu"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    %b = "cim.row.conv"(%r, %w1, %none) <{name = "B", matrix = #cim.core.matrix<rows = 4, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 2, dup = 1, cores = [1], wait = 1>, kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 3, xbars = [5, 6, 7]>, windows = #builtin.int<64>, rows = #cim.row.groups<size = 4, height = 32>}> : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %b : tensor<1x4x8x8xf32>
  }
}
// CHECK:      name = "A", {{.*}}, vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 5, xbars = [0, 1, 2, 3, 4], stagger = 1>, windows = #builtin.int<64>, rows = #cim.row.groups<size = 8, height = 32>}>
// REMARK:      remark: vvm-remap: kept the naive mapping of 1 layers (remapping would not lower latency): A
// REMARK-NEXT: remark: vvm-remap: nothing to remap in 1 layers: parallel_row = 8 covers all rows of their crossbar tiles: B
// REMARK-NEXT: remark: vvm-remap: estimated latency [[L:[0-9]+]] -> [[L]] cycles (1.00x over MVM-grained scheduling)
// MOP:      cim.write_row(row_addr=xb4_row0, len=27, value=A[0:27, 0:4])

// -----

// A's single copy fills the one crossbar it occupies: shorter tiles need
// more crossbars than it has, so it stays and the pass says so.
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = WLM, chip = {core_number = [2, 1]}, core = {xb_number = [4, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 8, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %w1 = "onnx.Constant"() <{name = "w1", value = #cim.splat<0.5 : tensor<4x4x1x1xf32>>}> : () -> tensor<4x4x1x1xf32>
    %a = "cim.row.conv"(%x, %w, %none) <{name = "A", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 1, cores = [0]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 1, xbars = [0]>, windows = #builtin.int<64>, rows = #cim.row.groups<size = 8, height = 32>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %r = "onnx.Relu"(%a) <{name = "relu"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    %b = "cim.row.conv"(%r, %w1, %none) <{name = "B", matrix = #cim.core.matrix<rows = 4, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 2, dup = 1, cores = [1], wait = 1>, kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 4, xbars = [4, 5, 6, 7]>, windows = #builtin.int<64>, rows = #cim.row.groups<size = 4, height = 32>}> : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %b : tensor<1x4x8x8xf32>
  }
}
// CHECK:      name = "A", {{.*}}, placement = #cim.xbar.placement<dup = 1, xbars = [0], stagger = 1>, windows = #builtin.int<64>, rows = #cim.row.groups<size = 8, height = 32>}>
// REMARK:      remark: vvm-remap: no room to remap 1 layers {{.*}}: A
// REMARK-NEXT: remark: vvm-remap: nothing to remap in 1 layers: parallel_row = 8 covers all rows of their crossbar tiles: B
// REMARK-NEXT: remark: vvm-remap: estimated latency [[L:[0-9]+]] -> [[L]] cycles (1.00x over MVM-grained scheduling)
// Four activation steps of 8, 8, 8 and 3 rows on crossbar 0.
// MOP:      cim.read_row(row_addr=xb0_row0, len=8)  // L1.0[0] -> L1.0[27]
// MOP-NEXT: cim.read_row(row_addr=xb0_row8, len=8)  // L1.0[8] -> L1.0[27] (accumulate)
// MOP-NEXT: cim.read_row(row_addr=xb0_row16, len=8)  // L1.0[16] -> L1.0[27] (accumulate)
// MOP-NEXT: cim.read_row(row_addr=xb0_row24, len=3)  // L1.0[24] -> L1.0[27] (accumulate)

// -----

// parallel_row = 1: every row is a group; both operators have something to
// remap (B's 4 rows included), to heights below the natural one.
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = WLM, chip = {core_number = [2, 1]}, core = {xb_number = [4, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 1, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %w1 = "onnx.Constant"() <{name = "w1", value = #cim.splat<0.5 : tensor<4x4x1x1xf32>>}> : () -> tensor<4x4x1x1xf32>
    %a = "cim.row.conv"(%x, %w, %none) <{name = "A", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 1, cores = [0]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 4, xbars = [0, 1, 2, 3]>, windows = #builtin.int<64>, rows = #cim.row.groups<size = 1, height = 32>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %r = "onnx.Relu"(%a) <{name = "relu"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    %b = "cim.row.conv"(%r, %w1, %none) <{name = "B", matrix = #cim.core.matrix<rows = 4, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 2, dup = 1, cores = [1], wait = 1>, kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 4, xbars = [4, 5, 6, 7]>, windows = #builtin.int<64>, rows = #cim.row.groups<size = 1, height = 32>}> : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %b : tensor<1x4x8x8xf32>
  }
}
// CHECK:      name = "A", {{.*}}, rows = #cim.row.groups<size = 1, height = {{[1-9]|1[0-9]|2[0-6]}}>}>
// CHECK:      name = "B", {{.*}}, rows = #cim.row.groups<size = 1, height = {{[1-3]}}>}>
// REMARK:      remark: vvm-remap: remapped 2 layers: A ({{[0-9]+}} step(s) x {{[0-9]+}} copies), B ({{[0-9]+}} step(s) x {{[0-9]+}} copies)
// REMARK-NEXT: remark: vvm-remap: estimated latency [[B:[0-9]+]] -> [[A:[0-9]+]] cycles ({{1\.0[1-9]|1\.[1-9][0-9]}}x over MVM-grained scheduling)

// -----

// parallel_row = 32 covers every tile (27 and 4 rows): nothing to remap.
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = WLM, chip = {core_number = [2, 1]}, core = {xb_number = [4, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %w1 = "onnx.Constant"() <{name = "w1", value = #cim.splat<0.5 : tensor<4x4x1x1xf32>>}> : () -> tensor<4x4x1x1xf32>
    %a = "cim.row.conv"(%x, %w, %none) <{name = "A", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 1, cores = [0]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 4, xbars = [0, 1, 2, 3]>, windows = #builtin.int<64>, rows = #cim.row.groups<size = 27, height = 32>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %r = "onnx.Relu"(%a) <{name = "relu"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    %b = "cim.row.conv"(%r, %w1, %none) <{name = "B", matrix = #cim.core.matrix<rows = 4, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 2, dup = 1, cores = [1], wait = 1>, kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 4, xbars = [4, 5, 6, 7]>, windows = #builtin.int<64>, rows = #cim.row.groups<size = 4, height = 32>}> : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %b : tensor<1x4x8x8xf32>
  }
}
// CHECK:      name = "A", {{.*}}, placement = #cim.xbar.placement<dup = 4, xbars = [0, 1, 2, 3], stagger = 1>, windows = #builtin.int<64>, rows = #cim.row.groups<size = 27, height = 32>}>
// REMARK:      remark: vvm-remap: nothing to remap in 2 layers: parallel_row = 32 covers all rows of their crossbar tiles: A, B
// REMARK-NEXT: remark: vvm-remap: estimated latency [[L:[0-9]+]] -> [[L]] cycles (1.00x over MVM-grained scheduling)

// -----

// parallel_row = 10 does not divide 27: groups of 10, 10 and 7 (3 steps).
// Height 10 (3 crossbars, one copy: 64 steps) and 20 (2 copies x 2 steps: 64)
// are slower than 4 copies x 3 steps (48): kept.
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = WLM, chip = {core_number = [2, 1]}, core = {xb_number = [4, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 10, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %w1 = "onnx.Constant"() <{name = "w1", value = #cim.splat<0.5 : tensor<4x4x1x1xf32>>}> : () -> tensor<4x4x1x1xf32>
    %a = "cim.row.conv"(%x, %w, %none) <{name = "A", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 1, cores = [0]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 4, xbars = [0, 1, 2, 3]>, windows = #builtin.int<64>, rows = #cim.row.groups<size = 10, height = 32>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %r = "onnx.Relu"(%a) <{name = "relu"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    %b = "cim.row.conv"(%r, %w1, %none) <{name = "B", matrix = #cim.core.matrix<rows = 4, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 2, dup = 1, cores = [1], wait = 1>, kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64, binding = "R->XBR,C->XBC,B->XBC", vxb = #cim.xbar.vxb<xbars = 1, row_tiles = 1, col_tiles = 1, bit_xbars = 1, groups_per_xbar = 1>, placement = #cim.xbar.placement<dup = 4, xbars = [4, 5, 6, 7]>, windows = #builtin.int<64>, rows = #cim.row.groups<size = 4, height = 32>}> : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %b : tensor<1x4x8x8xf32>
  }
}
// CHECK:      name = "A", {{.*}}, placement = #cim.xbar.placement<dup = 4, xbars = [0, 1, 2, 3], stagger = 1>, windows = #builtin.int<64>, rows = #cim.row.groups<size = 10, height = 32>}>
// REMARK:      remark: vvm-remap: kept the naive mapping of 1 layers (remapping would not lower latency): A
// MOP:      cim.read_row(row_addr=xb0_row0, len=10)  // L1.0[0] -> L1.0[108]
