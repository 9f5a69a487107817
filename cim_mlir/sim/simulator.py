"""Performance simulator of cim.mop flows (CIM-MLC §4.1).

Walks a flow once — loops are costed per iteration and multiplied, never
unrolled — and charges every meta-operator with the shared cost model
(cim_mlir.cost): the same formulas the passes used to decide, so a decision
and its evaluation agree.  Timing rules:

* a ``parallel`` region takes as long as its slowest op;
* a loop's body ops run on three units (crossbars, data movement, ALU) that
  overlap across iterations (double-buffered L1): an iteration costs the
  busiest unit, plus one fill of the others;
* the ops of one CIM layer (its loops, reads, and the digital ops after it)
  form a task; tasks of a segment run one after another, or overlapped by the
  inter-operator pipeline the schedule recorded (``cg-pipeline`` stages),
  with the same pipeline model as the passes;
* weights are programmed in each segment's init; programming the first
  segment is deployment and reported apart, reloading later ones is latency.

It also reports the peak number of simultaneously active crossbars (and the
peak power it implies), energy by component, a per-layer breakdown and a
lower bound on the latency of this model on this chip.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation

from cim_mlir.arch import IDEAL, Arch
from cim_mlir.cost import (
    WeightMatrix,
    alu_cycles,
    dcom_ops,
    footprint,
    peak_active,
    pipeline_trace,
    row_steps,
    steps_cycles,
    transfer_cycles,
    xb_active_power,
    xb_read_cycles,
    xb_step_energy,
)
from cim_mlir.diagnostics import CimError
from cim_mlir.dialects.cim import get_arch
from cim_mlir.dialects.mop import (
    AddrAttr,
    DcomOp,
    FlowOp,
    Im2colOp,
    LoopOp,
    MatrixRefAttr,
    MovOp,
    ParallelOp,
    ReadCoreOp,
    ReadRowOp,
    ReadXbOp,
    SegmentOp,
    WriteCoreOp,
    WriteOp,
    WriteRowOp,
    WriteXbOp,
)

CIM, DMOV, ALU = "crossbar", "dmov", "alu"


@dataclass
class Cost:
    """Cycles of one execution of an op (or region), by unit, plus its side effects."""

    cycles: float = 0.0
    unit: str = ALU
    xbars: float = 0.0
    """Crossbars active while it runs."""
    energy: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    counts: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    """Work done: ALU ops, elements moved through L0."""

    def absorb(self, other: Cost, times: float = 1.0) -> None:
        for k, v in other.energy.items():
            self.energy[k] += v * times
        for k, v in other.counts.items():
            self.counts[k] += v * times


@dataclass
class LayerStats:
    """Per-layer results."""

    cycles: float = 0.0
    """Cycles the layer's meta-operators keep its resources busy."""
    start: float = 0.0
    finish: float = 0.0
    """When its last output is ready (later than start + cycles when the
    pipeline makes it wait for its producer's last rows)."""
    segment: int = 0
    peak_xbars: float = 0.0
    mvms: int = 0
    energy_pj: float = 0.0
    matrix: WeightMatrix | None = None
    cim: bool = False
    xbars: set[int] = field(default_factory=set)
    """Crossbars its reads activate (for Gantt charts of crossbar activity)."""


@dataclass
class PerfReport:
    arch: str
    mode: str
    cycles: float
    init_cycles: float
    reload_cycles: float
    lower_bound_cycles: float
    bound_parts: dict[str, float]
    peak_active_xbars: float
    peak_power_mw: float
    energy_pj: dict[str, float]
    layers: dict[str, LayerStats]
    segments: list[dict[str, Any]]
    cycle_ns: float

    @property
    def ratio_to_bound(self) -> float:
        return self.cycles / self.lower_bound_cycles if self.lower_bound_cycles else math.inf

    def to_json(self) -> dict[str, Any]:
        return {
            "arch": self.arch,
            "computing_mode": self.mode,
            "cycles": round(self.cycles, 2),
            "latency_us": round(self.cycles * self.cycle_ns / 1000, 3),
            "lower_bound_cycles": round(self.lower_bound_cycles, 2),
            "achieved_over_bound": round(self.ratio_to_bound, 4),
            "lower_bound_parts": {k: round(v, 2) for k, v in self.bound_parts.items()},
            "init_cycles": round(self.init_cycles, 2),
            "reload_cycles": round(self.reload_cycles, 2),
            "peak_active_xbars": round(self.peak_active_xbars, 2),
            "peak_power_mw": round(self.peak_power_mw, 3),
            "energy_pj": round(sum(self.energy_pj.values()), 2),
            "energy_by_component_pj": {k: round(v, 2) for k, v in self.energy_pj.items()},
            "segments": self.segments,
            "layers": {
                name: {"segment": s.segment, "start": round(s.start, 2),
                       "finish": round(s.finish, 2), "cycles": round(s.cycles, 2), "peak_active_xbars": round(s.peak_xbars, 2),
                       "mvms": s.mvms, "energy_pj": round(s.energy_pj, 2),
                       "xbars": _ranges(s.xbars)}
                for name, s in self.layers.items() if s.cim
            },
        }


def _ranges(values: set[int]) -> list[list[int]]:
    """Sorted integers as [first, last] runs (compact crossbar lists in JSON)."""
    out: list[list[int]] = []
    for v in sorted(values):
        if out and out[-1][1] == v - 1:
            out[-1][1] = v
        else:
            out.append([v, v])
    return out


class Simulator:
    def __init__(self, module: ModuleOp):
        arch = get_arch(module)
        if arch is None:
            raise CimError("the module has no #cim.arch; the simulator needs the target")
        flows = [op for op in module.walk() if isinstance(op, FlowOp)]
        if len(flows) != 1:
            raise CimError("the simulator needs exactly one cim.mop.flow; run the "
                           "compilation pipeline first (e.g. --cim-mlc)")
        self.arch: Arch = arch
        self.flow: FlowOp = flows[0]
        self.schedule: dict[str, dict] = (self.flow.schedule.as_dict()
                                          if self.flow.schedule is not None else {})
        self.energy: dict[str, float] = defaultdict(float)
        self.layers: dict[str, LayerStats] = {}
        self.counts: dict[str, float] = defaultdict(float)
        self.mvm_latency: dict[str, float] = {}
        """Latency of one MVM (one loop iteration's crossbar steps) per layer."""
        self.vxb_rows: dict[int, int] = {}
        self.spans: dict[str, list[int]] = {}
        """Per layer, the [g0, g1, r0, r1, c0, c1] span of the blocks written for it."""
        """Rows of the tallest tile of the VXB starting at a crossbar (from its write)."""

    # ---- per-op costs ---------------------------------------------------------------
    def _buffer_bw(self, a: AddrAttr, b: AddrAttr) -> Any:
        """Bandwidth of a transfer: the slower buffer involved."""
        bws = [self.arch.chip.l0_bw if x.space.data == "L0" else self.arch.core.l1_bw
               for x in (a, b)]
        real = [bw for bw in bws if bw is not IDEAL]
        return min(real) if real else IDEAL

    def _move(self, elems: float, src: AddrAttr, dst: AddrAttr) -> Cost:
        cost = Cost(transfer_cycles(elems, self.arch, self._buffer_bw(src, dst)), DMOV)
        cost.energy["buffer"] += elems * self.arch.data.activation_bytes * \
            self.arch.cost.buffer_energy_pj_per_byte
        if "L0" in (src.space.data, dst.space.data):
            cost.counts["l0_elems"] += elems
        return cost

    def _uses(self, op: Operation, first: int, count: int) -> None:
        self._layer(op).xbars.update(range(first, first + count))

    def op_cost(self, op: Operation) -> Cost:
        arch = self.arch
        if isinstance(op, ReadXbOp | ReadRowOp) and op.n_copies > 1:
            # Copies run together: one read's time, all of their crossbars and energy.
            parts = [self.op_cost(single) for single in op.single_copies()]
            cost = Cost(max(p.cycles for p in parts), CIM, sum(p.xbars for p in parts))
            for p in parts:
                cost.absorb(p)
            return cost
        if isinstance(op, ReadXbOp):
            self._uses(op, op.xb.data, op.len.data)
            rows = self.vxb_rows.get(op.xb.data, arch.xb_rows)
            steps = arch.input_slices * row_steps(rows, arch)
            cost = Cost(xb_read_cycles(rows, arch) * op.waves.data, CIM,
                        op.len.data / op.waves.data)
            cost.energy["crossbar"] += op.len.data * steps * xb_step_energy(
                arch, min(rows, arch.crossbar.parallel_row))
            return cost
        if isinstance(op, ReadRowOp):
            self._uses(op, op.xb.data, op.count.data)
            cost = Cost(steps_cycles(1, arch), CIM, op.count.data)
            cost.energy["crossbar"] += op.count.data * arch.input_slices * \
                xb_step_energy(arch, op.len.data)
            return cost
        if isinstance(op, ReadCoreOp):
            return self._read_core(op)
        if isinstance(op, MovOp):
            return self._move(op.len.data, op.src, op.dst)
        if isinstance(op, Im2colOp):
            p = op.params.as_dict()
            c0, c1 = p["channels"]
            per = math.prod(p["kernel_shape"]) * (c1 - c0)
            return self._move(op.count.data * per, op.src, op.dst)
        if isinstance(op, DcomOp):
            p = op.params.as_dict()
            attrs = {k: v for k, v in p.items() if not k.startswith(("in_", "out_"))}
            ops = dcom_ops(op.kind.data, p["in_shapes"], p["out_shapes"], attrs)
            cost = Cost(alu_cycles(ops, arch.chip.alu), ALU)
            cost.energy["alu"] += ops * arch.cost.alu_energy_pj_per_op
            cost.counts["alu_ops"] += ops
            return cost
        raise CimError(f"the simulator cannot cost '{op.name}'")

    def _read_core(self, op: ReadCoreOp) -> Cost:
        arch = self.arch
        p = op.params.as_dict()
        m = self.core_matrix.get(op.core.data)
        if m is None:
            raise CimError(f"read_core on core {op.core.data}, which no write_core programmed",
                           f"'{op.name}' ({op.layer.data if op.layer else '?'})")
        fp = footprint(m, arch)
        self._uses(op, op.core.data * arch.xbars_per_core, fp.xbars)
        out = p["out_shape"]
        mvms = math.prod(out[:-1])
        cycles = mvms * xb_read_cycles(fp.tile_rows, arch)
        traffic = math.prod(p["in_shape"]) + math.prod(out)
        cycles = max(cycles, transfer_cycles(traffic, arch, arch.chip.l0_bw))
        cost = Cost(cycles, CIM, fp.xbars)
        self._latency(op, xb_read_cycles(fp.tile_rows, arch))
        steps = arch.input_slices * row_steps(fp.tile_rows, arch)
        cost.energy["crossbar"] += mvms * fp.xbars * steps * xb_step_energy(
            arch, min(fp.tile_rows, arch.crossbar.parallel_row))
        cost.energy["buffer"] += traffic * arch.data.activation_bytes * \
            arch.cost.buffer_energy_pj_per_byte
        cost.counts["l0_elems"] += traffic
        self._count_mvms(op, mvms)
        return cost

    # ---- programming ------------------------------------------------------------------
    @staticmethod
    def _matrix(ref: MatrixRefAttr, bits: int) -> WeightMatrix:
        g0, g1, r0, r1, c0, c1 = ref.get("block")
        return WeightMatrix(r1 - r0, c1 - c0, g1 - g0, bits)

    def program(self, seg: SegmentOp) -> float:
        """Cycles to program a segment: cores in parallel, rows one at a time per core."""
        arch = self.arch
        per_core: dict[int, float] = defaultdict(float)
        write_row = arch.cost.write_row_cycles(arch.crossbar.cell_type)
        for op in seg.init.walk():
            if not isinstance(op, WriteOp):
                continue
            m = self._matrix(op.matrix, arch.data.weight_bits)
            layer = self._layer(op)
            layer.matrix = self._union(op.layer.data if op.layer is not None else "?",
                                       op.matrix)
            layer.cim = True
            if isinstance(op, WriteCoreOp):
                fp = footprint(m, arch)
                self.core_matrix[op.core.data] = m
                first, rows, xbars = op.core.data * arch.xbars_per_core, fp.tile_rows, fp.xbars
            elif isinstance(op, WriteXbOp):
                fp = footprint(m, arch)
                self.vxb_rows[op.xb.data] = fp.tile_rows
                first, rows, xbars = op.xb.data, fp.tile_rows, op.len.data
            else:
                assert isinstance(op, WriteRowOp)
                first, rows, xbars = op.xb.data, op.len.data, op.count.data
            for x in range(first, first + xbars):
                per_core[x // arch.xbars_per_core] += rows * write_row
            cells = m.weights * math.ceil(m.bits / arch.crossbar.precision)
            self.energy["write"] += cells * arch.cost.write_energy_pj_per_cell
        return max(per_core.values(), default=0.0)

    def _union(self, name: str, ref: MatrixRefAttr) -> WeightMatrix:
        """The layer's matrix: the span of every block written for it (a WLM copy
        may be written row group by row group)."""
        g0, g1, r0, r1, c0, c1 = ref.get("block")
        span = self.spans.setdefault(name, [g0, g1, r0, r1, c0, c1])
        for i, v in enumerate((g0, g1, r0, r1, c0, c1)):
            span[i] = min(span[i], v) if i % 2 == 0 else max(span[i], v)
        g0, g1, r0, r1, c0, c1 = span
        return WeightMatrix(r1 - r0, c1 - c0, g1 - g0, self.arch.data.weight_bits)

    # ---- regions ------------------------------------------------------------------------
    def _layer(self, op: Operation) -> LayerStats:
        name = op.layer.data if getattr(op, "layer", None) is not None else "?"  # type: ignore[union-attr]
        return self.layers.setdefault(name, LayerStats())

    def _latency(self, op: Operation, cycles: float) -> None:
        layer = self._task_layer(op)
        if layer is not None:
            self.mvm_latency[layer] = max(self.mvm_latency.get(layer, 0.0), cycles)

    def _count_mvms(self, op: Operation, n: int) -> None:
        self._layer(op).mvms += n * self.trips

    def region_cost(self, op: Operation) -> Cost:
        """One execution of a structured op (loops multiplied out)."""
        if isinstance(op, ParallelOp):
            parts = [self.region_cost(o) for o in op.body.block.ops]
            cost = Cost(max((p.cycles for p in parts), default=0.0),
                        CIM if any(p.unit == CIM for p in parts) else parts[0].unit
                        if parts else ALU,
                        sum(p.xbars for p in parts))
            for p in parts:
                cost.absorb(p)
            return cost
        if isinstance(op, LoopOp):
            count = op.count.data
            self.trips *= count
            parts = [self.region_cost(o) for o in op.body.block.ops]
            self.trips //= count
            by_unit: dict[str, float] = defaultdict(float)
            for p in parts:
                by_unit[p.unit] += p.cycles
            busiest = max(by_unit.values(), default=0.0)
            fill = sum(by_unit.values()) - busiest
            # One iteration end to end is the latency of its MVMs' results.
            self._latency(op, sum(p.cycles for p in parts if p.unit == CIM))
            cost = Cost(count * busiest + fill, CIM, max((p.xbars for p in parts), default=0))
            for p in parts:
                cost.absorb(p, count)
            return cost
        cost = self.op_cost(op)
        if isinstance(op, Im2colOp):
            self._count_mvms(op, op.count.data)
        elif isinstance(op, MovOp) and op.sizes is not None and op.layer is not None:
            # A matmul's window gather (into L1, or into L0 staging when L1 is too small)
            self._count_mvms(op, op.sizes.data[0].data)
        return cost

    # ---- the flow -----------------------------------------------------------------------
    def run(self) -> PerfReport:
        from cim_mlir.sim.bound import lower_bound

        arch = self.arch
        self.core_matrix: dict[int, WeightMatrix] = {}
        self.trips = 1
        total = init = reload = 0.0
        intervals: list[tuple[float, float, float]] = []
        segments = []
        for seg in self.flow.segments():
            prog = self.program(seg)
            if seg.index.data == 0 and not segments:
                init += prog
                offset = total
            else:
                reload += prog
                total += prog
                offset = total
            latency, seg_intervals = self.segment(seg, offset)
            intervals += seg_intervals
            segments.append({"index": seg.index.data, "program_cycles": round(prog, 2),
                             "cycles": round(latency, 2)})
            total += latency
        peak = peak_active(intervals)
        bound, parts = lower_bound(self)
        energy = dict(self.energy)
        power_pj_per_cycle = peak * xb_active_power(arch)
        return PerfReport(
            arch=arch.name, mode=self.flow.mode.data, cycles=total, init_cycles=init,
            reload_cycles=reload, lower_bound_cycles=bound, bound_parts=parts,
            peak_active_xbars=peak,
            peak_power_mw=power_pj_per_cycle / arch.cost.cycle_ns,  # pJ/ns = mW
            energy_pj=energy, layers=self.layers, segments=segments,
            cycle_ns=arch.cost.cycle_ns)

    def segment(self, seg: SegmentOp, offset: float) -> tuple[float, list]:
        """Latency of a segment's compute and the active-crossbar intervals."""
        tasks: list[tuple[str, list[Cost]]] = []
        current = None
        for op in seg.compute.block.ops:
            layer = self._task_layer(op)
            cost = self.region_cost(op)
            if layer is not None and self.schedule.get(layer) is not None and layer != current:
                tasks.append((layer, []))
                current = layer
            elif not tasks:
                tasks.append((layer or "(digital)", []))
                current = layer
            tasks[-1][1].append(cost)
            # Digital ops after a layer are booked to it (its task).
            owner = self.layers.setdefault(tasks[-1][0], LayerStats())
            for k, v in cost.energy.items():
                self.energy[k] += v
                owner.energy_pj += v
            for k, v in cost.counts.items():
                self.counts[k] += v
        times: dict[str, float] = {}
        active: dict[str, float] = {}
        digital: dict[str, float] = {}
        for name, costs in tasks:
            cim = sum(c.cycles for c in costs if c.unit != ALU)
            alu = sum(c.cycles for c in costs if c.unit == ALU)
            times[name] = times.get(name, 0.0) + cim
            digital[name] = digital.get(name, 0.0) + alu
            active[name] = max(active.get(name, 0.0), max((c.xbars for c in costs), default=0))
        order = list(times)
        pipelined = any(self.schedule.get(n, {}).get("stage", 0) > 0 for n in order)
        if pipelined:
            # Streaming digital ops overlap with their producer's MVMs.
            for n in order:
                times[n] = max(times[n], digital[n])
            names = set(order)
            preds = {n: [p for p in self.schedule.get(n, {}).get("preds", {}) if p in names]
                     for n in order}
            lead = {(p, n): f for n in order
                    for p, f in self.schedule.get(n, {}).get("preds", {}).items() if p in names}
            tail = {n: times[n] / max(1, self.schedule.get(n, {}).get("rows", 1)) for n in order}
            delay = {n: self.schedule.get(n, {}).get("mvm", self.mvm_latency.get(n, 0.0))
                     for n in order}
            trace = pipeline_trace(order, times, preds, lead, tail, delay)
            latency, starts, finish = trace.makespan, trace.start, trace.finish
        else:
            starts, finish, t = {}, {}, 0.0
            for n in order:
                times[n] += digital[n]
                starts[n] = t
                t += times[n]
                finish[n] = t
            latency = t
        intervals = []
        for n in order:
            stats = self.layers.setdefault(n, LayerStats())
            stats.cycles, stats.start, stats.segment = times[n], offset + starts[n], seg.index.data
            stats.finish = offset + finish[n]
            stats.peak_xbars = active[n]
            # A layer the pipeline holds back (its tail) is active for its run
            # only; waiting on its producer draws no crossbar power.
            intervals.append((offset + starts[n], offset + starts[n] + times[n], active[n]))
        return latency, intervals

    @staticmethod
    def _task_layer(op: Operation) -> str | None:
        """The CIM layer an op (or the first CIM read inside it) belongs to."""
        for inner in op.walk():
            if isinstance(inner, ReadXbOp | ReadRowOp | ReadCoreOp) and inner.layer is not None:
                return inner.layer.data
        layer = getattr(op, "layer", None)
        return layer.data if layer is not None else None


def simulate(module: ModuleOp) -> PerfReport:
    return Simulator(module).run()
