#!/usr/bin/env python3
"""Model zoo: ONNX graphs with the exact layer shapes of well-known networks.

The compiler needs realistic workloads (ResNets, VGG, ViT) without shipping
hundreds of megabytes of weights or depending on torch.  Every model is built
directly with :mod:`onnx.helper` in one of two forms:

``light``
    Every weight, bias and normalisation parameter is a ``ConstantOfShape``
    node fed by a ``Constant`` int64 shape, filled with a value that keeps
    activations finite and O(1) (about ``1/fan_in`` for weights; BatchNorm is
    the identity, except that ResNet blocks scale their branch down).  Files
    stay under ~100 KB even for ResNet-101, so they are cheap to generate,
    cache and compile.  Because every parameter tensor is constant, all
    channels of a layer compute the same thing: the class scores of a
    classifier are identical and a LayerNorm over identical channels returns
    its bias.  Use light models for shapes, mapping and cost; use ``random``
    models for numerical checks.
``random``
    Seeded He-normal weights and realistic BatchNorm statistics stored as
    initializers; deterministic for a given seed.

Library use (after ``sys.path.insert(0, "<repo>/tools")``)::

    import model_zoo
    model = model_zoo.build("resnet18", "light", opset=13)
    path = model_zoo.zoo_path("vit_b16")          # cached under .cache/zoo

Command line::

    python tools/model_zoo.py --out zoo --form both resnet18 mlp
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NoReturn

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

__all__ = [
    "CNN_MODELS",
    "DEFAULT_CACHE_DIR",
    "FORMS",
    "MAX_OPSET",
    "MIN_OPSET",
    "MODELS",
    "build",
    "cache_file_name",
    "count_parameters",
    "main",
    "zoo_path",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE_DIR = REPO_ROOT / ".cache" / "zoo"
MIN_OPSET, MAX_OPSET = 9, 21
FORMS: tuple[str, ...] = ("light", "random")

_CACHE_VERSION = 1
"""Bump when a builder changes so stale cached files are not reused."""

_PRODUCER = "cim-mlir model_zoo"
_BUFFER_SUFFIXES = (".running_mean", ".running_var")
"""Parameter names that torch counts as buffers, not parameters."""

# Arguments that moved from an attribute to an input; value is the first opset
# taking the input form (checked against onnx.defs in the tests).
_ATTR_BECAME_INPUT: dict[tuple[str, str], int] = {
    ("Clip", "min"): 11,
    ("Clip", "max"): 11,
    ("Pad", "pads"): 11,
    ("Slice", "starts"): 10,
    ("Slice", "ends"): 10,
    ("Slice", "axes"): 10,
    ("Split", "split"): 13,
    ("Squeeze", "axes"): 13,
    ("Unsqueeze", "axes"): 13,
    ("ReduceMean", "axes"): 18,
}

ParamKind = Literal["weight", "bias", "gamma", "beta", "mean", "var", "embedding"]

_LIGHT_FILL: dict[str, Callable[[int], float]] = {
    "weight": lambda fan_in: 1.0 / fan_in,  # output ~ mean of the inputs
    "bias": lambda _: 0.01,
    "gamma": lambda _: 1.0,
    "beta": lambda _: 0.0,
    "mean": lambda _: 0.0,
    "var": lambda _: 1.0,
    "embedding": lambda _: 0.02,
}


class _Graph:
    """Accumulates nodes and parameters; every emitter returns its output name.

    Node outputs are named after their node, so value names read like the
    layer that produced them (``layer1.0.conv1``).
    """

    def __init__(self, form: str, opset: int, seed: int) -> None:
        self.form = form
        self.opset = opset
        self.rng = np.random.default_rng(seed)
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[TensorProto] = []
        self._consts: set[str] = set()
        self._node_names: set[str] = set()

    # -- primitives ---------------------------------------------------------

    def node(self, op: str, name: str, inputs: Sequence[str], **attrs: object) -> str:
        """Append one single-output node named ``name`` with output ``name``."""
        if name in self._node_names:
            raise ValueError(f"duplicate node name {name!r}")
        self._node_names.add(name)
        self.nodes.append(helper.make_node(op, list(inputs), [name], name=name, **attrs))
        return name

    def const(self, name: str, value: np.ndarray) -> str:
        """A ``Constant`` node, emitted once per name (shared by all users)."""
        if name not in self._consts:
            self._consts.add(name)
            self.node("Constant", name, [], value=numpy_helper.from_array(value, name))
        return name

    def shape(self, dims: Sequence[int]) -> str:
        """Shared int64 shape constant (Reshape targets, ConstantOfShape inputs)."""
        return self.const("shape." + "x".join(map(str, dims)), np.array(dims, np.int64))

    def scalar(self, value: float) -> str:
        """Shared float32 0-d constant."""
        v = np.float32(value)
        return self.const(f"scalar.{float(v)!r}", np.array(v))

    def param(
        self,
        name: str,
        shape: Sequence[int],
        kind: ParamKind,
        fan_in: int = 1,
        *,
        light: float | None = None,
    ) -> str:
        """A learnable tensor: ConstantOfShape in light form (fill ``light`` or
        the kind's default), initializer sampled by kind in random form."""
        if self.form == "light":
            fill = np.array([_LIGHT_FILL[kind](fan_in) if light is None else light], np.float32)
            return self.node(
                "ConstantOfShape", name, [self.shape(shape)], value=numpy_helper.from_array(fill)
            )
        self.initializers.append(numpy_helper.from_array(self._sample(kind, shape, fan_in), name))
        return name

    def _sample(self, kind: str, shape: Sequence[int], fan_in: int) -> np.ndarray:
        rng, f32 = self.rng, np.float32

        def uniform(lo: float, hi: float) -> np.ndarray:
            return (lo + (hi - lo) * rng.random(shape, dtype=f32)).astype(f32)

        def normal(std: float) -> np.ndarray:
            return (rng.standard_normal(shape, dtype=f32) * f32(std)).astype(f32)

        if kind == "weight":
            return normal(math.sqrt(2.0 / fan_in))  # He-normal
        if kind in ("gamma", "var"):
            return uniform(0.5, 1.5)
        if kind in ("beta", "mean"):
            return normal(0.1)
        if kind == "bias":
            return normal(0.01)
        if kind == "embedding":
            return normal(0.02)
        raise ValueError(f"unknown parameter kind {kind!r}")

    def versioned(
        self,
        op: str,
        name: str,
        inputs: Sequence[str],
        args: dict[str, np.ndarray],
        **attrs: object,
    ) -> str:
        """Emit ``op`` passing each of ``args`` as an attribute or as a trailing
        constant input, whichever this opset's signature uses."""
        ins = list(inputs)
        for arg, value in args.items():
            if self.opset >= _ATTR_BECAME_INPUT[(op, arg)]:
                ins.append(self.const(f"{name}.{arg}", value))
            else:
                attrs[arg] = value.tolist()
        return self.node(op, name, ins, **attrs)

    # -- layers -------------------------------------------------------------

    def conv(
        self,
        name: str,
        x: str,
        cin: int,
        cout: int,
        k: int,
        *,
        stride: int = 1,
        pad: int = 0,
        group: int = 1,
        bias: bool = True,
    ) -> str:
        fan_in = cin // group * k * k
        ins = [x, self.param(f"{name}.weight", [cout, cin // group, k, k], "weight", fan_in)]
        if bias:
            ins.append(self.param(f"{name}.bias", [cout], "bias"))
        return self.node(
            "Conv",
            name,
            ins,
            kernel_shape=[k, k],
            strides=[stride] * 2,
            pads=[pad] * 4,
            group=group,
        )

    def batchnorm(self, name: str, x: str, c: int, *, light_gamma: float = 1.0) -> str:
        params = [
            self.param(f"{name}.weight", [c], "gamma", light=light_gamma),
            *(
                self.param(f"{name}.{suffix}", [c], kind)
                for suffix, kind in (
                    ("bias", "beta"),
                    ("running_mean", "mean"),
                    ("running_var", "var"),
                )
            ),
        ]
        return self.node("BatchNormalization", name, [x, *params], epsilon=1e-5, momentum=0.9)

    def conv_bn(
        self,
        conv: str,
        bn: str,
        x: str,
        cin: int,
        cout: int,
        k: int,
        *,
        stride: int = 1,
        pad: int = 0,
        relu: str | None = None,
        light_gamma: float = 1.0,
    ) -> str:
        """Bias-free Conv + BatchNorm, followed by a Relu named ``relu`` if given."""
        y = self.conv(conv, x, cin, cout, k, stride=stride, pad=pad, bias=False)
        y = self.batchnorm(bn, y, cout, light_gamma=light_gamma)
        return self.node("Relu", relu, [y]) if relu else y

    def max_pool(self, name: str, x: str, k: int, stride: int, pad: int = 0) -> str:
        return self.node(
            "MaxPool", name, [x], kernel_shape=[k, k], strides=[stride] * 2, pads=[pad] * 4
        )

    def gemm(self, name: str, x: str, fin: int, fout: int) -> str:
        """Fully connected layer as Gemm with torch's [out, in] weight layout."""
        w = self.param(f"{name}.weight", [fout, fin], "weight", fin)
        b = self.param(f"{name}.bias", [fout], "bias")
        return self.node("Gemm", name, [x, w, b], transB=1)

    def linear(self, name: str, x: str, fin: int, fout: int) -> str:
        """Fully connected layer as MatMul ([in, out] weight) + Add, as exporters
        emit for inputs of rank > 2."""
        w = self.param(f"{name}.weight", [fin, fout], "weight", fin)
        b = self.param(f"{name}.bias", [fout], "bias")
        return self.node("Add", name, [self.node("MatMul", f"{name}.matmul", [x, w]), b])

    def softmax(self, name: str, x: str, rank: int) -> str:
        """Softmax over the last axis.  A positive ``axis = rank - 1`` is valid in
        every opset and means the same under the pre-13 "coerce to 2-D" rule."""
        return self.node("Softmax", name, [x], axis=rank - 1)

    def clip(self, name: str, x: str, lo: float, hi: float) -> str:
        bounds = {"min": np.array(lo, np.float32), "max": np.array(hi, np.float32)}
        return self.versioned("Clip", name, [x], bounds)

    def reduce_mean(self, name: str, x: str, axes: Sequence[int]) -> str:
        return self.versioned(
            "ReduceMean", name, [x], {"axes": np.array(axes, np.int64)}, keepdims=1
        )

    def layer_norm(self, name: str, x: str, c: int, rank: int, eps: float = 1e-6) -> str:
        """LayerNorm over the last axis; decomposed below opset 17."""
        gamma = self.param(f"{name}.weight", [c], "gamma")
        beta = self.param(f"{name}.bias", [c], "beta")
        if self.opset >= 17:
            return self.node("LayerNormalization", name, [x, gamma, beta], axis=-1, epsilon=eps)
        last = [rank - 1]  # negative axes need opset 11
        centered = self.node("Sub", f"{name}.sub", [x, self.reduce_mean(f"{name}.mean", x, last)])
        square = self.node("Pow", f"{name}.pow", [centered, self.scalar(2.0)])
        var = self.reduce_mean(f"{name}.var", square, last)
        std = self.node(
            "Sqrt", f"{name}.sqrt", [self.node("Add", f"{name}.add_eps", [var, self.scalar(eps)])]
        )
        normed = self.node("Div", f"{name}.div", [centered, std])
        return self.node("Add", name, [self.node("Mul", f"{name}.mul", [normed, gamma]), beta])

    def gelu(self, name: str, x: str) -> str:
        """Exact GELU; Gelu op from opset 20, else 0.5*x*(1+Erf(x/sqrt(2)))."""
        if self.opset >= 20:
            return self.node("Gelu", name, [x])
        scaled = self.node("Div", f"{name}.div", [x, self.scalar(math.sqrt(2.0))])
        erf1 = self.node(
            "Add", f"{name}.add", [self.node("Erf", f"{name}.erf", [scaled]), self.scalar(1.0)]
        )
        return self.node(
            "Mul", name, [self.node("Mul", f"{name}.mul", [x, erf1]), self.scalar(0.5)]
        )


# -- networks ---------------------------------------------------------------


def _residual(g: _Graph, p: str, x: str, branch: str, cin: int, cout: int, stride: int) -> str:
    """Close a ResNet block: optional 1x1 conv+BN downsample, Add, Relu."""
    if stride != 1 or cin != cout:
        x = g.conv_bn(f"{p}.downsample.0", f"{p}.downsample.1", x, cin, cout, 1, stride=stride)
    return g.node("Relu", f"{p}.relu", [g.node("Add", f"{p}.add", [branch, x])])


def _basic_block(
    g: _Graph, p: str, x: str, cin: int, planes: int, stride: int, gamma: float
) -> tuple[str, int]:
    y = g.conv_bn(
        f"{p}.conv1", f"{p}.bn1", x, cin, planes, 3, stride=stride, pad=1, relu=f"{p}.relu1"
    )
    y = g.conv_bn(f"{p}.conv2", f"{p}.bn2", y, planes, planes, 3, pad=1, light_gamma=gamma)
    return _residual(g, p, x, y, cin, planes, stride), planes


def _bottleneck(
    g: _Graph, p: str, x: str, cin: int, planes: int, stride: int, gamma: float
) -> tuple[str, int]:
    """torchvision v1.5 Bottleneck: the stride sits on the 3x3 conv."""
    y = g.conv_bn(f"{p}.conv1", f"{p}.bn1", x, cin, planes, 1, relu=f"{p}.relu1")
    y = g.conv_bn(
        f"{p}.conv2", f"{p}.bn2", y, planes, planes, 3, stride=stride, pad=1, relu=f"{p}.relu2"
    )
    y = g.conv_bn(f"{p}.conv3", f"{p}.bn3", y, planes, 4 * planes, 1, light_gamma=gamma)
    return _residual(g, p, x, y, cin, 4 * planes, stride), 4 * planes


def _resnet(blocks: Sequence[int], bottleneck: bool) -> Callable[[_Graph, str], str]:
    """torchvision ResNet; node names follow torchvision's module names.

    In the light form each block's last BN scales its branch by 1/#blocks:
    with constant weights a branch reproduces its input, and at scale 1 every
    Add would double the activations (2**33 for ResNet-101); this way they
    grow at most by e over the whole network.
    """
    block = _bottleneck if bottleneck else _basic_block
    gamma = 1.0 / sum(blocks)

    def build(g: _Graph, x: str) -> str:
        x = g.conv_bn("conv1", "bn1", x, 3, 64, 7, stride=2, pad=3, relu="relu")
        x = g.max_pool("maxpool", x, 3, 2, 1)
        cin = 64
        for li, (planes, n) in enumerate(zip((64, 128, 256, 512), blocks, strict=True), start=1):
            for bi in range(n):
                stride = 2 if li > 1 and bi == 0 else 1
                x, cin = block(g, f"layer{li}.{bi}", x, cin, planes, stride, gamma)
        x = g.node("Flatten", "flatten", [g.node("GlobalAveragePool", "avgpool", [x])], axis=1)
        return g.gemm("fc", x, cin, 1000)

    return build


def _vgg7(g: _Graph, x: str) -> str:
    """CIFAR VGG-7 of the ternary/binary-weight papers (TWN, BWN), 1x3x32x32 input.

    conv{i} (3x3, pad 1, no bias) -> bn{i} -> relu{i} for i = 1..6 with
    128, 128, 256, 256, 512, 512 filters; pool1..3 (MaxPool 2x2/2) after
    relu2, relu4, relu6; flatten (512*4*4 = 8192) -> fc1 (Gemm 1024) -> relu7
    -> fc2 (Gemm 10).  Output: logits.
    """
    cin = 3
    for i, cout in enumerate((128, 128, 256, 256, 512, 512), start=1):
        x = g.conv_bn(f"conv{i}", f"bn{i}", x, cin, cout, 3, pad=1, relu=f"relu{i}")
        if i % 2 == 0:
            x = g.max_pool(f"pool{i // 2}", x, 2, 2)
        cin = cout
    x = g.node("Flatten", "flatten", [x], axis=1)
    x = g.node("Relu", "relu7", [g.gemm("fc1", x, 512 * 4 * 4, 1024)])
    return g.gemm("fc2", x, 1024, 10)


_VGG16_CFG: tuple[int | str, ...] = (
    64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"
)  # fmt: skip


def _vgg16(g: _Graph, x: str) -> str:
    """torchvision vgg16 (no BN).  AdaptiveAvgPool(7x7) is the identity at
    224x224 input and is omitted; the Dropout nodes are kept."""
    cin, i = 3, 0
    for v in _VGG16_CFG:
        if v == "M":
            x = g.max_pool(f"features.{i}", x, 2, 2)
            i += 1
        else:
            assert isinstance(v, int)
            x = g.node("Relu", f"features.{i + 1}", [g.conv(f"features.{i}", x, cin, v, 3, pad=1)])
            cin, i = v, i + 2
    x = g.node("Flatten", "flatten", [x], axis=1)
    for j, (fin, fout) in enumerate(((512 * 7 * 7, 4096), (4096, 4096))):
        x = g.node("Relu", f"classifier.{3 * j + 1}", [g.gemm(f"classifier.{3 * j}", x, fin, fout)])
        x = g.node("Dropout", f"classifier.{3 * j + 2}", [x])
    return g.gemm("classifier.6", x, 4096, 1000)


_VIT_DIM, _VIT_HEADS, _VIT_MLP, _VIT_LAYERS, _VIT_TOKENS = 768, 12, 3072, 12, 197


def _vit_block(g: _Graph, p: str, x: str) -> str:
    """Pre-LN encoder block with explicit multi-head attention."""
    d, h, n = _VIT_DIM, _VIT_HEADS, _VIT_TOKENS
    heads, merged = g.shape([1, n, h, d // h]), g.shape([1, n, d])
    y = g.layer_norm(f"{p}.ln_1", x, d, rank=3)

    def split_heads(role: str, perm: list[int]) -> str:
        proj = g.linear(f"{p}.attn.{role}", y, d, d)
        return g.node(
            "Transpose",
            f"{p}.attn.{role}_t",
            [g.node("Reshape", f"{p}.attn.{role}_heads", [proj, heads])],
            perm=perm,
        )

    q = split_heads("q", [0, 2, 1, 3])  # 1 x h x n x 64
    k = split_heads("k", [0, 2, 3, 1])  # 1 x h x 64 x n (K^T)
    v = split_heads("v", [0, 2, 1, 3])
    scores = g.node(
        "Mul",
        f"{p}.attn.scale",
        [g.node("MatMul", f"{p}.attn.qk", [q, k]), g.scalar(1 / math.sqrt(d // h))],
    )
    attn = g.softmax(f"{p}.attn.softmax", scores, rank=4)
    ctx = g.node(
        "Transpose",
        f"{p}.attn.context_t",
        [g.node("MatMul", f"{p}.attn.context", [attn, v])],
        perm=[0, 2, 1, 3],
    )
    ctx = g.node("Reshape", f"{p}.attn.merge_heads", [ctx, merged])
    x = g.node("Add", f"{p}.add_1", [x, g.linear(f"{p}.attn.out", ctx, d, d)])
    y = g.layer_norm(f"{p}.ln_2", x, d, rank=3)
    y = g.linear(f"{p}.mlp.fc1", y, d, _VIT_MLP)
    y = g.linear(f"{p}.mlp.fc2", g.gelu(f"{p}.mlp.gelu", y), _VIT_MLP, d)
    return g.node("Add", f"{p}.add_2", [x, y])


def _vit_b16(g: _Graph, x: str) -> str:
    """torchvision vit_b_16: 16x16 patches of a 224x224 image, 12 blocks of
    width 768, class token, learned position embedding, Gemm head."""
    d, n = _VIT_DIM, _VIT_TOKENS
    x = g.conv("conv_proj", x, 3, d, 16, stride=16)  # 1 x 768 x 14 x 14
    x = g.node("Reshape", "patch_flatten", [x, g.shape([1, d, n - 1])])
    x = g.node("Transpose", "patch_tokens", [x], perm=[0, 2, 1])  # 1 x 196 x 768
    x = g.node(
        "Concat", "concat_class_token", [g.param("class_token", [1, 1, d], "embedding"), x], axis=1
    )
    x = g.node(
        "Add",
        "encoder.add_pos_embedding",
        [x, g.param("encoder.pos_embedding", [1, n, d], "embedding")],
    )
    for i in range(_VIT_LAYERS):
        x = _vit_block(g, f"encoder.{i}", x)
    x = g.layer_norm("encoder.ln", x, d, rank=3)
    x = g.node(
        "Gather", "select_class_token", [x, g.const("index.0", np.array(0, np.int64))], axis=1
    )
    return g.gemm("heads.head", x, d, 1000)


def _small_cnn(g: _Graph, x: str) -> str:
    """Many op kinds in few MACs (~9k parameters) for fast end-to-end tests:
    conv+BN+Relu, depthwise conv, residual Add, MaxPool, strided conv + Clip
    (ReLU6) next to an AveragePool branch, channel Concat, 1x1 conv,
    GlobalAveragePool, Flatten, Gemm, Softmax."""
    s = g.conv_bn("stem.conv", "stem.bn", x, 3, 16, 3, pad=1, relu="stem.relu")  # 16x32x32
    dw = g.node("Relu", "dw.relu", [g.conv("dw.conv", s, 16, 16, 3, pad=1, group=16)])
    x = g.max_pool("pool", g.node("Add", "residual.add", [dw, s]), 2, 2)  # 16x16x16
    a = g.clip("branch_a.relu6", g.conv("branch_a.conv", x, 16, 32, 3, stride=2, pad=1), 0.0, 6.0)
    b = g.node("AveragePool", "branch_b.avgpool", [x], kernel_shape=[2, 2], strides=[2, 2])
    x = g.node("Concat", "concat", [a, b], axis=1)  # 48x8x8
    x = g.node("Relu", "mix.relu", [g.conv("mix.conv", x, 48, 64, 1)])
    x = g.node("Flatten", "flatten", [g.node("GlobalAveragePool", "gap", [x])], axis=1)
    return g.softmax("softmax", g.gemm("fc", x, 64, 10), rank=2)


def _mlp(g: _Graph, x: str) -> str:
    """784-256-128-10 MLP; fc2 is MatMul+Add so both dense-layer forms occur."""
    x = g.node("Relu", "relu1", [g.gemm("fc1", x, 784, 256)])
    x = g.node("Relu", "relu2", [g.linear("fc2", x, 256, 128)])
    return g.softmax("softmax", g.gemm("fc3", x, 128, 10), rank=2)


def _conv_relu(g: _Graph, x: str) -> str:
    """The CIM-MLC paper's worked example: 32 3x3 filters, stride 1, pad 1, bias."""
    return g.node("Relu", "relu", [g.conv("conv", x, 3, 32, 3, pad=1)])


@dataclass(frozen=True)
class _Spec:
    build: Callable[[_Graph, str], str]
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    summary: str


_IMAGENET, _CIFAR = (1, 3, 224, 224), (1, 3, 32, 32)
_SPECS: dict[str, _Spec] = {
    "resnet18": _Spec(_resnet((2, 2, 2, 2), False), _IMAGENET, (1, 1000), "torchvision ResNet-18"),
    "resnet34": _Spec(_resnet((3, 4, 6, 3), False), _IMAGENET, (1, 1000), "torchvision ResNet-34"),
    "resnet50": _Spec(
        _resnet((3, 4, 6, 3), True), _IMAGENET, (1, 1000), "torchvision ResNet-50 (v1.5)"
    ),
    "resnet101": _Spec(
        _resnet((3, 4, 23, 3), True), _IMAGENET, (1, 1000), "torchvision ResNet-101 (v1.5)"
    ),
    "vgg7": _Spec(_vgg7, _CIFAR, (1, 10), "CIFAR VGG-7 (TWN/BWN)"),
    "vgg16": _Spec(_vgg16, _IMAGENET, (1, 1000), "torchvision VGG-16 (no BN)"),
    "vit_b16": _Spec(_vit_b16, _IMAGENET, (1, 1000), "ViT-B/16 (torchvision vit_b_16)"),
    "small_cnn": _Spec(_small_cnn, _CIFAR, (1, 10), "small CNN covering many op kinds"),
    "mlp": _Spec(_mlp, (1, 784), (1, 10), "784-256-128-10 MLP"),
    "conv_relu": _Spec(
        _conv_relu, _CIFAR, (1, 32, 32, 32), "CIM-MLC worked example: Conv 3x3x32 + Relu"
    ),
}

MODELS: tuple[str, ...] = tuple(_SPECS)
CNN_MODELS: tuple[str, ...] = tuple(
    m for m in MODELS if m.startswith(("resnet", "vgg")) or m in ("small_cnn", "conv_relu")
)


def _check_options(name: str, form: str, opset: int) -> _Spec:
    if name not in _SPECS:
        raise ValueError(f"unknown model {name!r}; valid names: {', '.join(MODELS)}")
    if form not in FORMS:
        raise ValueError(f"unknown form {form!r}; valid forms: {', '.join(FORMS)}")
    if not MIN_OPSET <= opset <= MAX_OPSET:
        raise ValueError(f"opset {opset} outside the supported range {MIN_OPSET}..{MAX_OPSET}")
    return _SPECS[name]


def build(
    name: str,
    form: str = "light",
    *,
    opset: int = 17,
    seed: int = 0,
    initializers_as_inputs: bool = False,
) -> onnx.ModelProto:
    """Build zoo model ``name`` (graph input ``input``, output ``output``).

    ``seed`` only affects the random form.  ``initializers_as_inputs`` also
    lists every initializer in ``graph.input``, as pre-IR-v4 exporters did
    (a no-op for the light form, which has no initializers).
    """
    spec = _check_options(name, form, opset)
    g = _Graph(form, opset, seed)
    out = spec.build(g, "input")
    last = g.nodes[-1]
    assert last.output[0] == out and not any(out in n.input for n in g.nodes)
    last.output[0] = "output"

    inputs = [helper.make_tensor_value_info("input", TensorProto.FLOAT, spec.input_shape)]
    if initializers_as_inputs:
        inputs += [
            helper.make_tensor_value_info(t.name, t.data_type, t.dims) for t in g.initializers
        ]
    graph = helper.make_graph(
        g.nodes,
        name,
        inputs,
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, spec.output_shape)],
        initializer=g.initializers,
    )
    opsets = [helper.make_opsetid("", opset)]
    model = helper.make_model(
        graph, opset_imports=opsets, producer_name=_PRODUCER, producer_version="1"
    )
    model.ir_version = helper.find_min_ir_version_for(opsets)
    seed_note = f", seed {seed}" if form == "random" else ""
    model.doc_string = f"{spec.summary}; {form} form, opset {opset}{seed_note}"
    return model


def count_parameters(model: onnx.ModelProto, *, include_buffers: bool = True) -> int:
    """Elements of all initializers and ConstantOfShape outputs.  With
    ``include_buffers=False`` BatchNorm running statistics are left out, which
    gives the figure torch (and the papers) report."""
    g = model.graph
    shapes = {
        n.output[0]: numpy_helper.to_array(n.attribute[0].t)
        for n in g.node
        if n.op_type == "Constant" and n.attribute[0].name == "value"
    }
    sizes = {t.name: math.prod(t.dims) for t in g.initializer}
    sizes |= {
        n.output[0]: int(np.prod(shapes[n.input[0]]))
        for n in g.node
        if n.op_type == "ConstantOfShape"
    }
    return sum(
        size
        for name, size in sizes.items()
        if include_buffers or not name.endswith(_BUFFER_SUFFIXES)
    )


# -- files ------------------------------------------------------------------


def cache_file_name(
    name: str,
    form: str = "light",
    *,
    opset: int = 17,
    seed: int = 0,
    initializers_as_inputs: bool = False,
) -> str:
    """File name encoding every option that affects the content."""
    parts = [name, form, f"opset{opset}"]
    if form == "random":
        parts.append(f"seed{seed}")
    if initializers_as_inputs:
        parts.append("iai")
    return ".".join(parts) + f".v{_CACHE_VERSION}.onnx"


def _save_atomic(model: onnx.ModelProto, path: Path) -> None:
    """Write via a temp file and os.replace so concurrent writers never expose
    a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Not mkstemp: its 0600 mode would leak into the final file.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "xb") as f:
            f.write(model.SerializeToString())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def zoo_path(
    name: str,
    form: str = "light",
    *,
    opset: int = 17,
    seed: int = 0,
    initializers_as_inputs: bool = False,
    cache_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """Path of the cached model file, building and writing it on first use.
    Default cache: ``<repo>/.cache/zoo`` (git-ignored)."""
    _check_options(name, form, opset)
    options = dict(opset=opset, seed=seed, initializers_as_inputs=initializers_as_inputs)
    path = Path(cache_dir if cache_dir is not None else DEFAULT_CACHE_DIR) / cache_file_name(
        name, form, **options
    )
    if not path.exists():
        _save_atomic(build(name, form, **options), path)
    return path


# -- command line -----------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One-line errors (argparse's default also prints the usage)."""
        self.exit(2, f"{self.prog}: error: {message}\n")


def _opset(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid opset {text!r}") from None
    if not MIN_OPSET <= value <= MAX_OPSET:
        raise argparse.ArgumentTypeError(f"opset {value} outside {MIN_OPSET}..{MAX_OPSET}")
    return value


def _human(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    return f"{size / 1024:.1f} KiB" if size < 1024**2 else f"{size / 1024**2:.1f} MiB"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(
        prog="model_zoo.py",
        description="Write ONNX models with the layer shapes of well-known networks.",
    )
    parser.add_argument("models", nargs="*", metavar="MODEL", help="models to write (default: all)")
    parser.add_argument(
        "--out", type=Path, default=Path("zoo"), help="output directory (default: ./zoo)"
    )
    parser.add_argument("--form", choices=(*FORMS, "both"), default="light", help="default: light")
    parser.add_argument(
        "--opset", type=_opset, default=17, help=f"{MIN_OPSET}..{MAX_OPSET} (default: 17)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the random form (default: 0)")
    parser.add_argument(
        "--initializers-as-inputs",
        action="store_true",
        help="also list initializers in graph.input",
    )
    parser.add_argument("--list", action="store_true", help="list the model names and exit")
    args = parser.parse_args(argv)

    if args.list:
        for name in MODELS:
            print(f"{name:<10} {_SPECS[name].summary}")
        return 0
    unknown = [m for m in args.models if m not in _SPECS]
    if unknown:
        parser.error(f"unknown model {', '.join(unknown)}; valid names: {', '.join(MODELS)}")
    forms = FORMS if args.form == "both" else (args.form,)
    for name in args.models or MODELS:
        for form in forms:
            model = build(
                name,
                form,
                opset=args.opset,
                seed=args.seed,
                initializers_as_inputs=args.initializers_as_inputs,
            )
            path = args.out / (f"{name}.onnx" if len(forms) == 1 else f"{name}.{form}.onnx")
            _save_atomic(model, path)
            print(f"{path}  {_human(path.stat().st_size)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
