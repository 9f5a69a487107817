// RUN: cim-opt %s --split-input-file --verify-diagnostics -p convert-onnx-to-cim-core,cg-segment | filecheck %s
// RUN: cim-opt %s --split-input-file --verify-diagnostics -p convert-onnx-to-cim-core,cg-segment 2>&1 >/dev/null | filecheck %s --check-prefix=REMARK
// RUN: cim-opt %s --split-input-file --verify-diagnostics -p 'convert-onnx-to-cim-core,cg-segment{split=false}' | filecheck %s --check-prefix=NOSPLIT

// cg-segment on arch "t4": 4 cores of one 32x32 crossbar (8-bit cells), every
// parameter but the crossbar ideal, so a layer of M output positions on d
// copies takes ceil(M/d) crossbar read steps and reloading a 27-row matrix
// costs 27 row writes of 10 steps each (ReRAM) = 270 steps.  The numbers
// below count steps; decisions depend only on these ratios.

// Two 3x3 convs of 3 -> 3 channels (27 x 3, one core each) fit: one segment.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<3x3x3x3xf32>>}> : () -> tensor<3x3x3x3xf32>
    %c0 = "onnx.Conv"(%x, %w, %none) <{name = "c0", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<3x3x3x3xf32>, none) -> tensor<1x3x8x8xf32>
    %c1 = "onnx.Conv"(%c0, %w, %none) <{name = "c1", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<3x3x3x3xf32>, none) -> tensor<1x3x8x8xf32>
    func.return %c1 : tensor<1x3x8x8xf32>
  }
}
// CHECK:       %c0 = "cim.core.conv"{{.*}}schedule = #cim.core.schedule<segment = 0,
// CHECK:       %c1 = "cim.core.conv"{{.*}}schedule = #cim.core.schedule<segment = 0,
// REMARK:      remark: cg-segment: all 2 layers fit in one segment (2/4 cores for one copy each)
// NOSPLIT:     %c1 = "cim.core.conv"{{.*}}schedule = #cim.core.schedule<segment = 0,

// -----

// Five such convs (64 output positions each) need 5 cores: the maximal prefix
// [c0..c3] (4 x 64 = 256) + [c4] (64/4 = 16, + 270 reload) = 542 steps is
// beaten by popping c3: [c0..c2] (dups 2,1,1: 32 + 64 + 64 = 160) + [c3, c4]
// (dups 2,2: 64, + 270) = 494; popping c2 too gives 64 + 430 = 494, no better.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<3x3x3x3xf32>>}> : () -> tensor<3x3x3x3xf32>
    %c0 = "onnx.Conv"(%x, %w, %none) <{name = "c0", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<3x3x3x3xf32>, none) -> tensor<1x3x8x8xf32>
    %c1 = "onnx.Conv"(%c0, %w, %none) <{name = "c1", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<3x3x3x3xf32>, none) -> tensor<1x3x8x8xf32>
    %c2 = "onnx.Conv"(%c1, %w, %none) <{name = "c2", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<3x3x3x3xf32>, none) -> tensor<1x3x8x8xf32>
    %c3 = "onnx.Conv"(%c2, %w, %none) <{name = "c3", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<3x3x3x3xf32>, none) -> tensor<1x3x8x8xf32>
    %c4 = "onnx.Conv"(%c3, %w, %none) <{name = "c4", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<3x3x3x3xf32>, none) -> tensor<1x3x8x8xf32>
    func.return %c4 : tensor<1x3x8x8xf32>
  }
}
// CHECK:       %c0 = "cim.core.conv"{{.*}}schedule = #cim.core.schedule<segment = 0,
// CHECK:       %c1 = "cim.core.conv"{{.*}}schedule = #cim.core.schedule<segment = 0,
// CHECK:       %c2 = "cim.core.conv"{{.*}}schedule = #cim.core.schedule<segment = 0,
// CHECK:       %c3 = "cim.core.conv"{{.*}}schedule = #cim.core.schedule<segment = 1,
// CHECK:       %c4 = "cim.core.conv"{{.*}}schedule = #cim.core.schedule<segment = 1,
// REMARK:      remark: cg-segment: 5 layers need 5 cores for one copy each, the chip has 4: 2 segments of [3, 2] layers
// NOSPLIT:     %c4 = "cim.core.conv"{{.*}}schedule = #cim.core.schedule<segment = 1,

// -----

// Operators larger than the chip (4 crossbars) are split:
// * wide (16 x 160, 5 column tiles): output columns [0, 128) + [128, 160), Concat;
// * tall (160 x 8, 5 row tiles): K rows [0, 128) + [128, 160), Sum; the bias goes
//   to the first part only;
// * both (160 x 40, transB): K and N split: 4 parts, two Sums and a Concat;
// * conv (3x3, 16 -> 4 channels, 144 rows): input channels [0, 14) (126 rows)
//   + [14, 16) (18 rows), Sum.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%a: tensor<1x16xf32>, %k: tensor<1x160xf32>, %x: tensor<1x16x8x8xf32>) -> (tensor<1x160xf32>, tensor<1x8xf32>, tensor<1x40xf32>, tensor<1x4x8x8xf32>) {
    %none = "onnx.NoValue"() : () -> none
    %wn = "onnx.Constant"() <{name = "wn", value = #cim.splat<1.0 : tensor<16x160xf32>>}> : () -> tensor<16x160xf32>
    %bn = "onnx.Constant"() <{name = "bn", value = #cim.splat<1.0 : tensor<160xf32>>}> : () -> tensor<160xf32>
    %wide = "onnx.Gemm"(%a, %wn, %bn) <{name = "wide"}> : (tensor<1x16xf32>, tensor<16x160xf32>, tensor<160xf32>) -> tensor<1x160xf32>
    %wk = "onnx.Constant"() <{name = "wk", value = #cim.splat<1.0 : tensor<160x8xf32>>}> : () -> tensor<160x8xf32>
    %bk = "onnx.Constant"() <{name = "bk", value = #cim.splat<1.0 : tensor<8xf32>>}> : () -> tensor<8xf32>
    %tall = "onnx.Gemm"(%k, %wk, %bk) <{name = "tall"}> : (tensor<1x160xf32>, tensor<160x8xf32>, tensor<8xf32>) -> tensor<1x8xf32>
    %wb = "onnx.Constant"() <{name = "wb", value = #cim.splat<1.0 : tensor<40x160xf32>>}> : () -> tensor<40x160xf32>
    %both = "onnx.Gemm"(%k, %wb, %none) <{name = "both", transB = 1 : i64}> : (tensor<1x160xf32>, tensor<40x160xf32>, none) -> tensor<1x40xf32>
    %wc = "onnx.Constant"() <{name = "wc", value = #cim.splat<1.0 : tensor<4x16x3x3xf32>>}> : () -> tensor<4x16x3x3xf32>
    %conv = "onnx.Conv"(%x, %wc, %none) <{name = "conv", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x16x8x8xf32>, tensor<4x16x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %wide, %tall, %both, %conv : tensor<1x160xf32>, tensor<1x8xf32>, tensor<1x40xf32>, tensor<1x4x8x8xf32>
  }
}
// CHECK:      %[[W0:.*]] = "cim.core.matmul"(%a, %wn, %bn) <{name = "wide/part0", matrix = #cim.core.matrix<rows = 16, cols = 128, groups = 1, bits = 8>, footprint = #cim.core.footprint<xbars = 4, cores = 4>, schedule = #cim.core.schedule<segment = 0, {{.*}}, in_range = array<i64: 0, 16>, out_range = array<i64: 0, 128>}> : (tensor<1x16xf32>, tensor<16x160xf32>, tensor<160xf32>) -> tensor<1x128xf32>
// CHECK-NEXT: %[[W1:.*]] = "cim.core.matmul"(%a, %wn, %bn) <{name = "wide/part1", matrix = #cim.core.matrix<rows = 16, cols = 32, groups = 1, bits = 8>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 1, {{.*}}, in_range = array<i64: 0, 16>, out_range = array<i64: 128, 160>}> : (tensor<1x16xf32>, tensor<16x160xf32>, tensor<160xf32>) -> tensor<1x32xf32>
// CHECK-NEXT: %wide = "onnx.Concat"(%[[W0]], %[[W1]]) <{name = "wide/concat", axis = 1 : i64}> : (tensor<1x128xf32>, tensor<1x32xf32>) -> tensor<1x160xf32>
// CHECK:      %[[NB:.*]] = "onnx.NoValue"() : () -> none
// CHECK-NEXT: %[[T0:.*]] = "cim.core.matmul"(%k, %wk, %bk) <{name = "tall/part0.0", matrix = #cim.core.matrix<rows = 128, cols = 8, groups = 1, bits = 8>, footprint = #cim.core.footprint<xbars = 4, cores = 4>, {{.*}}, in_range = array<i64: 0, 128>, out_range = array<i64: 0, 8>}> : {{.*}} -> tensor<1x8xf32>
// CHECK-NEXT: %[[T1:.*]] = "cim.core.matmul"(%k, %wk, %[[NB]]) <{name = "tall/part0.1", matrix = #cim.core.matrix<rows = 32, cols = 8, groups = 1, bits = 8>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, {{.*}}, in_range = array<i64: 128, 160>, out_range = array<i64: 0, 8>}> : {{.*}} -> tensor<1x8xf32>
// CHECK-NEXT: %tall = "onnx.Sum"(%[[T0]], %[[T1]]) <{name = "tall/sum0"}> : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
// CHECK:      %[[B00:.*]] = "cim.core.matmul"(%k, %wb, %none) <{name = "both/part0.0", matrix = #cim.core.matrix<rows = 128, cols = 32, {{.*}}, trans_w = 1 : i64, {{.*}}, in_range = array<i64: 0, 128>, out_range = array<i64: 0, 32>}>
// CHECK-NEXT: %[[B01:.*]] = "cim.core.matmul"(%k, %wb, %{{.*}}) <{name = "both/part0.1", matrix = #cim.core.matrix<rows = 32, cols = 32, {{.*}}, in_range = array<i64: 128, 160>, out_range = array<i64: 0, 32>}>
// CHECK-NEXT: %[[S0:.*]] = "onnx.Sum"(%[[B00]], %[[B01]]) <{name = "both/sum0"}> : (tensor<1x32xf32>, tensor<1x32xf32>) -> tensor<1x32xf32>
// CHECK-NEXT: %[[B10:.*]] = "cim.core.matmul"(%k, %wb, %none) <{name = "both/part1.0", matrix = #cim.core.matrix<rows = 128, cols = 8, {{.*}}, in_range = array<i64: 0, 128>, out_range = array<i64: 32, 40>}>
// CHECK-NEXT: %[[B11:.*]] = "cim.core.matmul"(%k, %wb, %{{.*}}) <{name = "both/part1.1", matrix = #cim.core.matrix<rows = 32, cols = 8, {{.*}}, in_range = array<i64: 128, 160>, out_range = array<i64: 32, 40>}>
// CHECK-NEXT: %[[S1:.*]] = "onnx.Sum"(%[[B10]], %[[B11]]) <{name = "both/sum1"}> : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
// CHECK-NEXT: %both = "onnx.Concat"(%[[S0]], %[[S1]]) <{name = "both/concat", axis = 1 : i64}> : (tensor<1x32xf32>, tensor<1x8xf32>) -> tensor<1x40xf32>
// CHECK:      %[[C0:.*]] = "cim.core.conv"(%x, %wc, %none) <{name = "conv/part0.0", matrix = #cim.core.matrix<rows = 126, cols = 4, groups = 1, bits = 8>, footprint = #cim.core.footprint<xbars = 4, cores = 4>, {{.*}}, in_range = array<i64: 0, 14>, out_range = array<i64: 0, 4>}> : (tensor<1x16x8x8xf32>, tensor<4x16x3x3xf32>, none) -> tensor<1x4x8x8xf32>
// CHECK-NEXT: %[[C1:.*]] = "cim.core.conv"(%x, %wc, %{{.*}}) <{name = "conv/part0.1", matrix = #cim.core.matrix<rows = 18, cols = 4, groups = 1, bits = 8>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, {{.*}}, in_range = array<i64: 14, 16>, out_range = array<i64: 0, 4>}>
// CHECK-NEXT: %conv = "onnx.Sum"(%[[C0]], %[[C1]]) <{name = "conv/sum0"}> : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
// CHECK-NEXT: func.return %wide, %tall, %both, %conv
// A 4-core part and a 1-core part never share the chip: 10 segments.
// CHECK-NOT:  segment = 10
// REMARK:     remark: cg-segment: layer 'wide' (5 cores for one copy, chip has 4) split into 2 parts
// REMARK:     remark: cg-segment: layer 'tall' (5 cores for one copy, chip has 4) split into 2 parts
// REMARK:     remark: cg-segment: layer 'both' (10 cores for one copy, chip has 4) split into 4 parts
// REMARK:     remark: cg-segment: layer 'conv' (5 cores for one copy, chip has 4) split into 2 parts
// REMARK:     remark: cg-segment: 10 layers need 25 cores for one copy each, the chip has 4: 10 segments of [1, 1, 1, 1, 1, 1, 1, 1, 1, 1] layers
// With split=false the first such layer is an error naming it and the shortfall.
// NOSPLIT:    layer 'wide': one copy needs 5 cores, the chip has 4: short by 1 cores (enable cg-segment{{[{]}}split=true} to split it)

// -----

// A grouped operator larger than the chip is split by whole groups (16 groups of
// 36 x 4 need two row tiles each: 32 crossbars; two groups fit the 4 cores).
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x64x8x8xf32>) -> tensor<1x64x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<1.0 : tensor<64x4x3x3xf32>>}> : () -> tensor<64x4x3x3xf32>
    %y = "onnx.Conv"(%x, %w, %none) <{name = "grouped", group = 16 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x64x8x8xf32>, tensor<64x4x3x3xf32>, none) -> tensor<1x64x8x8xf32>
    func.return %y : tensor<1x64x8x8xf32>
  }
}
// CHECK:     %{{.*}} = "cim.core.conv"{{.*}}name = "grouped/part0", matrix = #cim.core.matrix<rows = 36, cols = 4, groups = 2, bits = 8>{{.*}}in_range = array<i64: 0, 8>, out_range = array<i64: 0, 8>
// CHECK:     "onnx.Concat"{{.*}}name = "grouped/concat", axis = 1 : i64
// REMARK:    remark: cg-segment: layer 'grouped' (32 cores for one copy, chip has 4) split into 8 parts
// NOSPLIT: layer 'grouped': one copy needs 32 cores, the chip has 4: short by 28 cores

// -----

// A 13x13 kernel has 169 rows per input channel, more than the chip's 128.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x1x16x16xf32>) -> tensor<1x1x4x4xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<1.0 : tensor<1x1x13x13xf32>>}> : () -> tensor<1x1x13x13xf32>
    %y = "onnx.Conv"(%x, %w, %none) <{name = "huge_kernel", group = 1 : i64, kernel_shape = array<i64: 13, 13>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}> : (tensor<1x1x16x16xf32>, tensor<1x1x13x13xf32>, none) -> tensor<1x1x4x4xf32>
    func.return %y : tensor<1x1x4x4xf32>
  }
}
// CHECK:   layer 'huge_kernel': even one input channel (169 rows) does not fit the chip
// NOSPLIT: layer 'huge_kernel': one copy needs 6 cores, the chip has 4: short by 2 cores
