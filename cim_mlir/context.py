"""The xDSL context every cim-mlir tool and test uses.

Dialects are loaded eagerly: xDSL resolves a dotted name such as
``cim.core.conv`` by its first component only, so lazily registered
``cim.core`` would never be found.
"""

from __future__ import annotations

from xdsl.context import Context
from xdsl.dialects.arith import Arith
from xdsl.dialects.builtin import Builtin
from xdsl.dialects.func import Func
from xdsl.ir import Dialect


def cim_dialects() -> list[Dialect]:
    """Every dialect cim-mlir defines, coarsest first."""
    from cim_mlir.dialects.cim import CIM

    dialects: list[Dialect] = [CIM]
    for module, name in (
        ("cim_mlir.dialects.onnx", "ONNX"),
        ("cim_mlir.dialects.core", "CIM_CORE"),
        ("cim_mlir.dialects.xbar", "CIM_XBAR"),
        ("cim_mlir.dialects.row", "CIM_ROW"),
        ("cim_mlir.dialects.mop", "CIM_MOP"),
    ):
        try:
            mod = __import__(module, fromlist=[name])
        except ModuleNotFoundError as e:
            if e.name == module:  # not written yet
                continue
            raise
        dialects.append(getattr(mod, name))
    return dialects


def make_context() -> Context:
    ctx = Context()
    for dialect in (Builtin, Func, Arith, *cim_dialects()):
        ctx.load_dialect(dialect)
    return ctx
