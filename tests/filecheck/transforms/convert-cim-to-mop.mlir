// RUN: cim-opt %s --split-input-file --verify-diagnostics -p convert-cim-to-mop | filecheck %s
// RUN: cim-opt %s --split-input-file --verify-diagnostics -p convert-cim-to-mop -t mop | filecheck %s --check-prefix=MOP

// convert-cim-to-mop in CM, from hand-scheduled cim.core IR.  Activations are
// stored HWC in L0 (8-bit elements) by a first-fit allocator that frees a
// buffer after its last use.

// The paper's Figure 16(c): conv 3 -> 32 (3x3/1, pad 1) on 32x32 + ReLU on
// "paper-example" in CM, two copies on cores 0 and 1.  Each copy computes 16
// output rows from 17 input rows (halo); core 1 starts at input row 15
// (15 x 32 x 3 = 1440).  The conv output lives at 3072 (after the 3x32x32
// input), the ReLU's after it (3072 + 32 x 32 x 32 = 35840).
builtin.module attributes {cim.arch = #cim.arch<{name = "paper-example", computing_mode = CM, chip = {core_number = [2, 1], core_noc = "shared-memory"}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 128], parallel_row = 16, precision = 2}}>} {
  func.func @main(%input: tensor<1x3x32x32xf32>) -> tensor<1x32x32x32xf32> {
    %w = "onnx.Constant"() <{name = "conv.weight", value = #cim.splat<0.01 : tensor<32x3x3x3xf32>>}> : () -> tensor<32x3x3x3xf32>
    %b = "onnx.Constant"() <{name = "conv.bias", value = #cim.splat<0.5 : tensor<32xf32>>}> : () -> tensor<32xf32>
    %conv = "cim.core.conv"(%input, %w, %b) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 32>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 2, cores = [0, 1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x32x32xf32>, tensor<32x3x3x3xf32>, tensor<32xf32>) -> tensor<1x32x32x32xf32>
    %output = "onnx.Relu"(%conv) <{name = "relu"}> : (tensor<1x32x32x32xf32>) -> tensor<1x32x32x32xf32>
    func.return %output : tensor<1x32x32x32xf32>
  }
}
// CHECK:      "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [#cim.mop.buffer<tensor = input, addr = 0, shape = [1, 3, 32, 32], layout = nhwc>], outputs = [#cim.mop.buffer<tensor = output, addr = 35840, shape = [1, 32, 32, 32], layout = nhwc>], l0_used = #builtin.int<68608>, schedule = #cim.mop.params<{{[{]}}conv = {{[{]}}segment = 0, stage = 1, wait = 0, dup = 2, rows = 32, mvm = {{[0-9.e+]+}}, preds = {{[{]}}}}}>}> ({
// CHECK-NEXT:   "cim.mop.segment"() <{index = #builtin.int<0>}> ({
// CHECK-NEXT:     "cim.mop.write_core"() <{core = #builtin.int<0>, len = #builtin.int<1>, weights = #cim.splat<0.01 : tensor<32x3x3x3xf32>>, matrix = #cim.mop.matrix<layer = conv, kind = conv, trans = 0, groups = 1, in_range = [0, 3], out_range = [0, 32], block = [0, 1, 0, 27, 0, 32]{{[^>]*}}>, layer = "conv", bias = #cim.splat<0.5 : tensor<32xf32>>}> : () -> ()
// CHECK-NEXT:     "cim.mop.write_core"() <{core = #builtin.int<1>, len = #builtin.int<1>, {{.*}}}> : () -> ()
// CHECK-NEXT:   }, {
// CHECK-NEXT:     "cim.mop.parallel"() ({
// CHECK-NEXT:       "cim.mop.read_core"() <{kind = "conv", params = #cim.mop.params<{{[{]}}in_shape = [17, 32, 3], channels = [0, 3], out_shape = [16, 32, 32], kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 0, 1], dilations = [1, 1], group = 1}>, core = #builtin.int<0>, len = #builtin.int<1>, src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[3072]>, layer = "conv"}> : () -> ()
// CHECK-NEXT:       "cim.mop.read_core"() <{kind = "conv", params = #cim.mop.params<{{[{]}}in_shape = [17, 32, 3], channels = [0, 3], out_shape = [16, 32, 32], kernel_shape = [3, 3], strides = [1, 1], pads = [0, 1, 1, 1], dilations = [1, 1], group = 1}>, core = #builtin.int<1>, len = #builtin.int<1>, src = #cim.mop.addr<L0[1440]>, dst = #cim.mop.addr<L0[19456]>, layer = "conv"}> : () -> ()
// CHECK-NEXT:     }) : () -> ()
// CHECK-NEXT:     "cim.mop.dcom"() <{kind = "Relu", srcs = [#cim.mop.addr<L0[3072]>], dsts = [#cim.mop.addr<L0[35840]>], params = #cim.mop.params<{{[{]}}in_shapes = [[1, 32, 32, 32]], out_shapes = [[1, 32, 32, 32]], in_layouts = [nhwc], out_layouts = [nhwc]}>, layer = "relu"}> : () -> ()
// CHECK-NEXT:   }) : () -> ()
// CHECK-NEXT: }) : () -> ()
// CHECK-NOT:  func.func
// MOP:      // cim-mlir meta-operator flow 'main' for arch 'paper-example' in CM (1 segments, 68608 L0 elements)
// MOP-NEXT: // input  input @ L0[0] 1x3x32x32 (nhwc)
// MOP-NEXT: // output output @ L0[35840] 1x32x32x32 (nhwc)
// MOP-NEXT: Segment 0:
// MOP-NEXT:   Init:
// MOP-NEXT:     cim.write_core(core_addr=0, mat=conv[0:27, 0:32])
// MOP-NEXT:     cim.write_core(core_addr=1, mat=conv[0:27, 0:32])
// MOP-NEXT:   Compute:
// MOP-NEXT:     parallel{
// MOP-NEXT:       cim.read_core(conv, params, core_addr=0, src=0, dst=3072)  // conv {{[{]}}in_shape = [17, 32, 3], {{.*}}, pads = [1, 1, 0, 1], {{.*}}}
// MOP-NEXT:       cim.read_core(conv, params, core_addr=1, src=1440, dst=19456)  // conv {{[{]}}in_shape = [17, 32, 3], {{.*}}, pads = [0, 1, 1, 1], {{.*}}}
// MOP-NEXT:     }
// MOP-NEXT:     Relu(src=3072, dst=35840, len=32768)

// -----

// A residual block: x -> c0 (2 copies) -> relu -> c1 -> add(c1, relu).
// x [0, 256) is dead after c0, so the ReLU reuses it; c0's output [256, 512)
// is dead after the ReLU, so c1 reuses it; the Add's output goes to 512.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [64, 32], parallel_row = 64, precision = 8}}>} {
  func.func @main(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x4x3x3xf32>>}> : () -> tensor<4x4x3x3xf32>
    %c0 = "cim.core.conv"(%x, %w, %none) <{name = "c0", matrix = #cim.core.matrix<rows = 36, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<stage = 1, dup = 2, cores = [0, 1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %r = "onnx.Relu"(%c0) <{name = "relu"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    %c1 = "cim.core.conv"(%r, %w, %none) <{name = "c1", matrix = #cim.core.matrix<rows = 36, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<stage = 2, dup = 1, cores = [2], wait = 2>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %add = "onnx.Add"(%c1, %r) <{name = "residual"}> : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    func.return %add : tensor<1x4x8x8xf32>
  }
}
// CHECK:      outputs = [#cim.mop.buffer<tensor = add, addr = 512, shape = [1, 4, 8, 8], layout = nhwc>], l0_used = #builtin.int<768>
// CHECK-SAME: schedule = #cim.mop.params<{{[{]}}c0 = {{[{]}}segment = 0, stage = 1, wait = 0, dup = 2, rows = 8, mvm = {{[0-9.e+]+}}, preds = {{[{]}}}}, c1 = {{[{]}}segment = 0, stage = 2, wait = 2, dup = 1, rows = 8, mvm = {{[0-9.e+]+}}, preds = {{[{]}}c0 = 0.25}}}>
// MOP:      Segment 0:
// MOP-NEXT:   Init:
// MOP-NEXT:     cim.write_core(core_addr=0, mat=c0[0:36, 0:4])
// MOP-NEXT:     cim.write_core(core_addr=1, mat=c0[0:36, 0:4])
// MOP-NEXT:     cim.write_core(core_addr=2, mat=c1[0:36, 0:4])
// MOP-NEXT:   Compute:
// MOP-NEXT:     parallel{
// MOP-NEXT:       cim.read_core(conv, params, core_addr=0, src=0, dst=256)  // c0 {{[{]}}in_shape = [5, 8, 4], {{.*}} out_shape = [4, 8, 4], {{.*}} pads = [1, 1, 0, 1]
// MOP-NEXT:       cim.read_core(conv, params, core_addr=1, src=96, dst=384)  // c0 {{[{]}}in_shape = [5, 8, 4], {{.*}} out_shape = [4, 8, 4], {{.*}} pads = [0, 1, 1, 1]
// MOP-NEXT:     }
// MOP-NEXT:     Relu(src=256, dst=0, len=256)
// MOP-NEXT:     cim.read_core(conv, params, core_addr=2, src=0, dst=256)  // c1 {{[{]}}in_shape = [8, 8, 4], {{.*}} pads = [1, 1, 1, 1]
// MOP-NEXT:     add(src1=256, src2=0, dst=512, len=256)

// -----

// Two branches joined by a channel Concat (DCOM), and a K-split matmul whose
// parts run in segments 1 and 2 and are summed by a DCOM Sum in segment 2.  The
// bias goes with the first part only.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x6x6xf32>, %k: tensor<1x160xf32>) -> (tensor<1x6x6x6xf32>, tensor<1x8xf32>) {
    %none = "onnx.NoValue"() : () -> none
    %wa = "onnx.Constant"() <{name = "wa", value = #cim.splat<0.5 : tensor<2x3x3x3xf32>>}> : () -> tensor<2x3x3x3xf32>
    %wb = "onnx.Constant"() <{name = "wb", value = #cim.splat<0.5 : tensor<4x3x1x1xf32>>}> : () -> tensor<4x3x1x1xf32>
    %a = "cim.core.conv"(%x, %wa, %none) <{name = "branch_a", matrix = #cim.core.matrix<rows = 27, cols = 2>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 2, cores = [0, 1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x6x6xf32>, tensor<2x3x3x3xf32>, none) -> tensor<1x2x6x6xf32>
    %b = "cim.core.conv"(%x, %wb, %none) <{name = "branch_b", matrix = #cim.core.matrix<rows = 3, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 1, cores = [2]>, kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x6x6xf32>, tensor<4x3x1x1xf32>, none) -> tensor<1x4x6x6xf32>
    %cat = "onnx.Concat"(%a, %b) <{name = "concat", axis = 1 : i64}> : (tensor<1x2x6x6xf32>, tensor<1x4x6x6xf32>) -> tensor<1x6x6x6xf32>
    %wk = "onnx.Constant"() <{name = "wk", value = #cim.splat<1.0 : tensor<160x8xf32>>}> : () -> tensor<160x8xf32>
    %bk = "onnx.Constant"() <{name = "bk", value = #cim.splat<1.0 : tensor<8xf32>>}> : () -> tensor<8xf32>
    %p0 = "cim.core.matmul"(%k, %wk, %bk) <{name = "tall/part0.0", matrix = #cim.core.matrix<rows = 128, cols = 8>, footprint = #cim.core.footprint<xbars = 4, cores = 4>, schedule = #cim.core.schedule<segment = 1, dup = 1, cores = [0, 1, 2, 3]>, in_range = array<i64: 0, 128>, out_range = array<i64: 0, 8>}> : (tensor<1x160xf32>, tensor<160x8xf32>, tensor<8xf32>) -> tensor<1x8xf32>
    %p1 = "cim.core.matmul"(%k, %wk, %none) <{name = "tall/part0.1", matrix = #cim.core.matrix<rows = 32, cols = 8>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 2, dup = 1, cores = [3]>, in_range = array<i64: 128, 160>, out_range = array<i64: 0, 8>}> : (tensor<1x160xf32>, tensor<160x8xf32>, none) -> tensor<1x8xf32>
    %tall = "onnx.Sum"(%p0, %p1) <{name = "tall/sum0"}> : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
    func.return %cat, %tall : tensor<1x6x6x6xf32>, tensor<1x8xf32>
  }
}
// CHECK:      "cim.mop.write_core"() <{core = #builtin.int<0>, len = #builtin.int<4>, weights = #cim.splat<1.0 : tensor<160x8xf32>>, matrix = #cim.mop.matrix<layer = "tall/part0.0", kind = matmul, trans = 0, groups = 1, in_range = [0, 128], out_range = [0, 8], block = [0, 1, 0, 128, 0, 8]{{[^>]*}}>, layer = "tall/part0.0", bias = #cim.splat<1.0 : tensor<8xf32>>}>
// CHECK:      "cim.mop.write_core"() <{core = #builtin.int<3>, len = #builtin.int<1>, weights = #cim.splat<1.0 : tensor<160x8xf32>>, matrix = #cim.mop.matrix<layer = "tall/part0.1", kind = matmul, trans = 0, groups = 1, in_range = [128, 160], out_range = [0, 8], block = [0, 1, 0, 32, 0, 8]{{[^>]*}}>, layer = "tall/part0.1"}>
// MOP:      // cim-mlir meta-operator flow 'main' for arch 't4' in CM (3 segments, 700 L0 elements)
// MOP-NEXT: // input  x @ L0[0] 1x3x6x6 (nhwc)
// MOP-NEXT: // input  k @ L0[108] 1x160 (rowmajor)
// MOP-NEXT: // output cat @ L0[484] 1x6x6x6 (nhwc)
// MOP-NEXT: // output tall @ L0[16] 1x8 (rowmajor)
// MOP-NEXT: Segment 0:
// MOP-NEXT:   Init:
// MOP-NEXT:     cim.write_core(core_addr=0, mat=branch_a[0:27, 0:2])
// MOP-NEXT:     cim.write_core(core_addr=1, mat=branch_a[0:27, 0:2])
// MOP-NEXT:     cim.write_core(core_addr=2, mat=branch_b[0:3, 0:4])
// MOP-NEXT:   Compute:
// MOP-NEXT:     parallel{
// MOP-NEXT:       cim.read_core(conv, params, core_addr=0, src=0, dst=268)  // branch_a {{[{]}}in_shape = [4, 6, 3], {{.*}} out_shape = [3, 6, 2]
// MOP-NEXT:       cim.read_core(conv, params, core_addr=1, src=36, dst=304)  // branch_a {{[{]}}in_shape = [4, 6, 3], {{.*}} out_shape = [3, 6, 2]
// MOP-NEXT:     }
// MOP-NEXT:     cim.read_core(conv, params, core_addr=2, src=0, dst=340)  // branch_b {{[{]}}in_shape = [6, 6, 3], {{.*}} out_shape = [6, 6, 4]
// MOP-NEXT:     Concat(src0=268, src1=340, dst=484, len=216)  // in 1x2x6x6; 1x4x6x6 {{[{]}}axis = 1}
// MOP-NEXT: Segment 1:
// MOP-NEXT:   Init:
// MOP-NEXT:     cim.write_core(core_addr=0, len=4, mat=tall/part0.0[0:128, 0:8])
// MOP-NEXT:   Compute:
// MOP-NEXT:     cim.read_core(matmul, params, core_addr=0, len=4, src=108, dst=0)  // tall/part0.0 {{[{]}}in_shape = [1, 160], channels = [0, 128], out_shape = [1, 8], {{.*}}}
// MOP-NEXT: Segment 2:
// MOP-NEXT:   Init:
// MOP-NEXT:     cim.write_core(core_addr=3, mat=tall/part0.1[0:32, 0:8])
// MOP-NEXT:   Compute:
// MOP-NEXT:     cim.read_core(matmul, params, core_addr=3, src=108, dst=8)  // tall/part0.1 {{[{]}}in_shape = [1, 160], channels = [128, 160], out_shape = [1, 8], {{.*}}}
// MOP-NEXT:     Sum(src0=0, src1=8, dst=16, len=8)  // in 1x8; 1x8

// -----

// An unscheduled op (cores = []) gets consecutive cores from 0 in its segment;
// copies of a matmul split its rows (5 = 3 + 2); a strided depthwise conv keeps
// all 8 groups on one 3-core copy.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%m: tensor<5x16xf32>, %x: tensor<1x8x7x7xf32>) -> (tensor<5x6xf32>, tensor<1x8x4x4xf32>) {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<1.0 : tensor<16x6xf32>>}> : () -> tensor<16x6xf32>
    %dw = "onnx.Constant"() <{name = "dw", value = #cim.splat<1.0 : tensor<8x1x3x3xf32>>}> : () -> tensor<8x1x3x3xf32>
    %y = "cim.core.matmul"(%m, %w, %none) <{name = "fc", matrix = #cim.core.matrix<rows = 16, cols = 6>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 2, cores = [3, 1]>}> : (tensor<5x16xf32>, tensor<16x6xf32>, none) -> tensor<5x6xf32>
    %d = "cim.core.conv"(%x, %dw, %none) <{name = "dw", matrix = #cim.core.matrix<rows = 9, cols = 1, groups = 8>, footprint = #cim.core.footprint<xbars = 3, cores = 3>, schedule = #cim.core.schedule<segment = 1, dup = 1>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 8 : i64}> : (tensor<1x8x7x7xf32>, tensor<8x1x3x3xf32>, none) -> tensor<1x8x4x4xf32>
    func.return %y, %d : tensor<5x6xf32>, tensor<1x8x4x4xf32>
  }
}
// MOP:      Segment 0:
// MOP-NEXT:   Init:
// MOP-NEXT:     cim.write_core(core_addr=3, mat=fc[0:16, 0:6])
// MOP-NEXT:     cim.write_core(core_addr=1, mat=fc[0:16, 0:6])
// MOP-NEXT:   Compute:
// MOP-NEXT:     parallel{
// MOP-NEXT:       cim.read_core(matmul, params, core_addr=3, src=0, dst=472)  // fc {{[{]}}in_shape = [3, 16], channels = [0, 16], out_shape = [3, 6], alpha = 1.0, beta = 1.0}
// MOP-NEXT:       cim.read_core(matmul, params, core_addr=1, src=48, dst=490)  // fc {{[{]}}in_shape = [2, 16], channels = [0, 16], out_shape = [2, 6], alpha = 1.0, beta = 1.0}
// MOP-NEXT:     }
// MOP-NEXT: Segment 1:
// MOP-NEXT:   Init:
// MOP-NEXT:     cim.write_core(core_addr=0, len=3, mat=dw[g0:8, 0:9, 0:1])
// MOP-NEXT:   Compute:
// MOP-NEXT:     cim.read_core(conv, params, core_addr=0, len=3, src=80, dst=502)  // dw {{[{]}}in_shape = [7, 7, 8], channels = [0, 8], out_shape = [4, 4, 8], kernel_shape = [3, 3], strides = [2, 2], pads = [1, 1, 1, 1], dilations = [1, 1], group = 8}

// -----

// Three copies of a 3x3/2 conv on a 7x7 input: output rows 4 = 2 + 1 + 1; the
// pads of each sub-feature-map are recomputed at the partition edges.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<1.0 : tensor<2x2x3x3xf32>>}> : () -> tensor<2x2x3x3xf32>
    %y = "cim.core.conv"(%x, %w, %none) <{name = "s2", matrix = #cim.core.matrix<rows = 18, cols = 2>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 3, cores = [0, 1, 2]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x2x7x7xf32>, tensor<2x2x3x3xf32>, none) -> tensor<1x2x4x4xf32>
    func.return %y : tensor<1x2x4x4xf32>
  }
}
// MOP:      parallel{
// MOP-NEXT:   cim.read_core(conv, params, core_addr=0, src=0, dst=98)  // s2 {{[{]}}in_shape = [4, 7, 2], channels = [0, 2], out_shape = [2, 4, 2], kernel_shape = [3, 3], strides = [2, 2], pads = [1, 1, 0, 1]
// MOP-NEXT:   cim.read_core(conv, params, core_addr=1, src=42, dst=114)  // s2 {{[{]}}in_shape = [3, 7, 2], channels = [0, 2], out_shape = [1, 4, 2], kernel_shape = [3, 3], strides = [2, 2], pads = [0, 1, 0, 1]
// MOP-NEXT:   cim.read_core(conv, params, core_addr=2, src=70, dst=122)  // s2 {{[{]}}in_shape = [2, 7, 2], channels = [0, 2], out_shape = [1, 4, 2], kernel_shape = [3, 3], strides = [2, 2], pads = [0, 1, 1, 1]
// MOP-NEXT: }

// -----

// L0 of 256 bytes without spilling: the residual block needs 768 elements; the
// error names the layer whose output first overflows.
builtin.module attributes {cim.arch = #cim.arch<{name = small_l0, computing_mode = CM, chip = {core_number = [4, 1], l0_size = 256}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [64, 32], parallel_row = 64, precision = 8}}>} {
  func.func @main(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x4x3x3xf32>>}> : () -> tensor<4x4x3x3xf32>
    %c0 = "cim.core.conv"(%x, %w, %none) <{name = "c0", matrix = #cim.core.matrix<rows = 36, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<stage = 1, dup = 2, cores = [0, 1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %r = "onnx.Relu"(%c0) <{name = "relu"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    %c1 = "cim.core.conv"(%r, %w, %none) <{name = "c1", matrix = #cim.core.matrix<rows = 36, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<stage = 2, dup = 1, cores = [2], wait = 2>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %add = "onnx.Add"(%c1, %r) <{name = "residual"}> : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    func.return %add : tensor<1x4x8x8xf32>
  }
}
// CHECK: layer 'c0': activations need 768 L0 elements but arch 'small_l0' has 256 and does not allow spilling
// MOP:   layer 'c0': activations need 768 L0 elements but arch 'small_l0' has 256 and does not allow spilling

// -----

// With allow_spill the same flow is produced (768 elements used).
builtin.module attributes {cim.arch = #cim.arch<{name = spill, computing_mode = CM, chip = {core_number = [4, 1], l0_size = 256}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [64, 32], parallel_row = 64, precision = 8}, allow_spill = true}>} {
  func.func @main(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x4x3x3xf32>>}> : () -> tensor<4x4x3x3xf32>
    %c0 = "cim.core.conv"(%x, %w, %none) <{name = "c0", matrix = #cim.core.matrix<rows = 36, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<stage = 1, dup = 2, cores = [0, 1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %r = "onnx.Relu"(%c0) <{name = "relu"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    %c1 = "cim.core.conv"(%r, %w, %none) <{name = "c1", matrix = #cim.core.matrix<rows = 36, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<stage = 2, dup = 1, cores = [2], wait = 2>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %add = "onnx.Add"(%c1, %r) <{name = "residual"}> : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    func.return %add : tensor<1x4x8x8xf32>
  }
}
// CHECK: l0_used = #builtin.int<768>
// MOP:   // cim-mlir meta-operator flow 'main' for arch 'spill' in CM (1 segments, 768 L0 elements)

// -----

// Segments must follow program order.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%m: tensor<5x16xf32>) -> tensor<5x6xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<1.0 : tensor<16x6xf32>>}> : () -> tensor<16x6xf32>
    %w2 = "onnx.Constant"() <{name = "w2", value = #cim.splat<1.0 : tensor<6x6xf32>>}> : () -> tensor<6x6xf32>
    %y = "cim.core.matmul"(%m, %w, %none) <{name = "late", matrix = #cim.core.matrix<rows = 16, cols = 6>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 1>}> : (tensor<5x16xf32>, tensor<16x6xf32>, none) -> tensor<5x6xf32>
    %z = "cim.core.matmul"(%y, %w2, %none) <{name = "early", matrix = #cim.core.matrix<rows = 6, cols = 6>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0>}> : (tensor<5x6xf32>, tensor<6x6xf32>, none) -> tensor<5x6xf32>
    func.return %z : tensor<5x6xf32>
  }
}
// CHECK: segment 0 appears after segment 1; segments must follow program order (rerun cg-segment)
// MOP:   segment 0 appears after segment 1; segments must follow program order (rerun cg-segment)

// -----

// Without an arch the pass refuses to run.
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  func.return %x : tensor<1x4xf32>
}
// CHECK: pass 'convert-cim-to-mop' needs a target architecture, but the module has no #cim.arch attribute
// MOP:   pass 'convert-cim-to-mop' needs a target architecture, but the module has no #cim.arch attribute
