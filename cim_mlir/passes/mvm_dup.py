"""mvm-dup: duplication at VXB granularity (CIM-MLC §3.3.3, Eq. 1, Fig. 12a).

An operator's CG copies occupy whole cores, but a copy's VXB may use fewer
crossbars than its cores hold.  Re-packing VXBs into the crossbars of the
same cores gives D' = floor(num_core * D * Core_VXB / num_VXB) copies — i.e.
floor(crossbars of the operator's cores / crossbars per VXB) — capped by the
number of MVMs, each copy on its own consecutive crossbars (no two copies
share one).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

from cim_mlir.arch import Arch, ComputingMode
from cim_mlir.dialects.xbar import PlacementAttr, XbarOp
from cim_mlir.passes.base import CimPass
from cim_mlir.remarks import remark


def crossbar_runs(cores: list[int], xpc: int) -> list[tuple[int, int]]:
    """Maximal runs [start, end) of consecutive crossbars of these cores."""
    runs: list[list[int]] = []
    for core in sorted(cores):
        lo, hi = core * xpc, (core + 1) * xpc
        if runs and runs[-1][1] == lo:
            runs[-1][1] = hi
        else:
            runs.append([lo, hi])
    return [(a, b) for a, b in runs]


def place(runs: list[tuple[int, int]], size: int, limit: int) -> list[int]:
    """First crossbar of up to ``limit`` copies of ``size`` crossbars in the runs."""
    starts: list[int] = []
    for lo, hi in runs:
        x = lo
        while x + size <= hi and len(starts) < limit:
            starts.append(x)
            x += size
    return starts


@dataclass(frozen=True)
class MvmDupPass(CimPass):
    """Duplicate VXBs into the free crossbars of an operator's cores (Eq. 1)."""

    name = "mvm-dup"
    required_mode = ComputingMode.XBM

    def run(self, ctx: Context, module: ModuleOp, arch: Arch) -> None:
        changes = []
        for op in [o for o in module.walk() if isinstance(o, XbarOp)]:
            cores = op.sched.core_list
            if not cores:
                cores = sorted({x // arch.xbars_per_core for x in op.placement.starts})
            size = op.vxb.xbars.data
            starts = place(crossbar_runs(cores, arch.xbars_per_core), size, op.windows.data)
            if len(starts) <= op.placement.dup.data:
                continue
            before = op.placement.dup.data
            op.properties["placement"] = PlacementAttr.make(
                dup=len(starts), xbars=starts, stagger=op.placement.stagger.data)
            changes.append(f"{op.layer_name} {before}->{len(starts)}")
        if changes:
            shown = ", ".join(changes[:8]) + (f", ... ({len(changes)} layers)"
                                               if len(changes) > 8 else "")
            remark(self.name, f"VXB copies: {shown}")
        else:
            remark(self.name, "no operator has free crossbars in its cores; copies unchanged")
