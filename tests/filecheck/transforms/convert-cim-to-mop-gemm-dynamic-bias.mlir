// Regression test (bug fixed): a Gemm whose weights are constant but whose C is an activation (here a
// function argument at L0[32]) becomes a cim.core.matmul with that bias, and
// convert-cim-to-mop drops it: write_core only takes constant biases, and no
// meta-operator ever reads L0[32].  Expected: the flow reads C (e.g. a DCOM add)
// or the Gemm stays digital.
// RUN: cim-opt %s -p convert-onnx-to-cim-core,convert-cim-to-mop | filecheck %s

builtin.module attributes {cim.arch = #cim.arch<{name = t4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 32, precision = 8}}>} {
  func.func @main(%a: tensor<2x16xf32>, %c: tensor<6xf32>) -> tensor<2x6xf32> {
    %gw = "onnx.Constant"() <{name = "gw", value = #cim.splat<1.0 : tensor<16x6xf32>>}> : () -> tensor<16x6xf32>
    %g = "onnx.Gemm"(%a, %gw, %c) <{name = "g"}> : (tensor<2x16xf32>, tensor<16x6xf32>, tensor<6xf32>) -> tensor<2x6xf32>
    func.return %g : tensor<2x6xf32>
  }
}
// CHECK: inputs = [#cim.mop.buffer<tensor = a, addr = 0, {{.*}}>, #cim.mop.buffer<tensor = c, addr = 32, {{.*}}>]
// CHECK: "cim.mop.{{.*}}#cim.mop.addr<L0[32]>
