"""vvm-remap: VVM-grained data remapping (CIM-MLC §3.3.4, Fig. 14).

With at most ``parallel_row`` rows active per crossbar, an MVM over a tile of
R rows takes ceil(R / parallel_row) activation steps whose partial sums
accumulate.  Remapping moves the row groups feeding one output onto distinct
crossbars — here: tiles of a lower ``height`` (a multiple of the group size)
— so that they activate in fewer steps, down to one; an MVM's result is then
ready sooner for the next operator (a finer pipeline), but a copy needs more
crossbars, so fewer copies fit in the operator's crossbars.  Per layer the pass
tries every height with the cost model (the segment's pipelined latency, the
per-MVM latency on ties), keeps the best, and reports the choice.  Crossbar
capacity is never exceeded: copies only use the crossbars the operator
already occupies.  When ``parallel_row`` covers a tile's rows there is nothing to
remap, and the pass says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

from cim_mlir.arch import Arch, ComputingMode
from cim_mlir.cost import MappingError, footprint
from cim_mlir.dialects.row import RowGroupsAttr, RowOp
from cim_mlir.dialects.xbar import PlacementAttr, VxbAttr
from cim_mlir.passes.base import CimPass
from cim_mlir.passes.cg_graph import build_graph, by_segment, evaluate_segment
from cim_mlir.passes.mvm_dup import place, placement_runs
from cim_mlir.remarks import remark


@dataclass
class Mapping:
    height: int
    vxb: VxbAttr
    starts: list[int]
    stagger: int


def current(op: RowOp) -> Mapping:
    return Mapping(op.rows.height.data, op.vxb, op.placement.starts, op.placement.stagger.data)


def apply(op: RowOp, m: Mapping) -> None:
    op.properties["rows"] = RowGroupsAttr.make(size=op.rows.size.data, height=m.height)
    op.properties["vxb"] = m.vxb
    top = max(1, len(m.starts) * m.vxb.row_tiles.data)
    op.properties["placement"] = PlacementAttr.make(dup=len(m.starts), xbars=m.starts,
                                                    stagger=max(1, min(m.stagger, top)))


def candidates(op: RowOp, arch: Arch) -> list[Mapping]:
    """Every lower tile height (multiples of the group size) that fits the cores."""
    size = op.rows.size.data
    natural = op.tile_rows() // op.vxb.groups_per_xbar.data
    runs = placement_runs(op)
    out = []
    for height in range(size, natural, size):
        try:
            fp = footprint(op.matrix.matrix(), arch, op.binding_value(), height)
        except MappingError:
            continue
        starts = place(runs, fp.xbars, op.windows.data)
        if starts:
            out.append(Mapping(height, VxbAttr.of(fp), starts, 1))
    return out


@dataclass(frozen=True)
class VvmRemapPass(CimPass):
    """Remap row groups across crossbars where the cost model says it pays (WLM)."""

    name = "vvm-remap"
    required_mode = ComputingMode.WLM

    def run(self, ctx: Context, module: ModuleOp, arch: Arch) -> None:
        layers = build_graph(module, arch)
        choices: dict[str, list[str]] = {"remapped": [], "kept": [], "no-op": [], "full": []}
        before_total = after_total = 0.0
        for _, seg_layers in by_segment(layers).items():
            before_total += evaluate_segment(seg_layers, arch).latency
            for layer in seg_layers:
                op = layer.op
                if not isinstance(op, RowOp):
                    continue
                if op.row_steps() == 1:
                    choices["no-op"].append(op.layer_name)
                    continue
                options = candidates(op, arch) if op.vxb.groups_per_xbar.data == 1 else []
                if not options:
                    choices["full"].append(op.layer_name)
                    continue
                best = current(op)
                best_key = (evaluate_segment(seg_layers, arch).latency, op.row_steps())
                for option in options:
                    apply(op, option)
                    key = (evaluate_segment(seg_layers, arch).latency, op.row_steps())
                    if key < best_key:
                        best, best_key = option, key
                apply(op, best)
                kind = "remapped" if op.remapped(arch) else "kept"
                detail = (f"{op.layer_name} ({op.row_steps()} step(s) x {len(best.starts)} "
                          f"copies)" if kind == "remapped" else op.layer_name)
                choices[kind].append(detail)
            after_total += evaluate_segment(seg_layers, arch).latency
        self.report(choices, arch, before_total, after_total)

    def report(self, choices: dict[str, list[str]], arch: Arch, before: float,
               after: float) -> None:
        def names(key: str) -> str:
            items = choices[key]
            return ", ".join(items[:6]) + (f", ... ({len(items)} layers)"
                                           if len(items) > 6 else "")

        if choices["remapped"]:
            remark(self.name, f"remapped {len(choices['remapped'])} layers: "
                   f"{names('remapped')}")
        if choices["kept"]:
            remark(self.name, f"kept the naive mapping of {len(choices['kept'])} layers "
                   f"(remapping would not lower latency): {names('kept')}")
        if choices["full"]:
            remark(self.name, f"no room to remap {len(choices['full'])} layers (a copy with "
                   f"shorter tiles needs more crossbars than the layer occupies, or its "
                   f"groups are packed block-diagonally): {names('full')}")
        if choices["no-op"]:
            remark(self.name, f"nothing to remap in {len(choices['no-op'])} layers: "
                   f"parallel_row = {arch.crossbar.parallel_row} covers all rows of their "
                   f"crossbar tiles: {names('no-op')}")
        if before > 0:
            remark(self.name, f"estimated latency {before:.0f} -> {after:.0f} cycles "
                   f"({before / max(after, 1e-9):.2f}x over MVM-grained scheduling)")
