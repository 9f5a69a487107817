"""``-t mop``: a meta-operator flow in the paper's syntax (Figs. 10, 11, 13, 15).

Deterministic text meant for people: segments with their ``Init:`` and
``Compute:`` sections, ``parallel{ ... }`` regions, counted loops printed as
loops (``for i0 in 0..256 {``) with affine addresses (``L0[3072 + 128*i0]``),
CIM meta-ops as ``cim.read_core(conv, params, core_addr=0, src=0, dst=3072)``,
``cim.read_xb(xb_addr=0, len=1)``, ``cim.read_row(row_addr=xb0_row0, len=16)``,
DCOM as ``Relu(src=3072, dst=35840, len=32768)`` and DMOV as ``mov(...)``.
Operands the paper leaves implicit (L1 buffers, parameters) follow in
``// ...`` comments so the text stays faithful and complete.
"""

from __future__ import annotations

import math

import numpy as np
from dataclasses import dataclass
from typing import IO

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, UnitAttr
from xdsl.ir import Attribute, Operation
from xdsl.utils.target import Target

from cim_mlir.arch import Arch
from cim_mlir.cost import TileBlock, WeightMatrix, vxb_tiles
from cim_mlir.dialects.cim import BlobAttr, SplatAttr, get_arch
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
    WriteRowOp,
    WriteXbOp,
)
from cim_mlir.dialects.plain import format_plain
from cim_mlir.diagnostics import CimError

ELEMENTWISE = {"Relu", "Sigmoid", "Tanh", "Erf", "Gelu", "Sqrt", "Clip", "Identity", "Dropout",
               "Cast"}
BINARY = {"Add", "Sub", "Mul", "Div", "Pow"}


def addr(a: AddrAttr) -> str:
    """L0 addresses print as plain numbers (as in the paper), L1 with their space."""
    text = str(a)
    return text[3:-1] if a.space.data == "L0" else text


def matrix(ref: MatrixRefAttr) -> str:
    g0, g1, r0, r1, c0, c1 = ref.get("block")
    groups = f"g{g0}:{g1}, " if ref.groups.data > 1 else ""
    return f"{ref.layer.data}[{groups}{r0}:{r1}, {c0}:{c1}]"


def constant(attr: Attribute) -> str:
    if isinstance(attr, SplatAttr):
        value = attr.value.value.data
        return f"splat({np.float32(value) if isinstance(value, float) else value})"
    if isinstance(attr, BlobAttr):
        return f"blob({attr.key.data[:8]})"
    if isinstance(attr, UnitAttr):
        return "none"
    return "const"


EXPAND = 16
"""Tiled row ops over at most this many crossbars print one line per crossbar."""


def row_tiles(write: WriteRowOp, arch: Arch | None) -> list[TileBlock] | None:
    """The per-crossbar tiles of a tiled write_row (None if it cannot be expanded)."""
    if arch is None or write.count.data == 1:
        return None
    g0, g1, r0, r1, c0, c1 = write.matrix.get("block")
    matrix = WeightMatrix(r1 - r0, c1 - c0, g1 - g0, arch.data.weight_bits)
    return vxb_tiles(matrix, arch, height=write.height.data or None)


class FlowPrinter:
    def __init__(self, out: IO[str], arch: Arch | None = None):
        self.out = out
        self.depth = 0
        self.arch = arch
        self.writes: dict[int, WriteRowOp] = {}

    def line(self, text: str) -> None:
        self.out.write("  " * self.depth + text + "\n")

    def flow(self, flow: FlowOp, arch_name: str) -> None:
        self.line(f"// cim-mlir meta-operator flow '{flow.sym_name.data}' for arch "
                  f"'{arch_name}' in {flow.mode.data} ({len(flow.segments())} segments, "
                  f"{flow.l0_used.data} L0 elements)")
        for b in flow.inputs.data:
            self.line(f"// input  {b.tensor.data} @ L0[{b.addr.data}] "
                      f"{'x'.join(map(str, b.get('shape')))} ({b.layout.data})")
        for b in flow.outputs.data:
            self.line(f"// output {b.tensor.data} @ L0[{b.addr.data}] "
                      f"{'x'.join(map(str, b.get('shape')))} ({b.layout.data})")
        for seg in flow.segments():
            self.segment(seg)

    def segment(self, seg: SegmentOp) -> None:
        self.writes = {op.xb.data: op for op in seg.init.walk() if isinstance(op, WriteRowOp)}
        self.line(f"Segment {seg.index.data}:")
        self.depth += 1
        if seg.init.block.ops:
            self.line("Init:")
            self.block(seg.init.block.ops)
        self.line("Compute:")
        self.block(seg.compute.block.ops)
        self.depth -= 1

    def block(self, ops) -> None:
        self.depth += 1
        for op in ops:
            self.op(op)
        self.depth -= 1

    def op(self, op: Operation, in_parallel: bool | None = None) -> None:
        if in_parallel is None:
            in_parallel = isinstance(op.parent_op(), ParallelOp)
        together = isinstance(op, ReadXbOp | ReadRowOp) and op.n_copies > 1 or \
            isinstance(op, ReadRowOp) and op.count.data > 1
        if together and not in_parallel:
            # Copies, or one activation step over many crossbars: they run together.
            self.line("parallel{")
            self.depth += 1
            self.op(op, True)
            self.depth -= 1
            self.line("}")
        elif isinstance(op, ReadXbOp | ReadRowOp) and op.n_copies > 1:
            self.copies(op)
        elif isinstance(op, ParallelOp):
            self.line("parallel{")
            self.block(op.body.block.ops)
            self.line("}")
        elif isinstance(op, LoopOp):
            from cim_mlir.dialects.mop import loop_depth

            self.line(f"for i{loop_depth(op)} in 0..{op.count.data} {{")
            self.block(op.body.block.ops)
            self.line("}")
        elif isinstance(op, WriteRowOp | ReadRowOp) and op.count.data > 1:
            self.tiled_rows(op)
        else:
            self.line(self.meta(op))

    def copies(self, op: ReadXbOp | ReadRowOp) -> None:
        """Reads of duplicated copies: one line each when few, else one line."""
        singles = op.single_copies()
        if len(singles) <= EXPAND:
            for single in singles:
                self.op(single, True)
            return
        unit, span = ("len" if isinstance(op, ReadXbOp) else "count"), op.span
        xb_step, src_step, dst_step = op.steps
        last = op.xb.data + (len(singles) - 1) * xb_step
        name = "read_xb" if isinstance(op, ReadXbOp) else "read_row"
        row = f"_row{op.row.data}" if isinstance(op, ReadRowOp) else ""
        self.line(f"cim.{name}(xb_addr=xb{op.xb.data}..xb{last + span - 1} step "
                  f"{xb_step}{row}, {unit}={span}) x{len(singles)}  // "
                  f"{addr(op.src)} + {src_step}*k -> {addr(op.dst)} + "
                  f"{dst_step}*k{self.acc(op)}")

    def tiled_rows(self, op: WriteRowOp | ReadRowOp) -> None:
        """One paper-style line per crossbar of a tiled row op, when small enough."""
        write = op if isinstance(op, WriteRowOp) else self.writes.get(op.xb.data)
        tiles = row_tiles(write, self.arch) if write is not None else None
        if tiles is None or len(tiles) > EXPAND:
            last = op.xb.data + op.count.data - 1
            if isinstance(op, WriteRowOp):
                self.line(f"cim.write_row(row_addr=xb{op.xb.data}..xb{last}_row0, "
                          f"len={op.len.data}, value={matrix(op.matrix)})  // tiled, "
                          f"{op.height.data or 'full'} rows per crossbar")
            else:
                self.line(f"cim.read_row(row_addr=xb{op.xb.data}..xb{last}_row{op.row.data}, "
                          f"len={op.len.data})  // {addr(op.src)} -> {addr(op.dst)}"
                          f"{self.acc(op)}")
            return
        layer = op.matrix.layer.data if isinstance(op, WriteRowOp) else ""
        for k, t in enumerate(tiles):
            xb = op.xb.data + k
            if isinstance(op, WriteRowOp):
                self.line(f"cim.write_row(row_addr=xb{xb}_row0, len={t.height}, "
                          f"value={layer}[{t.rows[0]}:{t.rows[1]}, {t.cols[0]}:{t.cols[1]}])")
                continue
            rows = min(op.len.data, t.height - op.row.data)
            if rows <= 0:
                continue
            src = addr(op.src.shifted(t.in_offset + op.row.data))
            dst = addr(op.dst.shifted(t.out_offset))
            acc = " (accumulate)" if op.acc is not None or k > 0 and any(
                u.out_offset == t.out_offset for u in tiles[:k]) else ""
            self.line(f"cim.read_row(row_addr=xb{xb}_row{op.row.data}, len={rows})  // "
                      f"{src} -> {dst}{acc}")

    def meta(self, op: Operation) -> str:
        if isinstance(op, ReadCoreOp):
            cores = f"core_addr={op.core.data}" + (
                f", len={op.len.data}" if op.len.data > 1 else "")
            return (f"cim.read_core({op.kind.data}, params, {cores}, src={addr(op.src)}, "
                    f"dst={addr(op.dst)})  // {op.layer.data if op.layer else ''} "
                    f"{format_plain(op.params.as_dict())}")
        if isinstance(op, WriteCoreOp):
            cores = f"core_addr={op.core.data}" + (
                f", len={op.len.data}" if op.len.data > 1 else "")
            return f"cim.write_core({cores}, mat={matrix(op.matrix)})"
        if isinstance(op, WriteXbOp):
            return (f"cim.write_xb(xb_addr={op.xb.data}, len={op.len.data}, "
                    f"mat={matrix(op.matrix)})")
        if isinstance(op, WriteRowOp):
            col = f", col={op.col.data}" if op.col.data else ""
            return (f"cim.write_row(row_addr=xb{op.xb.data}_row{op.row.data}, "
                    f"len={op.len.data}{col}, value={matrix(op.matrix)})")
        if isinstance(op, ReadXbOp):
            waves = f", waves={op.waves.data}" if op.waves.data > 1 else ""
            return (f"cim.read_xb(xb_addr={op.xb.data}, len={op.len.data}{waves})  // "
                    f"{addr(op.src)} -> {addr(op.dst)}{self.acc(op)}")
        if isinstance(op, ReadRowOp):
            return (f"cim.read_row(row_addr=xb{op.xb.data}_row{op.row.data}, "
                    f"len={op.len.data})  // {addr(op.src)} -> {addr(op.dst)}{self.acc(op)}")
        if isinstance(op, MovOp):
            sizes, ss, ds = op.shape()
            extra = "" if op.sizes is None else f", sizes={sizes}, strides={ss}->{ds}"
            return f"mov(src={addr(op.src)}, dst={addr(op.dst)}, len={op.len.data}{extra})"
        if isinstance(op, Im2colOp):
            p = op.params.as_dict()
            return (f"im2col(src={addr(op.src)}, dst={addr(op.dst)}, first={op.first}, "
                    f"count={op.count.data})  // {format_plain(p)}")
        if isinstance(op, DcomOp):
            return self.dcom(op)
        raise CimError(f"'{op.name}' has no flow syntax")

    @staticmethod
    def acc(op: ReadXbOp | ReadRowOp) -> str:
        text = " (accumulate)" if op.acc is not None else ""
        return text + (f" << {op.shift.data}" if op.shift.data else "")

    @staticmethod
    def dcom(op: DcomOp) -> str:
        kind = op.kind.data
        p = op.params.as_dict()
        srcs = [addr(s) if isinstance(s, AddrAttr) else constant(s) for s in op.srcs.data]
        dsts = [addr(d) for d in op.dsts.data]
        out_len = math.prod(p["out_shapes"][0]) if p.get("out_shapes") else 0
        if kind in ELEMENTWISE and len(srcs) == 1 or kind in ELEMENTWISE and kind == "Clip":
            return f"{kind}(src={srcs[0]}, dst={dsts[0]}, len={out_len})"
        if kind in BINARY:
            return f"{kind.lower()}(src1={srcs[0]}, src2={srcs[1]}, dst={dsts[0]}, len={out_len})"
        rest = {k: v for k, v in p.items()
                if k not in ("in_shapes", "out_shapes", "in_layouts", "out_layouts")}
        shapes = "; ".join("x".join(map(str, s)) for s in p.get("in_shapes", []))
        args = ", ".join(f"src{i}={s}" for i, s in enumerate(srcs))
        return (f"{kind}({args}, dst={', '.join(dsts)}, len={out_len})  // in {shapes}"
                + (f" {format_plain(rest)}" if rest else ""))


@dataclass(frozen=True)
class MopTarget(Target):
    """The meta-operator flow in the paper's syntax."""

    name = "mop"

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        flows = [op for op in module.walk() if isinstance(op, FlowOp)]
        if not flows:
            raise CimError("-t mop needs a cim.mop.flow; run the compilation pipeline first "
                           "(e.g. --cim-mlc)")
        arch = get_arch(module)
        printer = FlowPrinter(output, arch)
        for flow in flows:
            printer.flow(flow, arch.name if arch else "?")
