"""The cim.mop interpreter against onnxruntime: every example, every CM preset (exact)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cim_mlir import remarks
from cim_mlir.arch import ComputingMode, load_arch
from cim_mlir.context import make_context
from cim_mlir.diagnostics import PassError
from cim_mlir.dialects.cim import set_arch
from cim_mlir.frontend.onnx_importer import import_onnx
from cim_mlir.interpreter import relative_error, run_flow
from cim_mlir.passes.cim_mlc import CimMlcPass

ort = pytest.importorskip("onnxruntime")

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "examples").glob("*.onnx"))
CM_ARCHS = ["paper-example", "isaac-baseline", "jia-isscc21", "puma"]


def compile_model(path: Path, arch: str, mode: str = "CM"):
    module = import_onnx(path)
    set_arch(module, load_arch(arch).with_mode(ComputingMode[mode]))
    remarks.enabled = False
    try:
        CimMlcPass().apply(make_context(), module)
    finally:
        remarks.enabled = True
    return module


def onnx_reference(path: Path, seed: int = 0) -> tuple[np.ndarray, list[np.ndarray]]:
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    inp = sess.get_inputs()[0]
    x = np.random.default_rng(seed).standard_normal(inp.shape).astype(np.float32)
    return x, sess.run(None, {inp.name: x})


@pytest.mark.parametrize("arch", CM_ARCHS)
@pytest.mark.parametrize("model", EXAMPLES, ids=lambda p: p.stem)
def test_examples_exact_cm(model: Path, arch: str) -> None:
    try:
        module = compile_model(model, arch)
    except PassError as e:  # a model the compiler cannot map onto this chip
        pytest.skip(f"does not compile for {arch}: {e}")
    x, ref = onnx_reference(model)
    result = run_flow(module, [x])
    assert len(result.outputs) == len(ref)
    for y, r in zip(result.outputs, ref):
        assert y.shape == r.shape
        assert relative_error(y, r) <= 1e-4


ZOO = ["resnet18", "resnet34", "resnet50", "resnet101", "vgg7", "vgg16", "vit_b16",
       "small_cnn", "mlp", "conv_relu"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ZOO)
def test_zoo_models_check_in_cm(name: str, capsys) -> None:
    """``cim-run --check`` on every model-zoo network (random weights), CM, isaac-baseline."""
    import model_zoo

    from cim_mlir.tools.cim_run import run

    path = model_zoo.zoo_path(name, form="random")
    code = run([str(path), "--arch", "isaac-baseline", "--computing-mode", "CM", "--check",
                "--quiet"])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "relative error" in out
