"""cim-report: compile, simulate and explain the performance of one model.

    cim-report MODEL.onnx|FLOW.mlir|REPORT.json [--arch X] [--computing-mode M]
               [--passes 'cim-mlc{...}'] [--input-shape NAME=DIMS] [-o OUTDIR]
               [--layers N|all] [--no-plots] [--remarks] [--no-progress]

* ``MODEL.onnx`` is compiled like ``cim-opt MODEL.onnx --cim-mlc`` (or with
  ``--passes``) for ``--arch`` (default: the default arch) and simulated;
* ``FLOW.mlir`` is a compiled flow (simulated as is) or uncompiled IR with
  ``func.func @main`` (compiled first);
* ``REPORT.json`` is a report printed by ``cim-opt ... -t perf``.

Prints a table (per layer: segment, start, cycles, share of the total, peak
active crossbars, energy; then the totals: cycles, latency, the lower bound
and achieved/bound with the bound's parts, peak active crossbars, peak power,
energy by component, programming and reload cycles) and writes into OUTDIR
(default: the input's folder) ``STEM.perf.json`` and three PNG plots:
``STEM.layers.png`` (per-layer latency), ``STEM.gantt.png`` (crossbar
activity) and ``STEM.active.png`` (active crossbars over time).

User errors print one line and exit 1; internal errors exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from cim_mlir.arch import DEFAULT_ARCH, ComputingMode, list_presets
from cim_mlir.diagnostics import CimError
from cim_mlir.tools.common import ArgParser, parse_and_run


def build_parser() -> argparse.ArgumentParser:
    p = ArgParser(
        prog="cim-report",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Compile and simulate a model (or load a flow or a perf JSON), print a "
        "readable performance table and write PNG plots and the JSON report.",
        epilog=f"The default arch for ONNX models is '{DEFAULT_ARCH}' (presets: "
        f"{', '.join(list_presets())}). Baselines are options of the one-flag pipeline, e.g. "
        "--passes 'cim-mlc{dup=false pipeline=false}' (no optimisation), "
        "'cim-mlc{dup=false}' (CG-Pipeline), 'cim-mlc{pipeline=false}' (CG-Duplication), "
        "'cim-mlc{solver=greedy pipeline=false}' (Poly-Schedule-like); in XBM/WLM "
        "mvm-dup=, mvm-pipeline= and vvm= switch the finer levels. See docs/reports.md.")
    p.add_argument("input_file", metavar="MODEL.onnx|FLOW.mlir|REPORT.json")
    p.add_argument("--arch", metavar="NAME|FILE", default=None,
                   help=f"target arch (preset or YAML/JSON file); ONNX default '{DEFAULT_ARCH}'; "
                   "for .mlir it replaces the module's #cim.arch")
    p.add_argument("--computing-mode", choices=[m.name for m in ComputingMode], default=None,
                   help="drive the chip through a coarser interface than its finest")
    p.add_argument("--passes", "-p", metavar="PIPELINE", default=None,
                   help="pass pipeline for models and uncompiled IR (default: cim-mlc)")
    p.add_argument("--input-shape", metavar="NAME=DxDx...", action="append", default=[],
                   help="static shape for a model input with dynamic dims (ONNX inputs)")
    p.add_argument("-o", "--output-dir", metavar="OUTDIR", default=None,
                   help="where to write STEM.perf.json and the PNGs (default: the input's folder)")
    p.add_argument("--layers", metavar="N|all", default="all",
                   help="show only the N slowest layers in the table (default: all)")
    p.add_argument("--no-plots", action="store_true", help="do not write the PNG plots")
    p.add_argument("--no-json", action="store_true", help="do not write STEM.perf.json")
    p.add_argument("--remarks", action="store_true",
                   help="also print the passes' remarks (what they decided and why)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    return p


def output_stem(path: Path) -> str:
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    return stem[: -len(".perf")] if stem.endswith(".perf") else stem


def _layers_limit(text: str) -> int | None:
    if text == "all":
        return None
    if text.isdigit() and int(text) > 0:
        return int(text)
    raise CimError(f"expected a positive number or 'all', got '{text}'", "--layers")


def run(argv: Sequence[str] | None = None) -> int:
    return parse_and_run("cim-report", build_parser(), report, argv)


def report(args: argparse.Namespace) -> int:
    from cim_mlir.report import evaluate, format_perf

    limit = _layers_limit(args.layers)
    path = Path(args.input_file)
    ev = evaluate(path, arch=args.arch, mode=args.computing_mode, passes=args.passes,
                  input_shapes=args.input_shape,
                  progress=False if args.no_progress else None)
    outdir = Path(args.output_dir) if args.output_dir else path.resolve().parent
    stem = output_stem(path)
    if args.remarks and ev.remarks:
        print("\n".join(ev.remarks))
        print()
    print(format_perf(ev.perf, title=f"cim-report: {path.name}", max_layers=limit))
    written: list[Path] = []
    if not args.no_json:
        target = outdir / f"{stem}.perf.json"
        if not (target.exists() and target.resolve() == path.resolve()):
            outdir.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(ev.perf, indent=2) + "\n")
            written.append(target)
    if not args.no_plots:
        from cim_mlir.report.plots import plot_all

        written += list(plot_all(ev.perf, outdir, stem).values())
    if written:
        print()
        print("wrote " + ", ".join(str(w) for w in written))
    return 0


def main(argv: Sequence[str] | None = None) -> None:
    sys.exit(run(argv))


if __name__ == "__main__":
    main()
