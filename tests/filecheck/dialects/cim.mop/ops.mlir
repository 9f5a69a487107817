// RUN: ROUNDTRIP

// Every cim.mop op and attribute round-trips through the text format.
// Arch "t4w": 4 cores of two 32x32 crossbars (8 crossbars), 8-bit cells,
// parallel_row 16, driven in WLM so that flows of every mode verify on it.

// Attributes, standalone.  Addresses are affine in the enclosing loop indices
// and print canonically (constant first, like terms merged, zero terms dropped).
func.func @attrs() attributes {
    a0 = #cim.mop.addr<L0[3072 + 128*i0]>,
    a1 = #cim.mop.addr<L1.3[5]>,
    a2 = #cim.mop.addr<L0[i0 + 2*i1 + 7]>,
    a3 = #cim.mop.addr<L0[0]>,
    a4 = #cim.mop.addr<L0[4*i1]>,
    a5 = #cim.mop.addr<L0[10 + -2*i0]>,
    a6 = #cim.mop.addr<L0[1 + 2 + i0 + i0]>,
    a7 = #cim.mop.addr<L1.0[0*i0 + 16]>,
    i0 = #cim.mop.index<0>,
    i1 = #cim.mop.index<16*i0 + 3>,
    i2 = #cim.mop.index<i2>,
    p0 = #cim.mop.params<{}>,
    p1 = #cim.mop.params<{in_shape = [17, 32, 3], kind = conv, alpha = 1.5, ok = true, nested = {a = [1, [2, 3]], s = "with space"}}>,
    b0 = #cim.mop.buffer<tensor = input, addr = 0, shape = [1, 3, 32, 32], layout = nhwc>,
    b1 = #cim.mop.buffer<tensor = "out.0", addr = 128, shape = [1, 10]>,
    m0 = #cim.mop.matrix<layer = conv, kind = conv, in_range = [0, 3], out_range = [0, 32], block = [0, 1, 0, 27, 0, 32]>,
    m1 = #cim.mop.matrix<layer = "fc/part1", kind = matmul, trans = 1, groups = 1, in_range = [0, 64], out_range = [32, 64], block = [0, 1, 0, 64, 0, 32]>,
    m2 = #cim.mop.matrix<layer = dw, kind = conv, groups = 16, in_range = [0, 16], out_range = [0, 16], block = [3, 6, 0, 9, 0, 1]>} {
  func.return
}
// CHECK:      func.func @attrs() attributes {
// CHECK-SAME: a0 = #cim.mop.addr<L0[3072 + 128*i0]>
// CHECK-SAME: a1 = #cim.mop.addr<L1.3[5]>
// CHECK-SAME: a2 = #cim.mop.addr<L0[7 + i0 + 2*i1]>
// CHECK-SAME: a3 = #cim.mop.addr<L0[0]>
// CHECK-SAME: a4 = #cim.mop.addr<L0[4*i1]>
// CHECK-SAME: a5 = #cim.mop.addr<L0[10 + -2*i0]>
// CHECK-SAME: a6 = #cim.mop.addr<L0[3 + 2*i0]>
// CHECK-SAME: a7 = #cim.mop.addr<L1.0[16]>
// CHECK-SAME: i0 = #cim.mop.index<0>
// CHECK-SAME: i1 = #cim.mop.index<3 + 16*i0>
// CHECK-SAME: i2 = #cim.mop.index<i2>
// CHECK-SAME: p0 = #cim.mop.params<{}>
// CHECK-SAME: p1 = #cim.mop.params<{in_shape = [17, 32, 3], kind = conv, alpha = 1.5, ok = true, nested = {a = [1, [2, 3]], s = "with space"}}>
// CHECK-SAME: b0 = #cim.mop.buffer<tensor = input, addr = 0, shape = [1, 3, 32, 32], layout = nhwc>
// CHECK-SAME: b1 = #cim.mop.buffer<tensor = "out.0", addr = 128, shape = [1, 10], layout = rowmajor>
// CHECK-SAME: m0 = #cim.mop.matrix<layer = conv, kind = conv, trans = 0, groups = 1, in_range = [0, 3], out_range = [0, 32], block = [0, 1, 0, 27, 0, 32]{{[^>]*}}>
// CHECK-SAME: m1 = #cim.mop.matrix<layer = "fc/part1", kind = matmul, trans = 1, groups = 1, in_range = [0, 64], out_range = [32, 64], block = [0, 1, 0, 64, 0, 32]{{[^>]*}}>
// CHECK-SAME: m2 = #cim.mop.matrix<layer = dw, kind = conv, trans = 0, groups = 16, in_range = [0, 16], out_range = [0, 16], block = [3, 6, 0, 9, 0, 1]{{[^>]*}}>

// -----

// A CM flow (the shape of Fig. 16(c)): write_core in init, parallel read_core, DCOM.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [#cim.mop.buffer<tensor = input, addr = 0, shape = [1, 3, 8, 8], layout = nhwc>], outputs = [#cim.mop.buffer<tensor = output, addr = 192, shape = [1, 4, 8, 8], layout = nhwc>], l0_used = #builtin.int<448>, schedule = #cim.mop.params<{conv = {segment = 0, stage = 1, wait = 0, dup = 2, rows = 8, preds = {}}}>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
      "cim.mop.write_core"() <{core = #builtin.int<0>, weights = #cim.splat<0.5 : tensor<4x3x3x3xf32>>, matrix = #cim.mop.matrix<layer = conv, kind = conv, in_range = [0, 3], out_range = [0, 4], block = [0, 1, 0, 27, 0, 4]>, layer = "conv"}> : () -> ()
      "cim.mop.write_core"() <{core = #builtin.int<2>, len = #builtin.int<2>, weights = #cim.splat<0.5 : tensor<4x3x3x3xf32>>, matrix = #cim.mop.matrix<layer = conv, kind = conv, in_range = [0, 3], out_range = [0, 4], block = [0, 1, 0, 27, 0, 4]>, layer = "conv", bias = dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf32>}> : () -> ()
    }, {
      "cim.mop.parallel"() ({
        "cim.mop.read_core"() <{kind = "conv", params = #cim.mop.params<{in_shape = [5, 8, 3], channels = [0, 3], out_shape = [4, 8, 4], kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 0, 1], dilations = [1, 1], group = 1}>, core = #builtin.int<0>, src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[192]>, layer = "conv"}> : () -> ()
        "cim.mop.read_core"() <{kind = "conv", params = #cim.mop.params<{in_shape = [5, 8, 3], channels = [0, 3], out_shape = [4, 8, 4], kernel_shape = [3, 3], strides = [1, 1], pads = [0, 1, 1, 1], dilations = [1, 1], group = 1}>, core = #builtin.int<2>, len = #builtin.int<2>, src = #cim.mop.addr<L0[72]>, dst = #cim.mop.addr<L0[320]>, layer = "conv"}> : () -> ()
      }) : () -> ()
      "cim.mop.read_core"() <{kind = "matmul", params = #cim.mop.params<{in_shape = [1, 256], channels = [0, 256], out_shape = [1, 10], alpha = 1.0, beta = 1.0}>, core = #builtin.int<1>, src = #cim.mop.addr<L0[192]>, dst = #cim.mop.addr<L0[0]>}> : () -> ()
      "cim.mop.dcom"() <{kind = "Relu", srcs = [#cim.mop.addr<L0[192]>], dsts = [#cim.mop.addr<L0[192]>], params = #cim.mop.params<{in_shapes = [[1, 4, 8, 8]], out_shapes = [[1, 4, 8, 8]], in_layouts = [nhwc], out_layouts = [nhwc]}>, layer = "relu"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK:      "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [#cim.mop.buffer<tensor = input, addr = 0, shape = [1, 3, 8, 8], layout = nhwc>], outputs = [#cim.mop.buffer<tensor = output, addr = 192, shape = [1, 4, 8, 8], layout = nhwc>], l0_used = #builtin.int<448>, schedule = #cim.mop.params<{conv = {segment = 0, stage = 1, wait = 0, dup = 2, rows = 8, preds = {}}}>}> ({
// CHECK-NEXT:   "cim.mop.segment"() <{index = #builtin.int<0>}> ({
// CHECK-NEXT:     "cim.mop.write_core"() <{core = #builtin.int<0>, weights = #cim.splat<0.5 : tensor<4x3x3x3xf32>>, matrix = #cim.mop.matrix<layer = conv, kind = conv, trans = 0, groups = 1, in_range = [0, 3], out_range = [0, 4], block = [0, 1, 0, 27, 0, 4]{{[^>]*}}>, layer = "conv", len = #builtin.int<1>}> : () -> ()
// CHECK-NEXT:     "cim.mop.write_core"() <{core = #builtin.int<2>, len = #builtin.int<2>, {{.*}}, bias = dense<[1.000000e-01, 2.000000e-01, 3.000000e-01, 4.000000e-01]> : tensor<4xf32>}> : () -> ()
// CHECK-NEXT:   }, {
// CHECK-NEXT:     "cim.mop.parallel"() ({
// CHECK-NEXT:       "cim.mop.read_core"() <{kind = "conv", params = #cim.mop.params<{in_shape = [5, 8, 3], channels = [0, 3], out_shape = [4, 8, 4], kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 0, 1], dilations = [1, 1], group = 1}>, core = #builtin.int<0>, src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[192]>, layer = "conv", len = #builtin.int<1>}> : () -> ()
// CHECK-NEXT:       "cim.mop.read_core"() <{kind = "conv", {{.*}}, core = #builtin.int<2>, len = #builtin.int<2>, src = #cim.mop.addr<L0[72]>, dst = #cim.mop.addr<L0[320]>, layer = "conv"}> : () -> ()
// CHECK-NEXT:     }) : () -> ()
// CHECK-NEXT:     "cim.mop.read_core"() <{kind = "matmul", params = #cim.mop.params<{in_shape = [1, 256], channels = [0, 256], out_shape = [1, 10], alpha = 1.0, beta = 1.0}>, core = #builtin.int<1>, src = #cim.mop.addr<L0[192]>, dst = #cim.mop.addr<L0[0]>, len = #builtin.int<1>}> : () -> ()
// CHECK-NEXT:     "cim.mop.dcom"() <{kind = "Relu", srcs = [#cim.mop.addr<L0[192]>], dsts = [#cim.mop.addr<L0[192]>], params = #cim.mop.params<{in_shapes = [[1, 4, 8, 8]], out_shapes = [[1, 4, 8, 8]], in_layouts = [nhwc], out_layouts = [nhwc]}>, layer = "relu"}> : () -> ()
// CHECK-NEXT:   }) : () -> ()
// CHECK-NEXT: }) : () -> ()

// -----

// An XBM flow: write_xb (both bit bindings), a counted loop with im2col, DMOV
// (contiguous and N-D strided, L0 and L1), accumulating/shifting read_xb (in
// two waves),
// nested loops using two indices, DCOM with constant and absent (unit) sources.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "XBM", inputs = [#cim.mop.buffer<tensor = input, addr = 0, shape = [1, 3, 8, 8], layout = nhwc>], outputs = [#cim.mop.buffer<tensor = output, addr = 192, shape = [1, 4, 8, 8], layout = nhwc>], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
      "cim.mop.parallel"() ({
        "cim.mop.write_xb"() <{xb = #builtin.int<0>, len = #builtin.int<1>, weights = #cim.splat<0.5 : tensor<4x3x3x3xf32>>, matrix = #cim.mop.matrix<layer = conv, kind = conv, in_range = [0, 3], out_range = [0, 4], block = [0, 1, 0, 27, 0, 4]>, layer = "conv"}> : () -> ()
        "cim.mop.write_xb"() <{xb = #builtin.int<1>, len = #builtin.int<2>, binding = "R->XBR,C->XBC,B->XB", weights = #cim.splat<0.5 : tensor<4x3x3x3xf32>>, matrix = #cim.mop.matrix<layer = conv, kind = conv, in_range = [0, 3], out_range = [0, 4], block = [0, 1, 0, 27, 0, 4]>, layer = "conv"}> : () -> ()
      }) : () -> ()
    }, {
      "cim.mop.loop"() <{count = #builtin.int<32>}> ({
        "cim.mop.im2col"() <{src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L1.0[0]>, params = #cim.mop.params<{in_shape = [8, 8, 3], kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], dilations = [1, 1], channels = [0, 3]}>, first = #cim.mop.index<2*i0>, count = #builtin.int<2>, layer = "conv"}> : () -> ()
        "cim.mop.mov"() <{src = #cim.mop.addr<L1.0[0]>, dst = #cim.mop.addr<L1.1[0]>, len = #builtin.int<54>}> : () -> ()
        "cim.mop.parallel"() ({
          "cim.mop.read_xb"() <{xb = #builtin.int<0>, len = #builtin.int<1>, src = #cim.mop.addr<L1.0[0]>, dst = #cim.mop.addr<L0[192 + 8*i0]>, layer = "conv"}> : () -> ()
          "cim.mop.read_xb"() <{xb = #builtin.int<2>, len = #builtin.int<1>, src = #cim.mop.addr<L1.1[27]>, dst = #cim.mop.addr<L0[196 + 8*i0]>, acc, shift = #builtin.int<2>, layer = "conv", waves = #builtin.int<2>}> : () -> ()
        }) : () -> ()
        "cim.mop.loop"() <{count = #builtin.int<2>}> ({
          "cim.mop.mov"() <{src = #cim.mop.addr<L0[192 + 8*i0 + 4*i1]>, dst = #cim.mop.addr<L0[400 + i1]>, len = #builtin.int<4>, sizes = [#builtin.int<2>, #builtin.int<2>], src_strides = [#builtin.int<2>, #builtin.int<1>], dst_strides = [#builtin.int<1>, #builtin.int<2>]}> : () -> ()
        }) : () -> ()
      }) : () -> ()
      "cim.mop.dcom"() <{kind = "Add", srcs = [#cim.mop.addr<L0[192]>, #cim.splat<1.0 : tensor<4x1x1xf32>>], dsts = [#cim.mop.addr<L0[192]>], params = #cim.mop.params<{in_shapes = [[1, 4, 8, 8]], out_shapes = [[1, 4, 8, 8]], in_layouts = [nhwc], out_layouts = [nhwc]}>, layer = "bias"}> : () -> ()
      "cim.mop.dcom"() <{kind = "Clip", srcs = [#cim.mop.addr<L0[192]>, dense<0.0> : tensor<f32>, unit], dsts = [#cim.mop.addr<L0[192]>], params = #cim.mop.params<{in_shapes = [[1, 4, 8, 8]], out_shapes = [[1, 4, 8, 8]], in_layouts = [nhwc], out_layouts = [nhwc]}>}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK:      "cim.mop.flow"() <{sym_name = "main", mode = "XBM", {{.*}}, l0_used = #builtin.int<448>}> ({
// CHECK-NEXT:   "cim.mop.segment"() <{index = #builtin.int<0>}> ({
// CHECK-NEXT:     "cim.mop.parallel"() ({
// CHECK-NEXT:       "cim.mop.write_xb"() <{xb = #builtin.int<0>, len = #builtin.int<1>, weights = #cim.splat<0.5 : tensor<4x3x3x3xf32>>, matrix = #cim.mop.matrix<layer = conv, kind = conv, trans = 0, groups = 1, in_range = [0, 3], out_range = [0, 4], block = [0, 1, 0, 27, 0, 4]{{[^>]*}}>, layer = "conv"{{.*}}binding = "R->XBR,C->XBC,B->XBC"{{.*}}}> : () -> ()
// CHECK-NEXT:       "cim.mop.write_xb"() <{xb = #builtin.int<1>, len = #builtin.int<2>, binding = "R->XBR,C->XBC,B->XB", {{.*}}}> : () -> ()
// CHECK-NEXT:     }) : () -> ()
// CHECK-NEXT:   }, {
// CHECK-NEXT:     "cim.mop.loop"() <{count = #builtin.int<32>}> ({
// CHECK-NEXT:       "cim.mop.im2col"() <{src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L1.0[0]>, params = #cim.mop.params<{in_shape = [8, 8, 3], kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], dilations = [1, 1], channels = [0, 3]}>, first = #cim.mop.index<2*i0>, count = #builtin.int<2>, layer = "conv"}> : () -> ()
// CHECK-NEXT:       "cim.mop.mov"() <{src = #cim.mop.addr<L1.0[0]>, dst = #cim.mop.addr<L1.1[0]>, len = #builtin.int<54>}> : () -> ()
// CHECK-NEXT:       "cim.mop.parallel"() ({
// CHECK-NEXT:         "cim.mop.read_xb"() <{xb = #builtin.int<0>, len = #builtin.int<1>, src = #cim.mop.addr<L1.0[0]>, dst = #cim.mop.addr<L0[192 + 8*i0]>, layer = "conv"{{.*}}, shift = #builtin.int<0>{{.*}}}> : () -> ()
// CHECK-NEXT:         "cim.mop.read_xb"() <{xb = #builtin.int<2>, len = #builtin.int<1>, src = #cim.mop.addr<L1.1[27]>, dst = #cim.mop.addr<L0[196 + 8*i0]>, acc, shift = #builtin.int<2>, layer = "conv", waves = #builtin.int<2>{{.*}}}> : () -> ()
// CHECK-NEXT:       }) : () -> ()
// CHECK-NEXT:       "cim.mop.loop"() <{count = #builtin.int<2>}> ({
// CHECK-NEXT:         "cim.mop.mov"() <{src = #cim.mop.addr<L0[192 + 8*i0 + 4*i1]>, dst = #cim.mop.addr<L0[400 + i1]>, len = #builtin.int<4>, sizes = [#builtin.int<2>, #builtin.int<2>], src_strides = [#builtin.int<2>, #builtin.int<1>], dst_strides = [#builtin.int<1>, #builtin.int<2>]}> : () -> ()
// CHECK-NEXT:       }) : () -> ()
// CHECK-NEXT:     }) : () -> ()
// CHECK-NEXT:     "cim.mop.dcom"() <{kind = "Add", srcs = [#cim.mop.addr<L0[192]>, #cim.splat<1.0 : tensor<4x1x1xf32>>], dsts = [#cim.mop.addr<L0[192]>], {{.*}}, layer = "bias"}> : () -> ()
// CHECK-NEXT:     "cim.mop.dcom"() <{kind = "Clip", srcs = [#cim.mop.addr<L0[192]>, dense<0.000000e+00> : tensor<f32>, unit], dsts = [#cim.mop.addr<L0[192]>], {{.*}}}> : () -> ()

// -----

// A WLM flow: write_row (with a column offset) and read_row of at most
// parallel_row = 16 rows, a tiled copy over two crossbars (count = 2, tiles of
// 16 rows), two segments.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "WLM", inputs = [#cim.mop.buffer<tensor = x, addr = 0, shape = [1, 32]>], outputs = [#cim.mop.buffer<tensor = y, addr = 32, shape = [1, 4]>], l0_used = #builtin.int<40>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
      "cim.mop.write_row"() <{xb = #builtin.int<0>, row = #builtin.int<0>, len = #builtin.int<16>, weights = #cim.splat<1.0 : tensor<32x4xf32>>, matrix = #cim.mop.matrix<layer = fc, kind = matmul, in_range = [0, 32], out_range = [0, 4], block = [0, 1, 0, 16, 0, 4]>, layer = "fc"}> : () -> ()
      "cim.mop.write_row"() <{xb = #builtin.int<7>, row = #builtin.int<16>, len = #builtin.int<16>, col = #builtin.int<28>, weights = #cim.splat<1.0 : tensor<32x4xf32>>, matrix = #cim.mop.matrix<layer = fc, kind = matmul, in_range = [0, 32], out_range = [0, 4], block = [0, 1, 16, 32, 0, 4]>, layer = "fc"}> : () -> ()
      "cim.mop.write_row"() <{xb = #builtin.int<2>, row = #builtin.int<0>, len = #builtin.int<16>, count = #builtin.int<2>, height = #builtin.int<16>, weights = #cim.splat<1.0 : tensor<32x4xf32>>, matrix = #cim.mop.matrix<layer = fc2, kind = matmul, in_range = [0, 32], out_range = [0, 4], block = [0, 1, 0, 32, 0, 4]>, layer = "fc2"}> : () -> ()
    }, {
      "cim.mop.mov"() <{src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L1.0[0]>, len = #builtin.int<32>}> : () -> ()
      "cim.mop.parallel"() ({
        "cim.mop.read_row"() <{xb = #builtin.int<0>, row = #builtin.int<0>, len = #builtin.int<16>, src = #cim.mop.addr<L1.0[0]>, dst = #cim.mop.addr<L0[32]>, layer = "fc"}> : () -> ()
        "cim.mop.read_row"() <{xb = #builtin.int<7>, row = #builtin.int<16>, len = #builtin.int<16>, src = #cim.mop.addr<L1.3[16]>, dst = #cim.mop.addr<L0[32]>, acc, layer = "fc"}> : () -> ()
      }) : () -> ()
      "cim.mop.read_row"() <{xb = #builtin.int<2>, row = #builtin.int<0>, len = #builtin.int<16>, count = #builtin.int<2>, height = #builtin.int<16>, src = #cim.mop.addr<L1.1[0]>, dst = #cim.mop.addr<L0[36]>, layer = "fc2"}> : () -> ()
    }) : () -> ()
    "cim.mop.segment"() <{index = #builtin.int<1>}> ({
    ^bb0:
    }, {
      "cim.mop.dcom"() <{kind = "Softmax", srcs = [#cim.mop.addr<L0[32]>], dsts = [#cim.mop.addr<L0[36]>], params = #cim.mop.params<{axis = -1, in_shapes = [[1, 4]], out_shapes = [[1, 4]], in_layouts = [rowmajor], out_layouts = [rowmajor]}>}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK:      "cim.mop.flow"() <{sym_name = "main", mode = "WLM", inputs = [#cim.mop.buffer<tensor = x, addr = 0, shape = [1, 32], layout = rowmajor>], outputs = [#cim.mop.buffer<tensor = y, addr = 32, shape = [1, 4], layout = rowmajor>], l0_used = #builtin.int<40>}> ({
// CHECK-NEXT:   "cim.mop.segment"() <{index = #builtin.int<0>}> ({
// CHECK-NEXT:     "cim.mop.write_row"() <{xb = #builtin.int<0>, row = #builtin.int<0>, len = #builtin.int<16>, {{.*}}block = [0, 1, 0, 16, 0, 4]{{[^>]*}}>, layer = "fc", col = #builtin.int<0>{{.*}}}> : () -> ()
// CHECK-NEXT:     "cim.mop.write_row"() <{xb = #builtin.int<7>, row = #builtin.int<16>, len = #builtin.int<16>, col = #builtin.int<28>, {{.*}}block = [0, 1, 16, 32, 0, 4]{{[^>]*}}>, layer = "fc"{{.*}}}> : () -> ()
// CHECK-NEXT:     "cim.mop.write_row"() <{xb = #builtin.int<2>, row = #builtin.int<0>, len = #builtin.int<16>, count = #builtin.int<2>, height = #builtin.int<16>, {{.*}}block = [0, 1, 0, 32, 0, 4]{{[^>]*}}>, layer = "fc2"{{.*}}}> : () -> ()
// CHECK-NEXT:   }, {
// CHECK-NEXT:     "cim.mop.mov"() <{src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L1.0[0]>, len = #builtin.int<32>}> : () -> ()
// CHECK-NEXT:     "cim.mop.parallel"() ({
// CHECK-NEXT:       "cim.mop.read_row"() <{xb = #builtin.int<0>, row = #builtin.int<0>, len = #builtin.int<16>, src = #cim.mop.addr<L1.0[0]>, dst = #cim.mop.addr<L0[32]>, layer = "fc"{{.*}}}> : () -> ()
// CHECK-NEXT:       "cim.mop.read_row"() <{xb = #builtin.int<7>, row = #builtin.int<16>, len = #builtin.int<16>, src = #cim.mop.addr<L1.3[16]>, dst = #cim.mop.addr<L0[32]>, acc, layer = "fc"{{.*}}}> : () -> ()
// CHECK-NEXT:     }) : () -> ()
// CHECK-NEXT:     "cim.mop.read_row"() <{xb = #builtin.int<2>, row = #builtin.int<0>, len = #builtin.int<16>, count = #builtin.int<2>, height = #builtin.int<16>, src = #cim.mop.addr<L1.1[0]>, dst = #cim.mop.addr<L0[36]>, layer = "fc2"{{.*}}}> : () -> ()
// CHECK-NEXT:   }) : () -> ()
// CHECK-NEXT:   "cim.mop.segment"() <{index = #builtin.int<1>}> ({
// CHECK-NEXT:   ^bb0:
// CHECK-NEXT:   }, {
// CHECK-NEXT:     "cim.mop.dcom"() <{kind = "Softmax", srcs = [#cim.mop.addr<L0[32]>], dsts = [#cim.mop.addr<L0[36]>], params = #cim.mop.params<{axis = -1, in_shapes = [[1, 4]], out_shapes = [[1, 4]], in_layouts = [rowmajor], out_layouts = [rowmajor]}>}> : () -> ()
// CHECK-NEXT:   }) : () -> ()
// CHECK-NEXT: }) : () -> ()

// -----

// Reads on duplicated weights folded into one op: copies = 3 read_xb on
// crossbars 0, 2, 4 (xb_step 2), inputs 27 apart and outputs 4 apart.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "XBM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.read_xb"() <{xb = #builtin.int<0>, len = #builtin.int<1>, src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[192]>, copies = #builtin.int<3>, xb_step = #builtin.int<2>, src_step = #builtin.int<27>, dst_step = #builtin.int<4>, layer = "conv"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK:      "cim.mop.read_xb"() <{xb = #builtin.int<0>, len = #builtin.int<1>, src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[192]>, copies = #builtin.int<3>, xb_step = #builtin.int<2>, src_step = #builtin.int<27>, dst_step = #builtin.int<4>, layer = "conv"{{.*}}}> : () -> ()

// -----

// A tiled read_row over two crossbars, two copies 4 crossbars apart.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "WLM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.read_row"() <{xb = #builtin.int<2>, row = #builtin.int<0>, len = #builtin.int<16>, count = #builtin.int<2>, height = #builtin.int<16>, src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[300]>, copies = #builtin.int<2>, xb_step = #builtin.int<4>, src_step = #builtin.int<32>, dst_step = #builtin.int<4>, layer = "fc2"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK:      "cim.mop.read_row"() <{xb = #builtin.int<2>, row = #builtin.int<0>, len = #builtin.int<16>, count = #builtin.int<2>, height = #builtin.int<16>, src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[300]>, copies = #builtin.int<2>, xb_step = #builtin.int<4>, src_step = #builtin.int<32>, dst_step = #builtin.int<4>, layer = "fc2"{{.*}}}> : () -> ()
