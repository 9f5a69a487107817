"""Tiny ONNX graphs for tests: seeded random weights as initializers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Graph:
    """A tiny ONNX graph builder with seeded random weights as initializers."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = np.random.default_rng(seed)
        self.nodes: list = []
        self.inits: list = []
        self.inputs: list = []
        self.n = 0

    def input(self, name: str, shape: list[int]) -> str:
        self.inputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, shape))
        return name

    def weight(self, shape: list[int]) -> str:
        self.n += 1
        name = f"w{self.n}"
        value = (self.rng.standard_normal(shape) * 0.3).astype(np.float32)
        self.inits.append(numpy_helper.from_array(value, name))
        return name

    def node(self, op: str, inputs: list[str], **attrs) -> str:
        self.n += 1
        out = f"{op.lower()}{self.n}"
        self.nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    def conv(self, x: str, cin: int, cout: int, k: int, stride: int = 1, group: int = 1,
             dilation: int = 1, pads: list[int] | None = None, bias: bool = True) -> str:
        pads = pads if pads is not None else [dilation * (k // 2)] * 4
        inputs = [x, self.weight([cout, cin // group, k, k])]
        if bias:
            inputs.append(self.weight([cout]))
        return self.node("Conv", inputs, kernel_shape=[k, k], strides=[stride, stride],
                         pads=pads, group=group, dilations=[dilation, dilation])

    def save(self, out: str, path: Path) -> Path:
        graph = helper.make_graph(self.nodes, "g", self.inputs,
                                  [helper.make_tensor_value_info(out, TensorProto.FLOAT, None)],
                                  initializer=self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        inferred = onnx.shape_inference.infer_shapes(model)
        model.graph.output[0].CopyFrom(inferred.graph.output[0])
        onnx.save(model, path)
        return path

    def save_with_reference(self, out: str, path: Path, seed: int = 1
                            ) -> tuple[Path, dict[str, np.ndarray], np.ndarray]:
        """Save the model, draw seeded random inputs and run onnxruntime on them:
        (path, feeds, the reference output)."""
        import onnxruntime as ort

        self.save(out, path)
        rng = np.random.default_rng(seed)
        feeds = {vi.name: rng.standard_normal([d.dim_value for d in
                                               vi.type.tensor_type.shape.dim]).astype(np.float32)
                 for vi in self.inputs}
        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        (ref,) = session.run(None, feeds)
        return path, feeds, ref
