"""mvm-dup: duplication at VXB granularity (CIM-MLC §3.3.3, Eq. 1, Fig. 12a).

An operator's CG copies occupy whole cores, but a copy's VXB may use fewer
crossbars than its cores hold.  Re-packing VXBs into the crossbars of the
same cores gives Eq. 1, D' = floor(num_core * D * Core_VXB / num_VXB) copies —
i.e. floor(crossbars of the operator's cores / crossbars per VXB) — capped by
the number of MVMs.

With ``rebalance`` (default) the pass then treats the chip's crossbars as one
pool and re-solves cg-dup's problem in units of a VXB instead of a core:
from Eq. 1's copies and from the DP's, it descends on the same objective (the
pipelined latency when the segment is pipelined, the sum of layer times
otherwise), keeps the best (never worse than Eq. 1), and packs the copies
onto consecutive crossbars.  No
two copies share a crossbar, and the total never exceeds xb_number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

from cim_mlir.arch import Arch, ComputingMode
from cim_mlir.cost import layer_total_curve
from cim_mlir.dialects.xbar import PlacementAttr, XbarOp
from cim_mlir.passes.base import CimPass
from cim_mlir.passes.cg_graph import CgLayer, build_graph, by_segment, segment_latency
from cim_mlir.remarks import remark, remark_segments


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


def placement_runs(op: XbarOp) -> list[tuple[int, int]]:
    """Runs of consecutive crossbars the operator's copies occupy now."""
    size = op.copy_xbars()
    runs: list[list[int]] = []
    for start in sorted(op.placement.starts):
        if runs and runs[-1][1] == start:
            runs[-1][1] = start + size
        else:
            runs.append([start, start + size])
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


def eq1_copies(op: XbarOp, arch: Arch) -> list[int]:
    """Eq. 1: VXB copies packed into the crossbars of the operator's CG cores."""
    cores = op.sched.core_list or sorted({x // arch.xbars_per_core
                                          for x in op.placement.starts})
    return place(crossbar_runs(cores, arch.xbars_per_core), op.copy_xbars(), op.windows.data)


def rebalance(layers: list[CgLayer], ops: list[XbarOp], dups: list[int],
              arch: Arch) -> list[int]:
    """Move VXB copies between operators over the whole chip (cg-dup's objective)."""
    from cim_mlir.passes.cg_dup import critical_balance
    from cim_mlir.passes.dup_solvers import balance, solve_dp, trim

    budget = arch.num_xbars
    cost = [op.copy_xbars() for op in ops]
    curves = []
    for layer, op, d in zip(layers, ops, dups):
        top = max(d, min(op.windows.data, budget // op.copy_xbars()))
        curves.append(layer_total_curve(layer.work, np.arange(1, top + 1), arch,
                                        op.binding_value()))
    pipelined = any(op.sched.stage.data > 0 for op in ops)

    def latency(d: list[int]) -> float:
        return segment_latency(layers, d, curves, pipelined)

    starts = [dups]
    try:
        starts.append(trim(curves, solve_dp(curves, cost, budget).dups))
    except ValueError:
        pass
    if pipelined:
        starts = [critical_balance(layers, curves, cost, budget,
                                   balance(curves, cost, budget, s, latency)) for s in starts]
    return min(starts, key=latency)


@dataclass(frozen=True)
class MvmDupPass(CimPass):
    """Duplicate VXBs into free crossbars (Eq. 1), then rebalance them chip-wide."""

    name = "mvm-dup"
    required_mode = ComputingMode.XBM

    rebalance: bool = True
    """After Eq. 1, move VXB copies between operators over the whole chip."""

    def run(self, ctx: Context, module: ModuleOp, arch: Arch) -> None:
        lines: list[str] = []
        for seg, seg_layers in by_segment(build_graph(module, arch)).items():
            pairs = [(l, l.op) for l in seg_layers if isinstance(l.op, XbarOp)]
            if not pairs:
                continue
            layers = [l for l, _ in pairs]
            ops: list[XbarOp] = [op for _, op in pairs]  # type: ignore[misc]
            before = [op.placement.dup.data for op in ops]
            starts = [eq1_copies(op, arch) for op in ops]
            dups = [max(len(s), 1) for s in starts]
            if self.rebalance:
                dups = rebalance(layers, ops, dups, arch)
                nxt, starts = 0, []
                for op, d in zip(ops, dups):
                    size = op.copy_xbars()
                    starts.append([nxt + k * size for k in range(d)])
                    nxt += d * size
            for op, s in zip(ops, starts):
                if s:
                    op.properties["placement"] = PlacementAttr.make(
                        dup=len(s), xbars=s,
                        stagger=min(op.placement.stagger.data,
                                    max(1, len(s) * op.vxb.row_tiles.data)))
            used = sum(len(s) * op.copy_xbars() for op, s in zip(ops, starts))
            changed = sum(1 for b, s in zip(before, starts) if len(s) != b)
            lines.append(f"segment {seg}: {changed}/{len(ops)} operators changed copies "
                         f"({sum(before)} -> {sum(len(s) for s in starts)} VXB copies), "
                         f"{used}/{arch.num_xbars} crossbars used")
        if lines:
            remark_segments(self.name, lines)
        else:
            remark(self.name, "no crossbar operators to duplicate")
