"""How a logical (ONNX) tensor is laid out in a flat buffer.

4-D feature maps are stored channels-last (``nhwc``: each pixel's channels
are contiguous, so a conv window row is contiguous and an output pixel is one
MVM result); everything else is row-major.  The code generator computes
addresses with these rules and the interpreter converts with them, so the two
never disagree.  No xDSL here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

NHWC = "nhwc"
ROWMAJOR = "rowmajor"


def layout_for(shape: Sequence[int]) -> str:
    return NHWC if len(shape) == 4 else ROWMAJOR


def physical_shape(shape: Sequence[int], layout: str) -> tuple[int, ...]:
    if layout == NHWC:
        n, c, h, w = shape
        return (n, h, w, c)
    return tuple(shape)


def to_physical(array: np.ndarray, layout: str) -> np.ndarray:
    """Logical tensor -> flat buffer contents."""
    if layout == NHWC:
        array = array.transpose(0, 2, 3, 1)
    return np.ascontiguousarray(array).reshape(-1)


def from_physical(flat: np.ndarray, shape: Sequence[int], layout: str) -> np.ndarray:
    """Flat buffer contents -> logical tensor."""
    if layout == NHWC:
        n, c, h, w = shape
        return flat.reshape(n, h, w, c).transpose(0, 3, 1, 2)
    return flat.reshape(tuple(shape))


def same_bytes(src_shape: Sequence[int], src_layout: str,
               dst_shape: Sequence[int], dst_layout: str) -> bool:
    """Whether a reshape between these is a no-op on the buffer (an alias)."""
    if math.prod(src_shape) != math.prod(dst_shape):
        return False

    def row_major_equivalent(shape: Sequence[int], layout: str) -> bool:
        # nhwc equals row-major when at most one of C and H*W is larger than 1.
        return layout == ROWMAJOR or shape[1] == 1 or shape[2] * shape[3] == 1

    return row_major_equivalent(src_shape, src_layout) and \
        row_major_equivalent(dst_shape, dst_layout)
