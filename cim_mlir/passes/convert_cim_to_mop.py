"""convert-cim-to-mop: the scheduled model as an executable meta-operator flow.

Lowers from the module's own level, by its arch's computing mode: CM flows
drive cores (write_core / read_core), XBM flows crossbars and WLM flows rows.
Digital operators become DCOM, buffers get explicit L0 addresses, and the CG
schedule (segments, copies, pipeline stages) is kept on the flow so that the
simulator can evaluate exactly what the passes decided.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.rewriter import Rewriter

from cim_mlir.arch import Arch, ComputingMode
from cim_mlir.codegen.cm import lower_cm
from cim_mlir.codegen.wlm import lower_wlm
from cim_mlir.codegen.xbm import lower_xbm
from cim_mlir.codegen.flow import FlowBuilder
from cim_mlir.diagnostics import PassError
from cim_mlir.passes.base import CimPass
from cim_mlir.passes.cg_graph import build_graph, level_time


def schedule_table(module: ModuleOp, arch: Arch) -> dict:
    """Per layer: the CG decisions, pipeline edges and one MVM's latency (the
    pipeline's per-link delay, as the passes estimated it), for the simulator."""
    table = {}
    layers = build_graph(module, arch)
    segment = {l.name: l.op.sched.segment.data for l in layers}
    for layer in layers:
        s = layer.op.sched
        table[layer.name] = {
            "segment": s.segment.data, "stage": s.stage.data, "wait": s.wait.data,
            "dup": s.dup.data, "rows": layer.work.out_rows,
            "mvm": round(level_time(layer, arch)[2], 3),
            # Only producers in the same segment overlap with it in time.
            "preds": {p: round(f, 6) for p, f in layer.preds.items()
                      if segment.get(p) == s.segment.data},
        }
    return table


LOWERINGS = {ComputingMode.CM: lower_cm, ComputingMode.XBM: lower_xbm,
             ComputingMode.WLM: lower_wlm}


@dataclass(frozen=True)
class ConvertCimToMopPass(CimPass):
    """Lower the scheduled model to a cim.mop meta-operator flow."""

    name = "convert-cim-to-mop"

    def run(self, ctx: Context, module: ModuleOp, arch: Arch) -> None:
        mode = arch.computing_mode
        lower = LOWERINGS.get(mode)
        if lower is None:
            raise PassError(f"lowering to {mode.name} meta-operators is not available yet",
                            self.name)
        builder = FlowBuilder(module, arch, mode.name, fuse=mode != ComputingMode.CM)
        flow = builder.build(lower, schedule_table(module, arch))
        for op in list(module.body.block.ops):
            if isinstance(op, func.FuncOp):
                Rewriter.erase_op(op, safe_erase=False)
        module.body.block.add_op(flow)
