// RUN: cim-opt %s -p cg-pipeline | filecheck %s

// cg-pipeline on hand-segmented cim.core IR (stale stage/wait values are
// overwritten): producers in earlier segments do not count, so each segment's
// pipeline starts again at stage 1 with wait 0.  c0 | c1 | c2 -> pool -> c3.
builtin.module attributes {cim.arch = #cim.arch<{name = t2, computing_mode = CM, chip = {core_number = [2, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [64, 64], parallel_row = 64, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x16x16xf32>) -> tensor<1x4x8x8xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w0 = "onnx.Constant"() <{name = "w0", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x4x3x3xf32>>}> : () -> tensor<4x4x3x3xf32>
    %c0 = "cim.core.conv"(%x, %w0, %none) <{name = "c0", matrix = #cim.core.matrix<rows = 27, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 0, stage = 9, wait = 9>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x3x16x16xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x16x16xf32>
    %r0 = "onnx.Relu"(%c0) <{name = "r0"}> : (tensor<1x4x16x16xf32>) -> tensor<1x4x16x16xf32>
    %c1 = "cim.core.conv"(%r0, %w, %none) <{name = "c1", matrix = #cim.core.matrix<rows = 36, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 1, stage = 9, wait = 9>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x4x16x16xf32>, tensor<4x4x3x3xf32>, none) -> tensor<1x4x16x16xf32>
    %add = "onnx.Add"(%c1, %r0) <{name = "residual"}> : (tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32>) -> tensor<1x4x16x16xf32>
    %c2 = "cim.core.conv"(%add, %w, %none) <{name = "c2", matrix = #cim.core.matrix<rows = 36, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 2, stage = 9, wait = 9>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x4x16x16xf32>, tensor<4x4x3x3xf32>, none) -> tensor<1x4x16x16xf32>
    %mp = "onnx.MaxPool"(%c2) <{name = "pool", kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}> : (tensor<1x4x16x16xf32>) -> tensor<1x4x8x8xf32>
    %c3 = "cim.core.conv"(%mp, %w, %none) <{name = "c3", matrix = #cim.core.matrix<rows = 36, cols = 4>, footprint = #cim.core.footprint<xbars = 1, cores = 1>, schedule = #cim.core.schedule<segment = 2, stage = 9, wait = 9>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}> : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    func.return %c3 : tensor<1x4x8x8xf32>
  }
}
// CHECK: name = "c0", {{.*}}schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 1, cores = [], wait = 0>
// CHECK: name = "c1", {{.*}}schedule = #cim.core.schedule<segment = 1, stage = 1, dup = 1, cores = [], wait = 0>
// CHECK: name = "c2", {{.*}}schedule = #cim.core.schedule<segment = 2, stage = 1, dup = 1, cores = [], wait = 0>
// CHECK: name = "c3", {{.*}}schedule = #cim.core.schedule<segment = 2, stage = 2, dup = 1, cores = [], wait = 4>
