// RUN: cim-opt %s --split-input-file --verify-diagnostics --parsing-diagnostics | filecheck %s

// Invalid cim.mop IR: one case per verifier (and attribute parser) branch.
// Arch "t4w": 4 cores x 2 crossbars of 32x32 8-bit cells (8 crossbars),
// parallel_row 16, driven in WLM so that flows of every mode are allowed.

// A negative address.
func.func @f() attributes {a = #cim.mop.addr<L0[-4]>} {
  func.return
}
// CHECK: negative address L0[-4]

// -----

// An unknown address space.
func.func @f() attributes {a = #cim.mop.addr<L2[0]>} {
  func.return
}
// CHECK: expected L0 or L1.<core>

// -----

// An L1 address needs its core.
func.func @f() attributes {a = #cim.mop.addr<L1[0]>} {
  func.return
}
// CHECK: expected L0 or L1.<core>

// -----

// Loop indices are i<N>.
func.func @f() attributes {a = #cim.mop.addr<L0[4*j0]>} {
  func.return
}
// CHECK: 'j0' is not a loop index (i0, i1, ...)

// -----

// ... in an index too.
func.func @f() attributes {a = #cim.mop.index<k>} {
  func.return
}
// CHECK: 'k' is not a loop index (i0, i1, ...)

// -----

// Params are a mapping.
func.func @f() attributes {a = #cim.mop.params<[1, 2]>} {
  func.return
}
// CHECK: expected {key = value, ...}

// -----

// Matrix kinds are conv or matmul.
func.func @f() attributes {a = #cim.mop.matrix<layer = p, kind = pool, in_range = [0, 3], out_range = [0, 4], block = [0, 1, 0, 27, 0, 4]>} {
  func.return
}
// CHECK: matrix kind must be conv or matmul, not pool

// -----

// A matrix block has 6 bounds with non-empty ranges.
func.func @f() attributes {a = #cim.mop.matrix<layer = c, kind = conv, in_range = [0, 3], out_range = [0, 4], block = [0, 1, 27, 27, 0, 4]>} {
  func.return
}
// CHECK: matrix block [0, 1, 27, 27, 0, 4] must be [g0, g1, r0, r1, c0, c1] with non-empty ranges

// -----

// A matrix range is [begin, end).
func.func @f() attributes {a = #cim.mop.matrix<layer = c, kind = conv, in_range = [0, 3], out_range = [4, 0], block = [0, 1, 0, 27, 0, 4]>} {
  func.return
}
// CHECK: matrix out_range [4, 0] must be [begin, end)

// -----

// Record attributes name their fields.
func.func @f() attributes {a = #cim.mop.buffer<tensor = x, adr = 0, shape = [1]>} {
  func.return
}
// CHECK: cim.mop.buffer has no field 'adr'; fields: tensor, addr, shape, layout

// -----

// ... and need the ones without a default.
func.func @f() attributes {a = #cim.mop.buffer<tensor = x, shape = [1]>} {
  func.return
}
// CHECK: cim.mop.buffer is missing addr

// -----

// A flow's mode is CM, XBM or WLM.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "XM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
    ^bb0:
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.flow': mode must be CM, XBM or WLM

// -----

// A flow compiled for a finer mode than the arch exposes.
builtin.module attributes {cim.arch = #cim.arch<{name = cm4, computing_mode = CM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "WLM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
    ^bb0:
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.flow': compiled for WLM but arch 'cm4' is driven in CM

// -----

// L0 overflow without spilling (64 bytes = 64 elements).
builtin.module attributes {cim.arch = #cim.arch<{name = small_l0, computing_mode = CM, chip = {core_number = [4, 1], l0_size = 64}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
    ^bb0:
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.flow': uses 448 L0 elements, arch 'small_l0' has 64 and does not allow spilling

// -----

// A flow holds only segments.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
    ^bb0:
    }) : () -> ()
    "cim.mop.mov"() <{src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[64]>, len = #builtin.int<8>}> : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.flow' may only hold cim.mop.segment ops, found cim.mop.mov

// -----

// A CM meta-operator (read_core) in an XBM flow.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "XBM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.read_core"() <{kind = "conv", params = #cim.mop.params<{in_shape = [8, 8, 3], channels = [0, 3], out_shape = [8, 8, 4], kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], dilations = [1, 1], group = 1}>, core = #builtin.int<0>, len = #builtin.int<1>, src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[192]>, layer = "conv"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.read_core' (conv): is a CM meta-operator but the flow is compiled for XBM

// -----

// An XBM meta-operator (read_xb) in a CM flow.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.read_xb"() <{xb = #builtin.int<0>, len = #builtin.int<1>, waves = #builtin.int<1>, src = #cim.mop.addr<L1.0[0]>, dst = #cim.mop.addr<L0[192]>, layer = "conv"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.read_xb' (conv): is a XBM meta-operator but the flow is compiled for CM

// -----

// A WLM meta-operator (write_row) in an XBM flow.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "XBM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
      "cim.mop.write_row"() <{xb = #builtin.int<0>, row = #builtin.int<0>, len = #builtin.int<16>, col = #builtin.int<0>, count = #builtin.int<1>, height = #builtin.int<0>, weights = #cim.splat<1.0 : tensor<32x4xf32>>, matrix = #cim.mop.matrix<layer = fc, kind = matmul, in_range = [0, 32], out_range = [0, 4], block = [0, 1, 0, 16, 0, 4]>, layer = "fc"}> : () -> ()
    }, {
    ^bb0:
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.write_row' (fc): is a WLM meta-operator but the flow is compiled for XBM

// -----

// init holding a non-write op.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
      "cim.mop.read_core"() <{kind = "conv", params = #cim.mop.params<{in_shape = [8, 8, 3], channels = [0, 3], out_shape = [8, 8, 4], kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], dilations = [1, 1], group = 1}>, core = #builtin.int<0>, len = #builtin.int<1>, src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[192]>, layer = "conv"}> : () -> ()
    }, {
    ^bb0:
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.segment' 0: init may only program weights, found cim.mop.read_core

// -----

// compute holding a write op (here inside a loop).
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.loop"() <{count = #builtin.int<2>}> ({
        "cim.mop.write_core"() <{core = #builtin.int<0>, len = #builtin.int<1>, weights = #cim.splat<0.5 : tensor<4x3x3x3xf32>>, matrix = #cim.mop.matrix<layer = conv, kind = conv, in_range = [0, 3], out_range = [0, 4], block = [0, 1, 0, 27, 0, 4]>, layer = "conv"}> : () -> ()
      }) : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.segment' 0: weights are programmed in init, found cim.mop.write_core in compute

// -----

// An address using a loop index outside any loop.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.mov"() <{src = #cim.mop.addr<L0[64*i0]>, dst = #cim.mop.addr<L0[64]>, len = #builtin.int<8>}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.mov': src L0[64*i0] uses loop index i0 but the op is nested in 0 loop(s)

// -----

// An address using i1 inside a single loop.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.loop"() <{count = #builtin.int<4>}> ({
        "cim.mop.read_core"() <{kind = "conv", params = #cim.mop.params<{in_shape = [8, 8, 3], channels = [0, 3], out_shape = [8, 8, 4], kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], dilations = [1, 1], group = 1}>, core = #builtin.int<0>, len = #builtin.int<1>, src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[192 + 8*i1]>, layer = "conv"}> : () -> ()
      }) : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.read_core' (conv): dst L0[192 + 8*i1] uses loop index i1 but the op is nested in 1 loop(s)

// -----

// An address list entry (dcom dsts) is checked too.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.dcom"() <{kind = "Relu", srcs = [#cim.mop.addr<L0[0]>], dsts = [#cim.mop.addr<L0[64 + i0]>], params = #cim.mop.params<{in_shapes = [[1, 64]], out_shapes = [[1, 64]]}>, layer = "relu"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.dcom' (relu): dsts[0] L0[64 + i0] uses loop index i0 but the op is nested in 0 loop(s)

// -----

// An L1 buffer of a core beyond the arch.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.mov"() <{src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L1.4[0]>, len = #builtin.int<8>}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.mov': dst L1.4[0]: core 4 does not exist (4 cores)

// -----

// A loop runs at least once.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.loop"() <{count = #builtin.int<0>}> ({
        "cim.mop.mov"() <{src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[64]>, len = #builtin.int<8>}> : () -> ()
      }) : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.loop': count must be >= 1

// -----

// Two read_core on the same core in one parallel step.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.parallel"() ({
        "cim.mop.read_core"() <{kind = "conv", params = #cim.mop.params<{in_shape = [8, 8, 3], channels = [0, 3], out_shape = [8, 8, 4], kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], dilations = [1, 1], group = 1}>, core = #builtin.int<0>, len = #builtin.int<2>, src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[192]>, layer = "conv"}> : () -> ()
        "cim.mop.read_core"() <{kind = "conv", params = #cim.mop.params<{in_shape = [8, 8, 3], channels = [0, 3], out_shape = [8, 8, 4], kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], dilations = [1, 1], group = 1}>, core = #builtin.int<1>, len = #builtin.int<1>, src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[320]>, layer = "conv"}> : () -> ()
      }) : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.parallel': cim.mop.read_core and cim.mop.read_core both use core 1 in the same parallel step

// -----

// Two writes on the same crossbar in one parallel step.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "XBM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
      "cim.mop.parallel"() ({
        "cim.mop.write_xb"() <{xb = #builtin.int<0>, len = #builtin.int<3>, weights = #cim.splat<0.5 : tensor<4x3x3x3xf32>>, matrix = #cim.mop.matrix<layer = conv, kind = conv, in_range = [0, 3], out_range = [0, 4], block = [0, 1, 0, 27, 0, 4]>, layer = "conv"}> : () -> ()
        "cim.mop.write_xb"() <{xb = #builtin.int<2>, len = #builtin.int<1>, weights = #cim.splat<0.5 : tensor<4x3x3x3xf32>>, matrix = #cim.mop.matrix<layer = conv, kind = conv, in_range = [0, 3], out_range = [0, 4], block = [0, 1, 0, 27, 0, 4]>, layer = "conv"}> : () -> ()
      }) : () -> ()
    }, {
    ^bb0:
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.parallel': cim.mop.write_xb and cim.mop.write_xb both use crossbar 2 in the same parallel step

// -----

// Two read_row on one crossbar.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "WLM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.parallel"() ({
        "cim.mop.read_row"() <{xb = #builtin.int<3>, row = #builtin.int<0>, len = #builtin.int<16>, count = #builtin.int<1>, height = #builtin.int<0>, src = #cim.mop.addr<L1.0[0]>, dst = #cim.mop.addr<L0[32]>, layer = "fc"}> : () -> ()
        "cim.mop.read_row"() <{xb = #builtin.int<3>, row = #builtin.int<16>, len = #builtin.int<16>, count = #builtin.int<1>, height = #builtin.int<0>, src = #cim.mop.addr<L1.0[0]>, dst = #cim.mop.addr<L0[32]>, layer = "fc"}> : () -> ()
      }) : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.parallel': cim.mop.read_row and cim.mop.read_row both use crossbar 3 in the same parallel step

// -----

// A parallel region cannot hold a loop.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.parallel"() ({
        "cim.mop.loop"() <{count = #builtin.int<2>}> ({
          "cim.mop.mov"() <{src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[64]>, len = #builtin.int<8>}> : () -> ()
        }) : () -> ()
      }) : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.parallel' cannot hold cim.mop.loop

// -----

// ... nor another parallel region.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.parallel"() ({
        "cim.mop.parallel"() ({
          "cim.mop.mov"() <{src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[64]>, len = #builtin.int<8>}> : () -> ()
        }) : () -> ()
      }) : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.parallel' cannot hold cim.mop.parallel

// -----

// read_core on a core beyond the chip.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.read_core"() <{kind = "conv", params = #cim.mop.params<{in_shape = [8, 8, 3], channels = [0, 3], out_shape = [8, 8, 4], kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], dilations = [1, 1], group = 1}>, core = #builtin.int<3>, len = #builtin.int<2>, src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[192]>, layer = "conv"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.read_core' (conv): cores [3, 5) exceed the chip's 4

// -----

// read_core spans at least one core.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.read_core"() <{kind = "conv", params = #cim.mop.params<{in_shape = [8, 8, 3], channels = [0, 3], out_shape = [8, 8, 4], kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], dilations = [1, 1], group = 1}>, core = #builtin.int<0>, len = #builtin.int<0>, src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[192]>, layer = "conv"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.read_core' (conv): len must be >= 1, got 0

// -----

// write_core on a core beyond the chip.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
      "cim.mop.write_core"() <{core = #builtin.int<4>, len = #builtin.int<1>, weights = #cim.splat<0.5 : tensor<4x3x3x3xf32>>, matrix = #cim.mop.matrix<layer = conv, kind = conv, in_range = [0, 3], out_range = [0, 4], block = [0, 1, 0, 27, 0, 4]>, layer = "conv"}> : () -> ()
    }, {
    ^bb0:
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.write_core' (conv): cores [4, 5) exceed the chip's 4

// -----

// read_core computes conv or matmul.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.read_core"() <{kind = "pool", params = #cim.mop.params<{in_shape = [8, 8, 3], channels = [0, 3], out_shape = [8, 8, 4], kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], dilations = [1, 1], group = 1}>, core = #builtin.int<0>, len = #builtin.int<1>, src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[192]>, layer = "conv"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.read_core' (conv): type must be conv or matmul, not pool

// -----

// A conv read_core needs the conv geometry.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.read_core"() <{kind = "conv", params = #cim.mop.params<{in_shape = [8, 8, 3], out_shape = [8, 8, 4]}>, core = #builtin.int<0>, len = #builtin.int<1>, src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[192]>, layer = "conv"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.read_core' (conv): params miss kernel_shape, strides, pads, dilations

// -----

// A matmul read_core needs its shapes.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.read_core"() <{kind = "matmul", params = #cim.mop.params<{in_shape = [1, 32]}>, core = #builtin.int<0>, len = #builtin.int<1>, src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[192]>, layer = "conv"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.read_core' (conv): params miss out_shape

// -----

// write_xb beyond the chip's 8 crossbars.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "XBM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
      "cim.mop.write_xb"() <{xb = #builtin.int<6>, len = #builtin.int<3>, weights = #cim.splat<0.5 : tensor<4x3x3x3xf32>>, matrix = #cim.mop.matrix<layer = conv, kind = conv, in_range = [0, 3], out_range = [0, 4], block = [0, 1, 0, 27, 0, 4]>, layer = "conv"}> : () -> ()
    }, {
    ^bb0:
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.write_xb' (conv): crossbars [6, 9) exceed the chip's 8

// -----

// write_xb of no crossbar.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "XBM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
      "cim.mop.write_xb"() <{xb = #builtin.int<0>, len = #builtin.int<0>, weights = #cim.splat<0.5 : tensor<4x3x3x3xf32>>, matrix = #cim.mop.matrix<layer = conv, kind = conv, in_range = [0, 3], out_range = [0, 4], block = [0, 1, 0, 27, 0, 4]>, layer = "conv"}> : () -> ()
    }, {
    ^bb0:
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.write_xb' (conv): len must be >= 1, got 0

// -----

// read_xb beyond the chip's 8 crossbars.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "XBM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.read_xb"() <{xb = #builtin.int<8>, len = #builtin.int<1>, waves = #builtin.int<1>, src = #cim.mop.addr<L1.0[0]>, dst = #cim.mop.addr<L0[192]>, layer = "conv"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.read_xb' (conv): crossbars [8, 9) exceed the chip's 8

// -----

// read_row activating more than parallel_row (16) rows.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "WLM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.read_row"() <{xb = #builtin.int<0>, row = #builtin.int<0>, len = #builtin.int<32>, count = #builtin.int<1>, height = #builtin.int<0>, src = #cim.mop.addr<L1.0[0]>, dst = #cim.mop.addr<L0[32]>, layer = "fc"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.read_row' (fc): activates 32 rows, more than parallel_row = 16

// -----

// read_row beyond the crossbar's 32 rows.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "WLM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.read_row"() <{xb = #builtin.int<0>, row = #builtin.int<24>, len = #builtin.int<16>, count = #builtin.int<1>, height = #builtin.int<0>, src = #cim.mop.addr<L1.0[0]>, dst = #cim.mop.addr<L0[32]>, layer = "fc"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.read_row' (fc): rows [24, 40) exceed the crossbar's 32

// -----

// read_row on a crossbar that does not exist.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "WLM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.read_row"() <{xb = #builtin.int<8>, row = #builtin.int<0>, len = #builtin.int<16>, count = #builtin.int<1>, height = #builtin.int<0>, src = #cim.mop.addr<L1.0[0]>, dst = #cim.mop.addr<L0[32]>, layer = "fc"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.read_row' (fc): crossbars [8, 9) exceed the chip's 8

// -----

// write_row beyond the crossbar's rows.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "WLM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
      "cim.mop.write_row"() <{xb = #builtin.int<0>, row = #builtin.int<24>, len = #builtin.int<16>, col = #builtin.int<0>, count = #builtin.int<1>, height = #builtin.int<0>, weights = #cim.splat<1.0 : tensor<32x4xf32>>, matrix = #cim.mop.matrix<layer = fc, kind = matmul, in_range = [0, 32], out_range = [0, 4], block = [0, 1, 0, 16, 0, 4]>, layer = "fc"}> : () -> ()
    }, {
    ^bb0:
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.write_row' (fc): rows [24, 40) exceed the crossbar's 32

// -----

// write_row beyond the crossbar's columns (4 weights of one 8-bit cell at column 30).
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "WLM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
      "cim.mop.write_row"() <{xb = #builtin.int<0>, row = #builtin.int<0>, len = #builtin.int<16>, col = #builtin.int<30>, count = #builtin.int<1>, height = #builtin.int<0>, weights = #cim.splat<1.0 : tensor<32x4xf32>>, matrix = #cim.mop.matrix<layer = fc, kind = matmul, in_range = [0, 32], out_range = [0, 4], block = [0, 1, 0, 16, 0, 4]>, layer = "fc"}> : () -> ()
    }, {
    ^bb0:
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.write_row' (fc): columns [30, 34) exceed the crossbar's 32

// -----

// write_row whose len disagrees with its block's rows.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "WLM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
      "cim.mop.write_row"() <{xb = #builtin.int<0>, row = #builtin.int<0>, len = #builtin.int<16>, col = #builtin.int<0>, count = #builtin.int<1>, height = #builtin.int<0>, weights = #cim.splat<1.0 : tensor<32x4xf32>>, matrix = #cim.mop.matrix<layer = fc, kind = matmul, in_range = [0, 32], out_range = [0, 4], block = [0, 1, 0, 8, 0, 4]>, layer = "fc"}> : () -> ()
    }, {
    ^bb0:
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.write_row' (fc): writes 16 rows but its block has 8

// -----

// write_row on a crossbar that does not exist.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "WLM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
      "cim.mop.write_row"() <{xb = #builtin.int<-1>, row = #builtin.int<0>, len = #builtin.int<16>, col = #builtin.int<0>, count = #builtin.int<1>, height = #builtin.int<0>, weights = #cim.splat<1.0 : tensor<32x4xf32>>, matrix = #cim.mop.matrix<layer = fc, kind = matmul, in_range = [0, 32], out_range = [0, 4], block = [0, 1, 0, 16, 0, 4]>, layer = "fc"}> : () -> ()
    }, {
    ^bb0:
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.write_row' (fc): crossbars [-1, 0) exceed the chip's 8

// -----

// read_xb activates its row tiles in at least one wave.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "XBM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.read_xb"() <{xb = #builtin.int<0>, len = #builtin.int<1>, waves = #builtin.int<0>, src = #cim.mop.addr<L1.0[0]>, dst = #cim.mop.addr<L0[192]>, layer = "conv"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.read_xb' (conv): waves must be >= 1, got 0

// -----

// A tiled write_row (count > 1) starts at row 0.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "WLM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
      "cim.mop.write_row"() <{xb = #builtin.int<0>, row = #builtin.int<4>, len = #builtin.int<16>, col = #builtin.int<0>, count = #builtin.int<2>, height = #builtin.int<16>, weights = #cim.splat<1.0 : tensor<32x4xf32>>, matrix = #cim.mop.matrix<layer = fc, kind = matmul, in_range = [0, 32], out_range = [0, 4], block = [0, 1, 0, 16, 0, 4]>, layer = "fc"}> : () -> ()
    }, {
    ^bb0:
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.write_row' (fc): a tiled write (count > 1) starts at row 0

// -----

// Tiles taller than the crossbar.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "WLM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
      "cim.mop.write_row"() <{xb = #builtin.int<0>, row = #builtin.int<0>, len = #builtin.int<16>, col = #builtin.int<0>, count = #builtin.int<2>, height = #builtin.int<40>, weights = #cim.splat<1.0 : tensor<32x4xf32>>, matrix = #cim.mop.matrix<layer = fc, kind = matmul, in_range = [0, 32], out_range = [0, 4], block = [0, 1, 0, 16, 0, 4]>, layer = "fc"}> : () -> ()
    }, {
    ^bb0:
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.write_row' (fc): tiles of 40 rows exceed the crossbar's 32 rows

// -----

// A tiled read_row over crossbars beyond the chip.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "WLM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.read_row"() <{xb = #builtin.int<6>, row = #builtin.int<0>, len = #builtin.int<16>, count = #builtin.int<3>, height = #builtin.int<16>, src = #cim.mop.addr<L1.0[0]>, dst = #cim.mop.addr<L0[32]>, layer = "fc"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.read_row' (fc): crossbars [6, 9) exceed the chip's 8

// -----

// read_row of no crossbar.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "WLM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.read_row"() <{xb = #builtin.int<0>, row = #builtin.int<0>, len = #builtin.int<16>, count = #builtin.int<0>, height = #builtin.int<0>, src = #cim.mop.addr<L1.0[0]>, dst = #cim.mop.addr<L0[32]>, layer = "fc"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.read_row' (fc): count must be >= 1, got 0

// -----

// Two tiled read_row whose crossbar ranges overlap in one parallel step.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "WLM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.parallel"() ({
        "cim.mop.read_row"() <{xb = #builtin.int<2>, row = #builtin.int<0>, len = #builtin.int<16>, count = #builtin.int<2>, height = #builtin.int<16>, src = #cim.mop.addr<L1.0[0]>, dst = #cim.mop.addr<L0[32]>, layer = "fc"}> : () -> ()
        "cim.mop.read_row"() <{xb = #builtin.int<3>, row = #builtin.int<0>, len = #builtin.int<16>, count = #builtin.int<2>, height = #builtin.int<16>, src = #cim.mop.addr<L1.0[0]>, dst = #cim.mop.addr<L0[32]>, layer = "fc"}> : () -> ()
      }) : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.parallel': cim.mop.read_row and cim.mop.read_row both use crossbar 3 in the same parallel step

// -----

// An N-D mov whose len is not the product of its sizes.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.mov"() <{src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[64]>, len = #builtin.int<8>, sizes = [#builtin.int<2>, #builtin.int<3>], src_strides = [#builtin.int<3>, #builtin.int<1>], dst_strides = [#builtin.int<3>, #builtin.int<1>]}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.mov': len 8 must equal the product of sizes [2, 3]

// -----

// An N-D mov needs all of sizes and both strides.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.mov"() <{src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[64]>, len = #builtin.int<8>, sizes = [#builtin.int<2>, #builtin.int<4>], src_strides = [#builtin.int<4>, #builtin.int<1>]}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.mov': an N-D mov needs sizes, src_strides and dst_strides

// -----

// ... of the same rank.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.mov"() <{src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[64]>, len = #builtin.int<8>, sizes = [#builtin.int<2>, #builtin.int<4>], src_strides = [#builtin.int<4>, #builtin.int<1>], dst_strides = [#builtin.int<1>]}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.mov': sizes, src_strides and dst_strides must have the same rank, sizes >= 1

// -----

// Strides without sizes.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.mov"() <{src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[64]>, len = #builtin.int<8>, src_strides = [#builtin.int<1>]}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.mov': strides need sizes

// -----

// An empty mov.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.mov"() <{src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[64]>, len = #builtin.int<0>}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.mov': len must be >= 1, got 0

// -----

// im2col of no window.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.im2col"() <{src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L1.0[0]>, params = #cim.mop.params<{in_shape = [8, 8, 3], kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], dilations = [1, 1], channels = [0, 3]}>, first = #cim.mop.index<0>, count = #builtin.int<0>}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.im2col': count must be >= 1, got 0

// -----

// im2col needs the conv geometry.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.im2col"() <{src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L1.0[0]>, params = #cim.mop.params<{in_shape = [8, 8, 3], kernel_shape = [3, 3]}>, first = #cim.mop.index<0>, count = #builtin.int<4>}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.im2col': params miss strides, pads, dilations, channels

// -----

// dcom with an unknown kind.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.dcom"() <{kind = "Frobnicate", srcs = [#cim.mop.addr<L0[0]>], dsts = [#cim.mop.addr<L0[64]>], params = #cim.mop.params<{in_shapes = [[1, 64]], out_shapes = [[1, 64]]}>, layer = "frobnicate"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.dcom' (frobnicate): unknown digital operator 'Frobnicate'

// -----

// dcom needs a destination.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.dcom"() <{kind = "Relu", srcs = [#cim.mop.addr<L0[0]>], dsts = [], params = #cim.mop.params<{in_shapes = [[1, 64]], out_shapes = [[1, 64]]}>, layer = "relu"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.dcom' (relu): needs at least one destination

// -----

// dcom sources are addresses, constants or unit.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.dcom"() <{kind = "Relu", srcs = [3 : i64], dsts = [#cim.mop.addr<L0[64]>], params = #cim.mop.params<{in_shapes = [], out_shapes = [[1, 64]]}>, layer = "relu"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.dcom' (relu): source 3 : i64 must be an address, a constant tensor or unit

// -----

// dcom params describe every buffer input and output.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "CM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.dcom"() <{kind = "Add", srcs = [#cim.mop.addr<L0[0]>, #cim.mop.addr<L0[64]>], dsts = [#cim.mop.addr<L0[64]>], params = #cim.mop.params<{in_shapes = [[1, 64]], out_shapes = [[1, 64]]}>, layer = "add"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.dcom' (add): params need in_shapes for its 2 buffer inputs and out_shapes for its 1 outputs

// -----

// Outside a flow the arch still bounds cores.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.read_core"() <{kind = "conv", params = #cim.mop.params<{in_shape = [8, 8, 3], channels = [0, 3], out_shape = [8, 8, 4], kernel_shape = [3, 3], strides = [1, 1], pads = [1, 1, 1, 1], dilations = [1, 1], group = 1}>, core = #builtin.int<0>, len = #builtin.int<5>, src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[192]>, layer = "conv"}> : () -> ()
}
// CHECK: 'cim.mop.read_core' (conv): cores [0, 5) exceed the chip's 4

// -----

// Folded copies that overlap: each reads 2 crossbars but they are 1 apart.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "XBM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.read_xb"() <{xb = #builtin.int<0>, len = #builtin.int<2>, src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[192]>, copies = #builtin.int<2>, xb_step = #builtin.int<1>, src_step = #builtin.int<27>, dst_step = #builtin.int<4>, layer = "conv"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.read_xb' (conv): 2 copies 1 crossbars apart overlap (each uses 2)

// -----

// Folded copies whose last copy is beyond the chip's 8 crossbars.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "XBM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.read_xb"() <{xb = #builtin.int<2>, len = #builtin.int<1>, src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[192]>, copies = #builtin.int<3>, xb_step = #builtin.int<3>, src_step = #builtin.int<27>, dst_step = #builtin.int<4>, layer = "conv"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.read_xb' (conv): crossbars [2, 9) exceed the chip's 8

// -----

// copies must be positive.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "WLM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.read_row"() <{xb = #builtin.int<0>, row = #builtin.int<0>, len = #builtin.int<16>, count = #builtin.int<1>, height = #builtin.int<0>, src = #cim.mop.addr<L1.0[0]>, dst = #cim.mop.addr<L0[32]>, copies = #builtin.int<0>, layer = "fc"}> : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.read_row' (fc): copies must be >= 1, got 0

// -----

// A folded copy and a plain read on the same crossbar in one parallel step.
builtin.module attributes {cim.arch = #cim.arch<{name = t4w, computing_mode = WLM, chip = {core_number = [4, 1]}, core = {xb_number = [2, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 16, precision = 8}}>} {
  "cim.mop.flow"() <{sym_name = "main", mode = "XBM", inputs = [], outputs = [], l0_used = #builtin.int<448>}> ({
    "cim.mop.segment"() <{index = #builtin.int<0>}> ({
    ^bb0:
    }, {
      "cim.mop.parallel"() ({
        "cim.mop.read_xb"() <{xb = #builtin.int<0>, len = #builtin.int<1>, src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[192]>, copies = #builtin.int<3>, xb_step = #builtin.int<2>, src_step = #builtin.int<27>, dst_step = #builtin.int<4>, layer = "conv"}> : () -> ()
        "cim.mop.read_xb"() <{xb = #builtin.int<4>, len = #builtin.int<1>, src = #cim.mop.addr<L0[0]>, dst = #cim.mop.addr<L0[300]>, layer = "conv"}> : () -> ()
      }) : () -> ()
    }) : () -> ()
  }) : () -> ()
}
// CHECK: 'cim.mop.parallel': cim.mop.read_xb and cim.mop.read_xb both use crossbar 4 in the same parallel step
