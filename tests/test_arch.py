"""The hardware abstraction: presets, file loading and validation messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from cim_mlir.arch import (
    IDEAL,
    ArchError,
    CellType,
    ComputingMode,
    Grid,
    NocCost,
    arch_from_dict,
    arch_to_dict,
    dump_arch_yaml,
    list_presets,
    load_arch,
)

MINIMAL = {
    "name": "t",
    "chip": {"core_number": [2, 2]},
    "core": {"xb_number": [2, 1]},
    "crossbar": {"xb_size": [64, 32], "parallel_row": 16},
}


def with_field(section: str, key: str, value: object) -> dict:
    raw = json.loads(json.dumps(MINIMAL))
    raw.setdefault(section, {})[key] = value
    return raw


def test_presets_exist() -> None:
    assert set(list_presets()) >= {"paper-example", "isaac-baseline", "jia-isscc21", "puma",
                                   "jain-jssc21"}


def test_paper_example_is_table_2() -> None:
    arch = load_arch("paper-example")
    assert arch.computing_mode is ComputingMode.WLM
    assert arch.chip.core_number == Grid(2, 1) and arch.num_cores == 2
    assert arch.xbars_per_core == 2 and arch.num_xbars == 4
    assert (arch.xb_rows, arch.xb_cols) == (32, 128)
    assert arch.crossbar.precision == 2 and arch.crossbar.parallel_row == 16
    assert arch.cells_per_weight == 4  # 8-bit weights in 2-bit cells
    assert arch.chip.alu is IDEAL and arch.chip.l0_bw is IDEAL


def test_isaac_baseline_is_table_3() -> None:
    arch = load_arch("isaac-baseline")
    assert arch.num_cores == 768 and arch.xbars_per_core == 16
    assert arch.chip.alu == 1024 and arch.core.alu == 1024
    assert arch.chip.l0_bw == 384 and arch.core.l1_bw == 8192
    assert (arch.xb_rows, arch.xb_cols, arch.crossbar.parallel_row) == (128, 128, 8)
    assert (arch.crossbar.dac, arch.crossbar.adc) == (1, 8)
    assert arch.crossbar.cell_type is CellType.ReRAM and arch.crossbar.precision == 2
    assert arch.input_slices == 8


def test_device_presets() -> None:
    jia, puma, jain = load_arch("jia-isscc21"), load_arch("puma"), load_arch("jain-jssc21")
    assert jia.computing_mode is ComputingMode.CM and jia.num_cores == 16
    assert (jia.xb_rows, jia.xb_cols, jia.crossbar.parallel_row) == (1152, 256, 1152)
    assert jia.crossbar.cell_type is CellType.SRAM
    assert puma.computing_mode is ComputingMode.XBM and puma.num_cores == 138
    assert puma.chip.l0_size == 96 * 1024 and puma.core.l1_size == 1024
    # Figure 18 swaps ADC and DAC; the preset follows PUMA itself.
    assert (puma.crossbar.dac, puma.crossbar.adc) == (1, 8)
    assert "DISCREPANCY" in (Path(__file__).parents[1] / "cim_mlir/arch/presets/puma.yaml").read_text()
    assert jain.computing_mode is ComputingMode.WLM and jain.num_cores == 4
    assert (jain.xb_rows, jain.xb_cols, jain.crossbar.parallel_row) == (256, 64, 32)
    assert jain.crossbar.adc == 6


@pytest.mark.parametrize("name", ["paper-example", "isaac-baseline", "jia-isscc21", "puma",
                                  "jain-jssc21"])
def test_dict_round_trip(name: str) -> None:
    arch = load_arch(name)
    again = arch_from_dict(arch_to_dict(arch, with_docs=True))
    assert again == arch


def test_yaml_and_json_files(tmp_path: Path) -> None:
    arch = load_arch("puma")
    yml = tmp_path / "a.yaml"
    yml.write_text(dump_arch_yaml(arch))
    assert load_arch(str(yml)) == arch
    js = tmp_path / "a.json"
    js.write_text(json.dumps(arch_to_dict(arch, with_docs=True)))
    assert load_arch(str(js)) == arch


def test_units_and_grids() -> None:
    arch = arch_from_dict({**with_field("chip", "l0_size", "96 KB"),
                           "core": {"xb_number": "4x4", "l1_bw": "8192 b/cycle"}})
    assert arch.chip.l0_size == 98304
    assert arch.core.xb_number == Grid(4, 4) and arch.core.l1_bw == 8192
    assert arch_from_dict(with_field("chip", "core_number", 16)).chip.core_number == Grid(16, 1)
    assert arch_from_dict(with_field("chip", "alu", "\\")).chip.alu is IDEAL


@pytest.mark.parametrize(
    ("section", "key", "value", "message"),
    [
        ("crossbar", "parallel_row", 65,
         "'crossbar.parallel_row': 65 is out of range; allowed: an integer in [1, 64]"),
        ("crossbar", "precision", 0, "'crossbar.precision': 0 is out of range; allowed: an integer in [1, 16]"),
        ("crossbar", "adc", 40, "'crossbar.adc': 40 is out of range; allowed: an integer in [1, 32] or 'ideal'"),
        ("crossbar", "cell_type", "DRAM", "'crossbar.cell_type': 'DRAM' is not allowed; allowed: SRAM, ReRAM, FLASH, PCM"),
        ("chip", "core_number", [0, 4], "'chip.core_number[0]': 0 is out of range; allowed: an integer >= 1"),
        ("chip", "alu", -3, "'chip.alu': -3 is out of range; allowed: an integer >= 1 or 'ideal'"),
        ("chip", "l0_bw", "fast", "'chip.l0_bw': 'fast' is not a bandwidth"),
        ("chip", "core_nmber", 4, "'chip.core_nmber': unknown field; did you mean 'core_number'?"),
        ("crossbar", "paralel_row", 4, "'crossbar.paralel_row': unknown field; did you mean 'parallel_row'?"),
        ("core", "xb_noc_cost", [[0, 1]], "'core.xb_noc_cost.matrix': must be a 2x2 matrix"),
        ("chip", "core_noc_cost", {"per_hop": -1}, "'chip.core_noc_cost.per_hop': -1 is out of range"),
        ("data", "weight_bits", 32, "'data.weight_bits': 32 is out of range; allowed: an integer in [1, 16]"),
        ("cost", "read_cycles_reran", 2, "'cost.read_cycles_reran': unknown field; did you mean 'read_cycles_reram'?"),
    ],
)
def test_validation_messages(section: str, key: str, value: object, message: str) -> None:
    with pytest.raises(ArchError) as info:
        arch_from_dict(with_field(section, key, value))
    assert message in str(info.value)


def test_top_level_errors(tmp_path: Path) -> None:
    with pytest.raises(ArchError, match="'computng_mode': unknown field; did you mean 'computing_mode'"):
        arch_from_dict({**MINIMAL, "computng_mode": "CM"})
    with pytest.raises(ArchError, match="'crossbar.xb_size': missing required field"):
        arch_from_dict({**MINIMAL, "crossbar": {"parallel_row": 2}})
    bad = tmp_path / "bad.yaml"
    bad.write_text("chip: [unclosed")
    with pytest.raises(ArchError, match="bad.yaml: invalid arch field '<file>': not valid YAML"):
        load_arch(str(bad))
    typo = tmp_path / "typo.yaml"
    typo.write_text(yaml.safe_dump(with_field("crossbar", "dac", "one")))
    with pytest.raises(ArchError, match=r"typo.yaml: invalid arch field 'crossbar.dac'"):
        load_arch(str(typo))
    with pytest.raises(ArchError, match="did you mean 'puma'"):
        load_arch("pumaa")
    with pytest.raises(ArchError, match="no such arch file"):
        load_arch(str(tmp_path / "missing.yaml"))


def test_computing_mode_restriction() -> None:
    puma = load_arch("puma")
    assert puma.with_mode(ComputingMode.CM).computing_mode is ComputingMode.CM
    with pytest.raises(ValueError, match="WLM is finer than the finest interface arch 'puma' exposes"):
        puma.with_mode(ComputingMode.WLM)


def test_noc_cost() -> None:
    arch = arch_from_dict({**with_field("chip", "core_noc", "mesh"),
                           "chip": {"core_number": [2, 2], "core_noc": "mesh",
                                    "core_noc_cost": 2.0}})
    cost = arch.chip.core_noc_cost
    assert isinstance(cost, NocCost)
    assert cost.cost(0, 3, arch.chip.core_number, "mesh") == 4.0  # two hops
    assert cost.cost(1, 1, arch.chip.core_number, "mesh") == 0.0
    m = arch_from_dict(with_field("core", "xb_noc_cost", [[0, 1], [1, 0]])).core.xb_noc_cost
    assert isinstance(m, NocCost) and m.cost(0, 1, Grid(2, 1), IDEAL) == 1.0
