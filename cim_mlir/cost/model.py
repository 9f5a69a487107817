"""The one cost model: cycle formulas shared by the passes and the simulator.

Every scheduling pass (the cg-dup DP and its CP-SAT twin, cg-pipeline,
mvm-dup, vvm-remap) estimates with these functions, and the performance
simulator charges each meta-operator with the same ones, so a decision and
its evaluation never disagree.  Units: crossbar cycles (see
:class:`cim_mlir.arch.CostParams`).  Ideal parameters cost nothing.
Sources of the formulas are given in ``docs/cost-model.md``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from cim_mlir.arch import IDEAL, Arch, ComputingMode
from cim_mlir.cost.mapping import Binding, Footprint, WeightMatrix, footprint


@dataclass(frozen=True)
class LayerWork:
    """The static work of one CIM-supported operator (one image)."""

    name: str
    matrix: WeightMatrix
    mvms: int
    """Input vectors: output positions OH*OW of a conv, rows M of a matmul."""
    in_elems: int
    """Elements of the input activation."""
    out_elems: int
    """Elements of the output activation."""
    out_rows: int = 1
    """Rows of the output (the pipeline's unit of progress): OH, or M."""
    in_rows: int = 1
    """Rows of the input: H, or M."""
    window_rows: int = 1
    """Input rows one output row needs (kh for a conv, 1 for a matmul)."""
    stride_rows: int = 1
    """Input rows consumed per output row (the vertical stride)."""
    row_mvms: int = 1
    """MVMs per output row: core-mode copies split a conv's output by whole rows."""

    @property
    def window_elems(self) -> int:
        """Elements gathered per MVM (the unrolled input vector, all groups)."""
        return self.matrix.rows * self.matrix.groups


# ---- primitive costs (also charged per meta-op by the simulator) ------------------


def row_steps(rows: int, arch: Arch) -> int:
    """Row activations to apply ``rows`` rows when at most parallel_row are active."""
    return max(1, math.ceil(rows / arch.crossbar.parallel_row))


def step_cycles(arch: Arch) -> float:
    """Cycles of one crossbar activation step on this chip's cells."""
    return arch.cost.read_cycles(arch.crossbar.cell_type)


def steps_cycles(steps: int, arch: Arch) -> float:
    """An MVM of ``steps`` row activations per input slice, bit-serially."""
    return arch.input_slices * steps * step_cycles(arch)


def xb_read_cycles(rows: int, arch: Arch) -> float:
    """One MVM on one crossbar using ``rows`` rows: bit-serial slices x row steps."""
    return steps_cycles(row_steps(rows, arch), arch)


def mvm_cycles(fp: Footprint, arch: Arch) -> float:
    """One MVM on one copy: all tiles in parallel, each limited by parallel_row."""
    return xb_read_cycles(fp.tile_rows, arch)


def shift_add_ops(matrix: WeightMatrix, fp: Footprint, arch: Arch) -> float:
    """Digital ops per MVM: shift-accumulating input slices, bit slices, row tiles."""
    terms = arch.input_slices * fp.bit_xbars * fp.row_tiles
    return matrix.total_cols * max(0, terms - 1) * arch.cost.shift_add_ops_per_output


def alu_cycles(ops: float, alu: int | object) -> float:
    """Digital ops on an ALU of ``alu`` ops/cycle (ideal: free)."""
    if alu is IDEAL or ops <= 0:
        return 0.0
    return ops / float(alu)  # type: ignore[arg-type]


def transfer_cycles(elems: float, arch: Arch, bandwidth: int | object) -> float:
    """Moving ``elems`` activations over a buffer of ``bandwidth`` bits/cycle."""
    if bandwidth is IDEAL or elems <= 0:
        return 0.0
    return elems * arch.data.activation_bits / float(bandwidth)  # type: ignore[arg-type]


def write_cycles(fp: Footprint, arch: Arch) -> float:
    """Programming one copy: rows are written one at a time per crossbar, crossbars
    in parallel (a core's crossbars share its write drivers, so per core)."""
    per_core = min(fp.xbars, arch.xbars_per_core)
    return fp.tile_rows * per_core * arch.cost.write_row_cycles(arch.crossbar.cell_type)


# ---- layer level (the CG-grained estimate) -----------------------------------------


@dataclass(frozen=True)
class LayerTime:
    """Cycles of a layer on ``dup`` copies, by the resource that limits it."""

    compute: float
    alu: float
    buffer: float
    dup: int

    @property
    def total(self) -> float:
        """Crossbars, ALU and buffer work overlapped: the slowest one bounds it."""
        return max(self.compute, self.alu, self.buffer)

    @property
    def bound(self) -> str:
        return max(("compute", self.compute), ("alu", self.alu), ("buffer", self.buffer),
                   key=lambda kv: kv[1])[0]


def layer_time(work: LayerWork, dup: int, arch: Arch,
               binding: Binding | None = None, mvm: float | None = None,
               waves: int = 1) -> LayerTime:
    """Cycles of one layer with ``dup`` copies working on disjoint inputs.

    ``mvm`` overrides the per-MVM cycles (finer levels lower it: remapping).
    In CM a core reads its input partition once (core-internal line buffer);
    in XBM/WLM every MVM gathers its window from L0, which is the data-feeding
    pressure the paper observes for tall crossbars (§4.4.2).
    """
    compute, alu, buffer = layer_time_curve(work, np.array([dup]), arch, binding, mvm, waves)
    return LayerTime(compute=float(compute[0]), alu=float(alu[0]), buffer=float(buffer[0]),
                     dup=dup)


def layer_time_curve(work: LayerWork, dups: np.ndarray, arch: Arch,
                     binding: Binding | None = None, mvm: float | None = None,
                     waves: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(compute, alu, buffer) cycles for every duplication in ``dups`` at once.

    The DP and the CP-SAT model evaluate hundreds of candidate duplications
    per layer; this is the vectorised form of :func:`layer_time`.  With
    ``waves`` > 1 (the MVM-grained staggered activation) the copies of an
    iteration are activated in that many successive groups.
    """
    dups = np.asarray(dups, dtype=np.int64)
    fp = footprint(work.matrix, arch, binding)
    per_mvm = mvm_cycles(fp, arch) if mvm is None else mvm
    if arch.computing_mode == ComputingMode.CM:  # copies take whole output rows
        unit = max(1, work.row_mvms)
        compute = np.ceil(work.mvms / unit / dups) * unit * per_mvm * waves
    else:
        compute = np.ceil(work.mvms / dups) * per_mvm * waves
    ops = work.mvms * shift_add_ops(work.matrix, fp, arch)
    if arch.core.alu is IDEAL or ops <= 0:
        alu = np.zeros(len(dups))
    else:
        alu = ops / (float(arch.core.alu) * fp.cores * dups)  # type: ignore[arg-type]
    if arch.computing_mode == ComputingMode.CM:
        traffic = work.in_elems + work.out_elems
    else:
        traffic = work.mvms * work.window_elems + work.out_elems
    buffer = np.full(len(dups), transfer_cycles(traffic, arch, arch.chip.l0_bw))
    return compute, alu, buffer


def layer_total_curve(work: LayerWork, dups: np.ndarray, arch: Arch,
                      binding: Binding | None = None, mvm: float | None = None
                      ) -> np.ndarray:
    """:attr:`LayerTime.total` for every duplication in ``dups``."""
    compute, alu, buffer = layer_time_curve(work, dups, arch, binding, mvm)
    return np.maximum(np.maximum(compute, alu), buffer)


def dcom_cycles(ops: float, arch: Arch) -> float:
    """A digital operator on the chip ALU (ReLU, pooling, residual add, ...)."""
    return alu_cycles(ops, arch.chip.alu)


# ---- segment level -------------------------------------------------------------------


def sequential_latency(times: Sequence[float]) -> float:
    """Layers one after another (no pipeline)."""
    return float(sum(times))


@dataclass
class PipelineTrace:
    """The pipeline recurrence's result and which constraint bound each layer."""

    makespan: float
    start: dict[str, float]
    finish: dict[str, float]
    start_by: dict[str, str | None]
    """The producer whose lead fixed the layer's start (None: time 0)."""
    finish_by: dict[str, str | None]
    """The producer whose finish (+ tail) fixed the layer's finish (None: its own run)."""

    def gradient(self, lead: Mapping[tuple[str, str], float],
                 tail_frac: Mapping[str, float]) -> dict[str, float]:
        """d makespan / d T_i along the critical path (where the max is unique)."""
        grad: dict[str, float] = defaultdict(float)
        if not self.finish:
            return grad
        node: str | None = max(self.finish, key=lambda n: self.finish[n])
        at_finish, weight = True, 1.0
        while node is not None:
            if at_finish:
                producer = self.finish_by[node]
                if producer is None:  # finish = start + T
                    grad[node] += weight
                    at_finish = False
                    continue
                grad[node] += weight * tail_frac.get(node, 0.0)
                node = producer
            else:
                producer = self.start_by[node]
                if producer is None:
                    break
                grad[producer] += weight * lead.get((producer, node), 1.0)
                node, at_finish = producer, False
        return grad


def pipeline_trace(
    order: Sequence[str],
    times: Mapping[str, float],
    preds: Mapping[str, Sequence[str]],
    lead: Mapping[tuple[str, str], float],
    tail: Mapping[str, float] | None = None,
    delay: Mapping[str, float] | None = None,
) -> PipelineTrace:
    """Inter-operator pipeline over a DAG (CIM-MLC §3.3.2, Fig. 9a).

    A consumer starts once its producer has emitted the fraction ``lead[p, c]``
    of its output (the rows its first window needs) plus the producer's
    ``delay`` (the latency of one of its MVMs: an output exists only once its
    partial sums are accumulated) and cannot finish before the producer
    finishes plus ``tail[c]`` (its own last row) plus that delay.  Neither wait
    exceeds what running the two one after another costs (the producer's whole
    run; the consumer's whole run after it): a layer's time already ends with
    its last MVM, so the pipeline is never slower than the sequential order.
    """
    start: dict[str, float] = {}
    finish: dict[str, float] = {}
    start_by: dict[str, str | None] = {}
    finish_by: dict[str, str | None] = {}
    tail = tail or {}
    delay = delay or {}
    for name in order:
        s, f_floor = 0.0, 0.0
        s_by = f_by = None
        for p in preds.get(name, ()):
            d = delay.get(p, 0.0)
            cand = start[p] + min(times[p], times[p] * lead.get((p, name), 1.0) + d)
            if cand > s:
                s, s_by = cand, p
            cand = finish[p] + min(times[name], tail.get(name, 0.0) + d)
            if cand > f_floor:
                f_floor, f_by = cand, p
        start[name], start_by[name] = s, s_by
        if s + times[name] >= f_floor:
            finish[name], finish_by[name] = s + times[name], None
        else:
            finish[name], finish_by[name] = f_floor, f_by
    makespan = max(finish.values()) if finish else 0.0
    return PipelineTrace(makespan, start, finish, start_by, finish_by)


def pipelined_latency(
    order: Sequence[str],
    times: Mapping[str, float],
    preds: Mapping[str, Sequence[str]],
    lead: Mapping[tuple[str, str], float],
    tail: Mapping[str, float] | None = None,
    delay: Mapping[str, float] | None = None,
) -> tuple[float, dict[str, float]]:
    """The pipeline's finish time and each layer's start (see pipeline_trace)."""
    trace = pipeline_trace(order, times, preds, lead, tail, delay)
    return trace.makespan, trace.start


def peak_active(intervals: Sequence[tuple[float, float, float]]) -> float:
    """Peak of the summed activity of overlapping [start, end) intervals.

    Used for the peak number of simultaneously active crossbars (and so peak
    power) of a schedule: each layer contributes its active crossbars while it
    runs.
    """
    events: list[tuple[float, float]] = []
    for start, end, amount in intervals:
        if end > start and amount > 0:
            events.append((start, amount))
            events.append((end, -amount))
    events.sort(key=lambda e: (e[0], e[1]))
    level = peak = 0.0
    for _, delta in events:
        level += delta
        peak = max(peak, level)
    return peak


# ---- digital work and energy (also used by the simulator) ------------------------------

_OPS_PER_ELEMENT = {
    "Relu": 1, "Clip": 2, "Sigmoid": 4, "Tanh": 4, "Erf": 10, "Gelu": 12, "Sqrt": 4, "Pow": 4,
    "Add": 1, "Sub": 1, "Mul": 1, "Div": 4, "Sum": 1, "Softmax": 6, "LayerNormalization": 8,
    "BatchNormalization": 2, "LRN": 6, "ReduceMean": 1, "Cast": 1,
}
_COPIES = {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Concat", "Slice",
           "Gather", "Pad", "Split", "Identity", "Dropout", "Shape", "Constant",
           "ConstantOfShape"}


def dcom_ops(kind: str, in_shapes: Sequence[Sequence[int]], out_shapes: Sequence[Sequence[int]],
             attrs: Mapping[str, object]) -> float:
    """Elementary ALU operations of one digital operator (a copy counts one per element)."""
    out = float(sum(math.prod(s) for s in out_shapes))
    inp = float(sum(math.prod(s) for s in in_shapes))
    if kind in ("MaxPool", "AveragePool"):
        kernel = attrs.get("kernel_shape", [1])
        return out * math.prod(kernel)  # type: ignore[arg-type]
    if kind == "GlobalAveragePool":
        return inp
    if kind in ("MatMul", "Gemm") and len(in_shapes) >= 2:
        k = in_shapes[0][-1] if in_shapes[0] else 1
        return 2.0 * out * k
    if kind == "Conv" and len(in_shapes) >= 2:
        w = in_shapes[1]
        return 2.0 * out * math.prod(w[1:])
    if kind in _COPIES:
        return out
    return out * _OPS_PER_ELEMENT.get(kind, 1)


def xb_step_energy(arch: Arch, rows: int) -> float:
    """pJ of one activation step of one crossbar with ``rows`` rows active:
    the array, one ADC conversion per column, one DAC drive per row."""
    c = arch.cost
    adc = 0.0 if arch.crossbar.adc is IDEAL else c.adc_energy_pj * arch.xb_cols
    dac = 0.0 if arch.crossbar.dac is IDEAL else c.dac_energy_pj * rows
    return c.xb_read_energy_pj + adc + dac


def xb_active_power(arch: Arch) -> float:
    """pJ per cycle of one crossbar activated back to back (its peak power draw)."""
    rows = min(arch.xb_rows, arch.crossbar.parallel_row)
    return xb_step_energy(arch, rows) / step_cycles(arch)
