"""cg-dup: operator duplication under the core budget (CIM-MLC §3.3.2, Fig. 9).

Per segment: choose each CIM operator's number of copies with a solver
(``dp``, ``cpsat`` or ``greedy``, see dup_solvers), give back copies that do
not lower a layer's time (its L0 bandwidth or ALU bound; the paper's
core_noc_cost / L0 BW / ALU update), then balance adjacent layers for the
pipeline, and assign cores.  Estimates come from the shared cost model.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

from cim_mlir.arch import Arch
from cim_mlir.diagnostics import PassError
from cim_mlir.passes.base import CimPass
from cim_mlir.passes.cg_graph import (
    CgLayer,
    build_graph,
    by_segment,
    segment_latency,
    time_curves,
)
from cim_mlir.passes.dup_solvers import (
    Solution,
    balance,
    solve_cpsat,
    solve_dp,
    solve_greedy,
    trim,
)
from cim_mlir.remarks import remark_segments

SOLVERS = ("dp", "cpsat", "greedy")


def check_fits(layers: list[CgLayer], arch: Arch, where: str) -> None:
    """One copy of every layer of a segment must fit on the chip."""
    budget = arch.num_cores
    for layer in layers:
        if layer.fp.cores > budget:
            raise PassError(
                f"one copy needs {layer.fp.cores} cores ({layer.fp.xbars} crossbars of "
                f"{arch.xb_rows}x{arch.xb_cols}), the chip has {budget}: short by "
                f"{layer.fp.cores - budget} cores; run cg-segment to split it",
                f"layer '{layer.name}'")
    need = sum(layer.fp.cores for layer in layers)
    if need > budget:
        raise PassError(
            f"one copy of each of its {len(layers)} layers needs {need} cores, the chip has "
            f"{budget}: short by {need - budget}; run cg-segment first", where)


def solve(layers: list[CgLayer], arch: Arch, solver: str, time_limit: float) -> Solution:
    curves = time_curves(layers, arch, arch.num_cores)
    cost = [layer.fp.cores for layer in layers]
    if solver == "dp":
        return solve_dp(curves, cost, arch.num_cores)
    if solver == "cpsat":
        return solve_cpsat(curves, cost, arch.num_cores, time_limit)
    return solve_greedy(curves, cost, arch.num_cores)


def assign_cores(layers: list[CgLayer], dups: list[int]) -> None:
    """Consecutive core blocks in program order, copy-major."""
    nxt = 0
    for layer, d in zip(layers, dups):
        n = d * layer.fp.cores
        layer.op.set_schedule(layer.op.sched.with_(dup=d, cores=list(range(nxt, nxt + n))))
        nxt += n


@dataclass(frozen=True)
class CgDupPass(CimPass):
    """Duplicate CIM operators across free cores (solver=dp|cpsat|greedy)."""

    name = "cg-dup"

    solver: str = "dp"
    """dp: the paper's DP; cpsat: OR-Tools CP-SAT; greedy: Poly-Schedule-like."""
    time_limit: float = 10.0
    """Seconds CP-SAT may search per segment."""
    balance: bool = True
    """Rebalance adjacent layers for the inter-operator pipeline."""

    def run(self, ctx: Context, module: ModuleOp, arch: Arch) -> None:
        if self.solver not in SOLVERS:
            raise PassError(f"unknown solver '{self.solver}'; choose {', '.join(SOLVERS)}",
                            self.name)
        layers = build_graph(module, arch)
        lines: list[str] = []
        for seg, seg_layers in by_segment(layers).items():
            check_fits(seg_layers, arch, f"segment {seg}")
            sol = solve(seg_layers, arch, self.solver, self.time_limit)
            curves = time_curves(seg_layers, arch, arch.num_cores)
            dups = trim(curves, sol.dups)
            if self.balance and self.solver != "greedy":
                cost = [layer.fp.cores for layer in seg_layers]
                dups = balance(curves, cost, arch.num_cores, dups,
                               lambda d: segment_latency(seg_layers, d, curves, True))
            assign_cores(seg_layers, dups)
            used = sum(d * l.fp.cores for d, l in zip(dups, seg_layers))
            seq = segment_latency(seg_layers, dups, curves, False)
            gap = f", gap {100 * sol.gap:.2f}%" if self.solver == "cpsat" else ""
            lines.append(f"segment {seg}: {len(seg_layers)} layers on {used}/"
                         f"{arch.num_cores} cores, solver {self.solver} {sol.status}{gap}, "
                         f"objective {sol.objective:.0f} cycles, sequential estimate "
                         f"{seq:.0f}; dup {dups}")
        remark_segments(self.name, lines)
