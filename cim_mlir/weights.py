"""Constant tensors: how weights live in the IR without bloating its text.

Three representations, chosen by :func:`to_attr`:

* ``#cim.splat<v : tensor<...>>`` for constant fills (the zoo's light models),
  O(1) in memory and text;
* builtin ``dense<...>`` for small tensors (at most ``INLINE_LIMIT`` elements);
* ``#cim.blob<"key" : tensor<...>>`` for everything else: the bytes go to a
  content-addressed store on disk (``$CIM_MLIR_WEIGHTS`` or
  ``~/.cache/cim-mlir/weights``) keyed by a hash of dtype, shape and data, so
  the text stays small (ResNet-50 prints in well under 1 MB), printing is
  deterministic and any pass that derives a new tensor (BatchNorm folding) can
  store it the same way.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
from xdsl.dialects.builtin import (
    AnyFloat,
    DenseIntOrFPElementsAttr,
    Float16Type,
    Float32Type,
    Float64Type,
    IntegerType,
    Signedness,
    TensorType,
    i1,
)
from xdsl.ir import Attribute

from cim_mlir.diagnostics import WeightStoreError

INLINE_LIMIT = 64
"""Largest non-splat tensor printed inline."""

_NP_OF_WIDTH_FLOAT = {16: np.float16, 32: np.float32, 64: np.float64}


def numpy_dtype(element_type: Attribute) -> np.dtype:
    if isinstance(element_type, Float16Type | Float32Type | Float64Type):
        return np.dtype(_NP_OF_WIDTH_FLOAT[element_type.bitwidth])
    if isinstance(element_type, IntegerType):
        width = element_type.width.data
        if width == 1:
            return np.dtype(np.bool_)
        unsigned = element_type.signedness.data == Signedness.UNSIGNED
        return np.dtype(f"{'u' if unsigned else ''}int{width}")
    raise WeightStoreError(f"unsupported tensor element type {element_type}")


def element_type_of(dtype: np.dtype) -> Attribute:
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return i1
    if dtype.kind == "f":
        return {2: Float16Type(), 4: Float32Type(), 8: Float64Type()}[dtype.itemsize]
    if dtype.kind in "iu":
        sign = Signedness.UNSIGNED if dtype.kind == "u" else Signedness.SIGNLESS
        return IntegerType(dtype.itemsize * 8, sign)
    raise WeightStoreError(f"unsupported numpy dtype {dtype}")


class WeightStore:
    """Content-addressed storage of large constant tensors."""

    def __init__(self, root: Path | None = None):
        self._root = root
        self._memory: dict[str, np.ndarray] = {}

    @property
    def root(self) -> Path:
        if self._root is not None:
            return self._root
        env = os.environ.get("CIM_MLIR_WEIGHTS")
        return Path(env) if env else Path.home() / ".cache" / "cim-mlir" / "weights"

    @staticmethod
    def key_of(array: np.ndarray) -> str:
        h = hashlib.blake2b(digest_size=12)
        h.update(f"{array.dtype.str}{array.shape}".encode())
        h.update(np.ascontiguousarray(array).tobytes())
        return h.hexdigest()

    def put(self, array: np.ndarray) -> str:
        array = np.ascontiguousarray(array)
        key = self.key_of(array)
        if key not in self._memory:
            self._memory[key] = array
            path = self.root / f"{key}.npy"
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                with open(tmp, "wb") as f:
                    np.save(f, array, allow_pickle=False)
                os.replace(tmp, path)
        return key

    def get(self, key: str) -> np.ndarray:
        if key in self._memory:
            return self._memory[key]
        path = self.root / f"{key}.npy"
        if not path.exists():
            raise WeightStoreError(
                f"weight blob '{key}' is not in the weight store {self.root}; the IR "
                "refers to weights imported on another machine or with another "
                "CIM_MLIR_WEIGHTS; re-import the ONNX model to restore them"
            )
        array = np.load(path, allow_pickle=False)
        self._memory[key] = array
        return array


STORE = WeightStore()


def to_attr(array: np.ndarray, store: WeightStore | None = None) -> Attribute:
    """The most compact attribute holding ``array``."""
    from cim_mlir.dialects.cim import BlobAttr, SplatAttr

    array = np.asarray(array)
    ttype = TensorType(element_type_of(array.dtype), array.shape)
    flat = array.reshape(-1)
    if flat.size > 1 and (flat == flat[0]).all():
        return SplatAttr.from_value(flat[0].item(), ttype)
    if flat.size <= INLINE_LIMIT:
        if isinstance(ttype.element_type, AnyFloat):
            return DenseIntOrFPElementsAttr.from_list(ttype, [float(x) for x in flat])
        return DenseIntOrFPElementsAttr.from_list(ttype, [int(x) for x in flat])
    return BlobAttr.from_key((store or STORE).put(array), ttype)


def to_array(attr: Attribute, store: WeightStore | None = None) -> np.ndarray:
    """The numpy value of a constant attribute (splat, dense or blob)."""
    from cim_mlir.dialects.cim import BlobAttr, SplatAttr

    if isinstance(attr, SplatAttr):
        return attr.to_array()
    if isinstance(attr, BlobAttr):
        array = (store or STORE).get(attr.key.data)
        if tuple(array.shape) != tuple(attr.type.get_shape()):
            raise WeightStoreError(
                f"weight blob '{attr.key.data}' has shape {array.shape}, the IR says "
                f"{attr.type}")
        return array
    if isinstance(attr, DenseIntOrFPElementsAttr):
        dtype = numpy_dtype(attr.get_element_type())
        shape = attr.get_shape()
        values = np.frombuffer(attr.data.data, dtype=dtype) if dtype != np.bool_ else \
            np.array(attr.get_values(), dtype=np.bool_)
        if values.size == 1 and int(np.prod(shape)) != 1:
            return np.full(shape, values[0], dtype=dtype)
        return values.reshape(shape).copy()
    raise WeightStoreError(f"not a constant tensor attribute: {attr}")


def tensor_type_of(attr: Attribute) -> TensorType:
    """The tensor type of a constant attribute."""
    from cim_mlir.dialects.cim import BlobAttr, SplatAttr

    if isinstance(attr, SplatAttr | BlobAttr):
        return attr.type
    if isinstance(attr, DenseIntOrFPElementsAttr):
        return TensorType(attr.get_element_type(), attr.get_shape())
    raise WeightStoreError(f"not a constant tensor attribute: {attr}")
