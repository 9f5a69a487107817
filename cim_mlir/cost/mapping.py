"""How a weight matrix occupies crossbars: the VXB dimension binding of §3.2.2.

A CIM-supported operator is an MVM against a constant matrix.  Convolutions
unroll to ``groups`` matrices of ``kh*kw*Cin/groups`` rows by
``Cout/groups`` columns (rows in the (kh, kw, c) order of an HWC sliding
window); Gemm/MatMul are one group.  A *virtual crossbar* (VXB) is the set of
physical crossbars that together hold one copy of the matrix, laid out by a
*binding* of the matrix dimensions R (rows), C (columns), B (weight bits) to
the crossbar dimensions XB (separate crossbars), XBR (crossbar rows) and XBC
(crossbar columns) — Figure 7.

This module is plain Python (no xDSL) and is the one place that decides
footprints; the passes, the code generator, the interpreter and the simulator
all ask it.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from cim_mlir.arch import Arch


class MappingError(ValueError):
    """A matrix or binding the crossbars cannot hold."""


@dataclass(frozen=True)
class Binding:
    """Where matrix dims go: R -> XBR, C -> XBC, and B -> XBC or XB."""

    bits: str = "XBC"
    """XBC: bit slices in adjacent columns; XB: bit slices in separate crossbars."""

    @staticmethod
    def parse(text: str) -> Binding:
        """Parse ``R->XBR,C->XBC,B->XB`` (any order; R and C are fixed)."""
        parts: dict[str, str] = {}
        for item in text.replace(" ", "").split(","):
            if not item:
                continue
            dim, arrow, target = item.partition("->")
            if not arrow or dim not in ("R", "C", "B"):
                raise MappingError(f"bad binding item '{item}' (expected e.g. B->XBC)")
            parts[dim] = target
        if parts.get("R", "XBR") != "XBR" or parts.get("C", "XBC") != "XBC":
            raise MappingError(
                f"binding '{text}' is not supported: rows must bind to XBR and columns to XBC")
        bits = parts.get("B", "XBC")
        if bits not in ("XBC", "XB"):
            raise MappingError(f"binding '{text}': B binds to XBC (adjacent columns) or XB "
                               "(separate crossbars), not " + bits)
        return Binding(bits)

    def __str__(self) -> str:
        return f"R->XBR,C->XBC,B->{self.bits}"


DEFAULT_BINDING = Binding()


@dataclass(frozen=True)
class WeightMatrix:
    """The unrolled weight matrix of a CIM-supported operator."""

    rows: int
    """Rows per group: kh*kw*Cin/groups, or K."""
    cols: int
    """Columns per group: Cout/groups, or N."""
    groups: int = 1
    bits: int = 8

    @property
    def total_cols(self) -> int:
        return self.cols * self.groups

    @property
    def weights(self) -> int:
        return self.rows * self.cols * self.groups


@dataclass(frozen=True)
class Footprint:
    """Crossbars one copy (one VXB) of a matrix needs, and how it is tiled."""

    row_tiles: int
    """Row tiles per group (partial sums accumulated by the ALU)."""
    col_tiles: int
    """Column tiles per group."""
    bit_xbars: int
    """Crossbars per tile holding separate bit slices (1 unless B->XB)."""
    groups_per_xbar: int
    """Groups packed block-diagonally into one crossbar (small grouped convs)."""
    group_tiles: int
    """Tiles along the group dimension: ceil(groups / groups_per_xbar)."""
    tile_rows: int
    """Matrix rows held by one crossbar (<= xb rows)."""
    tile_cols: int
    """Weight columns held by one crossbar."""
    cells_per_weight: int
    xbars: int
    """Physical crossbars of one copy."""
    cores: int
    """Cores one copy spans (ceil(xbars / xbars per core))."""

    @property
    def partial_sums(self) -> int:
        """Values the ALU accumulates per output column (row tiles and bit slices)."""
        return self.row_tiles * self.bit_xbars


def arch_binding(arch: Arch) -> Binding:
    """The arch's default binding (``core.binding``)."""
    return _parse_binding(arch.core.binding)


@functools.lru_cache(maxsize=None)
def _parse_binding(text: str) -> Binding:
    return Binding.parse(text)


def footprint(matrix: WeightMatrix, arch: Arch, binding: Binding | None = None,
              height: int | None = None) -> Footprint:
    """Tile one copy of ``matrix`` onto the arch's crossbars.

    ``binding`` defaults to the arch's own.  ``height`` caps the rows used per
    crossbar (default: all of them); the VVM-grained remapping uses shorter
    tiles so that every row group of an output sits on its own crossbar.
    """
    binding = binding or arch_binding(arch)
    xb_rows, xb_cols = arch.xb_rows, arch.xb_cols
    if height is not None:
        if not 1 <= height <= xb_rows:
            raise MappingError(f"tile height {height} must be in [1, {xb_rows}]")
        xb_rows = height
    cells = math.ceil(matrix.bits / arch.crossbar.precision)
    col_cells = cells if binding.bits == "XBC" else 1
    bit_xbars = 1 if binding.bits == "XBC" else cells
    weight_cols = xb_cols // col_cells
    if weight_cols == 0:
        raise MappingError(
            f"a crossbar of {xb_cols} columns cannot hold one {matrix.bits}-bit weight in "
            f"{cells} adjacent {arch.crossbar.precision}-bit cells; bind B->XB instead")
    row_tiles = math.ceil(matrix.rows / xb_rows)
    col_tiles = math.ceil(matrix.cols / weight_cols)
    if matrix.groups > 1 and row_tiles == 1 and col_tiles == 1:
        per_xbar = min(xb_rows // matrix.rows, weight_cols // matrix.cols, matrix.groups)
    else:
        per_xbar = 1
    group_tiles = math.ceil(matrix.groups / per_xbar)
    xbars = group_tiles * row_tiles * col_tiles * bit_xbars
    return Footprint(
        row_tiles=row_tiles,
        col_tiles=col_tiles,
        bit_xbars=bit_xbars,
        groups_per_xbar=per_xbar,
        group_tiles=group_tiles,
        tile_rows=min(matrix.rows, xb_rows) * per_xbar,
        tile_cols=min(matrix.cols, weight_cols) * per_xbar,
        cells_per_weight=cells,
        xbars=xbars,
        cores=math.ceil(xbars / arch.xbars_per_core),
    )


@dataclass(frozen=True)
class TileBlock:
    """What one crossbar of a VXB copy holds."""

    offset: int
    """Crossbar index within the copy."""
    groups: tuple[int, int]
    rows: tuple[int, int]
    """Rows of each group's matrix (per-group row index)."""
    cols: tuple[int, int]
    """Columns of each group's matrix."""
    bits: tuple[int, int]
    """Cell slices [first, end) held (all of them unless B->XB)."""
    in_offset: int
    """Where its first row sits in the copy's input vector (group-major)."""
    out_offset: int
    """Where its first column sits in the copy's output vector (group-major)."""

    @property
    def height(self) -> int:
        return (self.groups[1] - self.groups[0]) * (self.rows[1] - self.rows[0])

    @property
    def width(self) -> int:
        return (self.groups[1] - self.groups[0]) * (self.cols[1] - self.cols[0])


def vxb_tiles(matrix: WeightMatrix, arch: Arch, binding: Binding | None = None,
              height: int | None = None) -> list[TileBlock]:
    """The crossbars of one copy in VXB order: group tile, row tile, column tile,
    bit slice.  The one tiling rule the code generator, the interpreter and the
    simulator share."""
    fp = footprint(matrix, arch, binding, height)
    rows_per = height or arch.xb_rows
    cols_per = fp.tile_cols // fp.groups_per_xbar
    gpx = fp.groups_per_xbar
    tiles: list[TileBlock] = []
    for gt in range(fp.group_tiles):
        g0, g1 = gt * gpx, min(matrix.groups, (gt + 1) * gpx)
        for rt in range(fp.row_tiles):
            r0, r1 = rt * rows_per, min(matrix.rows, (rt + 1) * rows_per)
            for ct in range(fp.col_tiles):
                c0, c1 = ct * cols_per, min(matrix.cols, (ct + 1) * cols_per)
                for b in range(fp.bit_xbars):
                    bits = (b, b + 1) if fp.bit_xbars > 1 else (0, fp.cells_per_weight)
                    tiles.append(TileBlock(len(tiles), (g0, g1), (r0, r1), (c0, c1), bits,
                                           g0 * matrix.rows + r0, g0 * matrix.cols + c0))
    return tiles


# ---- weight layouts ---------------------------------------------------------------


def unroll_conv(weights: np.ndarray, groups: int) -> np.ndarray:
    """(Cout, Cin/g, kh, kw) -> (g, kh*kw*Cin/g, Cout/g), rows in (kh, kw, c) order."""
    cout, cin_g, kh, kw = weights.shape
    per = cout // groups
    w = weights.reshape(groups, per, cin_g, kh, kw)
    return np.ascontiguousarray(w.transpose(0, 3, 4, 2, 1).reshape(groups, kh * kw * cin_g, per))


def unroll_matmul(weights: np.ndarray, transposed: bool) -> np.ndarray:
    """(K, N), or (N, K) when ``transposed`` -> (1, K, N)."""
    w = weights.T if transposed else weights
    return np.ascontiguousarray(w)[None, :, :]
