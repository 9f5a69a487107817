"""onnx-level canonicalization: what it removes, what it must leave alone, and that the
canonicalized modules still compute what onnxruntime computes."""

from __future__ import annotations

import model_zoo
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper
from test_importer import (
    UPGRADE_CASES,
    assert_close,
    assert_roundtrip,
    init,
    make_model,
    ort_run,
    print_ir,
    random_input,
    vi,
)
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, ModuleOp

from cim_mlir.context import make_context
from cim_mlir.dialects import onnx as onnx_d
from cim_mlir.dialects.cim import BlobAttr, SplatAttr
from cim_mlir.frontend.onnx_importer import import_onnx
from cim_mlir.frontend.reference import run_reference
from cim_mlir.passes.registry import available_passes

GONE = {"onnx.BatchNormalization", "onnx.Dropout", "onnx.Identity", "onnx.ConstantOfShape",
        "onnx.Shape"}


def run_pass(name: str, module: ModuleOp) -> ModuleOp:
    available_passes()[name]()().apply(make_context(), module)
    module.verify()
    return module


def op_names(module: ModuleOp) -> list[str]:
    return [op.name for op in module.walk() if isinstance(op, onnx_d.OnnxOp | onnx_d.NoValueOp)]


@pytest.mark.parametrize("name", ["resnet18", "small_cnn", "conv_relu", "mlp", "vgg7",
                                  "resnet50", "vgg16", "vit_b16"])
def test_zoo_light_canonical_form(name: str) -> None:
    module = run_pass("onnx-canonicalize", import_onnx(model_zoo.zoo_path(name, "light")))
    names = set(op_names(module))
    assert not names & GONE, names & GONE
    assert_roundtrip(module)
    # light weights become splats, never materialized tensors
    for op in module.walk():
        if isinstance(op, onnx_d.ConstantOp):
            assert isinstance(op.value, SplatAttr | DenseIntOrFPElementsAttr)
    if name.startswith("resnet"):
        assert all(not onnx_d.is_none(op.B) for op in module.walk()
                   if isinstance(op, onnx_d.ConvOp))  # folded BatchNorm gave every conv a bias


@pytest.mark.parametrize("name", ["small_cnn", "vgg7", "mlp", "conv_relu", "resnet18"])
def test_canonicalized_matches_onnxruntime(name: str) -> None:
    path = model_zoo.zoo_path(name, "random")
    module = run_pass("onnx-canonicalize", import_onnx(path))
    assert not set(op_names(module)) & GONE
    shape = onnx.load(path).graph.input[0].type.tensor_type.shape
    x = random_input([d.dim_value for d in shape.dim])
    (want,) = ort_run(path, {"input": x})
    (got,) = run_reference(module, {"input": x})
    assert_close(got, want)


@pytest.mark.slow
@pytest.mark.parametrize("opset", [9, 21])
def test_vit_canonicalized_matches_onnxruntime(opset: int) -> None:
    """LayerNorm (decomposed below opset 17), Gelu/Erf, attention Softmax and MatMul."""
    path = model_zoo.zoo_path("vit_b16", "random", opset=opset)
    module = run_pass("onnx-canonicalize", import_onnx(path))
    x = random_input([1, 3, 224, 224])
    (want,) = ort_run(path, {"input": x})
    assert_close(run_reference(module, {"input": x})[0], want)


def test_random_weights_stay_blobs() -> None:
    module = run_pass("onnx-canonicalize", import_onnx(model_zoo.zoo_path("resnet18", "random")))
    convs = [op for op in module.walk() if isinstance(op, onnx_d.ConvOp)]
    assert all(isinstance(op.W.owner.value, BlobAttr) for op in convs)
    assert len(print_ir(module)) < 100_000


# --------------------------------------------------------------------------------------
# onnx-fold-batchnorm
# --------------------------------------------------------------------------------------


def _conv_bn(second_user: bool = False, bias: bool = False, weight_input: bool = False
             ) -> onnx.ModelProto:
    nodes = [helper.make_node("Conv", ["x", "w", *(["b"] if bias else [])], ["c"], name="conv",
                              pads=[1, 1, 1, 1]),
             helper.make_node("BatchNormalization", ["c", "g", "beta", "m", "v"], ["y"],
                              name="bn", epsilon=1e-3)]
    outputs = [vi("y", [1, 4, 5, 5])]
    if second_user:
        nodes.append(helper.make_node("Relu", ["c"], ["r"], name="relu"))
        outputs.append(vi("r", [1, 4, 5, 5]))
    inputs = [vi("x", [1, 3, 5, 5])] + ([vi("w", [4, 3, 3, 3])] if weight_input else [])
    params = [init("g", random_input([4], 1)), init("beta", random_input([4], 2)),
              init("m", random_input([4], 3)), init("v", np.abs(random_input([4], 4)) + 0.1)]
    if not weight_input:
        params.append(init("w", random_input([4, 3, 3, 3], 5)))
    if bias:
        params.append(init("b", random_input([4], 6)))
    return make_model(nodes, inputs, outputs, params, opset=13)


@pytest.mark.parametrize("bias", [False, True])
def test_fold_batchnorm(bias: bool) -> None:
    model = _conv_bn(bias=bias)
    module = run_pass("onnx-fold-batchnorm", import_onnx(model))
    assert op_names(module).count("onnx.BatchNormalization") == 0
    (conv,) = [op for op in module.walk() if isinstance(op, onnx_d.ConvOp)]
    assert onnx_d.constant_value(conv.B) is not None  # a Conv without bias gains one
    x = random_input([1, 3, 5, 5])
    (want,) = ort_run(model, {"x": x})
    assert_close(run_reference(module, {"x": x})[0], want)
    assert_roundtrip(module)


def test_fold_batchnorm_keeps_splats() -> None:
    module = run_pass("onnx-fold-constants",
                      import_onnx(model_zoo.zoo_path("resnet18", "light")))
    module = run_pass("onnx-fold-batchnorm", module)
    assert "onnx.BatchNormalization" not in op_names(module)
    for conv in (op for op in module.walk() if isinstance(op, onnx_d.ConvOp)):
        assert isinstance(conv.W.owner.value, SplatAttr)


@pytest.mark.parametrize("splats", ["w", "bn", "w+bn", "w+g", "w+bias", "bias+m", "w+bias+bn"])
def test_fold_batchnorm_mixing_splats_and_arrays(splats: str) -> None:
    """Public model-zoo graphs (opset 9) mix ConstantOfShape fills and arrays among the
    conv weight, its bias and the BN parameters: folding broadcast a [C] scale against
    a splat weight and crashed with a raw numpy error (issue 11, defect 1)."""
    rng = np.random.default_rng(0)
    values = {"w": rng.standard_normal((4, 3, 3, 3)), "bias": rng.standard_normal(4),
              "g": rng.standard_normal(4), "beta": rng.standard_normal(4),
              "m": rng.standard_normal(4), "v": np.abs(rng.standard_normal(4)) + 0.1}
    fills = {"w": 0.05, "bias": 0.2, "g": 1.5, "beta": -0.25, "m": 0.1, "v": 2.0}
    wanted = set(splats.split("+"))
    names = (wanted - {"bn"}) | ({"g", "beta", "m", "v"} if "bn" in wanted else set())
    nodes, params = [], []
    for name, value in values.items():
        if name in names:  # a ConstantOfShape fill, as old exporters write
            params.append(init(f"{name}.shape", np.array(value.shape, np.int64)))
            nodes.append(helper.make_node(
                "ConstantOfShape", [f"{name}.shape"], [name], name=f"{name}.fill",
                value=helper.make_tensor("v", TensorProto.FLOAT, [1], [fills[name]])))
        else:
            params.append(init(name, value.astype(np.float32)))
    nodes += [helper.make_node("Conv", ["x", "w", "bias"], ["c"], name="conv", pads=[1] * 4),
              helper.make_node("BatchNormalization", ["c", "g", "beta", "m", "v"], ["y"],
                               name="bn", epsilon=1e-3)]
    model = make_model(nodes, [vi("x", [1, 3, 5, 5])], [vi("y", [1, 4, 5, 5])], params,
                       opset=9)
    module = run_pass("onnx-canonicalize", import_onnx(model))
    assert "onnx.BatchNormalization" not in op_names(module)
    x = random_input([1, 3, 5, 5])
    (want,) = ort_run(model, {"x": x})
    assert_close(run_reference(module, {"x": x})[0], want)
    assert_roundtrip(module)


def test_batchnorm_with_second_conv_user_is_not_folded() -> None:
    model = _conv_bn(second_user=True)
    module = run_pass("onnx-canonicalize", import_onnx(model))
    assert op_names(module).count("onnx.BatchNormalization") == 1
    x = random_input([1, 3, 5, 5])
    for got, want in zip(run_reference(module, {"x": x}), ort_run(model, {"x": x})):
        assert_close(got, want)


def test_batchnorm_after_non_constant_conv_is_not_folded() -> None:
    module = run_pass("onnx-fold-batchnorm", import_onnx(_conv_bn(weight_input=True)))
    assert op_names(module).count("onnx.BatchNormalization") == 1


def test_batchnorm_fold_needs_constant_weights_first() -> None:
    """Light weights are ConstantOfShape: fold-batchnorm alone leaves BN alone."""
    module = run_pass("onnx-fold-batchnorm", import_onnx(model_zoo.zoo_path("small_cnn", "light")))
    assert "onnx.BatchNormalization" in op_names(module)


# --------------------------------------------------------------------------------------
# onnx-drop-identity
# --------------------------------------------------------------------------------------


def test_dropout_identity_chains_vanish() -> None:
    c = helper.make_node
    model = make_model(
        [c("Identity", ["x"], ["a"]), c("Dropout", ["a"], ["b"]),
         c("Identity", ["b"], ["r_in"]), c("Relu", ["r_in"], ["r"]),
         c("Dropout", ["r", "ratio"], ["d"]), c("Identity", ["d"], ["y"]),
         c("Identity", ["x"], ["passthrough"])],
        [vi("x", [2, 3])], [vi("y", [2, 3]), vi("passthrough", [2, 3])],
        [init("ratio", np.array(0.1, np.float32))], opset=12)
    module = run_pass("onnx-drop-identity", import_onnx(model))
    assert op_names(module) == ["onnx.Relu"]
    text = print_ir(module)
    assert "func.return %r, %x" in text
    x = random_input([2, 3])
    got = run_reference(module, {"x": x})
    assert_close(got[0], np.maximum(x, 0))
    np.testing.assert_array_equal(got[1], x)


TRAINING_DROPOUT = """
func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
  %none = "onnx.NoValue"() : () -> none
  %t = "onnx.Constant"() <{name = "t", value = dense<true> : tensor<i1>}> : () -> tensor<i1>
  %y = "onnx.Dropout"(%x, %none, %t) <{name = "d"}>
      : (tensor<2xf32>, none, tensor<i1>) -> tensor<2xf32>
  func.return %y : tensor<2xf32>
}
"""


def test_training_dropout_is_kept() -> None:
    from xdsl.parser import Parser

    module = Parser(make_context(), TRAINING_DROPOUT).parse_module()
    module = run_pass("onnx-drop-identity", module)
    assert "onnx.Dropout" in op_names(module)


def test_importer_refuses_runtime_training_mode() -> None:
    from cim_mlir.diagnostics import FrontendError

    model = make_model([helper.make_node("Dropout", ["x", "", "t"], ["y"])],
                       [vi("x", [2, 3]), vi("t", [], TensorProto.BOOL)], [vi("y", [2, 3])],
                       opset=13)
    with pytest.raises(FrontendError, match="training_mode must be a constant false"):
        import_onnx(model)


# --------------------------------------------------------------------------------------
# onnx-fold-constants
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["torch-flatten-9", "shape-gather-reshape"])
def test_shape_chain_folds(case: str) -> None:
    model, feeds = UPGRADE_CASES[case]
    module = import_onnx(model)
    assert "onnx.Shape" in op_names(module)
    module = run_pass("onnx-fold-constants", module)
    names = op_names(module)
    assert not {"onnx.Shape", "onnx.Gather", "onnx.Unsqueeze", "onnx.Concat"} & set(names)
    (reshape,) = [op for op in module.walk() if isinstance(op, onnx_d.ReshapeOp)]
    assert onnx_d.constant_value(reshape.shape).tolist() == [2, -1]
    for got, want in zip(run_reference(module, feeds), ort_run(model, feeds)):
        assert_close(got, want)


def test_constant_of_shape_becomes_splat() -> None:
    module = run_pass("onnx-fold-constants", import_onnx(model_zoo.zoo_path("conv_relu", "light")))
    assert op_names(module) == ["onnx.Constant", "onnx.Constant", "onnx.Conv", "onnx.Relu"]
    assert '#cim.splat<0.037037037 : tensor<32x3x3x3xf32>>' in print_ir(module)


def test_float_activations_are_not_folded() -> None:
    """Only shape arithmetic and weight reshuffles fold; float math on constants stays."""
    c = helper.make_node
    model = make_model([c("Add", ["a", "b"], ["s"]), c("Add", ["x", "s"], ["y"]),
                        c("Transpose", ["w"], ["wt"], perm=[1, 0]),
                        c("MatMul", ["y", "wt"], ["z"])],
                       [vi("x", [2, 3])], [vi("z", [2, 4])],
                       [init("a", np.ones(3, np.float32)), init("b", np.ones(3, np.float32)),
                        init("w", random_input([4, 3]))])
    module = run_pass("onnx-fold-constants", import_onnx(model))
    assert op_names(module).count("onnx.Add") == 2
    assert "onnx.Transpose" not in op_names(module)  # a constant weight's transpose folds
    x = random_input([2, 3])
    assert_close(run_reference(module, {"x": x})[0], ort_run(model, {"x": x})[0])


def test_integer_division_by_zero_is_left_alone() -> None:
    c = helper.make_node
    model = make_model([c("Div", ["a", "b"], ["q"]), c("Add", ["x", "q"], ["y"])],
                       [vi("x", [2], TensorProto.INT64)], [vi("y", [2], TensorProto.INT64)],
                       [init("a", np.array([4, 2], np.int64)),
                        init("b", np.array([0, 1], np.int64))])
    module = run_pass("onnx-fold-constants", import_onnx(model))
    assert "onnx.Div" in op_names(module)


def test_canonicalize_reaches_fixpoint() -> None:
    module = run_pass("onnx-canonicalize", import_onnx(model_zoo.zoo_path("resnet18", "light")))
    before = print_ir(module)
    assert print_ir(run_pass("onnx-canonicalize", module)) == before


def test_an_unexpected_folding_failure_names_the_node_and_the_pass(monkeypatch) -> None:
    """A numpy error inside a fold reaches the user as one located line."""
    from cim_mlir.diagnostics import PassError
    from cim_mlir.passes import onnx_canonicalize

    def broken(bn):
        raise ValueError("operands could not be broadcast together")

    monkeypatch.setattr(onnx_canonicalize, "_fold_one_batchnorm", broken)
    with pytest.raises(PassError) as info:
        run_pass("onnx-fold-batchnorm", import_onnx(_conv_bn()))
    assert str(info.value).startswith("node 'bn' (BatchNormalization), pass "
                                      "onnx-fold-batchnorm: cannot fold batchnorm")
