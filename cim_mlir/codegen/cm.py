"""Core-mode lowering of a CIM operator: write_core + parallel read_core (MOP_CM).

The duplicated copies split the output among themselves (§3.4 "we partitioned
the input feature maps into several sub-ones with the same number as the
duplicated operators"): a conv's output rows, a matmul's rows.  Each copy
reads the input rows its output rows need (halo included) from L0 and writes
its output rows; padding at the partition edges is recomputed so the core
sees an ordinary convolution on its sub-feature-map.
"""

from __future__ import annotations

from xdsl.dialects.builtin import IntAttr, StringAttr, TensorType
from xdsl.ir import Attribute, Operation

from cim_mlir.codegen.flow import FlowBuilder, Segment
from cim_mlir.dialects import onnx
from cim_mlir.dialects.core import CimCoreOp, ConvLike, MatmulLike
from cim_mlir.dialects.mop import (
    MatrixRefAttr,
    ParallelOp,
    ParamsAttr,
    ReadCoreOp,
    WriteCoreOp,
    new_region,
)


def split_even(total: int, parts: int) -> list[tuple[int, int]]:
    """[begin, end) chunks of ``total`` over ``parts`` (first ones one larger); no empties."""
    parts = max(1, min(parts, total))
    base, extra = divmod(total, parts)
    out, start = [], 0
    for k in range(parts):
        size = base + (1 if k < extra else 0)
        out.append((start, start + size))
        start += size
    return out


def constant_attr(value) -> Attribute | None:
    owner = value.owner
    return owner.value if isinstance(owner, onnx.ConstantOp) else None


def matrix_ref(op: CimCoreOp) -> MatrixRefAttr:
    """The whole (sub-)matrix of ``op`` (block = all of it).

    A part of a grouped conv is the block of its groups in the full unrolling
    (ranges stay whole: they cut channels, which would split groups).
    """
    m = op.matrix.matrix()
    w = op.weights.type
    assert isinstance(w, TensorType)
    if isinstance(op, ConvLike) and op.group.value.data > 1:
        groups = op.group.value.data
        o0, _ = op.range_of("out", w.get_shape()[0])
        g0 = o0 // m.cols
        return MatrixRefAttr.make(layer=op.layer_name, kind="conv", groups=groups,
                                  in_range=[0, w.get_shape()[1] * groups],
                                  out_range=[0, w.get_shape()[0]],
                                  block=[g0, g0 + m.groups, 0, m.rows, 0, m.cols])
    if isinstance(op, ConvLike):
        full_in = w.get_shape()[1] * m.groups
        full_out = w.get_shape()[0]
        kind, trans = "conv", 0
    else:
        assert isinstance(op, MatmulLike)
        shape = w.get_shape()
        full_in, full_out = (shape[1], shape[0]) if op.transposed else (shape[0], shape[1])
        kind, trans = "matmul", int(op.transposed)
    i0, i1 = op.range_of("in", full_in)
    o0, o1 = op.range_of("out", full_out)
    scales = ({"alpha": op.alpha.value.data, "beta": op.beta.value.data}
              if isinstance(op, MatmulLike) else {})
    return MatrixRefAttr.make(layer=op.layer_name, kind=kind, trans=trans, groups=m.groups,
                              in_range=[i0, i1], out_range=[o0, o1],
                              block=[0, m.groups, 0, m.rows, 0, m.cols], **scales)


def copy_cores(fb: FlowBuilder, op: CimCoreOp, seg: Segment) -> list[int]:
    """First core of every copy: the schedule's, or consecutive ones if unscheduled."""
    per = op.footprint.cores.data
    cores = op.sched.core_list
    if not cores:
        start = fb.next_core.get(seg.index, 0)
        cores = list(range(start, start + per * op.sched.dup.data))
        fb.next_core[seg.index] = start + len(cores)
    return cores[::per]


def write_weights(fb: FlowBuilder, op: CimCoreOp, seg: Segment, firsts: list[int]) -> None:
    weights = constant_attr(op.weights)
    assert weights is not None, "cim.core weights are constants by construction"
    bias = constant_attr(op.bias)
    ref = matrix_ref(op)
    for core in firsts:
        props = {"core": IntAttr(core), "len": IntAttr(op.footprint.cores.data),
                 "weights": weights, "matrix": ref, "layer": StringAttr(op.layer_name)}
        if bias is not None:
            props["bias"] = bias
        seg.init.add_op(WriteCoreOp.create(properties=props))


def conv_partitions(op: ConvLike, fb: FlowBuilder, copies: int) -> list[tuple[int, dict, int, int]]:
    """(copy, params, src offset, dst offset) of every non-empty output-row chunk."""
    x, y = fb.buffer(op.input), fb.buffer(op.output)
    _, c_in, h, w = x.shape
    _, c_out, oh, ow = y.shape
    p = op.conv_params()
    kh = p["kernel_shape"][0]  # type: ignore[index]
    sh = p["strides"][0]  # type: ignore[index]
    dh = p["dilations"][0]  # type: ignore[index]
    pt, pl, pb, pr = p["pads"]  # type: ignore[misc]
    c0, c1 = op.range_of("in", c_in)
    out = []
    for k, (r0, r1) in enumerate(split_even(oh, copies)):
        first = r0 * sh - pt
        last = (r1 - 1) * sh - pt + (kh - 1) * dh + 1
        i0, i1 = max(0, first), min(h, last)
        params = {
            "in_shape": [i1 - i0, w, c_in], "channels": [c0, c1],
            "out_shape": [r1 - r0, ow, c_out],
            "kernel_shape": p["kernel_shape"], "strides": p["strides"],
            "pads": [i0 - first, pl, last - i1, pr], "dilations": p["dilations"],
            "group": op.matrix.matrix().groups,
        }
        out.append((k, params, i0 * w * c_in, r0 * ow * c_out))
    return out


def matmul_partitions(op: MatmulLike, fb: FlowBuilder,
                      copies: int) -> list[tuple[int, dict, int, int]]:
    x, y = fb.buffer(op.input), fb.buffer(op.output)
    k_full, n = x.shape[-1], y.shape[-1]
    rows = x.size // k_full
    k0, k1 = op.range_of("in", k_full)
    out = []
    for k, (m0, m1) in enumerate(split_even(rows, copies)):
        params = {"in_shape": [m1 - m0, k_full], "channels": [k0, k1],
                  "out_shape": [m1 - m0, n], "alpha": op.alpha.value.data,
                  "beta": op.beta.value.data}
        out.append((k, params, m0 * k_full, m0 * n))
    return out


def lower_cm(fb: FlowBuilder, op: CimCoreOp, seg: Segment, fused: object = None) -> None:
    assert fused is None, "CM flows keep digital operators separate"
    firsts = copy_cores(fb, op, seg)
    write_weights(fb, op, seg, firsts)
    x, y = fb.buffer(op.input), fb.buffer(op.output)
    if isinstance(op, ConvLike):
        parts = conv_partitions(op, fb, len(firsts))
        kind = "conv"
    else:
        assert isinstance(op, MatmulLike)
        parts = matmul_partitions(op, fb, len(firsts))
        kind = "matmul"
    reads: list[Operation] = []
    for copy, params, src, dst in parts:
        reads.append(ReadCoreOp.create(properties={
            "kind": StringAttr(kind), "params": ParamsAttr.of(params),
            "core": IntAttr(firsts[copy]), "len": IntAttr(op.footprint.cores.data),
            "src": x.at(src), "dst": y.at(dst), "layer": StringAttr(op.layer_name)}))
    if len(reads) == 1:
        seg.compute.add_op(reads[0])
    else:
        par = ParallelOp.create(regions=[new_region()])
        par.body.block.add_ops(reads)
        seg.compute.add_op(par)
