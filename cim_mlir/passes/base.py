"""What every cim-mlir pass shares: the module's arch and the mode check.

A pass declares the coarsest computing mode that exposes it
(``required_mode``); running it on a module whose arch is driven in a coarser
mode is an error naming the pass and the mode (design.md §1), never a silent
no-op.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from cim_mlir.arch import Arch, ComputingMode
from cim_mlir.diagnostics import PassError


def module_arch(module: ModuleOp, pass_name: str | None = None) -> Arch:
    from cim_mlir.dialects.cim import get_arch

    arch = get_arch(module)
    if arch is None:
        who = f"pass '{pass_name}'" if pass_name else "this step"
        raise PassError(
            f"{who} needs a target architecture, but the module has no #cim.arch "
            "attribute; import the model with --arch NAME|FILE or pass --arch")
    return arch


@dataclass(frozen=True)
class CimPass(ModulePass):
    """A pass that needs the module's arch (and possibly a computing mode)."""

    required_mode: ClassVar[ComputingMode | None] = None
    """The coarsest mode exposing this pass; None if it runs in every mode."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        arch = module_arch(op, self.name)
        if self.required_mode is not None and arch.computing_mode < self.required_mode:
            raise PassError(
                f"pass '{self.name}' needs the {self.required_mode.name} computing mode "
                f"or finer, but arch '{arch.name}' is driven in "
                f"{arch.computing_mode.name}; it exposes "
                f"{', '.join(m.name for m in ComputingMode if m <= arch.computing_mode)}")
        self.run(ctx, op, arch)

    @abstractmethod
    def run(self, ctx: Context, module: ModuleOp, arch: Arch) -> None: ...
