"""cim-report (table, PNG plots, JSON; one-line errors) and the paper-report machinery.

The full paper reproduction (tools/paper_report.py without --only) is a benchmark: it is
marked slow and excluded from the default suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cim_mlir.report import format_perf, markdown_table
from cim_mlir.report.plots import active_curve
from cim_mlir.tools import cim_report

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _png_ok(path: Path) -> bool:
    return path.exists() and path.read_bytes()[:8] == PNG_MAGIC and path.stat().st_size < 300_000


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str, Path]]:
    """cim-report on the two example models (once for the module)."""
    out: dict[str, tuple[int, str, Path]] = {}
    for name in ("conv_relu", "small_cnn"):
        outdir = tmp_path_factory.mktemp(name)
        import contextlib
        import io

        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            code = cim_report.run([str(EXAMPLES / f"{name}.onnx"), "-o", str(outdir),
                                   "--no-progress"])
        out[name] = (code, buf.getvalue(), outdir)
    return out


@pytest.mark.parametrize("name", ["conv_relu", "small_cnn"])
def test_report_table_plots_json(reports, name: str) -> None:
    code, text, outdir = reports[name]
    assert code == 0
    # the per-layer table and the totals
    assert "layer" in text and "peak xbars" in text and "energy" in text
    for key in ("cycles", "lower bound", "achieved / bound", "bound parts", "peak active xbars",
                "peak power", "programming", "reload"):
        assert key in text, key
    assert "the default arch" in text  # design.md: the default arch is stated in every report
    data = json.loads((outdir / f"{name}.perf.json").read_text())
    assert data["cycles"] > 0 and data["layers"]
    assert data["cim_report"]["passes"] == "cim-mlc"
    for layer in data["layers"]:
        assert layer in text
    for kind in ("layers", "gantt", "active"):
        assert _png_ok(outdir / f"{name}.{kind}.png"), kind


def test_report_from_json_and_flow(reports, tmp_path: Path, capsys) -> None:
    _, text, outdir = reports["conv_relu"]
    perf = outdir / "conv_relu.perf.json"
    cycles = json.loads(perf.read_text())["cycles"]
    assert cim_report.run([str(perf), "--no-plots", "--no-progress"]) == 0
    assert f"{cycles:,.0f}" in capsys.readouterr().out
    # a compiled flow (.mlir) is simulated as is
    from cim_mlir.tools import cim_opt

    flow = tmp_path / "flow.mlir"
    assert cim_opt.run([str(EXAMPLES / "conv_relu.onnx"), "--arch", "paper-example",
                        "--cim-mlc", "-o", str(flow)]) == 0
    capsys.readouterr()
    assert cim_report.run([str(flow), "-o", str(tmp_path / "r"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "arch 'paper-example'" in out and "totals" in out
    assert _png_ok(tmp_path / "r" / "flow.gantt.png")


def test_report_baseline_passes(tmp_path: Path, capsys) -> None:
    """--passes gives the baselines; no optimisation is never faster than cim-mlc."""
    cycles = {}
    for spec in ("cim-mlc{dup=false pipeline=false}", "cim-mlc"):
        assert cim_report.run([str(EXAMPLES / "conv_relu.onnx"), "--arch", "isaac-baseline",
                               "--computing-mode", "CM", "--passes", spec, "--no-plots",
                               "--no-json", "--no-progress"]) == 0
        out = capsys.readouterr().out
        assert f"passes: {spec}" in out
        line = next(l for l in out.splitlines() if l.strip().startswith("cycles"))
        cycles[spec] = float(line.split()[1].replace(",", ""))
    assert cycles["cim-mlc"] <= cycles["cim-mlc{dup=false pipeline=false}"]


@pytest.mark.parametrize("args, message", [
    (["missing.onnx"], "cannot open"),
    (["{tmp}/model.txt"], "expected an ONNX model"),
    (["{tmp}/bad.onnx"], "not an ONNX model"),
    (["{tmp}/bad.json"], "not a performance report"),
    (["{tmp}/bad.mlir"], "bad.mlir"),
    (["{examples}/conv_relu.onnx", "--arch", "no-such-chip"], "no-such-chip"),
    (["{examples}/conv_relu.onnx", "--passes", "no-such-pass"], "no-such-pass"),
    (["{examples}/conv_relu.onnx", "--passes", "cim-mlc{dup=maybe}"], "--passes"),
    (["{examples}/conv_relu.onnx", "--passes", "cg-segment"], "cim.mop.flow"),
    (["{examples}/conv_relu.onnx", "--computing-mode", "XYZ"], "computing-mode"),
    (["{examples}/conv_relu.onnx", "--layers", "0"], "--layers"),
    (["{tmp}/report.json", "--arch", "puma"], "--arch"),
    ([], "required"),
])
def test_bad_input_is_one_line_exit_1(tmp_path: Path, capsys, args: list[str],
                                      message: str) -> None:
    (tmp_path / "model.txt").write_text("x")
    (tmp_path / "bad.onnx").write_bytes(b"not a protobuf")
    (tmp_path / "bad.json").write_text('{"a": 1}')
    (tmp_path / "bad.mlir").write_text("x\n")
    (tmp_path / "report.json").write_text(json.dumps(
        {"cycles": 1, "lower_bound_cycles": 1, "peak_active_xbars": 1, "layers": {}}))
    argv = [a.replace("{tmp}", str(tmp_path)).replace("{examples}", str(EXAMPLES)) for a in args]
    assert cim_report.run(argv + ["-o", str(tmp_path / "out"), "--no-progress"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("cim-report: error:") and message in err, err
    assert "Traceback" not in err


def test_console_script_help() -> None:
    assert 'cim-report = "cim_mlir.tools.cim_report:main"' in (REPO / "pyproject.toml").read_text()
    proc = subprocess.run([sys.executable, "-m", "cim_mlir.tools.cim_report", "--help"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "OUTDIR" in proc.stdout


PERF = {
    "arch": "x", "computing_mode": "CM", "cycles": 100.0, "latency_us": 0.1,
    "lower_bound_cycles": 80.0, "achieved_over_bound": 1.25,
    "lower_bound_parts": {"crossbar": 80.0, "critical_path": 50.0, "reload": 0.0},
    "init_cycles": 10.0, "reload_cycles": 0.0, "peak_active_xbars": 6.0, "peak_power_mw": 2.0,
    "energy_pj": 1000.0, "energy_by_component_pj": {"crossbar": 900.0, "write": 100.0},
    "segments": [{"index": 0, "program_cycles": 10.0, "cycles": 100.0}],
    "layers": {
        "a": {"segment": 0, "start": 0.0, "cycles": 60.0, "peak_active_xbars": 4,
              "energy_pj": 300.0, "xbars": [[0, 3]]},
        "b": {"segment": 0, "start": 40.0, "cycles": 60.0, "peak_active_xbars": 2,
              "energy_pj": 0.0, "xbars": [[4, 5]]},
    },
}


def test_format_perf_synthetic() -> None:
    text = format_perf(PERF, title="t")
    assert "achieved / bound = 1.250" in text
    assert "crossbar 80 *" in text  # the part that sets the bound
    assert "overlap" in text  # 120 cycles of layers in 100
    assert "not attributed" in text and "60%" in text  # 600 of 1000 pJ
    assert "60.0%" in text  # layer a's share
    top1 = format_perf(PERF, max_layers=1)
    assert "1 slowest of 2 layers" in top1


def test_active_curve_sums_intervals() -> None:
    times, levels = active_curve(PERF)
    assert max(levels) == 6.0  # a and b overlap on [40, 60)
    assert levels[-1] == 0.0 and times[-1] == 100.0


def test_markdown_table_escapes() -> None:
    md = markdown_table(["a", "b"], [["x|y", 1]])
    assert "x\\|y" in md and md.count("\n") == 2


# ---- the paper-report machinery ------------------------------------------------------


def test_paper_report_compare_rule() -> None:
    import paper_report as pr

    t = pr.Table("t", "T", "models")
    t.compare("close", "m", 1.1, 1.0, "x", "")
    t.compare("far, explained", "m", 2.0, 1.0, "x", "", lambda: "**because** of X")
    t.compare("far, unexplained", "m", 0.5, 1.0, "x", "", lambda: None)
    t.compare("sign flip", "m", 5.0, -75.0, "pct", "")
    rows = {c["result"]: c for c in t.comparisons}
    assert not rows["close"]["differs"] and rows["close"]["note"] == ""
    assert rows["far, explained"]["differs"] and "because" in rows["far, explained"]["note"]
    assert rows["far, unexplained"]["note"] and len(t.warnings) == 2
    assert rows["sign flip"]["differs"]
    assert pr.differs(1.25) is False and pr.differs(1.26) and pr.differs(0.79)


def test_paper_report_quick_one_experiment(tmp_path: Path) -> None:
    """--quick --only fig20a: the pool, the tables, the notes, the JSON, the plots."""
    import paper_report as pr

    out = tmp_path / "res"
    code = pr.main(["--out", str(out), "--quick", "--only", "fig20a", "-j", "2",
                    "--no-progress"])
    assert code == 0
    md = (out / "paper_report.md").read_text()
    assert md.splitlines()[2].startswith("Generated by: `python tools/paper_report.py")
    assert "--only fig20a" in md
    assert "Fig. 20 (a)" in md and "ours / paper" in md and "achieved / bound" in md
    assert "| CG-P&D over Jia et al.'s schedule | ResNet-18 |" in md
    data = json.loads((out / "paper_report.json").read_text())
    assert len(data["runs"]) == 3 and not any("error" in r for r in data["runs"].values())
    for run in data["runs"].values():
        assert run["cycles"] > 0 and run["lower_bound"] > 0 and run["layers"]
    comps = [c for t in data["tables"] for c in t["comparisons"]]
    assert {c["result"] for c in comps} >= {"CG-P&D over Jia et al.'s schedule",
                                            "CG-Pipeline over Jia et al.'s schedule"}
    assert all(c["note"] for c in comps if c["differs"])  # every > 25% row is explained
    assert _png_ok(out / "fig20.png")


@pytest.mark.slow
def test_paper_report_quick_all(tmp_path: Path) -> None:
    """The whole --quick subset (a benchmark: about half a minute on two cores)."""
    import paper_report as pr

    out = tmp_path / "res"
    assert pr.main(["--out", str(out), "--quick", "-j", "2", "--no-progress"]) == 0
    data = json.loads((out / "paper_report.json").read_text())
    comps = [c for t in data["tables"] for c in t["comparisons"]]
    assert all(c["note"] for c in comps if c["differs"])
    for png in ("fig20.png", "fig21.png", "fig22.png", "compile_time.png"):
        assert _png_ok(out / png), png
