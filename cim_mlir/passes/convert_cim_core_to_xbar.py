"""convert-cim-core-to-xbar: operators onto virtual crossbars (XBM, §3.2.2).

Every ``cim.core`` operator becomes its ``cim.xbar`` twin, which keeps all CG
decisions and adds the VXB built by the dimension binding (the arch's
``core.binding``, or this pass's ``binding`` option) and a first placement:
one VXB copy per CG copy, at the first crossbar of the copy's cores.  Convs
become MVMs over their sliding windows (im2col order), matmuls one MVM per row.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import IntAttr, ModuleOp, StringAttr
from xdsl.rewriter import Rewriter

from cim_mlir.arch import Arch, ComputingMode
from cim_mlir.cost import Binding, MappingError, footprint
from cim_mlir.diagnostics import PassError
from cim_mlir.dialects.core import ConvOp, MatmulOp
from cim_mlir.dialects.xbar import PlacementAttr, VxbAttr, XbarConvOp, XbarMatmulOp
from cim_mlir.passes.base import CimPass
from cim_mlir.passes.cg_graph import layer_work


@dataclass(frozen=True)
class ConvertCimCoreToXbarPass(CimPass):
    """Map cim.core operators onto VXB copies by the dimension binding (XBM)."""

    name = "convert-cim-core-to-xbar"
    required_mode = ComputingMode.XBM

    binding: str | None = None
    """Override the arch's binding for every operator, e.g. R->XBR,C->XBC,B->XB."""

    def run(self, ctx: Context, module: ModuleOp, arch: Arch) -> None:
        try:
            binding = Binding.parse(self.binding or arch.core.binding)
        except MappingError as e:
            raise PassError(str(e), self.name) from None
        xpc = arch.xbars_per_core
        next_core: dict[int, int] = {}
        for op in [o for o in module.walk() if type(o) in (ConvOp, MatmulOp)]:
            try:
                fp = footprint(op.matrix.matrix(), arch, binding)
            except MappingError as e:
                raise PassError(f"binding {binding} cannot hold its matrix: {e}",
                                f"layer '{op.layer_name}'") from None
            per_copy = op.footprint.cores.data
            if fp.xbars > per_copy * xpc:
                raise PassError(
                    f"binding {binding} needs {fp.xbars} crossbars per copy, but the CG "
                    f"schedule gave each copy {per_copy} core(s) = {per_copy * xpc} "
                    "crossbars; schedule with the same binding (set core.binding in the "
                    "arch)", f"layer '{op.layer_name}'")
            sched = op.sched
            cores = sched.core_list
            if not cores:  # unscheduled: consecutive cores in its segment
                seg = sched.segment.data
                start = next_core.get(seg, 0)
                cores = list(range(start, start + per_copy * sched.dup.data))
                next_core[seg] = start + len(cores)
                sched = sched.with_(cores=cores)
            starts = [c * xpc for c in cores[::per_copy]]
            props = dict(op.properties)
            props.update(
                schedule=sched,
                binding=StringAttr(str(binding)),
                vxb=VxbAttr.of(fp),
                placement=PlacementAttr.make(dup=len(starts), xbars=starts, stagger=1),
                windows=IntAttr(layer_work(op).mvms),
            )
            twin = XbarConvOp if isinstance(op, ConvOp) else XbarMatmulOp
            new = twin.create(operands=list(op.operands), result_types=[op.output.type],
                              properties=props)
            Rewriter.replace_op(op, new)
