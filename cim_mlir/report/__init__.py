"""Readable performance reports: compile + simulate, text tables and PNG plots.

Used by ``cim-report`` (one model) and ``tools/paper_report.py`` (the paper
reproduction suite).  The data is always the simulator's JSON report
(:meth:`cim_mlir.sim.PerfReport.to_json`, what ``cim-opt -t perf`` prints),
so a report can be rendered again from a saved JSON file.
"""

from cim_mlir.report.run import (
    Evaluation,
    compile_module,
    evaluate,
    expand_pipeline,
    load_perf_json,
    perf_of_module,
)
from cim_mlir.report.table import format_perf, markdown_table, si

__all__ = [
    "Evaluation",
    "compile_module",
    "evaluate",
    "expand_pipeline",
    "format_perf",
    "load_perf_json",
    "markdown_table",
    "perf_of_module",
    "si",
]
