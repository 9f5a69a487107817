"""Matching user inputs to a model's named inputs (one rule for every runner)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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
