"""cim-run: the command line (in process, plus one subprocess run of the console script)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from onnx import numpy_helper

from cim_mlir.tools import cim_opt
from cim_mlir.tools.cim_run import run
from test_interpreter import REPO, onnx_reference
from test_interpreter_int import conv_model

ort = pytest.importorskip("onnxruntime")

CONV_RELU = REPO / "examples" / "conv_relu.onnx"
SMALL_CNN = REPO / "examples" / "small_cnn.onnx"
CM = ["--arch", "paper-example", "--computing-mode", "CM"]


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = run([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("cim-run: error: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture(scope="module")
def conv_relu_flow(tmp_path_factory) -> Path:
    """The Fig. 16(c) flow, compiled by cim-opt to a .mlir file."""
    out = tmp_path_factory.mktemp("flow") / "conv_relu.mlir"
    assert cim_opt.run([str(CONV_RELU), *CM, "--cim-mlc", "-o", str(out)]) == 0
    return out


def test_check_passes_and_writes_the_output(capsys, tmp_path) -> None:
    out = tmp_path / "y.npy"
    code, text, err = cli(capsys, CONV_RELU, *CM, "--check", "--output", out, "--quiet")
    assert code == 0, err
    assert "relative error" in text and "cosine" in text and "top-1 agreement" in text
    x, (ref,) = onnx_reference(CONV_RELU)
    y = np.load(out)
    assert y.dtype == np.float32 and y.shape == ref.shape
    np.testing.assert_allclose(y, ref, rtol=1e-4, atol=1e-5)


def test_summary(capsys) -> None:
    code, text, _ = cli(capsys, SMALL_CNN, "--arch", "isaac-baseline", "--computing-mode", "CM")
    assert code == 0
    assert "on 'isaac-baseline' in CM, numerics exact" in text
    assert "read_core" in text and "output 'output' 1x10" in text


@pytest.mark.parametrize("suffix", [".npy", ".pb"])
def test_inputs_from_files(capsys, tmp_path, suffix) -> None:
    x = np.random.default_rng(3).standard_normal((1, 3, 32, 32)).astype(np.float32)
    path = tmp_path / f"x{suffix}"
    if suffix == ".npy":
        np.save(path, x)
    else:
        path.write_bytes(numpy_helper.from_array(x, "input").SerializeToString())
    out = tmp_path / "y.npy"
    code, _, err = cli(capsys, CONV_RELU, *CM, "--input", path, "--output", out, "-q")
    assert code == 0, err
    sess = ort.InferenceSession(str(CONV_RELU), providers=["CPUExecutionProvider"])
    (ref,) = sess.run(None, {sess.get_inputs()[0].name: x})
    np.testing.assert_allclose(np.load(out), ref, rtol=1e-4, atol=1e-5)


def test_seed_changes_the_random_input(capsys, tmp_path) -> None:
    a, b = tmp_path / "a.npy", tmp_path / "b.npy"
    assert cli(capsys, CONV_RELU, *CM, "--seed", "1", "--output", a, "-q")[0] == 0
    assert cli(capsys, CONV_RELU, *CM, "--seed", "2", "--output", b, "-q")[0] == 0
    assert not np.array_equal(np.load(a), np.load(b))


def test_compiled_flow(capsys, conv_relu_flow) -> None:
    code, text, err = cli(capsys, conv_relu_flow, "--check", "--model", CONV_RELU)
    assert code == 0, err
    assert "check passed" in text
    code, _, err = cli(capsys, conv_relu_flow, "--check")
    assert code == 1
    assert "--model" in one_line_error(err)


def test_check_fails_on_a_corrupted_flow(capsys, conv_relu_flow, tmp_path) -> None:
    bad = tmp_path / "bad.mlir"
    text = conv_relu_flow.read_text()
    assert 'kind = "Relu"' in text
    bad.write_text(text.replace('kind = "Relu"', 'kind = "Sigmoid"'))
    code, out, err = cli(capsys, bad, "--check", "--model", CONV_RELU, "-q")
    assert code == 1
    assert "MISMATCH" in out and "check FAILED" in err
    # a corrupted address is an error naming the op and the address
    worse = tmp_path / "worse.mlir"
    worse.write_text(text.replace("L0[1440]", "L0[99999]"))
    code, _, err = cli(capsys, worse, "--check", "--model", CONV_RELU)
    line = one_line_error(err)
    assert code == 1 and "'cim.mop.read_core'" in line and "L0[99999" in line


def test_int_check(capsys, tmp_path) -> None:
    code, text, err = cli(capsys, SMALL_CNN, "--arch", "isaac-baseline", "--computing-mode",
                          "CM", "--numerics", "int", "--check")
    assert code == 0, err
    assert "vs integer reference (x_q @ W_q, same scales): exact" in text
    assert "0 of" in text and "conversions saturated" in text
    # jia-isscc21: 1152 rows at once through an 8-bit ADC saturate on this layer
    wide = conv_model(tmp_path / "wide.onnx", 128, 16, 4)
    code, text, err = cli(capsys, wide, "--arch", "jia-isscc21", "--numerics", "int", "--check")
    assert code == 1
    assert "the ADC can saturate on this arch" in text and "MISMATCH: cosine" in text


@pytest.mark.parametrize("argv,message", [
    (["missing.onnx"], "cannot open 'missing.onnx'"),
    ([REPO / "examples" / "README.md"], "expected an ONNX model (.onnx) or a compiled flow"),
    ([CONV_RELU, "--arch", "no-such-chip"], "no-such-chip"),
    ([CONV_RELU, "--arch", "jia-isscc21", "--computing-mode", "WLM"], "--computing-mode"),
    ([CONV_RELU, *CM, "--input", "missing.npy"], "cannot open 'missing.npy'"),
    ([CONV_RELU, *CM, "--numerics", "float16"], "invalid choice"),
    ([CONV_RELU, *CM, "--bogus"], "unrecognized arguments"),
])
def test_bad_inputs_are_one_line_errors(capsys, argv, message) -> None:
    code, _, err = cli(capsys, *argv)
    assert code == 1
    assert message in one_line_error(err)


def test_bad_files(capsys, tmp_path) -> None:
    wrong = tmp_path / "x.npy"
    np.save(wrong, np.zeros((1, 3, 8, 8), np.float32))
    code, _, err = cli(capsys, CONV_RELU, *CM, "--input", wrong)
    assert code == 1 and "needs [1, 3, 32, 32]" in one_line_error(err)
    text = tmp_path / "x.txt"
    text.write_text("1 2 3")
    code, _, err = cli(capsys, CONV_RELU, *CM, "--input", text)
    assert code == 1 and ".npy arrays or .pb TensorProtos" in one_line_error(err)
    junk = tmp_path / "junk.npy"
    junk.write_bytes(b"not numpy")
    code, _, err = cli(capsys, CONV_RELU, *CM, "--input", junk)
    assert code == 1 and "is not a .npy array" in one_line_error(err)
    garbage = tmp_path / "garbage.mlir"
    garbage.write_text("this is not mlir {")
    code, _, err = cli(capsys, garbage)
    assert code == 1
    one_line_error(err)
    bare = tmp_path / "bare.mlir"
    bare.write_text("builtin.module {\n}\n")
    code, _, err = cli(capsys, bare, "--arch", "paper-example")
    assert code == 1 and "neither a cim.mop.flow" in one_line_error(err)
    code, _, err = cli(capsys, bare)
    assert code == 1 and "no #cim.arch" in one_line_error(err)


def test_console_script(tmp_path) -> None:
    exe = shutil.which("cim-run") or shutil.which("cim-run", path=str(Path(sys.executable).parent))
    cmd = [exe] if exe else [sys.executable, "-m", "cim_mlir.tools.cim_run"]
    ok = subprocess.run([*cmd, str(CONV_RELU), *CM, "--check"], capture_output=True, text=True,
                        timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "check passed" in ok.stdout
    assert "\r" not in ok.stderr  # no progress bar when stderr is not a terminal
    bad = subprocess.run([*cmd, str(tmp_path / "nothing.onnx")], capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode == 1
    assert bad.stderr.strip().startswith("cim-run: error:") and "Traceback" not in bad.stderr
