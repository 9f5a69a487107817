"""Property: random small ONNX graphs on random chips compile and run like onnxruntime.

Graphs mix convolutions (groups, strides, padding), Gemm/MatMul heads, max and
average pooling, residual Adds, channel Concats and ReLUs; chips vary core and
crossbar counts (one core included), crossbar sizes, cell precision,
parallel rows (one included), DAC and ADC.  Every compiled flow must match
onnxruntime in exact numerics, and in int numerics equal the integer
reference whenever the ADC is wide enough.  Parametrised by computing mode.
"""

from __future__ import annotations

import numpy as np
import onnx
import onnx.printer
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from onnx import TensorProto, helper, numpy_helper

from cim_mlir import remarks
from cim_mlir.arch import ArchError, arch_from_dict
from cim_mlir.context import make_context
from cim_mlir.diagnostics import CimError
from cim_mlir.dialects.cim import set_arch
from cim_mlir.frontend.onnx_importer import import_onnx
from cim_mlir.interpreter import adc_wide_enough, relative_error, run_flow
from cim_mlir.passes.cim_mlc import CimMlcPass

ort = pytest.importorskip("onnxruntime")

MODES = ["CM", "XBM", "WLM"]
"""Computing modes under test: every mode has its lowering, so all three."""


class _Graph:
    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self.count = 0

    def name(self, base: str) -> str:
        self.count += 1
        return f"{base}{self.count}"

    def const(self, base: str, array: np.ndarray) -> str:
        n = self.name(base)
        self.inits.append(numpy_helper.from_array(array.astype(np.float32), n))
        return n

    def node(self, op: str, inputs: list[str], **attrs) -> str:
        out = self.name(op.lower())
        self.nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    def conv(self, x: str, cin: int, cout: int, k: int, stride: int, pad: int, groups: int,
             bias: bool) -> str:
        w = self.rng.standard_normal((cout, cin // groups, k, k)) / np.sqrt(k * k * cin / groups)
        inputs = [x, self.const("w", w)]
        if bias:
            inputs.append(self.const("b", 0.1 * self.rng.standard_normal(cout)))
        return self.node("Conv", inputs, kernel_shape=[k, k], strides=[stride, stride],
                         pads=[pad] * 4, group=groups)


def graphs_from(c0: int, h0: int):
    @st.composite
    def build(draw) -> onnx.ModelProto:
        g = _Graph(draw(st.integers(0, 2**16)))
        g.input_shape = [c0, h0, h0]  # type: ignore[attr-defined]
        x, c, h = "x", c0, h0
        for _ in range(draw(st.integers(1, 4))):
            kind = draw(st.sampled_from(["conv", "conv", "relu", "maxpool", "avgpool",
                                         "residual", "concat"]))
            if kind == "conv":
                k = draw(st.sampled_from([1, 3]))
                stride = draw(st.sampled_from([1, 2]))
                pad = draw(st.sampled_from([0, 1])) if k == 3 else 0
                out = (h + 2 * pad - k) // stride + 1
                if out < 1:
                    continue
                groups = draw(st.sampled_from(sorted({d for d in (1, 2, c) if c % d == 0})))
                cout = groups * draw(st.integers(1, 3))
                x = g.conv(x, c, cout, k, stride, pad, groups, draw(st.booleans()))
                c, h = cout, out
            elif kind == "relu":
                x = g.node("Relu", [x])
            elif kind in ("maxpool", "avgpool"):
                k, s, p = draw(st.sampled_from([(2, 2, 0), (3, 1, 1), (2, 1, 0)]))
                out = (h + 2 * p - k) // s + 1
                if out < 1:
                    continue
                op = "MaxPool" if kind == "maxpool" else "AveragePool"
                x = g.node(op, [x], kernel_shape=[k, k], strides=[s, s], pads=[p] * 4)
                h = out
            elif kind == "residual":
                branch = g.node("Relu", [g.conv(x, c, c, 3, 1, 1, 1, True)])
                x = g.node("Add", [x, branch])
            else:
                ca, cb = draw(st.integers(1, 3)), draw(st.integers(1, 3))
                a = g.conv(x, c, ca, 1, 1, 0, 1, False)
                b = g.conv(x, c, cb, 1, 1, 0, 1, True)
                x = g.node("Concat", [a, b], axis=1)
                c = ca + cb
        head = draw(st.sampled_from(["none", "gemm", "matmul"]))
        if head != "none":
            x = g.node("Flatten", [x], axis=1)
            k, n = c * h * h, draw(st.integers(1, 12))
            w = g.rng.standard_normal((k, n)) / np.sqrt(k)
            if head == "gemm":
                trans = draw(st.booleans())
                x = g.node("Gemm", [x, g.const("fc", w.T if trans else w),
                                    g.const("fcb", 0.1 * g.rng.standard_normal(n))],
                           transB=int(trans), alpha=draw(st.sampled_from([1.0, 0.5])))
            else:
                x = g.node("MatMul", [x, g.const("mm", w)])
                x = g.node("Add", [x, g.const("mmb", 0.1 * g.rng.standard_normal(n))])
        if not g.nodes:
            x = g.node("Relu", [x])
        inp = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c0, h0, h0])
        out = helper.make_tensor_value_info(x, TensorProto.FLOAT, None)
        graph = helper.make_graph(g.nodes, "random", [inp], [out], g.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        return onnx.shape_inference.infer_shapes(model)

    return build()


@st.composite
def chips(draw, mode: str) -> dict:
    rows = draw(st.sampled_from([8, 16, 32, 64]))
    precision = draw(st.sampled_from([1, 2, 4]))
    return {
        "name": "random", "computing_mode": mode,
        "chip": {"core_number": [draw(st.integers(1, 3)), draw(st.integers(1, 3))]},
        "core": {"xb_number": [draw(st.integers(1, 2)), draw(st.integers(1, 2))]},
        "crossbar": {
            "xb_size": [rows, draw(st.sampled_from([16, 32, 64, 128]))],
            "parallel_row": draw(st.one_of(st.just(1), st.integers(1, rows))),
            "precision": precision,
            "dac": draw(st.sampled_from([1, 2, 4, "ideal"])),
            "adc": draw(st.sampled_from(["ideal", 4, 6, 8, 10])),
        },
        "data": {"weight_bits": 8, "activation_bits": 8},
    }


@pytest.mark.parametrize("mode", MODES)
@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_random_graphs_on_random_chips(mode: str, data) -> None:
    from hypothesis import reject

    c0 = data.draw(st.sampled_from([1, 2, 3, 4, 6]), "channels")
    h0 = data.draw(st.integers(3, 7), "size")
    model = data.draw(graphs_from(c0, h0), "model")
    raw = data.draw(chips(mode), "chip")
    try:
        arch = arch_from_dict(raw)
    except ArchError:
        reject()
    note(f"arch: {raw}")
    note(onnx.printer.to_text(model.graph))
    module = import_onnx(model)
    set_arch(module, arch)
    remarks.enabled = False
    try:
        CimMlcPass().apply(make_context(), module)
    except CimError as e:  # the model does not fit this chip (e.g. a grouped op too large)
        note(f"does not compile: {e}")
        reject()
    finally:
        remarks.enabled = True
    x = np.random.default_rng(0).standard_normal((1, c0, h0, h0)).astype(np.float32)
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    (ref,) = sess.run(None, {"x": x})
    exact = run_flow(module, [x])
    assert exact.outputs[0].shape == ref.shape
    assert relative_error(exact.outputs[0], ref) <= 1e-4
    if adc_wide_enough(arch):
        got = run_flow(module, [x], numerics="int", ranges=exact.ranges)
        want = run_flow(module, [x], numerics="int-ref", ranges=exact.ranges)
        np.testing.assert_array_equal(got.outputs[0], want.outputs[0])
