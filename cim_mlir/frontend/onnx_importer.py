"""ONNX model -> ``onnx`` dialect module.

``import_onnx`` returns ``builtin.module { func.func @main(...) {...} }`` with
one ``onnx.*`` op per ONNX node (a few old-opset forms expand into several),
static tensor types from ``onnx.shape_inference`` and weights as
``onnx.Constant`` (``#cim.splat`` / ``dense`` / ``#cim.blob``, see
:mod:`cim_mlir.weights`).  Every problem with the input is a
:class:`~cim_mlir.diagnostics.FrontendError` with a one-line cause.

Steps: load (external data only from the model's folder) -> reference check ->
``onnx.checker`` -> opset and operator support -> ``--input-shape`` overrides
-> shape inference -> IR construction (:mod:`._graph_builder`, which also brings
each node to the newest, opset <= 21, signature).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import onnx
from onnx.external_data_helper import (
    ExternalDataInfo,
    load_external_data_for_model,
    uses_external_data,
)
from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.ir import Attribute

from cim_mlir.diagnostics import FrontendError
from cim_mlir.dialects.onnx import OPS_BY_TYPE, SUPPORTED_OPS, TENSOR_TYPES_BY_ONNX
from cim_mlir.frontend._graph_builder import GraphBuilder

MIN_OPSET, MAX_OPSET = 9, 21
"""Default-domain opsets the importer accepts."""

_DEFAULT_DOMAINS = ("", "ai.onnx")


# --------------------------------------------------------------------------------------
# Public API.
# --------------------------------------------------------------------------------------


def parse_input_shapes(specs: Sequence[str]) -> dict[str, list[int]]:
    """``["x=1x3x224x224", ...]`` (``--input-shape`` values) -> ``{"x": [1, 3, 224, 224]}``."""
    shapes: dict[str, list[int]] = {}
    for spec in specs:
        name, eq, dims = spec.rpartition("=")
        if not eq or not name:
            raise FrontendError(f"expected NAME=DIMS (e.g. input=1x3x224x224), got '{spec}'",
                                "--input-shape")
        parts = re.split(r"[x,]", dims.strip()) if dims.strip() else []
        if not parts or not all(p.strip().isdigit() and int(p) > 0 for p in parts):
            raise FrontendError(f"dims of '{name}' must be positive integers separated by "
                                f"'x' (e.g. 1x3x224x224), got '{dims}'", "--input-shape")
        if name in shapes:
            raise FrontendError(f"input '{name}' is given twice", "--input-shape")
        shapes[name] = [int(p) for p in parts]
    return shapes


def import_onnx(source: str | Path | onnx.ModelProto, *,
                input_shapes: Mapping[str, Sequence[int]] | None = None) -> ModuleOp:
    """Import an ONNX model (file or ModelProto) as an ``onnx`` dialect module."""
    model = _load(source)
    graph = model.graph
    _check_references(graph)
    _check_attribute_values(graph)
    try:
        onnx.checker.check_model(model)
    except onnx.checker.ValidationError as e:
        raise FrontendError(f"invalid ONNX model: {_first_line(e)}") from None
    opset = _default_opset(model)
    _check_supported(model)
    inputs = _set_input_shapes(graph, input_shapes or {})
    try:
        inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True, data_prop=True)
    except (onnx.shape_inference.InferenceError, onnx.checker.ValidationError) as e:
        raise FrontendError(f"shape inference failed: {_first_line(e)}") from None
    types = _ValueTypes(inferred.graph, inputs)
    return GraphBuilder(inferred.graph, inputs, types, opset).build()


# --------------------------------------------------------------------------------------
# Loading and validation.
# --------------------------------------------------------------------------------------


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def _load(source: str | Path | onnx.ModelProto) -> onnx.ModelProto:
    if isinstance(source, onnx.ModelProto):
        model = onnx.ModelProto()
        model.CopyFrom(source)
        _load_external_data(model, None)
        return model
    path = Path(source)
    if not path.is_file():
        raise FrontendError("no such file" if not path.exists() else "not a file", str(path))
    try:
        model = onnx.load(path, load_external_data=False)
    except Exception as e:  # protobuf DecodeError, RuntimeWarning-as-error, ...
        raise FrontendError(f"not an ONNX model ({_first_line(e)})", str(path)) from None
    if not model.HasField("graph") or not model.opset_import:
        raise FrontendError("not an ONNX model (no graph or no opset_import)", str(path))
    _load_external_data(model, path.parent)
    return model


def _all_tensors(graph: onnx.GraphProto) -> Iterator[onnx.TensorProto]:
    yield from graph.initializer
    for node in graph.node:
        for attr in node.attribute:
            if attr.HasField("t"):
                yield attr.t
            yield from attr.tensors
            if attr.HasField("g"):
                yield from _all_tensors(attr.g)
            for sub in attr.graphs:
                yield from _all_tensors(sub)


def _load_external_data(model: onnx.ModelProto, folder: Path | None) -> None:
    """Load external tensor data, only from files inside the model's folder."""
    external = [t for t in _all_tensors(model.graph) if uses_external_data(t)]
    if not external:
        return
    if folder is None:
        raise FrontendError(f"tensor '{external[0].name}' keeps its data in an external file "
                            f"('{ExternalDataInfo(external[0]).location}'); import the model "
                            "from its file so the data can be found")
    root = folder.resolve()
    for tensor in external:
        location = ExternalDataInfo(tensor).location
        where = f"tensor '{tensor.name}'"
        target = (root / location).resolve()
        if Path(location).is_absolute() or ".." in Path(location).parts or \
                not target.is_relative_to(root):
            raise FrontendError(f"external data location '{location}' is outside the model's "
                                f"folder {root}; refusing to read it", where)
        if not target.is_file():
            raise FrontendError(f"external data file '{location}' does not exist in {root}",
                                where)
    try:
        load_external_data_for_model(model, str(root))
    except (OSError, ValueError) as e:
        raise FrontendError(f"cannot load external data: {_first_line(e)}") from None


def _check_references(graph: onnx.GraphProto) -> None:
    """Every node input is a graph input, an initializer or some node's output."""
    known = {i.name for i in graph.input} | {t.name for t in graph.initializer}
    known |= {o for node in graph.node for o in node.output if o}
    for k, node in enumerate(graph.node):
        for name in node.input:
            if name and name not in known:
                raise FrontendError(
                    f"input '{name}' of node '{node.name or f'#{k}'}' ({node.op_type}) is "
                    "neither a graph input, an initializer nor the output of a node")


_UNSUPPORTED_ATTRIBUTES: dict[tuple[str, str], tuple[Callable[[Any], bool], str]] = {
    # (op type, attribute): (is the value unsupported?, why)
    ("BatchNormalization", "training_mode"): (lambda v: v != 0, "inference only"),
    ("BatchNormalization", "spatial"): (lambda v: v != 1, "per-activation statistics"),
    ("Constant", "sparse_value"): (lambda v: True, "sparse tensors"),
    ("Constant", "value_string"): (lambda v: True, "string tensors"),
    ("Constant", "value_strings"): (lambda v: True, "string tensors"),
}


def _check_attribute_values(graph: onnx.GraphProto) -> None:
    """Refuse attribute values the compiler does not implement (before shape inference,
    which would fail on some of them with a less clear message).

    BatchNormalization ``spatial=1``, the only meaning opset >= 9 has, is dropped
    (old exporters still write it; the checker would reject it).
    """
    for k, node in enumerate(graph.node):
        if node.domain not in _DEFAULT_DOMAINS:
            continue
        for attr in list(node.attribute):
            rule = _UNSUPPORTED_ATTRIBUTES.get((node.op_type, attr.name))
            if rule is None:
                continue
            value = onnx.helper.get_attribute_value(attr)
            if rule[0](value):
                shown = f"={value}" if isinstance(value, int | float) else ""
                raise FrontendError(f"attribute {attr.name}{shown} is not supported ({rule[1]})",
                                    f"node '{node.name or f'#{k}'}' ({node.op_type})")
            if attr.name == "spatial":
                node.attribute.remove(attr)


def _default_opset(model: onnx.ModelProto) -> int:
    versions = [o.version for o in model.opset_import if o.domain in _DEFAULT_DOMAINS]
    if not versions:
        raise FrontendError("the model imports no default-domain (ai.onnx) opset")
    if not MIN_OPSET <= versions[0] <= MAX_OPSET:
        raise FrontendError(f"opset {versions[0]} is not supported; supported opsets are "
                            f"{MIN_OPSET} to {MAX_OPSET}")
    return versions[0]


def _check_supported(model: onnx.ModelProto) -> None:
    """One error listing every node with an unsupported operator or domain."""
    versions = {o.domain or "": o.version for o in model.opset_import}
    bad = []
    for k, node in enumerate(model.graph.node):
        domain = "" if node.domain in _DEFAULT_DOMAINS else node.domain
        if domain == "" and node.op_type in OPS_BY_TYPE:
            continue
        version = versions.get(domain, versions.get("ai.onnx", "?")) if domain == "" \
            else versions.get(domain, "?")
        op = f"{domain}.{node.op_type}" if domain else node.op_type
        bad.append(f"{node.name or f'#{k}'} ({op}, opset {version})")
    if bad:
        raise FrontendError(f"unsupported operators: {', '.join(bad)}; supported "
                            f"(ai.onnx domain): {', '.join(SUPPORTED_OPS)}")


def _dims_text(dims: Sequence[int | str | None]) -> str:
    return "x".join("?" if d is None else str(d) for d in dims)


def _proto_dims(value: onnx.ValueInfoProto) -> list[int | str | None] | None:
    """Dims of a tensor value (int, dim_param name or None); None if rank unknown."""
    ttype = value.type.tensor_type
    if not ttype.HasField("shape"):
        return None
    return [d.dim_value if d.HasField("dim_value") else (d.dim_param or None)
            for d in ttype.shape.dim]


def _set_input_shapes(graph: onnx.GraphProto,
                      shapes: Mapping[str, Sequence[int]]) -> list[onnx.ValueInfoProto]:
    """Apply ``--input-shape`` overrides; return the graph inputs that are real arguments.

    Inputs that are also initializers (old exporters) are constants, not arguments.
    """
    initializers = {t.name for t in graph.initializer}
    inputs = [i for i in graph.input if i.name not in initializers]
    by_name = {i.name: i for i in inputs}
    for name, dims in shapes.items():
        if name not in by_name:
            raise FrontendError(f"the model has no input '{name}'; its inputs are "
                                f"{', '.join(by_name) or 'none'}", "--input-shape")
        declared = _proto_dims(by_name[name])
        if declared is not None and len(declared) != len(dims):
            raise FrontendError(f"input '{name}' has rank {len(declared)} "
                                f"({_dims_text(declared)}), got {len(dims)} dims "
                                f"({_dims_text(dims)})", "--input-shape")
        shape = by_name[name].type.tensor_type.shape
        shape.ClearField("dim")
        for d in dims:
            shape.dim.add().dim_value = int(d)
    for value in inputs:
        dims = _proto_dims(value)
        if dims is None or not all(isinstance(d, int) and d > 0 for d in dims):
            example = "1x3x224x224" if dims is None else \
                "x".join(str(d) if isinstance(d, int) and d > 0 else "1" for d in dims)
            shown = "unknown rank" if dims is None else _dims_text(dims)
            raise FrontendError(
                f"graph input '{value.name}' has a dynamic shape ({shown}); give a static "
                f"one with --input-shape {value.name}={example}")
    return inputs


class _ValueTypes:
    """Static tensor types of values, from shape inference (see ``GraphBuilder``)."""

    def __init__(self, graph: onnx.GraphProto, inputs: Sequence[onnx.ValueInfoProto]):
        self._infos = {v.name: v.type for v in (*graph.value_info, *graph.output, *graph.input)}
        self._producer = {o: node for node in graph.node for o in node.output if o}
        self._inputs = inputs
        self._initializers = {t.name: t for t in graph.initializer}

    def _what(self, name: str) -> str:
        producer = self._producer.get(name)
        return f"value '{name}'" + (f" (output of node '{producer.name}' ({producer.op_type}))"
                                    if producer is not None else "")

    @staticmethod
    def element_type(onnx_type: int, what: str) -> Attribute:
        if onnx_type not in TENSOR_TYPES_BY_ONNX:
            name = onnx.TensorProto.DataType.Name(onnx_type) if onnx_type in \
                onnx.TensorProto.DataType.values() else str(onnx_type)
            raise FrontendError(f"{what} has element type {name}, which is not supported "
                                "(supported: FLOAT, FLOAT16, DOUBLE, INT64, INT32, INT8, "
                                "UINT8, BOOL)")
        return TENSOR_TYPES_BY_ONNX[onnx_type]

    def from_proto(self, type_proto: onnx.TypeProto | None, name: str) -> TensorType | None:
        """The static tensor type, None if the shape is not fully known."""
        if type_proto is None or not type_proto.HasField("tensor_type"):
            if type_proto is not None and type_proto.WhichOneof("value") is not None:
                raise FrontendError(f"{self._what(name)} is not a tensor; sequences, maps and "
                                    "optionals are not supported")
            return None
        ttype = type_proto.tensor_type
        if not ttype.elem_type or not ttype.HasField("shape") or \
                not all(d.HasField("dim_value") for d in ttype.shape.dim):
            return None
        return TensorType(self.element_type(ttype.elem_type, self._what(name)),
                          [d.dim_value for d in ttype.shape.dim])

    def lookup(self, name: str) -> TensorType | None:
        if name in self._initializers:
            t = self._initializers[name]
            return TensorType(self.element_type(t.data_type, f"initializer '{name}'"),
                              list(t.dims))
        return self.from_proto(self._infos.get(name), name)

    def unresolved(self, name: str) -> FrontendError:
        info = self._infos.get(name)
        dims = None
        if info is not None and info.tensor_type.HasField("shape"):
            dims = [d.dim_value if d.HasField("dim_value") else (d.dim_param or None)
                    for d in info.tensor_type.shape.dim]
        shown = "unknown rank" if dims is None else _dims_text(dims)
        inputs = ", ".join(f"{i.name}={_dims_text(_proto_dims(i) or [])}" for i in self._inputs)
        return FrontendError(
            f"{self._what(name)} has no static shape after shape inference ({shown}); the "
            "shape must not depend on runtime data. Give static input shapes with "
            f"--input-shape NAME=DxDx... (current inputs: {inputs or 'none'})")
