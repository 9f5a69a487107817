"""The lowering's silent assumptions: every rank, broadcast and attribute case of the
CIM operators either lowers exactly (matches onnxruntime in every mode) or stays a
digital op, never a wrong flow.

A MatMul of a rank-4 activation by a 2-D constant (Swin-T's patch merging) once
compiled to a flow with relative error 0.9: 4-D tensors are stored channels-last,
so the K-vector the crossbar reads was not contiguous.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from graphs import Graph

from cim_mlir import remarks
from cim_mlir.arch import ComputingMode
from cim_mlir.arch.loader import arch_from_dict
from cim_mlir.context import make_context
from cim_mlir.dialects.cim import set_arch
from cim_mlir.dialects.core import CimCoreOp
from cim_mlir.dialects.mop import FlowOp
from cim_mlir.frontend.onnx_importer import import_onnx
from cim_mlir.interpreter import relative_error, run_flow
from cim_mlir.passes.cim_mlc import CimMlcPass

MODES = ["CM", "XBM", "WLM"]


def _arch(mode: str):
    return arch_from_dict({
        "name": "audit", "computing_mode": "WLM",
        "chip": {"core_number": [2, 2]}, "core": {"xb_number": [2, 2]},
        "crossbar": {"xb_size": [32, 32], "parallel_row": 8, "precision": 2},
    }).with_mode(ComputingMode[mode])


def matmul(shape_a: list[int], shape_b: list[int], bias: bool = False) -> Callable:
    def build(g: Graph) -> str:
        y = g.node("MatMul", [g.input("x", shape_a), g.weight(shape_b)])
        return g.node("Add", [y, g.weight([shape_b[-1]])]) if bias else y
    build.__name__ = f"matmul_{'x'.join(map(str, shape_a))}_by_{'x'.join(map(str, shape_b))}" \
        + ("_bias" if bias else "")
    return build


def gemm(trans_a: int = 0, trans_b: int = 0, alpha: float = 1.0, beta: float = 1.0,
         c: list[int] | None = None) -> Callable:
    def build(g: Graph) -> str:
        m, k, n = 3, 20, 6
        a = g.input("x", [k, m] if trans_a else [m, k])
        inputs = [a, g.weight([n, k] if trans_b else [k, n])]
        if c is not None:
            inputs.append(g.weight(c))
        return g.node("Gemm", inputs, transA=trans_a, transB=trans_b, alpha=alpha, beta=beta)
    build.__name__ = f"gemm_tA{trans_a}_tB{trans_b}_a{alpha}_b{beta}_c{c}"
    return build


def conv(shape: list[int], cout: int, kernel: list[int], strides: list[int] | None = None,
         pads: list[int] | None = None, dilations: list[int] | None = None,
         group: int = 1) -> Callable:
    def build(g: Graph) -> str:
        cin = shape[1]
        w = g.weight([cout, cin // group, *kernel])
        return g.node("Conv", [g.input("x", shape), w, g.weight([cout])],
                      kernel_shape=kernel, strides=strides or [1] * len(kernel),
                      pads=pads or [0] * (2 * len(kernel)),
                      dilations=dilations or [1] * len(kernel), group=group)
    build.__name__ = (f"conv_{'x'.join(map(str, shape))}_k{'x'.join(map(str, kernel))}_s{strides}"
                      f"_p{pads}_d{dilations}_g{group}")
    return build


CASES = [
    matmul([5, 16], [16, 6]), matmul([1, 4, 4, 8], [8, 4]), matmul([1, 4, 4, 8], [8, 4], True),
    matmul([2, 3, 4, 8], [8, 5]), matmul([1, 2, 2, 3, 8], [8, 4]), matmul([2, 5, 16], [16, 6]),
    matmul([16], [16, 6]), matmul([2, 5, 16], [2, 16, 6]),
    gemm(), gemm(trans_b=1), gemm(trans_a=1), gemm(alpha=0.5, beta=2.0, c=[6]),
    gemm(beta=0.5, c=[3, 6]), gemm(c=[1, 6]), gemm(c=[1]), gemm(trans_a=1, trans_b=1, c=[6]),
    conv([1, 3, 9, 7], 4, [3, 3]), conv([1, 3, 9, 7], 4, [3, 1], [2, 1], [1, 0, 1, 0]),
    conv([1, 3, 10, 8], 4, [2, 3], [1, 2], [0, 1, 1, 2]),
    conv([1, 3, 11, 9], 4, [3, 3], [1, 1], [2, 2, 2, 2], [2, 2]),
    conv([1, 4, 7, 7], 4, [3, 3], [1, 1], [1, 1, 1, 1], group=4),
    conv([1, 6, 7, 7], 9, [3, 3], [2, 2], [1, 1, 1, 1], group=3),
    conv([1, 3, 12], 4, [3], [1], [1, 1]), conv([1, 2, 5, 5, 5], 3, [3, 3, 3]),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("build", CASES, ids=lambda f: f.__name__)
def test_lowering_matches_onnxruntime(build: Callable, mode: str, tmp_path: Path) -> None:
    g = Graph(seed=7)
    out = build(g)
    path, feeds, ref = g.save_with_reference(out, tmp_path / "model.onnx")
    module = import_onnx(path)
    set_arch(module, _arch(mode))
    remarks.enabled = False
    try:
        CimMlcPass().apply(make_context(), module)
    finally:
        remarks.enabled = True
    assert any(isinstance(op, FlowOp) for op in module.walk())
    (y,) = run_flow(module, feeds).outputs
    assert y.shape == ref.shape
    assert relative_error(y, ref) <= 1e-4


def test_rank4_matmul_runs_on_crossbars() -> None:
    """The fix keeps the rank-4 MatMul a CIM operator (on rows), not a digital op."""
    g = Graph(seed=1)
    out = matmul([1, 28, 28, 16], [16, 8])(g)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = g.save(out, Path(tmp) / "m.onnx")
        module = import_onnx(path)
    set_arch(module, _arch("CM"))
    from cim_mlir.passes.registry import available_passes

    for name in ("onnx-canonicalize", "convert-onnx-to-cim-core"):
        available_passes()[name]()().apply(make_context(), module)
    (op,) = [op for op in module.walk() if isinstance(op, CimCoreOp)]
    assert list(op.input.type.get_shape()) == [1, 28 * 28, 16]
