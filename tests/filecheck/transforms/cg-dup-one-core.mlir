// RUN: cim-opt %s -p convert-onnx-to-cim-core,cg-segment,cg-dup,cg-pipeline | filecheck %s
// RUN: cim-opt %s -p convert-onnx-to-cim-core,cg-segment,cg-dup,cg-pipeline,convert-cim-to-mop -t mop | filecheck %s --check-prefix=MOP

// core_number = 1: after cg-segment every CIM layer is alone in its segment
// with one copy on core 0, and the flow reprograms core 0 in every segment.
// (Without cg-segment, cg-dup rejects the module: see cg-dup.mlir.)
builtin.module attributes {cim.arch = #cim.arch<{name = one, computing_mode = CM, chip = {core_number = [1, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<0.5 : tensor<3x3x3x3xf32>>}> : () -> tensor<3x3x3x3xf32>
    %wf = "onnx.Constant"() <{name = "wf", value = #cim.splat<0.5 : tensor<4x3xf32>>}> : () -> tensor<4x3xf32>
    %c0 = "onnx.Conv"(%x, %w, %none) <{name = "c0", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<3x3x3x3xf32>, none) -> tensor<1x3x8x8xf32>
    %r = "onnx.Relu"(%c0) <{name = "relu"}> : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32>
    %c1 = "onnx.Conv"(%r, %w, %none) <{name = "c1", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<3x3x3x3xf32>, none) -> tensor<1x3x8x8xf32>
    %gap = "onnx.GlobalAveragePool"(%c1) <{name = "gap"}> : (tensor<1x3x8x8xf32>) -> tensor<1x3x1x1xf32>
    %fl = "onnx.Flatten"(%gap) <{name = "flatten", axis = 1 : i64}> : (tensor<1x3x1x1xf32>) -> tensor<1x3xf32>
    %fc = "onnx.Gemm"(%fl, %wf, %none) <{name = "fc", transB = 1 : i64}> : (tensor<1x3xf32>, tensor<4x3xf32>, none) -> tensor<1x4xf32>
    func.return %fc : tensor<1x4xf32>
  }
}
// CHECK: name = "c0", {{.*}}schedule = #cim.core.schedule<segment = 0, stage = 1, dup = 1, cores = [0], wait = 0>
// CHECK: name = "c1", {{.*}}schedule = #cim.core.schedule<segment = 1, stage = 1, dup = 1, cores = [0], wait = 0>
// CHECK: name = "fc", {{.*}}schedule = #cim.core.schedule<segment = 2, stage = 1, dup = 1, cores = [0], wait = 0>

// MOP:      in CM (3 segments,
// MOP:      Segment 0:
// MOP-NEXT:   Init:
// MOP-NEXT:     cim.write_core(core_addr=0, mat=c0[0:27, 0:3])
// MOP-NEXT:   Compute:
// MOP-NEXT:     cim.read_core(conv, params, core_addr=0, src=0, dst=192)  // c0
// MOP-NEXT:     Relu(
// MOP-NEXT: Segment 1:
// MOP-NEXT:   Init:
// MOP-NEXT:     cim.write_core(core_addr=0, mat=c1[0:27, 0:3])
// MOP-NEXT:   Compute:
// MOP-NEXT:     cim.read_core(conv, params, core_addr=0, {{.*}}// c1
// MOP-NEXT:     GlobalAveragePool(
// MOP-NEXT: Segment 2:
// MOP-NEXT:   Init:
// MOP-NEXT:     cim.write_core(core_addr=0, mat=fc[0:3, 0:4])
// MOP-NEXT:   Compute:
// MOP-NEXT:     cim.read_core(matmul, params, core_addr=0, {{.*}}// fc
