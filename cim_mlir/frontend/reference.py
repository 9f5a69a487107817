"""Reference executor of ``onnx`` dialect modules: the semantic oracle.

Runs ``func.func @main`` op by op with :func:`cim_mlir.kernels.evaluate`, the
same numpy kernels constant folding uses, so comparing its results with
onnxruntime shows that import and canonicalization preserve semantics.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, StringAttr, TensorType
from xdsl.ir import SSAValue

from cim_mlir.dialects.onnx import ConstantOp, NoValueOp, OnnxOp, constant_value
from cim_mlir.frontend._graph_builder import ARG_NAME_ATTR
from cim_mlir.weights import numpy_dtype


def main_function(module: ModuleOp) -> func.FuncOp:
    for op in module.ops:
        if isinstance(op, func.FuncOp) and op.sym_name.data == "main":
            return op
    raise ValueError("the module has no func.func @main")


def input_names(main: func.FuncOp) -> list[str]:
    """The ONNX names of @main's arguments (``onnx.name`` arg attribute, else the SSA hint)."""
    names = []
    for i, arg in enumerate(main.body.block.args):
        attrs = main.arg_attrs.data[i].data if main.arg_attrs is not None else {}
        name = attrs.get(ARG_NAME_ATTR)
        names.append(name.data if isinstance(name, StringAttr) else arg.name_hint or f"arg{i}")
    return names


def run_reference(module: ModuleOp,
                  inputs: Mapping[str, np.ndarray] | Sequence[np.ndarray]) -> list[np.ndarray]:
    """Execute @main on ``inputs`` (by ONNX input name, or positionally); return its results."""
    from cim_mlir.kernels import evaluate

    from cim_mlir.inputs import order_inputs

    main = main_function(module)
    args = main.body.block.args
    names = input_names(main)
    arrays = order_inputs(names, inputs)

    env: dict[SSAValue, np.ndarray | None] = {}
    for arg, name, array in zip(args, names, arrays):
        assert isinstance(arg.type, TensorType)
        want = tuple(arg.type.get_shape())
        array = np.asarray(array, dtype=numpy_dtype(arg.type.element_type))
        if array.shape != want:
            raise ValueError(f"input '{name}' must have shape {want}, got {array.shape}")
        env[arg] = array

    for op in main.body.block.ops:
        if isinstance(op, func.ReturnOp):
            return [np.asarray(env[v]) for v in op.operands]
        if isinstance(op, ConstantOp):
            env[op.output] = constant_value(op.output)
        elif isinstance(op, NoValueOp):
            env[op.none] = None
        elif isinstance(op, OnnxOp):
            outputs = evaluate(op.onnx_op_type, [env[v] for v in op.operands],
                               op.onnx_attributes())
            for result, value in zip(op.results, outputs, strict=True):
                env[result] = value
        else:
            raise ValueError(f"the reference executor cannot run '{op.name}'")
    raise ValueError("@main has no func.return")
