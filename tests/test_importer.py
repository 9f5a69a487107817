"""ONNX frontend: zoo models import, verify and round-trip; shapes match ONNX shape
inference; old opset forms keep their semantics; bad inputs give one-line errors."""

from __future__ import annotations

import io
import time
from pathlib import Path

import model_zoo
import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper
from xdsl.dialects.builtin import ModuleOp, StringAttr
from xdsl.parser import Parser
from xdsl.printer import Printer

from cim_mlir.context import make_context
from cim_mlir.diagnostics import FrontendError
from cim_mlir.dialects import onnx as onnx_d
from cim_mlir.frontend.onnx_importer import import_onnx, parse_input_shapes
from cim_mlir.frontend.reference import run_reference

F = TensorProto.FLOAT


def print_ir(module: ModuleOp) -> str:
    out = io.StringIO()
    Printer(stream=out).print_op(module)
    return out.getvalue()


def assert_roundtrip(module: ModuleOp) -> str:
    text = print_ir(module)
    reparsed = Parser(make_context(), text).parse_module()
    reparsed.verify()
    assert print_ir(reparsed) == text
    return text


def make_model(nodes, inputs, outputs, initializers=(), opset=17, **kw) -> onnx.ModelProto:
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], **kw)
    model.ir_version = helper.find_min_ir_version_for([helper.make_opsetid("", opset)])
    if any(not o.type.tensor_type.HasField("shape") for o in outputs):
        # the checker wants output shapes: let ONNX fill them in (best effort)
        model = onnx.shape_inference.infer_shapes(model, data_prop=True)
        model.graph.ClearField("value_info")
    return model


def vi(name: str, shape, elem=F) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, elem, shape)


def init(name: str, array) -> onnx.TensorProto:
    return numpy_helper.from_array(np.asarray(array), name)


def ort_run(model: onnx.ModelProto | Path, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
    source = str(model) if isinstance(model, Path) else model.SerializeToString()
    sess = ort.InferenceSession(source, providers=["CPUExecutionProvider"])
    return sess.run(None, feeds)


def assert_close(got: np.ndarray, want: np.ndarray, rel: float = 1e-4) -> None:
    assert got.shape == want.shape and got.dtype == want.dtype
    scale = max(float(np.abs(want).max()), 1e-30)
    assert float(np.abs(got.astype(np.float64) - want).max()) <= rel * scale


def random_input(shape, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


# --------------------------------------------------------------------------------------
# Zoo models.
# --------------------------------------------------------------------------------------

FAST_MODELS = ["conv_relu", "mlp", "small_cnn", "vgg7", "resnet18", "vgg16", "vit_b16",
               "resnet50"]
SLOW_MODELS = ["resnet34", "resnet101"]


def _check_against_shape_inference(path: Path, module: ModuleOp) -> None:
    """Every op result type equals what onnx.shape_inference says about its output."""
    model = onnx.load(path)
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True, data_prop=True)
    shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
              for v in (*inferred.graph.value_info, *inferred.graph.output)}
    shapes |= {t.name: list(t.dims) for t in model.graph.initializer}
    nodes = {n.name: n for n in model.graph.node}
    checked = 0
    for op in module.walk():
        if not isinstance(op, onnx_d.OnnxOp):
            continue
        node = nodes.get(op.node_name.data)
        if node is not None and node.op_type == op.onnx_op_type:
            outputs = list(node.output)
        elif op.node_name.data in shapes:  # an initializer
            outputs = [op.node_name.data]
        else:
            continue
        for result, name in zip(op.results, outputs, strict=True):
            assert list(result.type.get_shape()) == shapes[name], (op.node_name, name)
            checked += 1
    assert checked >= len(model.graph.node)


@pytest.mark.parametrize("name", [*FAST_MODELS,
                                  *(pytest.param(m, marks=pytest.mark.slow) for m in SLOW_MODELS)])
def test_zoo_light_imports_and_roundtrips(name: str) -> None:
    path = model_zoo.zoo_path(name, "light")
    module = import_onnx(path)
    module.verify()
    assert_roundtrip(module)
    _check_against_shape_inference(path, module)


@pytest.mark.parametrize("opset", [9, 13, 17, 21])
@pytest.mark.parametrize("name", ["small_cnn", "mlp", "vit_b16"])
def test_zoo_opsets(name: str, opset: int) -> None:
    path = model_zoo.zoo_path(name, "light", opset=opset)
    module = import_onnx(path)
    module.verify()
    _check_against_shape_inference(path, module)
    assert "onnx.Softmax" in {op.name for op in module.walk()}


def test_resnet18_ir_is_small() -> None:
    for form in ("light", "random"):
        text = print_ir(import_onnx(model_zoo.zoo_path("resnet18", form)))
        assert len(text) < 1_000_000, (form, len(text))


@pytest.mark.slow
def test_resnet50_import_time_and_size() -> None:
    path = model_zoo.zoo_path("resnet50", "light")
    start = time.perf_counter()
    module = import_onnx(path)
    module.verify()
    text = print_ir(module)
    assert time.perf_counter() - start < 5.0
    assert len(text) < 1_000_000
    random = print_ir(import_onnx(model_zoo.zoo_path("resnet50", "random")))
    assert len(random) < 1_000_000


def test_ir_conventions() -> None:
    text = print_ir(import_onnx(model_zoo.zoo_path("small_cnn", "light")))
    assert '%stem.conv = "onnx.Conv"' in text
    assert 'func.func @main(%input: tensor<1x3x32x32xf32> {onnx.name = "input"})' in text
    assert '"onnx.NoValue"() : () -> none' in text  # bias-free convs
    # Conv and pools carry explicit windows.
    assert "dilations = array<i64: 1, 1>" in text


def test_unnamed_nodes_get_names_and_missing_inputs_novalue() -> None:
    w = init("w", np.ones((2, 3, 1, 1), np.float32))
    model = make_model([helper.make_node("Conv", ["x", "w"], ["c"], auto_pad="SAME_UPPER"),
                        helper.make_node("Relu", ["c"], ["y"])],
                       [vi("x", [1, 3, 5, 5])], [vi("y", [1, 2, 5, 5])], [w])
    module = import_onnx(model)
    names = [op.node_name.data for op in module.walk() if isinstance(op, onnx_d.OnnxOp)]
    assert names == ["w", "conv_0", "relu_0"]
    conv = next(op for op in module.walk() if isinstance(op, onnx_d.ConvOp))
    assert isinstance(conv.B.owner, onnx_d.NoValueOp)
    assert conv.onnx_attributes() == {"group": 1, "kernel_shape": [1, 1], "strides": [1, 1],
                                      "pads": [0, 0, 0, 0], "dilations": [1, 1]}


def test_onnx_attributes_fill_defaults() -> None:
    model = make_model([helper.make_node("Gemm", ["a", "b"], ["y"], name="fc", transB=1)],
                       [vi("a", [2, 3])], [vi("y", [2, 4])],
                       [init("b", np.ones((4, 3), np.float32))])
    gemm = next(op for op in import_onnx(model).walk() if isinstance(op, onnx_d.GemmOp))
    assert gemm.onnx_attributes() == {"alpha": 1.0, "beta": 1.0, "transA": 0, "transB": 1}
    assert "alpha" not in gemm.properties  # only what the model sets is stored
    assert onnx_d.constant_value(gemm.B).shape == (4, 3)
    assert onnx_d.constant_value(gemm.A) is None


# --------------------------------------------------------------------------------------
# Semantics: reference execution of the imported module equals onnxruntime.
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["small_cnn", "mlp", "conv_relu", "vgg7"])
def test_reference_matches_onnxruntime(name: str) -> None:
    path = model_zoo.zoo_path(name, "random")
    module = import_onnx(path)
    shape = onnx.load(path).graph.input[0].type.tensor_type.shape
    x = random_input([d.dim_value for d in shape.dim])
    (want,) = ort_run(path, {"input": x})
    (got,) = run_reference(module, {"input": x})
    assert_close(got, want)
    (positional,) = run_reference(module, [x])
    np.testing.assert_array_equal(positional, got)


def test_initializers_listed_as_inputs() -> None:
    model = model_zoo.build("small_cnn", "random", initializers_as_inputs=True)
    assert len(model.graph.input) > 1
    module = import_onnx(model)
    main = next(op for op in module.walk() if op.name == "func.func")
    assert len(main.body.block.args) == 1
    x = random_input([1, 3, 32, 32])
    (want,) = ort_run(model, {"input": x})
    assert_close(run_reference(module, {"input": x})[0], want)


def _upgrade_cases() -> dict[str, tuple[onnx.ModelProto, dict[str, np.ndarray]]]:
    """Small models in old opset forms (attributes that became inputs, old Softmax...)."""
    x = random_input([2, 3, 4, 5])
    f = {"x": x}
    xin, c = [vi("x", [2, 3, 4, 5])], helper.make_node
    cases = {
        "clip-9": (make_model([c("Clip", ["x"], ["y"], min=-0.5, max=0.5)], xin,
                              [vi("y", None)], opset=9), f),
        "clip-9-min-only": (make_model([c("Clip", ["x"], ["y"], min=0.0)], xin,
                                       [vi("y", None)], opset=9), f),
        "pad-9": (make_model([c("Pad", ["x"], ["y"], pads=[0, 1, 0, 2, 0, 0, 1, 1], value=1.5)],
                             xin, [vi("y", None)], opset=9), f),
        "slice-9": (make_model([c("Slice", ["x"], ["y"], starts=[1, -3], ends=[100, -1],
                                  axes=[1, 3])], xin, [vi("y", None)], opset=9), f),
        "split-11": (make_model([c("Split", ["x"], ["y", "z"], axis=3, split=[2, 3])], xin,
                                [vi("y", None), vi("z", None)], opset=11), f),
        "split-18-equal": (make_model([c("Split", ["x"], ["y", "z"], axis=1, num_outputs=2)],
                                      xin, [vi("y", None), vi("z", None)], opset=18), f),
        "squeeze-11": (make_model([c("Unsqueeze", ["x"], ["u"], axes=[0, 5]),
                                   c("Squeeze", ["u"], ["y"], axes=[0])], xin,
                                  [vi("y", None)], opset=11), f),
        "reduce-mean-13": (make_model([c("ReduceMean", ["x"], ["y"], axes=[1, -1], keepdims=0)],
                                      xin, [vi("y", None)], opset=13), f),
        "reduce-mean-13-all": (make_model([c("ReduceMean", ["x"], ["y"])], xin,
                                          [vi("y", None)], opset=13), f),
        "dropout-9": (make_model([c("Dropout", ["x"], ["y"], ratio=0.3)], xin,
                                 [vi("y", None)], opset=9), f),
        "softmax-11-axis1": (make_model([c("Softmax", ["x"], ["y"], axis=1)], xin,
                                        [vi("y", None)], opset=11), f),
        "softmax-9-default": (make_model([c("Softmax", ["x"], ["y"])], xin,
                                         [vi("y", None)], opset=9), f),
        "softmax-11-last": (make_model([c("Softmax", ["x"], ["y"], axis=-1)], xin,
                                       [vi("y", None)], opset=11), f),
        "softmax-13-axis1": (make_model([c("Softmax", ["x"], ["y"], axis=1)], xin,
                                        [vi("y", None)], opset=13), f),
        "constant-forms": (make_model(
            [c("Constant", [], ["a"], value_floats=[1.0, 2.0, 3.0, 4.0, 5.0]),
             c("Constant", [], ["b"], value_float=0.5),
             c("Add", ["x", "a"], ["t"]), c("Mul", ["t", "b"], ["y"])],
            xin, [vi("y", None)], opset=13), f),
        "conv-same-lower-stride": (make_model(
            [c("Conv", ["x", "w", "b"], ["y"], auto_pad="SAME_LOWER", strides=[2, 2],
               kernel_shape=[3, 2])], xin, [vi("y", None)],
            [init("w", random_input([4, 3, 3, 2], 1)), init("b", random_input([4], 2))],
            opset=11), f),
        "conv-dilated-grouped": (make_model(
            [c("Conv", ["x", "w"], ["y"], pads=[1, 0, 2, 1], strides=[1, 2], dilations=[2, 1],
               group=3)], xin, [vi("y", None)], [init("w", random_input([6, 1, 2, 3], 1))],
            opset=9), f),
        "pool-same-upper-ceil": (make_model(
            [c("MaxPool", ["x"], ["m"], auto_pad="SAME_UPPER", kernel_shape=[3, 3],
               strides=[2, 2]),
             c("AveragePool", ["x"], ["a"], kernel_shape=[2, 3], strides=[2, 2], pads=[1, 1, 1, 1],
               ceil_mode=1, count_include_pad=1),
             c("GlobalAveragePool", ["m"], ["y"])], xin, [vi("y", None), vi("a", None)],
            opset=13), f),
        "batchnorm-spatial-9": (make_model(
            [c("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], spatial=1, epsilon=1e-3)],
            xin, [vi("y", None)],
            [init(n, np.abs(random_input([3], k)) + 0.5) for k, n in enumerate("sbmv")],
            opset=9), f),
        "shape-gather-reshape": (make_model(
            [c("Shape", ["x"], ["s"]), c("Gather", ["s", "i0"], ["n"], axis=0),
             c("Unsqueeze", ["n", "ax"], ["n1"]), c("Concat", ["n1", "m1"], ["t"], axis=0),
             c("Reshape", ["x", "t"], ["y"])], xin, [vi("y", [2, 60])],
            [init("i0", np.array(0, np.int64)), init("ax", np.array([0], np.int64)),
             init("m1", np.array([-1], np.int64))], opset=13), f),
        "torch-flatten-9": (make_model(
            [c("Constant", [], ["i0"], value=init("i0", np.array(0, np.int64))),
             c("Constant", [], ["m1"], value=init("m1", np.array([-1], np.int64))),
             c("Shape", ["x"], ["s"]), c("Gather", ["s", "i0"], ["n"], axis=0),
             c("Unsqueeze", ["n"], ["n1"], axes=[0]), c("Concat", ["n1", "m1"], ["t"], axis=0),
             c("Reshape", ["x", "t"], ["r"]), c("Relu", ["r"], ["y"])], xin, [vi("y", [2, 60])],
            opset=9), f),
    }
    return cases


UPGRADE_CASES = _upgrade_cases()


@pytest.mark.parametrize("case", list(UPGRADE_CASES))
def test_old_forms_keep_semantics(case: str) -> None:
    model, feeds = UPGRADE_CASES[case]
    module = import_onnx(model)
    module.verify()
    assert_roundtrip(module)
    if case == "batchnorm-spatial-9":  # the checker (and ORT) reject the legacy attribute
        model = onnx.ModelProto.FromString(model.SerializeToString())
        del model.graph.node[0].attribute[:]
        model.graph.node[0].attribute.append(helper.make_attribute("epsilon", 1e-3))
    want = ort_run(model, feeds)
    got = run_reference(module, feeds)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert_close(g, w)


def test_old_softmax_becomes_flatten_softmax_reshape() -> None:
    module = import_onnx(UPGRADE_CASES["softmax-11-axis1"][0])
    ops = [op.name for op in module.walk() if isinstance(op, onnx_d.OnnxOp)]
    assert ops == ["onnx.Flatten", "onnx.Softmax", "onnx.Constant", "onnx.Reshape"]


def test_attribute_inputs_become_constant_operands() -> None:
    module = import_onnx(UPGRADE_CASES["clip-9-min-only"][0])
    clip = next(op for op in module.walk() if isinstance(op, onnx_d.ClipOp))
    assert float(onnx_d.constant_value(clip.min)) == 0.0
    assert isinstance(clip.max.owner, onnx_d.NoValueOp)


# --------------------------------------------------------------------------------------
# Input shapes.
# --------------------------------------------------------------------------------------


def _dynamic_model() -> onnx.ModelProto:
    return make_model([helper.make_node("Relu", ["x"], ["y"], name="r")],
                      [vi("x", ["N", 3, 4])], [vi("y", ["N", 3, 4])])


def test_input_shape_override() -> None:
    module = import_onnx(_dynamic_model(), input_shapes={"x": [2, 3, 4]})
    assert "tensor<2x3x4xf32>" in print_ir(module)


def test_parse_input_shapes() -> None:
    assert parse_input_shapes(["x=1x3x224x224", "a=b=2,3"]) == {"x": [1, 3, 224, 224],
                                                                "a=b": [2, 3]}
    for bad in ["x", "=1x2", "x=1xa", "x=0x2", "x="]:
        with pytest.raises(FrontendError, match="--input-shape"):
            parse_input_shapes([bad])
    with pytest.raises(FrontendError, match="given twice"):
        parse_input_shapes(["x=1", "x=2"])


# --------------------------------------------------------------------------------------
# Errors.
# --------------------------------------------------------------------------------------


def _raises(source, match: str, **kw) -> str:
    with pytest.raises(FrontendError, match=match) as info:
        import_onnx(source, **kw)
    assert "\n" not in str(info.value)
    return str(info.value)


def test_error_not_a_file(tmp_path: Path) -> None:
    _raises(tmp_path, "not a file")
    _raises(tmp_path / "missing.onnx", "no such file")
    garbage = tmp_path / "garbage.onnx"
    garbage.write_bytes(b"\xff\x00 this is not protobuf \x12\x34" * 10)
    _raises(garbage, "not an ONNX model")
    empty = tmp_path / "empty.onnx"
    empty.write_bytes(b"")
    _raises(empty, "not an ONNX model")


def test_error_checker() -> None:
    model = make_model([helper.make_node("Relu", ["x"], ["y"], foo=1)],
                       [vi("x", [2])], [vi("y", [2])])
    _raises(model, r"invalid ONNX model: Unrecognized attribute: foo for operator Relu$")


def test_error_undefined_input() -> None:
    model = make_model([helper.make_node("Add", ["x", "ghost"], ["y"], name="add1")],
                       [vi("x", [2])], [vi("y", [2])])
    _raises(model, "input 'ghost' of node 'add1' \\(Add\\) is neither a graph input, an "
                   "initializer nor the output of a node")


def test_error_dynamic_input() -> None:
    _raises(_dynamic_model(), "graph input 'x' has a dynamic shape \\(Nx3x4\\); give a "
                              "static one with --input-shape x=1x3x4")


def test_error_dynamic_value() -> None:
    model = make_model([helper.make_node("Reshape", ["x", "s"], ["y"], name="reshape")],
                       [vi("x", [2, 6]), vi("s", [2], TensorProto.INT64)], [vi("y", None)])
    message = _raises(model, "value 'y' \\(output of node 'reshape' \\(Reshape\\)\\) has no "
                             "static shape")
    assert "--input-shape NAME=" in message and "x=2x6" in message


def test_error_input_shape_option() -> None:
    _raises(_dynamic_model(), "the model has no input 'y'; its inputs are x",
            input_shapes={"y": [1]})
    _raises(_dynamic_model(), "input 'x' has rank 3 \\(Nx3x4\\), got 2 dims",
            input_shapes={"x": [1, 3]})


def test_error_unsupported_operators_listed_at_once() -> None:
    model = make_model(
        [helper.make_node("LeakyRelu", ["x"], ["a"], name="leaky"),
         helper.make_node("Relu", ["a"], ["b"], name="ok"),
         helper.make_node("HardSwish", ["b"], ["c"]),
         helper.make_node("FusedGemm", ["c"], ["y"], name="ms", domain="com.microsoft")],
        [vi("x", [2])], [vi("y", [2])], opset=14)
    model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    message = _raises(model, "unsupported operators: leaky \\(LeakyRelu, opset 14\\), "
                             "#2 \\(HardSwish, opset 14\\), ms \\(com.microsoft.FusedGemm, "
                             "opset 1\\); supported")
    assert "Conv" in message and "BatchNormalization" in message


def test_error_unsupported_attribute_values() -> None:
    params = [init(n, np.ones(3, np.float32)) for n in "sbmv"]
    bn = helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y", "rm", "rv"],
                          name="bn1", training_mode=1)
    model = make_model([bn], [vi("x", [1, 3, 2, 2])], [vi("y", None)], params, opset=15)
    _raises(model, "node 'bn1' \\(BatchNormalization\\): attribute training_mode=1 is not "
                   "supported")
    bn = helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], name="bn2",
                          spatial=0)
    model = make_model([bn], [vi("x", [1, 3, 2, 2])], [vi("y", None)], params, opset=9)
    _raises(model, "node 'bn2' \\(BatchNormalization\\): attribute spatial=0")


def test_error_used_training_output() -> None:
    model = make_model([helper.make_node("MaxPool", ["x"], ["y", "idx"], name="mp",
                                         kernel_shape=[2])],
                       [vi("x", [1, 1, 4])], [vi("y", None), vi("idx", None, TensorProto.INT64)])
    _raises(model, "node 'mp' \\(MaxPool\\): output #1 \\('idx'\\) is used")


def test_error_opset_range() -> None:
    model = make_model([helper.make_node("Relu", ["x"], ["y"])], [vi("x", [2])], [vi("y", [2])],
                       opset=8)
    _raises(model, "opset 8 is not supported; supported opsets are 9 to 21")


def _external_model(tmp_path: Path, location: str) -> Path:
    """An Add of a 100-float initializer stored at ``location`` (relative to the model)."""
    tensor = TensorProto(name="w", data_type=F, dims=[100], data_location=TensorProto.EXTERNAL)
    for key, value in (("location", location), ("offset", "0"), ("length", "400")):
        entry = tensor.external_data.add()
        entry.key, entry.value = key, value
    model = make_model([helper.make_node("Add", ["x", "w"], ["y"])], [vi("x", [100])],
                       [vi("y", [100])], [tensor])
    path = tmp_path / "model" / "m.onnx"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(model.SerializeToString())
    return path


def test_external_data_inside_folder(tmp_path: Path) -> None:
    path = _external_model(tmp_path, "weights.bin")
    (path.parent / "weights.bin").write_bytes(np.arange(100, dtype=np.float32).tobytes())
    module = import_onnx(path)
    x = random_input([100])
    assert_close(run_reference(module, {"x": x})[0], x + np.arange(100, dtype=np.float32))


@pytest.mark.parametrize("location", ["../secret.bin", "/etc/passwd", "sub/../../secret.bin"])
def test_external_data_outside_folder_is_refused(tmp_path: Path, location: str) -> None:
    (tmp_path / "secret.bin").write_bytes(bytes(400))
    path = _external_model(tmp_path, location)
    _raises(path, f"tensor 'w': external data location '{location}' is outside the model's "
                  "folder")


def test_external_data_missing(tmp_path: Path) -> None:
    _raises(_external_model(tmp_path, "nope.bin"), "tensor 'w': external data file 'nope.bin' "
                                                   "does not exist")


def test_model_proto_is_not_modified() -> None:
    model = _dynamic_model()
    before = model.SerializeToString()
    import_onnx(model, input_shapes={"x": [1, 3, 4]})
    assert model.SerializeToString() == before


def test_node_name_property_is_a_string() -> None:
    module = import_onnx(model_zoo.zoo_path("conv_relu", "light"))
    for op in module.walk():
        if isinstance(op, onnx_d.OnnxOp):
            assert isinstance(op.properties["name"], StringAttr)
