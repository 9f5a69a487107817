"""Crossbar-mode lowering of a CIM operator (MOP_XBM, §3.3.3, Fig. 16(d)).

Init: one ``write_xb`` per VXB copy.  Compute: the MVMs in a counted loop of
``windows // D'`` identical segments (plus one partial segment for the
remainder); each segment gathers D' consecutive windows into the L1 of the
cores holding the copies (``im2col`` for a conv, a strided ``mov`` for a
matmul), activates the copies in ``stagger`` waves of ``parallel{read_xb}``,
moves the results to L0 — consecutive windows are consecutive output pixels,
so a plain ``mov`` — and applies a fused elementwise consumer (ReLU) to the
fresh outputs "to facilitate subsequent pipelines".
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects.builtin import ArrayAttr, IntAttr, StringAttr
from xdsl.ir import Block, Operation

from cim_mlir.codegen.cm import constant_attr, matrix_ref, split_even
from cim_mlir.codegen.flow import Buffer, FlowBuilder, Fused, Segment
from cim_mlir.dialects.core import ConvLike
from cim_mlir.dialects.mop import (
    AddrAttr,
    DcomOp,
    Im2colOp,
    IndexAttr,
    LoopOp,
    MovOp,
    ParallelOp,
    ParamsAttr,
    ReadXbOp,
    WriteXbOp,
    XbReadOp,
    new_region,
)
from cim_mlir.dialects.xbar import XbarOp


@dataclass
class Copy:
    index: int
    xb: int
    core: int


def group_copies(reads: list[XbReadOp]) -> list[XbReadOp]:
    """Fold runs of reads that differ only by an arithmetic step in crossbar,
    source and destination into one op with ``copies`` (flow size stays
    O(cores), not O(D'), for heavily duplicated layers)."""
    out: list[XbReadOp] = []
    run: list[XbReadOp] = []

    def steps(a: XbReadOp, b: XbReadOp) -> tuple[int, int, int] | None:
        same = {k: v for k, v in a.properties.items() if k not in ("xb", "src", "dst")}
        other = {k: v for k, v in b.properties.items() if k not in ("xb", "src", "dst")}
        if same != other:
            return None
        if any((x.space, x.core, x.coeffs) != (y.space, y.core, y.coeffs)
               for x, y in ((a.src, b.src), (a.dst, b.dst))):
            return None
        return (b.xb.data - a.xb.data, b.src.base.data - a.src.base.data,  # type: ignore[attr-defined]
                b.dst.base.data - a.dst.base.data)

    def flush() -> None:
        if len(run) == 1:
            out.append(run[0])
        elif run:
            xb_step, src_step, dst_step = steps(run[0], run[1])  # type: ignore[misc]
            props = dict(run[0].properties)
            props.update(copies=IntAttr(len(run)), xb_step=IntAttr(xb_step),
                         src_step=IntAttr(src_step), dst_step=IntAttr(dst_step))
            out.append(type(run[0]).create(properties=props))
        run.clear()

    for read in reads:
        if run:
            step = steps(run[-1], read)
            fits = step is not None and step[0] >= run[0].span and (
                len(run) == 1 or step == steps(run[0], run[1]))
            if not fits:
                flush()
        run.append(read)
    flush()
    return out


def emit_parallel(block: Block, ops: list[Operation]) -> None:
    if len(ops) == 1:
        block.add_op(ops[0])
    elif ops:
        par = ParallelOp.create(regions=[new_region()])
        par.body.block.add_ops(ops)
        block.add_op(par)


class XbmLowering:
    """Emits one XBM operator; WLM reuses the gather/scatter half of it."""

    def __init__(self, fb: FlowBuilder, op: XbarOp, seg: Segment, fused: Fused | None):
        self.fb, self.op, self.seg, self.fused = fb, op, seg, fused
        self.arch = fb.arch
        self.x: Buffer = fb.buffer(op.input)
        self.y: Buffer = fb.buffer(op.output)
        m = op.matrix.matrix()
        self.k = m.rows * m.groups
        """Elements of one input window (all groups)."""
        self.n = m.cols * m.groups
        """Outputs of one MVM."""
        self.is_conv = isinstance(op, ConvLike)
        self.copies = [Copy(j, xb, xb // self.arch.xbars_per_core)
                       for j, xb in enumerate(op.placement.starts)]
        self.scratch: int | None = None
        """L0 address of the staging area when the cores' L1 is too small."""
        self.stage_offset: dict[int, int] = {}

    def staging(self) -> None:
        """Stage windows and results in L1, or in an L0 scratch area if L1 is too
        small for one loop iteration's windows (PUMA's 1 KB L1 vs a 784-wide
        input): the reads then take their operands from L0."""
        per_core: dict[int, int] = {}
        for c in self.copies:
            per_core[c.core] = per_core.get(c.core, 0) + self.k + self.n
        size = self.arch.core.l1_size
        elems = size * 8 // self.arch.data.activation_bits if isinstance(size, int) else None
        if elems is None or max(per_core.values()) <= elems:
            return
        offset = 0
        for core, need in per_core.items():
            self.stage_offset[core] = offset
            offset += need
        self.scratch = self.fb.alloc.alloc(offset)
        from cim_mlir.remarks import remark

        remark("convert-cim-to-mop", f"layer '{self.op.layer_name}': one iteration stages "
               f"{max(per_core.values())} elements per core, L1 holds {elems}; staging in "
               "L0 instead")

    def stage(self, core: int, offset: int) -> AddrAttr:
        """A staging address: core's L1, or its share of the L0 scratch area."""
        if self.scratch is None:
            return AddrAttr.l1(core, offset)
        return AddrAttr.l0(self.scratch + self.stage_offset[core] + offset)

    # ---- the loop -----------------------------------------------------------------
    def lower(self) -> None:
        self.write_weights()
        self.staging()
        d = len(self.copies)
        windows = self.op.windows.data
        full, rem = divmod(windows, d)
        if full > 1:
            loop = LoopOp.create(properties={"count": IntAttr(full)}, regions=[new_region()])
            self.segment_body(loop.body.block, 0, [d], self.copies, depth=1)
            self.seg.compute.add_op(loop)
        elif full == 1:
            self.segment_body(self.seg.compute, 0, [], self.copies, depth=0)
        if rem:
            self.segment_body(self.seg.compute, full * d, [], self.copies[:rem], depth=0)
        if self.scratch is not None:
            self.fb.alloc.release(self.scratch, sum(
                self.k + self.n for _ in self.copies))

    def write_weights(self) -> None:
        op = self.op
        weights = constant_attr(op.weights)
        bias = constant_attr(op.bias)
        ref = matrix_ref(op)
        for c in self.copies:
            props = {"xb": IntAttr(c.xb), "len": IntAttr(op.vxb.xbars.data),
                     "weights": weights, "matrix": ref, "binding": op.binding,
                     "layer": StringAttr(op.layer_name)}
            if bias is not None:
                props["bias"] = bias
            self.seg.init.add_op(WriteXbOp.create(properties=props))

    def by_core(self, copies: list[Copy]) -> list[list[Copy]]:
        groups: list[list[Copy]] = []
        for c in copies:
            if groups and groups[-1][-1].core == c.core:
                groups[-1].append(c)
            else:
                groups.append([c])
        return groups

    def segment_body(self, block: Block, first: int, coeffs: list[int], copies: list[Copy],
                     depth: int) -> None:
        """One segment: gather, MVMs (in waves), scatter, fused DCOM."""
        groups = self.by_core(copies)
        slots: dict[int, tuple[AddrAttr, AddrAttr]] = {}
        scatters: list[Operation] = []
        for group in groups:
            core, count = group[0].core, len(group)
            lead = first + group[0].index
            block.add_op(self.gather(core, lead, coeffs, count))
            out_base = count * self.k
            for pos, c in enumerate(group):
                slots[c.index] = (self.stage(core, pos * self.k),
                                  self.stage(core, out_base + pos * self.n))
            scatters.append(MovOp.create(properties={
                "src": self.stage(core, out_base),
                "dst": self.y.at(lead * self.n, [c * self.n for c in coeffs]),
                "len": IntAttr(count * self.n), "layer": StringAttr(self.op.layer_name)}))
        self.emit_reads(block, copies, slots)
        block.add_ops(scatters)
        if self.fused is not None:
            block.add_op(self.fused_dcom(first, coeffs, len(copies)))

    def emit_reads(self, block: Block, copies: list[Copy],
                   slots: dict[int, tuple[AddrAttr, AddrAttr]]) -> None:
        """The MVMs of one segment: one read_xb per copy, in activation waves."""
        for wave in self.waves(copies):
            emit_parallel(block, list(group_copies([self.read(c, *slots[c.index])
                                                    for c in wave])))

    def waves(self, copies: list[Copy]) -> list[list[Copy]]:
        """Copies per activation wave; staggering beyond the copies splits row tiles."""
        stagger = min(self.op.placement.stagger.data, len(copies))
        return [[copies[i] for i in range(a, b)] for a, b in split_even(len(copies), stagger)]

    @property
    def tile_waves(self) -> int:
        d = len(self.copies)
        return max(1, -(-self.op.placement.stagger.data // d))

    # ---- pieces -------------------------------------------------------------------
    def gather(self, core: int, first: int, coeffs: list[int], count: int) -> Operation:
        op = self.op
        if self.is_conv:
            p = op.conv_params()
            _, c_in, h, w = self.x.shape
            c0, c1 = op.range_of("in", c_in)
            params = {"in_shape": [h, w, c_in], "kernel_shape": p["kernel_shape"],
                      "strides": p["strides"], "pads": p["pads"],
                      "dilations": p["dilations"], "channels": [c0, c1],
                      "groups": op.matrix.matrix().groups}
            return Im2colOp.create(properties={
                "src": self.x.at(), "dst": self.stage(core, 0),
                "params": ParamsAttr.of(params), "first": IndexAttr.get(first, coeffs),
                "count": IntAttr(count), "layer": StringAttr(op.layer_name)})
        k_full = self.x.shape[-1]
        k0, k1 = op.range_of("in", k_full)
        return MovOp.create(properties={
            "src": self.x.at(first * k_full + k0, [c * k_full for c in coeffs]),
            "dst": self.stage(core, 0), "len": IntAttr(count * (k1 - k0)),
            "sizes": ArrayAttr([IntAttr(count), IntAttr(k1 - k0)]),
            "src_strides": ArrayAttr([IntAttr(k_full), IntAttr(1)]),
            "dst_strides": ArrayAttr([IntAttr(k1 - k0), IntAttr(1)]),
            "layer": StringAttr(op.layer_name)})

    def read(self, c: Copy, src: AddrAttr, dst: AddrAttr) -> Operation:
        return ReadXbOp.create(properties={
            "xb": IntAttr(c.xb), "len": IntAttr(self.op.vxb.xbars.data), "src": src,
            "dst": dst, "waves": IntAttr(self.tile_waves),
            "layer": StringAttr(self.op.layer_name)})

    def fused_dcom(self, first: int, coeffs: list[int], count: int) -> Operation:
        fused = self.fused
        assert fused is not None
        n = count * self.n
        strides = [c * self.n for c in coeffs]
        srcs = [self.y.at(first * self.n, strides) if i == fused.operand else a
                for i, a in enumerate(fused.srcs)]
        params = dict(fused.attrs)
        params.update(in_shapes=[[n]], out_shapes=[[n]], in_layouts=["rowmajor"],
                      out_layouts=["rowmajor"])
        return DcomOp.create(properties={
            "kind": StringAttr(fused.kind), "srcs": ArrayAttr(srcs),
            "dsts": ArrayAttr([fused.out.at(first * self.n, strides)]),
            "params": ParamsAttr.of(params), "layer": StringAttr(fused.layer)})


def lower_xbm(fb: FlowBuilder, op: XbarOp, seg: Segment, fused: Fused | None) -> None:
    XbmLowering(fb, op, seg, fused).lower()
