"""convert-cim-xbar-to-row: VXB tiles as row groups (WLM, §3.2.3).

Every ``cim.xbar`` operator becomes its ``cim.row`` twin: each crossbar tile
of its VXB is cut into groups of at most ``parallel_row`` rows, in place (the
naive mapping of Fig. 14b: a tile's groups activate in successive steps).
``vvm-remap`` may then move them apart.  Bit slices must sit in adjacent
columns (B->XBC): a row group then yields whole weights.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.rewriter import Rewriter

from cim_mlir.arch import Arch, ComputingMode
from cim_mlir.diagnostics import PassError
from cim_mlir.dialects.row import RowConvOp, RowGroupsAttr, RowMatmulOp
from cim_mlir.dialects.xbar import XbarConvOp, XbarMatmulOp, XbarOp
from cim_mlir.passes.base import CimPass


def tile_rows(op: XbarOp, arch: Arch) -> int:
    """Rows a full crossbar tile of the operator's VXB holds."""
    m = op.matrix.matrix()
    return min(arch.xb_rows, m.rows * op.vxb.groups_per_xbar.data)


@dataclass(frozen=True)
class ConvertCimXbarToRowPass(CimPass):
    """Cut VXB row tiles into groups of at most parallel_row rows (WLM)."""

    name = "convert-cim-xbar-to-row"
    required_mode = ComputingMode.WLM

    def run(self, ctx: Context, module: ModuleOp, arch: Arch) -> None:
        for op in [o for o in module.walk() if type(o) in (XbarConvOp, XbarMatmulOp)]:
            if op.vxb.bit_xbars.data != 1:
                raise PassError("wordline mode keeps a weight's bit slices in adjacent "
                                "columns (binding B->XBC); B->XB is an XBM binding",
                                f"layer '{op.layer_name}'")
            props = dict(op.properties)
            props["rows"] = RowGroupsAttr.make(
                size=min(arch.crossbar.parallel_row, tile_rows(op, arch)),
                height=arch.xb_rows)
            twin = RowConvOp if isinstance(op, XbarConvOp) else RowMatmulOp
            new = twin.create(operands=list(op.operands), result_types=[op.output.type],
                              properties=props)
            Rewriter.replace_op(op, new)
