"""Solvers for operator duplication under a core budget (cg-dup, §3.3.2).

All solvers minimise the same objective, the segment's sequential latency
sum_i T_i(d_i), subject to sum_i d_i * cores_per_copy_i <= budget, where
T_i comes from the shared cost model (``time_curves``):

* ``dp`` — the paper's dynamic programme over the core budget (exact);
* ``cpsat`` — the same model in OR-Tools CP-SAT with a time limit, reporting
  the optimality gap (a cross-check, and the base for richer objectives);
* ``greedy`` — a Poly-Schedule-like baseline: duplicate the slowest layer
  while cores remain.

``trim`` and ``balance`` are the paper's post-steps: give back copies that
do not lower a layer's time (bandwidth/ALU bound), then even out adjacent
layers for the pipeline.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Solution:
    dups: list[int]
    objective: float
    status: str = "OPTIMAL"
    gap: float = 0.0
    """(objective - best bound) / objective; 0 for exact solvers."""


def _candidates(curve: np.ndarray) -> np.ndarray:
    """Duplications worth considering: those that strictly lower T (1-based)."""
    keep = np.ones(len(curve), dtype=bool)
    keep[1:] = curve[1:] < np.minimum.accumulate(curve)[:-1]
    return np.nonzero(keep)[0] + 1


def solve_dp(curves: Sequence[np.ndarray], cost: Sequence[int], budget: int) -> Solution:
    """Exact DP over (layer, cores used): O(layers x candidates x budget), vectorised."""
    inf = np.inf
    best = np.zeros(budget + 1)
    choices: list[tuple[np.ndarray, np.ndarray]] = []
    for curve, k in zip(curves, cost):
        cands = _candidates(curve)
        new = np.full(budget + 1, inf)
        arg = np.zeros(budget + 1, dtype=np.int64)
        for d in cands:
            used = int(d) * k
            if used > budget:
                break
            cand = np.full(budget + 1, inf)
            cand[used:] = best[: budget + 1 - used] + curve[d - 1]
            better = cand < new
            new[better] = cand[better]
            arg[better] = d
        choices.append((arg, new))
        best = new
    if not np.isfinite(best[budget]):
        raise ValueError("infeasible")
    dups: list[int] = []
    c = budget
    for (arg, _), k in zip(reversed(choices), reversed(list(cost))):
        d = int(arg[c])
        dups.append(d)
        c -= d * k
    dups.reverse()
    return Solution(dups, float(best[budget]))


def solve_cpsat(curves: Sequence[np.ndarray], cost: Sequence[int], budget: int,
                time_limit: float = 10.0) -> Solution:
    """The DP's model in CP-SAT: one Boolean per (layer, candidate duplication)."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    picks: list[list[tuple[int, object]]] = []
    weight_terms = []
    objective_terms = []
    for i, (curve, k) in enumerate(zip(curves, cost)):
        row = []
        for d in _candidates(curve):
            if int(d) * k > budget:
                break
            x = model.NewBoolVar(f"x_{i}_{d}")
            row.append((int(d), x))
            weight_terms.append(int(d) * k * x)
            objective_terms.append(int(round(float(curve[d - 1]))) * x)
        model.AddExactlyOne(x for _, x in row)
        picks.append(row)
    model.Add(sum(weight_terms) <= budget)
    model.Minimize(sum(objective_terms))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = 2
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ValueError("infeasible" if status == cp_model.INFEASIBLE else "no solution")
    dups = [next(d for d, x in row if solver.Value(x)) for row in picks]
    objective = float(sum(curve[d - 1] for curve, d in zip(curves, dups)))
    obj, bound = solver.ObjectiveValue(), solver.BestObjectiveBound()
    gap = 0.0 if obj <= 0 else max(0.0, (obj - bound) / obj)
    return Solution(dups, objective, solver.StatusName(status), gap)


def solve_greedy(curves: Sequence[np.ndarray], cost: Sequence[int], budget: int) -> Solution:
    """Duplicate the currently slowest layer while its next copy fits."""
    dups = [1] * len(curves)
    free = budget - sum(cost)
    if free < 0:
        raise ValueError("infeasible")
    blocked: set[int] = set()
    while len(blocked) < len(curves):
        i = max((j for j in range(len(curves)) if j not in blocked),
                key=lambda j: curves[j][dups[j] - 1])
        if dups[i] < len(curves[i]) and cost[i] <= free:
            dups[i] += 1
            free -= cost[i]
        else:
            blocked.add(i)
    return Solution(dups, float(sum(c[d - 1] for c, d in zip(curves, dups))), "HEURISTIC")


def trim(curves: Sequence[np.ndarray], dups: Sequence[int]) -> list[int]:
    """The fewest copies reaching the same time (extra copies only waste cores)."""
    out = []
    for curve, d in zip(curves, dups):
        target = curve[d - 1]
        out.append(int(np.argmax(curve[:d] <= target)) + 1)
    return out


def pipeline_split(curves: Sequence[np.ndarray], cost: Sequence[int], budget: int,
                   weights: Sequence[float]) -> list[int]:
    """Copies for a pipelined segment: crossbars in proportion to sqrt(c_i w_i).

    Along a chain where layer i delays the next by the fraction c_i of its time
    w_i / x_i, the continuous optimum of sum_i c_i w_i / x_i under sum x_i = N
    is x_i ~ sqrt(c_i w_i); rounded down to whole copies, then the leftover
    cores go greedily to the layer gaining most.
    """
    roots = [float(np.sqrt(max(w, 0.0))) for w in weights]
    total = sum(r * k for r, k in zip(roots, cost)) or 1.0
    dups = [max(1, min(len(c), int(budget * r / total))) for c, r in zip(curves, roots)]
    while sum(d * k for d, k in zip(dups, cost)) > budget:  # rounding overshoot
        i = max(range(len(dups)), key=lambda j: dups[j] if dups[j] > 1 else -1)
        if dups[i] == 1:
            raise ValueError("infeasible")
        dups[i] -= 1
    free = budget - sum(d * k for d, k in zip(dups, cost))
    while True:
        gains = [(roots[i] * (c[d - 1] - c[d]) / k if d < len(c) and k <= free else -1.0, i)
                 for i, (c, d, k) in enumerate(zip(curves, dups, cost))]
        gain, i = max(gains)
        if gain <= 0:
            return dups
        dups[i] += 1
        free -= cost[i]


def balance(curves: Sequence[np.ndarray], cost: Sequence[int], budget: int,
            dups: Sequence[int], latency: Callable[[list[int]], float],
            max_rounds: int = 1000) -> list[int]:
    """Move copies toward the pipeline's bottleneck while ``latency`` drops."""
    dups = list(dups)
    best = latency(dups)
    for _ in range(max_rounds):
        times = [c[d - 1] for c, d in zip(curves, dups)]
        order = sorted(range(len(dups)), key=lambda i: -times[i])
        improved = False
        for b in order[:3]:  # the slowest few layers
            if dups[b] >= len(curves[b]):
                continue
            free = budget - sum(d * k for d, k in zip(dups, cost))
            donors = [None] if free >= cost[b] else sorted(
                (j for j in range(len(dups)) if j != b and dups[j] > 1),
                key=lambda j: curves[j][dups[j] - 2])
            for j in donors:
                trial = list(dups)
                trial[b] += 1
                if j is not None:
                    trial[j] -= 1
                    if sum(d * k for d, k in zip(trial, cost)) > budget:
                        continue
                value = latency(trial)
                if value < best - 1e-9:
                    dups, best, improved = trial, value, True
                    break
            if improved:
                break
        if not improved:
            break
    return dups
