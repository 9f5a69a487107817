"""The ``cim.mop`` dialect: the executable meta-operator flow (§3.3, Figs. 10–15).

A flow is a ``cim.mop.flow`` holding ``cim.mop.segment``s (CG sub-graphs run
in order); each segment has an *init* region that programs weights
(``write_core`` / ``write_xb`` / ``write_row``) and a *compute* region of

* CIM meta-ops: ``read_core`` (MOP_CM), ``read_xb`` (MOP_XBM), ``read_row`` (MOP_WLM),
* DCOM: ``dcom`` — any digital operator, named by its ONNX op type and
  evaluated with ONNX semantics on the ALU,
* DMOV: ``mov`` (contiguous or N-D strided) and ``im2col`` (sliding-window gather),
* structure: ``parallel`` regions and counted ``loop``s.

Buffers are explicit.  An address is ``#cim.mop.addr<L0[3072 + 128*i0]>``:
the space (``L0``, or ``L1.<core>``) and an element offset that is affine in
the indices of the enclosing loops (``i0`` outermost), so the paper's "256
similar code segments" is one loop of 256 in the IR.  Addresses count
activation elements; 4-D feature maps are stored HWC (batch 1), everything
else row-major.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from xdsl.dialects.builtin import (
    ArrayAttr,
    DenseIntOrFPElementsAttr,
    FloatData,
    IntAttr,
    StringAttr,
    UnitAttr,
)
from xdsl.ir import Attribute, Data, Dialect, Operation, ParametrizedAttribute, Region
from xdsl.irdl import (
    IRDLOperation,
    irdl_attr_definition,
    irdl_op_definition,
    opt_prop_def,
    prop_def,
    region_def,
    traits_def,
)
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.traits import IsolatedFromAbove, NoTerminator
from xdsl.utils.exceptions import VerifyException

from cim_mlir.arch import Arch, ComputingMode
from cim_mlir.dialects.cim import BlobAttr, SplatAttr, get_arch
from cim_mlir.dialects.plain import RecordAttr, format_plain, parse_plain

# ---- attributes ------------------------------------------------------------------------


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple((k, _freeze(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return ("__list__", tuple(_freeze(v) for v in value))
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "__list__":
        return [_thaw(v) for v in value[1]]
    if isinstance(value, tuple):
        return {k: _thaw(v) for k, v in value}
    return value


@irdl_attr_definition
class ParamsAttr(Data[tuple]):
    """Plain parameters of a meta-op (conv geometry, ONNX attributes, shapes)."""

    name = "cim.mop.params"

    @staticmethod
    def of(params: dict[str, Any]) -> ParamsAttr:
        return ParamsAttr(_freeze(params))

    def as_dict(self) -> dict[str, Any]:
        return _thaw(self.data)

    @classmethod
    def parse_parameter(cls, parser: AttrParser) -> tuple:
        with parser.in_angle_brackets():
            pos = parser.pos
            value = parse_plain(parser)
            if not isinstance(value, dict):
                parser.raise_error("expected {key = value, ...}", pos, parser.pos)
            return _freeze(value)

    def print_parameter(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string(format_plain(self.as_dict()))


def format_affine(base: int, coeffs: Sequence[int]) -> str:
    terms = [str(base)] if base or not any(coeffs) else []
    terms += [f"{c}*i{d}" if c != 1 else f"i{d}" for d, c in enumerate(coeffs) if c]
    return " + ".join(terms) if terms else "0"


def parse_affine(parser: AttrParser) -> tuple[int, list[int]]:
    """``3072 + 128*i0 + i1``: an integer plus multiples of loop indices."""
    base = 0
    coeffs: list[int] = []
    while True:
        pos = parser.pos
        number = parser.parse_optional_integer(allow_negative=True)
        index = None
        if number is not None:
            if parser.parse_optional_punctuation("*") is not None:
                index = parser.parse_identifier("expected a loop index i<N>")
        else:
            number, index = 1, parser.parse_identifier("expected an integer or i<N>")
        if index is None:
            base += number
        else:
            if not (index.startswith("i") and index[1:].isdigit()):
                parser.raise_error(f"'{index}' is not a loop index (i0, i1, ...)", pos,
                                   parser.pos)
            depth = int(index[1:])
            coeffs.extend([0] * (depth + 1 - len(coeffs)))
            coeffs[depth] += number
        if parser.parse_optional_punctuation("+") is None:
            break
    while coeffs and coeffs[-1] == 0:
        coeffs.pop()
    return base, coeffs


@irdl_attr_definition
class AddrAttr(ParametrizedAttribute):
    """A buffer address, affine in the enclosing loop indices."""

    name = "cim.mop.addr"

    space: StringAttr
    """'L0' or 'L1'."""
    core: IntAttr
    """Core of an L1 address; -1 for L0."""
    base: IntAttr
    coeffs: ArrayAttr[IntAttr]
    """Stride per enclosing loop, outermost first."""

    @staticmethod
    def l0(base: int, coeffs: Sequence[int] = ()) -> AddrAttr:
        return AddrAttr.get("L0", -1, base, coeffs)

    @staticmethod
    def l1(core: int, base: int, coeffs: Sequence[int] = ()) -> AddrAttr:
        return AddrAttr.get("L1", core, base, coeffs)

    @staticmethod
    def get(space: str, core: int, base: int, coeffs: Sequence[int] = ()) -> AddrAttr:
        coeffs = list(coeffs)
        while coeffs and coeffs[-1] == 0:
            coeffs.pop()
        return AddrAttr(StringAttr(space), IntAttr(core), IntAttr(base),
                        ArrayAttr([IntAttr(c) for c in coeffs]))

    @property
    def strides(self) -> list[int]:
        return [c.data for c in self.coeffs.data]

    def at(self, indices: Sequence[int]) -> int:
        """The concrete offset for loop indices (outermost first)."""
        return self.base.data + sum(c * i for c, i in zip(self.strides, indices))

    def shifted(self, delta: int) -> AddrAttr:
        return AddrAttr.get(self.space.data, self.core.data, self.base.data + delta,
                            self.strides)

    @property
    def space_name(self) -> str:
        return "L0" if self.space.data == "L0" else f"L1.{self.core.data}"

    def __str__(self) -> str:
        return f"{self.space_name}[{format_affine(self.base.data, self.strides)}]"

    def verify(self) -> None:
        if self.space.data not in ("L0", "L1"):
            raise VerifyException(f"address space must be L0 or L1, not {self.space.data}")
        if (self.space.data == "L0") != (self.core.data == -1):
            raise VerifyException("L0 addresses have no core; L1 addresses need one")
        if self.base.data < 0:
            raise VerifyException(f"negative address {self}")

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            pos = parser.pos
            ident = parser.parse_identifier("expected L0 or L1.<core>")
            space, _, core_text = ident.partition(".")
            core = -1
            if space == "L1" and core_text.isdigit():
                core = int(core_text)
            elif ident != "L0":
                parser.raise_error("expected L0 or L1.<core>", pos, parser.pos)
            parser.parse_punctuation("[")
            base, coeffs = parse_affine(parser)
            parser.parse_punctuation("]")
        return AddrAttr.get(space, core, base, coeffs).parameters

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string(str(self))


@irdl_attr_definition
class IndexAttr(ParametrizedAttribute):
    """An integer affine in the enclosing loop indices (e.g. a first window)."""

    name = "cim.mop.index"

    base: IntAttr
    coeffs: ArrayAttr[IntAttr]

    @staticmethod
    def get(base: int, coeffs: Sequence[int] = ()) -> IndexAttr:
        coeffs = list(coeffs)
        while coeffs and coeffs[-1] == 0:
            coeffs.pop()
        return IndexAttr(IntAttr(base), ArrayAttr([IntAttr(c) for c in coeffs]))

    @property
    def strides(self) -> list[int]:
        return [c.data for c in self.coeffs.data]

    def at(self, indices: Sequence[int]) -> int:
        return self.base.data + sum(c * i for c, i in zip(self.strides, indices))

    def __str__(self) -> str:
        return format_affine(self.base.data, self.strides)

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            base, coeffs = parse_affine(parser)
        return IndexAttr.get(base, coeffs).parameters

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string(str(self))


@irdl_attr_definition
class BufferAttr(RecordAttr):
    """A flow input or output: where it lives in L0 and its logical shape."""

    name = "cim.mop.buffer"
    DEFAULTS = {"layout": "rowmajor"}

    tensor: StringAttr
    """The ONNX value name."""
    addr: IntAttr
    shape: ArrayAttr[IntAttr]
    """Logical (ONNX) shape."""
    layout: StringAttr
    """'nhwc' (4-D, stored HWC) or 'rowmajor'."""


@irdl_attr_definition
class MatrixRefAttr(RecordAttr):
    """Which part of a layer's weights a write programs.

    The layer's weight tensor (``weights`` property of the op) restricted to
    ``in_range`` x ``out_range`` (channels or K, by output channels or N) is
    unrolled to ``groups`` matrices of K x N (see cim_mlir.cost.mapping); the
    write holds ``block = [g0, g1, r0, r1, c0, c1]`` of it, groups packed
    block-diagonally.
    """

    name = "cim.mop.matrix"
    DEFAULTS = {"trans": 0, "groups": 1, "alpha": 1.0, "beta": 1.0}

    layer: StringAttr
    kind: StringAttr
    """'conv' (weights Cout x Cin/g x kh x kw) or 'matmul' (K x N, or N x K if trans)."""
    trans: IntAttr
    groups: IntAttr
    in_range: ArrayAttr[IntAttr]
    out_range: ArrayAttr[IntAttr]
    block: ArrayAttr[IntAttr]
    alpha: FloatData
    """Scale of the product (Gemm alpha)."""
    beta: FloatData
    """Scale of the bias (Gemm beta)."""

    @property
    def block_dims(self) -> tuple[int, int, int]:
        g0, g1, r0, r1, c0, c1 = self.get("block")
        return g1 - g0, r1 - r0, c1 - c0

    def verify(self) -> None:
        if self.kind.data not in ("conv", "matmul"):
            raise VerifyException(f"matrix kind must be conv or matmul, not {self.kind.data}")
        block = self.get("block")
        if len(block) != 6 or any(b < 0 for b in block) or not (
                block[0] < block[1] and block[2] < block[3] and block[4] < block[5]):
            raise VerifyException(f"matrix block {block} must be [g0, g1, r0, r1, c0, c1] "
                                  "with non-empty ranges")
        for rng in ("in_range", "out_range"):
            r = self.get(rng)
            if len(r) != 2 or not 0 <= r[0] < r[1]:
                raise VerifyException(f"matrix {rng} {r} must be [begin, end)")


CONST_ATTRS = (SplatAttr, BlobAttr, DenseIntOrFPElementsAttr)


# ---- ops --------------------------------------------------------------------------------


def _flow_arch(op: Operation) -> Arch | None:
    from xdsl.dialects.builtin import ModuleOp

    top = op
    while top.parent_op() is not None:
        top = top.parent_op()  # type: ignore[assignment]
    return get_arch(top) if isinstance(top, ModuleOp) else None


def loop_depth(op: Operation) -> int:
    depth, parent = 0, op.parent_op()
    while parent is not None:
        if isinstance(parent, LoopOp):
            depth += 1
        parent = parent.parent_op()
    return depth


def _flow_of(op: Operation) -> FlowOp | None:
    parent = op.parent_op()
    while parent is not None and not isinstance(parent, FlowOp):
        parent = parent.parent_op()
    return parent


class MopOp(IRDLOperation):
    """Common checks: addresses fit the loop nest, the arch and the flow's mode."""

    MODE: ClassVar[ComputingMode | None] = None
    """The computing mode whose interface this meta-op belongs to (None: any)."""

    layer = opt_prop_def(StringAttr)

    def addresses(self) -> Iterator[tuple[str, AddrAttr]]:
        for key, value in self.properties.items():
            if isinstance(value, AddrAttr):
                yield key, value
            elif isinstance(value, ArrayAttr):
                for i, item in enumerate(value.data):
                    if isinstance(item, AddrAttr):
                        yield f"{key}[{i}]", item

    def _fail(self, message: str) -> None:
        where = f" ({self.layer.data})" if self.layer is not None else ""
        raise VerifyException(f"'{self.name}'{where}: {message}")

    def verify_(self) -> None:
        depth = loop_depth(self)
        arch = _flow_arch(self)
        for key, addr in self.addresses():
            if len(addr.strides) > depth:
                self._fail(f"{key} {addr} uses loop index i{len(addr.strides) - 1} but the "
                           f"op is nested in {depth} loop(s)")
            if arch is not None and addr.space.data == "L1" and addr.core.data >= arch.num_cores:
                self._fail(f"{key} {addr}: core {addr.core.data} does not exist "
                           f"({arch.num_cores} cores)")
        flow = _flow_of(self)
        if self.MODE is not None and flow is not None and flow.computing_mode != self.MODE:
            self._fail(f"is a {self.MODE.name} meta-operator but the flow is compiled for "
                       f"{flow.computing_mode.name}")
        if arch is not None:
            self.verify_arch(arch)
        self.verify_op()

    def verify_arch(self, arch: Arch) -> None:
        """Checks against the module's arch."""

    def verify_op(self) -> None:
        """Op-specific structural checks."""


def _check_cores(op: MopOp, core: int, count: int, arch: Arch) -> None:
    _positive(op, len=count)
    if core < 0 or core + count > arch.num_cores:
        op._fail(f"cores [{core}, {core + count}) exceed the chip's {arch.num_cores}")


def _positive(op: MopOp, **values: int) -> None:
    for key, value in values.items():
        if value < 1:
            op._fail(f"{key} must be >= 1, got {value}")


@irdl_op_definition
class FlowOp(IRDLOperation):
    """A compiled model: segments run in order on the chip."""

    name = "cim.mop.flow"

    sym_name = prop_def(StringAttr)
    mode = prop_def(StringAttr)
    inputs = prop_def(ArrayAttr[BufferAttr])
    outputs = prop_def(ArrayAttr[BufferAttr])
    l0_used = prop_def(IntAttr)
    """Elements of L0 the flow uses (its allocator's high-water mark)."""
    schedule = opt_prop_def(ParamsAttr)
    """Per layer: segment, pipeline stage, rows to wait for, producers (the CG
    decisions the simulator's pipeline model needs)."""
    body = region_def("single_block")

    traits = traits_def(NoTerminator(), IsolatedFromAbove())

    @property
    def computing_mode(self) -> ComputingMode:
        return ComputingMode[self.mode.data]

    def segments(self) -> list[SegmentOp]:
        return [op for op in self.body.block.ops if isinstance(op, SegmentOp)]

    def verify_(self) -> None:
        if self.mode.data not in ComputingMode.__members__:
            raise VerifyException(f"'{self.name}': mode must be CM, XBM or WLM")
        for op in self.body.block.ops:
            if not isinstance(op, SegmentOp):
                raise VerifyException(f"'{self.name}' may only hold cim.mop.segment ops, "
                                      f"found {op.name}")
        arch = _flow_arch(self)
        if arch is not None:
            if self.computing_mode > arch.computing_mode:
                raise VerifyException(
                    f"'{self.name}': compiled for {self.mode.data} but arch '{arch.name}' "
                    f"is driven in {arch.computing_mode.name}")
            capacity = arch.chip.l0_size
            if isinstance(capacity, int) and not arch.allow_spill:
                elems = capacity * 8 // arch.data.activation_bits
                if self.l0_used.data > elems:
                    raise VerifyException(
                        f"'{self.name}': uses {self.l0_used.data} L0 elements, arch "
                        f"'{arch.name}' has {elems} and does not allow spilling")


@irdl_op_definition
class SegmentOp(IRDLOperation):
    """A CG sub-graph: program its weights (init), then compute."""

    name = "cim.mop.segment"

    index = prop_def(IntAttr)
    init = region_def("single_block")
    compute = region_def("single_block")

    traits = traits_def(NoTerminator())

    def verify_(self) -> None:
        for op in self.init.block.ops:
            if not isinstance(op, WriteCoreOp | WriteXbOp | WriteRowOp | ParallelOp):
                raise VerifyException(
                    f"'{self.name}' {self.index.data}: init may only program weights, "
                    f"found {op.name}")
        for op in self.compute.walk():
            if isinstance(op, WriteCoreOp | WriteXbOp | WriteRowOp):
                raise VerifyException(
                    f"'{self.name}' {self.index.data}: weights are programmed in init, "
                    f"found {op.name} in compute")


@irdl_op_definition
class ParallelOp(IRDLOperation):
    """Meta-ops issued together on disjoint hardware (Fig. 10 ``parallel``)."""

    name = "cim.mop.parallel"

    body = region_def("single_block")
    traits = traits_def(NoTerminator())

    def verify_(self) -> None:
        used: dict[tuple[str, int], Operation] = {}
        for op in self.body.block.ops:
            if isinstance(op, LoopOp | ParallelOp | SegmentOp | FlowOp):
                raise VerifyException(f"'{self.name}' cannot hold {op.name}")
            for unit in getattr(op, "hardware_units", lambda: [])():
                if unit in used:
                    raise VerifyException(
                        f"'{self.name}': {op.name} and {used[unit].name} both use "
                        f"{unit[0]} {unit[1]} in the same parallel step")
                used[unit] = op


@irdl_op_definition
class LoopOp(IRDLOperation):
    """``count`` iterations of its body; nested ops see index i<depth>."""

    name = "cim.mop.loop"

    count = prop_def(IntAttr)
    body = region_def("single_block")
    traits = traits_def(NoTerminator())

    def verify_(self) -> None:
        if self.count.data < 1:
            raise VerifyException(f"'{self.name}': count must be >= 1")


# ---- weight programming -----------------------------------------------------------------


class WriteOp(MopOp):
    """Programs part of a layer's weights (``matrix``) from its ``weights`` tensor."""

    weights = prop_def(SplatAttr | BlobAttr | DenseIntOrFPElementsAttr)
    matrix = prop_def(MatrixRefAttr)
    bias = opt_prop_def(SplatAttr | BlobAttr | DenseIntOrFPElementsAttr)


@irdl_op_definition
class WriteCoreOp(WriteOp):
    """Load a (sub-)operator's weights into a core (CM)."""

    name = "cim.mop.write_core"
    MODE: ClassVar[ComputingMode | None] = ComputingMode.CM

    core = prop_def(IntAttr)
    len = prop_def(IntAttr, default_value=IntAttr(1))
    """Cores [core, core + len) hold one copy together."""

    def verify_arch(self, arch: Arch) -> None:
        _check_cores(self, self.core.data, self.len.data, arch)

    def hardware_units(self) -> list[tuple[str, int]]:
        return [("core", c) for c in range(self.core.data, self.core.data + self.len.data)]


@irdl_op_definition
class WriteXbOp(WriteOp):
    """``cim.write_xb(xb_addr, mat)``: program a VXB of ``len`` crossbars (XBM)."""

    name = "cim.mop.write_xb"
    MODE: ClassVar[ComputingMode | None] = ComputingMode.XBM

    xb = prop_def(IntAttr)
    len = prop_def(IntAttr)
    binding = prop_def(StringAttr, default_value=StringAttr("R->XBR,C->XBC,B->XBC"))

    def verify_arch(self, arch: Arch) -> None:
        _positive(self, len=self.len.data)
        if self.xb.data < 0 or self.xb.data + self.len.data > arch.num_xbars:
            self._fail(f"crossbars [{self.xb.data}, {self.xb.data + self.len.data}) exceed "
                       f"the chip's {arch.num_xbars}")

    def hardware_units(self) -> list[tuple[str, int]]:
        return [("crossbar", x) for x in range(self.xb.data, self.xb.data + self.len.data)]


def _check_rows(op: MopOp, xb: int, count: int, row: int, length: int, height: int,
                arch: Arch) -> None:
    _positive(op, len=length, count=count)
    if xb < 0 or xb + count > arch.num_xbars:
        op._fail(f"crossbars [{xb}, {xb + count}) exceed the chip's {arch.num_xbars}")
    top = height if height else arch.xb_rows
    if top > arch.xb_rows:
        op._fail(f"tiles of {top} rows exceed the crossbar's {arch.xb_rows} rows")
    if row < 0 or row + length > arch.xb_rows:
        op._fail(f"rows [{row}, {row + length}) exceed the crossbar's {arch.xb_rows}")


@irdl_op_definition
class WriteRowOp(WriteOp):
    """``cim.write_row(row_addr, value)``: program rows of crossbars (WLM).

    ``count`` = 1: rows [row, row + len) of crossbar ``xb`` hold the block,
    from cell column ``col``.  ``count`` > 1 writes a whole copy at once: the
    block is tiled with ``height`` rows per crossbar over crossbars
    [xb, xb + count) in VXB order (cim_mlir.cost.mapping.vxb_tiles), each tile
    in rows [0, its height); ``len`` is the tallest tile's height.
    """

    name = "cim.mop.write_row"
    MODE: ClassVar[ComputingMode | None] = ComputingMode.WLM

    xb = prop_def(IntAttr)
    row = prop_def(IntAttr)
    len = prop_def(IntAttr)
    col = prop_def(IntAttr, default_value=IntAttr(0))
    """First crossbar column (cells) of the block (count = 1)."""
    count = prop_def(IntAttr, default_value=IntAttr(1))
    height = prop_def(IntAttr, default_value=IntAttr(0))
    """Rows per crossbar tile when count > 1 (0: the crossbar's rows)."""

    def verify_arch(self, arch: Arch) -> None:
        _check_rows(self, self.xb.data, self.count.data, self.row.data, self.len.data,
                    self.height.data, arch)
        if self.count.data > 1:
            if self.row.data != 0:
                self._fail("a tiled write (count > 1) starts at row 0")
            return
        g, r, c = self.matrix.block_dims
        if r * g != self.len.data:
            self._fail(f"writes {self.len.data} rows but its block has {r * g}")
        cells = c * g * arch.cells_per_weight
        if self.col.data < 0 or self.col.data + cells > arch.xb_cols:
            self._fail(f"columns [{self.col.data}, {self.col.data + cells}) exceed the "
                       f"crossbar's {arch.xb_cols}")

    def hardware_units(self) -> list[tuple[str, int]]:
        return [("crossbar", x) for x in range(self.xb.data, self.xb.data + self.count.data)]


# ---- CIM reads --------------------------------------------------------------------------


@irdl_op_definition
class ReadCoreOp(MopOp):
    """``cim.read_core(type, params, core, src, dst)`` (MOP_CM, Fig. 11)."""

    name = "cim.mop.read_core"
    MODE: ClassVar[ComputingMode | None] = ComputingMode.CM

    kind = prop_def(StringAttr)
    params = prop_def(ParamsAttr)
    core = prop_def(IntAttr)
    len = prop_def(IntAttr, default_value=IntAttr(1))
    """Cores [core, core + len) compute one copy together."""
    src = prop_def(AddrAttr)
    dst = prop_def(AddrAttr)

    def verify_op(self) -> None:
        if self.kind.data not in ("conv", "matmul"):
            self._fail(f"type must be conv or matmul, not {self.kind.data}")
        p = self.params.as_dict()
        need = ("in_shape", "out_shape") + (("kernel_shape", "strides", "pads", "dilations")
                                            if self.kind.data == "conv" else ())
        missing = [k for k in need if k not in p]
        if missing:
            self._fail(f"params miss {', '.join(missing)}")

    def verify_arch(self, arch: Arch) -> None:
        _check_cores(self, self.core.data, self.len.data, arch)

    def hardware_units(self) -> list[tuple[str, int]]:
        return [("core", c) for c in range(self.core.data, self.core.data + self.len.data)]


_COPY_PROPS = ("copies", "xb_step", "src_step", "dst_step")


class XbReadOp(MopOp):
    """A crossbar read writing (or accumulating into) ``dst``.

    With ``copies`` = n it stands for n reads issued together on duplicated
    weights: copy j uses crossbar ``xb + j * xb_step``, input
    ``src + j * src_step`` and output ``dst + j * dst_step`` (one op per core
    and step, however many copies a layer has on that core).
    """

    src = prop_def(AddrAttr)
    dst = prop_def(AddrAttr)
    acc = opt_prop_def(UnitAttr)
    """Accumulate into dst instead of overwriting (partial sums)."""
    shift = prop_def(IntAttr, default_value=IntAttr(0))
    """Scale the result by 2**shift before writing (bit-slice accumulation)."""
    copies = opt_prop_def(IntAttr)
    """Absent for one read (most reads: flows stay small)."""
    xb_step = opt_prop_def(IntAttr)
    src_step = opt_prop_def(IntAttr)
    dst_step = opt_prop_def(IntAttr)

    @property
    def n_copies(self) -> int:
        return 1 if self.copies is None else self.copies.data

    @property
    def steps(self) -> tuple[int, int, int]:
        """(crossbar, input, output) advance from one copy to the next."""
        return tuple(0 if a is None else a.data  # type: ignore[return-value]
                     for a in (self.xb_step, self.src_step, self.dst_step))

    def single_copies(self) -> list[XbReadOp]:
        """The reads this op stands for, one per copy (itself when copies = 1).

        Kept on the op while its properties are unchanged, so the expansion's
        attributes live as long as the op (consumers cache by identity)."""
        n = self.n_copies
        if n == 1:
            return [self]
        key = tuple(self.properties.items())
        cached = self.__dict__.get("_single_copies")
        if cached is not None and cached[0] == key:
            return cached[1]
        out: list[XbReadOp] = []
        xb_step, src_step, dst_step = self.steps
        for j in range(n):
            props = {k: v for k, v in self.properties.items() if k not in _COPY_PROPS}
            props.update(xb=IntAttr(self.xb.data + j * xb_step),  # type: ignore[attr-defined]
                         src=self.src.shifted(j * src_step), dst=self.dst.shifted(j * dst_step))
            out.append(type(self).create(properties=props))
        self.__dict__["_single_copies"] = (key, out)
        return out

    @property
    def span(self) -> int:
        """Crossbars one copy reads."""
        raise NotImplementedError

    def verify_copies(self) -> None:
        """Copies must be distinct crossbars."""
        n, span, xb_step = self.n_copies, self.span, self.steps[0]
        _positive(self, copies=n)
        if n > 1 and xb_step < span:
            self._fail(f"{n} copies {xb_step} crossbars apart overlap (each uses "
                       f"{span})")

    def hardware_units(self) -> list[tuple[str, int]]:
        return [u for c in self.single_copies() for u in c.units()]  # type: ignore[attr-defined]


@irdl_op_definition
class ReadXbOp(XbReadOp):
    """``cim.read_xb(xb_addr, len)``: one MVM on a VXB of ``len`` crossbars (MOP_XBM)."""

    name = "cim.mop.read_xb"
    MODE: ClassVar[ComputingMode | None] = ComputingMode.XBM

    xb = prop_def(IntAttr)
    len = prop_def(IntAttr)
    waves = prop_def(IntAttr, default_value=IntAttr(1))
    """The VXB's row tiles are activated in this many successive groups, each as
    its input slice arrives (MVM-grained pipeline); timing only, same result."""

    def verify_arch(self, arch: Arch) -> None:
        _positive(self, len=self.len.data, waves=self.waves.data)
        self.verify_copies()
        last = self.xb.data + (self.n_copies - 1) * self.steps[0] + self.len.data
        if self.xb.data < 0 or last > arch.num_xbars:
            self._fail(f"crossbars [{self.xb.data}, {last}) exceed the chip's {arch.num_xbars}")

    @property
    def span(self) -> int:
        return self.len.data

    def units(self) -> list[tuple[str, int]]:
        return [("crossbar", x) for x in range(self.xb.data, self.xb.data + self.len.data)]


@irdl_op_definition
class ReadRowOp(XbReadOp):
    """``cim.read_row(row_addr, len)``: activate rows of crossbars (MOP_WLM).

    ``count`` = 1: rows [row, row + len) of crossbar ``xb`` multiply the input
    at ``src``; the partial sums of the crossbar's weight columns go to
    ``dst``.  ``count`` > 1 is one activation step of a whole tiled copy
    (see write_row): on every crossbar of [xb, xb + count), rows
    [row, row + len) of its tile multiply the matching slice of the copy's
    input vector at ``src``, and the partial sums of tiles sharing output
    columns add up at ``dst`` (+ the tile's output offset).
    """

    name = "cim.mop.read_row"
    MODE: ClassVar[ComputingMode | None] = ComputingMode.WLM

    xb = prop_def(IntAttr)
    row = prop_def(IntAttr)
    len = prop_def(IntAttr)
    count = prop_def(IntAttr, default_value=IntAttr(1))
    height = prop_def(IntAttr, default_value=IntAttr(0))

    def verify_arch(self, arch: Arch) -> None:
        self.verify_copies()
        span = (self.n_copies - 1) * self.steps[0] + self.count.data
        _check_rows(self, self.xb.data, span, self.row.data, self.len.data,
                    self.height.data, arch)
        if self.len.data > arch.crossbar.parallel_row:
            self._fail(f"activates {self.len.data} rows, more than parallel_row = "
                       f"{arch.crossbar.parallel_row}")

    @property
    def span(self) -> int:
        return self.count.data

    def units(self) -> list[tuple[str, int]]:
        return [("crossbar", x) for x in range(self.xb.data, self.xb.data + self.count.data)]


# ---- DMOV and DCOM ---------------------------------------------------------------------


@irdl_op_definition
class MovOp(MopOp):
    """``mov(src, dst, len)``; with ``sizes`` an N-D strided copy."""

    name = "cim.mop.mov"

    src = prop_def(AddrAttr)
    dst = prop_def(AddrAttr)
    len = prop_def(IntAttr)
    sizes = opt_prop_def(ArrayAttr[IntAttr])
    src_strides = opt_prop_def(ArrayAttr[IntAttr])
    dst_strides = opt_prop_def(ArrayAttr[IntAttr])

    def shape(self) -> tuple[list[int], list[int], list[int]]:
        """(sizes, src strides, dst strides); a plain mov is 1-D contiguous."""
        if self.sizes is None:
            return [self.len.data], [1], [1]
        sizes = [s.data for s in self.sizes.data]
        return (sizes, [s.data for s in self.src_strides.data],  # type: ignore[union-attr]
                [s.data for s in self.dst_strides.data])  # type: ignore[union-attr]

    def verify_op(self) -> None:
        _positive(self, len=self.len.data)
        if self.sizes is None:
            if self.src_strides is not None or self.dst_strides is not None:
                self._fail("strides need sizes")
            return
        if self.src_strides is None or self.dst_strides is None:
            self._fail("an N-D mov needs sizes, src_strides and dst_strides")
        sizes, ss, ds = self.shape()
        if not (len(sizes) == len(ss) == len(ds)) or min(sizes) < 1:
            self._fail("sizes, src_strides and dst_strides must have the same rank, sizes >= 1")
        total = 1
        for s in sizes:
            total *= s
        if total != self.len.data:
            self._fail(f"len {self.len.data} must equal the product of sizes {sizes}")


@irdl_op_definition
class Im2colOp(MopOp):
    """Gather ``count`` sliding windows of a conv input into a contiguous buffer.

    The input at ``src`` is an HWC feature map ``in_shape``; windows are
    numbered in row-major output order and padding reads as zero.  Only
    channels [c0, c1) are gathered (grouped convolutions, split operators).
    """

    name = "cim.mop.im2col"

    src = prop_def(AddrAttr)
    dst = prop_def(AddrAttr)
    params = prop_def(ParamsAttr)
    first = prop_def(IndexAttr)
    count = prop_def(IntAttr)

    def verify_op(self) -> None:
        _positive(self, count=self.count.data)
        p = self.params.as_dict()
        missing = [k for k in ("in_shape", "kernel_shape", "strides", "pads", "dilations",
                               "channels") if k not in p]
        if missing:
            self._fail(f"params miss {', '.join(missing)}")


@irdl_op_definition
class DcomOp(MopOp):
    """A digital operator on the ALU, with the semantics of the ONNX op ``kind``.

    ``srcs`` are addresses or constant tensors (``unit`` for an absent
    optional input), ``dsts`` one address per output.  ``params`` holds the
    ONNX attributes plus ``in_shapes``/``out_shapes`` (logical) and
    ``layouts`` ('nhwc' or 'rowmajor' per buffer); an elementwise op inside a
    loop uses flat shapes (``len``).
    """

    name = "cim.mop.dcom"

    kind = prop_def(StringAttr)
    srcs = prop_def(ArrayAttr)
    dsts = prop_def(ArrayAttr[AddrAttr])
    params = prop_def(ParamsAttr)

    def verify_op(self) -> None:
        from cim_mlir.kernels import SUPPORTED

        if self.kind.data not in SUPPORTED:
            self._fail(f"unknown digital operator '{self.kind.data}'")
        for src in self.srcs.data:
            if not isinstance(src, (AddrAttr, UnitAttr, *CONST_ATTRS)):
                self._fail(f"source {src} must be an address, a constant tensor or unit")
        if not self.dsts.data:
            self._fail("needs at least one destination")
        p = self.params.as_dict()
        n_in = sum(1 for s in self.srcs.data if isinstance(s, AddrAttr))
        n_out = len(self.dsts.data)
        if len(p.get("in_shapes", [])) != n_in or len(p.get("out_shapes", [])) != n_out:
            self._fail(f"params need in_shapes for its {n_in} buffer inputs and out_shapes "
                       f"for its {n_out} outputs")


MOP_OPS: Sequence[type[Operation]] = (
    FlowOp, SegmentOp, ParallelOp, LoopOp, WriteCoreOp, WriteXbOp, WriteRowOp, ReadCoreOp,
    ReadXbOp, ReadRowOp, MovOp, Im2colOp, DcomOp,
)

CIM_MOP = Dialect(
    "cim.mop",
    list(MOP_OPS),
    [ParamsAttr, AddrAttr, IndexAttr, BufferAttr, MatrixRefAttr],
)


def new_region() -> Region:
    from xdsl.ir import Block

    return Region(Block())
