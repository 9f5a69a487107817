"""The performance simulator and its lower bound, on flows small enough to reason about.

The paper reproduction (tools/paper_report.py) exercises the simulator on the zoo; these
tests pin the properties every result relies on: MVMs are counted once per window
whatever the staging, the bound never exceeds what a schedule achieves, and the report's
totals are consistent with its parts.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from xdsl.dialects.builtin import ModuleOp

from cim_mlir import remarks
from cim_mlir.arch import Arch, ComputingMode, load_arch
from cim_mlir.arch.loader import arch_from_dict
from cim_mlir.context import make_context
from cim_mlir.dialects.cim import set_arch
from cim_mlir.dialects.mop import MovOp
from cim_mlir.frontend.onnx_importer import import_onnx
from cim_mlir.interpreter import run_flow
from cim_mlir.passes.cim_mlc import CimMlcPass
from cim_mlir.sim import simulate
from graphs import Graph

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"

TARGETS = [("paper-example", "CM"), ("paper-example", "XBM"), ("paper-example", "WLM"),
           ("isaac-baseline", "CM"), ("isaac-baseline", "XBM"), ("isaac-baseline", "WLM"),
           ("jia-isscc21", "CM"), ("puma", "XBM"), ("jain-jssc21", "WLM")]


@pytest.fixture(autouse=True)
def _quiet_remarks():
    remarks.enabled = False
    yield
    remarks.enabled = True


def compile_for(source, arch: Arch, **mlc) -> ModuleOp:
    module = import_onnx(source)
    set_arch(module, arch)
    CimMlcPass(**mlc).apply(make_context(), module)
    module.verify()
    return module


def target(name: str, mode: str) -> Arch:
    return load_arch(name).with_mode(ComputingMode[mode])


@pytest.mark.parametrize("mode", ["CM", "XBM", "WLM"])
def test_conv_relu_mvms_are_its_windows(mode: str) -> None:
    """Fig. 16's conv: 32x32 output pixels, one MVM each, in every mode."""
    report = simulate(compile_for(EXAMPLES / "conv_relu.onnx", target("paper-example", mode)))
    conv = report.layers["conv"]
    assert conv.cim and conv.mvms == 1024
    assert 0 <= conv.start < conv.finish <= report.cycles


@pytest.mark.parametrize("model", ["conv_relu", "mlp", "small_cnn"])
@pytest.mark.parametrize("arch_name, mode", TARGETS)
def test_bound_is_below_what_is_achieved(model: str, arch_name: str, mode: str) -> None:
    """A lower bound above the simulated latency would make every achieved/bound ratio
    meaningless (a zero-work layer once made it infinite)."""
    arch = target(arch_name, mode)
    report = simulate(compile_for(EXAMPLES / f"{model}.onnx", arch))
    assert 0 < report.lower_bound_cycles <= report.cycles * (1 + 1e-9)
    assert math.isfinite(report.ratio_to_bound) and report.ratio_to_bound >= 1 - 1e-9
    parts = report.bound_parts
    assert all(math.isfinite(v) and v >= 0 for v in parts.values()), parts
    assert report.lower_bound_cycles == pytest.approx(
        max(parts["crossbar"], parts["critical_path"], parts["buffer"], parts["alu"])
        + parts["reload"])
    # totals are consistent with their parts
    assert 0 < report.peak_active_xbars <= arch.num_xbars
    assert all(v >= 0 for v in report.energy_pj.values())
    assert report.energy_pj["crossbar"] > 0
    # every pJ of compute is booked to a layer (programming is booked apart)
    booked = sum(layer.energy_pj for layer in report.layers.values())
    assert booked + report.energy_pj.get("write", 0.0) == pytest.approx(
        sum(report.energy_pj.values()))
    assert "?" not in report.layers
    for name, layer in report.layers.items():
        if layer.cim:
            assert layer.mvms > 0, name
            assert layer.finish <= report.cycles * (1 + 1e-9), name


def staged_matmul(tmp_path: Path) -> tuple[Path, dict[str, np.ndarray]]:
    g = Graph()
    x = g.input("x", [4, 256])
    y = g.node("MatMul", [x, g.weight([256, 8])])
    path = g.save(y, tmp_path / "mm.onnx")
    return path, {"x": np.random.default_rng(0).standard_normal((4, 256)).astype(np.float32)}


def test_matmul_staged_in_l0_counts_its_mvms(tmp_path: Path) -> None:
    """PUMA's 1 KB L1 cannot hold VGG-16's 25088-wide classifier input: the windows are
    staged in L0.  Those gathers are MVMs too (missing them gave a zero-work layer and
    an infinite bound for VGG-16 on puma)."""
    arch = arch_from_dict({"name": "tiny-l1", "computing_mode": "XBM",
                           "chip": {"core_number": [2, 1]},
                           "core": {"xb_number": [2, 1], "l1_size": 64},
                           "crossbar": {"xb_size": [128, 32], "parallel_row": 128,
                                        "precision": 8}})
    path, feeds = staged_matmul(tmp_path)
    module = compile_for(path, arch)
    gathers = [op for op in module.walk() if isinstance(op, MovOp) and op.sizes is not None]
    assert gathers and all(op.dst.space.data == "L0" for op in gathers)
    report = simulate(module)
    (layer,) = [s for s in report.layers.values() if s.cim]
    assert layer.mvms == 4
    assert 0 < report.lower_bound_cycles <= report.cycles
    out = run_flow(module, feeds).outputs[0]
    assert out.shape == (4, 8)


def test_duplication_and_pipelining_only_help() -> None:
    """Each CIM-MLC level lowers the simulated latency of Fig. 16's conv on its chip."""
    arch = target("paper-example", "XBM")
    source = EXAMPLES / "conv_relu.onnx"
    plain = simulate(compile_for(source, arch, dup=False, pipeline=False, mvm_dup=False,
                                 mvm_pipeline=False)).cycles
    cg = simulate(compile_for(source, arch, mvm_dup=False, mvm_pipeline=False)).cycles
    full = simulate(compile_for(source, arch)).cycles
    assert full < cg < plain
