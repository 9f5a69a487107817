// RUN: cim-opt %s --split-input-file --parsing-diagnostics | filecheck %s

// Invalid arch attributes: the message names the field, the value and the allowed range.

builtin.module attributes {cim.arch = #cim.arch<{name = bad, chip = {core_number = [2, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 64}}>} {
}
// CHECK: invalid arch field 'crossbar.parallel_row': 64 is out of range; allowed: an integer in [1, 32] (the crossbar has 32 rows)

// -----

builtin.module attributes {cim.arch = #cim.arch<{name = bad, chip = {core_numbr = [2, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 8}}>} {
}
// CHECK: invalid arch field 'chip.core_numbr': unknown field; did you mean 'core_number'?

// -----

builtin.module attributes {cim.arch = #cim.arch<{name = bad, computing_mode = XM, chip = {core_number = [2, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 8}}>} {
}
// CHECK: invalid arch field 'computing_mode': 'XM' is not allowed; allowed: CM, XBM, WLM

// -----

builtin.module attributes {cim.arch = #cim.arch<{name = bad, chip = {core_number = [2, 1], l0_size = "12 parsecs"}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32], parallel_row = 8}}>} {
}
// CHECK: invalid arch field 'chip.l0_size': '12 parsecs' is not a size; allowed: bytes as an integer or a string like '96 KB', '1 MiB' (units B, KB, MB, GB) or 'ideal'

// -----

builtin.module attributes {cim.arch = #cim.arch<{name = bad, chip = {core_number = [2, 1]}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [32, 32]}}>} {
}
// CHECK: invalid arch field 'crossbar.parallel_row': missing required field
