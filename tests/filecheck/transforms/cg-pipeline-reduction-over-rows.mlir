// Regression test (bug fixed): cg-pipeline treats Softmax (and LayerNormalization) as row-wise whatever
// their axis (cg_graph.ROWWISE), so a consumer behind a Softmax over axis 2 (H
// of NCHW, the pipeline's row axis) is said to start after 2 rows of c0,
// although the softmax needs all 16 rows of c0 before its first output row:
// wait = 2 instead of 16, and the pipelined latency estimate is optimistic.
// Expected: a reduction over the row axis needs all rows (wait = 16).
// RUN: cim-opt %s -p convert-onnx-to-cim-core,cg-pipeline | filecheck %s

builtin.module attributes {cim.arch = #cim.arch<{name = t8, computing_mode = CM, chip = {core_number = [8, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [64, 64], parallel_row = 64, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x16x16xf32>) -> tensor<1x4x16x16xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w0 = "onnx.Constant"() <{name = "w0", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x4x3x3xf32>>}> : () -> tensor<4x4x3x3xf32>
    %c0 = "onnx.Conv"(%x, %w0, %none) <{name = "c0", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x16x16xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x16x16xf32>
    %s = "onnx.Softmax"(%c0) <{name = "softmax_over_h", axis = 2 : i64}> : (tensor<1x4x16x16xf32>) -> tensor<1x4x16x16xf32>
    %c1 = "onnx.Conv"(%s, %w, %none) <{name = "c1", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x4x16x16xf32>, tensor<4x4x3x3xf32>, none) -> tensor<1x4x16x16xf32>
    func.return %c1 : tensor<1x4x16x16xf32>
  }
}
// CHECK: name = "c1", {{.*}}schedule = #cim.core.schedule<segment = 0, stage = 2, dup = 1, cores = [], wait = 16>
