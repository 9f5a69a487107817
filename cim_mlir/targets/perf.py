"""``-t perf``: the simulator's JSON performance report of a compiled flow."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import IO

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.target import Target


@dataclass(frozen=True)
class PerfTarget(Target):
    """cycles, lower_bound_cycles, peak_active_xbars, energy_pj and per-layer results."""

    name = "perf"

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        from cim_mlir.sim import simulate

        json.dump(simulate(module).to_json(), output, indent=2)
        output.write("\n")
