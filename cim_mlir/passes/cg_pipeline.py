"""cg-pipeline: the inter-operator pipeline inside a segment (§3.3.2, Fig. 9a).

A consumer starts as soon as its producers have emitted the rows its first
window needs, instead of waiting for whole feature maps.  The pass records,
per CIM operator, its pipeline ``stage`` (1 + its depth among the segment's
CIM operators; stage 0 means "not pipelined") and ``wait``, the producer
output rows it needs before starting (through any digital ops in between:
a 3x3/2 max-pool needs 3 rows for its first output row, a Flatten needs
all of them).  The code generator and the simulator overlap layers by it.
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
    segment_latency,
    time_curves,
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


@dataclass(frozen=True)
class CgPipelinePass(CimPass):
    """Pipeline CIM operators inside each segment (stages and start rows)."""

    name = "cg-pipeline"

    def run(self, ctx: Context, module: ModuleOp, arch: Arch) -> None:
        layers = build_graph(module, arch)
        out_rows = {l.name: l.work.out_rows for l in layers}
        lines: list[str] = []
        for seg, seg_layers in by_segment(layers).items():
            stages = assign_stages(seg_layers, out_rows)
            curves = time_curves(seg_layers, arch, arch.num_cores)
            dups = [l.op.sched.dup.data for l in seg_layers]
            seq = segment_latency(seg_layers, dups, curves, False)
            pipe = segment_latency(seg_layers, dups, curves, True)
            lines.append(f"segment {seg}: {stages} stages, "
                         f"estimated {pipe:.0f} cycles pipelined vs {seq:.0f} sequential "
                         f"({seq / max(pipe, 1e-9):.2f}x)")
        remark_segments(self.name, lines)
