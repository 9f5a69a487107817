"""Matching user inputs to a model's named inputs, and drawing random ones (one rule
for every runner)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


def order_inputs(names: Sequence[str],
                 inputs: Mapping[str, np.ndarray] | Sequence[np.ndarray],
                 error: type[Exception] = ValueError) -> list[np.ndarray]:
    """``inputs`` by name (exactly ``names``) or positionally, in ``names`` order."""
    if isinstance(inputs, Mapping):
        missing = [n for n in names if n not in inputs]
        unknown = sorted(set(inputs) - set(names))
        if missing or unknown:
            raise error(f"the inputs are {list(names)}; missing {missing}, unknown {unknown}")
        return [inputs[n] for n in names]
    arrays = list(inputs)
    if len(arrays) != len(names):
        raise error(f"{len(names)} input(s) expected ({', '.join(names)}), got {len(arrays)}")
    return arrays


@dataclass(frozen=True)
class InputSpec:
    """What a random input for one graph input must look like."""

    name: str
    shape: list[int]
    dtype: np.dtype
    high: int | None = None
    """Integer inputs: values are drawn from [0, high) (token ids inside the
    embedding table they index); None for float inputs."""


_INDEX_PASSTHROUGH = {"Cast", "Reshape", "Unsqueeze", "Squeeze", "Flatten", "Identity",
                      "Expand", "Slice"}
"""Ops that keep index values as they are (token ids reach a Gather through them)."""


def input_specs(model: Any) -> dict[str, InputSpec]:
    """Dtype and valid range of each real input of an ONNX ``model`` (a ModelProto).

    An integer input is an index: if it reaches the indices of a Gather (through
    casts and reshapes) its values must stay below that table's size on the
    gathered axis; otherwise (masks, flags) they are drawn from {0, 1}.
    """
    from onnx import TensorProto, helper

    onnx_int64 = TensorProto.INT64
    graph = model.graph
    inits = {t.name: list(t.dims) for t in graph.initializer}
    shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
              for v in (*graph.value_info, *graph.input, *graph.output)}
    shapes.update(inits)
    from onnx import numpy_helper

    for node in graph.node:  # Constant tables, and fills of a constant shape
        if node.op_type == "Constant" and node.attribute and node.attribute[0].name == "value":
            shapes[node.output[0]] = list(node.attribute[0].t.dims)
            if node.attribute[0].t.data_type == onnx_int64 and len(shapes[node.output[0]]) == 1:
                dims = numpy_helper.to_array(node.attribute[0].t)
                shapes[f"{node.output[0]}#value"] = [int(d) for d in dims]
        elif node.op_type == "ConstantOfShape" and f"{node.input[0]}#value" in shapes:
            shapes[node.output[0]] = shapes[f"{node.input[0]}#value"]
    users: dict[str, list[Any]] = {}
    for node in graph.node:
        for name in node.input:
            users.setdefault(name, []).append(node)

    def table_size(value: str, seen: set[str]) -> int | None:
        sizes = []
        for node in users.get(value, []):
            if node.op_type == "Gather" and len(node.input) > 1 and node.input[1] == value:
                axis = next((a.i for a in node.attribute if a.name == "axis"), 0)
                dims = shapes.get(node.input[0])
                if dims and -len(dims) <= axis < len(dims) and dims[axis] > 0:
                    sizes.append(dims[axis])
            elif node.op_type in _INDEX_PASSTHROUGH and node.input[0] == value:
                for out in node.output:
                    if out and out not in seen:
                        seen.add(out)
                        found = table_size(out, seen)
                        if found is not None:
                            sizes.append(found)
        return min(sizes) if sizes else None

    out: dict[str, InputSpec] = {}
    for value in graph.input:
        if value.name in inits:
            continue
        ttype = value.type.tensor_type
        dtype = np.dtype(helper.tensor_dtype_to_np_dtype(ttype.elem_type))
        shape = [d.dim_value for d in ttype.shape.dim]
        high = None
        if dtype.kind in "iub":
            high = 2 if dtype.kind == "b" else (table_size(value.name, {value.name}) or 2)
        out[value.name] = InputSpec(value.name, shape, dtype, high)
    return out


def random_input(spec: InputSpec, rng: np.random.Generator) -> np.ndarray:
    """A seeded random input: standard normal floats, or integers in [0, high)."""
    if spec.high is None:
        return rng.standard_normal(spec.shape).astype(spec.dtype)
    return rng.integers(0, spec.high, size=spec.shape).astype(spec.dtype)
