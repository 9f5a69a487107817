"""convert-onnx-to-cim-core: CIM-supported operators onto cores (CM level).

A Conv (2-D, batch 1) or a Gemm/MatMul whose weights are an ``onnx.Constant``
becomes ``cim.core.conv`` / ``cim.core.matmul`` carrying its unrolled matrix
and the footprint of one copy on the module's arch (a MatMul followed by the
Add of a constant bias, a Linear layer, becomes one matmul with that bias); everything else stays an
``onnx`` op and runs on the digital ALU.  Run ``onnx-canonicalize`` first so
that weights produced by shape computations or folded BatchNorms are
constants.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import (
    FloatAttr,
    IntegerAttr,
    ModuleOp,
    StringAttr,
    TensorType,
    f32,
    i64,
)
from xdsl.ir import Operation, SSAValue
from xdsl.rewriter import InsertPoint, Rewriter

from cim_mlir.arch import Arch
from cim_mlir.cost import MappingError, WeightMatrix, footprint
from cim_mlir.diagnostics import PassError
from cim_mlir.dialects import onnx
from cim_mlir.dialects.core import (
    ConvOp,
    FootprintAttr,
    MatmulOp,
    MatrixAttr,
    ScheduleAttr,
)
from cim_mlir.passes.base import CimPass
from cim_mlir.weights import to_attr


def _is_constant(value: SSAValue) -> bool:
    return isinstance(value.owner, onnx.ConstantOp)


def _common_props(arch: Arch, name: str, matrix: WeightMatrix) -> dict:
    try:
        fp = footprint(matrix, arch)
    except MappingError as e:
        raise PassError(str(e), f"layer '{name}'") from None
    return {
        "name": StringAttr(name),
        "matrix": MatrixAttr.of(matrix),
        "footprint": FootprintAttr.make(xbars=fp.xbars, cores=fp.cores),
        "schedule": ScheduleAttr.make(),
    }


def convert_conv(op: onnx.ConvOp, arch: Arch) -> ConvOp | None:
    x, w = op.X.type, op.W.type
    assert isinstance(x, TensorType) and isinstance(w, TensorType)
    if not _is_constant(op.W) or x.get_num_dims() != 4:
        return None  # dynamic weights or 1-D/3-D conv: digital
    name = op.node_name.data
    if x.get_shape()[0] != 1:
        raise PassError(f"batch size {x.get_shape()[0]} is not supported by the CIM lowering "
                        "(one image at a time); import with --input-shape to set batch 1",
                        f"layer '{name}'")
    cout, cin_g, kh, kw = w.get_shape()
    g = op.group.value.data
    matrix = WeightMatrix(kh * kw * cin_g, cout // g, g, arch.data.weight_bits)
    props = _common_props(arch, name, matrix)
    for key in ("kernel_shape", "strides", "pads", "dilations", "group"):
        props[key] = op.properties[key]
    return ConvOp.create(operands=[op.X, op.W, op.B], result_types=[op.Y.type],
                         properties=props)


def per_column(value: SSAValue, n: int) -> bool:
    """A constant that adds the same value to every row: a bias the crossbar
    peripherals can apply per output column."""
    if not _is_constant(value):
        return False
    shape = list(value.type.get_shape())  # type: ignore[union-attr]
    return shape in ([n], [1, n], [1], [], [1, 1])


def convert_gemm(op: onnx.GemmOp, arch: Arch) -> list[Operation] | None:
    """Gemm with constant B; a C that is not a per-column constant (a full M x N
    matrix, or an activation) stays a digital ``Add`` of beta * C after it."""
    attrs = op.onnx_attributes()
    if not _is_constant(op.B) or attrs["transA"]:
        return None
    b = op.B.type
    assert isinstance(b, TensorType)
    k, n = b.get_shape()[::-1] if attrs["transB"] else b.get_shape()
    props = _common_props(arch, op.node_name.data, WeightMatrix(k, n, 1, arch.data.weight_bits))
    props.update(trans_w=IntegerAttr(attrs["transB"], i64), alpha=FloatAttr(attrs["alpha"], f32),
                 beta=FloatAttr(attrs["beta"], f32))
    if onnx.is_none(op.C) or per_column(op.C, n):
        return [MatmulOp.create(operands=[op.A, op.B, op.C], result_types=[op.Y.type],
                                properties=props)]
    none = onnx.NoValueOp()
    props["beta"] = FloatAttr(1.0, f32)
    mm = MatmulOp.create(operands=[op.A, op.B, none.none], result_types=[op.Y.type],
                         properties=props)
    new: list[Operation] = [none, mm]
    addend: SSAValue = op.C
    name = op.node_name.data
    if attrs["beta"] != 1.0:
        scale = onnx.ConstantOp(to_attr(np.array(attrs["beta"], dtype=np.float32)),
                                f"{name}/beta")
        mul = onnx.MulOp.create(operands=[op.C, scale.output], result_types=[op.C.type],
                                properties={"name": StringAttr(f"{name}/beta_c")})
        new += [scale, mul]
        addend = mul.results[0]
    add = onnx.AddOp.create(operands=[mm.output, addend], result_types=[op.Y.type],
                            properties={"name": StringAttr(f"{name}/add_c")})
    return [*new, add]


def bias_add(op: onnx.MatMulOp, n: int) -> onnx.AddOp | None:
    """The ``Add`` of a constant [N] bias that is the MatMul's only user (a Linear)."""
    users = list(op.Y.uses)
    if len(users) != 1 or not isinstance(add := users[0].operation, onnx.AddOp):
        return None
    other = add.B if add.A is op.Y else add.A
    if not _is_constant(other) or add.C.type != op.Y.type:
        return None
    shape = other.type.get_shape()  # type: ignore[union-attr]
    return add if list(shape) in ([n], [1, n]) else None


def reshaped(value: SSAValue, shape: list[int], name: str) -> tuple[list[Operation], SSAValue]:
    """``onnx.Reshape`` of ``value`` to ``shape`` (the ops and the result)."""
    elt = value.type.element_type  # type: ignore[union-attr]
    target = onnx.ConstantOp(to_attr(np.array(shape, np.int64)), f"{name}.shape")
    op = onnx.ReshapeOp.create(operands=[value, target.output],
                               result_types=[TensorType(elt, shape)],
                               properties={"name": StringAttr(name)})
    return [target, op], op.results[0]


def convert_matmul(op: onnx.MatMulOp, arch: Arch) -> list[Operation] | None:
    """MatMul against constant weights; a following constant bias Add is fused.

    The crossbar reads one contiguous K-vector per MVM.  A rank >= 4 activation is
    stored channels-last (4-D tensors are feature maps, cim_mlir.layout), where its
    last axis is not contiguous: such a MatMul (Swin's patch merging, [1,28,28,384] x
    [384,192]) computes on its rows reshaped to [1, M, K] and reshapes back.
    """
    a, b = op.A.type, op.B.type
    assert isinstance(a, TensorType) and isinstance(b, TensorType)
    if not _is_constant(op.B) or b.get_num_dims() != 2 or a.get_num_dims() < 2:
        return None
    k, n = b.get_shape()
    name = op.node_name.data
    props = _common_props(arch, name, WeightMatrix(k, n, 1, arch.data.weight_bits))
    add = bias_add(op, n)
    bias = None if add is None else (add.B if add.A is op.Y else add.A)
    out = op.Y if add is None else add.C
    out_type = out.type
    assert isinstance(out_type, TensorType)
    new: list[Operation] = []
    x = op.A
    result_type = out_type
    rows_form = a.get_num_dims() >= 4
    if rows_form:
        rows = math.prod(a.get_shape()[:-1])
        pre, x = reshaped(op.A, [1, rows, k], f"{name}/rows")
        new += pre
        result_type = TensorType(out_type.element_type, [1, rows, n])
    if bias is None:
        none = onnx.NoValueOp()
        new.append(none)
        bias = none.none
    mm = MatmulOp.create(operands=[x, op.B, bias], result_types=[result_type],
                         properties=props)
    new.append(mm)
    final = mm.output
    if rows_form:
        post, final = reshaped(mm.output, list(out_type.get_shape()), f"{name}/unrows")
        new += post
    Rewriter.insert_op(new, InsertPoint.before(add if add is not None else op))
    out.replace_all_uses_with(final)
    if add is not None:
        Rewriter.erase_op(add)
    Rewriter.erase_op(op)
    return []


@dataclass(frozen=True)
class ConvertOnnxToCimCorePass(CimPass):
    """Map Conv/Gemm/MatMul with constant weights to cim.core ops (CM level)."""

    name = "convert-onnx-to-cim-core"

    def run(self, ctx: Context, module: ModuleOp, arch: Arch) -> None:
        for op in list(module.walk()):
            if op.parent is None:  # erased with a fused neighbour
                continue
            new: Operation | list[Operation] | None = None
            if isinstance(op, onnx.ConvOp):
                new = convert_conv(op, arch)
            elif isinstance(op, onnx.GemmOp):
                new = convert_gemm(op, arch)
            elif isinstance(op, onnx.MatMulOp):
                new = convert_matmul(op, arch)
            if new:
                Rewriter.replace_op(op, new)
