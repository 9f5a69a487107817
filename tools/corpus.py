#!/usr/bin/env python3
"""The real-graph corpus: torchvision and transformers models exported to ONNX.

Nobody in this project writes these graphs: they are what users bring (opset
17, batch 1, static shapes, random weights).  Two forms:

``full``
    The exported model with its random weights, written by ``build`` into
    ``.cache/corpus/`` (hundreds of MB; needs the ``corpus`` extra: torch,
    torchvision, transformers, onnxscript).
``skeleton``
    The same graph with every large float initializer replaced by its
    statistics (mean, std, min, max, kept in the model's metadata), committed
    under ``tests/corpus/`` (2 MB in all).  :func:`materialize` draws seeded
    weights with those statistics back in, so tests and the report run the
    real graphs without torch; BatchNorm variances stay positive because
    draws are clipped to the recorded range, and a constant-initialised
    matrix (a zero-init classifier head) gets fan-in scaled weights so that
    outputs, and so checks, are not constant.

Command line::

    python tools/corpus.py build [--out DIR] [MODEL ...]   # needs torch
    python tools/corpus.py skeleton [MODEL ...]            # full -> tests/corpus
    python tools/corpus.py materialize MODEL [--out FILE]  # skeleton -> model
    python tools/corpus.py --list
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

REPO_ROOT = Path(__file__).resolve().parent.parent
FULL_DIR = REPO_ROOT / ".cache" / "corpus"
SKELETON_DIR = REPO_ROOT / "tests" / "corpus"
OPSET = 17
KEEP_ELEMENTS = 64
"""Initializers up to this size (shape constants, scalars) are kept verbatim."""
_STATS_KEY = "cim_mlir.corpus.stats"

# name -> (family, what to export); family "vision": (1, 3, 224, 224) float input.
VISION = ["resnet18", "resnet50", "vgg11", "alexnet", "googlenet", "densenet121",
          "squeezenet1_1", "shufflenet_v2_x1_0", "mobilenet_v2", "mobilenet_v3_small",
          "efficientnet_b0", "mnasnet1_0", "regnet_y_400mf", "convnext_tiny", "vit_b_16",
          "swin_t"]
OLD_OPSET = {"resnet50_opset9": "resnet50", "densenet121_opset9": "densenet121",
             "shufflenet_v2_opset9": "shufflenet_v2_x1_0", "inception_v3_opset9": "inception_v3"}
"""Public model-zoo style graphs: opset 9, BatchNormalization kept as its own node
(no constant folding into the convolutions), as the ONNX model zoo's old graphs are."""
TEXT = ["bert_mini", "gpt2_mini"]
"""BERT-style encoder and GPT-2-style decoder: 2 layers, hidden 256, 4 heads, seq 128."""
MODELS = VISION + list(OLD_OPSET) + TEXT
SEQ = 128


# --------------------------------------------------------------------------------------
# Export (torch side).
# --------------------------------------------------------------------------------------


def _torch_model(name: str):  # type: ignore[no-untyped-def]
    """The torch module and its example input for ``name`` (random init, eval)."""
    import torch

    torch.manual_seed(0)
    if name in VISION or name in OLD_OPSET:
        import torchvision

        arch = OLD_OPSET.get(name, name)
        kwargs = {"aux_logits": False, "init_weights": True} \
            if arch in ("googlenet", "inception_v3") else {}
        model = getattr(torchvision.models, arch)(weights=None, **kwargs)
        size = 299 if arch == "inception_v3" else 224
        return model.eval(), (torch.randn(1, 3, size, size),), ["input"]
    import transformers

    common = dict(hidden_size=256, num_hidden_layers=2, num_attention_heads=4,
                  intermediate_size=1024, vocab_size=1000, max_position_embeddings=SEQ)
    if name == "bert_mini":
        config = transformers.BertConfig(**common, attn_implementation="eager")
        model = transformers.BertModel(config, add_pooling_layer=True)
    elif name == "gpt2_mini":
        config = transformers.GPT2Config(n_embd=256, n_layer=2, n_head=4, n_inner=1024,
                                         vocab_size=1000, n_positions=SEQ,
                                         attn_implementation="eager", use_cache=False)
        model = transformers.GPT2Model(config)
    else:
        raise KeyError(name)
    ids = torch.randint(0, 1000, (1, SEQ), dtype=torch.int64)

    class Wrapped(torch.nn.Module):
        """input_ids -> last hidden state (no cache, no dict outputs)."""

        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
            return self.inner(input_ids=input_ids, use_cache=False, return_dict=True
                              ).last_hidden_state if name == "gpt2_mini" else \
                self.inner(input_ids=input_ids, return_dict=True).last_hidden_state

    return Wrapped(model).eval(), (ids,), ["input_ids"]


def export(name: str, out: Path) -> Path:
    """Export ``name`` to ``out`` (opset 17, or 9 for OLD_OPSET; batch 1, static shapes)."""
    import torch

    model, args, inputs = _torch_model(name)
    out.parent.mkdir(parents=True, exist_ok=True)
    old = name in OLD_OPSET
    with torch.no_grad():
        try:  # the TorchScript exporter: what most published graphs come from
            torch.onnx.export(model, args, str(out), opset_version=9 if old else OPSET,
                              input_names=inputs, output_names=["output"], dynamo=False,
                              do_constant_folding=not old)
        except torch.onnx.errors.UnsupportedOperatorError:
            # e.g. transformers' mask building (aten::diff): the dynamo exporter
            # at its native opset 18, then onnx's version converter to 17 (asked for
            # 17 directly it labels the graph 17 but keeps opset-18 Split attributes)
            torch.onnx.export(model, args, str(out), opset_version=18,
                              input_names=inputs, output_names=["output"], dynamo=True,
                              external_data=False, optimize=True)
            onnx.save(_down_to_17(onnx.load(out)), out)
    model_proto = onnx.load(out)
    onnx.checker.check_model(model_proto)
    return out


_REDUCE_AXES_INPUT_18 = {"ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL2",
                         "ReduceL1", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"}


def _down_to_17(model: onnx.ModelProto) -> onnx.ModelProto:
    """Opset 18 -> 17 for what the dynamo exporter emits (onnx's version converter
    has no Split adapter): Split ``num_outputs`` becomes explicit sizes, Reduce*
    ``axes`` inputs become attributes."""
    inferred = onnx.shape_inference.infer_shapes(model)
    shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
              for v in (*inferred.graph.value_info, *inferred.graph.input,
                        *inferred.graph.output)}
    consts = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type == "Constant" and node.attribute and node.attribute[0].name == "value":
            consts[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
    for k, node in enumerate(model.graph.node):
        attrs = {a.name: a for a in node.attribute}
        if node.op_type == "Split" and "num_outputs" in attrs:
            n = attrs["num_outputs"].i
            axis = attrs["axis"].i if "axis" in attrs else 0
            dim = shapes[node.input[0]][axis]
            chunk = -(-dim // n)
            sizes = [min(chunk, dim - i * chunk) for i in range(n)]
            name = f"{node.name or k}_split_sizes"
            model.graph.initializer.append(numpy_helper.from_array(np.array(sizes, np.int64),
                                                                   name))
            node.attribute.remove(attrs["num_outputs"])
            del node.input[1:]
            node.input.append(name)
        elif node.op_type in _REDUCE_AXES_INPUT_18 and len(node.input) > 1 and node.input[1]:
            axes = consts[node.input[1]].reshape(-1).tolist()
            del node.input[1:]
            node.attribute.append(onnx.helper.make_attribute("axes", [int(a) for a in axes]))
    for opset in model.opset_import:
        if opset.domain in ("", "ai.onnx"):
            opset.version = OPSET
    return model


# --------------------------------------------------------------------------------------
# Skeletons (no torch).
# --------------------------------------------------------------------------------------


def skeleton(model: onnx.ModelProto) -> onnx.ModelProto:
    """The model with large float initializers replaced by their statistics."""
    out = onnx.ModelProto()
    out.CopyFrom(model)
    # Exporters also put weights in Constant nodes: make large ones initializers.
    for node in list(out.graph.node):
        if node.op_type == "Constant" and len(node.attribute) == 1 and \
                node.attribute[0].name == "value":
            tensor = node.attribute[0].t
            value = numpy_helper.to_array(tensor)
            if value.size > KEEP_ELEMENTS and value.dtype.kind == "f":
                out.graph.initializer.append(numpy_helper.from_array(value, node.output[0]))
                out.graph.node.remove(node)
    for node in out.graph.node:  # exporter provenance (stack traces): not the graph
        del node.metadata_props[:]
        node.doc_string = ""
    stats: dict[str, dict] = {}
    kept = []
    for tensor in out.graph.initializer:
        value = numpy_helper.to_array(tensor)
        if value.size <= KEEP_ELEMENTS or value.dtype.kind != "f":
            kept.append(tensor)
            continue
        v = value.astype(np.float64)
        stats[tensor.name] = {"dims": list(value.shape), "dtype": int(tensor.data_type),
                              "mean": float(v.mean()), "std": float(v.std()),
                              "min": float(v.min()), "max": float(v.max())}
    del out.graph.initializer[:]
    out.graph.initializer.extend(kept)
    # Keep the graph valid on its own: the stripped tensors become graph inputs'
    # twins in value_info would not do (onnx.checker wants initializers), so the
    # statistics travel in the metadata and materialize() puts tensors back.
    entry = out.metadata_props.add()
    entry.key, entry.value = _STATS_KEY, json.dumps(stats, sort_keys=True)
    return out


def materialize(model: onnx.ModelProto, seed: int = 0, light: bool = False
                ) -> onnx.ModelProto:
    """Seeded weights with the skeleton's statistics (a no-op on a full model).

    ``light``: every weight is instead a ``ConstantOfShape`` fill with its mean
    (as the zoo's light form): tiny and fast to compile, for shapes, mapping
    and cost, not numerics.
    """
    meta = {p.key: p.value for p in model.metadata_props}
    if _STATS_KEY not in meta:
        return model
    out = onnx.ModelProto()
    out.CopyFrom(model)
    rng = np.random.default_rng(seed)
    stats = json.loads(meta[_STATS_KEY])
    if light:
        fills = []
        for name in sorted(stats):
            s = stats[name]
            dtype = onnx.helper.tensor_dtype_to_np_dtype(s["dtype"])
            shape = numpy_helper.from_array(np.array(s["dims"], np.int64), f"{name}.shape")
            fill = numpy_helper.from_array(np.array([s["mean"]], dtype), f"{name}.fill")
            fills.append(onnx.helper.make_node("Constant", [], [f"{name}.shape"],
                                               value=shape, name=f"{name}.shape"))
            fills.append(onnx.helper.make_node("ConstantOfShape", [f"{name}.shape"], [name],
                                               value=fill, name=name))
        nodes = fills + list(out.graph.node)
        del out.graph.node[:]
        out.graph.node.extend(nodes)
        stats = {}
    for name in sorted(stats):
        s = stats[name]
        dtype = onnx.helper.tensor_dtype_to_np_dtype(s["dtype"])
        if s["std"] == 0 and len(s["dims"]) >= 2:
            # A constant-initialised matrix (torchvision zero-inits ViT's head): a
            # check against it could not fail, so draw a fan-in scaled one instead.
            fan_in = int(np.prod(s["dims"][1:]))
            value = rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=s["dims"])
        else:
            value = rng.normal(s["mean"], s["std"], size=s["dims"])
            value = np.clip(value, s["min"], s["max"])
        value = value.astype(dtype)
        out.graph.initializer.append(numpy_helper.from_array(value, name))
    keep = [p for p in out.metadata_props if p.key != _STATS_KEY]
    del out.metadata_props[:]
    out.metadata_props.extend(keep)
    return out


def skeleton_path(name: str) -> Path:
    return SKELETON_DIR / f"{name}.onnx"


def load(name: str, seed: int = 0, light: bool = False) -> onnx.ModelProto:
    """A corpus model by name: the committed skeleton with seeded weights (the same
    graph as the full export, whose own weights are not needed), or light fills."""
    return materialize(onnx.load(skeleton_path(name)), seed, light)


def save_materialized(name: str, out: Path, seed: int = 0) -> Path:
    """Write a runnable corpus model (weights as one external-data file beside it
    when it is larger than protobuf's 2 GB limit allows inline)."""
    model = load(name, seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    large = model.ByteSize() > 1_500_000_000
    onnx.save(model, out, save_as_external_data=large,
              location=f"{out.name}.data" if large else None)
    return out


# --------------------------------------------------------------------------------------
# Command line.
# --------------------------------------------------------------------------------------


def _names(given: list[str]) -> list[str]:
    unknown = sorted(set(given) - set(MODELS))
    if unknown:
        raise SystemExit(f"corpus: unknown model(s) {', '.join(unknown)}; "
                         f"choose from {', '.join(MODELS)}")
    return given or MODELS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="list the corpus models")
    sub = parser.add_subparsers(dest="command")
    b = sub.add_parser("build", help="export full models (needs torch, torchvision, "
                       "transformers: pip install -e '.[corpus]')")
    b.add_argument("models", nargs="*")
    b.add_argument("--out", type=Path, default=FULL_DIR)
    s = sub.add_parser("skeleton", help="strip built models' weights into tests/corpus")
    s.add_argument("models", nargs="*")
    m = sub.add_parser("materialize", help="write a runnable model with seeded weights")
    m.add_argument("model")
    m.add_argument("--out", type=Path)
    m.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.list or args.command is None:
        print("\n".join(MODELS))
        return 0
    actions: dict[str, Callable[[], None]] = {}
    if args.command == "build":
        try:
            import torch  # noqa: F401
        except ImportError:
            raise SystemExit("corpus build needs torch, torchvision and transformers: "
                             "pip install -e '.[corpus]'") from None
        for name in _names(args.models):
            path = export(name, args.out / f"{name}.onnx")
            print(f"{name}: {path} ({path.stat().st_size / 1e6:.1f} MB)")
    elif args.command == "skeleton":
        for name in _names(args.models):
            full = onnx.load(FULL_DIR / f"{name}.onnx")
            SKELETON_DIR.mkdir(parents=True, exist_ok=True)
            onnx.save(skeleton(full), skeleton_path(name))
            print(f"{name}: {skeleton_path(name)} "
                  f"({skeleton_path(name).stat().st_size / 1e3:.0f} KB)")
    elif args.command == "materialize":
        (name,) = _names([args.model])
        out = args.out or Path(f"{name}.onnx")
        save_materialized(name, out, args.seed)
        print(out)
    del actions
    return 0


if __name__ == "__main__":
    sys.exit(main())
