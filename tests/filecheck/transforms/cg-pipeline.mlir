// RUN: cim-opt %s --split-input-file -p convert-onnx-to-cim-core,cg-segment,cg-pipeline | filecheck %s
// RUN: cim-opt %s --split-input-file -p convert-onnx-to-cim-core,cg-segment,cg-pipeline 2>&1 >/dev/null | filecheck %s --check-prefix=REMARK

// cg-pipeline: stage = 1 + depth among the segment's CIM ops; wait = rows of
// the producer a consumer needs before it starts, traced through digital ops.
// Archs: N cores of one 64x64 crossbar (8-bit cells), everything else ideal,
// so every time is a multiple of one crossbar read step and the ratios below
// do not depend on the cycles a step takes.

// c0 -> relu -> c1 -> add(c1, relu) -> c2 -> maxpool 2x2/2 -> c3 -> gap -> flatten -> fc.
// A 3x3 pad-1 conv needs 2 input rows for its first output row; through the
// ReLU and the residual Add that is 2 of 16 rows of c0/c1; through the 2x2/2
// pool it is 4 rows of c2; GlobalAveragePool needs all 8 rows of c3.
builtin.module attributes {cim.arch = #cim.arch<{name = t8, computing_mode = CM, chip = {core_number = [8, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [64, 64], parallel_row = 64, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x16x16xf32>) -> tensor<1x10xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w0 = "onnx.Constant"() <{name = "w0", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x4x3x3xf32>>}> : () -> tensor<4x4x3x3xf32>
    %wf = "onnx.Constant"() <{name = "wf", value = #cim.splat<0.5 : tensor<10x4xf32>>}> : () -> tensor<10x4xf32>
    %c0 = "onnx.Conv"(%x, %w0, %none) <{name = "c0", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x16x16xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x16x16xf32>
    %r0 = "onnx.Relu"(%c0) <{name = "r0"}> : (tensor<1x4x16x16xf32>) -> tensor<1x4x16x16xf32>
    %c1 = "onnx.Conv"(%r0, %w, %none) <{name = "c1", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x4x16x16xf32>, tensor<4x4x3x3xf32>, none) -> tensor<1x4x16x16xf32>
    %add = "onnx.Add"(%c1, %r0) <{name = "residual"}> : (tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32>) -> tensor<1x4x16x16xf32>
    %c2 = "onnx.Conv"(%add, %w, %none) <{name = "c2", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x4x16x16xf32>, tensor<4x4x3x3xf32>, none) -> tensor<1x4x16x16xf32>
    %mp = "onnx.MaxPool"(%c2) <{name = "pool", kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}> : (tensor<1x4x16x16xf32>) -> tensor<1x4x8x8xf32>
    %c3 = "onnx.Conv"(%mp, %w, %none) <{name = "c3", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %gap = "onnx.GlobalAveragePool"(%c3) <{name = "gap"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x1x1xf32>
    %fl = "onnx.Flatten"(%gap) <{name = "flatten", axis = 1 : i64}> : (tensor<1x4x1x1xf32>) -> tensor<1x4xf32>
    %fc = "onnx.Gemm"(%fl, %wf, %none) <{name = "fc", transB = 1 : i64}> : (tensor<1x4xf32>, tensor<10x4xf32>, none) -> tensor<1x10xf32>
    func.return %fc : tensor<1x10xf32>
  }
}
// CHECK: name = "c0", {{.*}}, schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 1, cores = [], wait = 0>
// CHECK: name = "c1", {{.*}}, schedule = #cim.core.schedule<segment = 0, stage = 2, dup = 1, cores = [], wait = 2>
// CHECK: name = "c2", {{.*}}, schedule = #cim.core.schedule<segment = 0, stage = 3, dup = 1, cores = [], wait = 2>
// CHECK: name = "c3", {{.*}}, schedule = #cim.core.schedule<segment = 0, stage = 4, dup = 1, cores = [], wait = 4>
// CHECK: name = "fc", {{.*}}, schedule = #cim.core.schedule<segment = 0, stage = 5, dup = 1, cores = [], wait = 8>
// REMARK: remark: cg-pipeline: segment 0: 5 stages, estimated {{[0-9]+}} cycles pipelined vs {{[0-9]+}} sequential (2.51x)

// -----

// Two branches after a 3x3/2 pad-1 max-pool, joined by a channel Concat:
// a 1x1 conv needs 1 pooled row = 2 rows of c0, a 3x3 pad-1 conv 2 pooled rows
// = 4 rows of c0; the strided conv after the Concat needs 2 rows of each branch.
builtin.module attributes {cim.arch = #cim.arch<{name = t8, computing_mode = CM, chip = {core_number = [8, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [64, 64], parallel_row = 64, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x16x16xf32>) -> tensor<1x4x4x4xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w0 = "onnx.Constant"() <{name = "w0", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %w1 = "onnx.Constant"() <{name = "w1", value = #cim.splat<0.5 : tensor<4x4x1x1xf32>>}> : () -> tensor<4x4x1x1xf32>
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<4x4x3x3xf32>>}> : () -> tensor<4x4x3x3xf32>
    %w8 = "onnx.Constant"() <{name = "w8", value = #cim.splat<0.5 : tensor<4x8x3x3xf32>>}> : () -> tensor<4x8x3x3xf32>
    %c0 = "onnx.Conv"(%x, %w0, %none) <{name = "c0", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x16x16xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x16x16xf32>
    %mp = "onnx.MaxPool"(%c0) <{name = "pool", kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x4x16x16xf32>) -> tensor<1x4x8x8xf32>
    %ca = "onnx.Conv"(%mp, %w1, %none) <{name = "ca", group = 1 : i64, kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}> : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>, none) -> tensor<1x4x8x8xf32>
    %cb = "onnx.Conv"(%mp, %w, %none) <{name = "cb", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %cat = "onnx.Concat"(%ca, %cb) <{name = "concat", axis = 1 : i64}> : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x8x8x8xf32>
    %cs = "onnx.Conv"(%cat, %w8, %none) <{name = "cs", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x8x8x8xf32>, tensor<4x8x3x3xf32>, none) -> tensor<1x4x4x4xf32>
    func.return %cs : tensor<1x4x4x4xf32>
  }
}
// CHECK: name = "c0", {{.*}}, schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 1, cores = [], wait = 0>
// CHECK: name = "ca", {{.*}}, schedule = #cim.core.schedule<segment = 0, stage = 2, dup = 1, cores = [], wait = 2>
// CHECK: name = "cb", {{.*}}, schedule = #cim.core.schedule<segment = 0, stage = 2, dup = 1, cores = [], wait = 4>
// CHECK: name = "cs", {{.*}}, schedule = #cim.core.schedule<segment = 0, stage = 3, dup = 1, cores = [], wait = 2>
