// RUN: cim-opt %s --split-input-file --verify-diagnostics -p 'convert-onnx-to-cim-core,cg-dup' | filecheck %s --check-prefixes=CHECK,OPT,BAL
// RUN: cim-opt %s --split-input-file --verify-diagnostics -p 'convert-onnx-to-cim-core,cg-dup{solver=dp}' | filecheck %s --check-prefixes=CHECK,OPT,BAL
// RUN: cim-opt %s --split-input-file --verify-diagnostics -p 'convert-onnx-to-cim-core,cg-dup{solver=cpsat}' | filecheck %s --check-prefixes=CHECK,OPT,BAL
// RUN: cim-opt %s --split-input-file --verify-diagnostics -p 'convert-onnx-to-cim-core,cg-dup{balance=false}' | filecheck %s --check-prefixes=CHECK,OPT,NOBAL
// RUN: cim-opt %s --split-input-file --verify-diagnostics -p 'convert-onnx-to-cim-core,cg-dup{solver=greedy}' | filecheck %s --check-prefixes=CHECK,GREEDY
// RUN: cim-opt %s --split-input-file --verify-diagnostics -p 'convert-onnx-to-cim-core,cg-dup{solver=cpsat}' 2>&1 >/dev/null | filecheck %s --check-prefix=REMARK
// RUN: not cim-opt %s --split-input-file -p 'convert-onnx-to-cim-core,cg-dup{solver=simplex}' 2>&1 | filecheck %s --check-prefix=BADSOLVER
// BADSOLVER: cim-opt: error: cg-dup: unknown solver 'simplex'; choose dp, cpsat, greedy

// cg-dup on tiny archs of N cores with one 32x32 crossbar each (8-bit cells)
// and every other parameter ideal: a layer of M input vectors (conv: output
// positions, matmul: rows) on d copies takes ceil(M/d) crossbar read steps
// (numbers below count steps; the remarks print cycles).  The trim of
// bandwidth-bound copies is tested in tests/test_cg_passes.py.

// A = [100 x 40] @ [40 x 4]: 40 rows need two crossbars, so 2 cores per copy.
// B = [90 x 16] @ [16 x 4]: 1 core per copy.  5 cores: the exact optimum of
// T_A(d_A) + T_B(d_B) with 2 d_A + d_B <= 5 is d = (1, 3): 100 + 30 = 130
// (d = (2, 1) gives 50 + 90 = 140).  The greedy baseline duplicates the
// slowest layer first and gets (2, 1).  Cores are consecutive, copy-major.
builtin.module attributes {cim.arch = #cim.arch<{name = t5, computing_mode = CM, chip = {core_number = [5, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%a: tensor<100x40xf32>, %b: tensor<90x16xf32>) -> (tensor<100x4xf32>, tensor<90x4xf32>) {
    %wa = "onnx.Constant"() <{name = "wa", value = #cim.splat<1.0 : tensor<40x4xf32>>}> : () -> tensor<40x4xf32>
    %wb = "onnx.Constant"() <{name = "wb", value = #cim.splat<1.0 : tensor<16x4xf32>>}> : () -> tensor<16x4xf32>
    %ya = "onnx.MatMul"(%a, %wa) <{name = "A"}> : (tensor<100x40xf32>, tensor<40x4xf32>) -> tensor<100x4xf32>
    %yb = "onnx.MatMul"(%b, %wb) <{name = "B"}> : (tensor<90x16xf32>, tensor<16x4xf32>) -> tensor<90x4xf32>
    func.return %ya, %yb : tensor<100x4xf32>, tensor<90x4xf32>
  }
}
// OPT:    name = "A", {{.*}}, footprint = #cim.core.footprint<xbars = 2, cores = 2>, schedule = #cim.core.schedule<segment = 0, stage = 0, dup = 1, cores = [0, 1], wait = 0>
// OPT:    name = "B", {{.*}}, schedule = #cim.core.schedule<segment = 0, stage = 0, dup = 3, cores = [2, 3, 4], wait = 0>
// GREEDY: name = "A", {{.*}}, schedule = #cim.core.schedule<segment = 0, stage = 0, dup = 2, cores = [0, 1, 2, 3], wait = 0>
// GREEDY: name = "B", {{.*}}, schedule = #cim.core.schedule<segment = 0, stage = 0, dup = 1, cores = [4], wait = 0>
// REMARK: remark: cg-dup: segment 0: 2 layers on 5/5 cores, solver cpsat OPTIMAL, gap 0.00%, objective [[OBJ:[0-9]+]] cycles, sequential estimate [[OBJ]]; dup [1, 3]

// -----

// Two chained 3x3 convs (64 output positions each) on 3 cores: (2, 1) and
// (1, 2) tie at 96 sequential steps.  c1 starts after 2 of c0's 8 rows, so
// pipelined (2, 1) ends at max(8 + 64, 32 + 8) = 72 and (1, 2) at
// max(16 + 32, 64 + 4) = 68: the balance step moves a copy to c1.
builtin.module attributes {cim.arch = #cim.arch<{name = t3, computing_mode = CM, chip = {core_number = [3, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<3x3x3x3xf32>>}> : () -> tensor<3x3x3x3xf32>
    %c0 = "onnx.Conv"(%x, %w, %none) <{name = "c0", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<3x3x3x3xf32>, none) -> tensor<1x3x8x8xf32>
    %c1 = "onnx.Conv"(%c0, %w, %none) <{name = "c1", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<3x3x3x3xf32>, none) -> tensor<1x3x8x8xf32>
    func.return %c1 : tensor<1x3x8x8xf32>
  }
}
// BAL:    name = "c0", {{.*}}, schedule = #cim.core.schedule<segment = 0, stage = 0, dup = 1, cores = [0], wait = 0>
// BAL:    name = "c1", {{.*}}, schedule = #cim.core.schedule<segment = 0, stage = 0, dup = 2, cores = [1, 2], wait = 0>
// NOBAL:  name = "c0", {{.*}}, schedule = #cim.core.schedule<segment = 0, stage = 0, dup = 2, cores = [0, 1], wait = 0>
// NOBAL:  name = "c1", {{.*}}, schedule = #cim.core.schedule<segment = 0, stage = 0, dup = 1, cores = [2], wait = 0>
// GREEDY: name = "c0", {{.*}}, schedule = #cim.core.schedule<segment = 0, stage = 0, dup = 2, cores = [0, 1], wait = 0>
// GREEDY: name = "c1", {{.*}}, schedule = #cim.core.schedule<segment = 0, stage = 0, dup = 1, cores = [2], wait = 0>
// REMARK: remark: cg-dup: segment 0: 2 layers on 3/3 cores, solver cpsat OPTIMAL, gap 0.00%, objective [[OBJ:[0-9]+]] cycles, sequential estimate [[OBJ]]; dup [1, 2]

// -----

// core_number = 1: two layers cannot share the single core without cg-segment.
builtin.module attributes {cim.arch = #cim.arch<{name = one, computing_mode = CM, chip = {core_number = [1, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<3x3x3x3xf32>>}> : () -> tensor<3x3x3x3xf32>
    %c0 = "onnx.Conv"(%x, %w, %none) <{name = "c0", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<3x3x3x3xf32>, none) -> tensor<1x3x8x8xf32>
    %r = "onnx.Relu"(%c0) <{name = "relu"}> : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32>
    %c1 = "onnx.Conv"(%r, %w, %none) <{name = "c1", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<3x3x3x3xf32>, none) -> tensor<1x3x8x8xf32>
    func.return %c1 : tensor<1x3x8x8xf32>
  }
}
// CHECK:  segment 0: one copy of each of its 2 layers needs 2 cores, the chip has 1: short by 1; run cg-segment first

// -----

// A layer larger than the chip (147 x 4: 5 row tiles on 4 cores) without cg-segment.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%r: tensor<1x3x15x9xf32>) -> tensor<1x4x5x2xf32> {
    %none = "onnx.NoValue"() : () -> none
    %sw = "onnx.Constant"() <{name = "sw", value = #cim.splat<1.0 : tensor<4x3x7x7xf32>>}> : () -> tensor<4x3x7x7xf32>
    %s = "onnx.Conv"(%r, %sw, %none) <{name = "stem7x7", group = 1 : i64, kernel_shape = array<i64: 7, 7>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}> : (tensor<1x3x15x9xf32>, tensor<4x3x7x7xf32>, none) -> tensor<1x4x5x2xf32>
    func.return %s : tensor<1x4x5x2xf32>
  }
}
// CHECK:  layer 'stem7x7': one copy needs 5 cores (5 crossbars of 32x32), the chip has 4: short by 1 cores; run cg-segment to split it
