"""Hardware abstraction of CIM accelerators (CIM-MLC §3.2), free of xDSL."""

from cim_mlir.arch.loader import (
    DEFAULT_ARCH,
    ArchError,
    arch_from_dict,
    arch_to_dict,
    dump_arch_yaml,
    list_presets,
    load_arch,
    load_arch_file,
)
from cim_mlir.arch.model import (
    IDEAL,
    Arch,
    CellType,
    ChipTier,
    ComputingMode,
    CoreTier,
    CostParams,
    CrossbarTier,
    DataFormat,
    Grid,
    Ideal,
    NocCost,
    is_ideal,
    or_default,
)

__all__ = [
    "DEFAULT_ARCH", "IDEAL", "Arch", "ArchError", "CellType", "ChipTier", "ComputingMode",
    "CoreTier", "CostParams", "CrossbarTier", "DataFormat", "Grid", "Ideal", "NocCost",
    "arch_from_dict", "arch_to_dict", "dump_arch_yaml", "is_ideal", "list_presets",
    "load_arch", "load_arch_file", "or_default",
]
