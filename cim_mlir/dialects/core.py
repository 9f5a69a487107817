"""The ``cim.core`` dialect: CIM-supported operators mapped to cores (CM level).

Convolutions and matrix multiplications against constant weights become
``cim.core.conv`` / ``cim.core.matmul``; every other operator stays an
``onnx`` op and runs on the digital ALU (DCOM).  Each op carries

* ``matrix``: the unrolled weight matrix (rows = kh*kw*Cin/groups or K,
  cols = Cout/groups or N, groups, weight bits),
* ``footprint``: crossbars and cores one copy needs on the module's arch,
* ``schedule``: the CG-grained decisions (segment, pipeline stage, duplication,
  assigned cores, rows to wait for before starting),

so that any IR between passes can be printed, edited by hand and fed back.
A large operator split by ``cg-segment`` becomes several ops on the same
(full) input and weight operands, each computing the sub-matrix
``in_range`` x ``out_range`` (input channels or K, by output channels or N;
whole groups of a grouped conv); their outputs are concatenated (out) or
summed (in) by ordinary onnx ops.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import (
    ArrayAttr,
    DenseArrayBase,
    FloatAttr,
    IntAttr,
    IntegerAttr,
    IntegerType,
    NoneType,
    StringAttr,
    TensorType,
    i64,
)
from xdsl.ir import Attribute, Dialect, Operation, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_attr_definition,
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    result_def,
)
from xdsl.utils.exceptions import VerifyException

from cim_mlir.cost.mapping import MappingError, WeightMatrix, footprint
from cim_mlir.dialects.plain import RecordAttr


@irdl_attr_definition
class MatrixAttr(RecordAttr):
    """The unrolled weight matrix of one CIM operator (of its sub-matrix if split)."""

    name = "cim.core.matrix"
    DEFAULTS = {"groups": 1, "bits": 8}

    rows: IntAttr
    cols: IntAttr
    groups: IntAttr
    bits: IntAttr

    def matrix(self) -> WeightMatrix:
        return WeightMatrix(self.rows.data, self.cols.data, self.groups.data, self.bits.data)

    @staticmethod
    def of(m: WeightMatrix) -> MatrixAttr:
        return MatrixAttr.make(rows=m.rows, cols=m.cols, groups=m.groups, bits=m.bits)


@irdl_attr_definition
class FootprintAttr(RecordAttr):
    """Crossbars and cores one copy of the matrix occupies on the module's arch."""

    name = "cim.core.footprint"

    xbars: IntAttr
    cores: IntAttr


@irdl_attr_definition
class ScheduleAttr(RecordAttr):
    """CG-grained scheduling decisions (§3.3.2)."""

    name = "cim.core.schedule"
    DEFAULTS = {"segment": 0, "stage": 0, "dup": 1, "cores": [], "wait": 0}

    segment: IntAttr
    """Sub-graph index: segments run in order, weights reloaded in between."""
    stage: IntAttr
    """Pipeline stage inside the segment (0 when not pipelined)."""
    dup: IntAttr
    """Copies of the matrix working on disjoint parts of the input."""
    cores: ArrayAttr[IntAttr]
    """Cores of all copies, copy-major (dup * footprint.cores), or [] if unassigned."""
    wait: IntAttr
    """Input rows the op needs from its producer before it can start (pipeline)."""

    def with_(self, **values: object) -> ScheduleAttr:
        return ScheduleAttr.make(**{**self.as_dict(), **values})

    @property
    def core_list(self) -> list[int]:
        return [c.data for c in self.cores.data]


def _ints(attr: DenseArrayBase | None) -> list[int] | None:
    return None if attr is None else list(attr.get_values())  # type: ignore[arg-type]


def _arch_of(op: Operation):
    from cim_mlir.dialects.cim import get_arch
    from xdsl.dialects.builtin import ModuleOp

    top = op
    while top.parent_op() is not None:
        top = top.parent_op()  # type: ignore[assignment]
    return get_arch(top) if isinstance(top, ModuleOp) else None


class CimCoreOp(IRDLOperation):
    """Shared structure and verification of CIM-supported operators."""

    matrix = prop_def(MatrixAttr)
    footprint = prop_def(FootprintAttr)
    schedule = prop_def(ScheduleAttr)
    layer = prop_def(StringAttr, prop_name="name")
    in_range = opt_prop_def(DenseArrayBase)
    out_range = opt_prop_def(DenseArrayBase)

    @property
    def layer_name(self) -> str:
        return self.layer.data

    @property
    def sched(self) -> ScheduleAttr:
        return self.schedule

    def set_schedule(self, schedule: ScheduleAttr) -> None:
        self.properties["schedule"] = schedule

    def range_of(self, which: str, full: int) -> tuple[int, int]:
        attr = self.in_range if which == "in" else self.out_range
        vals = _ints(attr)
        return (0, full) if vals is None else (vals[0], vals[1])

    def _verify_common(self, full_in: int, full_out: int, groups: int) -> None:
        for which, full in (("in", full_in), ("out", full_out)):
            attr = self.in_range if which == "in" else self.out_range
            vals = _ints(attr)
            if vals is None:
                continue
            if len(vals) != 2 or not 0 <= vals[0] < vals[1] <= full:
                raise VerifyException(
                    f"'{self.name}' {self.layer_name}: {which}_range {vals} must be "
                    f"[begin, end) within [0, {full}]")
        sched = self.schedule
        if sched.dup.data < 1:
            raise VerifyException(f"'{self.name}' {self.layer_name}: dup must be >= 1")
        for field in ("segment", "stage", "wait"):
            if sched.get(field) < 0:
                raise VerifyException(f"'{self.name}' {self.layer_name}: {field} must be >= 0")
        cores = sched.core_list
        if cores:
            need = sched.dup.data * self.footprint.cores.data
            if len(cores) != need:
                raise VerifyException(
                    f"'{self.name}' {self.layer_name}: {len(cores)} cores assigned, "
                    f"{sched.dup.data} copies x {self.footprint.cores.data} cores = {need} needed")
            if len(set(cores)) != len(cores) or min(cores) < 0:
                raise VerifyException(
                    f"'{self.name}' {self.layer_name}: cores {cores} must be distinct and >= 0")
            per = self.footprint.cores.data
            for k in range(0, len(cores), per):
                copy = cores[k:k + per]
                if copy != list(range(copy[0], copy[0] + per)):
                    raise VerifyException(
                        f"'{self.name}' {self.layer_name}: the cores of one copy must be "
                        f"consecutive, got {copy} for copy {k // per}")
        arch = _arch_of(self)
        if arch is None:
            return
        try:
            fp = footprint(self.matrix.matrix(), arch)
        except MappingError as e:
            raise VerifyException(f"'{self.name}' {self.layer_name}: {e}") from None
        if (fp.xbars, fp.cores) != (self.footprint.xbars.data, self.footprint.cores.data):
            raise VerifyException(
                f"'{self.name}' {self.layer_name}: footprint {self.footprint} does not match "
                f"arch '{arch.name}' (one copy needs {fp.xbars} crossbars on {fp.cores} cores)")
        if cores and max(cores) >= arch.num_cores:
            raise VerifyException(
                f"'{self.name}' {self.layer_name}: core {max(cores)} does not exist on arch "
                f"'{arch.name}' ({arch.num_cores} cores)")


def _tensor(value: SSAValue, what: str, op: Operation) -> TensorType:
    if not isinstance(value.type, TensorType):
        raise VerifyException(f"'{op.name}': {what} must be a tensor, got {value.type}")
    return value.type


class ConvLike(CimCoreOp):
    """A convolution against constant weights (cim.core.conv and its twins)."""

    input = operand_def(TensorType)
    weights = operand_def(TensorType)
    bias = operand_def(TensorType | NoneType)
    output = result_def(TensorType)

    kernel_shape = prop_def(DenseArrayBase)
    strides = prop_def(DenseArrayBase)
    pads = prop_def(DenseArrayBase)
    dilations = prop_def(DenseArrayBase)
    group = prop_def(IntegerAttr[IntegerType])

    def conv_params(self) -> dict[str, list[int] | int]:
        return {
            "kernel_shape": _ints(self.kernel_shape) or [],
            "strides": _ints(self.strides) or [],
            "pads": _ints(self.pads) or [],
            "dilations": _ints(self.dilations) or [],
            "group": self.group.value.data,
        }

    def verify_(self) -> None:
        from cim_mlir.kernels import KernelError, conv_output_shape

        x = _tensor(self.input, "input", self)
        w = _tensor(self.weights, "weights", self)
        y = _tensor(self.output, "output", self)
        p = self.conv_params()
        g = int(p["group"])  # type: ignore[arg-type]
        xs, ws, ys = x.get_shape(), w.get_shape(), y.get_shape()
        if len(xs) != 4 or len(ws) != 4 or len(ys) != 4:
            raise VerifyException(f"'{self.name}' {self.layer_name}: input, weights and "
                                  "output must be 4-D (N, C, H, W)")
        cout, cin_g, kh, kw = ws
        if list(p["kernel_shape"]) != [kh, kw]:  # type: ignore[arg-type]
            raise VerifyException(f"'{self.name}' {self.layer_name}: kernel_shape "
                                  f"{p['kernel_shape']} does not match weights {ws}")
        c0, c1 = self.range_of("in", xs[1])
        o0, o1 = self.range_of("out", cout)
        self._verify_common(xs[1], cout, g)
        if xs[1] != cin_g * g:
            raise VerifyException(
                f"'{self.name}' {self.layer_name}: input has {xs[1]} channels, weights "
                f"expect {cin_g} x {g} groups")
        try:
            spatial = conv_output_shape(xs[2:], [kh, kw], p["strides"], p["dilations"],
                                        p["pads"])  # type: ignore[arg-type]
        except KernelError as e:
            raise VerifyException(f"'{self.name}' {self.layer_name}: {e}") from None
        expect = [xs[0], o1 - o0, *spatial]
        if list(ys) != expect:
            raise VerifyException(f"'{self.name}' {self.layer_name}: output shape {list(ys)} "
                                  f"should be {expect}")
        m = self.matrix.matrix()
        if g > 1:  # a part of a grouped conv holds whole groups
            cout_g = cout // g
            g0, g1 = o0 // cout_g, o1 // cout_g
            if o0 % cout_g or o1 % cout_g or (c0, c1) != (g0 * cin_g, g1 * cin_g):
                raise VerifyException(
                    f"'{self.name}' {self.layer_name}: a part of a {g}-group conv takes whole "
                    f"groups: in_range [{c0}, {c1}) and out_range [{o0}, {o1}) must cover the "
                    f"same groups ({cin_g} input, {cout_g} output channels each)")
            want = WeightMatrix(kh * kw * cin_g, cout_g, g1 - g0, m.bits)
        else:
            want = WeightMatrix(kh * kw * (c1 - c0), o1 - o0, 1, m.bits)
        if m != want:
            raise VerifyException(f"'{self.name}' {self.layer_name}: matrix {self.matrix} "
                                  f"should be {MatrixAttr.of(want)}")


class MatmulLike(CimCoreOp):
    """Y = alpha * X @ W (+ beta * bias) with constant W.

    X is ``[..., M, K]``; W is ``[K, N]`` (``[N, K]`` with ``trans_w``, as a
    Gemm with transB stores it).  Gemm and MatMul both lower to it.
    """

    input = operand_def(TensorType)
    weights = operand_def(TensorType)
    bias = operand_def(TensorType | NoneType)
    output = result_def(TensorType)

    trans_w = prop_def(IntegerAttr[IntegerType], default_value=IntegerAttr(0, i64))
    alpha = prop_def(FloatAttr, default_value=FloatAttr(1.0, 32))
    beta = prop_def(FloatAttr, default_value=FloatAttr(1.0, 32))

    @property
    def transposed(self) -> bool:
        return bool(self.trans_w.value.data)

    def verify_(self) -> None:
        x = _tensor(self.input, "input", self)
        w = _tensor(self.weights, "weights", self)
        y = _tensor(self.output, "output", self)
        xs, ws, ys = list(x.get_shape()), list(w.get_shape()), list(y.get_shape())
        if len(ws) != 2 or len(xs) < 2:
            raise VerifyException(f"'{self.name}' {self.layer_name}: weights must be 2-D and "
                                  "the input at least 2-D")
        k, n = (ws[1], ws[0]) if self.transposed else (ws[0], ws[1])
        k0, k1 = self.range_of("in", k)
        n0, n1 = self.range_of("out", n)
        self._verify_common(k, n, 1)
        if xs[-1] != k:
            raise VerifyException(f"'{self.name}' {self.layer_name}: input inner dim {xs[-1]} "
                                  f"does not match K = {k}")
        if ys != xs[:-1] + [n1 - n0]:
            raise VerifyException(f"'{self.name}' {self.layer_name}: output shape {ys} "
                                  f"should be {xs[:-1] + [n1 - n0]}")
        if isinstance(self.bias.type, TensorType):
            bs = list(self.bias.type.get_shape())
            if bs not in ([n], [1, n], [1], [], [n1 - n0], [1, n1 - n0]):
                raise VerifyException(f"'{self.name}' {self.layer_name}: bias shape {bs} does "
                                      f"not broadcast to N = {n1 - n0}")
        m = self.matrix.matrix()
        want = WeightMatrix(k1 - k0, n1 - n0, 1, m.bits)
        if m != want:
            raise VerifyException(f"'{self.name}' {self.layer_name}: matrix {self.matrix} "
                                  f"should be {MatrixAttr.of(want)}")


@irdl_op_definition
class ConvOp(ConvLike):
    """A convolution against constant weights, executed by cores (MOP_CM)."""

    name = "cim.core.conv"


@irdl_op_definition
class MatmulOp(MatmulLike):
    """A matrix multiplication against constant weights, executed by cores."""

    name = "cim.core.matmul"


CIM_CORE_OPS: Sequence[type[CimCoreOp]] = (ConvOp, MatmulOp)

CIM_CORE = Dialect(
    "cim.core",
    [ConvOp, MatmulOp],
    [MatrixAttr, FootprintAttr, ScheduleAttr],
)


def cim_ops(block_parent: Operation) -> list[CimCoreOp]:
    """The CIM-supported ops under ``block_parent`` in program order."""
    return [op for op in block_parent.walk() if isinstance(op, CimCoreOp)]


def as_int_attr(v: int) -> Attribute:
    return IntegerAttr(v, i64)
