"""Shared test setup: make ``tools/`` importable and keep the weight store out of $HOME."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "tools"))

# Like os.environ.setdefault, but mkdtemp only when unset: xdist workers inherit
# the controller's directory, and only its creator removes it.
if "CIM_MLIR_WEIGHTS" not in os.environ:
    os.environ["CIM_MLIR_WEIGHTS"] = _weights = tempfile.mkdtemp(prefix="cim-mlir-weights-")
    atexit.register(shutil.rmtree, _weights, ignore_errors=True)
