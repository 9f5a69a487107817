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
cost; a stagger that would raise the segment's peak is never taken.  With
``peak`` set (a power limit, as active crossbars) the pass staggers the
layers active at the peak until every segment is under it, trading latency
for power ("boost the computing throughput under the power limitation").
The pass reports the peak and the latency before and after.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

from cim_mlir.arch import Arch, ComputingMode
from cim_mlir.dialects.xbar import PlacementAttr, XbarOp
from cim_mlir.passes.base import CimPass
from cim_mlir.passes.cg_graph import build_graph, by_segment, evaluate_segment
from cim_mlir.passes.cg_pipeline import pipeline_if_faster
from cim_mlir.remarks import remark, remark_segments


def set_stagger(op: XbarOp, waves: int) -> None:
    p = op.placement
    op.properties["placement"] = PlacementAttr.make(dup=p.dup.data, xbars=p.starts,
                                                    stagger=waves)


def stagger_options(low: int, high: int) -> list[int]:
    """Candidate staggers: every value up to 8, then geometrically (x1.5) to ``high``."""
    out, s = set(range(low, min(high, 8) + 1)), 8
    while s < high:
        s = int(s * 1.5) + 1
        out.add(min(s, high))
    out.add(high)
    return sorted(out)


def peak_layers(estimate, names: list[str]) -> list[str]:
    """The layers active at the moment of the segment's peak, busiest first."""
    best_t, best = 0.0, -1.0
    for n in names:
        t = estimate.starts[n]
        level = sum(estimate.active[m] for m in names
                    if estimate.starts[m] <= t < estimate.starts[m] + estimate.times[m])
        if level > best:
            best_t, best = t, level
    live = [m for m in names
            if estimate.starts[m] <= best_t < estimate.starts[m] + estimate.times[m]]
    return sorted(live, key=lambda m: -estimate.active[m])


@dataclass(frozen=True)
class MvmPipelinePass(CimPass):
    """Stagger VXB activations inside pipeline slack to lower peak active crossbars."""

    name = "mvm-pipeline"
    required_mode = ComputingMode.XBM

    slowdown: float = 0.01
    """Largest relative increase of a segment's latency the stagger may cause."""
    peak: int = 0
    """A power limit as simultaneously active crossbars (0: none).  Layers are
    staggered until every segment stays under it, at whatever latency it costs."""

    def run(self, ctx: Context, module: ModuleOp, arch: Arch) -> None:
        layers = build_graph(module, arch)
        out_rows = {l.name: l.work.out_rows for l in layers}
        lines: list[str] = []
        total_before = total_after = 0.0
        for seg, seg_layers in by_segment(layers).items():
            if not any(l.op.sched.stage.data > 0 for l in seg_layers):
                pipeline_if_faster(seg_layers, out_rows, arch)
            before = evaluate_segment(seg_layers, arch)
            self.use_slack(seg_layers, arch, before.latency * (1 + self.slowdown))
            if self.peak > 0:
                self.cap_peak(seg_layers, arch)
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

    @staticmethod
    def use_slack(seg_layers: list, arch: Arch, budget: float) -> None:
        """Per layer (fastest first), the stagger with the lowest peak whose latency
        stays within budget; never raises the peak."""
        base = evaluate_segment(seg_layers, arch)
        for layer in sorted(seg_layers, key=lambda l: base.times[l.name]):
            op = layer.op
            if not isinstance(op, XbarOp):
                continue
            current = op.placement.stagger.data
            top = max(1, op.placement.dup.data * op.vxb.row_tiles.data)
            now = evaluate_segment(seg_layers, arch)
            best = (now.peak_xbars, now.latency, current)
            for s in stagger_options(current, top):
                set_stagger(op, s)
                e = evaluate_segment(seg_layers, arch)
                if e.latency <= budget and (e.peak_xbars, e.latency) < best[:2]:
                    best = (e.peak_xbars, e.latency, s)
            set_stagger(op, best[2])

    def cap_peak(self, seg_layers: list, arch: Arch) -> None:
        """Stagger the busiest layers at the peak until it is under the limit."""
        names = [l.name for l in seg_layers]
        ops = {l.name: l.op for l in seg_layers if isinstance(l.op, XbarOp)}
        for _ in range(16 * len(seg_layers)):
            e = evaluate_segment(seg_layers, arch)
            if e.peak_xbars <= self.peak:
                return
            for name in peak_layers(e, names):
                op = ops.get(name)
                if op is None:
                    continue
                top = max(1, op.placement.dup.data * op.vxb.row_tiles.data)
                s = op.placement.stagger.data
                want = max(s + 1, math.ceil(s * e.active[name] /
                                            max(1.0, e.active[name] - (e.peak_xbars - self.peak))))
                if s < top:
                    set_stagger(op, min(top, want))
                    break
            else:
                return  # nothing left to stagger
