"""--cim-mlc: the mode-aware CIM-MLC pipeline in one flag (design.md §1).

Runs exactly the passes the module's arch exposes — CM: CG-grained only;
XBM: CG + MVM; WLM: CG + MVM + VVM — then lowers to the meta-operator flow.
Its options switch optimisations off to produce the paper's baselines with
the same code: ``cim-mlc{dup=false pipeline=false}`` is "no optimisation",
``dup=false`` "CG-Pipeline", ``pipeline=false`` "CG-Duplication", the
default in CM "CG-P&D", ``solver=greedy pipeline=false`` Poly-Schedule-like
(greedy duplication; its batch pipeline does not shorten one image), and in
XBM/WLM ``mvm-dup``, ``mvm-pipeline`` and ``vvm`` add the finer levels.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from cim_mlir.arch import Arch, ComputingMode
from cim_mlir.passes.base import CimPass
from cim_mlir.passes.registry import available_passes
from cim_mlir.progress import bar


@dataclass(frozen=True)
class CimMlcPass(CimPass):
    """The whole CIM-MLC flow for the arch's computing mode, down to cim.mop."""

    name = "cim-mlc"

    solver: str = "dp"
    """cg-dup solver: dp, cpsat or greedy."""
    dup: bool = True
    """CG-grained duplication."""
    pipeline: bool = True
    """CG-grained inter-operator pipeline."""
    mvm_dup: bool = True
    """MVM-grained duplication (XBM and WLM)."""
    mvm_pipeline: bool = True
    """MVM-grained staggered pipeline (XBM and WLM)."""
    vvm: bool = True
    """VVM-grained row remapping (WLM)."""

    def pipeline_for(self, arch: Arch) -> list[ModulePass]:
        passes = available_passes()

        def make(name: str, **options: object) -> ModulePass:
            if name not in passes:
                from cim_mlir.diagnostics import PassError

                raise PassError(f"pass '{name}' needed for the {arch.computing_mode.name} "
                                "flow is not available in this build", self.name)
            return passes[name]()(**options)  # type: ignore[call-arg]

        steps = [make("onnx-canonicalize"), make("convert-onnx-to-cim-core"),
                 make("cg-segment")]
        if self.dup:
            steps.append(make("cg-dup", solver=self.solver, balance=self.pipeline))
        if self.pipeline:
            steps.append(make("cg-pipeline"))
        if arch.computing_mode >= ComputingMode.XBM:
            steps.append(make("convert-cim-core-to-xbar"))
            if self.mvm_dup:
                steps.append(make("mvm-dup"))
            if self.mvm_pipeline:
                steps.append(make("mvm-pipeline"))
        if arch.computing_mode >= ComputingMode.WLM:
            steps.append(make("convert-cim-xbar-to-row"))
            if self.vvm:
                steps.append(make("vvm-remap"))
        steps.append(make("convert-cim-to-mop"))
        return steps

    verify_each: bool = False
    """Verify the module after every step (cim-opt verifies after the whole pass)."""

    def run(self, ctx: Context, module: ModuleOp, arch: Arch) -> None:
        for step in bar(self.pipeline_for(arch), self.name, unit="pass",
                        name=lambda p: p.name):
            step.apply(ctx, module)
            if self.verify_each:
                module.verify()
