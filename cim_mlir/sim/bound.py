"""A lower bound on the latency of a model on a chip, printed beside every result.

No schedule at the flow's programming granularity can beat any of:

* crossbar work: every MVM must activate its crossbars for its input slices
  and row steps; spread perfectly over every crossbar of the chip.  The unit
  is the mode's own: a CM copy occupies whole cores, an XBM copy its VXB,
  a WLM copy its row groups (which remapping only moves around);
* the critical path: along any chain of layers, a consumer cannot start
  before its producer has emitted the rows its first window needs (the lead
  fraction c of the producer's time), and cannot finish before its producer
  finishes plus its own last row (1/rows of its time).  With x_i crossbars,
  layer i takes at least w_i / x_i, so a chain takes at least
  sum_i c_i w_i / x_i; even giving the chain's layers the whole chip, the best
  split (x_i ~ sqrt(c_i w_i)) leaves (sum_i sqrt(c_i w_i))^2 / N — maximised
  over the chains of the graph — plus, per link, the part of one MVM latency
  (the shortest the mode allows) that the pipeline makes it wait beyond the
  lead (never more than running the two layers one after another);
* data movement: every element the flow moves through L0, at L0 bandwidth;
* digital work: every ALU op at the chip ALU's rate;
* reprogramming: a matrix of R x G rows whose row is C*cpw cells wide needs
  at least R * G * ceil(C*cpw / xb columns) crossbar row writes, whatever the
  mapping; the rows beyond what the chip holds at once (crossbars x rows) are
  written after the start, all cores writing in parallel, a row at a time.

The bound is the largest of the first three (they may overlap) plus the
last.  ``achieved / bound`` shows how far a schedule is from the limit.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from cim_mlir.arch import ComputingMode
from cim_mlir.cost import alu_cycles, footprint, row_steps, steps_cycles, transfer_cycles

if TYPE_CHECKING:
    from cim_mlir.sim.simulator import Simulator


def lower_bound(sim: Simulator) -> tuple[float, dict[str, float]]:
    arch = sim.arch
    mode = sim.flow.computing_mode
    work = 0.0
    works: dict[str, float] = {}
    floors: dict[str, float] = {}
    delays: dict[str, float] = {}
    rows_needed = 0
    for name, stats in sim.layers.items():
        if not stats.cim or stats.matrix is None:
            continue
        fp = footprint(stats.matrix, arch)
        units = fp.cores * arch.xbars_per_core if mode == ComputingMode.CM else fp.xbars
        steps = steps_cycles(row_steps(fp.tile_rows, arch), arch)
        works[name] = stats.mvms * steps * units
        work += works[name]
        # The shortest MVM latency the mode allows: one activation step per input
        # slice once rows are remapped (WLM); the hardware's row steps otherwise.
        delays[name] = steps_cycles(1, arch) if mode == ComputingMode.WLM else steps
        if mode == ComputingMode.CM:  # copies split output rows: one row on one copy
            rows = max(1, sim.schedule.get(name, {}).get("rows", 1))
            floors[name] = stats.mvms / rows * steps
        m = stats.matrix
        rows_needed += m.rows * m.groups * math.ceil(m.cols * fp.cells_per_weight
                                                     / arch.xb_cols)
    compute = work / arch.num_xbars
    path = critical_path(sim, works, floors, delays)
    buffer = transfer_cycles(sim.counts.get("l0_elems", 0.0), arch, arch.chip.l0_bw)
    alu = alu_cycles(sim.counts.get("alu_ops", 0.0), arch.chip.alu)
    reload = 0.0
    extra_rows = rows_needed - arch.num_xbars * arch.xb_rows
    if extra_rows > 0:
        write = arch.cost.write_row_cycles(arch.crossbar.cell_type)
        reload = math.ceil(extra_rows / arch.num_cores) * write
    parts = {"crossbar": compute, "critical_path": path, "buffer": buffer, "alu": alu,
             "reload": reload}
    return max(compute, path, buffer, alu) + reload, parts


def critical_path(sim: Simulator, works: dict[str, float], floors: dict[str, float],
                  delays: dict[str, float]) -> float:
    """The pipeline's critical chain with the best continuous split of the chip.

    The chains are those of the pipeline recurrence (cim_mlir.cost.pipeline_trace):
    a consumer's start waits for a lead fraction c of its producer's time; a layer
    finishes after its whole run (c = 1) or, through a tail, 1/rows of its time
    after its producer finishes.  A layer given x crossbars takes at least
    max(w / x, floor) (the floor: one output row on one copy in CM, whose copies
    split the rows).  Without floors the best split of N crossbars along a
    chain costs (sum_i sqrt(c_i w_i))^2 / N; the chain maximising it is found
    by a DP in program order, then its bound is recomputed with the floors by
    water-filling (x_i = min(w_i / floor_i, lambda sqrt(c_i w_i))).  Segments
    run one after another, each with the whole chip: their bounds add up.
    """
    segments: dict[int, list[str]] = {}
    for name in sim.schedule:  # program order
        if name in works:
            segments.setdefault(sim.schedule[name].get("segment", 0), []).append(name)
    # Segments run one after another, each with the whole chip.
    return sum(chain_bound(sim, names, works, floors, delays)
               for names in segments.values())


def chain_bound(sim: Simulator, names: list[str], works: dict[str, float],
                floors: dict[str, float], delays: dict[str, float]) -> float:
    """The critical-chain bound of one segment's layers.

    A chain is a list of (layer, coefficient) terms and the waits of its links.
    A start link p -> c costs min(T_p, c T_p + d_p) (the pipeline recurrence of
    cost.pipeline_trace) = c T_p + min((1 - c) T_p, d_p): beyond the water-filled
    c T_p it adds at least min((1 - c) T_min_p, d_p), T_min_p being the shortest
    any schedule can make the producer (one MVM, its work over the whole chip,
    its CM floor).  A tail link adds min((1 - f) T_min_c, d_p) likewise.
    """
    n_xbars = sim.arch.num_xbars
    t_min = {n: max(delays.get(n, 0.0), works[n] / n_xbars, floors.get(n, 0.0))
             for n in names}
    Chain = tuple[float, list[tuple[str, float]], float]
    start: dict[str, Chain] = {}
    finish: dict[str, Chain] = {}
    for name in names:
        info = sim.schedule[name]
        preds = {p: f for p, f in info.get("preds", {}).items() if p in finish}
        start[name] = max(((start[p][0] + math.sqrt(f * works[p]), start[p][1] + [(p, f)],
                            start[p][2] + min((1 - f) * t_min[p], delays.get(p, 0.0)))
                           for p, f in preds.items()), default=(0.0, [], 0.0),
                          key=lambda v: v[0])
        frac = 1.0 / max(1, info.get("rows", 1))
        tail = math.sqrt(works[name] * frac)
        finish[name] = max([(start[name][0] + math.sqrt(works[name]),
                             start[name][1] + [(name, 1.0)], start[name][2])]
                           + [(finish[p][0] + tail, finish[p][1] + [(name, frac)],
                               finish[p][2] + min((1 - frac) * t_min[name],
                                                  delays.get(p, 0.0)))
                              for p in preds], key=lambda v: v[0])
    if not finish:
        return 0.0
    _, chain, links = max(finish.values(), key=lambda v: v[0])
    return water_fill(chain, works, floors, n_xbars) + links


def water_fill(chain: list[tuple[str, float]], works: dict[str, float],
               floors: dict[str, float], budget: int) -> float:
    """min over x (sum x <= budget) of sum_i c_i max(w_i / x_i, floor_i) on a chain."""
    terms: dict[str, tuple[float, float]] = {}
    for name, c in chain:  # a layer may appear twice (lead and run): add coefficients
        w, prev = works[name], terms.get(name, (0.0, 0.0))[0]
        if w <= 0:  # no crossbar work (nothing to bound)
            continue
        terms[name] = (prev + c, w)
    if not terms:
        return 0.0

    def alloc(lam: float) -> dict[str, float]:
        out = {}
        for name, (c, w) in terms.items():
            cap = w / floors[name] if floors.get(name, 0.0) > 0 else math.inf
            out[name] = min(cap, lam * math.sqrt(c * w))
        return out

    lo, hi = 0.0, 1.0
    while sum(alloc(hi).values()) < budget and hi < 1e30:
        if all(floors.get(n, 0) > 0 and alloc(hi)[n] >= works[n] / floors[n] for n in terms):
            break
        hi *= 2
    for _ in range(100):
        mid = (lo + hi) / 2
        if sum(alloc(mid).values()) > budget:
            hi = mid
        else:
            lo = mid
    x = alloc(lo)
    return sum(c * max(w / x[n] if x[n] > 0 else math.inf, floors.get(n, 0.0))
               for n, (c, w) in terms.items())
