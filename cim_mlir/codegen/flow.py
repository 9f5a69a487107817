"""Mode-independent part of convert-cim-to-mop: buffers, segments, DCOM.

:class:`FlowBuilder` walks ``func.func @main`` in program order, gives every
activation an L0 buffer (first-fit with liveness-based reuse; reshapes that
do not move bytes alias their input), splits the body into the CG segments
the schedule decided, emits digital operators as ``cim.mop.dcom`` and hands
each CIM operator to a mode-specific lowering (CM, XBM, WLM).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from xdsl.dialects import func
from xdsl.dialects.builtin import ArrayAttr, IntAttr, ModuleOp, StringAttr, TensorType, UnitAttr
from xdsl.ir import Attribute, Block, Operation, SSAValue

from cim_mlir.arch import Arch
from cim_mlir.codegen.alloc import Allocator
from cim_mlir.diagnostics import PassError
from cim_mlir.dialects import onnx
from cim_mlir.dialects.core import CimCoreOp
from cim_mlir.dialects.mop import (
    AddrAttr,
    BufferAttr,
    DcomOp,
    FlowOp,
    ParamsAttr,
    SegmentOp,
    new_region,
)
from cim_mlir.layout import layout_for, physical_shape, same_bytes
from cim_mlir.progress import bar

VIEW_OPS = {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout"}
"""Ops that may alias their input when the bytes do not move."""

FUSABLE = {"Relu", "Clip", "Sigmoid", "Tanh"}
"""Elementwise consumers an MVM loop applies to its fresh outputs (XBM/WLM)."""


@dataclass
class Fused:
    """An elementwise consumer fused into a CIM operator's loop."""

    kind: str
    srcs: list[Attribute]
    """Its sources; position ``operand`` is the CIM output (replaced per segment)."""
    operand: int
    attrs: dict
    out: Buffer
    layer: str


@dataclass
class Buffer:
    """An activation in L0."""

    addr: int
    shape: tuple[int, ...]
    layout: str
    root: Buffer | None = None
    """The allocation this buffer aliases (None: it owns its allocation)."""
    users: int = 0
    """Live aliases of this allocation, including itself."""

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def phys(self) -> tuple[int, ...]:
        """Physical dims (HWC for a batch-1 feature map, with the batch dim)."""
        return physical_shape(self.shape, self.layout)

    def at(self, offset: int = 0, coeffs: list[int] | None = None) -> AddrAttr:
        return AddrAttr.l0(self.addr + offset, coeffs or [])


def shape_of(value: SSAValue) -> tuple[int, ...]:
    assert isinstance(value.type, TensorType)
    return tuple(value.type.get_shape())


def value_name(value: SSAValue, fallback: str) -> str:
    return value.name_hint or fallback


@dataclass
class Segment:
    index: int
    op: SegmentOp
    init: Block = field(init=False)
    compute: Block = field(init=False)

    def __post_init__(self) -> None:
        self.init = self.op.init.block
        self.compute = self.op.compute.block


CimLowering = Callable[["FlowBuilder", CimCoreOp, Segment, "Fused | None"], None]


class FlowBuilder:
    """Builds the cim.mop.flow of one module."""

    def __init__(self, module: ModuleOp, arch: Arch, mode_name: str, fuse: bool = False):
        self.module = module
        self.arch = arch
        self.mode_name = mode_name
        capacity = arch.chip.l0_size
        elems = capacity * 8 // arch.data.activation_bits if isinstance(capacity, int) \
            else math.inf
        self.alloc = Allocator(elems)
        self.buffers: dict[SSAValue, Buffer] = {}
        self.segments: list[Segment] = []
        self.flow_body = Block()
        self.overflow_layer: str | None = None
        self.fuse = fuse
        self.fused_ops: set[Operation] = set()
        self.next_core: dict[int, int] = {}
        """Next free core per segment, for CIM ops the schedule left unassigned."""

    # ---- buffers --------------------------------------------------------------------
    def new_buffer(self, value: SSAValue, layer: str) -> Buffer:
        shape = shape_of(value)
        buf = Buffer(0, shape, layout_for(shape))
        buf.addr = self.alloc.alloc(buf.size)
        buf.users = 1
        self.buffers[value] = buf
        if self.alloc.overflows and self.overflow_layer is None:
            self.overflow_layer = layer
        return buf

    def alias(self, result: SSAValue, source: SSAValue) -> Buffer:
        src = self.buffers[source]
        root = src.root or src
        shape = shape_of(result)
        buf = Buffer(src.addr, shape, layout_for(shape), root=root)
        root.users += 1
        self.buffers[result] = buf
        return buf

    def release(self, value: SSAValue) -> None:
        buf = self.buffers.get(value)
        if buf is None:
            return
        root = buf.root or buf
        root.users -= 1
        if root.users == 0:
            self.alloc.release(root.addr, root.size)

    def buffer(self, value: SSAValue) -> Buffer:
        return self.buffers[value]

    # ---- segments -------------------------------------------------------------------
    def segment(self, index: int) -> Segment:
        if self.segments and self.segments[-1].index == index:
            return self.segments[-1]
        if self.segments and index < self.segments[-1].index:
            raise PassError(f"segment {index} appears after segment "
                            f"{self.segments[-1].index}; segments must follow program "
                            "order (rerun cg-segment)")
        op = SegmentOp.create(properties={"index": IntAttr(index)},
                              regions=[new_region(), new_region()])
        self.flow_body.add_op(op)
        seg = Segment(index, op)
        self.segments.append(seg)
        return seg

    # ---- DCOM -----------------------------------------------------------------------
    def src_attr(self, value: SSAValue) -> Attribute:
        owner = value.owner
        if isinstance(owner, onnx.ConstantOp):
            return owner.value
        if isinstance(owner, onnx.NoValueOp):
            return UnitAttr()
        return self.buffers[value].at()

    def emit_dcom(self, op: onnx.OnnxOp, seg: Segment) -> None:
        srcs = [self.src_attr(v) for v in op.operands]
        buffered = [v for v in op.operands if v in self.buffers]
        outs = [self.buffers[r] for r in op.results]
        params = dict(op.onnx_attributes())
        params.update(
            in_shapes=[list(self.buffers[v].shape) for v in buffered],
            out_shapes=[list(b.shape) for b in outs],
            in_layouts=[self.buffers[v].layout for v in buffered],
            out_layouts=[b.layout for b in outs],
        )
        seg.compute.add_op(DcomOp.create(properties={
            "kind": StringAttr(op.onnx_op_type),
            "srcs": ArrayAttr(srcs),
            "dsts": ArrayAttr([b.at() for b in outs]),
            "params": ParamsAttr.of(_plain_params(params)),
            "layer": StringAttr(op.node_name.data),
        }))

    def fusable_consumer(self, op: CimCoreOp) -> onnx.OnnxOp | None:
        uses = list(op.output.uses)
        if not self.fuse or len(uses) != 1:
            return None
        user = uses[0].operation
        if not isinstance(user, onnx.OnnxOp) or user.onnx_op_type not in FUSABLE:
            return None
        others = [v for v in user.operands if v is not op.output]
        if any(not isinstance(v.owner, onnx.ConstantOp | onnx.NoValueOp) for v in others):
            return None
        return user if shape_of(user.results[0]) == shape_of(op.output) else None

    def fuse_consumer(self, op: CimCoreOp) -> Fused | None:
        user = self.fusable_consumer(op)
        if user is None:
            return None
        out = self.new_buffer(user.results[0], user.node_name.data)
        self.fused_ops.add(user)
        operand = next(i for i, v in enumerate(user.operands) if v is op.output)
        srcs = [UnitAttr() if i == operand else self.src_attr(v)
                for i, v in enumerate(user.operands)]
        attrs = _plain_params(dict(user.onnx_attributes()))
        return Fused(user.onnx_op_type, srcs, operand, attrs, out, user.node_name.data)

    # ---- the walk -------------------------------------------------------------------
    def build(self, lower_cim: CimLowering, schedule: dict) -> FlowOp:
        main = next((op for op in self.module.walk() if isinstance(op, func.FuncOp)
                     and op.sym_name.data == "main"), None)
        if main is None:
            raise PassError("the module has no func.func @main to lower")
        body = list(main.body.block.ops)
        last_use: dict[SSAValue, int] = {}
        for i, op in enumerate(body):
            for v in op.operands:
                last_use[v] = i
        inputs = []
        for arg in main.body.block.args:
            buf = self.new_buffer(arg, "input")
            inputs.append(BufferAttr.make(tensor=value_name(arg, f"arg{arg.index}"),
                                          addr=buf.addr, shape=list(buf.shape),
                                          layout=buf.layout))
            if arg not in last_use:
                self.release(arg)
        seg = self.segment(0)
        outputs: list[BufferAttr] = []
        for i, op in bar(enumerate(body), "lower to cim.mop", unit="op", total=len(body),
                         name=lambda item: _layer_name(item[1])):
            if isinstance(op, func.ReturnOp):
                for n, v in enumerate(op.operands):
                    buf = self.buffers[v]
                    outputs.append(BufferAttr.make(tensor=value_name(v, f"out{n}"),
                                                   addr=buf.addr, shape=list(buf.shape),
                                                   layout=buf.layout))
                continue
            if isinstance(op, onnx.ConstantOp | onnx.NoValueOp):
                continue
            layer = _layer_name(op)
            if isinstance(op, CimCoreOp):
                seg = self.segment(op.sched.segment.data)
            if op in self.fused_ops:
                pass  # emitted inside its producer's loop
            elif self._is_view(op):
                self.alias(op.results[0], op.operands[0])
            else:
                for r in op.results:
                    self.new_buffer(r, layer)
                if isinstance(op, CimCoreOp):
                    lower_cim(self, op, seg, self.fuse_consumer(op))
                elif isinstance(op, onnx.OnnxOp):
                    self.emit_dcom(op, seg)
                else:
                    raise PassError(f"cannot lower '{op.name}' to meta-operators", layer)
            for v in set(op.operands):
                if last_use.get(v) == i and v in self.buffers:
                    self.release(v)
            for r in op.results:
                if r not in last_use and r in self.buffers:
                    self.release(r)
        if self.alloc.overflows and not self.arch.allow_spill:
            raise PassError(
                f"activations need {self.alloc.high_water} L0 elements but arch "
                f"'{self.arch.name}' has {int(self.alloc.capacity)} and does not allow "
                "spilling", f"layer '{self.overflow_layer}'")
        flow = FlowOp.create(
            properties={
                "sym_name": StringAttr("main"),
                "mode": StringAttr(self.mode_name),
                "inputs": ArrayAttr(inputs),
                "outputs": ArrayAttr(outputs),
                "l0_used": IntAttr(self.alloc.high_water),
                "schedule": ParamsAttr.of(schedule),
            },
            regions=[new_region()],
        )
        for op in list(self.flow_body.ops):
            op.detach()
            flow.body.block.add_op(op)
        return flow

    def _is_view(self, op: Operation) -> bool:
        if not isinstance(op, onnx.OnnxOp) or op.onnx_op_type not in VIEW_OPS:
            return False
        src = op.operands[0]
        if src not in self.buffers:
            return False
        buf = self.buffers[src]
        dst = shape_of(op.results[0])
        return same_bytes(buf.shape, buf.layout, dst, layout_for(dst))


def _layer_name(op: Operation) -> str:
    name = op.properties.get("name")
    return name.data if isinstance(name, StringAttr) else op.name


def _plain_params(params: dict) -> dict:
    """ONNX attribute values as plain data (tensor attributes become lists)."""
    import numpy as np

    out = {}
    for key, value in params.items():
        if isinstance(value, np.ndarray):
            value = value.tolist()
        out[key] = value
    return out
