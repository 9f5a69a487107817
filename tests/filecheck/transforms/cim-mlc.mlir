// RUN: cim-opt %s -p cim-mlc 2>&1 | filecheck %s --check-prefixes=CHECK,DEFAULT
// RUN: cim-opt %s --cim-mlc 2>&1 | filecheck %s --check-prefixes=CHECK,DEFAULT
// RUN: cim-opt %s -p 'cim-mlc{solver=cpsat}' 2>&1 | filecheck %s --check-prefixes=CHECK,CPSAT
// RUN: cim-opt %s -p 'cim-mlc{dup=false}' 2>&1 | filecheck %s --check-prefixes=CHECK,NODUP
// RUN: cim-opt %s --cim-mlc=pipeline=false 2>&1 | filecheck %s --check-prefixes=CHECK,NOPIPE
// RUN: cim-opt %s -p 'cim-mlc{solver=greedy pipeline=false}' 2>&1 | filecheck %s --check-prefixes=CHECK,POLY
// RUN: cim-opt %s --cim-mlc -t mop 2>/dev/null | filecheck %s --check-prefix=MOP

// The whole CM pipeline (onnx-canonicalize, convert-onnx-to-cim-core,
// cg-segment, cg-dup, cg-pipeline, convert-cim-to-mop) and its baselines.
// Arch "t4": 4 cores of one 64x32 crossbar (8-bit cells), all else ideal, so a
// layer of M input vectors on d copies takes ceil(M/d) crossbar read steps
// (the numbers below count steps; the remarks print cycles).
//
// c0 (64 positions) -> relu -> c1 (64) -> add residual -> pool -> gap -> fc (1).
// 3 cores for one copy each, one to spare: (2, 1, 1) and (1, 2, 1) tie at
// 97 sequential steps; pipelined, c1 starts after 2 of c0's 8 rows, so
// (1, 2, 1) ends at 69 and (2, 1, 1) at 73: the balance step picks (1, 2, 1).
builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [64, 32], parallel_row = 64, precision = 8}}>} {
  func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x10xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w0 = "onnx.Constant"() <{name = "w0", value = #cim.splat<0.5 : tensor<4x3x3x3xf32>>}> : () -> tensor<4x3x3x3xf32>
    %w1 = "onnx.Constant"() <{name = "w1", value = #cim.splat<0.5 : tensor<4x4x3x3xf32>>}> : () -> tensor<4x4x3x3xf32>
    %wf = "onnx.Constant"() <{name = "wf", value = #cim.splat<0.5 : tensor<10x4xf32>>}> : () -> tensor<10x4xf32>
    %bf = "onnx.Constant"() <{name = "bf", value = #cim.splat<0.1 : tensor<10xf32>>}> : () -> tensor<10xf32>
    %c0 = "onnx.Conv"(%x, %w0, %none) <{name = "c0", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %r0 = "onnx.Relu"(%c0) <{name = "r0"}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    %c1 = "onnx.Conv"(%r0, %w1, %none) <{name = "c1", group = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}> : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %add = "onnx.Add"(%c1, %r0) <{name = "residual"}> : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    %mp = "onnx.MaxPool"(%add) <{name = "pool", kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
    %gap = "onnx.GlobalAveragePool"(%mp) <{name = "gap"}> : (tensor<1x4x4x4xf32>) -> tensor<1x4x1x1xf32>
    %fl = "onnx.Flatten"(%gap) <{name = "flatten", axis = 1 : i64}> : (tensor<1x4x1x1xf32>) -> tensor<1x4xf32>
    %fc = "onnx.Gemm"(%fl, %wf, %bf) <{name = "fc", transB = 1 : i64}> : (tensor<1x4xf32>, tensor<10x4xf32>, tensor<10xf32>) -> tensor<1x10xf32>
    func.return %fc : tensor<1x10xf32>
  }
}

// CHECK:   remark: cg-segment: all 3 layers fit in one segment (3/4 cores for one copy each)
// DEFAULT: remark: cg-dup: segment 0: 3 layers on 4/4 cores, solver dp OPTIMAL, objective [[OBJ:[0-9]+]] cycles, sequential estimate [[OBJ]]; dup [1, 2, 1]
// DEFAULT: remark: cg-pipeline: segment 0: 3 stages, estimated {{[0-9]+}} cycles pipelined vs {{[0-9]+}} sequential (1.39x)
// DEFAULT: schedule = #cim.mop.params<{{[{]}}c0 = {{[{]}}segment = 0, stage = 1, wait = 0, dup = 1, rows = 8, mvm = {{[0-9.e+]+}}, preds = {{[{]}}}}, c1 = {{[{]}}segment = 0, stage = 2, wait = 2, dup = 2, rows = 8, mvm = {{[0-9.e+]+}}, preds = {{[{]}}c0 = 0.25}}, fc = {{[{]}}segment = 0, stage = 3, wait = 8, dup = 1, rows = 1, mvm = {{[0-9.e+]+}}, preds = {{[{]}}c0 = 1.0, c1 = 1.0}}}>
// CPSAT:   remark: cg-dup: segment 0: 3 layers on 4/4 cores, solver cpsat OPTIMAL, gap 0.00%, objective [[OBJ:[0-9]+]] cycles, sequential estimate [[OBJ]]; dup [1, 2, 1]
// CPSAT:   schedule = #cim.mop.params<{{[{]}}c0 = {{[{]}}segment = 0, stage = 1, wait = 0, dup = 1, rows = 8, mvm = {{[0-9.e+]+}}, preds = {{[{]}}}}, c1 = {{[{]}}segment = 0, stage = 2, wait = 2, dup = 2, rows = 8, mvm = {{[0-9.e+]+}}, preds = {{[{]}}c0 = 0.25}}, fc = {{[{]}}segment = 0, stage = 3, wait = 8, dup = 1, rows = 1, mvm = {{[0-9.e+]+}}, preds = {{[{]}}c0 = 1.0, c1 = 1.0}}}>
// "CG-Pipeline" baseline: no duplication (no cg-dup remark), pipelined.
// NODUP-NOT: cg-dup
// NODUP:   remark: cg-pipeline: segment 0: 3 stages, estimated {{[0-9]+}} cycles pipelined vs {{[0-9]+}} sequential (1.57x)
// NODUP:   schedule = #cim.mop.params<{{[{]}}c0 = {{[{]}}segment = 0, stage = 1, wait = 0, dup = 1, rows = 8, mvm = {{[0-9.e+]+}}, preds = {{[{]}}}}, c1 = {{[{]}}segment = 0, stage = 2, wait = 2, dup = 1, rows = 8, mvm = {{[0-9.e+]+}}, preds = {{[{]}}c0 = 0.25}}, fc = {{[{]}}segment = 0, stage = 3, wait = 8, dup = 1, rows = 1, mvm = {{[0-9.e+]+}}, preds = {{[{]}}c0 = 1.0, c1 = 1.0}}}>
// "CG-Duplication" baseline: DP duplication without balance or pipeline stages.
// NOPIPE:  remark: cg-dup: segment 0: 3 layers on 4/4 cores, solver dp OPTIMAL, objective [[OBJ:[0-9]+]] cycles, sequential estimate [[OBJ]]; dup [2, 1, 1]
// NOPIPE-NOT: cg-pipeline
// NOPIPE:  schedule = #cim.mop.params<{{[{]}}c0 = {{[{]}}segment = 0, stage = 0, wait = 0, dup = 2, rows = 8, mvm = {{[0-9.e+]+}}, preds = {{[{]}}}}, c1 = {{[{]}}segment = 0, stage = 0, wait = 0, dup = 1, rows = 8, mvm = {{[0-9.e+]+}}, preds = {{[{]}}c0 = 0.25}}, fc = {{[{]}}segment = 0, stage = 0, wait = 0, dup = 1, rows = 1, mvm = {{[0-9.e+]+}}, preds = {{[{]}}c0 = 1.0, c1 = 1.0}}}>
// Poly-Schedule-like baseline: greedy duplication of the slowest layer, no pipeline.
// POLY:    remark: cg-dup: segment 0: 3 layers on 4/4 cores, solver greedy HEURISTIC, objective [[OBJ:[0-9]+]] cycles, sequential estimate [[OBJ]]; dup [2, 1, 1]
// POLY-NOT: cg-pipeline
// POLY:    stage = 0, wait = 0, dup = 2
// CHECK-NOT: func.func
// CHECK-NOT: cim.core

// MOP:      // cim-mlir meta-operator flow 'main' for arch 't4' in CM (1 segments, 960 L0 elements)
// MOP-NEXT: // input  x @ L0[0] 1x3x8x8 (nhwc)
// MOP-NEXT: // output fc @ L0[0] 1x10 (rowmajor)
// MOP-NEXT: Segment 0:
// MOP-NEXT:   Init:
// MOP-NEXT:     cim.write_core(core_addr=0, mat=c0[0:27, 0:4])
// MOP-NEXT:     cim.write_core(core_addr=1, mat=c1[0:36, 0:4])
// MOP-NEXT:     cim.write_core(core_addr=2, mat=c1[0:36, 0:4])
// MOP-NEXT:     cim.write_core(core_addr=3, mat=fc[0:4, 0:10])
// MOP-NEXT:   Compute:
// MOP-NEXT:     cim.read_core(conv, params, core_addr=0, src=0, dst=192)  // c0
// MOP-NEXT:     Relu(src=192, dst=448, len=256)
// MOP-NEXT:     parallel{
// MOP-NEXT:       cim.read_core(conv, params, core_addr=1, src=448, dst=0)  // c1 {{[{]}}in_shape = [5, 8, 4]
// MOP-NEXT:       cim.read_core(conv, params, core_addr=2, src=544, dst=128)  // c1 {{[{]}}in_shape = [5, 8, 4]
// MOP-NEXT:     }
// MOP-NEXT:     add(src1=0, src2=448, dst=704, len=256)
// MOP-NEXT:     MaxPool(src0=704, dst=0, len=64)
// MOP-NEXT:     GlobalAveragePool(src0=0, dst=64, len=4)
// MOP-NEXT:     cim.read_core(matmul, params, core_addr=3, src=64, dst=0)  // fc {{[{]}}in_shape = [1, 4], channels = [0, 4], out_shape = [1, 10], alpha = 1.0, beta = 1.0}
// MOP-EMPTY:
