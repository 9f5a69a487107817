"""Builds ``func.func @main`` from a validated, shape-inferred ONNX graph.

This is also where old opset forms are brought to the newest (<= 21)
signature of each operator, so the ``onnx`` dialect has one form per op:

* attributes that later became inputs (Clip min/max, Pad pads/value, Slice
  starts/ends/axes, Split split, Squeeze/Unsqueeze/ReduceMean axes, Dropout
  ratio) become ``onnx.Constant`` operands;
* Softmax before opset 13 (coerce to 2-D around ``axis``) becomes Softmax on
  the last axis when ``axis`` is the last one, else Flatten -> Softmax ->
  Reshape, which is the old definition verbatim;
* Conv/MaxPool/AveragePool get explicit kernel_shape/strides/pads/dilations
  (``auto_pad`` resolved by :func:`cim_mlir.kernels.resolve_pads`);
* Constant ``value_float``/``value_ints``/... become one ``value`` tensor.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import onnx
from onnx import AttributeProto, numpy_helper
from xdsl.dialects import func
from xdsl.dialects.builtin import (
    ArrayAttr,
    DictionaryAttr,
    IntegerType,
    ModuleOp,
    StringAttr,
    TensorType,
)
from xdsl.ir import Block, Region, SSAValue
from xdsl.irdl import VarOperandDef, VarResultDef
from xdsl.utils.exceptions import VerifyException

from cim_mlir.diagnostics import CimError, FrontendError
from cim_mlir.dialects.onnx import (
    OPS_BY_TYPE,
    TENSOR_TYPES_BY_ONNX,
    ConstantOp,
    NoValueOp,
    OnnxOp,
    ShapeOp,
    attr_from_value,
    constant_value,
    control_value,
    shape_of,
)
from cim_mlir.weights import numpy_dtype, to_attr

ARG_NAME_ATTR = "onnx.name"
"""Argument attribute of ``@main`` holding the ONNX graph input name."""

KNOWN_LIMIT = 4096
"""Largest integer tensor whose value the builder tracks for shape inference."""

_PROPAGATED = frozenset({"Gather", "Unsqueeze", "Squeeze", "Concat", "Slice", "Cast", "Add",
                         "Sub", "Mul", "Div", "Reshape", "Flatten", "Identity",
                         "ConstantOfShape"})
"""Ops whose small integer results the builder computes (shape arithmetic)."""


class ValueTypes(Protocol):
    """Where the builder gets static types (onnx.shape_inference's results)."""

    def lookup(self, name: str) -> TensorType | None:
        """The static type of a value, None if its shape is not fully known."""
        ...

    def from_proto(self, type_proto: onnx.TypeProto | None, name: str) -> TensorType | None:
        ...

    def unresolved(self, name: str) -> FrontendError:
        """The error for a value whose shape stays unknown."""
        ...


def sanitize(name: str) -> str | None:
    """An SSA name hint from an ONNX name (``/layer1/Conv_output_0`` -> ``layer1_Conv_output``)."""
    hint = re.sub(r"[^A-Za-z0-9_$.-]", "_", name).lstrip("_.$-")
    if not hint:
        return None
    return f"v{hint}" if hint[0].isdigit() else hint


_ONNX_OF_TYPE = {t: k for k, t in TENSOR_TYPES_BY_ONNX.items()}


@dataclass(frozen=True)
class _AttrInput:
    """An attribute that a later opset turned into an input."""

    attribute: str
    position: int
    dtype: type | None  # None: the element type of input 0
    scalar: bool = False


_ATTRIBUTE_INPUTS: dict[str, tuple[int, tuple[_AttrInput, ...]]] = {
    # op type: (first opset with the input form, moved attributes)
    "Clip": (11, (_AttrInput("min", 1, None, True), _AttrInput("max", 2, None, True))),
    "Pad": (11, (_AttrInput("pads", 1, np.int64), _AttrInput("value", 2, None, True))),
    "Dropout": (12, (_AttrInput("ratio", 1, np.float32, True),)),
    "Slice": (10, (_AttrInput("starts", 1, np.int64), _AttrInput("ends", 2, np.int64),
                   _AttrInput("axes", 3, np.int64))),
    "Split": (13, (_AttrInput("split", 1, np.int64),)),
    "Squeeze": (13, (_AttrInput("axes", 1, np.int64),)),
    "Unsqueeze": (13, (_AttrInput("axes", 1, np.int64),)),
    "ReduceMean": (18, (_AttrInput("axes", 1, np.int64),)),
}


@dataclass
class _Node:
    """One ONNX node on its way into the IR (rules edit attrs and inputs)."""

    name: str
    op_type: str
    version: int
    attrs: dict[str, Any]
    inputs: list[SSAValue | None]
    outputs: list[str]

    @property
    def where(self) -> str:
        return f"node '{self.name}' ({self.op_type})"

    def fail(self, message: str) -> FrontendError:
        return FrontendError(message, self.where)


class GraphBuilder:
    """Translates the nodes of one graph, in order, into one block."""

    def __init__(self, graph: onnx.GraphProto, inputs: Sequence[onnx.ValueInfoProto],
                 types: ValueTypes, opset: int):
        self.graph = graph
        self.inputs = inputs
        self.types = types
        self.opset = opset
        self.known: dict[SSAValue, np.ndarray] = {}
        """Values of small integer tensors (shapes), for per-node shape inference."""
        self.block = Block()
        self.values: dict[str, SSAValue] = {}
        self.initializers = {t.name: t for t in graph.initializer}
        self.used = {name for node in graph.node for name in node.input if name}
        self.used |= {o.name for o in graph.output}
        self.node_names = {node.name for node in graph.node if node.name}
        self.invented: dict[str, int] = {}
        self._none: SSAValue | None = None

    def build(self) -> ModuleOp:
        arg_types = [self.type_of(i.name) for i in self.inputs]
        assert all(t is not None for t in arg_types)  # checked by the importer
        self.block = Block(arg_types=arg_types)
        for arg, value in zip(self.block.args, self.inputs):
            arg.name_hint = sanitize(value.name)
            self.values[value.name] = arg
        for node in self.graph.node:
            self.node(node)
        outputs = [self.value(o.name) for o in self.graph.output]
        assert all(v is not None for v in outputs)
        self.block.add_op(func.ReturnOp(*outputs))
        main = func.FuncOp(
            "main", (arg_types, [v.type for v in outputs]), Region(self.block),
            arg_attrs=ArrayAttr([DictionaryAttr({ARG_NAME_ATTR: StringAttr(i.name)})
                                 for i in self.inputs]))
        return ModuleOp([main])

    # ---- types ---------------------------------------------------------------------
    def type_of(self, name: str) -> TensorType:
        ttype = self.types.lookup(name)
        if ttype is None:
            raise self.types.unresolved(name)
        return ttype

    def result_types(self, node: onnx.NodeProto, n: _Node) -> list[TensorType]:
        """Output types from global shape inference, else from this node alone.

        ONNX propagates shape data (Shape -> Gather -> Concat -> Reshape) only from
        opset 15 on; here the builder's own integer values (``known``) stand in.
        """
        types = [self.types.lookup(o) for o in n.outputs]
        if all(t is not None for t in types):
            return types  # type: ignore[return-value]
        input_types, input_data = {}, {}
        for name in node.input:
            value = self.values.get(name)
            if not name or value is None:
                continue
            assert isinstance(value.type, TensorType)
            elt = _ONNX_OF_TYPE[value.type.element_type]
            input_types[name] = onnx.helper.make_tensor_type_proto(elt, value.type.get_shape())
            if value in self.known:
                input_data[name] = numpy_helper.from_array(self.known[value], name)
        try:
            inferred = onnx.shape_inference.infer_node_outputs(
                onnx.defs.get_schema(n.op_type, self.opset, ""), node, input_types, input_data,
                opset_imports=[onnx.helper.make_opsetid("", self.opset)])
        except (onnx.shape_inference.InferenceError, RuntimeError) as e:
            raise n.fail(f"shape inference failed: {str(e).strip().splitlines()[0]}") from None
        out = []
        for name in n.outputs:
            ttype = self.types.from_proto(inferred.get(name), name)
            if ttype is None:
                raise self.types.unresolved(name)
            out.append(ttype)
        return out

    def track(self, op: OnnxOp) -> None:
        """Record the value of a small integer result (shape arithmetic)."""
        result = op.results[0] if len(op.results) == 1 else None
        if result is None or not isinstance(result.type, TensorType) or \
                not isinstance(result.type.element_type, IntegerType) or \
                math.prod(result.type.get_shape()) > KNOWN_LIMIT:
            return
        if isinstance(op, ConstantOp):
            value = control_value(result)
        elif isinstance(op, ShapeOp):
            value = np.array(op.dims(), np.int64)
        elif op.onnx_op_type in _PROPAGATED and all(
                isinstance(v.owner, NoValueOp) or v in self.known for v in op.operands):
            from cim_mlir.kernels import KernelError, evaluate

            try:
                (value,) = evaluate(op.onnx_op_type, [self.known.get(v) for v in op.operands],
                                    op.onnx_attributes())
            except KernelError:
                return
        else:
            return
        if value is not None:
            self.known[result] = np.asarray(value)

    # ---- values --------------------------------------------------------------------
    def value(self, name: str) -> SSAValue | None:
        """The SSA value of an ONNX value name; None for an absent optional input."""
        if not name:
            return None
        if name not in self.values:
            tensor = self.initializers[name]  # _check_references guarantees it exists
            self.values[name] = self.constant(numpy_helper.to_array(tensor), name, name)
        return self.values[name]

    def constant(self, array: np.ndarray, node_name: str, hint: str | None) -> SSAValue:
        try:
            op = ConstantOp(to_attr(array), node_name)
            op.verify_()
        except (CimError, VerifyException) as e:
            raise FrontendError(f"unsupported constant: {e}", f"tensor '{node_name}'") from None
        op.output.name_hint = sanitize(hint) if hint else None
        self.block.add_op(op)
        self.track(op)
        return op.output

    def none(self) -> SSAValue:
        """The shared ``onnx.NoValue`` of the function."""
        if self._none is None:
            op = NoValueOp()
            self.block.add_op(op)
            self._none = op.none
        return self._none

    def emit(self, n: _Node, op_type: str, name: str, inputs: Sequence[SSAValue | None],
             attrs: dict[str, Any], result_types: Sequence[TensorType],
             hints: Sequence[str]) -> list[SSAValue]:
        """Append one ``onnx.<op_type>`` op and verify it."""
        cls = OPS_BY_TYPE[op_type]
        definition = cls.get_irdl_definition()
        unknown = sorted(set(attrs) - set(definition.properties))
        if unknown:
            raise n.fail(f"attribute '{unknown[0]}' is not supported")
        operands = list(inputs)
        if not any(isinstance(d, VarOperandDef) for _, d in definition.operands):
            if len(operands) > len(definition.operands):
                raise n.fail(f"expected at most {len(definition.operands)} inputs, got "
                             f"{len(operands)}")
            operands += [None] * (len(definition.operands) - len(operands))
        props = {"name": StringAttr(name)} | {k: attr_from_value(v) for k, v in attrs.items()}
        op = cls.create(operands=[self.none() if v is None else v for v in operands],
                        result_types=list(result_types), properties=props)
        for result, hint in zip(op.results, hints):
            result.name_hint = sanitize(hint)
        self.block.add_op(op)
        try:
            op.verify_()
        except VerifyException as e:
            raise n.fail(f"the imported op does not verify: {e}") from None
        self.track(op)
        return list(op.results)

    # ---- nodes ---------------------------------------------------------------------
    def node_name(self, node: onnx.NodeProto) -> str:
        if node.name:
            return node.name
        base = node.op_type.lower()
        while True:
            k = self.invented.get(base, 0)
            self.invented[base] = k + 1
            if f"{base}_{k}" not in self.node_names:
                self.node_names.add(f"{base}_{k}")
                return f"{base}_{k}"

    def node(self, node: onnx.NodeProto) -> None:
        op_type = node.op_type
        name = self.node_name(node)
        where = f"node '{name}' ({op_type})"
        version = onnx.defs.get_schema(op_type, self.opset, "").since_version
        n = _Node(name, op_type, version,
                  {a.name: _attribute_value(a, where) for a in node.attribute},
                  [self.value(i) for i in node.input], list(node.output))
        variadic = any(isinstance(d, VarResultDef)
                       for _, d in OPS_BY_TYPE[op_type].get_irdl_definition().results)
        if not variadic:
            for i, extra in enumerate(n.outputs[1:], 1):
                if extra and extra in self.used:
                    raise n.fail(f"output #{i} ('{extra}') is used, but only the first output "
                                 f"of {op_type} is supported (the others are training-only "
                                 "or indices)")
            n.outputs = n.outputs[:1]
        self.attributes_to_inputs(n)
        rule = _RULES.get(op_type)
        results = rule(self, n) if rule is not None else None
        if results is None:
            results = self.emit(n, op_type, name, n.inputs, n.attrs,
                                self.result_types(node, n), n.outputs)
        for output, result in zip(n.outputs, results):
            self.values[output] = result

    def attributes_to_inputs(self, n: _Node) -> None:
        """Move attributes of old opsets into constant inputs at their new positions."""
        upgrade = _ATTRIBUTE_INPUTS.get(n.op_type)
        if upgrade is None or n.version >= upgrade[0]:
            return
        for moved in upgrade[1]:
            if moved.attribute not in n.attrs:
                continue
            value = n.attrs.pop(moved.attribute)
            x = n.inputs[0]
            assert x is not None and isinstance(x.type, TensorType)
            dtype = moved.dtype or numpy_dtype(x.type.element_type)
            array = np.array(value, dtype=dtype)
            array = array.reshape(()) if moved.scalar else array.reshape(-1)
            operand = self.constant(array, f"{n.name}.{moved.attribute}",
                                    f"{n.name}.{moved.attribute}")
            n.inputs += [None] * (moved.position + 1 - len(n.inputs))
            n.inputs[moved.position] = operand


def _attribute_value(attr: AttributeProto, where: str) -> Any:
    """The plain value of an ONNX attribute (tensors as numpy arrays)."""
    kind = attr.type
    if kind == AttributeProto.TENSOR:
        return numpy_helper.to_array(attr.t)
    if kind in (AttributeProto.INT, AttributeProto.FLOAT, AttributeProto.INTS,
                AttributeProto.FLOATS):
        return onnx.helper.get_attribute_value(attr)
    if kind == AttributeProto.STRING:
        return attr.s.decode()
    raise FrontendError(f"attribute '{attr.name}' of type "
                        f"{AttributeProto.AttributeType.Name(kind)} is not supported", where)


# --------------------------------------------------------------------------------------
# Per-operator rules: edit the node in place (return None) or emit it (return results).
# --------------------------------------------------------------------------------------

Rule = Callable[[GraphBuilder, _Node], list[SSAValue] | None]
_RULES: dict[str, Rule] = {}


def _rule(*op_types: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        for op_type in op_types:
            _RULES[op_type] = fn
        return fn

    return register


@_rule("Conv", "MaxPool", "AveragePool")
def _explicit_window(b: GraphBuilder, n: _Node) -> None:
    """Write kernel_shape, strides, pads, dilations (and group) explicitly."""
    from cim_mlir.kernels import KernelError, resolve_pads

    x = n.inputs[0]
    assert x is not None
    spatial = shape_of(x)[2:]
    if "kernel_shape" in n.attrs:
        kernel = list(n.attrs["kernel_shape"])
    else:  # Conv only: the checker requires it for pooling
        w = n.inputs[1]
        assert w is not None
        kernel = list(shape_of(w)[2:])
    strides = list(n.attrs.get("strides") or [1] * len(spatial))
    dilations = list(n.attrs.get("dilations") or [1] * len(spatial))
    auto_pad = n.attrs.pop("auto_pad", "NOTSET") or "NOTSET"
    try:
        pads = resolve_pads(auto_pad, spatial, kernel, strides, dilations, n.attrs.get("pads"))
    except KernelError as e:
        raise n.fail(str(e)) from None
    window = {"kernel_shape": kernel, "strides": strides, "pads": pads, "dilations": dilations}
    if n.op_type == "Conv":
        window = {"group": n.attrs.get("group", 1), **window}
    n.attrs = window | {k: v for k, v in n.attrs.items() if k not in window}


@_rule("Softmax")
def _softmax(b: GraphBuilder, n: _Node) -> list[SSAValue] | None:
    """Before opset 13 Softmax normalized the input coerced to 2-D at ``axis``."""
    if n.version >= 13:
        return None
    x = n.inputs[0]
    assert x is not None and isinstance(x.type, TensorType)
    shape = shape_of(x)
    axis = int(n.attrs.get("axis", 1))
    axis = axis + len(shape) if axis < 0 else axis
    if axis >= len(shape) - 1:  # the 2-D coercion is a no-op
        n.attrs["axis"] = len(shape) - 1
        return None
    out = n.outputs[0]
    flat = TensorType(x.type.element_type, [math.prod(shape[:axis]), math.prod(shape[axis:])])
    (y,) = b.emit(n, "Flatten", f"{n.name}.flatten", [x], {"axis": axis}, [flat], [f"{out}.2d"])
    (y,) = b.emit(n, "Softmax", n.name, [y], {"axis": 1}, [flat], [f"{out}.2d"])
    target = b.constant(np.array(shape, np.int64), f"{n.name}.shape", f"{n.name}.shape")
    return b.emit(n, "Reshape", f"{n.name}.reshape", [y, target], {}, [x.type], [out])


_CONSTANT_FORMS = {"value_float": np.float32, "value_floats": np.float32,
                   "value_int": np.int64, "value_ints": np.int64}


@_rule("Constant")
def _constant(b: GraphBuilder, n: _Node) -> list[SSAValue]:
    """Every Constant form becomes one ``onnx.Constant`` with a tensor ``value``."""
    if len(n.attrs) != 1:
        raise n.fail(f"expected exactly one value attribute, got {sorted(n.attrs) or 'none'}")
    (key, value), = n.attrs.items()
    if key != "value" and key not in _CONSTANT_FORMS:
        raise n.fail(f"attribute '{key}' is not supported")
    array = value if key == "value" else np.array(value, _CONSTANT_FORMS[key])
    return [b.constant(array, n.name, n.outputs[0])]


@_rule("Dropout")
def _dropout(b: GraphBuilder, n: _Node) -> None:
    mode = n.inputs[2] if len(n.inputs) > 2 else None
    if mode is not None:
        value = constant_value(mode)
        if value is None or value.any():
            raise n.fail("input training_mode must be a constant false (inference only)")
