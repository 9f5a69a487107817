"""Every cim-mlir pass, by command-line name, imported lazily.

Add a pass here as ``"name": ("module", "Class")``; cim-opt lists it in
``--help`` with the first line of its docstring.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable

from xdsl.passes import ModulePass

PASSES: dict[str, tuple[str, str]] = {
    # onnx level: canonicalization
    "onnx-canonicalize": ("cim_mlir.passes.onnx_canonicalize", "OnnxCanonicalizePass"),
    "onnx-fold-batchnorm": ("cim_mlir.passes.onnx_canonicalize", "FoldBatchNormPass"),
    "onnx-drop-identity": ("cim_mlir.passes.onnx_canonicalize", "DropIdentityPass"),
    "onnx-fold-constants": ("cim_mlir.passes.onnx_canonicalize", "FoldConstantsPass"),
}


def _loader(module: str, cls: str) -> Callable[[], type[ModulePass]]:
    def load() -> type[ModulePass]:
        return getattr(importlib.import_module(module), cls)

    return load


def available_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """Passes whose module exists (issues land one after another)."""
    out: dict[str, Callable[[], type[ModulePass]]] = {}
    for name, (module, cls) in PASSES.items():
        if importlib.util.find_spec(module) is not None:
            out[name] = _loader(module, cls)
    return out
