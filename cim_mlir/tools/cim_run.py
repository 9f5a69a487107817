"""cim-run: execute a compiled meta-operator flow and check it against onnxruntime.

    cim-run MODEL.onnx|FLOW.mlir [--arch X] [--computing-mode M]
            [--numerics exact|int] [--input x.npy|x.pb ...] [--seed N]
            [--output y.npy] [--check [--model MODEL.onnx]] [--quiet]

An ONNX model is compiled with the whole pipeline (``--cim-mlc``); a ``.mlir``
file is an already compiled flow (a module that still holds ``func.func
@main`` is compiled first).  Without ``--input`` the inputs are seeded random
normals.  ``--check`` runs onnxruntime on the same inputs (the ONNX model,
or ``--model`` for a ``.mlir`` flow) and exits 1 on a mismatch:

* exact: relative error ``||y - ref|| / ||ref||`` at most 1e-4;
* int, when the arch's ADC is wide enough that no conversion can saturate:
  equal, bit for bit, to the integer reference (``x_q @ W_q``, same scales);
  the error against the float model is reported;
* int otherwise: reported against the float model; passes when the cosine
  similarity is at least 0.99.

Errors in the input print one line and exit 1 (internal errors exit 2).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from cim_mlir.arch import DEFAULT_ARCH, ComputingMode, load_arch
from cim_mlir.diagnostics import CimError
from cim_mlir.tools.common import ArgParser, parse_and_run

EXACT_TOLERANCE = 1e-4
INT_COSINE = 0.99


def build_parser() -> argparse.ArgumentParser:
    p = ArgParser(
        prog="cim-run",
        description="Run a cim.mop meta-operator flow on the interpreter (and check it "
        "against onnxruntime).",
        epilog=f"The default arch for ONNX models is '{DEFAULT_ARCH}'. Numerics: exact "
        "(float64) or int (int8 weights/activations, bit-sliced cells, bit-serial DAC, ADC "
        "saturation); see docs/interpreter.md.")
    p.add_argument("input_file", metavar="MODEL.onnx|FLOW.mlir")
    p.add_argument("--arch", metavar="NAME|FILE", default=None,
                   help=f"target arch (preset or YAML/JSON file); ONNX default '{DEFAULT_ARCH}'; "
                   "for .mlir it replaces the module's #cim.arch")
    p.add_argument("--computing-mode", choices=[m.name for m in ComputingMode], default=None,
                   help="drive the chip through a coarser interface than its finest")
    p.add_argument("--numerics", choices=["exact", "int"], default="exact")
    p.add_argument("--weight-scale", choices=["channel", "tensor"], default="channel",
                   help="int numerics: per-output-channel (default) or per-tensor weight scales")
    p.add_argument("--input", metavar="FILE", action="append", default=[],
                   help="an input tensor (.npy or .pb TensorProto); repeat for several inputs, "
                   "in the flow's input order (NAME=FILE also works)")
    p.add_argument("--input-shape", metavar="NAME=DxDx...", action="append", default=[],
                   help="static shape for a model input with dynamic dims (ONNX inputs)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random input (default 0)")
    p.add_argument("--output", metavar="FILE.npy", default=None,
                   help="write the first output (float32) to this .npy file")
    p.add_argument("--check", action="store_true",
                   help="compare with onnxruntime; exit 1 on a mismatch")
    p.add_argument("--model", metavar="MODEL.onnx", default=None,
                   help="the ONNX model a .mlir flow was compiled from (for --check)")
    p.add_argument("--no-batching", action="store_true",
                   help="run every loop iteration on its own (same results, slower)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar, no summary")
    return p


# ---- loading ------------------------------------------------------------------------


def _arch(args: argparse.Namespace, current=None):
    arch = load_arch(args.arch) if args.arch is not None or current is None else current
    if args.computing_mode is not None:
        try:
            arch = arch.with_mode(ComputingMode[args.computing_mode])
        except ValueError as e:
            raise CimError(str(e), "--computing-mode") from None
    return arch


def _compile(module, arch) -> None:
    from cim_mlir import remarks
    from cim_mlir.context import make_context
    from cim_mlir.dialects.cim import set_arch
    from cim_mlir.passes.cim_mlc import CimMlcPass

    set_arch(module, arch)
    remarks.collect()
    try:
        CimMlcPass().apply(make_context(), module)
    finally:
        remarks.stop_collecting()


def load_module(args: argparse.Namespace):
    """The module holding the flow, and the ONNX model for --check (or None)."""
    path = Path(args.input_file)
    if not path.exists():
        raise CimError(f"cannot open '{path}': no such file")
    suffix = path.suffix.lower()
    if suffix == ".onnx":
        from cim_mlir.frontend.onnx_importer import import_onnx, parse_input_shapes

        module = import_onnx(path, input_shapes=parse_input_shapes(args.input_shape))
        _compile(module, _arch(args))
        return module, path
    if suffix == ".mlir":
        from xdsl.dialects import func
        from xdsl.parser import Parser

        from cim_mlir.context import make_context
        from cim_mlir.dialects.cim import get_arch, set_arch
        from cim_mlir.dialects.mop import FlowOp

        module = Parser(make_context(), path.read_text(), str(path)).parse_module()
        current = get_arch(module)
        if current is None and args.arch is None:
            raise CimError("the module has no #cim.arch; give --arch", str(path))
        has_flow = any(isinstance(op, FlowOp) for op in module.walk())
        if not has_flow:
            if not any(isinstance(op, func.FuncOp) for op in module.ops):
                raise CimError("the module holds neither a cim.mop.flow nor a func.func @main "
                               "to compile", str(path))
            _compile(module, _arch(args, current))
        elif args.arch is not None or args.computing_mode is not None:
            set_arch(module, _arch(args, current))
        module.verify()
        model = Path(args.model) if args.model else None
        return module, model
    raise CimError(f"expected an ONNX model (.onnx) or a compiled flow (.mlir), got '{path}'")


def model_input_specs(model: Path | None) -> dict:
    """Dtype and range of the ONNX model's inputs (empty when there is no model)."""
    if model is None or not model.is_file():
        return {}
    import onnx

    from cim_mlir.inputs import input_specs

    try:
        return input_specs(onnx.load(model, load_external_data=False))
    except Exception:  # noqa: BLE001 - not a readable model: --check reports it
        return {}


def load_inputs(args: argparse.Namespace, flow, model: Path | None = None) -> list[np.ndarray]:
    """Inputs from files, else seeded random ones of the model input's dtype and range
    (token ids inside their embedding table)."""
    from cim_mlir.inputs import InputSpec, random_input
    from cim_mlir.interpreter import flow_inputs

    specs = flow_inputs(flow)
    known = model_input_specs(model)
    files: dict[str, str] = {}
    positional: list[str] = []
    for item in args.input:
        name, eq, file = item.partition("=")
        if eq and name in {n for n, _ in specs}:
            files[name] = file
        else:
            positional.append(item)
    if len(positional) + len(files) > len(specs):
        raise CimError(f"the flow takes {len(specs)} input(s) "
                       f"({', '.join(n for n, _ in specs)}), got {len(args.input)}", "--input")
    rng = np.random.default_rng(args.seed)
    out = []
    it = iter(positional)
    for name, shape in specs:
        file = files.get(name) or next(it, None)
        spec = known.get(name)
        if spec is None or list(spec.shape) != list(shape):
            spec = InputSpec(name, list(shape), np.dtype(np.float32))
        if file is None:
            out.append(random_input(spec, rng))
            continue
        array = read_tensor(file)
        if list(array.shape) != list(shape):
            raise CimError(f"'{file}' has shape {list(array.shape)}, input '{name}' needs "
                           f"{list(shape)}", "--input")
        out.append(array.astype(spec.dtype))
    return out


def read_tensor(file: str) -> np.ndarray:
    path = Path(file)
    if not path.exists():
        raise CimError(f"cannot open '{file}': no such file", "--input")
    if path.suffix.lower() == ".npy":
        try:
            array = np.load(path, allow_pickle=False)
        except (ValueError, OSError) as e:
            raise CimError(f"'{file}' is not a .npy array: {e}", "--input") from None
    elif path.suffix.lower() == ".pb":
        import onnx
        from onnx import numpy_helper

        tensor = onnx.TensorProto()
        try:
            tensor.ParseFromString(path.read_bytes())
            array = numpy_helper.to_array(tensor)
        except Exception as e:  # noqa: BLE001 - protobuf raises various errors
            raise CimError(f"'{file}' is not an ONNX TensorProto: {e}", "--input") from None
    else:
        raise CimError(f"'{file}': inputs are .npy arrays or .pb TensorProtos", "--input")
    if array.dtype.kind not in "fiub":
        raise CimError(f"'{file}' holds {array.dtype} data, expected numbers", "--input")
    return np.asarray(array)


# ---- checking -----------------------------------------------------------------------


def onnxruntime_outputs(model: Path, names: list[str], inputs: list[np.ndarray]
                        ) -> list[np.ndarray]:
    try:
        import onnxruntime as ort
    except ImportError:
        raise CimError("--check needs onnxruntime (pip install onnxruntime)") from None
    try:
        sess = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    except Exception as e:  # noqa: BLE001
        raise CimError(f"onnxruntime cannot load '{model}': {str(e).splitlines()[0]}",
                       "--check") from None
    feeds = [i.name for i in sess.get_inputs()]
    if len(feeds) != len(inputs):
        raise CimError(f"the ONNX model takes {len(feeds)} inputs, the flow {len(inputs)}",
                       "--check")
    return sess.run(None, dict(zip(feeds, inputs)))


def metrics(y: np.ndarray, ref: np.ndarray) -> dict[str, float]:
    from cim_mlir.interpreter import cosine, relative_error

    y64, r64 = np.asarray(y, np.float64), np.asarray(ref, np.float64)
    out = {
        "max_abs": float(np.max(np.abs(y64 - r64))) if y64.size else 0.0,
        "rel": relative_error(y64, r64),
        "cosine": cosine(y64, r64),
    }
    if y64.ndim >= 2 and y64.shape[1] > 1:
        out["top1"] = float(np.mean(np.argmax(y64, axis=1) == np.argmax(r64, axis=1)))
    elif y64.size > 1:
        out["top1"] = float(np.argmax(y64) == np.argmax(r64))
    return out


def _fmt(m: dict[str, float]) -> str:
    text = (f"max abs error {m['max_abs']:.3g}, relative error {m['rel']:.3g}, "
            f"cosine {m['cosine']:.6f}")
    if "top1" in m:
        text += f", top-1 agreement {100 * m['top1']:.1f}%"
    return text


def check(args, module, model, inputs, result, say) -> bool:
    from cim_mlir.interpreter import adc_wide_enough, run_flow

    if model is None:
        raise CimError("--check of a .mlir flow needs --model MODEL.onnx", "--check")
    if not model.exists():
        raise CimError(f"cannot open '{model}': no such file", "--model")
    refs = onnxruntime_outputs(model, result.names, inputs)
    if len(refs) != len(result.outputs):
        raise CimError(f"onnxruntime gives {len(refs)} outputs, the flow {len(result.outputs)}",
                       "--check")
    ok = True
    for name, y, ref in zip(result.names, result.outputs, refs):
        if tuple(y.shape) != tuple(np.shape(ref)):
            say(f"check {name}: shape {list(y.shape)} vs onnxruntime {list(np.shape(ref))}")
            ok = False
            continue
        m = metrics(y, ref)
        say(f"check {name} vs onnxruntime: {_fmt(m)}")
        if args.numerics == "exact":
            if not m["rel"] <= EXACT_TOLERANCE:
                say(f"  MISMATCH: relative error {m['rel']:.3g} > {EXACT_TOLERANCE}")
                ok = False
        elif not adc_wide_enough(result.arch):
            if not m["cosine"] >= INT_COSINE:
                say(f"  MISMATCH: cosine {m['cosine']:.6f} < {INT_COSINE} (the ADC saturates "
                    f"on this arch)")
                ok = False
    if args.numerics == "int" and adc_wide_enough(result.arch):
        ref = run_flow(module, inputs, numerics="int-ref", ranges=result.ranges,
                       weight_scale=args.weight_scale, batching=not args.no_batching)
        for name, y, r in zip(result.names, result.outputs, ref.outputs):
            diff = float(np.max(np.abs(y - r))) if y.size else 0.0
            if diff == 0.0:
                say(f"check {name} vs integer reference (x_q @ W_q, same scales): exact")
            else:
                say(f"check {name} vs integer reference: MISMATCH, max abs difference {diff:.3g} "
                    "(the ADC is wide enough on this arch, so they must be equal)")
                ok = False
    return ok


# ---- main ---------------------------------------------------------------------------


def _summary(args, module, result, elapsed: dict[str, float], say) -> None:
    from cim_mlir.interpreter import adc_wide_enough, find_flow

    flow = find_flow(module)
    arch = result.arch
    ops = result.stats.ops
    total = sum(ops.values())
    top = ", ".join(f"{v} {k.split('.')[-1]}" for k, v in
                    sorted(ops.items(), key=lambda kv: -kv[1])[:4])
    say(f"cim-run: {Path(args.input_file).name} on '{arch.name}' in {flow.mode.data}, "
        f"numerics {result.numerics}")
    say(f"  flow: {len(flow.segments())} segments, {total} meta-ops executed ({top}); loops: "
        f"{result.stats.batched_loops} batched, {result.stats.sequential_loops} sequential")
    if args.numerics == "int":
        ns = result.numerics_stats
        wide = adc_wide_enough(arch)
        pct = 100.0 * ns.saturated / ns.conversions if ns.conversions else 0.0
        say(f"  ADC: {ns.saturated} of {ns.conversions} conversions saturated ({pct:.3g}%); "
            + ("the ADC is wide enough on this arch (no conversion can saturate)" if wide else
               "the ADC can saturate on this arch"))
    for name, y in zip(result.names, result.outputs):
        stats = (f"min {y.min():.4g}, max {y.max():.4g}, mean {y.mean():.4g}"
                 if y.size else "empty")
        say(f"  output '{name}' {'x'.join(map(str, y.shape))}: {stats}")
    say("  time: " + ", ".join(f"{k} {v:.2f} s" for k, v in elapsed.items()))


def run(argv: Sequence[str] | None = None) -> int:
    return parse_and_run("cim-run", build_parser(), execute, argv)


def execute(args: argparse.Namespace) -> int:
    say = (lambda text: None) if args.quiet else (lambda text: print(text))
    from cim_mlir.interpreter import find_flow, run_flow

    from cim_mlir.progress import shown

    t0 = time.perf_counter()
    with shown(False if args.quiet else None):  # compiling an ONNX model takes a while
        module, model = load_module(args)
    t1 = time.perf_counter()
    flow = find_flow(module)
    inputs = load_inputs(args, flow, model)
    result = run_flow(module, inputs, numerics=args.numerics, progress=not args.quiet,
                      batching=not args.no_batching, weight_scale=args.weight_scale)
    t2 = time.perf_counter()
    if args.output:
        out = Path(args.output)
        try:
            np.save(out, result.outputs[0].astype(np.float32))
        except OSError as e:
            raise CimError(f"cannot write '{out}': {e.strerror}", "--output") from None
    elapsed = {"compile" if Path(args.input_file).suffix == ".onnx" else "load": t1 - t0,
               "run": t2 - t1}
    _summary(args, module, result, elapsed, say)
    if args.check:
        ok = check(args, module, model, inputs, result, print)
        if not ok:
            print("cim-run: check FAILED", file=sys.stderr)
            return 1
        say("cim-run: check passed")
    return 0


def main(argv: Sequence[str] | None = None) -> None:
    sys.exit(run(argv))


if __name__ == "__main__":
    main()

