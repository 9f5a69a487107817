// RUN: not cim-opt %s --disable-verify -p 'convert-cim-core-to-xbar{binding="B->XBC"}' 2>&1 | filecheck %s

// A binding that cannot hold the matrix is an error naming the layer: on
// crossbars of one column of 4-bit cells an 8-bit weight needs 2 adjacent
// cells, so B->XBC cannot map it (B->XB, the arch's binding, can).  Verification
// is disabled because the cim.core verifier rejects this op as well (it
// checks the footprint under B->XBC; see convert-cim-core-to-xbar-arch-binding.mlir).
builtin.module attributes {cim.arch = #cim.arch<{name = t, computing_mode = XBM, chip = {core_number = [2, 1]}, core = {xb_number = [2, 1], binding = "R->XBR,C->XBC,B->XB"}, crossbar = {xb_size = [32, 1], parallel_row = 8, precision = 4}}>} {
  func.func @main(%m: tensor<2x4xf32>) -> tensor<2x2xf32> {
    %none = "onnx.NoValue"() : () -> none
    %wk = "onnx.Constant"() <{name = "wk", value = #cim.splat<1.0 : tensor<4x2xf32>>}> : () -> tensor<4x2xf32>
    %y = "cim.core.matmul"(%m, %wk, %none) <{name = "mm", matrix = #cim.core.matrix<rows = 4, cols = 2>, footprint = #cim.core.footprint<xbars = 4, cores = 2>, schedule = #cim.core.schedule<segment = 0, dup = 1, cores = [0, 1]>}> : (tensor<2x4xf32>, tensor<4x2xf32>, none) -> tensor<2x2xf32>
    func.return %y : tensor<2x2xf32>
  }
}
// CHECK: cim-opt: error: layer 'mm': binding R->XBR,C->XBC,B->XBC cannot hold its matrix: a crossbar of 1 columns cannot hold one 8-bit weight in 2 adjacent 4-bit cells; bind B->XB instead
