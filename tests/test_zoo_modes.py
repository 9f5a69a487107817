"""``cim-run --check`` on the CNN zoo (random weights) in crossbar and wordline mode.

The XBM and WLM issues' acceptance runs: every CNN of the zoo, compiled with
``--cim-mlc`` for isaac-baseline and puma (XBM) and isaac-baseline and
jain-jssc21 (WLM), executed by the interpreter and compared with
onnxruntime.  Slow (VGG-16 on jain-jssc21 alone is 9000 segments, ~3 min).
"""

from __future__ import annotations

import pytest

pytest.importorskip("onnxruntime")

CNNS = ["resnet18", "resnet34", "resnet50", "resnet101", "vgg7", "vgg16", "small_cnn",
        "conv_relu"]
CHIPS = [("isaac-baseline", "XBM"), ("puma", "XBM"), ("isaac-baseline", "WLM"),
         ("jain-jssc21", "WLM")]


@pytest.mark.slow
@pytest.mark.parametrize(("arch", "mode"), CHIPS, ids=lambda v: str(v))
@pytest.mark.parametrize("name", CNNS)
def test_cnn_zoo_checks_in_xbm_and_wlm(name: str, arch: str, mode: str, capsys) -> None:
    import model_zoo

    from cim_mlir.tools.cim_run import run

    path = model_zoo.zoo_path(name, form="random")
    code = run([str(path), "--arch", arch, "--computing-mode", mode, "--check", "--quiet"])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "relative error" in out
