"""Tests for tools/model_zoo.py: valid, fully shaped ONNX at every opset,
published parameter counts, onnxruntime numerics, caching, CLI, examples."""

from __future__ import annotations

import functools
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

import model_zoo as zoo

REPO_ROOT = Path(__file__).resolve().parent.parent

# torchvision's parameter counts (BatchNorm running statistics excluded).
PUBLISHED_PARAMS = {
    "resnet18": 11_689_512,
    "resnet34": 21_797_672,
    "resnet50": 25_557_032,
    "resnet101": 44_549_160,
    "vgg16": 138_357_544,
    "vit_b16": 86_567_656,
}
EXAMPLES = ("conv_relu", "small_cnn", "mlp")


@functools.cache
def _model(
    name: str, form: str = "light", opset: int = 17, seed: int = 0, iai: bool = False
) -> onnx.ModelProto:
    """Builds shared within a worker; callers must not mutate the result."""
    return zoo.build(name, form, opset=opset, seed=seed, initializers_as_inputs=iai)


def _assert_valid(model: onnx.ModelProto) -> None:
    """Checker (full) passes and strict inference gives every value a static shape."""
    onnx.checker.check_model(model, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    types = {v.name: v.type for v in [*inferred.graph.value_info, *inferred.graph.output]}
    for node in inferred.graph.node:
        for out in node.output:
            assert out in types, f"{node.name}: no inferred type for {out}"
            shape = types[out].tensor_type.shape
            assert types[out].tensor_type.HasField("shape"), f"{out}: unknown rank"
            assert all(d.HasField("dim_value") for d in shape.dim), f"{out}: dynamic shape {shape}"


def _input(model: onnx.ModelProto, seed: int = 0) -> np.ndarray:
    dims = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    return np.random.default_rng(seed).standard_normal(dims).astype(np.float32)


def _run(
    model: onnx.ModelProto, x: np.ndarray, *, all_values: bool = False
) -> dict[str, np.ndarray]:
    """Run on CPU, one thread (tests run under xdist); ``all_values`` also
    fetches every activation."""
    if all_values:
        copy = onnx.ModelProto()
        copy.CopyFrom(model)
        copy.graph.output.extend(
            helper.make_tensor_value_info(n.output[0], TensorProto.FLOAT, None)
            for n in model.graph.node
            if n.op_type not in ("Constant", "ConstantOfShape") and n.output[0] != "output"
        )
        model = copy
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.log_severity_level = 3  # initializers-as-inputs warns once per initializer
    session = ort.InferenceSession(
        model.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(names, {"input": x}), strict=True))


def _expected_output_shape(model: onnx.ModelProto) -> tuple[int, ...]:
    return tuple(d.dim_value for d in model.graph.output[0].type.tensor_type.shape.dim)


# -- structure --------------------------------------------------------------


@pytest.mark.parametrize("name", zoo.MODELS)
def test_light_opset17_is_valid_and_fully_shaped(name: str) -> None:
    _assert_valid(_model(name))


@pytest.mark.parametrize("name", zoo.MODELS)
def test_names_are_unique_and_readable(name: str) -> None:
    graph = _model(name).graph
    node_names = [n.name for n in graph.node]
    assert all(node_names) and len(set(node_names)) == len(node_names)
    values = [o for n in graph.node for o in n.output]
    assert len(set(values)) == len(values)
    assert [i.name for i in graph.input] == ["input"] and [o.name for o in graph.output] == [
        "output"
    ]


@pytest.mark.parametrize("name", zoo.MODELS)
def test_light_form_has_no_initializers_and_is_small(name: str) -> None:
    model = _model(name)
    assert not model.graph.initializer
    assert len(model.SerializeToString()) < 150_000
    # Every parameter comes from ConstantOfShape(Constant int64 shape).
    constants = {n.output[0]: n for n in model.graph.node if n.op_type == "Constant"}
    for node in model.graph.node:
        if node.op_type == "ConstantOfShape":
            shape = numpy_helper.to_array(constants[node.input[0]].attribute[0].t)
            assert shape.dtype == np.int64 and shape.ndim == 1


def test_model_lists() -> None:
    assert set(zoo.CNN_MODELS) < set(zoo.MODELS)
    assert "vit_b16" not in zoo.CNN_MODELS and "mlp" not in zoo.CNN_MODELS
    assert {"resnet18", "vgg7", "small_cnn", "conv_relu"} <= set(zoo.CNN_MODELS)


@pytest.mark.parametrize("name", PUBLISHED_PARAMS)
def test_parameter_counts_match_published(name: str) -> None:
    model = _model(name)
    assert zoo.count_parameters(model, include_buffers=False) == PUBLISHED_PARAMS[name]
    assert zoo.count_parameters(model) == pytest.approx(PUBLISHED_PARAMS[name], rel=0.005)


@pytest.mark.parametrize("name", ["conv_relu", "mlp", "small_cnn", "vgg7"])
def test_forms_have_the_same_parameters(name: str) -> None:
    light, rand = _model(name), _model(name, "random")
    assert zoo.count_parameters(light) == zoo.count_parameters(rand)
    cos = {n.output[0] for n in light.graph.node if n.op_type == "ConstantOfShape"}
    assert cos == {t.name for t in rand.graph.initializer}


def test_attr_to_input_table_matches_onnx_schemas() -> None:
    for (op, arg), since in zoo._ATTR_BECAME_INPUT.items():
        old = onnx.defs.get_schema(op, since - 1)
        new = onnx.defs.get_schema(op, since)
        assert arg in old.attributes and arg not in [i.name for i in old.inputs], (op, arg)
        assert arg in [i.name for i in new.inputs] and arg not in new.attributes, (op, arg)


def test_opset_out_of_range_and_unknown_names_are_rejected() -> None:
    with pytest.raises(ValueError, match="resnet18"):
        zoo.build("resnet19")
    with pytest.raises(ValueError, match="form"):
        zoo.build("mlp", "heavy")
    with pytest.raises(ValueError, match="opset"):
        zoo.build("mlp", opset=8)


# -- numerics ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["small_cnn", "mlp", "conv_relu", "resnet18", "vgg7", "vit_b16"])
def test_light_form_runs_with_finite_bounded_activations(name: str) -> None:
    """Constant fills make all channels of a layer equal, so classifier scores
    are identical by construction (and LayerNorm returns its bias, making ViT
    input-independent).  What the fills must guarantee is that no activation
    overflows or vanishes; where symmetry allows, the output tracks the input."""
    model = _model(name)
    values = _run(model, _input(model), all_values=True)
    assert values["output"].shape == _expected_output_shape(model)
    for value_name, value in values.items():
        assert np.isfinite(value).all() and np.abs(value).max() < 1e3, value_name
    if name in ("conv_relu", "resnet18", "vgg7"):
        other = _run(model, _input(model, seed=1))["output"]
        assert not np.allclose(other, values["output"])
    if name == "conv_relu":
        assert np.ptp(values["output"]) > 0


@pytest.mark.parametrize("name", ["small_cnn", "mlp", "conv_relu", "vgg7", "resnet18"])
def test_random_form_runs_with_finite_varied_outputs(name: str) -> None:
    model = _model(name, "random")
    out = _run(model, _input(model))["output"]
    assert out.shape == _expected_output_shape(model)
    assert np.isfinite(out).all() and np.ptp(out) > 1e-6
    if name in ("small_cnn", "mlp"):
        assert out.sum() == pytest.approx(1.0, abs=1e-5)  # Softmax


def test_random_form_is_deterministic() -> None:
    a, b = _model("small_cnn", "random"), zoo.build("small_cnn", "random", seed=0)
    assert a.SerializeToString() == b.SerializeToString()
    c = zoo.build("small_cnn", "random", seed=1)
    assert a.graph.initializer[0].raw_data != c.graph.initializer[0].raw_data


def test_random_bn_statistics_are_realistic() -> None:
    inits = {
        t.name: numpy_helper.to_array(t) for t in _model("resnet18", "random").graph.initializer
    }
    gamma, var = inits["layer1.0.bn1.weight"], inits["layer1.0.bn1.running_var"]
    assert gamma.min() >= 0.5 and gamma.max() <= 1.5 and var.min() >= 0.5 and var.max() <= 1.5
    w = inits["layer4.1.conv2.weight"]
    assert w.std() == pytest.approx(math.sqrt(2 / (512 * 9)), rel=0.02)  # He-normal


# -- opsets -----------------------------------------------------------------


OPSET_CASES = [(m, o) for m in ("small_cnn", "mlp", "vit_b16") for o in (9, 11, 13, 17, 21)]
OPSET_CASES += [("resnet18", 9), ("resnet18", 21)]


@pytest.mark.parametrize(("name", "opset"), OPSET_CASES)
def test_opset_variants_are_valid_and_run(name: str, opset: int) -> None:
    model = _model(name, opset=opset)
    assert model.opset_import[0].version == opset
    assert model.ir_version == helper.find_min_ir_version_for(list(model.opset_import))
    _assert_valid(model)
    ops = {n.op_type for n in model.graph.node}
    if name == "vit_b16":
        assert ("LayerNormalization" in ops) == (opset >= 17)
        assert ("Gelu" in ops) == (opset >= 20) and ("Erf" in ops) == (opset < 20)
    if name == "small_cnn":
        (clip,) = [n for n in model.graph.node if n.op_type == "Clip"]
        assert (len(clip.input) == 3) == (opset >= 11) and bool(clip.attribute) == (opset < 11)
    out = _run(model, _input(model))["output"]
    assert np.isfinite(out).all()


@pytest.mark.parametrize("opset", [9, 11, 13])
def test_random_small_cnn_agrees_across_opsets(opset: int) -> None:
    x = _input(_model("small_cnn", "random"))
    ref = _run(_model("small_cnn", "random"), x)["output"]
    np.testing.assert_allclose(
        _run(_model("small_cnn", "random", opset=opset), x)["output"], ref, rtol=1e-5
    )


def _mini_transformer(opset: int) -> onnx.ModelProto:
    """LayerNorm -> GELU -> 4-D Softmax -> ReduceMean -> Clip, with random
    parameters, through the same emitters the zoo uses."""
    g = zoo._Graph("random", opset, seed=3)
    y = g.softmax("softmax", g.gelu("gelu", g.layer_norm("ln", "input", 8, rank=4)), rank=4)
    g.clip("output", g.reduce_mean("mean", y, [3]), 0.0, 0.1)
    graph = helper.make_graph(
        g.nodes,
        "mini",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 2, 5, 8])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 2, 5, 1])],
        initializer=g.initializers,
    )
    opsets = [helper.make_opsetid("", opset)]
    model = helper.make_model(graph, opset_imports=opsets)
    model.ir_version = helper.find_min_ir_version_for(opsets)
    return model


@pytest.mark.parametrize("opset", [9, 11, 13, 16, 17, 18, 20, 21])
def test_decomposed_and_fused_forms_compute_the_same(opset: int) -> None:
    model = _mini_transformer(opset)
    _assert_valid(model)
    x = _input(model) * 3
    params = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    mean = x.mean(-1, keepdims=True)
    ln = (x - mean) / np.sqrt(((x - mean) ** 2).mean(-1, keepdims=True) + 1e-6)
    ln = ln * params["ln.weight"] + params["ln.bias"]
    gelu = 0.5 * ln * (1 + np.vectorize(math.erf)(ln / math.sqrt(2)))
    soft = np.exp(gelu) / np.exp(gelu).sum(-1, keepdims=True)
    expected = np.clip(soft.mean(-1, keepdims=True), 0.0, 0.1)
    np.testing.assert_allclose(_run(model, x)["output"], expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", zoo.MODELS)
def test_every_opset_is_valid(name: str) -> None:
    for opset in range(zoo.MIN_OPSET, zoo.MAX_OPSET + 1):
        _assert_valid(zoo.build(name, opset=opset))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["resnet34", "resnet50", "resnet101", "vgg16"])
def test_large_light_models_run(name: str) -> None:
    model = _model(name)
    out = _run(model, _input(model))["output"]
    assert np.isfinite(out).all() and np.abs(out).max() < 1e3


@pytest.mark.slow
def test_random_vit_decomposed_and_fused_agree() -> None:
    """Full-size check of the opset-16 LayerNorm/GELU decompositions (~20 s)."""
    old, new = zoo.build("vit_b16", "random", opset=16), zoo.build("vit_b16", "random", opset=20)
    _assert_valid(old)
    x = _input(old)
    out = _run(old, x)["output"]
    assert np.isfinite(out).all() and np.ptp(out) > 1e-3
    np.testing.assert_allclose(out, _run(new, x)["output"], rtol=1e-3, atol=1e-3)


# -- files ------------------------------------------------------------------


def test_initializers_as_inputs() -> None:
    model = _model("small_cnn", "random", iai=True)
    inputs = [i.name for i in model.graph.input]
    assert inputs[0] == "input" and set(inputs[1:]) == {t.name for t in model.graph.initializer}
    _assert_valid(model)
    x = _input(model)
    # Initializers listed as inputs are overridable, so ORT folds less: not bit-exact.
    np.testing.assert_allclose(
        _run(model, x)["output"], _run(_model("small_cnn", "random"), x)["output"], rtol=1e-5
    )


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_match_builders(name: str) -> None:
    path = REPO_ROOT / "examples" / f"{name}.onnx"
    assert onnx.load(path) == _model(name, "random")
    # mlp's 235k float32 parameters cannot fit in 300 KB.
    assert path.stat().st_size < (1_000_000 if name == "mlp" else 300_000)


def test_zoo_path_caches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = zoo.zoo_path("conv_relu", "random", seed=5, cache_dir=tmp_path)
    assert path.parent == tmp_path and onnx.load(path) == zoo.build("conv_relu", "random", seed=5)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temp files left

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("cached model was rebuilt")

    monkeypatch.setattr(zoo, "build", fail)
    assert zoo.zoo_path("conv_relu", "random", seed=5, cache_dir=tmp_path) == path
    names = {
        zoo.cache_file_name("conv_relu", form, opset=opset, seed=seed, initializers_as_inputs=iai)
        for form in zoo.FORMS
        for opset in (9, 17)
        for seed in (0, 1)
        for iai in (False, True)
    }
    assert len(names) == 2 * 2 * 2 + 2 * 2  # seed only matters for the random form


def test_cli_writes_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        zoo.main(["--out", str(tmp_path), "--form", "both", "--opset", "11", "conv_relu", "mlp"])
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and all("KiB" in line or " B" in line for line in lines)
    model = onnx.load(tmp_path / "mlp.random.onnx")
    assert model == zoo.build("mlp", "random", opset=11)
    assert zoo.main(["--list"]) == 0
    assert capsys.readouterr().out.split()[0] == "resnet18"


@pytest.mark.parametrize("args", [["resnet19"], ["--opset", "8", "mlp"], ["--form", "heavy"]])
def test_cli_rejects_bad_arguments(args: list[str]) -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO_ROOT / "tools" / "model_zoo.py"), *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
    )
    assert proc.returncode == 2 and not proc.stdout
    assert len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr
    if args == ["resnet19"]:
        assert "resnet18" in proc.stderr and "conv_relu" in proc.stderr
