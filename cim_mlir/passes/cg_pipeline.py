"""cg-pipeline: the inter-operator pipeline inside a segment (§3.3.2, Fig. 9a).

A consumer starts as soon as its producers have emitted the rows its first
window needs, instead of waiting for whole feature maps.  The pass records,
per CIM operator, its pipeline ``stage`` (1 + its depth among the segment's
CIM operators; stage 0 means "not pipelined") and ``wait``, the producer
output rows it needs before starting (through any digital ops in between:
a 3x3/2 max-pool needs 3 rows for its first output row, a Flatten needs
all of them).  The code generator and the simulator overlap layers by it.

A segment is pipelined only when the shared estimate says the pipeline is no
slower than running its layers one after another (each link waits for one
MVM of its producer, so tiny layers can lose); otherwise its stages stay 0
and the remark says so: a pass never keeps what its own cost model rates worse.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

from cim_mlir.arch import Arch
from cim_mlir.passes.base import CimPass
from cim_mlir.passes.cg_graph import (
    CgLayer,
    build_graph,
    by_segment,
    evaluate_segment,
)
from cim_mlir.remarks import remark_segments


def assign_stages(seg_layers: list[CgLayer], out_rows: dict[str, int]) -> int:
    """Stage = 1 + depth among the segment's CIM ops; wait = producer rows needed.

    Returns the number of stages.
    """
    names = {l.name for l in seg_layers}
    depth: dict[str, int] = {}
    for layer in seg_layers:
        preds = [p for p in layer.preds if p in names]
        depth[layer.name] = 1 + max((depth[p] for p in preds), default=0)
        wait = max((math.ceil(layer.preds[p] * out_rows[p]) for p in preds), default=0)
        layer.op.set_schedule(layer.op.sched.with_(stage=depth[layer.name], wait=wait))
    return max(depth.values(), default=0)


def clear_stages(seg_layers: list[CgLayer]) -> None:
    """Run the segment's layers one after another (no pipeline)."""
    for layer in seg_layers:
        layer.op.set_schedule(layer.op.sched.with_(stage=0, wait=0))


def pipeline_if_faster(seg_layers: list[CgLayer], out_rows: dict[str, int],
                       arch: Arch) -> tuple[int, float, float, bool]:
    """Pipeline a segment if the estimate says it is no slower than sequential.

    Returns (stages, pipelined estimate, sequential estimate, kept).  The
    estimate is level-aware (:func:`evaluate_segment`), so the MVM-grained
    passes use the same rule.
    """
    stages = assign_stages(seg_layers, out_rows)
    pipe = evaluate_segment(seg_layers, arch, pipelined=True).latency
    seq = evaluate_segment(seg_layers, arch, pipelined=False).latency
    kept = pipe <= seq
    if not kept:
        clear_stages(seg_layers)
    return stages, pipe, seq, kept


@dataclass(frozen=True)
class CgPipelinePass(CimPass):
    """Pipeline CIM operators inside each segment (stages and start rows)."""

    name = "cg-pipeline"

    def run(self, ctx: Context, module: ModuleOp, arch: Arch) -> None:
        layers = build_graph(module, arch)
        out_rows = {l.name: l.work.out_rows for l in layers}
        lines: list[str] = []
        for seg, seg_layers in by_segment(layers).items():
            stages, pipe, seq, kept = pipeline_if_faster(seg_layers, out_rows, arch)
            verdict = "" if kept else "; kept sequential (the pipeline is slower)"
            lines.append(f"segment {seg}: {stages} stages, "
                         f"estimated {pipe:.0f} cycles pipelined vs {seq:.0f} sequential "
                         f"({seq / max(pipe, 1e-9):.2f}x){verdict}")
        remark_segments(self.name, lines)
