// Regression test (bug fixed): the cim.core verifier accepts any distinct core list, but the CM
// lowering assumes each copy's cores are consecutive: it takes every
// footprint.cores-th entry as a copy's first core and emits read_core/
// write_core with len = cores per copy.  cores = [0, 2, 1, 3] for 2 copies of
// 2 cores becomes copies on [0, 2) and [1, 3), which overlap on core 1:
//   'cim.mop.parallel': cim.mop.read_core and cim.mop.read_core both use core 1
// Expected: the verifier rejects non-consecutive copies, or the lowering
// honours the list (here: the pass succeeds or a cim.core verifier error).
// RUN: cim-opt %s --verify-diagnostics -p convert-cim-to-mop | filecheck %s

builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%m: tensor<4x40xf32>) -> tensor<4x6xf32> {
    %none = "onnx.NoValue"() : () -> none
    %w = "onnx.Constant"() <{name = "w", value = #cim.splat<1.0 : tensor<40x6xf32>>}> : () -> tensor<40x6xf32>
    %y = "cim.core.matmul"(%m, %w, %none) <{name = "fc", matrix = #cim.core.matrix<rows = 40, cols = 6>, footprint = #cim.core.footprint<xbars = 2, cores = 2>, schedule = #cim.core.schedule<dup = 2, cores = [0, 2, 1, 3]>}> : (tensor<4x40xf32>, tensor<40x6xf32>, none) -> tensor<4x6xf32>
    func.return %y : tensor<4x6xf32>
  }
}
// CHECK-NOT: 'cim.mop.parallel'
// CHECK: {{cim.mop.flow|cim.core.matmul}}
