"""Vectorised numpy kernels: the single numeric definition of ONNX semantics.

Constant folding, the reference executor of the ``onnx`` dialect and the
meta-operator interpreter's digital ops all call :func:`evaluate`, so the
results must agree with onnxruntime and the kernels must be fast enough to run
whole networks: every kernel is a handful of whole-array numpy calls (only
pooling and LRN loop, over kernel taps, and Erf over its polynomial
coefficients).  The module deliberately depends on
numpy alone (no xDSL, no onnx) so any layer of the compiler can import it.

Conventions
-----------
* ``inputs`` follow the newest (opset <= 21) ONNX signature of the operator,
  so e.g. Slice ``starts``/``ends``, Pad ``pads`` and Squeeze ``axes`` are
  inputs; a missing optional input is ``None`` (trailing ones may be omitted).
* ``attrs`` hold ONNX attribute values as Python ints/floats/strings/lists or
  ``np.ndarray`` for tensor attributes; absent attributes (or ``None``) get
  the ONNX default.  Unknown attribute names are rejected, so typos surface.
* Outputs keep the ONNX dtype: float32 in, float32 out (some kernels compute
  in float64 internally for accuracy and round once at the end); integer
  shape arithmetic stays int64.  Outputs may be views of inputs: treat them
  as read-only.
* Only the first output is produced where later ones are training-only or
  bookkeeping (MaxPool ``Indices``, Dropout ``mask``, BatchNormalization
  running statistics, LayerNormalization ``Mean``/``InvStdDev``).
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.polynomial import Chebyshev, Polynomial

__all__ = [
    "SUPPORTED",
    "KernelError",
    "conv_output_shape",
    "evaluate",
    "pool_output_shape",
    "resolve_pads",
]


class KernelError(ValueError):
    """Bad attributes, inputs or shapes for an operator; the message names it."""


Array = np.ndarray
Inputs = list[np.ndarray | None]
KernelFn = Callable[[Inputs, dict[str, Any]], list[Array]]

_REQUIRED: Any = object()
"""Default marking an attribute that ONNX requires."""


@dataclass(frozen=True)
class _Spec:
    fn: KernelFn
    defaults: Mapping[str, Any]
    min_inputs: int
    max_inputs: int | None  # None: variadic


_KERNELS: dict[str, _Spec] = {}


def _kernel(op_type: str, inputs: tuple[int, int | None], **defaults: Any
            ) -> Callable[[KernelFn], KernelFn]:
    """Register a kernel with its input arity and every ONNX attribute default.

    Listing all attributes (not just the used ones) lets :func:`evaluate`
    reject unknown names instead of silently ignoring them.
    """
    def register(fn: KernelFn) -> KernelFn:
        _KERNELS[op_type] = _Spec(fn, defaults, inputs[0], inputs[1])
        return fn
    return register


def evaluate(op_type: str, inputs: Sequence[Array | None],
             attrs: Mapping[str, Any]) -> list[Array]:
    """Run ONNX operator ``op_type`` on numpy ``inputs``; return its outputs.

    Raises :class:`KernelError` (naming ``op_type``) for unsupported ops,
    unknown or missing attributes, bad arities and invalid shapes.
    """
    spec = _KERNELS.get(op_type)
    if spec is None:
        raise KernelError(f"{op_type}: unsupported operator")
    unknown = sorted(set(attrs) - set(spec.defaults))
    if unknown:
        raise KernelError(f"{op_type}: unknown attribute(s) {', '.join(unknown)}")
    full: dict[str, Any] = {}
    for name, default in spec.defaults.items():
        value = attrs.get(name)
        if value is None:
            if default is _REQUIRED:
                raise KernelError(f"{op_type}: missing required attribute '{name}'")
            value = default
        full[name] = value
    args: Inputs = [None if a is None else np.asarray(a) for a in inputs]
    if spec.max_inputs is not None:
        if len(args) > spec.max_inputs:
            raise KernelError(f"{op_type}: expected at most {spec.max_inputs} "
                              f"inputs, got {len(args)}")
        args += [None] * (spec.max_inputs - len(args))
    missing = [i for i in range(spec.min_inputs) if i >= len(args) or args[i] is None]
    if missing:
        raise KernelError(f"{op_type}: missing required input(s) at position(s) "
                          f"{', '.join(map(str, missing))}")
    try:
        return spec.fn(args, full)
    except (ValueError, IndexError, TypeError) as e:  # KernelError, numpy shape errors
        raise KernelError(f"{op_type}: {e}") from e


# --------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------

def _int_list(value: Any, name: str) -> list[int]:
    try:
        return [int(v) for v in np.asarray(value).reshape(-1)]
    except (TypeError, ValueError):
        raise KernelError(f"attribute/input '{name}' must be a list of ints, "
                          f"got {value!r}") from None


def _axis(axis: int, rank: int, name: str = "axis") -> int:
    """Normalise a possibly negative axis, rejecting out-of-range ones."""
    if not -rank <= axis < rank:
        raise KernelError(f"{name} {axis} out of range for rank {rank}")
    return axis % rank


def _axes(axes: Sequence[int], rank: int) -> list[int]:
    norm = [_axis(int(a), rank, "axis") for a in axes]
    if len(set(norm)) != len(norm):
        raise KernelError(f"duplicate axes {list(axes)}")
    return norm


def _same_dtype(arrays: Sequence[Array]) -> None:
    dtypes = {a.dtype for a in arrays}
    if len(dtypes) > 1:
        raise KernelError(f"inputs must share one dtype, got {sorted(map(str, dtypes))}")


def _wide(x: Array) -> Array:
    """Float64 copy of a float tensor, for accuracy-sensitive reductions."""
    return x.astype(np.float64) if x.dtype.kind == "f" else x


def _matmul_dtype(dtype: np.dtype) -> np.dtype:
    """numpy has no BLAS for float16, so multiply those in float32."""
    return np.dtype(np.float32) if dtype == np.float16 else dtype


def _scalar(value: Array | None, name: str) -> Any:
    if value is None:
        return None
    if value.size != 1:
        raise KernelError(f"input '{name}' must be a scalar, got shape {value.shape}")
    return value.reshape(()).item()


_AUTO_PADS = ("NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID")


def resolve_pads(auto_pad: str, in_spatial: Sequence[int], kernel: Sequence[int],
                 strides: Sequence[int] | None = None,
                 dilations: Sequence[int] | None = None,
                 pads: Sequence[int] | None = None) -> list[int]:
    """Explicit ``[begin_0.., end_0..]`` pads for a conv/pool window.

    SAME_* pads so that ``out = ceil(in / stride)`` (the ONNX formula with the
    dilated kernel); like onnxruntime the total is clamped at 0 when the
    kernel is smaller than the stride, and SAME_LOWER puts the odd pixel first.
    """
    n = len(in_spatial)
    kernel = list(kernel)
    strides = [1] * n if strides is None else list(strides)
    dilations = [1] * n if dilations is None else list(dilations)
    if len(kernel) != n or len(strides) != n or len(dilations) != n:
        raise KernelError(f"kernel {kernel}, strides {strides} and dilations "
                          f"{dilations} must all have {n} spatial entries")
    if min(kernel, default=1) < 1 or min(strides, default=1) < 1 \
            or min(dilations, default=1) < 1:
        raise KernelError(f"kernel {kernel}, strides {strides} and dilations "
                          f"{dilations} must be positive")
    if auto_pad not in _AUTO_PADS:
        raise KernelError(f"auto_pad must be one of {', '.join(_AUTO_PADS)}, "
                          f"got {auto_pad!r}")
    if auto_pad == "VALID":
        return [0] * (2 * n)
    if auto_pad == "NOTSET":
        pads = [0] * (2 * n) if pads is None else list(pads)
        if len(pads) != 2 * n:
            raise KernelError(f"pads {pads} must have {2 * n} entries")
        if min(pads, default=0) < 0:
            raise KernelError(f"pads {pads} must be non-negative")
        return pads
    begin, end = [], []
    for i, s, k, d in zip(in_spatial, strides, kernel, dilations):
        out = -(-i // s)
        total = max(0, (out - 1) * s + (k - 1) * d + 1 - i)
        small = total // 2
        begin.append(total - small if auto_pad == "SAME_LOWER" else small)
        end.append(small if auto_pad == "SAME_LOWER" else total - small)
    return begin + end


def _output_dims(in_spatial: Sequence[int], kernel: Sequence[int],
                 strides: Sequence[int], dilations: Sequence[int],
                 pads: Sequence[int], ceil_mode: bool) -> list[int]:
    n = len(in_spatial)
    out = []
    for ax, (i, k, s, d) in enumerate(zip(in_spatial, kernel, strides, dilations)):
        pb, pe = pads[ax], pads[ax + n]
        span = i + pb + pe - ((k - 1) * d + 1)
        if span < 0:
            raise KernelError(f"spatial axis {ax}: padded input {i + pb + pe} is "
                              f"smaller than the dilated kernel {(k - 1) * d + 1}")
        o = span // s + 1
        if ceil_mode:
            o = -(-span // s) + 1
            if (o - 1) * s >= i + pb:  # the last window must start inside
                o -= 1
        out.append(o)
    return out


def conv_output_shape(in_spatial: Sequence[int], kernel: Sequence[int],
                      strides: Sequence[int] | None = None,
                      dilations: Sequence[int] | None = None,
                      pads: Sequence[int] | None = None,
                      auto_pad: str = "NOTSET") -> list[int]:
    """Spatial output dims of a Conv (floor division, pads per ``auto_pad``)."""
    n = len(in_spatial)
    strides = [1] * n if strides is None else list(strides)
    dilations = [1] * n if dilations is None else list(dilations)
    full = resolve_pads(auto_pad, in_spatial, kernel, strides, dilations, pads)
    return _output_dims(in_spatial, kernel, strides, dilations, full, False)


def pool_output_shape(in_spatial: Sequence[int], kernel: Sequence[int],
                      strides: Sequence[int] | None = None,
                      dilations: Sequence[int] | None = None,
                      pads: Sequence[int] | None = None,
                      auto_pad: str = "NOTSET", ceil_mode: bool = False) -> list[int]:
    """Spatial output dims of Max/AveragePool.

    With ``ceil_mode`` the count is rounded up, but (as in onnxruntime and
    PyTorch) a window starting in the end padding is dropped.
    """
    n = len(in_spatial)
    strides = [1] * n if strides is None else list(strides)
    dilations = [1] * n if dilations is None else list(dilations)
    full = resolve_pads(auto_pad, in_spatial, kernel, strides, dilations, pads)
    return _output_dims(in_spatial, kernel, strides, dilations, full, bool(ceil_mode))


@dataclass(frozen=True)
class _Window:
    """Resolved geometry of a conv/pool window over the spatial axes."""

    in_spatial: list[int]
    kernel: list[int]
    strides: list[int]
    dilations: list[int]
    pads: list[int]
    out: list[int]

    @property
    def extent(self) -> list[int]:
        """Padded extent each axis must have so every window fits."""
        return [(o - 1) * s + (k - 1) * d + 1 for o, s, k, d in
                zip(self.out, self.strides, self.kernel, self.dilations)]

    def taps(self) -> Iterator[tuple[slice, ...]]:
        """Per kernel tap, the strided spatial slice of the padded input."""
        for tap in itertools.product(*(range(k) for k in self.kernel)):
            yield tuple(slice(t * d, t * d + (o - 1) * s + 1, s) for t, d, o, s
                        in zip(tap, self.dilations, self.out, self.strides))


def _window(x: Array, kernel: Sequence[int], attrs: Mapping[str, Any],
            ceil_mode: bool = False) -> _Window:
    if x.ndim < 3:
        raise KernelError(f"input must have rank >= 3 (N, C, spatial...), got {x.shape}")
    in_spatial = list(x.shape[2:])
    n = len(in_spatial)
    kernel = list(kernel)
    if len(kernel) != n:
        raise KernelError(f"kernel_shape {kernel} does not match {n} spatial axes")
    strides = [1] * n if attrs["strides"] is None else _int_list(attrs["strides"], "strides")
    dilations = ([1] * n if attrs["dilations"] is None
                 else _int_list(attrs["dilations"], "dilations"))
    pads = None if attrs["pads"] is None else _int_list(attrs["pads"], "pads")
    full = resolve_pads(str(attrs["auto_pad"]), in_spatial, kernel, strides, dilations, pads)
    out = _output_dims(in_spatial, kernel, strides, dilations, full, ceil_mode)
    return _Window(in_spatial, kernel, strides, dilations, full, out)


def _pad_to_window(x: Array, win: _Window, value: Any) -> Array:
    """Pad the spatial axes by the begin pads and up to the window extent.

    The end is padded only as far as windows reach, which also covers the
    overhang of ceil-mode pooling beyond the explicit end pads.
    """
    widths = [(0, 0), (0, 0)]
    crop: list[slice] = [slice(None), slice(None)]
    for ax, size in enumerate(win.extent):
        pb = win.pads[ax]
        pe = size - pb - win.in_spatial[ax]
        widths.append((pb, max(pe, 0)))
        crop.append(slice(0, size))
    if all(w == (0, 0) for w in widths):
        return x[tuple(crop)]
    return np.pad(x, widths, mode="constant", constant_values=value)[tuple(crop)]


# --------------------------------------------------------------------------
# Convolution and matrix products
# --------------------------------------------------------------------------

@_kernel("Conv", inputs=(2, 3), auto_pad="NOTSET", dilations=None, group=1,
         kernel_shape=None, pads=None, strides=None)
def _conv(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """im2col via a strided window view + one batched matmul over groups."""
    x, w, b = inputs
    assert x is not None and w is not None
    if x.ndim < 3 or w.ndim != x.ndim:
        raise KernelError(f"X {x.shape} must have rank >= 3 and W {w.shape} the same rank")
    n, c = x.shape[:2]
    m, cg = w.shape[:2]
    kernel = list(w.shape[2:])
    if attrs["kernel_shape"] is not None and _int_list(attrs["kernel_shape"],
                                                       "kernel_shape") != kernel:
        raise KernelError(f"kernel_shape {attrs['kernel_shape']} does not match W {w.shape}")
    g = int(attrs["group"])
    if g < 1 or c % g or m % g or cg * g != c:
        raise KernelError(f"group {g} incompatible with X channels {c} and W {w.shape}")
    if b is not None and b.shape != (m,):
        raise KernelError(f"bias shape {b.shape} must be ({m},)")
    win = _window(x, kernel, attrs)
    dtype = _matmul_dtype(x.dtype)
    xp = _pad_to_window(x.astype(dtype, copy=False), win, 0)
    nsp = len(kernel)
    spatial = tuple(range(2, 2 + nsp))
    dilated = [(k - 1) * d + 1 for k, d in zip(kernel, win.dilations)]
    view = sliding_window_view(xp, dilated, axis=spatial)
    view = view[(slice(None), slice(None))
                + tuple(slice(None, None, s) for s in win.strides)
                + tuple(slice(None, None, d) for d in win.dilations)]
    # (N, C, O..., K...) -> (N, g, Cg*K, P): the one copy of im2col.
    view = view.reshape(n, g, cg, *win.out, *kernel)
    order = (0, 1, 2, *range(3 + nsp, 3 + 2 * nsp), *range(3, 3 + nsp))
    cols = view.transpose(order).reshape(n, g, cg * math.prod(kernel), math.prod(win.out))
    wmat = w.astype(dtype, copy=False).reshape(g, m // g, cg * math.prod(kernel))
    y = np.matmul(wmat, cols).reshape(n, m, *win.out)
    if b is not None:
        y += b.astype(dtype, copy=False).reshape(m, *([1] * nsp))
    return [y.astype(x.dtype, copy=False)]


@_kernel("Gemm", inputs=(2, 3), alpha=1.0, beta=1.0, transA=0, transB=0)
def _gemm(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """alpha * A' @ B' + beta * C, C broadcast unidirectionally to the result."""
    a, b, c = inputs
    assert a is not None and b is not None
    if a.ndim != 2 or b.ndim != 2:
        raise KernelError(f"A {a.shape} and B {b.shape} must be 2-D")
    dtype = _matmul_dtype(a.dtype)
    a2 = a.T if attrs["transA"] else a
    b2 = b.T if attrs["transB"] else b
    if a2.shape[1] != b2.shape[0]:
        raise KernelError(f"inner dimensions differ: A' {a2.shape}, B' {b2.shape}")
    y = np.matmul(a2.astype(dtype, copy=False), b2.astype(dtype, copy=False))
    alpha, beta = float(attrs["alpha"]), float(attrs["beta"])
    if alpha != 1.0:
        y = y * alpha
    if c is not None:
        if np.broadcast_shapes(c.shape, y.shape) != y.shape:
            raise KernelError(f"C {c.shape} does not broadcast to {y.shape}")
        y = y + (c * beta if beta != 1.0 else c).astype(y.dtype, copy=False)
    return [y.astype(a.dtype, copy=False)]


@_kernel("MatMul", inputs=(2, 2))
def _matmul(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """numpy.matmul already has ONNX MatMul's broadcasting and 1-D rules."""
    a, b = inputs
    assert a is not None and b is not None
    _same_dtype([a, b])
    if a.ndim == 0 or b.ndim == 0:
        raise KernelError("MatMul operands must have rank >= 1")
    dtype = _matmul_dtype(a.dtype)
    y = np.matmul(a.astype(dtype, copy=False), b.astype(dtype, copy=False))
    return [np.asarray(y).astype(a.dtype, copy=False)]


# --------------------------------------------------------------------------
# Element-wise
# --------------------------------------------------------------------------

def _unary(op_type: str, fn: Callable[[Array], Array], **defaults: Any) -> None:
    def kernel(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
        x = inputs[0]
        assert x is not None
        with np.errstate(all="ignore"):
            return [np.asarray(fn(x)).astype(x.dtype, copy=False)]
    kernel.__doc__ = f"Element-wise {op_type}."
    _kernel(op_type, inputs=(1, 1), **defaults)(kernel)


def _sigmoid(x: Array) -> Array:
    """exp of -|x| only, so neither branch can overflow."""
    e = np.exp(-np.abs(x))
    r = 1 / (1 + e)
    return np.where(x >= 0, r, e * r)


_unary("Relu", lambda x: np.maximum(x, x.dtype.type(0)))
_unary("Sigmoid", _sigmoid)
_unary("Tanh", np.tanh)
_unary("Sqrt", np.sqrt)
_unary("Identity", lambda x: x)


def _binary(op_type: str, fn: Callable[[Array, Array], Array]) -> None:
    def kernel(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
        a, b = inputs
        assert a is not None and b is not None
        _same_dtype([a, b])
        with np.errstate(all="ignore"):
            return [np.asarray(fn(a, b)).astype(a.dtype, copy=False)]
    kernel.__doc__ = f"Element-wise {op_type} with numpy (= ONNX) broadcasting."
    _kernel(op_type, inputs=(2, 2))(kernel)


def _div(a: Array, b: Array) -> Array:
    """Integer division truncates toward zero (C semantics), not floor."""
    if a.dtype.kind not in "iu":
        return np.divide(a, b)
    if np.any(b == 0):
        raise KernelError("integer division by zero")
    q = np.floor_divide(a, b)
    if a.dtype.kind == "i":
        q = q + ((q * b != a) & ((a < 0) != (b < 0))).astype(q.dtype)
    return q


_binary("Add", np.add)
_binary("Sub", np.subtract)
_binary("Mul", np.multiply)
_binary("Div", _div)


@_kernel("Sum", inputs=(1, None))
def _sum(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """Variadic broadcasting sum, accumulated left to right like ORT."""
    arrays = [a for a in inputs if a is not None]
    _same_dtype(arrays)
    return [functools.reduce(np.add, arrays[1:], arrays[0].copy())]


@_kernel("Pow", inputs=(2, 2))
def _pow(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """Computed in float64 and cast to X's dtype, as ORT's std::pow does.

    This also makes integer bases with negative exponents truncate toward
    zero instead of raising like numpy's integer power.
    """
    x, y = inputs
    assert x is not None and y is not None
    with np.errstate(all="ignore"):
        return [np.power(x.astype(np.float64), y.astype(np.float64)).astype(x.dtype)]


@_kernel("Clip", inputs=(1, 3))
def _clip(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """max then min, so min > max yields max everywhere as ONNX specifies."""
    x, lo, hi = inputs
    assert x is not None
    y = x
    if lo is not None:
        y = np.maximum(y, x.dtype.type(_scalar(lo, "min")))
    if hi is not None:
        y = np.minimum(y, x.dtype.type(_scalar(hi, "max")))
    return [np.asarray(y).astype(x.dtype, copy=False)]


def _erf_f64(x: Array) -> Array:
    """erf in float64, absolute error < 1e-14 (see :func:`_erf_coefficients`)."""
    small, large = _erf_coefficients()
    shape = np.shape(x)
    x = np.reshape(x, -1)
    a = np.abs(x)
    out = np.sign(x)  # |x| >= 6: erfc(6) < 3e-17, so ±1 (and NaN stays NaN)
    m1 = a < 1.0
    xs = x[m1]
    out[m1] = xs * _horner(small, xs * xs)
    m2 = (a >= 1.0) & (a < 6.0)
    al = a[m2]
    out[m2] = np.sign(x[m2]) * (1.0 - np.exp(-al * al) * _horner(large, 1.0 / al))
    return out.reshape(shape)


def _horner(coef: Array, t: Array) -> Array:
    """Evaluate an ascending power series in place: two array passes per degree."""
    acc = np.full_like(t, coef[-1])
    for c in coef[-2::-1]:
        acc *= t
        acc += c
    return acc


@functools.cache
def _erf_coefficients() -> tuple[Array, Array]:
    """Power series fitted once to ``math.erf``/``math.erfc``.

    ``erf(x) = x * P(x**2)`` on |x| < 1 (P of degree 10) and
    ``erfc(x) = exp(-x**2) * Q(1/x)`` on 1 <= |x| < 6 (Q of degree 18), both
    Chebyshev interpolants (errors ~1e-15) converted to monomials for a fast
    Horner evaluation.  Fitting at first use (a few dozen scalar calls)
    avoids shipping long coefficient tables that are easy to mistype.
    """
    def p(t: Array) -> Array:
        return np.array([math.erf(math.sqrt(v)) / math.sqrt(v) for v in t])

    def q(s: Array) -> Array:
        return np.array([math.erfc(1 / v) * math.exp(1 / (v * v)) for v in s])

    fits = (Chebyshev.interpolate(p, 10, domain=[0.0, 1.0]),
            Chebyshev.interpolate(q, 18, domain=[1.0 / 6.0, 1.0]))
    return tuple(f.convert(kind=Polynomial).coef for f in fits)  # type: ignore[return-value]


_unary("Erf", lambda x: _erf_f64(x.astype(np.float64)))


@_kernel("Gelu", inputs=(1, 1), approximate="none")
def _gelu(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """Exact (erf) or tanh-approximated GELU, computed in float64."""
    x = inputs[0]
    assert x is not None
    v = x.astype(np.float64)
    mode = attrs["approximate"]
    if mode == "none":
        y = 0.5 * v * (1.0 + _erf_f64(v / math.sqrt(2.0)))
    elif mode == "tanh":
        y = 0.5 * v * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (v + 0.044715 * v ** 3)))
    else:
        raise KernelError(f"approximate must be 'none' or 'tanh', got {mode!r}")
    return [y.astype(x.dtype)]


# --------------------------------------------------------------------------
# Normalisation and activation over axes
# --------------------------------------------------------------------------

@_kernel("BatchNormalization", inputs=(5, 5), epsilon=1e-5, momentum=0.9,
         training_mode=0)
def _batch_norm(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """Inference mode only: normalise with the given running statistics."""
    x, scale, bias, mean, var = inputs
    assert x is not None and scale is not None and bias is not None
    assert mean is not None and var is not None
    if int(attrs["training_mode"]):
        raise KernelError("training_mode=1 is not supported (inference only)")
    if x.ndim < 2:
        raise KernelError(f"X {x.shape} must have rank >= 2")
    c = x.shape[1]
    shape = (c,) + (1,) * (x.ndim - 2)
    params = []
    for name, p in (("scale", scale), ("B", bias), ("mean", mean), ("var", var)):
        if p.shape != (c,):
            raise KernelError(f"{name} shape {p.shape} must be ({c},)")
        params.append(p.astype(np.float64).reshape(shape))
    s, b, mu, v = params
    y = (x - mu) * (s / np.sqrt(v + float(attrs["epsilon"]))) + b
    return [y.astype(x.dtype)]


@_kernel("LayerNormalization", inputs=(1, 3), axis=-1, epsilon=1e-5, stash_type=1)
def _layer_norm(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """Normalise over axes [axis, rank) in float64; only Y is returned."""
    x, scale, bias = inputs
    assert x is not None
    axis = _axis(int(attrs["axis"]), x.ndim)
    axes = tuple(range(axis, x.ndim))
    v = _wide(x)
    mean = v.mean(axis=axes, keepdims=True)
    d = v - mean
    var = (d * d).mean(axis=axes, keepdims=True)
    y = d / np.sqrt(var + float(attrs["epsilon"]))
    if scale is not None:
        y = y * scale.astype(np.float64)
    if bias is not None:
        y = y + bias.astype(np.float64)
    return [y.astype(x.dtype)]


@_kernel("Softmax", inputs=(1, 1), axis=-1)
def _softmax(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """Opset-13 softmax along one axis, max-shifted, in float64."""
    x = inputs[0]
    assert x is not None
    axis = _axis(int(attrs["axis"]), x.ndim)
    v = _wide(x)
    e = np.exp(v - v.max(axis=axis, keepdims=True))
    return [(e / e.sum(axis=axis, keepdims=True)).astype(x.dtype)]


@_kernel("LRN", inputs=(1, 1), alpha=1e-4, beta=0.75, bias=1.0, size=_REQUIRED)
def _lrn(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """Cross-channel LRN: a loop over the ``size`` channel offsets."""
    x = inputs[0]
    assert x is not None
    size = int(attrs["size"])
    if size < 1:
        raise KernelError(f"size must be positive, got {size}")
    if x.ndim < 2:
        raise KernelError(f"X {x.shape} must have rank >= 2")
    c = x.shape[1]
    lo, hi = (size - 1) // 2, size - 1 - (size - 1) // 2
    sq = np.square(_wide(x))
    padded = np.pad(sq, [(0, 0), (lo, hi)] + [(0, 0)] * (x.ndim - 2))
    acc = np.zeros_like(sq)
    for off in range(size):
        acc += padded[:, off:off + c]
    y = x / (float(attrs["bias"]) + float(attrs["alpha"]) / size * acc) ** float(attrs["beta"])
    return [y.astype(x.dtype)]


@_kernel("Dropout", inputs=(1, 3), seed=None)
def _dropout(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """Inference (or ratio 0) only, where Dropout is the identity."""
    x, ratio, training = inputs
    assert x is not None
    if training is not None and bool(_scalar(training, "training_mode")):
        r = 0.5 if ratio is None else float(_scalar(ratio, "ratio"))
        if r != 0.0:
            raise KernelError("training mode with a non-zero ratio is not supported")
    return [x]


# --------------------------------------------------------------------------
# Pooling
# --------------------------------------------------------------------------

_POOL_DEFAULTS = dict(auto_pad="NOTSET", ceil_mode=0, dilations=None,
                      kernel_shape=_REQUIRED, pads=None, strides=None)


def _pool_window(x: Array, attrs: Mapping[str, Any]) -> _Window:
    return _window(x, _int_list(attrs["kernel_shape"], "kernel_shape"), attrs,
                   bool(int(attrs["ceil_mode"])))


def _lowest(dtype: np.dtype) -> Any:
    """Lowest finite value: ORT starts each max at it, so a window lying
    entirely in the padding yields -FLT_MAX rather than -inf."""
    if dtype.kind == "f":
        return np.finfo(dtype).min
    if dtype.kind in "iu":
        return np.iinfo(dtype).min
    raise KernelError(f"unsupported dtype {dtype}")


@_kernel("MaxPool", inputs=(1, 1), storage_order=0, **_POOL_DEFAULTS)
def _max_pool(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """Max over kernel taps of the input padded with the dtype's lowest value."""
    x = inputs[0]
    assert x is not None
    win = _pool_window(x, attrs)
    xp = _pad_to_window(x, win, _lowest(x.dtype))
    y: Array | None = None
    for tap in win.taps():
        v = xp[(Ellipsis, *tap)]
        y = v.copy() if y is None else np.maximum(y, v, out=y)
    assert y is not None
    return [y]


@_kernel("AveragePool", inputs=(1, 1), count_include_pad=0, **_POOL_DEFAULTS)
def _average_pool(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """Sum over taps divided by the per-window count of counted positions.

    Explicit (or auto) pads are counted only with ``count_include_pad``; the
    ceil-mode overhang beyond them never is (matches onnxruntime).  The count
    is separable, so it is the outer product of per-axis 1-D counts.
    """
    x = inputs[0]
    assert x is not None
    win = _pool_window(x, attrs)
    include = bool(int(attrs["count_include_pad"]))
    acc_dtype = np.float64 if x.dtype.kind == "f" else np.int64
    xp = _pad_to_window(x, win, 0)
    total: Array | None = None
    for tap in win.taps():
        v = xp[(Ellipsis, *tap)]
        total = v.astype(acc_dtype) if total is None else np.add(total, v, out=total)
    assert total is not None
    n = len(win.kernel)
    count = np.ones((), np.int64)
    for ax, extent in enumerate(win.extent):
        pb, pe, size = win.pads[ax], win.pads[ax + n], win.in_spatial[ax]
        pos = np.arange(extent) - pb  # input coordinate of each padded cell
        mask = ((pos >= -pb) & (pos < size + pe)) if include else ((pos >= 0) & (pos < size))
        counts = sum(mask[k * win.dilations[ax]::win.strides[ax]][:win.out[ax]].astype(np.int64)
                     for k in range(win.kernel[ax]))
        count = np.multiply.outer(count, counts)
    # A window lying entirely in uncounted padding sums to 0; ORT returns 0.
    return [(total / np.maximum(count, 1)).astype(x.dtype)]


@_kernel("GlobalAveragePool", inputs=(1, 1))
def _global_average_pool(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """Mean over all spatial axes, keeping them as size-1 dims."""
    x = inputs[0]
    assert x is not None
    if x.ndim < 3:
        raise KernelError(f"X {x.shape} must have rank >= 3")
    axes = tuple(range(2, x.ndim))
    return [_wide(x).mean(axis=axes, keepdims=True).astype(x.dtype)]


# --------------------------------------------------------------------------
# Shape manipulation
# --------------------------------------------------------------------------

@_kernel("Flatten", inputs=(1, 1), axis=1)
def _flatten(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """2-D view: dims before ``axis`` become rows, the rest columns."""
    x = inputs[0]
    assert x is not None
    axis = int(attrs["axis"])
    if not -x.ndim <= axis <= x.ndim:
        raise KernelError(f"axis {axis} out of range for rank {x.ndim}")
    axis += x.ndim if axis < 0 else 0
    return [x.reshape(math.prod(x.shape[:axis]), math.prod(x.shape[axis:]))]


@_kernel("Reshape", inputs=(2, 2), allowzero=0)
def _reshape(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """0 copies the input dim (unless allowzero) and one -1 is inferred."""
    x, shape_t = inputs
    assert x is not None and shape_t is not None
    shape = _int_list(shape_t, "shape")
    allowzero = bool(int(attrs["allowzero"]))
    if allowzero and 0 in shape and -1 in shape:
        raise KernelError("allowzero=1 forbids mixing 0 and -1 in the shape")
    if shape.count(-1) > 1 or min(shape, default=0) < -1:
        raise KernelError(f"invalid shape {shape}")
    if not allowzero:
        for i, d in enumerate(shape):
            if d == 0:
                if i >= x.ndim:
                    raise KernelError(f"shape {shape}: 0 at {i} beyond input rank {x.ndim}")
                shape[i] = x.shape[i]
    if -1 in shape:
        known = math.prod(d for d in shape if d != -1)
        if known == 0 or x.size % known:
            raise KernelError(f"cannot infer -1 reshaping {x.shape} to {shape}")
        shape[shape.index(-1)] = x.size // known
    if math.prod(shape) != x.size:
        raise KernelError(f"cannot reshape {x.shape} to {shape}")
    return [x.reshape(shape)]


@_kernel("Transpose", inputs=(1, 1), perm=None)
def _transpose(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """Default permutation reverses the axes."""
    x = inputs[0]
    assert x is not None
    perm = (list(range(x.ndim))[::-1] if attrs["perm"] is None
            else _int_list(attrs["perm"], "perm"))
    if sorted(perm) != list(range(x.ndim)):
        raise KernelError(f"perm {perm} is not a permutation of rank {x.ndim}")
    return [x.transpose(perm)]


@_kernel("Concat", inputs=(1, None), axis=_REQUIRED)
def _concat(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """numpy.concatenate along a possibly negative axis."""
    arrays = [a for a in inputs if a is not None]
    _same_dtype(arrays)
    axis = _axis(int(attrs["axis"]), arrays[0].ndim)
    return [np.concatenate(arrays, axis=axis)]


@_kernel("Unsqueeze", inputs=(2, 2))
def _unsqueeze(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """Insert size-1 dims; axes refer to the output rank."""
    x, axes_t = inputs
    assert x is not None and axes_t is not None
    axes = _axes(_int_list(axes_t, "axes"), x.ndim + axes_t.size)
    return [np.expand_dims(x, tuple(axes))]


@_kernel("Squeeze", inputs=(1, 2))
def _squeeze(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """Drop the given size-1 dims, or all of them when axes is absent."""
    x, axes_t = inputs
    assert x is not None
    if axes_t is None or axes_t.size == 0:
        return [np.squeeze(x)]
    axes = _axes(_int_list(axes_t, "axes"), x.ndim)
    bad = [a for a in axes if x.shape[a] != 1]
    if bad:
        raise KernelError(f"cannot squeeze axes {bad} of shape {x.shape}: size is not 1")
    return [np.squeeze(x, axis=tuple(axes))]


@_kernel("Gather", inputs=(2, 2), axis=0)
def _gather(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """numpy.take with negative indices wrapped once and range checking."""
    x, idx = inputs
    assert x is not None and idx is not None
    if idx.dtype.kind not in "iu":
        raise KernelError(f"indices must be integers, got {idx.dtype}")
    axis = _axis(int(attrs["axis"]), x.ndim)
    dim = x.shape[axis]
    if idx.size and (idx.min() < -dim or idx.max() >= dim):
        raise KernelError(f"indices out of range [-{dim}, {dim - 1}]")
    return [np.take(x, np.where(idx < 0, idx + dim, idx), axis=axis)]


@_kernel("Shape", inputs=(1, 1), start=0, end=None)
def _shape(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """int64 shape slice; start/end are clamped, never an error."""
    x = inputs[0]
    assert x is not None
    r = x.ndim

    def clamp(v: int) -> int:
        return min(max(v + r if v < 0 else v, 0), r)
    start = clamp(int(attrs["start"]))
    end = r if attrs["end"] is None else clamp(int(attrs["end"]))
    return [np.array(x.shape[start:end], dtype=np.int64)]


@_kernel("Split", inputs=(1, 2), axis=0, num_outputs=None)
def _split(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """Explicit sizes, or ``num_outputs`` chunks of ceil(dim/n) with a short last one."""
    x, split_t = inputs
    assert x is not None
    axis = _axis(int(attrs["axis"]), x.ndim)
    dim = x.shape[axis]
    if split_t is not None:
        sizes = _int_list(split_t, "split")
        if min(sizes, default=0) < 0 or sum(sizes) != dim:
            raise KernelError(f"split {sizes} must be non-negative and sum to {dim}")
    elif attrs["num_outputs"] is not None:
        k = int(attrs["num_outputs"])
        if k < 1:
            raise KernelError(f"num_outputs must be positive, got {k}")
        chunk = -(-dim // k)
        sizes = [min(chunk, max(dim - i * chunk, 0)) for i in range(k)]
    else:
        raise KernelError("needs either the 'split' input or 'num_outputs'")
    return list(np.split(x, np.cumsum(sizes)[:-1], axis=axis))


@_kernel("Slice", inputs=(3, 5))
def _slice(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """Basic slicing with the ONNX clamping rules (end -1 means 'before 0')."""
    x, starts_t, ends_t, axes_t, steps_t = inputs
    assert x is not None and starts_t is not None and ends_t is not None
    starts, ends = _int_list(starts_t, "starts"), _int_list(ends_t, "ends")
    n = len(starts)
    axes = list(range(n)) if axes_t is None else _int_list(axes_t, "axes")
    steps = [1] * n if steps_t is None else _int_list(steps_t, "steps")
    if not len(ends) == len(axes) == len(steps) == n:
        raise KernelError(f"starts {starts}, ends {ends}, axes {axes} and steps "
                          f"{steps} must have the same length")
    index: list[slice] = [slice(None)] * x.ndim
    for axis, start, end, step in zip(_axes(axes, x.ndim), starts, ends, steps):
        dim = x.shape[axis]
        if step == 0:
            raise KernelError("steps must be non-zero")
        start += dim if start < 0 else 0
        end += dim if end < 0 else 0
        if step > 0:
            start, end = min(max(start, 0), dim), min(max(end, 0), dim)
            index[axis] = slice(start, end, step)
        else:
            start, end = min(max(start, 0), dim - 1), min(max(end, -1), dim - 1)
            index[axis] = slice(start, None if end < 0 else end, step) if dim else slice(0, 0)
    return [x[tuple(index)]]


@_kernel("Pad", inputs=(2, 4), mode="constant")
def _pad(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """Negative pads crop first (as in ORT), then numpy.pad adds the rest."""
    x, pads_t, value_t, axes_t = inputs
    assert x is not None and pads_t is not None
    mode = attrs["mode"]
    if mode not in ("constant", "reflect", "edge", "wrap"):
        raise KernelError(f"mode must be constant, reflect, edge or wrap, got {mode!r}")
    pads = _int_list(pads_t, "pads")
    axes = list(range(x.ndim)) if axes_t is None else _axes(_int_list(axes_t, "axes"), x.ndim)
    if len(pads) != 2 * len(axes):
        raise KernelError(f"pads {pads} must have 2 * {len(axes)} entries")
    widths = [(0, 0)] * x.ndim
    crop = [slice(None)] * x.ndim
    for i, axis in enumerate(axes):
        b, e = pads[i], pads[i + len(axes)]
        crop[axis] = slice(max(-b, 0), x.shape[axis] - max(-e, 0))
        widths[axis] = (max(b, 0), max(e, 0))
    y = x[tuple(crop)]
    if mode == "constant":
        value = 0 if value_t is None else _scalar(value_t, "constant_value")
        return [np.pad(y, widths, mode="constant", constant_values=x.dtype.type(value))]
    if any(w != (0, 0) and y.shape[a] == 0 for a, w in enumerate(widths)):
        raise KernelError(f"{mode} padding needs a non-empty axis")
    return [np.pad(y, widths, mode=mode)]


# --------------------------------------------------------------------------
# Reductions, constants, casts
# --------------------------------------------------------------------------

@_kernel("ReduceMean", inputs=(1, 2), keepdims=1, noop_with_empty_axes=0)
def _reduce_mean(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """Mean in float64; integer results truncate toward zero like ORT."""
    x, axes_t = inputs
    assert x is not None
    axes = [] if axes_t is None else _int_list(axes_t, "axes")
    if not axes:
        if int(attrs["noop_with_empty_axes"]):
            return [x]
        axes = list(range(x.ndim))
    axes = _axes(axes, x.ndim)
    y = x.astype(np.float64).mean(axis=tuple(axes), keepdims=bool(int(attrs["keepdims"])))
    return [np.asarray(y).astype(x.dtype)]


@_kernel("Constant", inputs=(0, 0), value=None, value_float=None, value_floats=None,
         value_int=None, value_ints=None, value_string=None, value_strings=None,
         sparse_value=None)
def _constant(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """Exactly one value attribute; scalars/lists get ONNX's float32/int64."""
    given = [k for k, v in attrs.items() if v is not None]
    if len(given) != 1:
        raise KernelError(f"needs exactly one value attribute, got {given or 'none'}")
    key = given[0]
    value = attrs[key]
    if key == "value":
        return [np.asarray(value)]
    if key in ("value_float", "value_floats"):
        return [np.asarray(value, dtype=np.float32)]
    if key in ("value_int", "value_ints"):
        return [np.asarray(value, dtype=np.int64)]
    if key in ("value_string", "value_strings"):
        return [np.asarray(value, dtype=object)]
    raise KernelError("sparse_value is not supported")


@_kernel("ConstantOfShape", inputs=(1, 1), value=None)
def _constant_of_shape(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """Fill with the one-element ``value`` tensor (default float32 zero)."""
    shape_t = inputs[0]
    assert shape_t is not None
    shape = _int_list(shape_t, "input")
    if min(shape, default=0) < 0:
        raise KernelError(f"shape {shape} has negative dims")
    value = np.zeros(1, np.float32) if attrs["value"] is None else np.asarray(attrs["value"])
    if value.size != 1:
        raise KernelError(f"value must have one element, got shape {value.shape}")
    return [np.full(shape, value.reshape(()), dtype=value.dtype)]


_ONNX_DTYPES: dict[int, np.dtype] = {
    1: np.dtype(np.float32), 2: np.dtype(np.uint8), 3: np.dtype(np.int8),
    4: np.dtype(np.uint16), 5: np.dtype(np.int16), 6: np.dtype(np.int32),
    7: np.dtype(np.int64), 9: np.dtype(np.bool_), 10: np.dtype(np.float16),
    11: np.dtype(np.float64), 12: np.dtype(np.uint32), 13: np.dtype(np.uint64),
}
"""TensorProto.DataType enum -> numpy dtype, for the types numpy has natively."""


@_kernel("Cast", inputs=(1, 1), to=_REQUIRED, saturate=1)
def _cast(inputs: Inputs, attrs: dict[str, Any]) -> list[Array]:
    """astype: float -> int truncates toward zero, like C++ static_cast."""
    x = inputs[0]
    assert x is not None
    to = int(attrs["to"])
    dtype = _ONNX_DTYPES.get(to)
    if dtype is None:
        raise KernelError(f"unsupported target type {to} (TensorProto enum)")
    with np.errstate(all="ignore"):
        return [x.astype(dtype)]


SUPPORTED: frozenset[str] = frozenset(_KERNELS)
"""Operator types :func:`evaluate` implements."""
