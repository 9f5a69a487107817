"""Wordline-mode lowering of a CIM operator (MOP_WLM, §3.3.4, Fig. 16(e)).

Init: one tiled ``write_row`` per copy (its VXB at the operator's tile
height, see cim.row).  Compute: the gather / scatter loop of XBM, but each
MVM is a sequence of ``read_row`` activation steps of at most
``parallel_row`` rows per crossbar whose partial sums accumulate into the
copy's output slot: ceil(height / size) steps with the naive mapping, one
step once vvm-remap has given every row group its own crossbar.
"""

from __future__ import annotations

from xdsl.dialects.builtin import IntAttr, StringAttr, UnitAttr
from xdsl.ir import Block

from cim_mlir.codegen.cm import constant_attr, matrix_ref
from cim_mlir.codegen.flow import FlowBuilder, Fused, Segment
from cim_mlir.codegen.xbm import Copy, XbmLowering, emit_parallel, group_copies
from cim_mlir.dialects.mop import AddrAttr, ReadRowOp, WriteRowOp, XbReadOp
from cim_mlir.dialects.row import RowOp


class WlmLowering(XbmLowering):
    def __init__(self, fb: FlowBuilder, op: RowOp, seg: Segment, fused: Fused | None):
        super().__init__(fb, op, seg, fused)
        self.row_op = op

    def write_weights(self) -> None:
        op = self.row_op
        weights = constant_attr(op.weights)
        bias = constant_attr(op.bias)
        ref = matrix_ref(op)
        for c in self.copies:
            props = {"xb": IntAttr(c.xb), "row": IntAttr(0), "len": IntAttr(op.tile_rows()),
                     "count": IntAttr(op.vxb.xbars.data), "height": op.rows.height,
                     "weights": weights, "matrix": ref, "layer": StringAttr(op.layer_name)}
            if bias is not None:
                props["bias"] = bias
            self.seg.init.add_op(WriteRowOp.create(properties=props))

    def emit_reads(self, block: Block, copies: list[Copy],
                   slots: dict[int, tuple[AddrAttr, AddrAttr]]) -> None:
        op = self.row_op
        size = op.rows.size.data
        for wave in self.waves(copies):
            for step in range(op.row_steps()):
                reads: list[XbReadOp] = []
                for c in wave:
                    src, dst = slots[c.index]
                    if op.vxb.xbars.data == 1:
                        # count = 1: rows [row, row + len) multiply the input at src
                        src = src.shifted(step * size)
                    props = {"xb": IntAttr(c.xb), "row": IntAttr(step * size),
                             "len": IntAttr(min(size, op.tile_rows() - step * size)),
                             "count": IntAttr(op.vxb.xbars.data), "height": op.rows.height,
                             "src": src, "dst": dst, "layer": StringAttr(op.layer_name)}
                    if step > 0:
                        props["acc"] = UnitAttr()
                    reads.append(ReadRowOp.create(properties=props))
                emit_parallel(block, list(group_copies(reads)))


def lower_wlm(fb: FlowBuilder, op: RowOp, seg: Segment, fused: Fused | None) -> None:
    WlmLowering(fb, op, seg, fused).lower()
