"""The computing graph the CG-grained passes schedule (§3.3.2).

Nodes are the CIM-supported ops (``cim.core``); an edge joins a CIM op to
the CIM ops that consume its output, possibly through digital (DCOM) ops,
annotated with the fraction of the producer's output rows the consumer needs
before it can start (the inter-operator pipeline's lead).  ``cg-segment``,
``cg-dup`` and ``cg-pipeline`` all read the graph from here, and estimate
with :mod:`cim_mlir.cost`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.ir import Operation, SSAValue

from cim_mlir.arch import Arch, ComputingMode
from cim_mlir.cost import (
    Footprint,
    LayerWork,
    PipelineTrace,
    pipeline_trace,
    xb_read_cycles,
    footprint,
    layer_total_curve,
    pipelined_latency,
    write_cycles,
)
from cim_mlir.dialects.core import CimCoreOp, ConvLike, MatmulLike

# DCOM ops that map output rows to the same input rows (elementwise, or
# reducing the last axis of a row-major tensor / channels of NCHW).
ROWWISE = {"Relu", "Clip", "Sigmoid", "Tanh", "Erf", "Gelu", "Sqrt", "Pow", "Add", "Sub",
           "Mul", "Div", "Sum", "Dropout", "Identity", "BatchNormalization", "LRN", "Cast",
           "Concat"}
REDUCING = {"Softmax", "LayerNormalization", "ReduceMean"}
"""Row-wise unless they reduce over the row axis."""
WINDOWED = {"MaxPool", "AveragePool"}


def tensor_rows(value: SSAValue) -> int:
    """Rows of a tensor as the pipeline streams it: H of NCHW, else the second-last dim."""
    t = value.type
    if not isinstance(t, TensorType):
        return 1
    shape = t.get_shape()
    if len(shape) == 4:
        return shape[2]
    return shape[-2] if len(shape) >= 2 else 1


def layer_work(op: CimCoreOp) -> LayerWork:
    """The static work of one CIM op, from its operand and result types."""
    x = op.input.type
    y = op.output.type
    assert isinstance(x, TensorType) and isinstance(y, TensorType)
    xs, ys = list(x.get_shape()), list(y.get_shape())
    out_elems = math.prod(ys)
    if isinstance(op, ConvLike):
        c0, c1 = op.range_of("in", xs[1])
        kh = op.conv_params()["kernel_shape"][0]  # type: ignore[index]
        dh = op.conv_params()["dilations"][0]  # type: ignore[index]
        sh = op.conv_params()["strides"][0]  # type: ignore[index]
        return LayerWork(
            name=op.layer_name, matrix=op.matrix.matrix(), mvms=ys[0] * ys[2] * ys[3],
            in_elems=xs[0] * (c1 - c0) * xs[2] * xs[3], out_elems=out_elems,
            out_rows=ys[2], in_rows=xs[2], window_rows=(kh - 1) * dh + 1, stride_rows=sh,
            row_mvms=ys[3])
    assert isinstance(op, MatmulLike)
    k0, k1 = op.range_of("in", xs[-1])
    mvms = math.prod(xs[:-1])
    return LayerWork(name=op.layer_name, matrix=op.matrix.matrix(), mvms=mvms,
                     in_elems=mvms * (k1 - k0), out_elems=out_elems,
                     out_rows=tensor_rows(op.output), in_rows=tensor_rows(op.input))


@dataclass
class CgLayer:
    """A node of the CG graph."""

    op: CimCoreOp
    work: LayerWork
    fp: Footprint
    arch: Arch | None = None
    max_dup: int = 1
    """More copies cannot help: a copy needs at least one output row (CM,
    where copies split the feature map by rows) or one input vector."""
    preds: dict[str, float] = field(default_factory=dict)
    """Producer layer name -> fraction of its output rows needed to start."""
    local_preds: dict[str, float] | None = None
    """``preds`` within the layer's segment (set by by_segment)."""
    _mvm_latency: float | None = None

    @property
    def name(self) -> str:
        return self.op.layer_name

    @property
    def mvm_latency(self) -> float:
        """One MVM with the hardware's row steps (the CG level's view)."""
        if self._mvm_latency is None:
            assert self.arch is not None
            self._mvm_latency = xb_read_cycles(self.fp.tile_rows, self.arch)
        return self._mvm_latency


def _rows_needed_through(op: Operation, rows: int, operand_rows: int) -> int | None:
    """Input rows of a DCOM op needed for its first ``rows`` output rows (None: all)."""
    kind = op.name.removeprefix("onnx.")
    if kind in ROWWISE:
        return rows
    if kind in REDUCING:
        return rows if not _reduces_rows(op) else None
    if kind in WINDOWED:
        attrs = op.onnx_attributes()  # type: ignore[attr-defined]
        k, s = attrs["kernel_shape"][0], attrs["strides"][0]
        d = attrs.get("dilations", [1])[0]
        need = (rows - 1) * s + (k - 1) * d + 1 - attrs["pads"][0]
        return max(1, min(need, operand_rows))
    return None


def _reduces_rows(op: Operation) -> bool:
    """Whether a Softmax / LayerNormalization / ReduceMean reduces over the row axis."""
    t = op.operands[0].type
    if not isinstance(t, TensorType):
        return True
    rank = t.get_num_dims()
    row_axis = 2 if rank == 4 else rank - 2
    attrs = op.onnx_attributes()  # type: ignore[attr-defined]
    if op.name == "onnx.ReduceMean":
        from cim_mlir.dialects.onnx import control_value

        axes = control_value(op.operands[1]) if len(op.operands) > 1 else None
        if axes is None:
            return True  # all axes
        reduced = [int(a) % rank for a in axes.reshape(-1)]
        return row_axis in reduced
    axis = int(attrs.get("axis", -1)) % rank
    if op.name == "onnx.LayerNormalization":
        return axis <= row_axis  # normalises over axes [axis, rank)
    return axis == row_axis


def _first_rows(consumer: CimCoreOp) -> int:
    """Input rows a CIM op needs before it can produce its first output row."""
    if isinstance(consumer, ConvLike):
        p = consumer.conv_params()
        kh, dh = p["kernel_shape"][0], p["dilations"][0]  # type: ignore[index]
        return max(1, (kh - 1) * dh + 1 - p["pads"][0])  # type: ignore[index, operator]
    return 1


def build_graph(module: ModuleOp, arch: Arch) -> list[CgLayer]:
    """CIM layers in program order with their pipeline edges."""
    layers: list[CgLayer] = []
    by_op: dict[Operation, CgLayer] = {}
    for op in module.walk():
        if isinstance(op, CimCoreOp):
            work = layer_work(op)
            by_rows = arch.computing_mode == ComputingMode.CM and isinstance(op, ConvLike)
            unit = work.out_rows if by_rows else work.mvms
            layer = CgLayer(op, work, footprint(op.matrix.matrix(), arch), arch, max(1, unit))
            layers.append(layer)
            by_op[op] = layer
    cache: dict[tuple[SSAValue, int | None], dict[str, float]] = {}
    order = {l.name: i for i, l in enumerate(layers)}
    for layer in layers:
        found = _producers(layer.op.input, _first_rows(layer.op), by_op, cache)
        layer.preds = {p: found[p] for p in sorted(found, key=order.__getitem__)}
    return layers


def _producers(value: SSAValue, rows: int | None, by_op: dict[Operation, CgLayer],
               cache: dict[tuple[SSAValue, int | None], dict[str, float]]) -> dict[str, float]:
    """CIM producers of ``value`` (through digital ops) and the fraction of their
    output rows its first ``rows`` rows need (None: all of them).  Memoised per
    (value, rows): the parts of a split operator share their input, and a
    Concat of hundreds of parts feeds the next layer's parts."""
    key = (value, rows)
    if key in cache:
        return cache[key]
    out: dict[str, float] = {}
    cache[key] = out  # the graph is acyclic; this only guards re-entry
    owner = value.owner
    if not isinstance(owner, Operation) or owner.name in ("onnx.Constant", "onnx.NoValue"):
        return out
    if owner in by_op:
        producer = by_op[owner]
        total = max(1, producer.work.out_rows)
        out[producer.name] = 1.0 if rows is None else min(1.0, rows / total)
        return out
    for operand in owner.operands:
        if not isinstance(operand.type, TensorType):
            continue
        need = None if rows is None else _rows_needed_through(owner, rows, tensor_rows(operand))
        for name, frac in _producers(operand, need, by_op, cache).items():
            out[name] = max(out.get(name, 0.0), frac)
    return out


def by_segment(layers: list[CgLayer]) -> dict[int, list[CgLayer]]:
    """Layers grouped by their schedule's segment, in program order.

    Also restricts each layer's ``local_preds`` to producers in its segment
    (only they overlap with it in time), once, for the searches that follow."""
    out: dict[int, list[CgLayer]] = {}
    segment = {l.name: l.op.sched.segment.data for l in layers}
    for layer in layers:
        seg = segment[layer.name]
        layer.local_preds = {p: f for p, f in layer.preds.items() if segment.get(p) == seg}
        out.setdefault(seg, []).append(layer)
    return dict(sorted(out.items()))


# ---- latency of a segment ------------------------------------------------------------


def time_curves(layers: list[CgLayer], arch: Arch, cores: int) -> list[np.ndarray]:
    """T_i(d) for d = 1 .. (cores // cores_per_copy), index d-1."""
    curves = []
    for layer in layers:
        top = max(1, min(layer.max_dup, cores // max(1, layer.fp.cores)))
        curves.append(layer_total_curve(layer.work, np.arange(1, top + 1), arch))
    return curves


def local_edges(layers: list[CgLayer]
                ) -> tuple[dict[str, list[str]], dict[tuple[str, str], float]]:
    """Producers within these layers, and the lead fraction of each edge."""
    names = {l.name for l in layers}
    local = [l.local_preds if l.local_preds is not None else
             {p: f for p, f in l.preds.items() if p in names} for l in layers]
    preds = {l.name: [p for p in lp if p in names] for l, lp in zip(layers, local)}
    lead = {(p, l.name): f for l, lp in zip(layers, local) for p, f in lp.items()
            if p in names}
    return preds, lead


def segment_trace(layers: list[CgLayer], dups: list[int], curves: list[np.ndarray]
                  ) -> tuple[PipelineTrace, dict[tuple[str, str], float], dict[str, float]]:
    """The pipelined segment's trace, with the lead and tail fractions used."""
    times = {l.name: float(c[d - 1]) for l, d, c in zip(layers, dups, curves)}
    preds, lead = local_edges(layers)
    frac = {l.name: 1.0 / max(1, l.work.out_rows) for l in layers}
    tail = {n: times[n] * f for n, f in frac.items()}
    delay = {l.name: l.mvm_latency for l in layers}
    return (pipeline_trace([l.name for l in layers], times, preds, lead, tail, delay),
            lead, frac)


def segment_latency(layers: list[CgLayer], dups: list[int], curves: list[np.ndarray],
                    pipelined: bool) -> float:
    """The segment's latency with these duplications (sequential or pipelined)."""
    if not pipelined:
        return float(sum(float(c[d - 1]) for d, c in zip(dups, curves)))
    return segment_trace(layers, dups, curves)[0].makespan


def reload_cycles(layers: list[CgLayer], arch: Arch) -> float:
    """Programming a segment's weights: cores in parallel, each writes its copies."""
    per_core = [write_cycles(l.fp, arch) for l in layers]
    return max(per_core, default=0.0)


# ---- evaluating a schedule at any level --------------------------------------------------


@dataclass
class SegmentEstimate:
    """The cost model's view of one segment as currently scheduled."""

    latency: float
    peak_xbars: float
    times: dict[str, float]
    starts: dict[str, float]
    active: dict[str, float]


def level_time(layer: CgLayer, arch: Arch) -> tuple[float, float, float]:
    """(cycles, simultaneously active crossbars, MVM latency) of a layer now.

    cim.core ops: CG copies, default binding; cim.xbar ops: their VXB copies
    D', binding and activation waves; cim.row ops: their row-group mapping
    (a remapped MVM takes one activation step per input slice).
    """
    from cim_mlir.cost import layer_time, mvm_cycles, steps_cycles, xb_read_cycles
    from cim_mlir.dialects.row import RowOp
    from cim_mlir.dialects.xbar import XbarOp

    op = layer.op
    if isinstance(op, XbarOp):
        p = op.placement
        binding = op.binding_value()
        if isinstance(op, RowOp):
            mvm = steps_cycles(op.row_steps(), arch)
        else:
            mvm = mvm_cycles(footprint(layer.work.matrix, arch, binding), arch)
        # A copy's crossbars hold its tiles at the op's tile height.
        t = layer_time(layer.work, p.dup.data, arch, binding, mvm=mvm,
                       waves=p.stagger.data).total
        active = p.dup.data * op.copy_xbars() / p.stagger.data
        return t, active, mvm
    dup = op.sched.dup.data
    return (layer_time(layer.work, dup, arch).total, dup * layer.fp.xbars,
            xb_read_cycles(layer.fp.tile_rows, arch))


def evaluate_segment(layers: list[CgLayer], arch: Arch,
                     pipelined: bool | None = None) -> SegmentEstimate:
    """Latency and peak active crossbars of a segment (pipelined if its ops say so)."""
    times: dict[str, float] = {}
    active: dict[str, float] = {}
    delay: dict[str, float] = {}
    for layer in layers:
        times[layer.name], active[layer.name], delay[layer.name] = level_time(layer, arch)
    if pipelined is None:
        pipelined = any(l.op.sched.stage.data > 0 for l in layers)
    if pipelined:
        preds, lead = local_edges(layers)
        tail = {l.name: times[l.name] / max(1, l.work.out_rows) for l in layers}
        latency, starts = pipelined_latency([l.name for l in layers], times, preds, lead, tail,
                                            delay)
    else:
        starts, t = {}, 0.0
        for l in layers:
            starts[l.name] = t
            t += times[l.name]
        latency = t
    from cim_mlir.cost import peak_active

    peak = peak_active([(starts[n], starts[n] + times[n], active[n]) for n in times])
    return SegmentEstimate(latency, peak, times, starts, active)
