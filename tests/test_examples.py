"""The shipped examples stay reproducible from the tools that generate them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_figure16_walkthrough_is_current() -> None:
    """examples/figure16.md is what tools/figure16.py generates now."""
    proc = subprocess.run([sys.executable, str(REPO / "tools" / "figure16.py"), "--check"],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run calls exactly the README's test command."""
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    command = next(line for line in ci.splitlines() if line.startswith("python3 -m venv"))
    assert command in readme


def test_example_arch_files_load_and_round_trip() -> None:
    from cim_mlir.arch import arch_from_dict, arch_to_dict, load_arch

    files = sorted((REPO / "examples" / "arch").glob("*.*"))
    assert {f.suffix for f in files} >= {".yaml", ".json"}
    for path in files:
        arch = load_arch(str(path))
        assert arch_from_dict(arch_to_dict(arch, with_docs=True)) == arch
