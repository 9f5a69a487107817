"""Executable flows: an xDSL interpreter for ``cim.mop`` meta-operator flows.

>>> result = run_flow(module, [x])                     # exact float64
>>> result = run_flow(module, [x], numerics="int")     # int8 CIM arithmetic
>>> y = result.outputs[0]

``module`` is a ``builtin.module`` holding a ``cim.mop.flow`` and the
``#cim.arch`` it was compiled for.  See docs/interpreter.md for the machine
model, the semantics of every meta-op, the numerics and the batching rule.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from xdsl.dialects.builtin import ModuleOp
from xdsl.interpreter import Interpreter
from xdsl.ir import Operation

from cim_mlir.arch import Arch
from cim_mlir.diagnostics import CimError
from cim_mlir.dialects.cim import get_arch
from cim_mlir.dialects.mop import FlowOp
from cim_mlir.interpreter.functions import FlowAbort, MopFunctions, op_weight
from cim_mlir.interpreter.machine import Machine, MachineStats
from cim_mlir.interpreter.numerics import (
    IntNumerics,
    Numerics,
    NumericsStats,
    adc_wide_enough,
    make_numerics,
)

__all__ = [
    "FlowResult",
    "FlowRunError",
    "MopFunctions",
    "adc_wide_enough",
    "find_flow",
    "flow_inputs",
    "run_flow",
]

NUMERICS = ("exact", "int", "int-ref")


class FlowRunError(CimError):
    """A flow that cannot run (bad inputs, no flow, no arch)."""


@dataclass
class FlowResult:
    outputs: list[np.ndarray]
    """The flow's outputs in order, logical (ONNX) shapes, float64."""
    names: list[str]
    numerics: str
    """Description of the numerics used."""
    stats: MachineStats
    numerics_stats: NumericsStats
    ranges: dict[str, float] = field(default_factory=dict)
    """Calibrated max |input| per layer (exact runs record them; int runs use them)."""
    arch: Arch | None = None

    def output(self, name: str) -> np.ndarray:
        return self.outputs[self.names.index(name)]


def find_flow(module: Operation) -> FlowOp:
    if isinstance(module, FlowOp):
        return module
    for op in module.walk():
        if isinstance(op, FlowOp):
            return op
    raise FlowRunError("the module holds no cim.mop.flow (compile it with --cim-mlc)")


def _top(op: Operation) -> Operation:
    while op.parent_op() is not None:
        op = op.parent_op()  # type: ignore[assignment]
    return op


def flow_inputs(flow: FlowOp) -> list[tuple[str, list[int]]]:
    return [(b.tensor.data, list(b.get("shape"))) for b in flow.inputs.data]


def _bind_inputs(flow: FlowOp, inputs: Sequence[np.ndarray] | Mapping[str, np.ndarray]
                 ) -> list[tuple[Any, np.ndarray]]:
    from cim_mlir.inputs import order_inputs

    bufs = list(flow.inputs.data)
    arrays = order_inputs([b.tensor.data for b in bufs], inputs, FlowRunError)
    bound = []
    for buf, array in zip(bufs, arrays):
        array = np.asarray(array)
        shape = list(buf.get("shape"))
        if list(array.shape) != shape:
            raise FlowRunError(f"input '{buf.tensor.data}' has shape {list(array.shape)}, the "
                               f"flow expects {shape}")
        if array.dtype.kind not in "fiub":
            raise FlowRunError(f"input '{buf.tensor.data}' has dtype {array.dtype}, expected "
                               "a numeric tensor")
        bound.append((buf, array.astype(np.float64)))
    return bound


def _progress_sink(progress: Any, total: int, desc: str) -> tuple[Callable[[int], None] | None,
                                                                  Callable[[], None]]:
    if progress is None or progress is False:
        return None, lambda: None
    if progress is True:
        from tqdm import tqdm

        bar = tqdm(total=total, desc=desc, unit="op", file=sys.stderr,
                   disable=not sys.stderr.isatty(), leave=False, mininterval=0.2)
        return bar.update, bar.close
    if hasattr(progress, "update"):
        return progress.update, lambda: None
    if callable(progress):
        return progress, lambda: None
    raise TypeError("progress must be None, a bool, a tqdm-like object or a callable")


def _execute(module: Operation, flow: FlowOp, arch: Arch, bound: list, numerics: Numerics,
             batching: bool, progress: Callable[[int], None] | None
             ) -> tuple[list[np.ndarray], Machine]:
    machine = Machine(arch, flow.l0_used.data, numerics, batching)
    functions = MopFunctions(machine, progress, bound)
    top = _top(module)
    interp = Interpreter(top if isinstance(top, ModuleOp) else ModuleOp([]))
    interp.register_implementations(functions)
    try:
        interp.run_op(flow, ())
    except FlowAbort as abort:
        error = abort.error
        raise error.with_traceback(error.__traceback__) from None
    return functions.outputs, machine


def run_flow(module: Operation, inputs: Sequence[np.ndarray] | Mapping[str, np.ndarray], *,
             numerics: str | Numerics = "exact", progress: Any = None, batching: bool = True,
             weight_scale: str = "channel", bitlevel: str = "auto",
             ranges: Mapping[str, float] | None = None, arch: Arch | None = None) -> FlowResult:
    """Execute the module's ``cim.mop.flow`` on ``inputs``.

    numerics
        ``exact`` (float64), ``int`` (int8 CIM arithmetic: bit-sliced cells,
        bit-serial DAC inputs, ADC saturation) or ``int-ref`` (the integer
        reference ``x_q @ W_q`` with the same quantisation).  The integer modes
        calibrate per-tensor activation ranges with an exact run of the same
        flow on the same inputs unless ``ranges`` is given.
    progress
        None/False, True (a tqdm bar on stderr when it is a terminal), a
        tqdm-like object or a callable taking the number of meta-ops done.
    batching
        Run counted loops as one batched step when that is safe (False: every
        iteration on its own; results are identical).
    weight_scale
        ``channel`` (per output channel) or ``tensor`` weight scales.
    bitlevel
        ``auto`` or ``always`` (simulate every ADC conversion explicitly).
    """
    flow = find_flow(module)
    if arch is None:
        top = _top(flow)
        arch = get_arch(top) if isinstance(top, ModuleOp) else None
    if arch is None:
        raise FlowRunError("the module has no #cim.arch; the interpreter builds its machine "
                           "from it (compile with --arch)")
    bound = _bind_inputs(flow, inputs)
    names = [b.tensor.data for b in flow.outputs.data]
    kind = numerics if isinstance(numerics, str) else None
    if kind is not None and kind not in NUMERICS:
        raise FlowRunError(f"unknown numerics '{kind}' (expected {', '.join(NUMERICS)})")
    total = op_weight(flow)
    runs = 2 if kind in ("int", "int-ref") and ranges is None else 1
    sink, close = _progress_sink(progress, total * runs, f"cim-run {kind or 'custom'}")
    try:
        if kind in ("int", "int-ref") and ranges is None:
            calib = Numerics()
            calib.calibrate()
            _execute(module, flow, arch, bound, calib, batching, sink)
            ranges = calib.ranges or {}
        if kind == "exact":
            num: Numerics = Numerics()
            num.calibrate()
        elif kind is not None:
            num = make_numerics(kind, arch, dict(ranges or {}), weight_scale=weight_scale,
                                bitlevel=bitlevel)
        else:
            num = numerics  # type: ignore[assignment]
        outputs, machine = _execute(module, flow, arch, bound, num, batching, sink)
    finally:
        close()
    got = num.ranges if num.ranges is not None else \
        (num.input_ranges if isinstance(num, IntNumerics) else {})
    return FlowResult(outputs, names, num.describe(), machine.stats, num.stats,
                      dict(got or {}), arch)


def relative_error(y: np.ndarray, ref: np.ndarray) -> float:
    y = np.asarray(y, np.float64).reshape(-1)
    ref = np.asarray(ref, np.float64).reshape(-1)
    norm = float(np.linalg.norm(ref))
    diff = float(np.linalg.norm(y - ref))
    return diff / norm if norm > 0 else (0.0 if diff == 0 else math.inf)


def cosine(y: np.ndarray, ref: np.ndarray) -> float:
    y = np.asarray(y, np.float64).reshape(-1)
    ref = np.asarray(ref, np.float64).reshape(-1)
    ny, nr = float(np.linalg.norm(y)), float(np.linalg.norm(ref))
    if ny == 0 or nr == 0:
        return 1.0 if ny == nr else 0.0
    return float(np.dot(y, ref) / (ny * nr))
