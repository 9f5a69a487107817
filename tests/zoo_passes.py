"""Test helpers: zoo models imported onto an arch and run through named passes."""

from __future__ import annotations

import model_zoo
from xdsl.dialects.builtin import ModuleOp

from cim_mlir.context import make_context
from cim_mlir.dialects.cim import set_arch
from cim_mlir.frontend.onnx_importer import import_onnx
from cim_mlir.passes.registry import available_passes


def load_model(model: str, arch) -> ModuleOp:
    """A zoo model (light form) imported with ``arch`` attached."""
    module = import_onnx(model_zoo.zoo_path(model, "light"))
    set_arch(module, arch)
    return module


def run_passes(module: ModuleOp, *names: str, **options) -> ModuleOp:
    """Apply passes by registry name (options per pass name), verifying after each."""
    passes = available_passes()
    ctx = make_context()
    for name in names:
        passes[name]()(**options.get(name, {})).apply(ctx, module)
        module.verify()
    return module
