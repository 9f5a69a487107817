// RUN: ROUNDTRIP

// The arch attribute round-trips, with ideal parameters spelt `ideal`.
builtin.module attributes {cim.arch = #cim.arch<{name = "paper-example", computing_mode = WLM, chip = {core_number = [2, 1], alu = ideal, core_noc = "shared-memory", core_noc_cost = ideal, l0_size = ideal, l0_bw = ideal}, core = {xb_number = [2, 1], alu = ideal, xb_noc = ideal, xb_noc_cost = ideal, l1_size = ideal, l1_bw = ideal, binding = "R->XBR,C->XBC,B->XBC"}, crossbar = {xb_size = [32, 128], parallel_row = 16, cell_type = ReRAM, precision = 2, dac = ideal, adc = ideal}, data = {weight_bits = 8, activation_bits = 8}}>} {
}
// CHECK: builtin.module attributes {cim.arch = #cim.arch<{name = "paper-example", computing_mode = WLM, chip = {core_number = [2, 1], alu = ideal, core_noc = "shared-memory", core_noc_cost = ideal, l0_size = ideal, l0_bw = ideal}, core = {xb_number = [2, 1], alu = ideal, xb_noc = ideal, xb_noc_cost = ideal, l1_size = ideal, l1_bw = ideal, binding = "R->XBR,C->XBC,B->XBC"}, crossbar = {xb_size = [32, 128], parallel_row = 16, cell_type = ReRAM, precision = 2, dac = ideal, adc = ideal}, data = {weight_bits = 8, activation_bits = 8}}>}

// -----

// Cost overrides and a per-hop NoC cost are kept; defaults are not printed.
builtin.module attributes {cim.arch = #cim.arch<{name = tiny, computing_mode = XBM, chip = {core_number = [2, 2], core_noc = mesh, core_noc_cost = 2.5}, core = {xb_number = [1, 1]}, crossbar = {xb_size = [64, 64], parallel_row = 64, adc = 6}, cost = {read_cycles_reram = 2.0}}>} {
}
// CHECK: #cim.arch<{name = tiny, computing_mode = XBM, chip = {core_number = [2, 2], alu = ideal, core_noc = mesh, core_noc_cost = {per_hop = 2.5}, l0_size = ideal, l0_bw = ideal}, core = {xb_number = [1, 1], alu = ideal, xb_noc = ideal, xb_noc_cost = ideal, l1_size = ideal, l1_bw = ideal, binding = "R->XBR,C->XBC,B->XBC"}, crossbar = {xb_size = [64, 64], parallel_row = 64, cell_type = ReRAM, precision = 2, dac = ideal, adc = 6}, data = {weight_bits = 8, activation_bits = 8}, cost = {read_cycles_reram = 2.0}}>
