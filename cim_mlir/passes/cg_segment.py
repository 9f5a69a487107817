"""cg-segment: cut the graph into sub-graphs that fit the chip (§3.3.2).

When one copy of every CIM operator does not fit in ``core_number`` cores,
the model runs as a sequence of segments, reloading weights in between.  As
in the paper, each segment starts as the maximal prefix (in program order)
that fits, then pops its last operators while the DP latency of the segment
plus the next one keeps decreasing.  The weight reload of every segment after
the first is counted in the estimate.

Beyond the paper: an operator whose single copy is larger than the whole chip
is split (``split=true``) into parts over output channels / N (concatenated)
and, if a single column tile is still too tall, over input channels / K
(summed), each part fitting the chip.  With ``split=false`` such an operator
is an error naming it and the shortfall.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import (
    DenseArrayBase,
    IntegerAttr,
    ModuleOp,
    StringAttr,
    TensorType,
    i64,
)
from xdsl.ir import Operation, SSAValue
from xdsl.rewriter import InsertPoint, Rewriter

from cim_mlir.arch import Arch
from cim_mlir.cost import WeightMatrix, footprint
from cim_mlir.diagnostics import PassError
from cim_mlir.dialects import onnx
from cim_mlir.dialects.core import CimCoreOp, ConvLike, FootprintAttr, MatrixAttr
from cim_mlir.passes.base import CimPass
from cim_mlir.passes.cg_graph import CgLayer, build_graph, reload_cycles, time_curves
from cim_mlir.passes.dup_solvers import solve_dp
from cim_mlir.remarks import remark

# ---- splitting operators larger than the chip ------------------------------------------


def _chunks(total: int, size: int) -> list[tuple[int, int]]:
    return [(b, min(total, b + size)) for b in range(0, total, size)]


def split_plan(op: CimCoreOp, arch: Arch) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(in ranges, out ranges) so that every part fits in the chip's cores."""
    m = op.matrix.matrix()
    fp = footprint(m, arch)
    capacity = arch.num_cores * arch.xbars_per_core
    x = op.input.type
    assert isinstance(x, TensorType)
    full_in = x.get_shape()[1] if isinstance(op, ConvLike) else x.get_shape()[-1]
    full_out = m.cols
    if m.groups > 1:  # whole groups per part
        per = max((n for n in range(1, m.groups + 1)
                   if footprint(WeightMatrix(m.rows, m.cols, n, m.bits), arch).cores
                   <= arch.num_cores), default=0)
        if per == 0:
            raise PassError(f"one group of this {m.groups}-group conv needs more than the "
                            f"chip's {arch.num_cores} cores", f"layer '{op.layer_name}'")
        cin_g = full_in // m.groups
        return [(g0 * cin_g, g1 * cin_g) for g0, g1 in _chunks(m.groups, per)], \
            [(g0 * m.cols, g1 * m.cols) for g0, g1 in _chunks(m.groups, per)]
    per_col_tile = fp.row_tiles * fp.bit_xbars
    cols_per_part = (capacity // per_col_tile) * fp.tile_cols
    if cols_per_part >= 1:
        return [(0, full_in)], _chunks(full_out, cols_per_part)
    # A single column tile is taller than the chip: split K as well.
    rows_per_part = (capacity // fp.bit_xbars) * arch.xb_rows
    per_channel = m.rows // full_in  # kh*kw for a conv, 1 for a matmul
    channels = rows_per_part // per_channel
    if channels < 1:
        raise PassError(f"even one input channel ({per_channel} rows) does not fit the chip",
                        f"layer '{op.layer_name}'")
    return _chunks(full_in, channels), _chunks(full_out, fp.tile_cols)


def split_op(op: CimCoreOp, arch: Arch) -> list[CimCoreOp]:
    """Replace ``op`` by parts (and the onnx.Sum / onnx.Concat joining them)."""
    ins, outs = split_plan(op, arch)
    is_conv = isinstance(op, ConvLike)
    y = op.output.type
    assert isinstance(y, TensorType)
    shape = list(y.get_shape())
    out_axis = 1 if is_conv else len(shape) - 1
    m = op.matrix.matrix()
    per_channel = m.rows // (ins[-1][1])
    none = onnx.NoValueOp()
    new_ops: list[Operation] = [none]
    parts: list[CimCoreOp] = []
    joined: list[SSAValue] = []
    grouped = m.groups > 1
    for oi, (o0, o1) in enumerate(outs):
        shape[out_axis] = o1 - o0
        partials: list[SSAValue] = []
        for ii, (c0, c1) in enumerate([ins[oi]] if grouped else ins):
            rows = per_channel * (c1 - c0)
            sub = (WeightMatrix(m.rows, m.cols, (o1 - o0) // m.cols, m.bits) if grouped
                   else WeightMatrix(rows, o1 - o0, 1, m.bits))
            fp = footprint(sub, arch)
            props = dict(op.properties)
            props.update(
                name=StringAttr(f"{op.layer_name}/part{oi}.{ii}" if len(ins) > 1
                                and not grouped else f"{op.layer_name}/part{oi}"),
                matrix=MatrixAttr.of(sub),
                footprint=FootprintAttr.make(xbars=fp.xbars, cores=fp.cores),
                in_range=DenseArrayBase.from_list(i64, [c0, c1]),
                out_range=DenseArrayBase.from_list(i64, [o0, o1]),
            )
            bias = op.bias if ii == 0 else none.none
            part = type(op).create(operands=[op.input, op.weights, bias],
                                   result_types=[TensorType(y.element_type, shape)],
                                   properties=props)
            parts.append(part)
            new_ops.append(part)
            partials.append(part.output)
        if len(partials) > 1:
            total = onnx.SumOp.create(
                operands=partials, result_types=[TensorType(y.element_type, shape)],
                properties={"name": StringAttr(f"{op.layer_name}/sum{oi}")})
            new_ops.append(total)
            joined.append(total.results[0])
        else:
            joined.append(partials[0])
    if len(joined) > 1:
        concat = onnx.ConcatOp.create(
            operands=joined, result_types=[y],
            properties={"name": StringAttr(f"{op.layer_name}/concat"),
                        "axis": IntegerAttr(out_axis, i64)})
        new_ops.append(concat)
        result = concat.results[0]
    else:
        result = joined[0]
    Rewriter.insert_op(new_ops, InsertPoint.before(op))
    op.output.replace_all_uses_with(result)
    Rewriter.erase_op(op)
    return parts


# ---- segmentation -----------------------------------------------------------------------


def fitting_end(layers: list[CgLayer], start: int, budget: int) -> int:
    """End of the maximal prefix from ``start`` whose single copies fit."""
    used, end = 0, start
    while end < len(layers) and used + layers[end].fp.cores <= budget:
        used += layers[end].fp.cores
        end += 1
    return max(end, start + 1)


@dataclass(frozen=True)
class CgSegmentPass(CimPass):
    """Cut the graph into segments that fit the chip (weights reloaded between)."""

    name = "cg-segment"

    split: bool = True
    """Split operators whose single copy is larger than the chip."""

    def run(self, ctx: Context, module: ModuleOp, arch: Arch) -> None:
        budget = arch.num_cores
        for op in [o for o in module.walk() if isinstance(o, CimCoreOp)]:
            if op.footprint.cores.data > budget:
                if not self.split:
                    raise PassError(
                        f"one copy needs {op.footprint.cores.data} cores, the chip has "
                        f"{budget}: short by {op.footprint.cores.data - budget} cores "
                        "(enable cg-segment{split=true} to split it)",
                        f"layer '{op.layer_name}'")
                parts = split_op(op, arch)
                remark(self.name, f"layer '{op.layer_name}' ({op.footprint.cores.data} cores "
                       f"for one copy, chip has {budget}) split into {len(parts)} parts")
        layers = build_graph(module, arch)
        if not layers:
            return
        curves = time_curves(layers, arch, budget)
        cost = [l.fp.cores for l in layers]
        memo: dict[tuple[int, int], float] = {}

        def latency(a: int, b: int) -> float:
            """DP latency of layers [a, b) as one segment, plus its weight reload."""
            if (a, b) not in memo:
                best = solve_dp(curves[a:b], cost[a:b], budget).objective
                memo[a, b] = best + (reload_cycles(layers[a:b], arch) if a > 0 else 0.0)
            return memo[a, b]

        def split_cost(start: int, cut: int, horizon: int) -> float:
            """Layers [start, horizon) as segments [start, cut), then maximal ones."""
            total, a = latency(start, cut), cut
            while a < horizon:
                b = min(fitting_end(layers, a, budget), horizon)
                total += latency(a, b)
                a = b
            return total

        bounds: list[tuple[int, int]] = []
        start = 0
        while start < len(layers):
            end = fitting_end(layers, start, budget)
            if end < len(layers):
                # Compare cuts over the same layers: up to where the maximal
                # next segment after the first cut would end.
                horizon = fitting_end(layers, end, budget)
                best = split_cost(start, end, horizon)
                while end - 1 > start:
                    trial = end - 1
                    value = split_cost(start, trial, horizon)
                    if value >= best:
                        break
                    best, end = value, trial
            bounds.append((start, end))
            start = end
        for index, (a, b) in enumerate(bounds):
            for layer in layers[a:b]:
                layer.op.set_schedule(layer.op.sched.with_(segment=index))
        if len(bounds) > 1:
            sizes = [b - a for a, b in bounds]
            shown = ", ".join(map(str, sizes[:12])) + (", ..." if len(sizes) > 12 else "")
            remark(self.name, f"{len(layers)} layers need "
                   f"{sum(cost)} cores for one copy each, the chip has {budget}: "
                   f"{len(bounds)} segments of [{shown}] layers")
        else:
            remark(self.name, f"all {len(layers)} layers fit in one segment "
                   f"({sum(cost)}/{budget} cores for one copy each)")
