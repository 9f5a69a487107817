// RUN: cim-opt %s --split-input-file --verify-diagnostics | filecheck %s

// Invalid cim.core IR: one case per verifier branch, each pinned by its message.
// Arch "t4": 4 cores of one 32x32 crossbar with 8-bit cells (one cell per weight).

// A conv with the wrong output shape (a 3x3/1 pad-1 conv keeps 8x8).
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x7x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %y = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 1>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x7x8xf32>
    func.return %y : tensor<1x4x7x8xf32>
  }
}
// CHECK: 'cim.core.conv' conv: output shape [1, 4, 7, 8] should be [1, 4, 8, 8]

// -----

// Output channels must match the weights' Cout.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x5x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %y = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 1>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x5x8x8xf32>
    func.return %y : tensor<1x5x8x8xf32>
  }
}
// CHECK: 'cim.core.conv' conv: output shape [1, 5, 8, 8] should be [1, 4, 8, 8]

// -----

// Operands must be 4-D.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %y = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 1>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %y : tensor<1x4x8x8xf32>
  }
}
// CHECK: 'cim.core.conv' conv: input, weights and output must be 4-D (N, C, H, W)

// -----

// kernel_shape must match the weights.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %y = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 1>, kernel_shape = array<i64: 5, 5>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %y : tensor<1x4x8x8xf32>
  }
}
// CHECK: 'cim.core.conv' conv: kernel_shape [5, 5] does not match weights (4, 3, 3, 3)

// -----

// Input channels must equal Cin/groups x groups.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x6x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %y = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 1>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x6x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %y : tensor<1x4x8x8xf32>
  }
}
// CHECK: 'cim.core.conv' conv: input has 6 channels, weights expect 3 x 1 groups

// -----

// A kernel larger than the (unpadded) input has no output.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x2x2xf32>) -> tensor<1x4x0x0xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %y = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 1>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x2x2xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x0x0xf32>
    func.return %y : tensor<1x4x0x0xf32>
  }
}
// CHECK: 'cim.core.conv' conv: spatial axis 0: padded input 2 is smaller than the dilated kernel 3

// -----

// The matrix attribute must be the unrolled weights (27 x 4).
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %y = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 9, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 1>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %y : tensor<1x4x8x8xf32>
  }
}
// CHECK: 'cim.core.conv' conv: matrix #cim.core.matrix<rows = 9, cols = 4, groups = 1, bits = 8> should be #cim.core.matrix<rows = 27, cols = 4, groups = 1, bits = 8>

// -----

// ... including the groups of a grouped conv.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x2x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x1x3x3xf32>>}> : () -> tensor<4x1x3x3xf32>
    %y = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 1>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 2 : i64}> : (tensor<1x2x8x8xf32>, tensor<4x1x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %y : tensor<1x4x8x8xf32>
  }
}
// CHECK: 'cim.core.conv' conv: matrix #cim.core.matrix<rows = 27, cols = 4, groups = 1, bits = 8> should be #cim.core.matrix<rows = 9, cols = 2, groups = 2, bits = 8>

// -----

// A split part's matrix is its sub-matrix (in_range [0, 2) of 3 channels: 18 rows).
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %y = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 1>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, in_range = array<i64: 0, 2>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %y : tensor<1x4x8x8xf32>
  }
}
// CHECK: 'cim.core.conv' conv: matrix #cim.core.matrix<rows = 27, cols = 4, groups = 1, bits = 8> should be #cim.core.matrix<rows = 18, cols = 4, groups = 1, bits = 8>

// -----

// in_range must lie within the input channels.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %y = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 1>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, in_range = array<i64: 2, 5>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %y : tensor<1x4x8x8xf32>
  }
}
// CHECK: 'cim.core.conv' conv: in_range [2, 5] must be [begin, end) within [0, 3]

// -----

// out_range must be non-empty.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x0x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %y = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 1>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, out_range = array<i64: 2, 2>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x0x8x8xf32>
    func.return %y : tensor<1x0x8x8xf32>
  }
}
// CHECK: 'cim.core.conv' conv: out_range [2, 2] must be [begin, end) within [0, 4]

// -----

// A part of a grouped conv takes whole groups (here out_range covers group 0,
// in_range both input channels).
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x1x3x3xf32>>}> : () -> tensor<4x1x3x3xf32>
    %y = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 9, cols = 1, groups = 2>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 1>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 2 : i64, out_range = array<i64: 0, 2>}> : (tensor<1x2x8x8xf32>, tensor<4x1x3x3xf32>, none) -> tensor<1x2x8x8xf32>
    func.return %y : tensor<1x2x8x8xf32>
  }
}
// CHECK: 'cim.core.conv' conv: a part of a 2-group conv takes whole groups: in_range [0, 2) and out_range [0, 2) must cover the same groups (1 input, 2 output channels each)

// -----

// dup must be positive.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %y = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 0>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %y : tensor<1x4x8x8xf32>
  }
}
// CHECK: 'cim.core.conv' conv: dup must be >= 1

// -----

// segment must be non-negative.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %y = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = -1>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %y : tensor<1x4x8x8xf32>
  }
}
// CHECK: 'cim.core.conv' conv: segment must be >= 0

// -----

// stage must be non-negative.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %y = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<stage = -2>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %y : tensor<1x4x8x8xf32>
  }
}
// CHECK: 'cim.core.conv' conv: stage must be >= 0

// -----

// wait must be non-negative.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %y = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<wait = -1>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %y : tensor<1x4x8x8xf32>
  }
}
// CHECK: 'cim.core.conv' conv: wait must be >= 0

// -----

// The cores list holds dup x cores-per-copy entries.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %y = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 2, cores = [0, 1, 2]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %y : tensor<1x4x8x8xf32>
  }
}
// CHECK: 'cim.core.conv' conv: 3 cores assigned, 2 copies x 1 cores = 2 needed

// -----

// Cores are distinct.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %y = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 2, cores = [1, 1]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %y : tensor<1x4x8x8xf32>
  }
}
// CHECK: 'cim.core.conv' conv: cores [1, 1] must be distinct and >= 0

// -----

// Cores are non-negative.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %y = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 2, cores = [-1, 0]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %y : tensor<1x4x8x8xf32>
  }
}
// CHECK: 'cim.core.conv' conv: cores [-1, 0] must be distinct and >= 0

// -----

// A core beyond the arch (t4 has cores 0..3).
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %y = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 2, cores = [3, 4]>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %y : tensor<1x4x8x8xf32>
  }
}
// CHECK: 'cim.core.conv' conv: core 4 does not exist on arch 't4' (4 cores)

// -----

// The footprint must be what the arch needs (27x4 fits one 32x32 crossbar).
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %y = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 2, cores = 2>, schedule = #cim.core.schedule<dup = 1>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %y : tensor<1x4x8x8xf32>
  }
}
// CHECK: 'cim.core.conv' conv: footprint #cim.core.footprint<xbars = 2, cores = 2> does not match arch 't4' (one copy needs 1 crossbars on 1 cores)

// -----

// A crossbar too narrow for one weight is a mapping error.
builtin.module attributes {cim.arch = #cim.arch<{name = narrow, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 2], parallel_row = 32, precision = 2}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %y = "cim.core.conv"(%x, %w, %none) <{name = "conv", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 1>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %y : tensor<1x4x8x8xf32>
  }
}
// CHECK: 'cim.core.conv' conv: a crossbar of 2 columns cannot hold one 8-bit weight in 4 adjacent 2-bit cells; bind B->XB instead

// -----

// MatMul weights must be 2-D.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<2x16xf32>) -> tensor<2x6xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<16x6x1xf32>>}> : () -> tensor<16x6x1xf32>
    %y = "cim.core.matmul"(%x, %w, %none) <{name = "fc", matrix = #cim.core.matrix<rows = 16, cols = 6>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 1>}> : (tensor<2x16xf32>, tensor<16x6x1xf32>, none) -> tensor<2x6xf32>
    func.return %y : tensor<2x6xf32>
  }
}
// CHECK: 'cim.core.matmul' fc: weights must be 2-D and the input at least 2-D

// -----

// The input's inner dimension must be K.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<2x12xf32>) -> tensor<2x6xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<16x6xf32>>}> : () -> tensor<16x6xf32>
    %y = "cim.core.matmul"(%x, %w, %none) <{name = "fc", matrix = #cim.core.matrix<rows = 16, cols = 6>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 1>}> : (tensor<2x12xf32>, tensor<16x6xf32>, none) -> tensor<2x6xf32>
    func.return %y : tensor<2x6xf32>
  }
}
// CHECK: 'cim.core.matmul' fc: input inner dim 12 does not match K = 16

// -----

// With trans_w the weights are N x K.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<2x16xf32>) -> tensor<2x6xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<16x6xf32>>}> : () -> tensor<16x6xf32>
    %y = "cim.core.matmul"(%x, %w, %none) <{name = "fc", matrix = #cim.core.matrix<rows = 16, cols = 6>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 1>, trans_w = 1 : i64}> : (tensor<2x16xf32>, tensor<16x6xf32>, none) -> tensor<2x6xf32>
    func.return %y : tensor<2x6xf32>
  }
}
// CHECK: 'cim.core.matmul' fc: input inner dim 16 does not match K = 6

// -----

// Output shape [..., M, N].
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<2x16xf32>) -> tensor<2x7xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<16x6xf32>>}> : () -> tensor<16x6xf32>
    %y = "cim.core.matmul"(%x, %w, %none) <{name = "fc", matrix = #cim.core.matrix<rows = 16, cols = 6>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 1>}> : (tensor<2x16xf32>, tensor<16x6xf32>, none) -> tensor<2x7xf32>
    func.return %y : tensor<2x7xf32>
  }
}
// CHECK: 'cim.core.matmul' fc: output shape [2, 7] should be [2, 6]

// -----

// A split part's output has out_range columns.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<2x16xf32>) -> tensor<2x6xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<16x6xf32>>}> : () -> tensor<16x6xf32>
    %y = "cim.core.matmul"(%x, %w, %none) <{name = "fc", matrix = #cim.core.matrix<rows = 16, cols = 2>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 1>, out_range = array<i64: 2, 4>}> : (tensor<2x16xf32>, tensor<16x6xf32>, none) -> tensor<2x6xf32>
    func.return %y : tensor<2x6xf32>
  }
}
// CHECK: 'cim.core.matmul' fc: output shape [2, 6] should be [2, 2]

// -----

// The bias must broadcast to N.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<2x16xf32>) -> tensor<2x6xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<16x6xf32>>}> : () -> tensor<16x6xf32>
    %b = "onnx.Constant"() <{name = "b", value = #cim.splat<0.5 : tensor<5xf32>>}> : () -> tensor<5xf32>
    %y = "cim.core.matmul"(%x, %w, %b) <{name = "fc", matrix = #cim.core.matrix<rows = 16, cols = 6>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 1>}> : (tensor<2x16xf32>, tensor<16x6xf32>, tensor<5xf32>) -> tensor<2x6xf32>
    func.return %y : tensor<2x6xf32>
  }
}
// CHECK: 'cim.core.matmul' fc: bias shape [5] does not broadcast to N = 6

// -----

// The matrix attribute is K x N.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<2x16xf32>) -> tensor<2x6xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<16x6xf32>>}> : () -> tensor<16x6xf32>
    %y = "cim.core.matmul"(%x, %w, %none) <{name = "fc", matrix = #cim.core.matrix<rows = 6, cols = 16>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 1>}> : (tensor<2x16xf32>, tensor<16x6xf32>, none) -> tensor<2x6xf32>
    func.return %y : tensor<2x6xf32>
  }
}
// CHECK: 'cim.core.matmul' fc: matrix #cim.core.matrix<rows = 6, cols = 16, groups = 1, bits = 8> should be #cim.core.matrix<rows = 16, cols = 6, groups = 1, bits = 8>

// -----

// The footprint of a 40x6 matrix is two 32-row tiles.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<2x40xf32>) -> tensor<2x6xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<40x6xf32>>}> : () -> tensor<40x6xf32>
    %y = "cim.core.matmul"(%x, %w, %none) <{name = "fc", matrix = #cim.core.matrix<rows = 40, cols = 6>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<dup = 1>}> : (tensor<2x40xf32>, tensor<40x6xf32>, none) -> tensor<2x6xf32>
    func.return %y : tensor<2x6xf32>
  }
}
// CHECK: 'cim.core.matmul' fc: footprint #cim.core.footprint<xbars = 1, cores = 1> does not match arch 't4' (one copy needs 2 crossbars on 2 cores)

// -----

// Cores of a 2-core copy: dup x 2 entries.
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<2x40xf32>) -> tensor<2x6xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<40x6xf32>>}> : () -> tensor<40x6xf32>
    %y = "cim.core.matmul"(%x, %w, %none) <{name = "fc", matrix = #cim.core.matrix<rows = 40, cols = 6>, footprint = #cim.core.footprint<xbars = 2, cores = 2>, schedule = #cim.core.schedule<dup = 2, cores = [0, 1]>}> : (tensor<2x40xf32>, tensor<40x6xf32>, none) -> tensor<2x6xf32>
    func.return %y : tensor<2x6xf32>
  }
}
// CHECK: 'cim.core.matmul' fc: 2 cores assigned, 2 copies x 2 cores = 4 needed
