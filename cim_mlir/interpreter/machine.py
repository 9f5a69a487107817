"""The machine a flow runs on, built from the module's ``#cim.arch``.

* ``L0``: the chip's global buffer, ``l0_used`` elements (the flow's own
  high-water mark; an access beyond it is an error);
* ``L1.<core>``: one local buffer per core, created on first use; it grows on
  demand when the arch's ``l1_size`` is ideal, otherwise it is bounded by
  ``l1_size`` bytes of ``activation_bits`` elements;
* cores programmed by ``write_core`` (one :class:`ProgrammedMatrix` per copy);
* crossbars: ``write_xb`` programs a VXB (a :class:`ProgrammedMatrix` tiled
  over its crossbars by ``cost.mapping.footprint`` under the op's binding),
  ``write_row`` programs rows of one crossbar (:class:`RowCrossbar`, a cell
  array of ``xb_rows x xb_cols`` cells of ``precision`` bits).

Every buffer is float64 with a *written* mask, so a read of space nobody
wrote is an error instead of a silent zero.  All accesses take a batch of
base addresses (one per loop iteration being executed) and are one numpy
call each.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from xdsl.ir import Attribute

from cim_mlir.arch import Arch, is_ideal
from cim_mlir.cost.mapping import (
    Binding,
    MappingError,
    WeightMatrix,
    footprint,
    unroll_conv,
)
from cim_mlir.dialects.mop import MatrixRefAttr
from cim_mlir.interpreter.numerics import (
    Numerics,
    ProgrammedMatrix,
    RowPlacement,
    placement_for_tiles,
    placement_one_step,
)
from cim_mlir.weights import to_array


class AccessError(Exception):
    """A bad buffer access; the op runner adds which op made it."""


# ---- buffers ------------------------------------------------------------------------


class Space:
    """One buffer (L0 or one core's L1) of float64 elements with a written mask."""

    def __init__(self, name: str, size: int, limit: int | None, grow: bool):
        self.name = name
        self.data = np.zeros(size)
        self.written = np.zeros(size, dtype=bool)
        self.limit = limit
        """Largest size in elements (None: unbounded)."""
        self.grow = grow
        self.high_water = 0

    @property
    def size(self) -> int:
        return self.data.size

    def describe_limit(self) -> str:
        if self.name == "L0":
            return f"the flow's L0 holds {self.size} elements (l0_used)"
        return f"{self.name} holds {self.limit} elements (l1_size)"

    def _ensure(self, hi: int, lo: int, what: str, writing: bool) -> bool:
        """Bounds check for [lo, hi); grows an ideal L1.  False: reading unallocated."""
        if lo < 0:
            raise AccessError(f"{what} {self.name}[{lo}] is a negative address")
        if self.limit is not None and hi > self.limit:
            raise AccessError(f"{what} {self.name}[{lo}..{hi}) is out of range: "
                              f"{self.describe_limit()}")
        if hi <= self.size:
            return True
        if not self.grow:
            raise AccessError(f"{what} {self.name}[{lo}..{hi}) is out of range: "
                              f"{self.describe_limit()}")
        if not writing:
            return False
        new = max(hi, 2 * self.size, 1024)
        if self.limit is not None:
            new = min(new, self.limit)
        self.data = np.concatenate([self.data, np.zeros(new - self.size)])
        self.written = np.concatenate([self.written, np.zeros(new - self.written.size, bool)])
        return True

    def _first_unwritten(self, lo: int) -> int:
        if lo >= self.size:
            return lo
        mask = self.written[lo:]
        return lo + int(np.argmin(mask)) if not mask.all() else self.size

    def _unwritten(self, what: str, addr: int) -> AccessError:
        return AccessError(f"{what} reads {self.name}[{addr}], which was never written")

    # contiguous blocks at per-iteration base addresses
    def read(self, addrs: np.ndarray, length: int, what: str) -> np.ndarray:
        lo, hi = int(addrs.min()), int(addrs.max()) + length
        if not self._ensure(hi, lo, what, writing=False):
            raise self._unwritten(what, self._first_unwritten(lo))
        if addrs.size == 1:
            a = int(addrs[0])
            mask = self.written[a:a + length]
            if not mask.all():
                raise self._unwritten(what, a + int(np.argmin(mask)))
            return self.data[a:a + length][None, :]
        idx = addrs[:, None] + np.arange(length)
        mask = self.written[idx]
        if not mask.all():
            raise self._unwritten(what, int(idx.reshape(-1)[np.argmin(mask.reshape(-1))]))
        return self.data[idx]

    def write(self, addrs: np.ndarray, values: np.ndarray, acc: bool, what: str) -> None:
        length = values.shape[1]
        lo, hi = int(addrs.min()), int(addrs.max()) + length
        self._ensure(hi, lo, what, writing=True)
        self.high_water = max(self.high_water, hi)
        if addrs.size == 1:
            a = int(addrs[0])
            sl = slice(a, a + length)
            if acc:
                mask = self.written[sl]
                if not mask.all():
                    raise AccessError(f"{what} accumulates into {self.name}"
                                      f"[{a + int(np.argmin(mask))}], which was never written")
                self.data[sl] += values[0]
            else:
                self.data[sl] = values[0]
                self.written[sl] = True
            return
        idx = addrs[:, None] + np.arange(length)
        if acc:
            mask = self.written[idx]
            if not mask.all():
                raise AccessError(f"{what} accumulates into {self.name}[{int(idx.reshape(-1)[np.argmin(mask.reshape(-1))])}], "
                                  "which was never written")
            np.add.at(self.data, idx, values)
        else:
            self.data[idx] = values
            self.written[idx] = True

    # arbitrary element sets
    def gather(self, idx: np.ndarray, what: str, valid: np.ndarray | None = None) -> np.ndarray:
        if idx.size == 0:
            return np.zeros(idx.shape)
        sel = idx if valid is None else idx[valid]
        if sel.size == 0:
            return np.zeros(idx.shape)
        lo, hi = int(sel.min()), int(sel.max()) + 1
        if not self._ensure(hi, lo, what, writing=False):
            bad = sel[sel >= self.size]
            raise self._unwritten(what, int(bad.min()))
        mask = self.written[sel]
        if not mask.all():
            raise self._unwritten(what, int(sel.reshape(-1)[np.argmin(mask.reshape(-1))]))
        if valid is None:
            return self.data[idx]
        out = np.zeros(idx.shape)
        out[valid] = self.data[sel]
        return out

    def scatter(self, idx: np.ndarray, values: np.ndarray, acc: bool, what: str) -> None:
        if idx.size == 0:
            return
        lo, hi = int(idx.min()), int(idx.max()) + 1
        self._ensure(hi, lo, what, writing=True)
        self.high_water = max(self.high_water, hi)
        if acc:
            mask = self.written[idx]
            if not mask.all():
                raise AccessError(f"{what} accumulates into {self.name}"
                                  f"[{int(idx.reshape(-1)[np.argmin(mask.reshape(-1))])}], "
                                  "which was never written")
            np.add.at(self.data, idx, values)
        else:
            self.data[idx] = values
            self.written[idx] = True


# ---- programmed weights ------------------------------------------------------------------


class _FullMatrix:
    """A layer's whole unrolled weight matrix; its peaks (for int scales) on demand."""

    def __init__(self, m: np.ndarray, shape: tuple[int, ...]):
        self.m = m
        """(groups, K, N) float64 (a transposed view for a transposed matmul)."""
        self.shape = shape
        """The weight tensor's own shape."""
        self._col_peak: np.ndarray | None = None

    @property
    def col_peak(self) -> np.ndarray:
        """(groups, N/groups) max |w| per output channel."""
        if self._col_peak is None:
            m = self.m
            self._col_peak = np.abs(m).max(axis=1) if m.shape[1] else np.zeros(m.shape[::2])
        return self._col_peak

    @property
    def peak(self) -> float:
        return float(self.col_peak.max(initial=0.0))


class _SharedMatrices:
    """Unrolled layer matrices kept across runs (like an inference session's weights),
    least recently used first out beyond ``limit`` bytes."""

    def __init__(self, limit: int = 1 << 30):
        self.limit = limit
        self.items: OrderedDict[tuple, _FullMatrix] = OrderedDict()
        self.bytes = 0

    def get(self, key: tuple) -> _FullMatrix | None:
        item = self.items.get(key)
        if item is not None:
            self.items.move_to_end(key)
        return item

    def put(self, key: tuple, item: _FullMatrix) -> _FullMatrix:
        size = item.m.nbytes
        if size > self.limit:
            return item
        self.items[key] = item
        self.bytes += size
        while self.bytes > self.limit:
            _, old = self.items.popitem(last=False)
            self.bytes -= old.m.nbytes
        return item


_SHARED = _SharedMatrices()


class Block:
    """The part of a layer's matrix a write programs (a view) and its bias."""

    def __init__(self, w: np.ndarray, bias: np.ndarray | None, full: _FullMatrix,
                 cols: tuple, qmax: int):
        self.w, self.bias = w, bias
        self._full, self._cols, self._qmax = full, cols, qmax

    def scales(self) -> tuple[np.ndarray, float]:
        """(per-output-channel scale (G, C), per-tensor scale): max |w| / qmax."""
        (o0, o1), (g0, g1), (c0, c1) = self._cols
        peak = self._full.col_peak
        if o0 is not None:
            peak = peak[:, o0:o1]
        return peak[g0:g1, c0:c1] / self._qmax, self._full.peak / self._qmax


class WeightCache:
    """Unrolled layer matrices and programmed blocks, shared by duplicated writes."""

    def __init__(self) -> None:
        self.full: dict[tuple, _FullMatrix] = {}
        self.blocks: dict[tuple, Block] = {}
        self.biases: dict[Attribute, np.ndarray] = {}
        self.programmed: dict[tuple, tuple[ProgrammedMatrix, Any]] = {}

    def bias(self, attr: Attribute) -> np.ndarray:
        if attr not in self.biases:
            self.biases[attr] = np.asarray(to_array(attr), dtype=np.float64)
        return self.biases[attr]

    def full_matrix(self, weights: Attribute, ref: MatrixRefAttr) -> _FullMatrix:
        key = (weights, ref.kind.data, ref.trans.data, ref.groups.data)
        if key not in self.full:
            shared = _SHARED.get(key)
            if shared is not None:
                self.full[key] = shared
                return shared
            w = to_array(weights)
            groups = ref.groups.data
            if ref.kind.data == "conv":
                if w.ndim != 4 or w.shape[0] % groups:
                    raise ValueError(f"conv weights of shape {list(w.shape)} do not split into "
                                     f"{groups} groups")
                m = unroll_conv(w, groups).astype(np.float64)
            else:
                if w.ndim != 2:
                    raise ValueError(f"matmul weights must be 2-D, got {list(w.shape)}")
                m = np.asarray(w, dtype=np.float64)
                m = (m.T if ref.trans.data else m)[None]  # BLAS takes the transpose as is
            self.full[key] = _SHARED.put(key, _FullMatrix(m, tuple(w.shape)))
        return self.full[key]

    def block(self, weights: Attribute, ref: MatrixRefAttr, bias: Attribute | None,
              qmax: int) -> Block:
        key = (weights, ref, bias, qmax)
        if key in self.blocks:
            return self.blocks[key]
        full = self.full_matrix(weights, ref)
        shape = full.shape
        groups = ref.groups.data
        i0, i1 = ref.get("in_range")
        o0, o1 = ref.get("out_range")
        m = full.m
        g_full, k_full, n_full = m.shape
        cols: tuple = ((None, None),)
        if ref.kind.data == "conv":
            cin = shape[1] * groups
            taps = shape[2] * shape[3]
            if groups > 1 and ((i0, i1) != (0, cin) or (o0, o1) != (0, shape[0])):
                raise ValueError(f"a grouped conv cannot be restricted to in_range [{i0}, {i1}) "
                                 f"x out_range [{o0}, {o1})")
            if not (0 <= i0 < i1 <= cin and 0 <= o0 < o1 <= shape[0]):
                raise ValueError(f"in_range [{i0}, {i1}) / out_range [{o0}, {o1}) exceed the "
                                 f"weights {list(shape)}")
            if groups == 1:
                if (i0, i1) != (0, cin):
                    m = m.reshape(1, taps, cin, n_full)[:, :, i0:i1, :].reshape(
                        1, taps * (i1 - i0), n_full)
                m = m[:, :, o0:o1]
                cols = ((o0, o1),)
        else:
            if not (0 <= i0 < i1 <= k_full and 0 <= o0 < o1 <= n_full):
                raise ValueError(f"in_range [{i0}, {i1}) / out_range [{o0}, {o1}) exceed the "
                                 f"{k_full}x{n_full} matrix")
            m = m[:, i0:i1, o0:o1]
            cols = ((o0, o1),)
        g0, g1, r0, r1, c0, c1 = ref.get("block")
        if g1 > m.shape[0] or r1 > m.shape[1] or c1 > m.shape[2]:
            raise ValueError(f"block {ref.get('block')} exceeds the {m.shape[0]}x{m.shape[1]}x"
                             f"{m.shape[2]} (groups x rows x cols) matrix")
        blk = m[g0:g1, r0:r1, c0:c1]
        b = None
        if bias is not None and r0 == 0:
            flat = self.bias(bias).reshape(-1)
            per = n_full if groups == 1 else shape[0]
            if flat.size == 1:
                flat = np.full(per, flat[0])
            if flat.size == per:
                flat = flat[o0:o1] if groups == 1 else flat
            elif flat.size != o1 - o0:
                raise ValueError(f"bias of {flat.size} values does not match {per} outputs")
            b = np.ascontiguousarray(flat.reshape(g_full if groups > 1 else 1, -1)
                                     [g0:g1, c0:c1].reshape(-1))
        out = Block(blk, b, full, cols + ((g0, g1), (c0, c1)), qmax)
        self.blocks[key] = out
        return out


def build_matrix(cache: WeightCache, arch: Arch, weights: Attribute, ref: MatrixRefAttr,
                 bias: Attribute | None, binding: Binding) -> tuple[ProgrammedMatrix, Any]:
    """A core copy's or VXB's matrix, tiled over crossbars as footprint() does.

    Copies of one block (duplicated operators) share one ProgrammedMatrix, so its
    quantisation and cells are computed once.
    """
    key = (weights, ref, bias, str(binding))
    got = cache.programmed.get(key)
    if got is not None:
        return got
    qmax = (1 << (arch.data.weight_bits - 1)) - 1
    blk = cache.block(weights, ref, bias, qmax)
    g, r, c = blk.w.shape
    fp = footprint(WeightMatrix(r, c, g, arch.data.weight_bits), arch, binding)
    pm = ProgrammedMatrix(ref.layer.data, blk.w, blk.bias, blk.scales,
                          lambda: placement_for_tiles(g, r, arch, fp.groups_per_xbar))
    pm.alpha, pm.beta = matrix_scales(ref)
    cache.programmed[key] = (pm, fp)
    return pm, fp


def matrix_scales(ref: MatrixRefAttr) -> tuple[float, float]:
    """(alpha, beta) of a matrix reference (Gemm; 1.0 for everything else)."""
    a = getattr(ref, "alpha", None)
    b = getattr(ref, "beta", None)
    return (float(a.data) if a is not None else 1.0, float(b.data) if b is not None else 1.0)


# ---- cores, VXBs, crossbar rows ---------------------------------------------------------------


@dataclass
class CoreCopy:
    core: int
    len: int
    matrix: ProgrammedMatrix
    kind: str


@dataclass
class Vxb:
    xb: int
    len: int
    matrix: ProgrammedMatrix


class RowCopy:
    """A whole copy programmed by one tiled write_row (count > 1).

    Kept logically (the block and its tiles): an activation step ``rows
    [row, row + len)`` of every tile is one gather of the active matrix rows
    and one multiply, with the rows of each tile converted together (one ADC
    segment per tile), exactly as the per-crossbar cells would.  A
    single-crossbar op on one of its crossbars materialises the tiles as
    :class:`RowCrossbar` cells.
    """

    def __init__(self, xb: int, count: int, height: int, tiles: list, w: np.ndarray,
                 bias: np.ndarray | None, scales: Any, layer: str, alpha: float, beta: float):
        self.xb, self.count, self.height, self.tiles = xb, count, height, tiles
        self.w, self.bias = w, bias
        self._scales = scales
        g, r, c = self.w.shape
        self.in_len, self.out_len = g * r, g * c
        self.layer, self.alpha, self.beta = layer, alpha, beta
        self.materialized = False
        self.steps: dict[tuple[int, int], tuple[ProgrammedMatrix, np.ndarray]] = {}

    def scales(self) -> tuple[np.ndarray, float]:
        if callable(self._scales):
            self._scales = self._scales()
        return self._scales

    @property
    def scale(self) -> np.ndarray:
        return self.scales()[0]

    @property
    def tensor_scale(self) -> float:
        return self.scales()[1]

    def tile_rows(self) -> np.ndarray:
        """(G, R): (row tile, row within its crossbar) of every matrix row."""
        g, r, _ = self.w.shape
        per = max(t.groups[1] - t.groups[0] for t in self.tiles)
        rows = np.arange(r, dtype=np.int64)
        if per > 1:
            within = (np.arange(g, dtype=np.int64)[:, None] % per) * r + rows[None, :]
            return np.zeros((g, r), np.int64), within
        return (np.broadcast_to(rows // self.height, (g, r)),
                np.broadcast_to(rows % self.height, (g, r)))

    def step(self, row: int, length: int) -> tuple[ProgrammedMatrix, np.ndarray]:
        """(matrix of the active rows (G, A, C), active row index (G, A); R = padding)."""
        key = (row, length)
        if key in self.steps:
            return self.steps[key]
        g, r, c = self.w.shape
        tile, within = self.tile_rows()
        active = (within >= row) & (within < row + length)
        counts = active.sum(axis=1)
        a = int(counts.max())
        if a == 0:
            raise AccessError(f"rows [{row}, {row + length}) are beyond every tile of the copy")
        order = np.argsort(~active, axis=1, kind="stable")[:, :a]
        valid = np.take_along_axis(active, order, axis=1)
        act = np.where(valid, order, r)
        w_ext = np.concatenate([self.w, np.zeros((g, 1, c))], axis=1)
        w = np.take_along_axis(w_ext, act[:, :, None], axis=1)
        holds = np.broadcast_to(valid[:, :, None], w.shape)
        seg = np.take_along_axis(tile, order, axis=1)
        lane = np.take_along_axis(within, order, axis=1) - row
        nseg = int(seg[valid].max()) + 1
        seg = np.where(valid, seg, nseg)
        lane = np.where(valid, lane, np.arange(a)[None, :] % length)
        placement = RowPlacement(seg * length + lane, nseg + int((~valid).any()), length)
        bias = None
        if self.bias is not None:
            first = active[:, 0]  # group g's bias rides on its matrix row 0
            if first.any():
                bias = (self.bias.reshape(g, c) * first[:, None]).reshape(-1)
        pm = ProgrammedMatrix(self.layer, w, bias, self.scales, placement,
                              holds=None if valid.all() else holds)
        self.steps[key] = (pm, act)
        return pm, act


class RowCrossbar:
    """One crossbar programmed row by row (WLM): a cell array and its weight map."""

    def __init__(self, rows: int, cols: int, cells_per_weight: int):
        self.rows, self.cols, self.cpw = rows, cols, cells_per_weight
        self.w = np.zeros((rows, cols))
        """Weight value at the first cell of each weight."""
        self.start = np.zeros((rows, cols), bool)
        """First cell of a weight."""
        self.used = np.zeros((rows, cols), bool)
        self.scale = np.zeros((rows, cols))
        """Per-channel weight scale at the first cell."""
        self.tensor_scale = np.zeros((rows, cols))
        self.bias = np.zeros((rows, cols))
        """Bias of a block whose first matrix row is on this row (added by reads of it)."""
        self.layer = np.full(rows, -1, dtype=np.int64)
        self.layers: list[str] = []
        self.row_block = np.full(rows, -1, dtype=np.int64)
        """The write_row block each row belongs to (the latest write of the row)."""
        self.block_cols: list[np.ndarray] = []
        """Per block: the first cell of each of its weight columns."""
        self.version = 0
        self.reads: dict[tuple[int, int], tuple[ProgrammedMatrix, np.ndarray]] = {}

    def program(self, row: int, col: int, w: np.ndarray, bias: np.ndarray | None,
                scale: np.ndarray, tensor_scale: float, layer: str) -> None:
        """Block (G, R, C): group k on rows row + k*R.., weights from cell col + k*C*cpw.

        The write programs its whole span, rows [row, row + G*R) x cells
        [col, col + G*C*cpw): off-diagonal cells of a grouped block become
        empty, and any earlier weight with a cell in the span is erased.
        """
        g, r, c = w.shape
        cpw = self.cpw
        nrows, ncols = g * r, g * c
        width = ncols * cpw
        rows = slice(row, row + nrows)
        diag = (np.arange(nrows)[:, None] // r) == (np.arange(ncols)[None, :] // c)
        cells_new = np.repeat(diag, cpw, axis=1)  # (nrows, width)
        # Erase old weights with a cell in the span (they may start up to cpw-1 before it).
        lo = max(0, col - cpw + 1)
        hit = np.zeros((nrows, self.cols), bool)
        hit[:, lo:col + width] = self.start[rows, lo:col + width]
        if hit.any():
            used = self.used[rows]  # views
            for t in range(cpw):
                used[:, t:][hit[:, :self.cols - t]] = False
            for arr in (self.start, self.w, self.scale, self.tensor_scale, self.bias):
                arr[rows][hit] = 0
        starts = np.zeros((nrows, width), bool)
        starts[:, ::cpw] = diag
        wflat = np.zeros((nrows, width))
        wflat[:, ::cpw] = _block_diag(w)
        sflat = np.zeros((nrows, width))
        sflat[:, ::cpw] = np.where(diag, scale.reshape(-1)[None, :], 0.0)
        bflat = np.zeros((nrows, width))
        if bias is not None:
            first_rows = (np.arange(nrows) % r) == 0
            bflat[:, ::cpw] = np.where(diag & first_rows[:, None], bias[None, :], 0.0)
        cells = slice(col, col + width)
        self.w[rows, cells] = wflat
        self.scale[rows, cells] = sflat
        self.bias[rows, cells] = bflat
        self.tensor_scale[rows, cells] = np.where(starts, tensor_scale, 0.0)
        self.start[rows, cells] = starts
        self.used[rows, cells] = cells_new
        if layer not in self.layers:
            self.layers.append(layer)
        self.layer[rows] = self.layers.index(layer)
        self.row_block[rows] = len(self.block_cols)
        self.block_cols.append(col + np.arange(ncols, dtype=np.int64) * cpw)
        self.version += 1
        self.reads.clear()

    def matrix_for(self, row: int, length: int, what: str, width: int | None = None
                   ) -> tuple[ProgrammedMatrix, np.ndarray]:
        """The (1, length, ncols) matrix rows [row, row+length) apply, and its columns.

        The columns are the weight columns of the blocks (write_rows) the rows
        belong to, in cell order — zero where a column has no weight in the
        activated rows — or (``width`` given, a tile of a tiled copy) the
        tile's ``width`` weights from cell 0.
        """
        key = (row, length, width)
        if key in self.reads:
            return self.reads[key]
        rows = slice(row, row + length)
        start = self.start[rows]
        owner = self.row_block[rows]
        if (owner < 0).any():
            raise AccessError(f"{what}: row {row + int(np.argmax(owner < 0))} of the crossbar "
                              "was never written")
        if width is None:
            cols = np.unique(np.concatenate([self.block_cols[b] for b in np.unique(owner)]))
        else:
            cols = np.arange(width, dtype=np.int64) * self.cpw
        holds = start[:, cols]
        w = self.w[rows][:, cols]
        scale = np.where(holds, self.scale[rows][:, cols], 0.0).max(axis=0)
        tensor = np.where(holds, self.tensor_scale[rows][:, cols], 0.0).max(axis=0)
        bias = self.bias[rows][:, cols].sum(axis=0)
        ids = sorted(set(self.layer[rows].tolist()) - {-1})
        layer = "+".join(self.layers[i] for i in ids)
        pm = ProgrammedMatrix(layer, w[None], bias if bias.any() else None,
                              (scale[None], float(tensor.max(initial=0.0))),
                              placement_one_step(length), holds=holds[None])
        pm.cache["mixed_scales"] = bool(
            (np.where(holds, self.scale[rows][:, cols], scale) != scale).any()) or len(ids) > 1
        self.reads[key] = (pm, cols)
        return pm, cols


def _block_diag(w: np.ndarray) -> np.ndarray:
    """(G, R, C) -> (G*R, G*C) block-diagonal."""
    g, r, c = w.shape
    out = np.zeros((g * r, g * c))
    for k in range(g):
        out[k * r:(k + 1) * r, k * c:(k + 1) * c] = w[k]
    return out


@dataclass
class MachineStats:
    ops: dict[str, int] = field(default_factory=dict)
    """Meta-ops executed by name (a batched loop counts every iteration)."""
    batched_loops: int = 0
    sequential_loops: int = 0
    fallback_reasons: dict[str, int] = field(default_factory=dict)

    def count(self, name: str, n: int = 1) -> None:
        self.ops[name] = self.ops.get(name, 0) + n


class Machine:
    """Buffers, cores, crossbars and the numerics of one flow execution."""

    def __init__(self, arch: Arch, l0_elements: int, numerics: Numerics,
                 batching: bool = True):
        self.arch = arch
        self.numerics = numerics
        self.batching = batching
        self.l0 = Space("L0", l0_elements, l0_elements, grow=False)
        l1 = arch.core.l1_size
        self.l1_limit = None if is_ideal(l1) else \
            int(l1) * 8 // arch.data.activation_bits  # type: ignore[arg-type]
        self.l1: dict[int, Space] = {}
        self.cores: dict[int, CoreCopy] = {}
        """First core of a copy -> the copy."""
        self.core_owner = np.full(arch.num_cores, -1, dtype=np.int64)
        self.vxbs: dict[int, Vxb] = {}
        """First crossbar of a VXB -> the VXB."""
        self.xb_owner = np.full(arch.num_xbars, -1, dtype=np.int64)
        self.row_xbars: dict[int, RowCrossbar] = {}
        self.row_copies: dict[int, RowCopy] = {}
        """First crossbar of a tiled copy (write_row count > 1) -> the copy."""
        self.row_owner = np.full(arch.num_xbars, -1, dtype=np.int64)
        self.weights = WeightCache()
        self.stats = MachineStats()
        self.overlay: Any = None
        """The batching overlay of the loop being executed in batch (batching.Overlay)."""

    def space(self, name: str, core: int) -> Space:
        if name == "L0":
            return self.l0
        if core not in self.l1:
            if not 0 <= core < self.arch.num_cores:
                raise AccessError(f"core {core} does not exist ({self.arch.num_cores} cores)")
            limit = self.l1_limit
            self.l1[core] = Space(f"L1.{core}", 0 if limit is None else min(limit, 1 << 16),
                                  limit, grow=True)
        return self.l1[core]

    # ---- programming ---------------------------------------------------------------
    def program_core(self, core: int, length: int, pm: ProgrammedMatrix, kind: str) -> None:
        for c in range(core, core + length):
            old = int(self.core_owner[c])
            if old >= 0 and old in self.cores:
                prev = self.cores.pop(old)
                self.core_owner[prev.core:prev.core + prev.len] = -1
        self.cores[core] = CoreCopy(core, length, pm, kind)
        self.core_owner[core:core + length] = core

    def core_copy(self, core: int, length: int, what: str) -> CoreCopy:
        copy = self.cores.get(core)
        if copy is None:
            owner = int(self.core_owner[core]) if 0 <= core < self.core_owner.size else -1
            if owner < 0:
                raise AccessError(f"{what}: core {core} was never programmed (no write_core)")
            raise AccessError(f"{what}: core {core} belongs to the copy programmed on cores "
                              f"[{owner}, {owner + self.cores[owner].len})")
        if copy.len != length:
            raise AccessError(f"{what}: cores [{core}, {core + length}) do not match the copy "
                              f"programmed on [{core}, {core + copy.len})")
        return copy

    def program_vxb(self, xb: int, length: int, pm: ProgrammedMatrix) -> None:
        for x in range(xb, xb + length):
            old = int(self.xb_owner[x])
            if old >= 0 and old in self.vxbs:
                prev = self.vxbs.pop(old)
                self.xb_owner[prev.xb:prev.xb + prev.len] = -1
            self._drop_rows(x)
        self.vxbs[xb] = Vxb(xb, length, pm)
        self.xb_owner[xb:xb + length] = xb

    def vxb(self, xb: int, length: int, what: str) -> Vxb:
        v = self.vxbs.get(xb)
        if v is not None and v.len == length:
            return v
        never = [x for x in range(xb, xb + length) if self.xb_owner[x] < 0
                 and x not in self.row_xbars and self.row_owner[x] < 0]
        if never:
            raise AccessError(f"{what}: crossbar {never[0]} was never written")
        if v is None:
            owner = int(self.xb_owner[xb])
            if owner < 0:
                raise AccessError(f"{what}: crossbar {xb} holds rows written by write_row, "
                                  "not a VXB")
            v = self.vxbs[owner]
        raise AccessError(f"{what}: crossbars [{xb}, {xb + length}) do not match the VXB "
                          f"[{v.xb}, {v.xb + v.len}) programmed by write_xb")

    def row_xbar(self, xb: int, create: bool, what: str) -> RowCrossbar:
        """The cell view of crossbar ``xb`` (``create``: a write_row is about to program it)."""
        x = self.row_xbars.get(xb)
        owner = int(self.row_owner[xb])
        if x is None and owner >= 0:
            copy = self.row_copies[owner]
            if create:
                self._materialize(copy)
                x = self.row_xbars[xb]
            else:
                x = self._tile_xbar(copy, xb - copy.xb)
                self.row_xbars[xb] = x
        elif x is not None and owner >= 0 and create:
            self._materialize(self.row_copies[owner])
        if x is None:
            if not create:
                raise AccessError(f"{what}: crossbar {xb} was never written"
                                  if self.xb_owner[xb] < 0 else
                                  f"{what}: crossbar {xb} holds a VXB (write_xb), not rows")
            self._drop_vxb(xb)
            x = RowCrossbar(self.arch.xb_rows, self.arch.xb_cols, self.arch.cells_per_weight)
            self.row_xbars[xb] = x
        return x

    def _tile_xbar(self, copy: RowCopy, offset: int) -> RowCrossbar:
        t = copy.tiles[offset]
        (g0, g1), (r0, r1), (c0, c1) = t.groups, t.rows, t.cols
        g, _, c = copy.w.shape
        bias = None if copy.bias is None or r0 != 0 else \
            np.ascontiguousarray(copy.bias.reshape(g, c)[g0:g1, c0:c1]).reshape(-1)
        x = RowCrossbar(self.arch.xb_rows, self.arch.xb_cols, self.arch.cells_per_weight)
        x.program(0, 0, np.ascontiguousarray(copy.w[g0:g1, r0:r1, c0:c1]), bias,
                  copy.scale[g0:g1, c0:c1], copy.tensor_scale, copy.layer)
        return x

    def _materialize(self, copy: RowCopy) -> None:
        if copy.materialized:
            return
        for t in copy.tiles:
            if copy.xb + t.offset not in self.row_xbars:
                self.row_xbars[copy.xb + t.offset] = self._tile_xbar(copy, t.offset)
        copy.materialized = True

    def _drop_vxb(self, xb: int) -> None:
        owner = int(self.xb_owner[xb])
        if owner >= 0 and owner in self.vxbs:
            prev = self.vxbs.pop(owner)
            self.xb_owner[prev.xb:prev.xb + prev.len] = -1

    def _drop_rows(self, xb: int) -> None:
        self.row_xbars.pop(xb, None)
        owner = int(self.row_owner[xb])
        if owner >= 0 and owner in self.row_copies:
            prev = self.row_copies.pop(owner)
            self.row_owner[prev.xb:prev.xb + prev.count] = -1
            if prev.materialized:
                return
            # Its other crossbars keep their tiles as cells.
            for t in prev.tiles:
                other = prev.xb + t.offset
                if other != xb and other not in self.row_xbars:
                    self.row_xbars[other] = self._tile_xbar(prev, t.offset)

    def program_row_copy(self, copy: RowCopy) -> None:
        for x in range(copy.xb, copy.xb + copy.count):
            self._drop_vxb(x)
            self._drop_rows(x)
        self.row_copies[copy.xb] = copy
        self.row_owner[copy.xb:copy.xb + copy.count] = copy.xb


def parse_binding(text: str) -> Binding:
    try:
        return Binding.parse(text)
    except MappingError as e:
        raise AccessError(str(e)) from None


__all__ = ["AccessError", "Machine", "Space", "build_matrix"]
