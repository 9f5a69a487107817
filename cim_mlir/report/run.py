"""Compile (or load) and simulate one input: the data behind every report.

Inputs:

* ``MODEL.onnx`` — imported, given the arch (``--arch``, else the default
  arch), driven in ``--computing-mode``, compiled with a pass pipeline
  (default ``cim-mlc``, the one-flag CIM-MLC pipeline) and simulated;
* ``FLOW.mlir`` — a compiled flow (simulated as is; ``--arch`` /
  ``--computing-mode`` replace its ``#cim.arch`` like ``cim-run`` does) or
  uncompiled IR holding ``func.func @main`` (compiled first);
* ``REPORT.json`` — a performance report printed by ``cim-opt -t perf`` (or
  written by ``cim-report``): nothing to compile or simulate.

``cim-mlc`` in a pipeline is expanded into the passes it runs for the arch
(so progress can be shown per pass and the exact pass list is recorded).
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cim_mlir.arch import DEFAULT_ARCH, Arch, ComputingMode, load_arch
from cim_mlir.diagnostics import CimError
from cim_mlir.progress import bar, shown

DEFAULT_PASSES = "cim-mlc"

REQUIRED_KEYS = ("cycles", "lower_bound_cycles", "layers", "peak_active_xbars")
"""Keys a perf JSON must have to be rendered."""


@dataclass
class Evaluation:
    """One simulated schedule and how it was obtained."""

    perf: dict[str, Any]
    """The simulator's JSON report (``PerfReport.to_json()``) plus a ``cim_report`` entry."""
    source: str
    """onnx, mlir (compiled here), flow (an already compiled .mlir) or json."""
    import_seconds: float = 0.0
    compile_seconds: float = 0.0
    """Running the pass pipeline (import excluded)."""
    simulate_seconds: float = 0.0
    remarks: list[str] = field(default_factory=list)
    arch: Arch | None = None
    passes: str | None = None
    """The pipeline as given (e.g. ``cim-mlc{dup=false}``)."""
    expanded: str | None = None
    """The passes that actually ran, ``cim-mlc`` expanded for the arch."""
    ir_ops: int | None = None
    """Operations in the compiled module (the flow's size; design.md §4)."""
    pass_seconds: dict[str, float] = field(default_factory=dict)
    """Seconds per pass (verification included)."""

    @property
    def meta(self) -> dict[str, Any]:
        return self.perf.get("cim_report", {})


def resolve_arch(arch: str | Path | Arch | None, mode: str | ComputingMode | None,
                 current: Arch | None = None) -> tuple[Arch, bool]:
    """The target (and whether it is the default arch), driven in ``mode``."""
    default = False
    if isinstance(arch, Arch):
        target = arch
    elif arch is not None:
        target = load_arch(arch)
    elif current is not None:
        target = current
    else:
        target, default = load_arch(DEFAULT_ARCH), True
    if mode is not None:
        if isinstance(mode, ComputingMode):
            m = mode
        elif str(mode).upper() in ComputingMode.__members__:
            m = ComputingMode[str(mode).upper()]
        else:
            raise CimError(f"unknown computing mode '{mode}' (CM, XBM or WLM)",
                           "--computing-mode")
        try:
            target = target.with_mode(m)
        except ValueError as e:
            raise CimError(str(e), "--computing-mode") from None
    return target, default


def expand_pipeline(spec: str, arch: Arch) -> list[Any]:
    """The pass instances of a pipeline spec, ``cim-mlc`` expanded for ``arch``."""
    from xdsl.passes import PassPipeline

    from cim_mlir.passes.cim_mlc import CimMlcPass
    from cim_mlir.passes.registry import available_passes

    try:
        pipeline = PassPipeline.parse_spec(available_passes(), spec)
    except CimError:
        raise
    except Exception as e:  # noqa: BLE001 - xDSL raises ValueError / PassPipelineParseError
        raise CimError(f"bad pass pipeline '{spec}': {_first_line(e)}", "--passes") from None
    steps: list[Any] = []
    for p in pipeline.passes:
        if isinstance(p, CimMlcPass):
            steps.extend(p.pipeline_for(arch))
        else:
            steps.append(p)
    return steps


def pipeline_spec(steps: list[Any]) -> str:
    """The textual spec of pass instances (``-p`` syntax)."""
    return ",".join(str(s.pipeline_pass_spec()) for s in steps)


def compile_module(module: Any, arch: Arch, passes: str = DEFAULT_PASSES,
                   progress: bool | None = False, desc: str = "compile",
                   pass_seconds: dict[str, float] | None = None
                   ) -> tuple[float, list[str], str]:
    """Attach ``arch`` and run ``passes`` on ``module``; (seconds, remarks, expanded spec).

    ``pass_seconds``, if given, receives the seconds of each pass (summed by name)."""
    from cim_mlir import remarks as remarks_mod
    from cim_mlir.context import make_context
    from cim_mlir.dialects.cim import set_arch

    set_arch(module, arch)
    steps = expand_pipeline(passes, arch)
    ctx = make_context()
    bucket = remarks_mod.collect()
    t0 = time.perf_counter()
    try:
        with shown(progress):
            for step in bar(steps, desc, unit="pass", name=lambda s: s.name):
                t1 = time.perf_counter()
                step.apply(ctx, module)
                module.verify()
                if pass_seconds is not None:
                    pass_seconds[step.name] = pass_seconds.get(step.name, 0.0) + \
                        time.perf_counter() - t1
    finally:
        remarks_mod.stop_collecting()
    return time.perf_counter() - t0, list(bucket), pipeline_spec(steps)


def perf_of_module(module: Any) -> tuple[dict[str, Any], float]:
    """The simulator's JSON report of a compiled module and the seconds it took."""
    from cim_mlir.sim import simulate

    t0 = time.perf_counter()
    perf = simulate(module).to_json()
    return perf, time.perf_counter() - t0


def load_perf_json(path: str | Path) -> dict[str, Any]:
    """A saved perf report, checked to hold what the renderers need."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise CimError(f"cannot open '{path}': no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise CimError(f"cannot read '{path}': {e}") from None
    except json.JSONDecodeError as e:
        raise CimError(f"'{path}' is not JSON: {e.msg} at line {e.lineno}") from None
    check_perf(data, str(path))
    return data


def check_perf(data: Any, where: str) -> None:
    if not isinstance(data, dict):
        raise CimError("not a performance report (expected a JSON object from "
                       "'cim-opt ... -t perf')", where)
    missing = [k for k in REQUIRED_KEYS if k not in data]
    if missing:
        raise CimError(f"not a performance report: missing {', '.join(repr(k) for k in missing)}"
                       " (expected the JSON of 'cim-opt ... -t perf')", where)
    if not isinstance(data["layers"], dict):
        raise CimError("not a performance report: 'layers' is not an object", where)
    for key in ("cycles", "lower_bound_cycles", "peak_active_xbars"):
        if not isinstance(data[key], int | float) or isinstance(data[key], bool) \
                or not math.isfinite(data[key]) or data[key] < 0:
            raise CimError(f"not a performance report: '{key}' is not a non-negative number",
                           where)
    for name, layer in data["layers"].items():
        if not isinstance(layer, dict) or not all(
                isinstance(layer.get(k), int | float) for k in ("start", "cycles")):
            raise CimError(f"layer '{name}' has no numeric 'start' and 'cycles'", where)


def evaluate(path: str | Path, arch: str | Path | Arch | None = None,
             mode: str | ComputingMode | None = None, passes: str | None = None,
             input_shapes: list[str] | tuple[str, ...] = (),
             progress: bool | None = False) -> Evaluation:
    """Compile (if needed) and simulate ``path``; see the module docstring."""
    path = Path(path)
    if path.is_dir():
        raise CimError(f"'{path}' is a directory, expected a .onnx, .mlir or .json file")
    if not path.exists():
        raise CimError(f"cannot open '{path}': no such file")
    suffix = path.suffix.lower()
    if suffix == ".json":
        for flag, value in (("--arch", arch), ("--computing-mode", mode),
                            ("--passes", passes), ("--input-shape", input_shapes)):
            if value:
                raise CimError(f"{flag} cannot apply to a performance report (.json): it is "
                               "already simulated; give the model or the flow instead")
        perf = load_perf_json(path)
        return Evaluation(perf=perf, source="json")
    if suffix == ".onnx":
        return _evaluate_onnx(path, arch, mode, passes, input_shapes, progress)
    if suffix == ".mlir":
        if input_shapes:
            raise CimError("--input-shape applies to ONNX models only")
        return _evaluate_mlir(path, arch, mode, passes, progress)
    raise CimError(f"expected an ONNX model (.onnx), a flow (.mlir) or a performance report "
                   f"(.json), got '{path.name}'")


def _evaluate_onnx(path: Path, arch: Any, mode: Any, passes: str | None,
                   input_shapes: Any, progress: bool | None) -> Evaluation:
    from cim_mlir.frontend.onnx_importer import import_onnx, parse_input_shapes

    target, default = resolve_arch(arch, mode)
    spec = passes or DEFAULT_PASSES
    expand_pipeline(spec, target)  # a bad spec fails before the (slow) import
    t0 = time.perf_counter()
    module = import_onnx(path, input_shapes=parse_input_shapes(list(input_shapes)))
    t_import = time.perf_counter() - t0
    timing: dict[str, float] = {}
    seconds, rem, expanded = compile_module(module, target, spec, progress,
                                            desc=f"compile {path.name}", pass_seconds=timing)
    perf, t_sim = perf_of_module(module)
    ev = Evaluation(perf=perf, source="onnx", import_seconds=t_import, compile_seconds=seconds,
                    simulate_seconds=t_sim, remarks=rem, arch=target, passes=spec,
                    expanded=expanded, ir_ops=count_ops(module), pass_seconds=timing)
    _annotate(ev, path, default)
    return ev


def _evaluate_mlir(path: Path, arch: Any, mode: Any, passes: str | None,
                   progress: bool | None) -> Evaluation:
    from xdsl.dialects import func
    from xdsl.parser import Parser

    from cim_mlir.context import make_context
    from cim_mlir.dialects.cim import get_arch, set_arch
    from cim_mlir.dialects.mop import FlowOp

    t0 = time.perf_counter()
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as e:
        raise CimError(f"cannot read '{path}': {e}") from None
    module = Parser(make_context(), text, str(path)).parse_module()
    t_import = time.perf_counter() - t0
    current = get_arch(module)
    has_flow = any(isinstance(op, FlowOp) for op in module.walk())
    if has_flow:
        if passes:
            raise CimError("the module already holds a compiled cim.mop.flow; --passes applies "
                           "to models and uncompiled IR", str(path))
        if current is None and arch is None:
            raise CimError("the module has no #cim.arch; give --arch", str(path))
        target, default = resolve_arch(arch, mode, current)
        if arch is not None or mode is not None:
            set_arch(module, target)
        module.verify()
        perf, t_sim = perf_of_module(module)
        ev = Evaluation(perf=perf, source="flow", import_seconds=t_import,
                        simulate_seconds=t_sim, arch=target, ir_ops=count_ops(module))
        _annotate(ev, path, default and arch is None and current is None)
        return ev
    if not any(isinstance(op, func.FuncOp) for op in module.ops):
        raise CimError("the module holds neither a cim.mop.flow nor a func.func @main to "
                       "compile", str(path))
    if current is None and arch is None:
        raise CimError("the module has no #cim.arch; give --arch", str(path))
    target, _ = resolve_arch(arch, mode, current)
    spec = passes or DEFAULT_PASSES
    timing: dict[str, float] = {}
    seconds, rem, expanded = compile_module(module, target, spec, progress,
                                            desc=f"compile {path.name}", pass_seconds=timing)
    perf, t_sim = perf_of_module(module)
    ev = Evaluation(perf=perf, source="mlir", import_seconds=t_import, compile_seconds=seconds,
                    simulate_seconds=t_sim, remarks=rem, arch=target, passes=spec,
                    expanded=expanded, ir_ops=count_ops(module), pass_seconds=timing)
    _annotate(ev, path, False)
    return ev


def _annotate(ev: Evaluation, path: Path, default_arch: bool) -> None:
    meta: dict[str, Any] = {"input": str(path), "source": ev.source}
    if ev.arch is not None:
        a = ev.arch
        meta.update(arch=a.name, default_arch=default_arch, num_cores=a.num_cores,
                    xbars_per_core=a.xbars_per_core, num_xbars=a.num_xbars,
                    xb_size=[a.xb_rows, a.xb_cols], parallel_row=a.crossbar.parallel_row)
    if ev.passes is not None:
        meta.update(passes=ev.passes, expanded_passes=ev.expanded)
    if ev.ir_ops is not None:
        meta["ir_ops"] = ev.ir_ops
    if ev.pass_seconds:
        meta["pass_seconds"] = {k: round(v, 3) for k, v in ev.pass_seconds.items()}
    meta.update(import_seconds=round(ev.import_seconds, 3),
                compile_seconds=round(ev.compile_seconds, 3),
                simulate_seconds=round(ev.simulate_seconds, 3))
    ev.perf["cim_report"] = meta


def count_ops(module: Any) -> int:
    return sum(1 for _ in module.walk())


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__
