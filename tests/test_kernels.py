"""cim_mlir.kernels against onnxruntime on single-node models.

Every operator is compared with onnxruntime (the semantics the compiler must
reproduce), including the awkward corners: asymmetric pads, ceil_mode,
dilation with stride, groups, negative axes/steps, broadcasting.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from cim_mlir.kernels import (  # noqa: E402
    SUPPORTED, KernelError, conv_output_shape, evaluate, pool_output_shape, resolve_pads)

OPSET = 21
RNG = np.random.default_rng(0)


def randn(*shape: int, dtype: Any = np.float32) -> np.ndarray:
    return RNG.standard_normal(shape).astype(dtype)


def i64(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def run_ort(op_type: str, inputs: Sequence[np.ndarray | None], attrs: Mapping[str, Any],
            n_outputs: int = 1, opset: int = OPSET) -> list[np.ndarray]:
    """Build a one-node model (all inputs are graph inputs) and run it in ORT."""
    names, infos, feeds = [], [], {}
    for i, a in enumerate(inputs):
        if a is None:
            names.append("")
            continue
        name = f"in{i}"
        names.append(name)
        infos.append(helper.make_tensor_value_info(
            name, helper.np_dtype_to_tensor_dtype(a.dtype), a.shape))
        feeds[name] = a
    onnx_attrs = {k: numpy_helper.from_array(v) if isinstance(v, np.ndarray) else v
                  for k, v in attrs.items()}
    outs = [f"out{i}" for i in range(n_outputs)]
    node = helper.make_node(op_type, names, outs, **onnx_attrs)
    graph = helper.make_graph([node], "g", infos,
                              [helper.make_empty_tensor_value_info(o) for o in outs])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    so.log_severity_level = 3
    sess = ort.InferenceSession(model.SerializeToString(), so,
                                providers=["CPUExecutionProvider"])
    return sess.run(None, feeds)


def assert_same(got: np.ndarray, want: np.ndarray, rtol: float) -> None:
    """dtype and shape exact; ints exact; floats within rtol.

    The absolute floor scales with the output magnitude: near-zero results of
    long float32 reductions differ by summation order, where a purely
    relative bound is meaningless.
    """
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape, (got.shape, want.shape)
    if want.dtype.kind in "fc":
        scale = float(np.max(np.abs(want), initial=1.0, where=np.isfinite(want)))
        np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * scale)
    else:
        np.testing.assert_array_equal(got, want)


def check(op_type: str, inputs: Sequence[np.ndarray | None], attrs: Mapping[str, Any] = {},
          n_outputs: int = 1, rtol: float = 1e-5, opset: int = OPSET) -> list[np.ndarray]:
    want = run_ort(op_type, inputs, attrs, n_outputs, opset)
    got = evaluate(op_type, list(inputs), attrs)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert_same(g, w, rtol)
    return got


# ---------------------------------------------------------------- Conv

CONV_CASES = [
    ("basic", (1, 3, 7, 7), (4, 3, 3, 3), {}),
    ("pads_asym", (1, 2, 6, 5), (3, 2, 3, 2), {"pads": [1, 0, 2, 1]}),
    ("stride_dilation", (2, 3, 9, 8), (4, 3, 3, 2), {"strides": [2, 3], "dilations": [2, 1],
                                                     "pads": [1, 2, 0, 1]}),
    ("groups", (1, 6, 5, 5), (4, 3, 3, 3), {"group": 2, "pads": [1, 1, 1, 1]}),
    ("depthwise", (1, 4, 7, 6), (8, 1, 3, 3), {"group": 4, "strides": [2, 2]}),
    ("same_upper", (1, 2, 7, 6), (3, 2, 4, 3), {"auto_pad": "SAME_UPPER", "strides": [2, 2]}),
    ("same_lower", (1, 2, 7, 6), (3, 2, 4, 2), {"auto_pad": "SAME_LOWER", "strides": [1, 2]}),
    ("valid", (1, 2, 7, 6), (3, 2, 3, 3), {"auto_pad": "VALID", "strides": [2, 1]}),
    ("same_k_lt_s", (1, 2, 7, 7), (3, 2, 1, 1), {"auto_pad": "SAME_UPPER", "strides": [3, 3]}),
    ("1d", (2, 3, 11), (5, 3, 3), {"strides": [2], "dilations": [2], "pads": [2, 1]}),
    ("1d_groups", (1, 4, 9), (4, 2, 2), {"group": 2, "kernel_shape": [2]}),
    ("3d", (1, 2, 4, 5, 3), (2, 2, 2, 3, 2), {"pads": [1, 0, 1, 0, 1, 1]}),
]


@pytest.mark.parametrize("name,xs,ws,attrs", CONV_CASES, ids=[c[0] for c in CONV_CASES])
@pytest.mark.parametrize("bias", [False, True])
def test_conv(name: str, xs: tuple[int, ...], ws: tuple[int, ...], attrs: dict[str, Any],
              bias: bool) -> None:
    inputs = [randn(*xs), randn(*ws)] + ([randn(ws[0])] if bias else [])
    check("Conv", inputs, attrs)


@st.composite
def conv_case(draw: st.DrawFn) -> tuple[list[np.ndarray], dict[str, Any]]:
    nsp = draw(st.integers(1, 2))
    g = draw(st.integers(1, 3))
    cg, mg = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    kernel = draw(st.lists(st.integers(1, 3), min_size=nsp, max_size=nsp))
    strides = draw(st.lists(st.integers(1, 3), min_size=nsp, max_size=nsp))
    auto_pad = draw(st.sampled_from(["NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"]))
    dil_max = 2 if auto_pad in ("NOTSET", "VALID") else 1  # ORT rejects SAME + dilation
    dilations = draw(st.lists(st.integers(1, dil_max), min_size=nsp, max_size=nsp))
    pads = draw(st.lists(st.integers(0, 2), min_size=2 * nsp, max_size=2 * nsp))
    spatial = draw(st.lists(st.integers(1, 8), min_size=nsp, max_size=nsp))
    eff = [(k - 1) * d + 1 for k, d in zip(kernel, dilations)]
    lo = pads if auto_pad == "NOTSET" else [0] * (2 * nsp)
    if auto_pad != "SAME_UPPER" and auto_pad != "SAME_LOWER":
        assume(all(i + lo[a] + lo[a + nsp] >= e for a, (i, e) in enumerate(zip(spatial, eff))))
    n = draw(st.integers(1, 2))
    attrs: dict[str, Any] = {"group": g, "strides": strides, "dilations": dilations,
                             "auto_pad": auto_pad}
    if auto_pad == "NOTSET":
        attrs["pads"] = pads
    inputs = [randn(n, g * cg, *spatial), randn(g * mg, cg, *kernel)]
    if draw(st.booleans()):
        inputs.append(randn(g * mg))
    return inputs, attrs


@settings(max_examples=100, deadline=None)
@given(conv_case())
def test_conv_property(case: tuple[list[np.ndarray], dict[str, Any]]) -> None:
    inputs, attrs = case
    y = check("Conv", inputs, attrs)[0]
    ap = attrs["auto_pad"]
    expect = conv_output_shape(inputs[0].shape[2:], inputs[1].shape[2:], attrs["strides"],
                               attrs["dilations"], attrs.get("pads"), ap)
    assert list(y.shape[2:]) == expect


# ---------------------------------------------------------------- pooling

POOL_CASES = [
    ("basic", (1, 2, 6, 6), {"kernel_shape": [2, 2], "strides": [2, 2]}),
    ("odd_ceil", (1, 2, 7, 5), {"kernel_shape": [3, 2], "strides": [2, 2], "ceil_mode": 1}),
    ("pads_asym", (2, 3, 5, 6), {"kernel_shape": [3, 3], "pads": [0, 1, 2, 1]}),
    ("ceil_pads", (1, 1, 5, 5), {"kernel_shape": [2, 2], "strides": [2, 2], "pads": [1, 1, 1, 1],
                                 "ceil_mode": 1}),
    ("dil_stride", (1, 2, 9, 8), {"kernel_shape": [2, 3], "strides": [2, 1],
                                  "dilations": [2, 2], "pads": [1, 0, 1, 2]}),
    ("dil_ceil", (1, 2, 8, 7), {"kernel_shape": [2, 2], "strides": [3, 2], "dilations": [2, 3],
                                "ceil_mode": 1, "pads": [1, 1, 0, 1]}),
    ("same_upper", (1, 2, 7, 6), {"kernel_shape": [3, 2], "strides": [2, 2],
                                  "auto_pad": "SAME_UPPER"}),
    ("same_lower", (1, 2, 7, 6), {"kernel_shape": [4, 3], "auto_pad": "SAME_LOWER"}),
    ("valid_ceil", (1, 2, 7, 6), {"kernel_shape": [2, 2], "strides": [2, 2], "auto_pad": "VALID",
                                  "ceil_mode": 1}),
    ("1d", (2, 3, 10), {"kernel_shape": [3], "strides": [2], "pads": [1, 2], "ceil_mode": 1}),
]


@pytest.mark.parametrize("name,xs,attrs", POOL_CASES, ids=[c[0] for c in POOL_CASES])
def test_max_pool(name: str, xs: tuple[int, ...], attrs: dict[str, Any]) -> None:
    check("MaxPool", [randn(*xs)], attrs)


@pytest.mark.parametrize("name,xs,attrs", POOL_CASES, ids=[c[0] for c in POOL_CASES])
@pytest.mark.parametrize("cip", [0, 1])
def test_average_pool(name: str, xs: tuple[int, ...], attrs: dict[str, Any], cip: int) -> None:
    check("AveragePool", [randn(*xs)], {**attrs, "count_include_pad": cip})


@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
def test_max_pool_int(dtype: Any) -> None:
    x = RNG.integers(0, 100, (1, 2, 5, 5)).astype(dtype)
    check("MaxPool", [x], {"kernel_shape": [2, 2], "pads": [1, 1, 0, 1], "ceil_mode": 1,
                           "strides": [2, 2]})


@st.composite
def pool_case(draw: st.DrawFn) -> tuple[str, np.ndarray, dict[str, Any]]:
    op = draw(st.sampled_from(["MaxPool", "AveragePool"]))
    nsp = draw(st.integers(1, 2))
    kernel = draw(st.lists(st.integers(1, 3), min_size=nsp, max_size=nsp))
    strides = draw(st.lists(st.integers(1, 3), min_size=nsp, max_size=nsp))
    auto_pad = draw(st.sampled_from(["NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"]))
    dil_max = 2 if auto_pad in ("NOTSET", "VALID") else 1  # ORT mis-sizes SAME + dilation
    dilations = draw(st.lists(st.integers(1, dil_max), min_size=nsp, max_size=nsp))
    # ORT requires each pad to be smaller than the kernel.
    pads = [draw(st.integers(0, k - 1)) for k in kernel * 2]
    spatial = draw(st.lists(st.integers(1, 8), min_size=nsp, max_size=nsp))
    eff = [(k - 1) * d + 1 for k, d in zip(kernel, dilations)]
    lo = pads if auto_pad == "NOTSET" else [0] * (2 * nsp)
    if auto_pad in ("NOTSET", "VALID"):
        assume(all(i + lo[a] + lo[a + nsp] >= e for a, (i, e) in enumerate(zip(spatial, eff))))
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        # ORT rejects a negative SAME pad (kernel < stride) for pooling.
        assume(all((-(-i // s) - 1) * s + k - i >= 0 for i, s, k in
                   zip(spatial, strides, kernel)))
    attrs: dict[str, Any] = {"kernel_shape": kernel, "strides": strides,
                             "dilations": dilations, "auto_pad": auto_pad,
                             "ceil_mode": draw(st.integers(0, 1))}
    if auto_pad == "NOTSET":
        attrs["pads"] = pads
    if op == "AveragePool":
        attrs["count_include_pad"] = draw(st.integers(0, 1))
    x = randn(draw(st.integers(1, 2)), draw(st.integers(1, 3)), *spatial)
    return op, x, attrs


@settings(max_examples=150, deadline=None)
@given(pool_case())
def test_pool_property(case: tuple[str, np.ndarray, dict[str, Any]]) -> None:
    op, x, attrs = case
    y = check(op, [x], attrs)[0]
    expect = pool_output_shape(x.shape[2:], attrs["kernel_shape"], attrs["strides"],
                               attrs["dilations"], attrs.get("pads"), attrs["auto_pad"],
                               bool(attrs["ceil_mode"]))
    assert list(y.shape[2:]) == expect


def test_global_average_pool() -> None:
    check("GlobalAveragePool", [randn(2, 3, 5, 7)])
    check("GlobalAveragePool", [randn(1, 4, 9)])


# ---------------------------------------------------------------- shape helpers

def test_resolve_pads() -> None:
    assert resolve_pads("SAME_UPPER", [7], [4], [2], [1], None) == [1, 2]
    assert resolve_pads("SAME_LOWER", [7], [4], [2], [1], None) == [2, 1]
    assert resolve_pads("SAME_UPPER", [7], [1], [3], [1], None) == [0, 0]  # clamped
    assert resolve_pads("VALID", [5, 5], [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]) == [0] * 4
    assert resolve_pads("NOTSET", [5, 5], [3, 3], [1, 1], [1, 1], None) == [0] * 4
    assert conv_output_shape([56, 56], [3, 3], [2, 2], pads=[1, 1, 1, 1]) == [28, 28]
    assert pool_output_shape([5], [2], [2], pads=[1, 1], ceil_mode=True) == [3]
    assert pool_output_shape([112, 112], [3, 3], [2, 2], pads=[1, 1, 1, 1]) == [56, 56]


# ---------------------------------------------------------------- matrix products

@pytest.mark.parametrize("ta,tb", [(0, 0), (1, 0), (0, 1), (1, 1)])
@pytest.mark.parametrize("c_shape", [None, (), (5,), (1, 5), (3, 1), (3, 5)])
def test_gemm(ta: int, tb: int, c_shape: tuple[int, ...] | None) -> None:
    a = randn(4, 3) if ta else randn(3, 4)
    b = randn(5, 4) if tb else randn(4, 5)
    inputs = [a, b] + ([] if c_shape is None else [randn(*c_shape)])
    check("Gemm", inputs, {"transA": ta, "transB": tb, "alpha": 0.5, "beta": 2.0})
    check("Gemm", inputs, {"transA": ta, "transB": tb})


@pytest.mark.parametrize("sa,sb", [((3, 4), (4, 5)), ((4,), (4, 5)), ((3, 4), (4,)),
                                   ((4,), (4,)), ((2, 1, 3, 4), (5, 4, 2)),
                                   ((2, 3, 4), (4, 6))])
def test_matmul(sa: tuple[int, ...], sb: tuple[int, ...]) -> None:
    check("MatMul", [randn(*sa), randn(*sb)])


def test_matmul_int() -> None:
    a = RNG.integers(-50, 50, (3, 4)).astype(np.int32)
    b = RNG.integers(-50, 50, (4, 2)).astype(np.int32)
    check("MatMul", [a, b])


# ---------------------------------------------------------------- element-wise

@pytest.mark.parametrize("op", ["Relu", "Sigmoid", "Tanh", "Identity"])
def test_unary(op: str) -> None:
    x = randn(3, 4, 5) * 4
    x[0, 0, :3] = [0.0, -100.0, 100.0]
    check(op, [x])


def test_sqrt() -> None:
    check("Sqrt", [np.abs(randn(4, 5)) * 10])


def test_relu_int() -> None:
    check("Relu", [RNG.integers(-5, 5, (7,)).astype(np.int32)])


def test_erf_gelu() -> None:
    x = np.concatenate([randn(1000) * 3, np.array([0, 1, -1, 5.9, 6, -7, 30], np.float32)])
    check("Erf", [x], rtol=1e-6)
    check("Gelu", [x], rtol=1e-5)
    check("Gelu", [x], {"approximate": "tanh"}, rtol=1e-5)


def test_erf_float64_accuracy() -> None:
    x = np.linspace(-7, 7, 20001)
    want = np.array([math.erf(v) for v in x])
    assert np.max(np.abs(evaluate("Erf", [x], {})[0] - want)) < 1e-13


@pytest.mark.parametrize("op", ["Add", "Sub", "Mul", "Div"])
@pytest.mark.parametrize("sa,sb", [((3, 4), (3, 4)), ((2, 3, 4), (4,)), ((3, 1), (1, 4)),
                                   ((), (2, 2))])
def test_binary(op: str, sa: tuple[int, ...], sb: tuple[int, ...]) -> None:
    b = randn(*sb)
    if op == "Div":
        b = b + np.sign(b) * 0.5
    check(op, [randn(*sa), b])


@pytest.mark.parametrize("op", ["Add", "Sub", "Mul", "Div"])
@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_binary_int(op: str, dtype: Any) -> None:
    a = RNG.integers(-20, 20, (4, 5)).astype(dtype)
    b = RNG.integers(1, 7, (5,)).astype(dtype) * np.array([1, -1, 1, -1, 1], dtype)
    check(op, [a, b])


def test_div_int_truncates() -> None:
    got = evaluate("Div", [np.array([7, -7, 7, -7], np.int64), np.array([2, 2, -2, -2],
                                                                         np.int64)], {})[0]
    np.testing.assert_array_equal(got, [3, -3, -3, 3])


def test_sum() -> None:
    check("Sum", [randn(3, 4)])
    check("Sum", [randn(3, 4), randn(4), randn(3, 1)])


@pytest.mark.parametrize("sa,sb", [((3, 4), ()), ((3, 4), (4,)), ((2, 3), (2, 3))])
def test_pow(sa: tuple[int, ...], sb: tuple[int, ...]) -> None:
    check("Pow", [np.abs(randn(*sa)) + 0.1, randn(*sb)])
    check("Pow", [randn(*sa), np.full(sb, 2.0, np.float32)])


def test_pow_mixed_types() -> None:
    check("Pow", [randn(3, 4), np.array(3, np.int64)])
    check("Pow", [RNG.integers(-4, 5, (6,)).astype(np.int64), np.array(3, np.int64)])
    check("Pow", [RNG.integers(1, 5, (6,)).astype(np.int32), np.array(0.5, np.float32)])


@pytest.mark.parametrize("lo,hi", [(-0.5, 0.5), (None, 0.2), (-0.1, None), (None, None),
                                   (1.0, -1.0)])
def test_clip(lo: float | None, hi: float | None) -> None:
    f = np.float32
    check("Clip", [randn(4, 5), None if lo is None else np.array(lo, f),
                   None if hi is None else np.array(hi, f)])


def test_clip_int() -> None:
    check("Clip", [RNG.integers(-10, 10, (9,)).astype(np.int64), np.array(-3, np.int64),
                   np.array(4, np.int64)])


# ---------------------------------------------------------------- normalisation

def test_batch_norm() -> None:
    c = 4
    check("BatchNormalization", [randn(2, c, 3, 5), randn(c), randn(c), randn(c),
                                 np.abs(randn(c)) + 0.1])
    check("BatchNormalization", [randn(3, c), randn(c), randn(c), randn(c),
                                 np.abs(randn(c)) + 0.1], {"epsilon": 1e-3})


@pytest.mark.parametrize("axis", [-1, -2, 1, 0])
def test_layer_norm(axis: int) -> None:
    x = randn(2, 3, 4)
    shape = x.shape[axis:]
    check("LayerNormalization", [x, randn(*shape), randn(*shape)], {"axis": axis}, rtol=1e-4)
    check("LayerNormalization", [x, randn(*shape)], {"axis": axis, "epsilon": 1e-2}, rtol=1e-4)


def test_layer_norm_without_scale() -> None:
    x = randn(2, 5)
    want = evaluate("LayerNormalization", [x, np.ones(5, np.float32)], {})[0]
    np.testing.assert_allclose(evaluate("LayerNormalization", [x], {})[0], want)


@pytest.mark.parametrize("axis", [-1, 0, 1, 2])
def test_softmax(axis: int) -> None:
    check("Softmax", [randn(2, 3, 5) * 5], {"axis": axis}, rtol=1e-4)


def test_softmax_default_axis() -> None:
    check("Softmax", [randn(3, 7)], rtol=1e-4)


@pytest.mark.parametrize("size", [1, 3, 5])
def test_lrn(size: int) -> None:
    check("LRN", [randn(2, 6, 4, 3)], {"size": size, "alpha": 0.01, "beta": 0.6, "bias": 1.5},
          rtol=1e-4)
    check("LRN", [randn(1, 7, 5, 5)], {"size": size}, rtol=1e-4)


@pytest.mark.parametrize("size", [2, 4])
def test_lrn_even_size_follows_spec(size: int) -> None:
    """ORT rejects even sizes (and onnx.reference's LRN loops over the batch
    axis), so check the spec's window [c - floor((s-1)/2), c + ceil((s-1)/2)]."""
    x = randn(2, 6, 3, 2).astype(np.float64)
    lo, hi = (size - 1) // 2, math.ceil((size - 1) / 2)
    sq = np.stack([np.sum(x[:, max(0, c - lo):c + hi + 1] ** 2, axis=1)
                   for c in range(x.shape[1])], axis=1)
    want = x / (2.0 + 0.3 / size * sq) ** 0.7
    got = evaluate("LRN", [x], {"size": size, "alpha": 0.3, "beta": 0.7, "bias": 2.0})[0]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_dropout() -> None:
    x = randn(3, 4)
    check("Dropout", [x])
    check("Dropout", [x, np.array(0.3, np.float32)])
    check("Dropout", [x, np.array(0.3, np.float32), np.array(False)])


# ---------------------------------------------------------------- shapes and data movement

@pytest.mark.parametrize("axis", [0, 1, 2, 3, -1, -3])
def test_flatten(axis: int) -> None:
    check("Flatten", [randn(2, 3, 4)], {"axis": axis})


@pytest.mark.parametrize("xs,shape,allowzero", [
    ((2, 3, 4), (4, 6), 0), ((2, 3, 4), (-1,), 0), ((2, 3, 4), (0, -1), 0),
    ((2, 3, 4), (2, 0, 2, 2), 0), ((2, 3, 4), (3, -1, 2), 0), ((3, 0, 8), (4, 0), 1),
    ((2, 3, 4), (2, 3, 4), 1)])
def test_reshape(xs: tuple[int, ...], shape: tuple[int, ...], allowzero: int) -> None:
    check("Reshape", [randn(*xs), i64(*shape)], {"allowzero": allowzero})


@pytest.mark.parametrize("perm", [None, [0, 2, 1, 3], [3, 1, 0, 2]])
def test_transpose(perm: list[int] | None) -> None:
    check("Transpose", [randn(2, 3, 4, 5)], {} if perm is None else {"perm": perm})


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concat(axis: int) -> None:
    shapes = [[2, 3, 4], [2, 3, 4], [2, 3, 4]]
    for i, s in enumerate(shapes):
        s[axis] += i
    check("Concat", [randn(*s) for s in shapes], {"axis": axis})


def test_constant() -> None:
    value = randn(2, 3)
    check("Constant", [], {"value": value})
    check("Constant", [], {"value_float": 1.5})
    check("Constant", [], {"value_floats": [1.5, -2.0]})
    check("Constant", [], {"value_int": 7})
    check("Constant", [], {"value_ints": [1, 2, 3]})


def test_constant_of_shape() -> None:
    check("ConstantOfShape", [i64(2, 3)])
    check("ConstantOfShape", [i64(2, 3)], {"value": np.array([7], np.int32)})
    check("ConstantOfShape", [i64(4)], {"value": np.array([0.5], np.float32)})
    check("ConstantOfShape", [i64(0, 3)], {"value": np.array([1], np.int64)})


@pytest.mark.parametrize("axes", [(0,), (-1,), (1, 3), (-1, 0)])
def test_unsqueeze(axes: tuple[int, ...]) -> None:
    check("Unsqueeze", [randn(3, 4), i64(*axes)])


@pytest.mark.parametrize("axes", [None, (1,), (-1,), (1, -1)])
def test_squeeze(axes: tuple[int, ...] | None) -> None:
    check("Squeeze", [randn(3, 1, 4, 1)] + ([] if axes is None else [i64(*axes)]))


@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("idx", [np.array([0, -1, 2], np.int64), np.array(1, np.int64),
                                 np.array([[1, -3], [0, 2]], np.int32)])
def test_gather(axis: int, idx: np.ndarray) -> None:
    check("Gather", [randn(3, 4, 5), idx], {"axis": axis})


@pytest.mark.parametrize("attrs", [{}, {"start": 1}, {"end": -1}, {"start": -2, "end": 10},
                                   {"start": -10, "end": 2}, {"start": 3, "end": 1}])
def test_shape(attrs: dict[str, int]) -> None:
    check("Shape", [randn(2, 3, 4, 5)], attrs)


@pytest.mark.parametrize("axes,keepdims,noop", [(None, 1, 0), ((1,), 1, 0), ((-1, 0), 0, 0),
                                                ((), 1, 1), (None, 0, 0), ((2,), 0, 0)])
def test_reduce_mean(axes: tuple[int, ...] | None, keepdims: int, noop: int) -> None:
    inputs = [randn(2, 3, 4)] + ([] if axes is None else [i64(*axes)])
    check("ReduceMean", inputs, {"keepdims": keepdims, "noop_with_empty_axes": noop})


def test_reduce_mean_int() -> None:
    x = RNG.integers(-50, 50, (3, 4)).astype(np.int32)
    check("ReduceMean", [x, i64(1)])


@pytest.mark.parametrize("mode", ["constant", "reflect", "edge", "wrap"])
@pytest.mark.parametrize("pads,axes", [((1, 2, 0, 1), None), ((0, 1, 2, 0), None),
                                       ((2, 1), (-1,)), ((1, -1, 0, 2), None),
                                       ((-1, 1, 1, -1), None), ((1, 2), (0,))])
def test_pad(mode: str, pads: tuple[int, ...], axes: tuple[int, ...] | None) -> None:
    x = randn(4, 5)
    value = np.array(1.5, np.float32) if mode == "constant" else None
    inputs = [x, i64(*pads), value] + ([] if axes is None else [i64(*axes)])
    check("Pad", inputs, {"mode": mode})


def test_pad_int_default_value() -> None:
    check("Pad", [RNG.integers(0, 9, (2, 3)).astype(np.int32), i64(1, 0, 0, 2)])


@pytest.mark.parametrize("axis,split,num", [(0, (1, 2, 3), None), (1, (2, 2), None),
                                            (-1, None, 3), (0, None, 2), (0, None, 4),
                                            (2, (4, 0, 1), None)])
def test_split(axis: int, split: tuple[int, ...] | None, num: int | None) -> None:
    x = randn(6, 4, 5)
    n_out = len(split) if split is not None else num
    attrs: dict[str, Any] = {"axis": axis}
    if num is not None:
        attrs["num_outputs"] = num
    assert n_out is not None
    check("Split", [x] + ([] if split is None else [i64(*split)]), attrs, n_outputs=n_out)


SLICE_CASES = [
    ((1,), (3,), None, None),
    ((0, 1), (2, -1), (0, 1), None),
    ((-3,), (-1,), (-1,), None),
    ((5,), (-100,), (1,), (-1,)),
    ((-1, 10), (-100, 0), (0, 2), (-2, -1)),
    ((0,), (2**62,), (2,), (2,)),
    ((2,), (2,), (0,), (1,)),
    ((-1,), (0,), (1,), (-1,)),
    ((10,), (-10,), (1,), (-3,)),
    ((1, 0), (3, 5), None, (1, 2)),
]


@pytest.mark.parametrize("starts,ends,axes,steps", SLICE_CASES)
def test_slice(starts: tuple[int, ...], ends: tuple[int, ...], axes: tuple[int, ...] | None,
               steps: tuple[int, ...] | None) -> None:
    x = randn(4, 5, 6)
    inputs: list[np.ndarray | None] = [x, i64(*starts), i64(*ends),
                                       None if axes is None else i64(*axes),
                                       None if steps is None else i64(*steps)]
    while inputs[-1] is None:
        inputs.pop()
    check("Slice", inputs)


@pytest.mark.parametrize("src,to", [(np.float32, TensorProto.INT32), (np.float32, TensorProto.INT64),
                                    (np.float32, TensorProto.FLOAT16), (np.float32, TensorProto.DOUBLE),
                                    (np.int64, TensorProto.FLOAT), (np.float32, TensorProto.BOOL),
                                    (np.int32, TensorProto.INT8), (np.bool_, TensorProto.FLOAT),
                                    (np.float32, TensorProto.UINT8)])
def test_cast(src: Any, to: int) -> None:
    x = (randn(3, 4) * 50).astype(src) if src != np.bool_ else RNG.random((3, 4)) > 0.5
    if to == TensorProto.UINT8:
        x = np.abs(x)
    if src == np.int32:
        x = RNG.integers(-100, 100, (3, 4)).astype(np.int32)
    check("Cast", [x], {"to": to})


# ---------------------------------------------------------------- errors and registry

def test_supported_covers_every_operator() -> None:
    expected = {
        "Conv", "Gemm", "MatMul", "Relu", "Clip", "Sigmoid", "Tanh", "Add", "Sub", "Mul", "Div",
        "Sum", "BatchNormalization", "MaxPool", "AveragePool", "GlobalAveragePool", "Flatten",
        "Reshape", "Transpose", "Concat", "Softmax", "LRN", "Dropout", "Identity", "Constant",
        "ConstantOfShape", "Unsqueeze", "Squeeze", "Gather", "Shape", "LayerNormalization",
        "Erf", "Gelu", "Pow", "Sqrt", "ReduceMean", "Pad", "Split", "Slice", "Cast"}
    assert SUPPORTED == expected


BAD_CASES: list[tuple[str, list[Any], dict[str, Any], str]] = [
    ("Conv", [randn(1, 4, 5, 5), randn(3, 2, 3, 3)], {"group": 2}, "group"),
    ("Conv", [randn(1, 2, 5, 5), randn(3, 2, 3, 3)], {"auto_pad": "SAME"}, "auto_pad"),
    ("Conv", [randn(1, 2, 5, 5), randn(3, 2, 3, 3)], {"strides": [1]}, "strides"),
    ("Conv", [randn(1, 2, 5, 5), randn(3, 2, 3, 3)], {"pads": [1, 1, -1, 1]}, "pads"),
    ("Conv", [randn(1, 2, 2, 2), randn(3, 2, 3, 3)], {}, "kernel"),
    ("Conv", [randn(1, 2, 5, 5), randn(3, 2, 3, 3)], {"kernel_shape": [2, 2]}, "kernel_shape"),
    ("Conv", [randn(1, 2, 5, 5), randn(3, 2, 3, 3)], {"stride": [1, 1]}, "unknown attribute"),
    ("MaxPool", [randn(1, 2, 5, 5)], {}, "kernel_shape"),
    ("MaxPool", [randn(1, 2, 5, 5)], {"kernel_shape": [2, 2], "strides": [0, 1]}, "positive"),
    ("AveragePool", [randn(1, 2, 5, 5)], {"kernel_shape": [2]}, "kernel_shape"),
    ("Gemm", [randn(3, 4), randn(3, 5)], {}, "inner"),
    ("Add", [randn(3), randn(4)], {}, "broadcast"),
    ("Add", [randn(3), np.ones(3, np.int32)], {}, "dtype"),
    ("Div", [np.ones(3, np.int32), np.zeros(3, np.int32)], {}, "division by zero"),
    ("Reshape", [randn(2, 3), i64(4, -1)], {}, "infer"),
    ("Reshape", [randn(2, 3), i64(-1, -1)], {}, "shape"),
    ("Transpose", [randn(2, 3)], {"perm": [0, 0]}, "perm"),
    ("Softmax", [randn(2, 3)], {"axis": 2}, "axis"),
    ("Squeeze", [randn(2, 3), i64(0)], {}, "squeeze"),
    ("Unsqueeze", [randn(2, 3), i64(1, 1)], {}, "duplicate"),
    ("Gather", [randn(2, 3), i64(3)], {"axis": 1}, "out of range"),
    ("Slice", [randn(4), i64(0), i64(2), i64(0), i64(0)], {}, "non-zero"),
    ("Split", [randn(4)], {}, "num_outputs"),
    ("Split", [randn(4), i64(1, 2)], {}, "sum"),
    ("Pad", [randn(4), i64(1, 1)], {"mode": "mirror"}, "mode"),
    ("Cast", [randn(4)], {"to": 8}, "unsupported"),
    ("Cast", [randn(4)], {}, "to"),
    ("Gelu", [randn(4)], {"approximate": "fast"}, "approximate"),
    ("BatchNormalization", [randn(2, 3), randn(3), randn(3), randn(3), randn(2)], {}, "var"),
    ("BatchNormalization", [randn(2, 3)] + [randn(3)] * 4, {"training_mode": 1}, "training"),
    ("Constant", [], {}, "exactly one"),
    ("Concat", [randn(2)], {}, "axis"),
    ("LRN", [randn(1, 3, 2, 2)], {"size": 0}, "size"),
    ("Relu", [], {}, "missing required input"),
    ("Relu", [randn(2), randn(2)], {}, "at most"),
    ("Frobnicate", [randn(2)], {}, "unsupported operator"),
]


@pytest.mark.parametrize("op,inputs,attrs,fragment", BAD_CASES,
                         ids=[f"{c[0]}-{c[3]}" for c in BAD_CASES])
def test_bad_inputs_raise_kernel_error(op: str, inputs: list[Any], attrs: dict[str, Any],
                                       fragment: str) -> None:
    with pytest.raises(KernelError) as info:
        evaluate(op, inputs, attrs)
    message = str(info.value)
    assert message.startswith(f"{op}: ")
    assert fragment.lower() in message.lower()


def test_kernel_error_is_value_error() -> None:
    assert issubclass(KernelError, ValueError)
