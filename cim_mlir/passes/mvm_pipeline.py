"""mvm-pipeline: the MVM-grained staggered pipeline (CIM-MLC §3.3.3, Fig. 12).

Traditional scheduling activates all crossbars of all copies together once
their inputs are ready, so a layer bursts; the MVM-grained pipeline starts a
VXB's crossbars as soon as their input slice is ready and spreads
activations over time.  When an MVM step is bound by feeding data (L0
bandwidth) or by the pipeline's slowest operator, crossbars would otherwise
idle, so the spreading is free.
Here that is (1) a pipeline between consecutive operators at MVM granularity
(a consumer starts once the windows its first MVM needs exist — the stages of
cg-pipeline, established here if cg-pipeline did not run) and (2) a
``stagger``: an MVM step's crossbars are activated in that many successive
waves (across copies, then across each copy's row tiles).  The stagger is chosen as large as the operator's slack in the
pipeline allows (it may not lengthen the segment by more than ``slowdown``),
which lowers the peak number of simultaneously active crossbars — and with
it peak power, mostly crossbar and ADC power (§4.2) — at (almost) no latency
cost.  The pass reports the peak and the latency before and after.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

from cim_mlir.arch import Arch, ComputingMode
from cim_mlir.dialects.xbar import PlacementAttr, XbarOp
from cim_mlir.passes.base import CimPass
from cim_mlir.passes.cg_graph import build_graph, by_segment, evaluate_segment
from cim_mlir.passes.cg_pipeline import assign_stages
from cim_mlir.remarks import remark, remark_segments


def set_stagger(op: XbarOp, waves: int) -> None:
    p = op.placement
    op.properties["placement"] = PlacementAttr.make(dup=p.dup.data, xbars=p.starts,
                                                    stagger=waves)


@dataclass(frozen=True)
class MvmPipelinePass(CimPass):
    """Stagger VXB activations inside pipeline slack to lower peak active crossbars."""

    name = "mvm-pipeline"
    required_mode = ComputingMode.XBM

    slowdown: float = 0.01
    """Largest relative increase of a segment's latency the stagger may cause."""

    def run(self, ctx: Context, module: ModuleOp, arch: Arch) -> None:
        layers = build_graph(module, arch)
        out_rows = {l.name: l.work.out_rows for l in layers}
        lines: list[str] = []
        total_before = total_after = 0.0
        for seg, seg_layers in by_segment(layers).items():
            if not any(l.op.sched.stage.data > 0 for l in seg_layers):
                assign_stages(seg_layers, out_rows)
            before = evaluate_segment(seg_layers, arch)
            budget = before.latency * (1 + self.slowdown)
            # The slowest layers have no slack; stagger the fastest first.
            for layer in sorted(seg_layers, key=lambda l: before.times[l.name]):
                op = layer.op
                if not isinstance(op, XbarOp):
                    continue
                lo = op.placement.stagger.data
                hi = op.placement.dup.data * op.vxb.row_tiles.data
                while lo < hi:  # largest stagger that keeps the segment within budget
                    mid = (lo + hi + 1) // 2
                    set_stagger(op, mid)
                    if evaluate_segment(seg_layers, arch).latency <= budget:
                        lo = mid
                    else:
                        hi = mid - 1
                set_stagger(op, lo)
            after = evaluate_segment(seg_layers, arch)
            total_before = max(total_before, before.peak_xbars)
            total_after = max(total_after, after.peak_xbars)
            lines.append(
                f"segment {seg}: peak active crossbars {before.peak_xbars:.0f} -> "
                f"{after.peak_xbars:.0f}, estimated latency {before.latency:.0f} -> "
                f"{after.latency:.0f} cycles")
        remark_segments(self.name, lines)
        if len(lines) > 1:
            remark(self.name, f"model: peak active crossbars {total_before:.0f} -> "
                   f"{total_after:.0f}")
