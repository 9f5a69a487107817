#!/usr/bin/env python3
"""Compile, simulate and check every corpus model on every target; write docs/corpus.md.

For each model of ``tools/corpus.py`` (materialized with seeded weights) and
each target (isaac-baseline in CM, XBM and WLM, and every preset in its own
mode) one *point* is: import, ``--cim-mlc``, simulate (cycles and lower
bound), then run the flow on the interpreter (exact numerics) and compare
with onnxruntime on the same seeded inputs (token ids inside their
embedding table).  The slow test ``tests/test_corpus.py`` runs the same
points, so the table and the test cannot disagree.

    python tools/corpus_report.py [-j 2] [--models a,b] [--targets isaac-baseline:CM,...]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import corpus  # noqa: E402

REPO_ROOT = corpus.REPO_ROOT
MATERIALIZED = REPO_ROOT / ".cache" / "corpus-materialized"
ISAAC_TARGETS = [("isaac-baseline", "CM"), ("isaac-baseline", "XBM"), ("isaac-baseline", "WLM")]
PRESET_TARGETS = [("jia-isscc21", "CM"), ("puma", "XBM"), ("jain-jssc21", "WLM"),
                  ("paper-example", "WLM")]
TARGETS = ISAAC_TARGETS + PRESET_TARGETS
EXACT_TOLERANCE = 1e-4


def materialized(name: str, seed: int = 0) -> Path:
    """The runnable model file (written once, atomically: points run in parallel)."""
    path = MATERIALIZED / f"{name}.s{seed}.onnx"
    if not path.is_file() or path.stat().st_mtime < corpus.skeleton_path(name).stat().st_mtime:
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        corpus.save_materialized(name, tmp, seed)
        tmp.replace(path)
    return path


def run_point(name: str, arch_name: str, mode: str, check: bool = True,
              seed: int = 0) -> dict[str, Any]:
    """One model on one target; every failure is recorded, never raised."""
    row: dict[str, Any] = {"model": name, "arch": arch_name, "mode": mode}
    stage = "import"
    try:
        import numpy as np
        import onnx

        from cim_mlir.arch import ComputingMode, load_arch
        from cim_mlir.frontend.onnx_importer import import_onnx
        from cim_mlir.inputs import input_specs, random_input
        from cim_mlir.interpreter import flow_inputs, find_flow, relative_error, run_flow
        from cim_mlir.report.run import compile_module, count_ops
        from cim_mlir.sim import simulate

        path = materialized(name, seed)
        t0 = time.perf_counter()
        module = import_onnx(path)
        row["import_s"] = round(time.perf_counter() - t0, 2)
        stage = "compile"
        arch = load_arch(arch_name).with_mode(ComputingMode[mode])
        seconds, _, _ = compile_module(module, arch)
        row["compile_s"] = round(seconds, 2)
        row["flow_ops"] = count_ops(module)
        stage = "simulate"
        perf = simulate(module)
        row["cycles"] = perf.cycles
        row["bound"] = perf.lower_bound_cycles
        row["ratio"] = perf.cycles / perf.lower_bound_cycles if perf.lower_bound_cycles \
            else None
        row["segments"] = len(perf.segments)
        row["bound_ok"] = bool(perf.lower_bound_cycles > 0 and
                               perf.lower_bound_cycles <= perf.cycles * (1 + 1e-9))
        if check:
            stage = "run"
            import onnxruntime as ort

            specs = input_specs(onnx.load(path, load_external_data=False))
            rng = np.random.default_rng(seed)
            names = [n for n, _ in flow_inputs(find_flow(module))]
            inputs = [random_input(specs[n], rng) for n in names]
            t1 = time.perf_counter()
            result = run_flow(module, inputs, numerics="exact")
            row["run_s"] = round(time.perf_counter() - t1, 2)
            stage = "check"
            sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
            refs = sess.run(None, dict(zip([i.name for i in sess.get_inputs()], inputs)))
            errors = [relative_error(np.asarray(y, np.float64), np.asarray(r, np.float64))
                      for y, r in zip(result.outputs, refs)]
            row["rel_error"] = max(errors)
            row["constant_reference"] = any(float(np.std(r)) == 0.0 for r in refs)
            row["check"] = bool(row["rel_error"] <= EXACT_TOLERANCE
                                and not row["constant_reference"])
        row["ok"] = row["bound_ok"] and (not check or row["check"])
    except Exception as e:  # noqa: BLE001 - the report records every failure
        row["ok"] = False
        row["error"] = f"{stage}: {type(e).__name__}: {' '.join(str(e).split())[:300]}"
    return row


def model_facts(name: str) -> dict[str, Any]:
    """ONNX nodes and op types of a corpus graph."""
    import onnx

    model = onnx.load(corpus.skeleton_path(name))
    ops = Counter(n.op_type for n in model.graph.node)
    return {"model": name, "nodes": len(model.graph.node), "op_types": len(ops),
            "producer": f"{model.producer_name} {model.producer_version}".strip(),
            "top_ops": ", ".join(f"{k} {v}" for k, v in ops.most_common(6))}


def _cell(row: dict[str, Any]) -> str:
    if row.get("error"):
        return "FAIL (" + row["error"].split(":")[0] + ")"
    ratio = row.get("ratio")
    text = f"{ratio:.2f}" if ratio is not None else "-"
    if not row.get("bound_ok", True):
        text += " (BOUND ABOVE ACHIEVED)"
    if "check" in row:
        text += " ok" if row["check"] else f" CHECK {row.get('rel_error', math.nan):.1e}"
    return text


def render(facts: list[dict[str, Any]], rows: list[dict[str, Any]],
           targets: list[tuple[str, str]], seconds: float) -> str:
    by = {(r["model"], r["arch"], r["mode"]): r for r in rows}
    lines = [
        "# The real-graph corpus",
        "",
        "Generated by `python tools/corpus_report.py` (do not edit by hand). The graphs are "
        "torchvision and transformers models exported to ONNX by `tools/corpus.py` (opset 17, "
        "batch 1, random weights), kept in `tests/corpus/` as weight-free skeletons and "
        "materialized with seeded weights of the exported statistics. Each point compiles "
        "with `--cim-mlc`, simulates, and runs the flow on the interpreter (exact numerics) "
        "against onnxruntime on the same seeded inputs; the slow test `tests/test_corpus.py` "
        "runs the same points.",
        "",
        f"{len(rows)} points in {seconds:.0f} s; "
        f"{sum(1 for r in rows if r.get('ok'))} passed.",
        "",
        "## Graphs",
        "",
        "| model | ONNX nodes | op types | most frequent ops | exporter |",
        "|---|---:|---:|---|---|",
    ]
    for f in facts:
        lines.append(f"| {f['model']} | {f['nodes']} | {f['op_types']} | {f['top_ops']} | "
                     f"{f['producer']} |")
    lines += [
        "",
        "## cycles / lower bound, and the exact check",
        "",
        "Each cell: achieved cycles over the lower bound (at least 1 when the bound is "
        "sound), then `ok` when the interpreter matches onnxruntime within 1e-4 relative "
        "error.",
        "",
        "| model | " + " | ".join(f"{a} {m}" for a, m in targets) + " |",
        "|---|" + "---|" * len(targets),
    ]
    for f in facts:
        cells = [_cell(by[(f["model"], a, m)]) if (f["model"], a, m) in by else "-"
                 for a, m in targets]
        lines.append(f"| {f['model']} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Compile time and flow size",
        "",
        "Seconds of `--cim-mlc` (import excluded) and meta-operators in the flow.",
        "",
        "| model | " + " | ".join(f"{a} {m}" for a, m in targets) + " |",
        "|---|" + "---|" * len(targets),
    ]
    for f in facts:
        cells = []
        for a, m in targets:
            r = by.get((f["model"], a, m))
            cells.append("-" if r is None or "compile_s" not in r else
                         f"{r['compile_s']:.1f} s, {r['flow_ops']} ops")
        lines.append(f"| {f['model']} | " + " | ".join(cells) + " |")
    failures = [r for r in rows if r.get("error")]
    if failures:
        lines += ["", "## Failures", ""]
        for r in failures:
            lines.append(f"* {r['model']} on {r['arch']} {r['mode']}: `{r['error']}`")
    return "\n".join(lines) + "\n"


def _parse_targets(text: str | None) -> list[tuple[str, str]]:
    if not text:
        return TARGETS
    out = []
    for item in text.split(","):
        arch, _, mode = item.partition(":")
        out.append((arch, mode or "WLM"))
    return out


def main(argv: list[str] | None = None) -> int:
    from tqdm import tqdm

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-j", "--jobs", type=int, default=2)
    p.add_argument("--models", help="comma-separated (default: all)")
    p.add_argument("--targets", help="comma-separated ARCH:MODE (default: all)")
    p.add_argument("--no-check", action="store_true", help="compile and simulate only")
    p.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "corpus.md")
    p.add_argument("--json", type=Path, default=REPO_ROOT / "results" / "corpus.json")
    args = p.parse_args(argv)
    models = args.models.split(",") if args.models else corpus.MODELS
    targets = _parse_targets(args.targets)
    for name in models:  # once, before the workers race for it
        materialized(name)
    points = [(m, a, mode) for m in models for a, mode in targets]
    t0 = time.perf_counter()
    rows = []
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(run_point, m, a, mode, not args.no_check)
                   for m, a, mode in points]
        for fut in tqdm(as_completed(futures), total=len(futures), desc="corpus",
                        unit="point"):
            rows.append(fut.result())
    seconds = time.perf_counter() - t0
    order = {pt: i for i, pt in enumerate(points)}
    rows.sort(key=lambda r: order[(r["model"], r["arch"], r["mode"])])
    facts = [model_facts(m) for m in models]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(facts, rows, targets, seconds))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(rows, indent=1, default=float) + "\n")
    bad = [r for r in rows if not r.get("ok")]
    print(f"{len(rows) - len(bad)}/{len(rows)} points passed in {seconds:.0f} s; "
          f"table in {args.out}")
    for r in bad:
        print(f"  {r['model']} {r['arch']} {r['mode']}: {r.get('error') or r.get('rel_error')}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
