"""cim-opt as a user meets it: flags, help, round trips and one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import onnx
import pytest
import yaml
from onnx import TensorProto, helper

from cim_mlir.arch import ComputingMode, arch_to_dict, load_arch
from cim_mlir.passes.registry import PASSES
from cim_mlir.tools.cim_opt import translate_argv

REPO = Path(__file__).resolve().parents[1]
CONV_RELU = REPO / "examples" / "conv_relu.onnx"


def cim_opt(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cim_mlir.tools.cim_opt", *args],
                          capture_output=True, text=True, input=stdin, cwd=REPO)


def assert_clean_error(proc: subprocess.CompletedProcess[str], message: str) -> None:
    assert proc.returncode == 1, proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("cim-opt: error:")


def test_help_lists_every_pass_and_the_default_arch() -> None:
    proc = cim_opt("--help")
    assert proc.returncode == 0
    for name in PASSES:
        line = next((l for l in proc.stdout.splitlines() if l.strip().startswith(f"--{name} ")),
                    None)
        assert line is not None, f"--help does not list {name}"
        assert len(line.split(maxsplit=1)) == 2, f"{name} has no description"
    assert "defaultarch:isaac-baseline" in "".join(proc.stdout.split()).lower()


def test_onnx_import_round_trips_through_the_cli() -> None:
    first = cim_opt(str(CONV_RELU), "--arch", "isaac-baseline")
    assert first.returncode == 0, first.stderr
    assert "#cim.arch<{name = \"isaac-baseline\"" in first.stdout
    again = cim_opt(stdin=first.stdout)
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout


def test_flags_and_pipelines_keep_their_order() -> None:
    passes = set(PASSES)
    argv = translate_argv(["m.onnx", "--cg-segment", "-p", "cg-dup{solver=cpsat}",
                           "--cg-pipeline", "--cg-dup=solver=greedy,balance=false"], passes)
    assert argv == ["m.onnx", "-p",
                    "cg-segment,cg-dup{solver=cpsat},cg-pipeline,"
                    "cg-dup{solver=greedy balance=false}"]
    # Values xDSL's pipeline lexer cannot take bare are quoted.
    assert translate_argv(["--convert-cim-core-to-xbar=binding=R->XBR,C->XBC,B->XB"],
                          {"convert-cim-core-to-xbar"}) == [
        "-p", 'convert-cim-core-to-xbar{binding="R->XBR,C->XBC,B->XB"}']
    # An option that takes a value never swallows the input file.
    assert translate_argv(["--cg-dup", "m.onnx"], passes) == ["m.onnx", "-p", "cg-dup"]


def test_flag_and_pipeline_syntax_agree() -> None:
    base = [str(CONV_RELU), "--arch", "paper-example", "--computing-mode", "CM",
            "-p", "onnx-canonicalize,convert-onnx-to-cim-core"]
    flag = cim_opt(*base, "--cg-dup=solver=greedy")
    spec = cim_opt(*base[:-1], base[-1] + ",cg-dup{solver=greedy}")
    assert flag.returncode == 0 and flag.stdout == spec.stdout


def test_computing_mode_restricts_and_rejects_finer() -> None:
    ok = cim_opt(str(CONV_RELU), "--arch", "puma", "--computing-mode", "CM")
    assert ok.returncode == 0 and "computing_mode = CM" in ok.stdout
    assert_clean_error(cim_opt(str(CONV_RELU), "--arch", "puma", "--computing-mode", "WLM"),
                       "computing mode WLM is finer than the finest interface arch 'puma' "
                       "exposes (XBM)")


def test_pass_not_exposed_by_the_mode() -> None:
    proc = cim_opt(str(CONV_RELU), "--arch", "jia-isscc21", "-p",
                   "onnx-canonicalize,convert-onnx-to-cim-core,convert-cim-core-to-xbar")
    assert_clean_error(proc, "pass 'convert-cim-core-to-xbar' needs the XBM computing mode or "
                       "finer, but arch 'jia-isscc21' is driven in CM")


def test_invalid_arch_file(tmp_path: Path) -> None:
    raw = arch_to_dict(load_arch("paper-example"))
    raw["crossbar"]["parallel_row"] = 64
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw))
    assert_clean_error(cim_opt(str(CONV_RELU), "--arch", str(path)),
                       "invalid arch field 'crossbar.parallel_row': 64 is out of range; "
                       "allowed: an integer in [1, 32]")
    assert_clean_error(cim_opt(str(CONV_RELU), "--arch", "isaac"), "did you mean")


@pytest.mark.parametrize(("args", "message"), [
    (["-p", "no-such-pass"], "no-such-pass"),
    (["-p", "cg-dup{solver=simplex}"], "unknown solver 'simplex'"),
    (["-p", "cg-dup{solver=cpsat"], "Error parsing pass pipeline"),
    (["--cim-mlc", "-t", "mop", "--arch", "paper-example", "--computing-mode", "CM",
      "--input-shape", "nope=1x2"], "nope"),
])
def test_bad_options_are_one_line_errors(args: list[str], message: str) -> None:
    assert_clean_error(cim_opt(str(CONV_RELU), *args), message)


def test_unsupported_model(tmp_path: Path) -> None:
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])
    graph = helper.make_graph([helper.make_node("Exp", ["x"], ["y"], name="e0")], "g", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    path = tmp_path / "exp.onnx"
    onnx.save(model, path)
    assert_clean_error(cim_opt(str(path)), "e0 (Exp, opset 17)")
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"not a model")
    assert_clean_error(cim_opt(str(junk)), "junk.onnx")


def test_verify_diagnostics_report_pass_errors(tmp_path: Path) -> None:
    """Pass errors are diagnostics: --verify-diagnostics prints them and exits 0."""
    proc = cim_opt(str(CONV_RELU), "--arch", "jia-isscc21", "--verify-diagnostics",
                   "-p", "convert-onnx-to-cim-core,mvm-dup")
    assert proc.returncode == 0
    assert "pass 'mvm-dup' needs the XBM computing mode" in proc.stdout


def test_progress_bars_only_where_a_terminal_sees_them(capsys: pytest.CaptureFixture[str]) -> None:
    """cim-opt's pass bar stays off a piped stderr; a forced bar labels every step of
    cim-mlc and the lowering, and is cleared (leave=False) when done."""
    from cim_mlir.context import make_context
    from cim_mlir.dialects.cim import set_arch
    from cim_mlir.frontend.onnx_importer import import_onnx
    from cim_mlir.passes.cim_mlc import CimMlcPass
    from cim_mlir.progress import shown

    out = cim_opt(str(REPO / "examples" / "small_cnn.onnx"), "--arch", "isaac-baseline", "--cim-mlc")
    assert out.returncode == 0 and "%|" not in out.stderr and "pass/s" not in out.stderr

    def compile_small_cnn() -> str:
        module = import_onnx(REPO / "examples" / "small_cnn.onnx")
        set_arch(module, load_arch("isaac-baseline").with_mode(ComputingMode.XBM))
        CimMlcPass().apply(make_context(), module)
        return capsys.readouterr().err

    assert "%|" not in compile_small_cnn()  # library calls: off by default
    with shown(True):
        err = compile_small_cnn()
    assert "cim-mlc" in err and "lower to cim.mop" in err
    for step in ("cg-dup", "mvm-dup", "convert-cim-to-mop"):
        assert step in err


def test_invalid_input_ir_says_it_is_the_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mlir"
    bad.write_text('"cim.mop.flow"() : () -> ()\n')
    for extra in ([], ["--cim-mlc"]):
        proc = cim_opt(str(bad), "--arch", "paper-example", *extra)
        assert_clean_error(proc, f"input '{bad}' fails verification: Expected 1 region")
