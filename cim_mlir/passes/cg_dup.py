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

import numpy as np

from cim_mlir.arch import Arch
from cim_mlir.diagnostics import PassError
from cim_mlir.passes.base import CimPass
from cim_mlir.cost import PipelineTrace
from cim_mlir.passes.cg_graph import (
    CgLayer,
    build_graph,
    by_segment,
    segment_latency,
    segment_trace,
    time_curves,
)
from cim_mlir.passes.dup_solvers import (
    Solution,
    balance,
    pipeline_split,
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


def next_breakpoint(curve, d: int) -> int | None:
    """The fewest copies above ``d`` that lower the layer's time (curves have
    plateaus: a core-mode copy takes whole rows, a bandwidth bound flattens)."""
    lower = np.nonzero(curve[d:] < curve[d - 1])[0]
    return int(lower[0]) + d + 1 if len(lower) else None


def critical_balance(layers: list[CgLayer], curves: list, cost: list[int], budget: int,
                     dups: list[int], max_moves: int = 3000) -> list[int]:
    """Steepest descent on the pipelined latency, guided by its critical path.

    The gradient of the makespan with respect to each layer's time (its weight
    on the critical path: 1 for a layer whose run ends the path, the lead
    fraction for a producer a consumer waits on, 1/rows for a tail) prices a
    copy: the best move gives a copy to the layer gaining most per core and
    takes the cores from free ones or from layers losing least.
    """
    dups = list(dups)
    trace, lead, frac = segment_trace(layers, dups, curves)

    def key(t: PipelineTrace) -> tuple[float, float]:
        # Parallel paths of equal length make the makespan flat: break ties by
        # the layers' total finish time, so that shortening one of them counts.
        return (round(t.makespan, 6), sum(t.finish.values()))

    best = key(trace)
    names = [l.name for l in layers]
    for _ in range(max_moves):
        grad = trace.gradient(lead, frac)
        free = budget - sum(d * k for d, k in zip(dups, cost))
        # Donors, cheapest loss per core first (shared by every receiver).
        pool = sorted(
            (grad.get(names[j], 0.0) * (curves[j][dups[j] - 2] - curves[j][dups[j] - 1])
             / cost[j], j) for j in range(len(dups)) if dups[j] > 1)
        moves = []
        for i, (c, d) in enumerate(zip(curves, dups)):
            g = grad.get(names[i], 0.0)
            step = next_breakpoint(c, d)
            if g <= 0 or step is None:
                continue
            gain = g * (c[d - 1] - c[step - 1])
            k = (step - d) * cost[i]
            need, loss, donors = k - free, 0.0, []
            for unit_loss, j in pool if need > 0 else ():
                if j == i:
                    continue
                donors.append(j)
                loss += unit_loss * cost[j]
                need -= cost[j]
                if need <= 0:
                    break
            if need > 0:
                continue
            moves.append(((gain - loss) / k, i, donors))
        moves.sort(reverse=True)
        for value, i, donors in moves[:4]:
            if value <= 0:
                break
            trial = list(dups)
            trial[i] = next_breakpoint(curves[i], dups[i])  # type: ignore[assignment]
            for j in donors:
                trial[j] -= 1
            t, _, _ = segment_trace(layers, trial, curves)
            if key(t) < best:
                dups, trace, best = trial, t, key(t)
                break
        else:
            return dups
    return dups


def lead_weights(layers: list[CgLayer], curves: list) -> list[float]:
    """c_i * w_i: a layer's single-copy time, weighted by how much of it delays
    the next layer in the pipeline (its largest lead fraction; 1 if last)."""
    names = {l.name for l in layers}
    lead: dict[str, float] = {}
    for layer in layers:
        for p, f in layer.preds.items():
            if p in names:
                lead[p] = max(lead.get(p, 0.0), f)
    return [lead.get(l.name, 1.0) * float(c[0]) for l, c in zip(layers, curves)]


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

    def pipeline_aware(self, layers: list[CgLayer], curves: list, dups: list[int],
                       arch: Arch) -> list[int]:
        """Balance for the pipeline: from the solver's split and from the
        sqrt(c w) split, descend on the pipelined latency; keep the better, or the
        solver's split if running it sequentially beats every pipelined one."""
        cost = [layer.fp.cores for layer in layers]

        def latency(d: list[int]) -> float:
            return segment_latency(layers, d, curves, True)

        starts = [dups]
        try:
            starts.append(pipeline_split(curves, cost, arch.num_cores,
                                         lead_weights(layers, curves)))
        except ValueError:
            pass
        results = [critical_balance(layers, curves, cost, arch.num_cores,
                                    balance(curves, cost, arch.num_cores, s, latency))
                   for s in starts]
        best = min(results, key=latency)
        # cg-pipeline keeps a pipeline only where it is no slower than running the
        # layers one after another: then the solver's own split is the better one.
        if latency(best) > segment_latency(layers, dups, curves, False):
            return dups
        return best

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
                dups = self.pipeline_aware(seg_layers, curves, dups, arch)
            assign_cores(seg_layers, dups)
            used = sum(d * l.fp.cores for d, l in zip(dups, seg_layers))
            seq = segment_latency(seg_layers, dups, curves, False)
            gap = f", gap {100 * sol.gap:.2f}%" if self.solver == "cpsat" else ""
            lines.append(f"segment {seg}: {len(seg_layers)} layers on {used}/"
                         f"{arch.num_cores} cores, solver {self.solver} {sol.status}{gap}, "
                         f"objective {sol.objective:.0f} cycles, sequential estimate "
                         f"{seq:.0f}; dup {dups}")
        remark_segments(self.name, lines)
