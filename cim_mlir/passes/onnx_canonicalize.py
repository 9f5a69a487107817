"""Canonicalization of the ``onnx`` dialect before lowering to ``cim.core``.

* ``onnx-drop-identity``: Identity and inference Dropout forward their input.
* ``onnx-fold-constants``: shape arithmetic and weight reshuffling on
  constants becomes ``onnx.Constant`` (the zoo's ``ConstantOfShape`` weights
  become ``#cim.splat``, Shape->Gather->Unsqueeze->Concat->Reshape chains a
  constant shape), then dead ops are erased.
* ``onnx-fold-batchnorm``: an inference BatchNormalization after a Conv whose
  weights are constant is folded into the Conv's weights and bias.
* ``onnx-canonicalize``: the three, in that order, to a fixpoint.

The passes walk each function once in program order (so a chain folds in one
sweep) instead of using the greedy pattern applier: that keeps them linear
and independent of xDSL's DCE of ``Pure`` ops.  Splat constants are computed
as scalars and stay splats, so ResNet-50 in light form never materializes a
weight.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import IntegerType, ModuleOp, TensorType
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.passes import ModulePass

from cim_mlir.diagnostics import PassError
from cim_mlir.dialects.cim import SplatAttr
from cim_mlir.dialects.onnx import (
    BatchNormalizationOp,
    CastOp,
    ConcatOp,
    ConstantOfShapeOp,
    ConstantOp,
    ConvOp,
    DropoutOp,
    FlattenOp,
    GatherOp,
    IdentityOp,
    NoValueOp,
    OnnxOp,
    ReshapeOp,
    ShapeOp,
    SliceOp,
    SqueezeOp,
    TransposeOp,
    UnsqueezeOp,
    constant_value,
    is_none,
)
from cim_mlir.weights import numpy_dtype, to_attr

# --------------------------------------------------------------------------------------
# Shared helpers.
# --------------------------------------------------------------------------------------


def _blocks(module: ModuleOp) -> list[Block]:
    return [f.body.block for f in module.walk() if isinstance(f, func.FuncOp) and f.body.blocks]


def erase_dead_ops(block: Block) -> bool:
    """Erase onnx ops (all side-effect free) whose results are unused, last first."""
    changed = False
    for op in reversed(list(block.ops)):
        if isinstance(op, OnnxOp | NoValueOp) and not any(r.uses for r in op.results):
            block.erase_op(op)
            changed = True
    return changed


def _compact(value: SSAValue) -> np.ndarray | None:
    """A constant operand's value, a 0-d array for a splat (numpy broadcasts it)."""
    op = value.owner
    if not isinstance(op, ConstantOp):
        return None
    if isinstance(op.value, SplatAttr):
        dtype = numpy_dtype(op.value.type.element_type)
        return np.array(op.value.value.value.data, dtype=dtype)
    return constant_value(value)


def constant_attr(value: np.ndarray, ttype: TensorType) -> Attribute:
    """The attribute for ``value`` broadcast to ``ttype``; a 0-d value gives a splat."""
    dtype = numpy_dtype(ttype.element_type)
    shape = tuple(ttype.get_shape())
    if value.ndim == 0 and int(np.prod(shape)) > 1:
        return SplatAttr.from_value(value.astype(dtype).item(), ttype)
    return to_attr(np.broadcast_to(value.astype(dtype), shape))


def _replace_with_constant(op: OnnxOp, attrs: list[Attribute]) -> None:
    """Replace each result of ``op`` by an ``onnx.Constant`` inserted before it."""
    for result, attr in zip(op.results, attrs, strict=True):
        constant = ConstantOp(attr, op.node_name.data)
        constant.output.name_hint = result.name_hint
        assert op.parent is not None
        op.parent.insert_op_before(constant, op)
        result.replace_all_uses_with(constant.output)
    op.parent.erase_op(op)


# --------------------------------------------------------------------------------------
# onnx-drop-identity
# --------------------------------------------------------------------------------------


def drop_identity(module: ModuleOp) -> bool:
    changed = False
    for block in _blocks(module):
        for op in list(block.ops):
            if isinstance(op, IdentityOp | DropoutOp):
                if isinstance(op, DropoutOp) and not is_none(op.training_mode):
                    mode = _compact(op.training_mode)
                    if mode is None or mode.any():
                        continue  # training dropout is not the identity
                op.Y.replace_all_uses_with(op.X)
                block.erase_op(op)
                changed = True
        changed |= erase_dead_ops(block)
    return changed


# --------------------------------------------------------------------------------------
# onnx-fold-constants
# --------------------------------------------------------------------------------------

_SHAPE_ONLY = (ReshapeOp, TransposeOp, SqueezeOp, UnsqueezeOp, FlattenOp, GatherOp, SliceOp)
"""Ops that only move elements of operand 0: a splat stays the same splat."""

_ALWAYS = (*_SHAPE_ONLY, ShapeOp, ConcatOp, CastOp, ConstantOfShapeOp)
_INTEGER_ARITHMETIC = ("Add", "Sub", "Mul", "Div")
"""Folded on integer tensors only (shape arithmetic, not activations)."""


def _foldable(op: Operation) -> bool:
    if isinstance(op, _ALWAYS):
        return True
    if isinstance(op, OnnxOp) and op.onnx_op_type in _INTEGER_ARITHMETIC:
        result = op.results[0].type
        return isinstance(result, TensorType) and isinstance(result.element_type, IntegerType)
    return False


def _fold(op: OnnxOp) -> list[Attribute] | None:
    """The folded results of ``op``, or None if it cannot be folded."""
    from cim_mlir.kernels import KernelError

    try:
        return _evaluate(op)
    except KernelError:  # e.g. an integer division by zero: leave it to run time
        return None


def _is_splat(value: SSAValue) -> bool:
    return isinstance(value.owner, ConstantOp) and isinstance(value.owner.value, SplatAttr)


def _evaluate(op: OnnxOp) -> list[Attribute] | None:
    """Fold ``op`` (one result) with the kernels, keeping splats as scalars."""
    from cim_mlir.kernels import evaluate

    result = op.results[0].type
    assert len(op.results) == 1 and isinstance(result, TensorType)
    if isinstance(op, ShapeOp):
        return [to_attr(np.array(op.dims(), np.int64))]
    if isinstance(op, ConstantOfShapeOp):
        return [constant_attr(op.onnx_attributes()["value"].reshape(()), result)]
    values = [None if is_none(v) else _compact(v) for v in op.operands]
    if any(a is None and not is_none(v) for a, v in zip(values, op.operands)):
        return None  # an operand is not constant
    attrs = op.onnx_attributes()
    if isinstance(op, _SHAPE_ONLY):
        if _is_splat(op.operands[0]):  # moving equal elements around
            return [constant_attr(values[0], result)]  # type: ignore[arg-type]
    elif all(a is None or a.ndim == 0 for a in values):
        # Cast or arithmetic on splats/scalars, Concat of splats: compute one scalar.
        if not isinstance(op, ConcatOp):
            (value,) = evaluate(op.onnx_op_type, values, attrs)
            return [constant_attr(np.asarray(value), result)]
        if len({a.item() for a in values if a is not None}) == 1:
            return [constant_attr(values[0], result)]  # type: ignore[arg-type]
    full = [a if a is None or not _is_splat(v) else np.broadcast_to(a, v.type.get_shape())
            for a, v in zip(values, op.operands)]  # type: ignore[union-attr]
    (value,) = evaluate(op.onnx_op_type, full, attrs)
    return [to_attr(np.asarray(value))]


def fold_constants(module: ModuleOp) -> bool:
    changed = False
    for block in _blocks(module):
        for op in list(block.ops):
            if isinstance(op, OnnxOp) and _foldable(op) and (folded := _fold(op)) is not None:
                _replace_with_constant(op, folded)
                changed = True
        changed |= erase_dead_ops(block)
    return changed


# --------------------------------------------------------------------------------------
# onnx-fold-batchnorm
# --------------------------------------------------------------------------------------


def _fold_one_batchnorm(bn: BatchNormalizationOp) -> bool:
    conv = bn.X.owner
    if not isinstance(conv, ConvOp) or not conv.Y.has_one_use() or \
            bn.onnx_attributes()["training_mode"]:
        return False
    params = [_compact(v) for v in (bn.scale, bn.B, bn.input_mean, bn.input_var)]
    weight = _compact(conv.W)
    bias = np.array(0.0) if is_none(conv.B) else _compact(conv.B)
    if weight is None or bias is None or any(p is None for p in params):
        return False
    w_type = conv.W.type
    assert isinstance(w_type, TensorType)
    w_shape = tuple(w_type.get_shape())
    channels = w_shape[0]
    # Any parameter may be a splat (a 0-d value here) or a [C] array: the scale is
    # 0-d only when every parameter is, and then a splat weight stays a splat.
    gamma, beta, mean, var = (p.astype(np.float64) for p in params)  # type: ignore[union-attr]
    eps = bn.onnx_attributes()["epsilon"]
    s = gamma / np.sqrt(var + eps)
    new_b = (bias.astype(np.float64) - mean) * s + beta
    if s.ndim == 0:
        new_w = weight.astype(np.float64) * s
    else:  # per output channel: axis 0 of W
        full = np.broadcast_to(weight.astype(np.float64), w_shape)
        new_w = full * s.reshape(channels, *[1] * (len(w_shape) - 1))
    name = conv.node_name.data
    for index, value, suffix, ttype in (
            (1, new_w, "weight", w_type),
            (2, new_b, "bias", TensorType(w_type.element_type, [channels]))):
        constant = ConstantOp(constant_attr(value, ttype), f"{name}.{suffix}_bn")
        constant.output.name_hint = f"{conv.results[0].name_hint or name}.{suffix}_bn"
        assert conv.parent is not None
        conv.parent.insert_op_before(constant, conv)
        conv.operands[index] = constant.output
    conv.Y.name_hint = bn.Y.name_hint or conv.Y.name_hint
    bn.Y.replace_all_uses_with(conv.Y)
    assert bn.parent is not None
    bn.parent.erase_op(bn)
    return True


def located(op: OnnxOp, pass_name: str, error: Exception) -> PassError:
    """An unexpected failure on one node as a user-facing error naming it and the pass."""
    return PassError(f"cannot {pass_name.removeprefix('onnx-').replace('-', ' ')}: "
                     f"{' '.join(str(error).split())}",
                     f"node '{op.node_name.data}' ({op.onnx_op_type}), pass {pass_name}")


def fold_batchnorm(module: ModuleOp) -> bool:
    changed = False
    for block in _blocks(module):
        for op in list(block.ops):
            if isinstance(op, BatchNormalizationOp):
                try:
                    changed |= _fold_one_batchnorm(op)
                except (ValueError, ArithmeticError, TypeError, IndexError) as e:
                    raise located(op, "onnx-fold-batchnorm", e) from e
    if changed:
        for block in _blocks(module):
            erase_dead_ops(block)
    return changed


# --------------------------------------------------------------------------------------
# The passes.
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _OnnxPass(ModulePass):
    RUN: ClassVar[Callable[[ModuleOp], bool]]

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        type(self).RUN(op)


@dataclass(frozen=True)
class DropIdentityPass(_OnnxPass):
    """Remove Identity and inference Dropout (forward their input)."""

    name = "onnx-drop-identity"
    RUN = staticmethod(drop_identity)


@dataclass(frozen=True)
class FoldConstantsPass(_OnnxPass):
    """Fold shape computations and constant weight reshuffles into onnx.Constant."""

    name = "onnx-fold-constants"
    RUN = staticmethod(fold_constants)


@dataclass(frozen=True)
class FoldBatchNormPass(_OnnxPass):
    """Fold inference BatchNormalization into the preceding Conv's weights and bias."""

    name = "onnx-fold-batchnorm"
    RUN = staticmethod(fold_batchnorm)


def canonicalize(module: ModuleOp, max_rounds: int = 10) -> None:
    """Drop identities, fold constants, fold BatchNorm, until nothing changes."""
    for _ in range(max_rounds):
        changed = drop_identity(module)
        changed |= fold_constants(module)
        changed |= fold_batchnorm(module)
        if not changed:
            return


@dataclass(frozen=True)
class OnnxCanonicalizePass(ModulePass):
    """Canonicalize the onnx dialect: drop identities, fold constants and BatchNorm."""

    name = "onnx-canonicalize"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        canonicalize(op)
