"""Every cim-mlir pass, by command-line name, imported lazily.

Add a pass here as ``"name": ("module", "Class")``; cim-opt lists it in
``--help`` with the first line of its docstring.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from typing import Any

from xdsl.passes import ModulePass

PASSES: dict[str, tuple[str, str]] = {
    # onnx level: canonicalization
    "onnx-canonicalize": ("cim_mlir.passes.onnx_canonicalize", "OnnxCanonicalizePass"),
    "onnx-fold-batchnorm": ("cim_mlir.passes.onnx_canonicalize", "FoldBatchNormPass"),
    "onnx-drop-identity": ("cim_mlir.passes.onnx_canonicalize", "DropIdentityPass"),
    "onnx-fold-constants": ("cim_mlir.passes.onnx_canonicalize", "FoldConstantsPass"),
    # CM level (cim.core)
    "convert-onnx-to-cim-core": ("cim_mlir.passes.convert_onnx_to_cim_core",
                                 "ConvertOnnxToCimCorePass"),
    "cg-segment": ("cim_mlir.passes.cg_segment", "CgSegmentPass"),
    "cg-dup": ("cim_mlir.passes.cg_dup", "CgDupPass"),
    "cg-pipeline": ("cim_mlir.passes.cg_pipeline", "CgPipelinePass"),
    # XBM level (cim.xbar)
    "convert-cim-core-to-xbar": ("cim_mlir.passes.convert_cim_core_to_xbar",
                                 "ConvertCimCoreToXbarPass"),
    "mvm-dup": ("cim_mlir.passes.mvm_dup", "MvmDupPass"),
    "mvm-pipeline": ("cim_mlir.passes.mvm_pipeline", "MvmPipelinePass"),
    # WLM level (cim.row)
    "convert-cim-xbar-to-row": ("cim_mlir.passes.convert_cim_xbar_to_row",
                                "ConvertCimXbarToRowPass"),
    "vvm-remap": ("cim_mlir.passes.vvm_remap", "VvmRemapPass"),
    # the whole flow
    "cim-mlc": ("cim_mlir.passes.cim_mlc", "CimMlcPass"),
    # to the meta-operator flow
    "convert-cim-to-mop": ("cim_mlir.passes.convert_cim_to_mop", "ConvertCimToMopPass"),
}


TARGETS: dict[str, tuple[str, str]] = {
    # "mop": the meta-operator flow in the paper's syntax; "perf": JSON report.
    "mop": ("cim_mlir.targets.mop", "MopTarget"),
    "perf": ("cim_mlir.targets.perf", "PerfTarget"),
}


def _loader(module: str, cls: str) -> Callable[[], Any]:
    def load() -> Any:
        return getattr(importlib.import_module(module), cls)

    return load


def _existing(table: dict[str, tuple[str, str]]) -> dict[str, Callable[[], Any]]:
    out: dict[str, Callable[[], Any]] = {}
    for name, (module, cls) in table.items():
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if found:
            out[name] = _loader(module, cls)
    return out


def available_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """Passes whose module exists (issues land one after another)."""
    return _existing(PASSES)


def available_targets() -> dict[str, Callable[[], Any]]:
    """Output targets (``-t``) whose module exists."""
    return _existing(TARGETS)
