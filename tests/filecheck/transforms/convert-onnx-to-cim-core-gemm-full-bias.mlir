// Regression test (bug fixed): convert-onnx-to-cim-core turns a Gemm whose C is an (M, N) or (M, 1)
// constant (valid ONNX unidirectional broadcast) into a cim.core.matmul with
// that bias, which its own verifier rejects ("bias shape [2, 6] does not
// broadcast to N = 6"): the pass produces invalid IR.  Expected: the pass
// succeeds (keep the Gemm digital, or a bias-free matmul plus an onnx.Add).
// RUN: cim-opt %s --split-input-file -p convert-onnx-to-cim-core | filecheck %s

builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%a: tensor<2x16xf32>) -> tensor<2x6xf32> {
    %gw = "onnx.Constant"() <{name = "gw", value = #cim.splat<1.0 : tensor<16x6xf32>>}> : () -> tensor<16x6xf32>
    %c = "onnx.Constant"() <{name = "c", value = #cim.splat<1.0 : tensor<2x6xf32>>}> : () -> tensor<2x6xf32>
    %g = "onnx.Gemm"(%a, %gw, %c) <{name = "full_bias"}> : (tensor<2x16xf32>, tensor<16x6xf32>, tensor<2x6xf32>) -> tensor<2x6xf32>
    func.return %g : tensor<2x6xf32>
  }
}
// CHECK: func.return

// -----

builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%a: tensor<2x16xf32>) -> tensor<2x6xf32> {
    %gw = "onnx.Constant"() <{name = "gw", value = #cim.splat<1.0 : tensor<16x6xf32>>}> : () -> tensor<16x6xf32>
    %c = "onnx.Constant"() <{name = "c", value = #cim.splat<1.0 : tensor<2x1xf32>>}> : () -> tensor<2x1xf32>
    %g = "onnx.Gemm"(%a, %gw, %c) <{name = "row_bias"}> : (tensor<2x16xf32>, tensor<16x6xf32>, tensor<2x1xf32>) -> tensor<2x6xf32>
    func.return %g : tensor<2x6xf32>
  }
}
// CHECK: func.return
