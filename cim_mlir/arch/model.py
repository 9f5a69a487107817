"""The CIM hardware abstraction of CIM-MLC §3.2: chip, core and crossbar tiers.

Plain dataclasses, free of xDSL, so that the cost model, the simulator and
external tools can use them without loading the compiler.  Every parameter of
the paper's Figures 5, 6 and 8 is here.  A parameter the paper writes as "\\"
is *ideal*: its influence is disregarded.  That is represented by the
``IDEAL`` singleton, never by 0 or by a guessed number, so that every consumer
has to decide explicitly what "ideal" means for it (infinite bandwidth, free
NoC, unbounded buffer, exact converter).
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field, fields, replace
from typing import TypeAlias, TypeVar


class _Ideal:
    """The paper's "\\": a parameter whose effect the model disregards."""

    _instance: _Ideal | None = None

    def __new__(cls) -> _Ideal:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "IDEAL"

    def __str__(self) -> str:
        return "ideal"

    def __reduce__(self) -> str:
        return "IDEAL"


IDEAL = _Ideal()
Ideal: TypeAlias = _Ideal

T = TypeVar("T")


def is_ideal(value: object) -> bool:
    return value is IDEAL


def or_default(value: T | Ideal, default: T) -> T:
    """The value, or ``default`` when the parameter is ideal."""
    return default if value is IDEAL else value  # type: ignore[return-value]


class ComputingMode(enum.IntEnum):
    """Programming-interface granularity (§3.2).  Larger is finer."""

    CM = 0
    """Core mode: the compiler schedules whole operators on cores."""
    XBM = 1
    """Crossbar mode: the compiler schedules MVMs on (virtual) crossbars."""
    WLM = 2
    """Wordline mode: the compiler activates groups of crossbar rows."""

    @classmethod
    def parse(cls, text: str) -> ComputingMode:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown computing mode '{text}' (expected one of CM, XBM, WLM)"
            ) from None


class CellType(enum.Enum):
    SRAM = "SRAM"
    ReRAM = "ReRAM"
    FLASH = "FLASH"
    PCM = "PCM"

    @classmethod
    def parse(cls, text: str) -> CellType:
        normal = text.strip().lower()
        aliases = {"rram": "ReRAM", "reram": "ReRAM", "sram": "SRAM",
                   "flash": "FLASH", "nor-flash": "FLASH", "pcm": "PCM"}
        if normal in aliases:
            return cls(aliases[normal])
        raise ValueError(
            f"unknown cell type '{text}' (expected one of SRAM, ReRAM, FLASH, PCM)"
        )


@dataclass(frozen=True)
class Grid:
    """A 2-D count, written ``[rows, cols]`` in the paper ("rows * cols")."""

    rows: int
    cols: int

    @property
    def count(self) -> int:
        return self.rows * self.cols

    def position(self, index: int) -> tuple[int, int]:
        return divmod(index, self.cols)

    def __str__(self) -> str:
        return f"{self.rows}x{self.cols}"


@dataclass(frozen=True)
class NocCost:
    """Data-transfer cost between two units of a tier (cycles per byte).

    The paper records a full matrix.  For large chips (768 cores) a matrix is
    unwieldy, so a per-hop cost on the NoC's topology is accepted too; the
    matrix, when given, wins.
    """

    per_hop: float | None = None
    matrix: tuple[tuple[float, ...], ...] | None = None

    def cost(self, src: int, dst: int, grid: Grid, topology: str | Ideal) -> float:
        if self.matrix is not None:
            return self.matrix[src][dst]
        if src == dst or self.per_hop is None:
            return 0.0
        return self.per_hop * hops(src, dst, grid, topology)


def hops(src: int, dst: int, grid: Grid, topology: str | Ideal) -> int:
    """Hop distance between two units; mesh-like topologies use Manhattan distance."""
    if src == dst:
        return 0
    topo = str(topology).lower()
    if topo in ("ideal", "shared-memory", "bus", "crossbar", "disjoint buffer switch",
                "disjoint-buffer-switch"):
        return 1
    (r0, c0), (r1, c1) = grid.position(src), grid.position(dst)
    if topo in ("h-tree", "htree", "tree"):
        # Levels of the smallest subtree holding both leaves.
        return 2 * max(1, math.ceil(math.log2(abs(src - dst) + 1)))
    return abs(r0 - r1) + abs(c0 - c1)


@dataclass(frozen=True)
class ChipTier:
    """Figure 5: chip-tier parameters, exposed in every computing mode."""

    core_number: Grid
    alu: int | Ideal = IDEAL
    """Digital ops per cycle of the chip ALU (DCOM throughput)."""
    core_noc: str | Ideal = IDEAL
    core_noc_cost: NocCost | Ideal = IDEAL
    l0_size: int | Ideal = IDEAL
    """Global buffer size in bytes."""
    l0_bw: int | Ideal = IDEAL
    """Global buffer bandwidth in bits per cycle."""


@dataclass(frozen=True)
class CoreTier:
    """Figure 6: core-tier parameters, exposed in XBM and WLM."""

    xb_number: Grid
    alu: int | Ideal = IDEAL
    xb_noc: str | Ideal = IDEAL
    xb_noc_cost: NocCost | Ideal = IDEAL
    l1_size: int | Ideal = IDEAL
    """Local buffer size in bytes."""
    l1_bw: int | Ideal = IDEAL
    """Local buffer bandwidth in bits per cycle."""
    binding: str = "R->XBR,C->XBC,B->XBC"
    """Default VXB dimension binding (Fig. 7): matrix rows, columns and weight bits
    onto crossbar rows (XBR), columns (XBC) or separate crossbars (XB)."""


@dataclass(frozen=True)
class CrossbarTier:
    """Figure 8: crossbar-tier parameters, exposed in WLM."""

    xb_size: Grid
    """Rows (wordlines) x columns (bitlines) of cells."""
    parallel_row: int
    """Rows that can be activated at once."""
    cell_type: CellType = CellType.ReRAM
    precision: int = 2
    """Bits stored per cell."""
    dac: int | Ideal = IDEAL
    """DAC bits: input bits applied per cycle.  Ideal: the whole input at once."""
    adc: int | Ideal = IDEAL
    """ADC bits: resolution of a column read.  Ideal: exact."""


@dataclass(frozen=True)
class DataFormat:
    """Operand precision of the compiled model (the paper quantises to 8 bits)."""

    weight_bits: int = 8
    activation_bits: int = 8

    @property
    def activation_bytes(self) -> float:
        return self.activation_bits / 8


@dataclass(frozen=True)
class CostParams:
    """Constants of the shared cost model, in clock cycles and picojoules.

    A *cycle* is one period of the chip's digital clock (``cycle_ns``); a
    crossbar activation step — a DAC-width slice of the input applied to at
    most ``parallel_row`` rows, every active column converted — takes
    ``read_cycles(cell)`` of them.  Defaults are documented in
    ``docs/cost-model.md`` with their sources.
    """

    cycle_ns: float = 1.0
    """Length of a cycle (a 1 GHz digital clock, as the ALU and buffer rates in
    ops or bits per cycle assume); time and power are reported with it."""
    read_cycles_sram: float = 10.0
    """Cycles of one crossbar activation step (one DAC slice on <= parallel_row rows,
    all columns converted) in an SRAM macro (~10 ns; Jia et al. ISSCC'21, Jain et al.)."""
    read_cycles_reram: float = 100.0
    """The same for ReRAM (ISAAC: a 128x128 crossbar read in 100 ns incl. ADC)."""
    read_cycles_flash: float = 100.0
    """The same for FLASH (NOR-flash CIM reads ~ 100 ns; Guo et al. IEDM'17)."""
    read_cycles_pcm: float = 100.0
    """The same for PCM (~ 100 ns reads; NVSim)."""
    write_row_cycles_sram: float = 10.0
    """Cycles to program one SRAM row (a write access, ~10 ns)."""
    write_row_cycles_reram: float = 1000.0
    """Cycles to program one ReRAM row (write-verify, ~1 us per row; MNSIM 2.0)."""
    write_row_cycles_flash: float = 10000.0
    """Cycles to program one FLASH row (~10 us page program; NVSim)."""
    write_row_cycles_pcm: float = 1000.0
    """Cycles to program one PCM row (SET-limited with verify, ~1 us; NVSim)."""
    alu_cycles_per_op: float = 1.0
    """Cycles of one ALU lane per elementary op when the ALU width is ideal."""
    shift_add_ops_per_output: float = 1.0
    """ALU ops to shift-accumulate one bit slice or partial sum (ISAAC S+A)."""
    xb_read_energy_pj: float = 1.2
    """Energy of one activation step of a full crossbar (ISAAC: 0.3 mW x 100 ns / 16 ~ 1.9; PUMA 128x128)."""
    adc_energy_pj: float = 1.6
    """Energy per column conversion (ISAAC: 8-bit SAR ADC, 2 mW at 1.28 GS/s)."""
    dac_energy_pj: float = 0.004
    """Energy per row per input slice (ISAAC: 1-bit DAC, 4 uW x ~1 ns)."""
    buffer_energy_pj_per_byte: float = 1.0
    """Buffer (eDRAM/SRAM) access energy per byte (ISAAC eDRAM, CACTI 64 KB)."""
    noc_energy_pj_per_byte_hop: float = 0.6
    """Router + link energy per byte per hop (ISAAC: 42 mW routers, 32-bit flits)."""
    alu_energy_pj_per_op: float = 0.5
    """Energy per digital op (PUMA VFU, 32 nm)."""
    write_energy_pj_per_cell: float = 10.0
    """Energy to program one cell (ReRAM SET/RESET ~ 10 pJ; NVSim)."""

    def read_cycles(self, cell: CellType) -> float:
        return {
            CellType.SRAM: self.read_cycles_sram,
            CellType.ReRAM: self.read_cycles_reram,
            CellType.FLASH: self.read_cycles_flash,
            CellType.PCM: self.read_cycles_pcm,
        }[cell]

    def write_row_cycles(self, cell: CellType) -> float:
        return {
            CellType.SRAM: self.write_row_cycles_sram,
            CellType.ReRAM: self.write_row_cycles_reram,
            CellType.FLASH: self.write_row_cycles_flash,
            CellType.PCM: self.write_row_cycles_pcm,
        }[cell]


@dataclass(frozen=True)
class Arch:
    """A CIM accelerator: three tiers, the computing mode and the cost constants."""

    name: str
    computing_mode: ComputingMode
    """The finest programming interface the chip exposes."""
    chip: ChipTier
    core: CoreTier
    crossbar: CrossbarTier
    data: DataFormat = field(default_factory=DataFormat)
    cost: CostParams = field(default_factory=CostParams)
    allow_spill: bool = False
    """Whether activations that do not fit in L0 may spill off-chip."""
    description: str = ""
    source: str = ""

    # ---- derived quantities used by every level -------------------------------
    @property
    def num_cores(self) -> int:
        return self.chip.core_number.count

    @property
    def xbars_per_core(self) -> int:
        return self.core.xb_number.count

    @property
    def num_xbars(self) -> int:
        return self.num_cores * self.xbars_per_core

    @property
    def xb_rows(self) -> int:
        return self.crossbar.xb_size.rows

    @property
    def xb_cols(self) -> int:
        return self.crossbar.xb_size.cols

    @property
    def cells_per_weight(self) -> int:
        """Cells (bit slices) one weight occupies."""
        return math.ceil(self.data.weight_bits / self.crossbar.precision)

    @property
    def input_slices(self) -> int:
        """Bit-serial input steps per MVM: ceil(activation bits / DAC bits)."""
        dac = self.crossbar.dac
        if dac is IDEAL:
            return 1
        return math.ceil(self.data.activation_bits / dac)  # type: ignore[operator]

    def with_mode(self, mode: ComputingMode) -> Arch:
        """The same chip driven through a coarser programming interface."""
        if mode > self.computing_mode:
            raise ValueError(
                f"computing mode {mode.name} is finer than the finest interface "
                f"arch '{self.name}' exposes ({self.computing_mode.name}); "
                f"allowed: {', '.join(m.name for m in ComputingMode if m <= self.computing_mode)}"
            )
        return replace(self, computing_mode=mode)

    def exposes(self, mode: ComputingMode) -> bool:
        return mode <= self.computing_mode


def dataclass_field_names(cls: type) -> list[str]:
    return [f.name for f in fields(cls)]
