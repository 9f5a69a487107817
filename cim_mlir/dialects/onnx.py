"""The ``onnx`` dialect: the frontend's import target, one op per ONNX operator.

Conventions (docs/onnx-dialect.md has the full story):

* An op is named ``onnx.<OpType>`` and its operands follow the ONNX input order
  of the newest opset signature (<= 21).  Inputs that older opsets had as
  attributes (axes, pads, min/max, ...) are operands; a missing optional input
  is the ``none``-typed result of ``onnx.NoValue``, so operand positions always
  equal ONNX input positions.
* Tensors are builtin ranked ``tensor<...>`` types with static shapes.
* ONNX attributes are properties with their ONNX names; every op also carries
  the ONNX node ``name``.  :meth:`OnnxOp.onnx_attributes` returns them as plain
  Python values with ONNX defaults filled in, which is what
  :func:`cim_mlir.kernels.evaluate` takes.
* Conv and the pooling ops always carry explicit ``kernel_shape``, ``strides``,
  ``pads`` and ``dilations`` (``auto_pad`` is resolved by the importer).
* Verifiers are cheap and check what later passes assume: element types,
  ranks and full result shapes.  They never read weight blobs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn, TypeVar

import numpy as np
from xdsl.dialects.builtin import (
    I64,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    Float16Type,
    Float32Type,
    Float64Type,
    FloatAttr,
    IntegerAttr,
    IntegerType,
    NoneType,
    Signedness,
    StringAttr,
    TensorType,
    f32,
    i64,
)
from xdsl.ir import Attribute, Dialect, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    Operand,
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    var_operand_def,
    var_result_def,
)
from xdsl.utils.exceptions import VerifyException

from cim_mlir import kernels  # shape formulas shared with the numpy kernels
from cim_mlir.dialects.cim import BlobAttr, SplatAttr

# --------------------------------------------------------------------------------------
# Attribute conversion: one function each way.
# --------------------------------------------------------------------------------------

ConstantAttr = SplatAttr | BlobAttr | DenseIntOrFPElementsAttr
"""The three ways a constant tensor lives in the IR (see cim_mlir.weights)."""

IntAttr = IntegerAttr[I64]
FloatAttr32 = FloatAttr[Float32Type]
IntsAttr = DenseArrayBase.constr(i64)
FloatsAttr = DenseArrayBase.constr(f32)


def attr_from_value(value: Any) -> Attribute:
    """The property holding a plain ONNX attribute value.

    int -> i64 IntegerAttr, float -> f32 FloatAttr, str -> StringAttr,
    sequence of ints / floats -> ``array<i64: ...>`` / ``array<f32: ...>``,
    numpy array -> constant tensor attribute (``weights.to_attr``).
    """
    from cim_mlir.weights import to_attr

    if isinstance(value, np.ndarray):
        return to_attr(value)
    if isinstance(value, bool | int | np.integer):
        return IntegerAttr(int(value), i64)
    if isinstance(value, float | np.floating):
        return FloatAttr(float(np.float32(value)), f32)
    if isinstance(value, str):
        return StringAttr(value)
    if isinstance(value, bytes):
        return StringAttr(value.decode())
    if isinstance(value, Sequence):
        if all(isinstance(v, int | np.integer) for v in value):
            return DenseArrayBase.from_list(i64, [int(v) for v in value])
        return DenseArrayBase.from_list(f32, [float(np.float32(v)) for v in value])
    raise TypeError(f"not an ONNX attribute value: {value!r}")


def attr_to_value(attr: Attribute) -> Any:
    """The plain Python value of a property (inverse of :func:`attr_from_value`)."""
    from cim_mlir.weights import to_array

    if isinstance(attr, IntegerAttr):
        return attr.value.data
    if isinstance(attr, FloatAttr):
        return attr.value.data
    if isinstance(attr, StringAttr):
        return attr.data
    if isinstance(attr, DenseArrayBase):
        return list(attr.get_values())
    return to_array(attr)


def _int(default: int | None = None, *, required: bool = False) -> Any:
    if required:
        return prop_def(IntAttr)
    return opt_prop_def(IntAttr, None if default is None else IntegerAttr(default, i64))


def _float(default: float) -> Any:
    return opt_prop_def(FloatAttr32, FloatAttr(float(np.float32(default)), f32))


def _str(default: str) -> Any:
    return opt_prop_def(StringAttr, StringAttr(default))


def _ints(*, required: bool = False) -> Any:
    return prop_def(IntsAttr) if required else opt_prop_def(IntsAttr)


# --------------------------------------------------------------------------------------
# Type helpers.
# --------------------------------------------------------------------------------------

FLOAT_TYPES = (Float16Type, Float32Type, Float64Type)
ELEMENT_TYPES: tuple[Attribute, ...] = (
    Float32Type(), Float16Type(), Float64Type(), IntegerType(64), IntegerType(32),
    IntegerType(8), IntegerType(8, Signedness.UNSIGNED), IntegerType(1),
)
"""Element types a tensor in the onnx dialect may have."""

OptTensor = TensorType | NoneType
"""An optional input: a tensor or the result of ``onnx.NoValue``."""


def shape_of(value: SSAValue) -> tuple[int, ...]:
    assert isinstance(value.type, TensorType)
    return tuple(value.type.get_shape())


def is_none(value: SSAValue) -> bool:
    """Whether an optional input is absent (produced by ``onnx.NoValue``)."""
    return isinstance(value.type, NoneType)


def _fmt(shape: Sequence[int]) -> str:
    return "x".join(str(d) for d in shape) if shape else "scalar"


# --------------------------------------------------------------------------------------
# Base classes.
# --------------------------------------------------------------------------------------

_OpT = TypeVar("_OpT", bound="OnnxOp")

OPS_BY_TYPE: dict[str, type[OnnxOp]] = {}
"""Op class of every supported ONNX operator, by OpType."""


def onnx_op(cls: type[_OpT]) -> type[_OpT]:
    """``irdl_op_definition`` plus the ONNX op type (``onnx.Conv`` -> ``Conv``)."""
    op = irdl_op_definition(cls)
    op.onnx_op_type = op.name.removeprefix("onnx.")
    OPS_BY_TYPE[op.onnx_op_type] = op
    return op


class OnnxOp(IRDLOperation):
    """An ONNX operator: tensor operands and results, ONNX attributes as properties."""

    node_name = prop_def(StringAttr, prop_name="name")
    """The ONNX node name: reports and errors name layers by it."""

    if TYPE_CHECKING:
        onnx_op_type: ClassVar[str]

    def onnx_attributes(self) -> dict[str, Any]:
        """Every ONNX attribute as a plain value, ONNX defaults filled in.

        Attributes without a default (e.g. ``Shape.end``) are omitted when unset.
        """
        out: dict[str, Any] = {}
        for prop, definition in self.get_irdl_definition().properties.items():
            if prop == "name":
                continue
            attr = self.properties.get(prop, definition.default_value)
            if attr is not None:
                out[prop] = attr_to_value(attr)
        return out

    def error(self, message: str) -> NoReturn:
        """Raise a VerifyException naming the op and its ONNX node."""
        node = self.properties.get("name")
        where = f" '{node.data}'" if isinstance(node, StringAttr) else ""
        raise VerifyException(f"{self.name}{where}: {message}")

    def verify_(self) -> None:
        for kind, values in (("operand", self.operands), ("result", self.results)):
            for i, value in enumerate(values):
                t = value.type
                if isinstance(t, TensorType):
                    if t.element_type not in ELEMENT_TYPES:
                        self.error(f"{kind} #{i} has unsupported element type {t.element_type}")
                    if any(d < 0 for d in t.get_shape()):
                        self.error(f"{kind} #{i} must have a static shape, got {t}")
        self.verify_shapes()

    def verify_shapes(self) -> None:
        """Op-specific checks of ranks, element types and the result shape."""

    # -- helpers for verify_shapes ------------------------------------------------
    def expect_shape(self, value: SSAValue, shape: Sequence[int], what: str = "result") -> None:
        if shape_of(value) != tuple(shape):
            self.error(f"{what} shape should be {_fmt(shape)}, got {_fmt(shape_of(value))}")

    def expect_same_type(self, *values: SSAValue) -> Attribute | None:
        """All (present) tensors share one element type; returns it."""
        elts = {v.type.element_type for v in values if isinstance(v.type, TensorType)}
        if len(elts) > 1:
            self.error(f"operands and results must share one element type, got "
                       f"{', '.join(sorted(str(e) for e in elts))}")
        return next(iter(elts), None)

    def expect_float(self, *values: SSAValue) -> None:
        """All (present) tensors share one float element type."""
        elt = self.expect_same_type(*values)
        if elt is not None and not isinstance(elt, FLOAT_TYPES):
            self.error(f"expected a float element type, got {elt}")

    def expect_int(self, value: SSAValue, what: str, *, rank: int | None = None) -> None:
        """An i64 or i32 control tensor (axes, pads, indices, ...), unless absent."""
        if is_none(value):
            return
        assert isinstance(value.type, TensorType)
        if value.type.element_type not in (IntegerType(64), IntegerType(32)):
            self.error(f"{what} must be an integer tensor, got {value.type}")
        if rank is not None and value.type.get_num_dims() != rank:
            self.error(f"{what} must have rank {rank}, got {value.type}")

    def expect_rank(self, value: SSAValue, what: str, low: int, high: int | None = None) -> int:
        rank = len(shape_of(value))
        if rank < low or (high is not None and rank > high):
            want = f"{low}" if high == low else f"at least {low}" if high is None \
                else f"{low} to {high}"
            self.error(f"{what} must have rank {want}, got {value.type}")
        return rank

    def normalize_axis(self, axis: int, rank: int, what: str = "axis",
                       *, inclusive: bool = False) -> int:
        """``axis`` in [0, rank) (or [0, rank] when ``inclusive``)."""
        high = rank + 1 if inclusive else rank
        if not -rank <= axis < high:
            self.error(f"{what} {axis} is out of range for rank {rank}")
        return axis + rank if axis < 0 else axis


def control_value(value: SSAValue) -> np.ndarray | None:
    """A small constant operand (axes, pads, shape, ...) if known without I/O.

    Verifiers use this: it never reads a weight blob.
    """
    op = value.owner
    if isinstance(op, ConstantOp) and not isinstance(op.value, BlobAttr):
        return constant_value(value)
    return None


def constant_value(value: SSAValue) -> np.ndarray | None:
    """The numpy value of ``value`` if ``onnx.Constant`` produces it, else None."""
    from cim_mlir.weights import to_array

    op = value.owner
    if isinstance(op, ConstantOp):
        return to_array(op.value)
    return None


def broadcast_shapes(op: OnnxOp, *shapes: Sequence[int]) -> tuple[int, ...]:
    """Numpy (ONNX multidirectional) broadcasting, reported as op errors."""
    try:
        return tuple(np.broadcast_shapes(*(tuple(s) for s in shapes)))
    except ValueError:
        op.error(f"operand shapes {', '.join(_fmt(s) for s in shapes)} are not "
                 "broadcastable")


# --------------------------------------------------------------------------------------
# Elementwise ops.
# --------------------------------------------------------------------------------------


class UnaryOp(OnnxOp):
    """``Y = f(X)``, elementwise: the result has the operand's type."""

    X = operand_def(TensorType)
    Y = result_def(TensorType)

    FLOAT_ONLY: ClassVar[bool] = True

    def verify_shapes(self) -> None:
        if self.X.type != self.Y.type:
            self.error(f"result type {self.Y.type} should equal operand type {self.X.type}")
        if self.FLOAT_ONLY:
            self.expect_float(self.X)


@onnx_op
class ReluOp(UnaryOp):
    name = "onnx.Relu"
    FLOAT_ONLY: ClassVar[bool] = False


@onnx_op
class SigmoidOp(UnaryOp):
    name = "onnx.Sigmoid"


@onnx_op
class TanhOp(UnaryOp):
    name = "onnx.Tanh"


@onnx_op
class ErfOp(UnaryOp):
    name = "onnx.Erf"


@onnx_op
class SqrtOp(UnaryOp):
    name = "onnx.Sqrt"


@onnx_op
class GeluOp(UnaryOp):
    name = "onnx.Gelu"
    approximate = _str("none")


@onnx_op
class IdentityOp(UnaryOp):
    name = "onnx.Identity"
    FLOAT_ONLY: ClassVar[bool] = False


@onnx_op
class SoftmaxOp(UnaryOp):
    name = "onnx.Softmax"
    axis = _int(-1)

    def verify_shapes(self) -> None:
        super().verify_shapes()
        self.normalize_axis(self.onnx_attributes()["axis"], len(shape_of(self.X)))


@onnx_op
class LRNOp(UnaryOp):
    name = "onnx.LRN"
    alpha = _float(1e-4)
    beta = _float(0.75)
    bias = _float(1.0)
    size = _int(required=True)

    def verify_shapes(self) -> None:
        super().verify_shapes()
        self.expect_rank(self.X, "X", 3)
        if self.size.value.data < 1:
            self.error(f"size must be positive, got {self.size.value.data}")


@onnx_op
class ClipOp(UnaryOp):
    """``Y = min(max(X, min), max)``; absent bounds are ``onnx.NoValue``."""

    name = "onnx.Clip"
    X = operand_def(TensorType)
    min = operand_def(OptTensor)
    max = operand_def(OptTensor)
    Y = result_def(TensorType)
    FLOAT_ONLY: ClassVar[bool] = False

    def verify_shapes(self) -> None:
        super().verify_shapes()
        for bound, what in ((self.min, "min"), (self.max, "max")):
            if not is_none(bound):
                self.expect_same_type(self.X, bound)
                if math.prod(shape_of(bound)) != 1:
                    self.error(f"{what} must be a scalar, got {bound.type}")


@onnx_op
class DropoutOp(UnaryOp):
    """Inference dropout: the identity (``onnx-drop-identity`` removes it)."""

    name = "onnx.Dropout"
    X = operand_def(TensorType)
    ratio = operand_def(OptTensor)
    training_mode = operand_def(OptTensor)
    Y = result_def(TensorType)
    seed = _int()
    FLOAT_ONLY: ClassVar[bool] = False


class BinaryOp(OnnxOp):
    """``C = A op B`` with multidirectional (numpy) broadcasting."""

    A = operand_def(TensorType)
    B = operand_def(TensorType)
    C = result_def(TensorType)

    def verify_shapes(self) -> None:
        self.expect_same_type(self.A, self.B, self.C)
        self.expect_shape(self.C, broadcast_shapes(self, shape_of(self.A), shape_of(self.B)))


@onnx_op
class AddOp(BinaryOp):
    name = "onnx.Add"


@onnx_op
class SubOp(BinaryOp):
    name = "onnx.Sub"


@onnx_op
class MulOp(BinaryOp):
    name = "onnx.Mul"


@onnx_op
class DivOp(BinaryOp):
    name = "onnx.Div"


@onnx_op
class PowOp(OnnxOp):
    """``Z = X ** Y``; the exponent may have another element type."""

    name = "onnx.Pow"
    X = operand_def(TensorType)
    Y = operand_def(TensorType)
    Z = result_def(TensorType)

    def verify_shapes(self) -> None:
        self.expect_same_type(self.X, self.Z)
        self.expect_shape(self.Z, broadcast_shapes(self, shape_of(self.X), shape_of(self.Y)))


@onnx_op
class SumOp(OnnxOp):
    name = "onnx.Sum"
    data_0 = var_operand_def(TensorType)
    sum = result_def(TensorType)

    def verify_shapes(self) -> None:
        if not self.data_0:
            self.error("expected at least one operand")
        self.expect_same_type(*self.data_0, self.sum)
        self.expect_shape(self.sum, broadcast_shapes(self, *(shape_of(v) for v in self.data_0)))


# --------------------------------------------------------------------------------------
# Convolution, matrix products, normalization, pooling.
# --------------------------------------------------------------------------------------


class WindowOp(OnnxOp):
    """Conv and pooling: explicit kernel_shape, strides, pads, dilations.

    (Subclasses declare all their operands themselves: IRDL orders the fields
    of a subclass before those of its bases.)
    """

    if TYPE_CHECKING:
        X: Operand

    kernel_shape = _ints(required=True)
    strides = _ints(required=True)
    pads = _ints(required=True)
    dilations = _ints(required=True)

    def window(self) -> tuple[list[int], list[int], list[int], list[int]]:
        """kernel_shape, strides, pads, dilations, checked against the spatial rank."""
        spatial = self.expect_rank(self.X, "X", 3) - 2
        kernel = list(self.kernel_shape.get_values())
        strides = list(self.strides.get_values())
        pads = list(self.pads.get_values())
        dilations = list(self.dilations.get_values())
        for what, values, n in (("kernel_shape", kernel, spatial), ("strides", strides, spatial),
                                ("dilations", dilations, spatial), ("pads", pads, 2 * spatial)):
            if len(values) != n:
                self.error(f"{what} must have {n} values for a rank-{spatial + 2} input, "
                           f"got {len(values)}")
        if min(kernel + strides + dilations) < 1:
            self.error("kernel_shape, strides and dilations must be positive")
        if min(pads) < 0:
            self.error("pads must be non-negative")
        return kernel, strides, pads, dilations

    def output_spatial(self, formula: Callable[..., list[int]], **kwargs: Any) -> list[int]:
        """Spatial result dims by the kernels' formula (conv_/pool_output_shape)."""
        kernel, strides, pads, dilations = self.window()
        try:
            spatial = formula(shape_of(self.X)[2:], kernel, strides=strides,
                              dilations=dilations, pads=pads, **kwargs)
        except kernels.KernelError as e:
            self.error(str(e))
        if min(spatial) < 1:
            self.error(f"the window does not fit the input: output {_fmt(spatial)}")
        return spatial


@onnx_op
class ConvOp(WindowOp):
    """N-d convolution, ``Y = conv(X, W) + B``, grouped and dilated."""

    name = "onnx.Conv"
    X = operand_def(TensorType)
    W = operand_def(TensorType)
    B = operand_def(OptTensor)
    Y = result_def(TensorType)
    group = _int(required=True)

    def verify_shapes(self) -> None:
        self.expect_float(self.X, self.W, self.B, self.Y)
        kernel = self.window()[0]
        x, w = shape_of(self.X), shape_of(self.W)
        group = self.group.value.data
        if len(w) != len(x):
            self.error(f"W must have the rank of X ({len(x)}), got {self.W.type}")
        if list(w[2:]) != kernel:
            self.error(f"W spatial dims {_fmt(w[2:])} differ from kernel_shape {_fmt(kernel)}")
        if group < 1 or x[1] % group or w[0] % group:
            self.error(f"group {group} must divide input channels {x[1]} and output "
                       f"channels {w[0]}")
        if x[1] != w[1] * group:
            self.error(f"input has {x[1]} channels but W expects {w[1]} x group {group} = "
                       f"{w[1] * group}")
        if not is_none(self.B):
            self.expect_shape(self.B, (w[0],), "B")
        spatial = self.output_spatial(kernels.conv_output_shape)
        self.expect_shape(self.Y, (x[0], w[0], *spatial))


class PoolOp(WindowOp):
    X = operand_def(TensorType)
    Y = result_def(TensorType)
    ceil_mode = _int(0)

    def verify_shapes(self) -> None:
        self.expect_float(self.X, self.Y)
        x = shape_of(self.X)
        spatial = self.output_spatial(kernels.pool_output_shape,
                                      ceil_mode=bool(self.onnx_attributes()["ceil_mode"]))
        self.expect_shape(self.Y, (*x[:2], *spatial))


@onnx_op
class MaxPoolOp(PoolOp):
    name = "onnx.MaxPool"
    storage_order = _int(0)


@onnx_op
class AveragePoolOp(PoolOp):
    name = "onnx.AveragePool"
    count_include_pad = _int(0)


@onnx_op
class GlobalAveragePoolOp(OnnxOp):
    name = "onnx.GlobalAveragePool"
    X = operand_def(TensorType)
    Y = result_def(TensorType)

    def verify_shapes(self) -> None:
        self.expect_float(self.X, self.Y)
        rank = self.expect_rank(self.X, "X", 3)
        self.expect_shape(self.Y, (*shape_of(self.X)[:2], *[1] * (rank - 2)))


@onnx_op
class GemmOp(OnnxOp):
    """``Y = alpha * A' @ B' + beta * C`` with optional transposes."""

    name = "onnx.Gemm"
    A = operand_def(TensorType)
    B = operand_def(TensorType)
    C = operand_def(OptTensor)
    Y = result_def(TensorType)
    alpha = _float(1.0)
    beta = _float(1.0)
    transA = _int(0)
    transB = _int(0)

    def verify_shapes(self) -> None:
        self.expect_float(self.A, self.B, self.C, self.Y)
        self.expect_rank(self.A, "A", 2, 2)
        self.expect_rank(self.B, "B", 2, 2)
        attrs = self.onnx_attributes()
        m, k = shape_of(self.A)[:: -1 if attrs["transA"] else 1]
        k2, n = shape_of(self.B)[:: -1 if attrs["transB"] else 1]
        if k != k2:
            self.error(f"inner dimensions differ: A gives K={k}, B gives K={k2}")
        if not is_none(self.C) and broadcast_shapes(self, shape_of(self.C), (m, n)) != (m, n):
            self.error(f"C of shape {_fmt(shape_of(self.C))} does not broadcast to {m}x{n}")
        self.expect_shape(self.Y, (m, n))


@onnx_op
class MatMulOp(OnnxOp):
    """numpy.matmul semantics (1-d operands and batch broadcasting)."""

    name = "onnx.MatMul"
    A = operand_def(TensorType)
    B = operand_def(TensorType)
    Y = result_def(TensorType)

    def verify_shapes(self) -> None:
        self.expect_float(self.A, self.B, self.Y)
        a, b = shape_of(self.A), shape_of(self.B)
        if not a or not b:
            self.error("operands must have rank >= 1")
        a2 = (1, *a) if len(a) == 1 else a
        b2 = (*b, 1) if len(b) == 1 else b
        if a2[-1] != b2[-2]:
            self.error(f"inner dimensions differ: {_fmt(a)} @ {_fmt(b)}")
        batch = broadcast_shapes(self, a2[:-2], b2[:-2])
        out = (*batch, *(a2[-2:-1] if len(a) > 1 else ()), *(b2[-1:] if len(b) > 1 else ()))
        self.expect_shape(self.Y, out)


@onnx_op
class BatchNormalizationOp(OnnxOp):
    """Inference batch normalization over channel axis 1."""

    name = "onnx.BatchNormalization"
    X = operand_def(TensorType)
    scale = operand_def(TensorType)
    B = operand_def(TensorType)
    input_mean = operand_def(TensorType)
    input_var = operand_def(TensorType)
    Y = result_def(TensorType)
    epsilon = _float(1e-5)
    momentum = _float(0.9)
    training_mode = _int(0)

    def verify_shapes(self) -> None:
        params = (self.scale, self.B, self.input_mean, self.input_var)
        self.expect_float(self.X, *params, self.Y)
        self.expect_rank(self.X, "X", 2)
        if self.onnx_attributes()["training_mode"]:
            self.error("training_mode is not supported")
        channels = shape_of(self.X)[1]
        for value, what in zip(params, ("scale", "B", "input_mean", "input_var")):
            self.expect_shape(value, (channels,), what)
        self.expect_shape(self.Y, shape_of(self.X))


@onnx_op
class LayerNormalizationOp(OnnxOp):
    """Normalization over the trailing axes ``[axis, rank)``."""

    name = "onnx.LayerNormalization"
    X = operand_def(TensorType)
    Scale = operand_def(TensorType)
    B = operand_def(OptTensor)
    Y = result_def(TensorType)
    axis = _int(-1)
    epsilon = _float(1e-5)
    stash_type = _int(1)

    def verify_shapes(self) -> None:
        self.expect_float(self.X, self.Scale, self.B, self.Y)
        x = shape_of(self.X)
        axis = self.normalize_axis(self.onnx_attributes()["axis"], len(x))
        for value, what in ((self.Scale, "Scale"), (self.B, "B")):
            if not is_none(value) and \
                    broadcast_shapes(self, shape_of(value), x[axis:]) != x[axis:]:
                self.error(f"{what} of shape {_fmt(shape_of(value))} does not broadcast to "
                           f"the normalized shape {_fmt(x[axis:])}")
        self.expect_shape(self.Y, x)


# --------------------------------------------------------------------------------------
# Shape manipulation.
# --------------------------------------------------------------------------------------


@onnx_op
class FlattenOp(OnnxOp):
    name = "onnx.Flatten"
    input = operand_def(TensorType)
    output = result_def(TensorType)
    axis = _int(1)

    def verify_shapes(self) -> None:
        self.expect_same_type(self.input, self.output)
        x = shape_of(self.input)
        axis = self.normalize_axis(self.onnx_attributes()["axis"], len(x), inclusive=True)
        self.expect_shape(self.output, (math.prod(x[:axis]), math.prod(x[axis:])))


@onnx_op
class ReshapeOp(OnnxOp):
    name = "onnx.Reshape"
    data = operand_def(TensorType)
    shape = operand_def(TensorType)
    reshaped = result_def(TensorType)
    allowzero = _int(0)

    def verify_shapes(self) -> None:
        self.expect_same_type(self.data, self.reshaped)
        self.expect_int(self.shape, "shape", rank=1)
        x, y = shape_of(self.data), shape_of(self.reshaped)
        if math.prod(x) != math.prod(y):
            self.error(f"cannot reshape {_fmt(x)} ({math.prod(x)} elements) into "
                       f"{_fmt(y)} ({math.prod(y)} elements)")
        target = control_value(self.shape)
        if target is None:
            return
        dims = [int(d) for d in target]
        if not self.onnx_attributes()["allowzero"]:
            dims = [x[i] if d == 0 and i < len(x) else d for i, d in enumerate(dims)]
        if dims.count(-1) > 1 or min(dims, default=0) < -1:
            self.error(f"invalid target shape {dims}")
        if -1 in dims:
            known = math.prod(d for d in dims if d != -1)
            dims[dims.index(-1)] = math.prod(x) // known if known else 0
        self.expect_shape(self.reshaped, dims)


@onnx_op
class TransposeOp(OnnxOp):
    name = "onnx.Transpose"
    data = operand_def(TensorType)
    transposed = result_def(TensorType)
    perm = _ints()

    def permutation(self) -> list[int]:
        rank = len(shape_of(self.data))
        return list(self.perm.get_values()) if self.perm else list(range(rank))[::-1]

    def verify_shapes(self) -> None:
        self.expect_same_type(self.data, self.transposed)
        x = shape_of(self.data)
        perm = self.permutation()
        if sorted(perm) != list(range(len(x))):
            self.error(f"perm {perm} is not a permutation of the {len(x)} axes")
        self.expect_shape(self.transposed, [x[p] for p in perm])


@onnx_op
class ConcatOp(OnnxOp):
    name = "onnx.Concat"
    inputs = var_operand_def(TensorType)
    concat_result = result_def(TensorType)
    axis = _int(required=True)

    def verify_shapes(self) -> None:
        if not self.inputs:
            self.error("expected at least one operand")
        self.expect_same_type(*self.inputs, self.concat_result)
        shapes = [shape_of(v) for v in self.inputs]
        rank = len(shapes[0])
        axis = self.normalize_axis(self.axis.value.data, rank)
        for s in shapes:
            if len(s) != rank or s[:axis] + s[axis + 1:] != shapes[0][:axis] + shapes[0][axis + 1:]:
                self.error(f"operand shapes {', '.join(_fmt(s) for s in shapes)} differ "
                           f"outside axis {axis}")
        out = list(shapes[0])
        out[axis] = sum(s[axis] for s in shapes)
        self.expect_shape(self.concat_result, out)


def _constant_axes(op: OnnxOp, value: SSAValue, rank: int) -> list[int] | None:
    """Normalized constant axes (None if not constant), checked for duplicates."""
    axes = control_value(value)
    if axes is None:
        return None
    out = [op.normalize_axis(int(a), rank, "axes entry") for a in axes.reshape(-1)]
    if len(set(out)) != len(out):
        op.error(f"axes {axes.tolist()} repeat an axis")
    return out


@onnx_op
class UnsqueezeOp(OnnxOp):
    name = "onnx.Unsqueeze"
    data = operand_def(TensorType)
    axes = operand_def(TensorType)
    expanded = result_def(TensorType)

    def verify_shapes(self) -> None:
        self.expect_same_type(self.data, self.expanded)
        self.expect_int(self.axes, "axes", rank=1)
        x = shape_of(self.data)
        n = shape_of(self.axes)[0]
        axes = _constant_axes(self, self.axes, len(x) + n)
        if axes is None:
            return
        rest = iter(x)
        self.expect_shape(self.expanded,
                          [1 if i in axes else next(rest) for i in range(len(x) + n)])


@onnx_op
class SqueezeOp(OnnxOp):
    name = "onnx.Squeeze"
    data = operand_def(TensorType)
    axes = operand_def(OptTensor)
    squeezed = result_def(TensorType)

    def verify_shapes(self) -> None:
        self.expect_same_type(self.data, self.squeezed)
        self.expect_int(self.axes, "axes", rank=1)
        x = shape_of(self.data)
        if is_none(self.axes):
            axes = [i for i, d in enumerate(x) if d == 1]
        elif (axes := _constant_axes(self, self.axes, len(x))) is None:
            return
        if any(x[a] != 1 for a in axes):
            self.error(f"cannot squeeze axes {axes} of shape {_fmt(x)}: not all are 1")
        self.expect_shape(self.squeezed, [d for i, d in enumerate(x) if i not in axes])


@onnx_op
class GatherOp(OnnxOp):
    name = "onnx.Gather"
    data = operand_def(TensorType)
    indices = operand_def(TensorType)
    output = result_def(TensorType)
    axis = _int(0)

    def verify_shapes(self) -> None:
        self.expect_same_type(self.data, self.output)
        self.expect_int(self.indices, "indices")
        x = shape_of(self.data)
        axis = self.normalize_axis(self.onnx_attributes()["axis"], self.expect_rank(
            self.data, "data", 1))
        self.expect_shape(self.output, (*x[:axis], *shape_of(self.indices), *x[axis + 1:]))


@onnx_op
class ShapeOp(OnnxOp):
    name = "onnx.Shape"
    data = operand_def(TensorType)
    shape = result_def(TensorType)
    start = _int(0)
    end = _int()

    def dims(self) -> list[int]:
        """The (static) shape this op produces."""
        x = shape_of(self.data)
        attrs = self.onnx_attributes()
        return list(x[slice(attrs["start"], attrs.get("end"))])

    def verify_shapes(self) -> None:
        if self.shape.type != TensorType(i64, [len(self.dims())]):
            self.error(f"result type should be tensor<{len(self.dims())}xi64>, "
                       f"got {self.shape.type}")


@onnx_op
class SliceOp(OnnxOp):
    name = "onnx.Slice"
    data = operand_def(TensorType)
    starts = operand_def(TensorType)
    ends = operand_def(TensorType)
    axes = operand_def(OptTensor)
    steps = operand_def(OptTensor)
    output = result_def(TensorType)

    def verify_shapes(self) -> None:
        self.expect_same_type(self.data, self.output)
        controls = (self.starts, self.ends, self.axes, self.steps)
        for value, what in zip(controls, ("starts", "ends", "axes", "steps")):
            self.expect_int(value, what, rank=1)
        x = shape_of(self.data)
        n = shape_of(self.starts)[0]
        if any(not is_none(v) and shape_of(v) != (n,) for v in controls):
            self.error("starts, ends, axes and steps must have the same length")
        starts, ends = control_value(self.starts), control_value(self.ends)
        steps = np.ones(n, np.int64) if is_none(self.steps) else control_value(self.steps)
        axes = list(range(n)) if is_none(self.axes) else _constant_axes(self, self.axes, len(x))
        if starts is None or ends is None or steps is None or axes is None:
            return
        out = list(x)
        for axis, start, end, step in zip(axes, starts, ends, steps):
            if step == 0:
                self.error("steps must be non-zero")
            out[axis] = len(range(*slice(int(start), int(end), int(step)).indices(x[axis])))
        self.expect_shape(self.output, out)


@onnx_op
class PadOp(OnnxOp):
    name = "onnx.Pad"
    data = operand_def(TensorType)
    pads = operand_def(TensorType)
    constant_value = operand_def(OptTensor)
    axes = operand_def(OptTensor)
    output = result_def(TensorType)
    mode = _str("constant")

    def verify_shapes(self) -> None:
        self.expect_same_type(self.data, self.constant_value, self.output)
        self.expect_int(self.pads, "pads", rank=1)
        self.expect_int(self.axes, "axes", rank=1)
        x = shape_of(self.data)
        axes = list(range(len(x))) if is_none(self.axes) else \
            _constant_axes(self, self.axes, len(x))
        pads = control_value(self.pads)
        if axes is None or pads is None:
            return
        if pads.size != 2 * len(axes):
            self.error(f"pads must have 2 x {len(axes)} values, got {pads.size}")
        out = list(x)
        for i, axis in enumerate(axes):
            out[axis] += int(pads[i]) + int(pads[i + len(axes)])
        self.expect_shape(self.output, out)


@onnx_op
class SplitOp(OnnxOp):
    name = "onnx.Split"
    input = operand_def(TensorType)
    split = operand_def(OptTensor)
    outputs = var_result_def(TensorType)
    axis = _int(0)
    num_outputs = _int()

    def verify_shapes(self) -> None:
        self.expect_same_type(self.input, *self.outputs)
        self.expect_int(self.split, "split", rank=1)
        x = shape_of(self.input)
        axis = self.normalize_axis(self.onnx_attributes()["axis"], len(x))
        n = len(self.outputs)
        if n == 0:
            self.error("expected at least one result")
        if is_none(self.split):
            chunk = -(-x[axis] // n)
            sizes = [min(chunk, x[axis] - i * chunk) for i in range(n)]
        elif (split := control_value(self.split)) is None:
            return
        else:
            sizes = [int(s) for s in split]
        if len(sizes) != n or sum(sizes) != x[axis] or min(sizes) < 0:
            self.error(f"split sizes {sizes} do not cut axis {axis} of size {x[axis]} "
                       f"into {n} results")
        for result, size in zip(self.outputs, sizes):
            self.expect_shape(result, (*x[:axis], size, *x[axis + 1:]))


@onnx_op
class ReduceMeanOp(OnnxOp):
    name = "onnx.ReduceMean"
    data = operand_def(TensorType)
    axes = operand_def(OptTensor)
    reduced = result_def(TensorType)
    keepdims = _int(1)
    noop_with_empty_axes = _int(0)

    def verify_shapes(self) -> None:
        self.expect_float(self.data, self.reduced)
        self.expect_int(self.axes, "axes", rank=1)
        x = shape_of(self.data)
        attrs = self.onnx_attributes()
        if is_none(self.axes) or shape_of(self.axes) == (0,):
            axes = [] if attrs["noop_with_empty_axes"] else list(range(len(x)))
        elif (axes := _constant_axes(self, self.axes, len(x))) is None:
            return
        keep = attrs["keepdims"]
        self.expect_shape(self.reduced, [1 if i in axes else d for i, d in enumerate(x)
                                         if keep or i not in axes])


# --------------------------------------------------------------------------------------
# Constants and casts.
# --------------------------------------------------------------------------------------


@onnx_op
class ConstantOp(OnnxOp):
    """A constant tensor: splat, inline dense, or a blob in the weight store."""

    name = "onnx.Constant"
    output = result_def(TensorType)
    value = prop_def(ConstantAttr)

    def __init__(self, value: Attribute, node_name: str):
        from cim_mlir.weights import tensor_type_of

        super().__init__(result_types=[tensor_type_of(value)],
                         properties={"name": StringAttr(node_name), "value": value})

    def verify_shapes(self) -> None:
        from cim_mlir.weights import tensor_type_of

        if self.output.type != tensor_type_of(self.value):
            self.error(f"result type {self.output.type} differs from the value's type "
                       f"{tensor_type_of(self.value)}")


@onnx_op
class ConstantOfShapeOp(OnnxOp):
    name = "onnx.ConstantOfShape"
    input = operand_def(TensorType)
    output = result_def(TensorType)
    value = opt_prop_def(ConstantAttr, DenseIntOrFPElementsAttr.from_list(TensorType(f32, [1]),
                                                                          [0.0]))

    def verify_shapes(self) -> None:
        from cim_mlir.weights import tensor_type_of

        self.expect_int(self.input, "input", rank=1)
        elt = tensor_type_of(self.value).element_type
        assert isinstance(self.output.type, TensorType)
        if self.output.type.element_type != elt:
            self.error(f"result element type should be {elt}, got {self.output.type}")
        shape = control_value(self.input)
        if shape is not None:
            self.expect_shape(self.output, [int(d) for d in shape])


TENSOR_TYPES_BY_ONNX: dict[int, Attribute] = {
    1: Float32Type(), 10: Float16Type(), 11: Float64Type(), 7: IntegerType(64),
    6: IntegerType(32), 3: IntegerType(8), 2: IntegerType(8, Signedness.UNSIGNED),
    9: IntegerType(1),
}
"""Element type of each supported ``onnx.TensorProto.DataType``."""


@onnx_op
class CastOp(OnnxOp):
    name = "onnx.Cast"
    input = operand_def(TensorType)
    output = result_def(TensorType)
    to = _int(required=True)
    saturate = _int(1)

    def verify_shapes(self) -> None:
        to = self.to.value.data
        if to not in TENSOR_TYPES_BY_ONNX:
            self.error(f"unsupported target type {to}")
        self.expect_shape(self.output, shape_of(self.input))
        assert isinstance(self.output.type, TensorType)
        if self.output.type.element_type != TENSOR_TYPES_BY_ONNX[to]:
            self.error(f"result element type should be {TENSOR_TYPES_BY_ONNX[to]}, got "
                       f"{self.output.type.element_type}")


@irdl_op_definition
class NoValueOp(IRDLOperation):
    """The absent optional input: its ``none`` result fills the operand slot."""

    name = "onnx.NoValue"
    none = result_def(NoneType)

    def __init__(self):
        super().__init__(result_types=[NoneType()])


SUPPORTED_OPS: tuple[str, ...] = tuple(sorted(OPS_BY_TYPE))
"""ONNX operator types the frontend imports."""

ONNX = Dialect("onnx", [*OPS_BY_TYPE.values(), NoValueOp], [])
