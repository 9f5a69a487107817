#!/usr/bin/env python3
"""Interpreter speed against onnxruntime on the same input, in the same run.

    python tools/bench_interpreter.py [--models resnet18,resnet50] [--arch isaac-baseline]
                                      [--mode CM] [--repeat 3] [--numerics exact]

For every model (model-zoo ``random`` form): compile it with ``--cim-mlc``
(not timed), run onnxruntime (CPU, default threads) and the interpreter on
one seeded input, each ``--repeat`` times after one warm-up run, and print
the best times, their ratio and the relative error.  design.md §4 targets
an interpreter at most 20x slower than onnxruntime on ResNet-50 (exact, CM,
isaac-baseline).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))
sys.path.insert(0, str(REPO))


def best_of(fn, repeat: int) -> tuple[float, object]:
    fn()  # warm-up: weight loading, BLAS threads, caches
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", default="resnet18,resnet50")
    p.add_argument("--arch", default="isaac-baseline")
    p.add_argument("--mode", default="CM", choices=["CM", "XBM", "WLM"])
    p.add_argument("--numerics", default="exact", choices=["exact", "int"])
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)

    import model_zoo
    import onnxruntime as ort

    from cim_mlir import remarks
    from cim_mlir.arch import ComputingMode, load_arch
    from cim_mlir.context import make_context
    from cim_mlir.dialects.cim import set_arch
    from cim_mlir.frontend.onnx_importer import import_onnx
    from cim_mlir.interpreter import find_flow, relative_error, run_flow
    from cim_mlir.interpreter.functions import op_weight
    from cim_mlir.passes.cim_mlc import CimMlcPass

    print(f"arch {args.arch}, {args.mode}, numerics {args.numerics}, best of {args.repeat} "
          f"after a warm-up")
    print(f"{'model':<10} {'meta-ops':>9} {'compile':>8} {'onnxruntime':>12} {'interpreter':>12} "
          f"{'ratio':>7} {'rel. error':>11}")
    for name in args.models.split(","):
        path = model_zoo.zoo_path(name, form="random")
        t = time.perf_counter()
        module = import_onnx(path)
        set_arch(module, load_arch(args.arch).with_mode(ComputingMode[args.mode]))
        remarks.enabled = False
        CimMlcPass().apply(make_context(), module)
        remarks.enabled = True
        compile_s = time.perf_counter() - t
        ops = op_weight(find_flow(module))

        sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        feed = sess.get_inputs()[0]
        x = np.random.default_rng(0).standard_normal(feed.shape).astype(np.float32)
        ort_s, ref = best_of(lambda: sess.run(None, {feed.name: x})[0], args.repeat)
        if args.numerics == "exact":
            run_s, res = best_of(lambda: run_flow(module, [x]), args.repeat)
        else:
            ranges = run_flow(module, [x]).ranges
            run_s, res = best_of(lambda: run_flow(module, [x], numerics="int", ranges=ranges),
                                 args.repeat)
        err = relative_error(res.outputs[0], ref)  # type: ignore[attr-defined]
        print(f"{name:<10} {ops:>9} {compile_s:>7.2f}s {ort_s:>11.3f}s {run_s:>11.3f}s "
              f"{run_s / ort_s:>6.1f}x {err:>11.2e}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
