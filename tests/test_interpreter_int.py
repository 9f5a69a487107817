"""Integer numerics: bit-sliced cells, bit-serial DAC steps, ADC saturation."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from cim_mlir.arch import IDEAL, load_arch
from cim_mlir.interpreter import adc_wide_enough, cosine, relative_error, run_flow
from cim_mlir.interpreter.numerics import input_phases, phase_levels
from test_interpreter import REPO, compile_model, onnx_reference

ort = pytest.importorskip("onnxruntime")


def conv_model(path: Path, cin: int, cout: int, size: int, *, k: int = 3, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((cout, cin, k, k)).astype(np.float32)
    b = rng.standard_normal(cout).astype(np.float32)
    pad = k // 2
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, cin, size, size])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, cout, size, size])
    node = helper.make_node("Conv", ["x", "W", "B"], ["y"], kernel_shape=[k, k],
                            pads=[pad] * 4, name="conv")
    graph = helper.make_graph([node], "conv", [x], [y], [numpy_helper.from_array(w, "W"),
                                                         numpy_helper.from_array(b, "B")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
    return path


@pytest.mark.parametrize("dac", [1, 2, 3, 4, 8, IDEAL])
def test_input_steps_reassemble_twos_complement(dac) -> None:
    arch = load_arch("isaac-baseline")
    arch = replace(arch, crossbar=replace(arch.crossbar, dac=dac))
    x = np.arange(-127, 128, dtype=np.int64)
    total = sum(p.weight * phase_levels(x, p, 8) for p in input_phases(arch))
    np.testing.assert_array_equal(total, x)
    for p in input_phases(arch):
        levels = phase_levels(x, p, 8)
        assert levels.min() >= 0 and levels.max() <= p.peak


def test_exactness_condition_of_the_presets() -> None:
    assert adc_wide_enough(load_arch("isaac-baseline"))  # 8 rows x 3 x 1 = 24 < 256
    assert adc_wide_enough(load_arch("jain-jssc21"))  # 32 x 1 x 1 = 32 < 64
    assert adc_wide_enough(load_arch("paper-example"))  # ideal ADC
    assert not adc_wide_enough(load_arch("jia-isscc21"))  # 1152 rows > 255
    assert not adc_wide_enough(load_arch("puma"))  # 128 x 3 > 255


CASES = [("isaac-baseline", "CM", "small_cnn"), ("isaac-baseline", "XBM", "conv_relu"),
         ("isaac-baseline", "WLM", "conv_relu"), ("jain-jssc21", "WLM", "small_cnn"),
         ("paper-example", "XBM", "mlp")]


@pytest.mark.parametrize("arch,mode,model", CASES)
def test_int_equals_integer_reference_when_the_adc_is_wide(arch, mode, model) -> None:
    path = REPO / "examples" / f"{model}.onnx"
    module = compile_model(path, arch, mode)
    x, ref = onnx_reference(path)
    exact = run_flow(module, [x])
    kw = {"ranges": exact.ranges}
    got = run_flow(module, [x], numerics="int", **kw)
    intref = run_flow(module, [x], numerics="int-ref", **kw)
    np.testing.assert_array_equal(got.outputs[0], intref.outputs[0])
    assert got.numerics_stats.saturated == 0
    # every conversion simulated explicitly gives the same integers
    explicit = run_flow(module, [x], numerics="int", bitlevel="always", **kw)
    np.testing.assert_array_equal(explicit.outputs[0], got.outputs[0])
    # and int8 is close to the float model
    assert cosine(got.outputs[0], ref[0]) > 0.999
    assert relative_error(got.outputs[0], ref[0]) < 0.05


def _quantized_conv(x, w, b, sx, scale, qmax=127):
    """An independent int64 reference for a 3x3 pad-1 conv (NCHW, batch 1)."""
    xq = np.clip(np.rint(x / sx), -qmax, qmax).astype(np.int64)[0]
    wq = np.clip(np.rint(w / np.where(scale > 0, scale, 1.0)[:, None, None, None]), -qmax,
                 qmax).astype(np.int64)
    c, h, wd = xq.shape
    xp = np.pad(xq, ((0, 0), (1, 1), (1, 1)))
    y = np.zeros((w.shape[0], h, wd), np.int64)
    for ky in range(3):
        for kx in range(3):
            patch = xp[:, ky:ky + h, kx:kx + wd]  # (c, h, w)
            y += np.einsum("oc,chw->ohw", wq[:, :, ky, kx], patch)
    return y[None].astype(np.float64) * (sx * scale)[None, :, None, None] + b[None, :, None, None]


@pytest.mark.parametrize("weight_scale", ["channel", "tensor"])
def test_int_single_conv_matches_an_int64_reference(tmp_path, weight_scale) -> None:
    path = conv_model(tmp_path / "conv.onnx", 8, 6, 5)
    model = onnx.load(path)
    w = numpy_helper.to_array(model.graph.initializer[0]).astype(np.float64)
    b = numpy_helper.to_array(model.graph.initializer[1]).astype(np.float64)
    module = compile_model(path, "isaac-baseline", "CM")
    x = np.random.default_rng(1).standard_normal((1, 8, 5, 5)).astype(np.float32)
    got = run_flow(module, [x], numerics="int", weight_scale=weight_scale)
    sx = got.ranges["conv"] / 127
    assert sx == pytest.approx(np.abs(x).max() / 127)
    peak = np.abs(w).reshape(6, -1).max(axis=1)
    scale = peak / 127 if weight_scale == "channel" else np.full(6, peak.max() / 127)
    want = _quantized_conv(x.astype(np.float64), w, b, sx, scale)
    np.testing.assert_allclose(got.outputs[0], want, rtol=1e-13, atol=1e-13)


def test_saturation_is_simulated_and_reported(tmp_path) -> None:
    # jia-isscc21 activates 1152 rows of 1-bit cells at once: the 8-bit ADC saturates
    path = conv_model(tmp_path / "wide.onnx", 128, 16, 4)
    module = compile_model(path, "jia-isscc21", "CM")
    x, ref = onnx_reference(path)
    exact = run_flow(module, [x])
    got = run_flow(module, [x], numerics="int", ranges=exact.ranges)
    intref = run_flow(module, [x], numerics="int-ref", ranges=exact.ranges)
    stats = got.numerics_stats
    assert stats.saturated > 0 and stats.saturated_layers
    assert not np.array_equal(got.outputs[0], intref.outputs[0])
    assert cosine(intref.outputs[0], ref[0]) > 0.999
    assert cosine(got.outputs[0], ref[0]) < 0.99
    explicit = run_flow(module, [x], numerics="int", ranges=exact.ranges, bitlevel="always")
    np.testing.assert_array_equal(explicit.outputs[0], got.outputs[0])
    assert explicit.numerics_stats.saturated == stats.saturated


def test_a_wider_adc_removes_the_saturation(tmp_path) -> None:
    path = conv_model(tmp_path / "wide.onnx", 128, 16, 4)
    arch = load_arch("jia-isscc21")
    wide = replace(arch, crossbar=replace(arch.crossbar, adc=11))  # 1152 < 2048
    assert adc_wide_enough(wide)
    from cim_mlir.dialects.cim import set_arch

    module = compile_model(path, "jia-isscc21", "CM")
    set_arch(module, wide)
    x, _ = onnx_reference(path)
    got = run_flow(module, [x], numerics="int")
    intref = run_flow(module, [x], numerics="int-ref", ranges=got.ranges)
    np.testing.assert_array_equal(got.outputs[0], intref.outputs[0])
    assert got.numerics_stats.saturated == 0
