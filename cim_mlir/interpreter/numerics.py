"""How a crossbar multiplies: exact float64, or integer bit-level CIM arithmetic.

Every CIM read (``read_core``, ``read_xb``, ``read_row``) ends in
:meth:`Numerics.mvm` with an input batch ``x`` of shape ``(B, G, R)`` (batch,
groups, matrix rows) and a :class:`ProgrammedMatrix` (the weights one core
copy, one VXB or one group of crossbar rows holds); it returns ``(B, G, C)``
without bias.

``exact``
    float64 ``x @ W``.  It can also *calibrate*: record ``max |x|`` per
    activation key (the layer, see :func:`activation_key`), which the integer
    modes use as their per-tensor activation ranges.

``int`` (:class:`IntNumerics`)
    The arithmetic of the chip (docs/interpreter.md, "Numerics"):

    * weights: int8 (``weight_bits``), symmetric, one scale per output
      channel of the layer (or per tensor), stored with an *offset* encoding
      ``W_u = W_q + 2**(b-1)`` (all positive) as ``ceil(b / precision)`` cells
      of ``precision`` bits, least significant cell first;
    * activations: int8 (``activation_bits``), symmetric per-tensor scale
      ``max|x| / 127`` from the calibration run;
    * inputs are applied bit-serially, ``dac`` bits per step, in two's
      complement: every step but the last applies an unsigned slice; the last
      (sign-carrying) slice is signed and is applied as two unsigned polarity
      phases (positive and negative drive), so every conversion is of a
      non-negative column sum.  With ``dac = 1`` only the negative phase of
      the sign bit exists.  An ideal DAC applies the whole input in one step
      (both polarities);
    * each step activates at most ``parallel_row`` rows of one crossbar
      (rows are placed exactly as ``cost.mapping.footprint`` tiles the matrix);
      every active column's sum goes through an ``adc``-bit ADC that saturates
      at ``2**adc - 1`` (ideal: exact);
    * digital shift-add of steps and cells, minus the offset correction
      ``2**(b-1) * sum(x)`` (exact), then dequantisation
      ``y = y_int * s_x * s_w`` in float64.

    When every conversion's worst case fits the ADC the result is exactly the
    integer product ``x_q @ W_q``; conversions that may saturate are
    simulated one by one (``bitlevel="auto"``).  ``bitlevel="always"``
    simulates every conversion explicitly (slow; used by the tests to check
    the decomposition itself).

``int-ref`` (``IntNumerics(reference=True)``)
    The integer reference: same quantisation and scales, ``x_q @ W_q`` with
    no cells, steps or ADC.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cim_mlir.arch import Arch, is_ideal

CHUNK_ELEMENTS = 1 << 22
"""Largest intermediate (elements) of one bit-level block; bounds memory."""


def activation_key(layer: str) -> str:
    """Parts of a split operator (``conv/part0.1``) share their layer's input tensor."""
    return layer.split("/part")[0]


@dataclass
class RowPlacement:
    """Where the rows of a programmed matrix sit: which rows convert together.

    ``slot[g, r] = segment * width + lane``: rows of one segment are activated
    in the same step (at most ``parallel_row`` rows of one crossbar).
    """

    slot: np.ndarray
    """(G, R) int64."""
    segments: int
    width: int


def placement_for_tiles(groups: int, rows: int, arch: Arch, groups_per_xbar: int) -> RowPlacement:
    """Rows tiled over crossbars of ``xb_rows`` rows as ``cost.mapping.footprint`` does."""
    xb_rows = arch.xb_rows
    width = max(1, min(arch.crossbar.parallel_row, xb_rows))
    steps_per_tile = math.ceil(xb_rows / width)
    r = np.arange(rows, dtype=np.int64)
    g = np.arange(groups, dtype=np.int64)
    tile = r // xb_rows
    within = r % xb_rows
    offset = (g % groups_per_xbar) * rows if groups_per_xbar > 1 else np.zeros_like(g)
    phys = offset[:, None] + within[None, :]
    seg = tile[None, :] * steps_per_tile + phys // width
    seg -= seg.min(axis=1, keepdims=True)
    lane = phys % width
    return RowPlacement(seg * width + lane, int(seg.max()) + 1, width)


def placement_one_step(rows: int) -> RowPlacement:
    """All rows in one activation step (a WLM ``read_row``)."""
    return RowPlacement(np.arange(rows, dtype=np.int64)[None, :], 1, max(rows, 1))


class ProgrammedMatrix:
    """Weights held by one core copy, one VXB or one set of crossbar rows.

    ``w`` is the float block ``(G, R, C)`` (groups block-diagonal); the
    integer view (``wq``, ``wscale``, cells) is derived on first use.
    """

    def __init__(self, layer: str, w: np.ndarray, bias: np.ndarray | None, scales: Any,
                 placement: Any, holds: np.ndarray | None = None):
        self.layer = layer
        self.key = activation_key(layer)
        self.w = w
        self.bias = bias
        """(G*C,) float64 added by the read, or None."""
        self._scales = scales
        """(per-channel (G, C), per-tensor) weight scales, or a callable giving them (lazy:
        only int numerics need them)."""
        self.holds = holds
        """(G, R, C) bool: matrix entries that hold a weight (None: all of them)."""
        self._placement = placement
        """RowPlacement or a callable producing one (lazy)."""
        self.alpha = 1.0
        """Scale of the product (Gemm alpha), applied by the read."""
        self.beta = 1.0
        """Scale of the bias (Gemm beta)."""
        self.cache: dict[str, Any] = {}

    def _resolve(self) -> tuple[np.ndarray, float]:
        if callable(self._scales):
            self._scales = self._scales()
        return self._scales

    @property
    def wscale(self) -> np.ndarray:
        """(G, C) per-output-channel weight scale (max |W| of the layer's channel / qmax)."""
        return self._resolve()[0]

    @property
    def tensor_scale(self) -> float:
        """Per-tensor weight scale (max |W| of the layer / qmax)."""
        return self._resolve()[1]

    @property
    def groups(self) -> int:
        return self.w.shape[0]

    @property
    def rows(self) -> int:
        return self.w.shape[1]

    @property
    def cols(self) -> int:
        return self.w.shape[2]

    @property
    def in_len(self) -> int:
        return self.groups * self.rows

    @property
    def out_len(self) -> int:
        return self.groups * self.cols

    @property
    def placement(self) -> RowPlacement:
        if callable(self._placement):
            self._placement = self._placement()
        return self._placement


@dataclass
class NumericsStats:
    mvms: int = 0
    """Input vectors multiplied (one per window / per read_xb)."""
    conversions: int = 0
    """ADC conversions simulated or accounted for (int numerics)."""
    saturated: int = 0
    """Conversions that saturated the ADC."""
    saturated_layers: dict[str, int] = field(default_factory=dict)


class Numerics:
    """Exact float64 arithmetic (and optional calibration)."""

    name = "exact"

    def __init__(self) -> None:
        self.stats = NumericsStats()
        self.ranges: dict[str, float] | None = None

    def calibrate(self) -> None:
        """Record max |input| per activation key during the run."""
        self.ranges = {}

    def mvm(self, m: ProgrammedMatrix, x: np.ndarray) -> np.ndarray:
        """(B, G, R) -> (B, G, C), without bias."""
        self.stats.mvms += x.shape[0] * m.groups
        if self.ranges is not None and x.size:
            peak = float(np.max(np.abs(x)))
            self.ranges[m.key] = max(peak, self.ranges.get(m.key, 0.0))
        return _float_mvm(x, m.w)

    def describe(self) -> str:
        return self.name


def _float_mvm(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    if w.shape[0] == 1:
        return (x[:, 0, :] @ w[0])[:, None, :]
    return np.matmul(x.transpose(1, 0, 2), w).transpose(1, 0, 2)


def adc_limit(arch: Arch) -> float:
    adc = arch.crossbar.adc
    return math.inf if is_ideal(adc) else float(2 ** int(adc) - 1)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Phase:
    """One input activation step (or polarity phase of the sign step)."""

    weight: int
    """Significance of the step in the shift-add (negative for the sign)."""
    shift: int
    """Right shift of the input pattern."""
    bits: int
    """Bits taken (levels are in [0, 2**bits))."""
    polarity: int
    """0: unsigned slice of the two's complement pattern; +1/-1: signed top slice's
    positive / negative part."""
    peak: int
    """Largest level this phase applies."""


def input_phases(arch: Arch) -> list[Phase]:
    """The DAC steps (and polarity phases) that apply one activation."""
    a = arch.data.activation_bits
    dac = arch.crossbar.dac
    d = a if is_ideal(dac) else min(int(dac), a)  # type: ignore[arg-type]
    steps = math.ceil(a / d)
    phases = [Phase(1 << (d * t), d * t, d, 0, (1 << d) - 1) for t in range(steps - 1)]
    top_shift = d * (steps - 1)
    w = a - top_shift
    weight = 1 << top_shift
    if w > 1:
        phases.append(Phase(weight, top_shift, w, +1, (1 << (w - 1)) - 1))
    phases.append(Phase(-weight, top_shift, w, -1, 1 << (w - 1)))
    return phases


def phase_levels(xq: np.ndarray, phase: Phase, a: int) -> np.ndarray:
    if phase.polarity == 0:
        u = xq & ((1 << a) - 1)
        return (u >> phase.shift) & ((1 << phase.bits) - 1)
    v = xq >> phase.shift  # arithmetic shift: the signed top slice
    return np.maximum(v, 0) if phase.polarity > 0 else np.maximum(-v, 0)


class IntNumerics(Numerics):
    """Integer CIM arithmetic (see the module docstring)."""

    def __init__(self, arch: Arch, ranges: dict[str, float], *, reference: bool = False,
                 weight_scale: str = "channel", bitlevel: str = "auto"):
        super().__init__()
        if weight_scale not in ("channel", "tensor"):
            raise ValueError(f"weight_scale must be 'channel' or 'tensor', not {weight_scale!r}")
        if bitlevel not in ("auto", "always"):
            raise ValueError(f"bitlevel must be 'auto' or 'always', not {bitlevel!r}")
        self.arch = arch
        self.input_ranges = dict(ranges)
        self.reference = reference
        self.weight_scale = weight_scale
        self.bitlevel = bitlevel
        self.wbits = arch.data.weight_bits
        self.abits = arch.data.activation_bits
        self.wq_max = (1 << (self.wbits - 1)) - 1
        self.aq_max = (1 << (self.abits - 1)) - 1
        self.offset = 1 << (self.wbits - 1)
        self.precision = arch.crossbar.precision
        self.cells = math.ceil(self.wbits / self.precision)
        self.adc_max = adc_limit(arch)
        self.phases = input_phases(arch)
        self.name = "int-ref" if reference else "int"

    def describe(self) -> str:
        if self.reference:
            return "int-ref (x_q @ W_q, no ADC)"
        cb = self.arch.crossbar
        return (f"int (w{self.wbits}/a{self.abits}, {self.weight_scale} weight scales, "
                f"{self.precision}-bit cells, dac {cb.dac}, adc {cb.adc}, "
                f"parallel_row {cb.parallel_row})")

    # ---- quantisation ----------------------------------------------------------------
    def activation_scale(self, key: str) -> float:
        peak = self.input_ranges.get(key)
        if peak is None:
            from cim_mlir.diagnostics import CimError

            raise CimError(f"no calibrated input range for layer '{key}' (the calibration "
                           "run never read it)")
        return peak / self.aq_max if peak > 0 else 1.0

    def quantize_input(self, x: np.ndarray, scale: float) -> np.ndarray:
        return np.clip(np.rint(x / scale), -self.aq_max, self.aq_max).astype(np.int64)

    # ---- the multiply ------------------------------------------------------------------
    def mvm(self, m: ProgrammedMatrix, x: np.ndarray) -> np.ndarray:
        self.stats.mvms += x.shape[0] * m.groups
        sx = self.activation_scale(m.key)
        xq = self.quantize_input(x, sx)
        wq = self.weights_of(m)
        if self.reference:
            y = _exact_int(xq, wq)
        elif self.bitlevel == "always":
            y = self._explicit(m, xq, wq)
        else:
            y = _exact_int(xq, wq) - self._excess(m, xq)
        scale = self.scales_of(m)
        return y.astype(np.float64) * (sx * scale)[None, :, :]

    def weights_of(self, m: ProgrammedMatrix) -> np.ndarray:
        """(G, R, C) quantised weights W_q, held as float64 (integers) for BLAS."""
        key = f"wq.{self.weight_scale}"
        if key not in m.cache:
            scale = self.scales_of(m)
            safe = np.where(scale > 0, scale, 1.0)
            q = np.clip(np.rint(m.w / safe[:, None, :]), -self.wq_max, self.wq_max)
            if m.holds is not None:
                q[~m.holds] = 0.0
            m.cache[key] = q
        return m.cache[key]

    def scales_of(self, m: ProgrammedMatrix) -> np.ndarray:
        """(G, C) weight scales."""
        if self.weight_scale == "channel":
            return m.wscale
        return np.full_like(m.wscale, m.tensor_scale)

    def cells_of(self, m: ProgrammedMatrix) -> np.ndarray:
        """(G, R, S, C) uint8 cells: the offset-encoded weight's slices, LSB cell first."""
        key = f"cells.{self.weight_scale}"
        if key not in m.cache:
            u = self.weights_of(m).astype(np.int64) + self.offset
            if m.holds is not None:
                u = np.where(m.holds, u, 0)
            mask = (1 << self.precision) - 1
            m.cache[key] = np.stack([((u >> (self.precision * j)) & mask).astype(np.uint8)
                                     for j in range(self.cells)], axis=2)
        return m.cache[key]

    @property
    def _conv_dtype(self) -> type:
        """float32 holds every column sum exactly when they stay below 2**24."""
        rows = min(self.arch.crossbar.parallel_row, self.arch.xb_rows)
        peak = max(p.peak for p in self.phases)
        return np.float32 if rows * ((1 << self.precision) - 1) * peak < (1 << 24) \
            else np.float64

    def _slotted_cells(self, m: ProgrammedMatrix, gi: np.ndarray | None = None,
                       si: np.ndarray | None = None) -> np.ndarray:
        """Cells at their row slots: (G, segments, width, S*C), or (pairs, width, S*C)
        for the (group, segment) pairs ``gi, si``."""
        p = m.placement
        cells = self.cells_of(m)
        g, r, s, c = cells.shape
        out = np.zeros((g, p.segments * p.width, s * c), self._conv_dtype)
        out[np.arange(g)[:, None], p.slot] = cells.reshape(g, r, s * c)
        out = out.reshape(g, p.segments, p.width, s * c)
        return out if gi is None else out[gi, si]

    def _risky(self, m: ProgrammedMatrix) -> list[np.ndarray]:
        """Per phase: (G, segments) bool, segments whose conversions may saturate."""
        key = f"risky.{self.weight_scale}"
        if key not in m.cache:
            p = m.placement
            if math.isinf(self.adc_max) or adc_wide_enough(self.arch):
                m.cache[key] = [np.zeros((m.groups, p.segments), bool) for _ in self.phases]
            else:
                # worst column sum of each (group, segment): sum of its rows' cells
                cells = self.cells_of(m)
                g, r, s, c = cells.shape
                seg = (p.slot // p.width) + p.segments * np.arange(g)[:, None]
                order = np.argsort(seg.reshape(-1), kind="stable")
                keys = seg.reshape(-1)[order]
                starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
                sums = np.add.reduceat(cells.reshape(g * r, s * c)[order].astype(np.int64),
                                       starts, axis=0)
                bound = np.zeros(g * p.segments, np.int64)
                bound[keys[starts]] = sums.max(axis=1)
                bound = bound.reshape(g, p.segments)
                m.cache[key] = [bound * ph.peak > self.adc_max for ph in self.phases]
        return m.cache[key]

    def _levels_slotted(self, m: ProgrammedMatrix, levels: np.ndarray) -> np.ndarray:
        """(B, G, R) levels -> (B, G, segments, width) at their row slots."""
        p = m.placement
        b, g, _ = levels.shape
        out = np.zeros((b, g, p.segments * p.width), self._conv_dtype)
        out[:, np.arange(g)[:, None], p.slot] = levels
        return out.reshape(b, g, p.segments, p.width)

    def _count(self, m: ProgrammedMatrix, batch: int) -> None:
        self.stats.conversions += (batch * m.groups * m.placement.segments * self.cells
                                   * m.cols * len(self.phases))

    def _saturation(self, m: ProgrammedMatrix, sums: np.ndarray) -> None:
        over = int(np.count_nonzero(sums > self.adc_max))
        if over:
            self.stats.saturated += over
            self.stats.saturated_layers[m.layer] = \
                self.stats.saturated_layers.get(m.layer, 0) + over

    def _excess(self, m: ProgrammedMatrix, xq: np.ndarray) -> np.ndarray:
        """(B, G, C) int64: what ADC saturation removes from the exact product."""
        b = xq.shape[0]
        self._count(m, b)
        out = np.zeros((b, m.groups, m.cols), np.int64)
        risky = self._risky(m)
        if not any(r.any() for r in risky):
            return out
        s, c = self.cells, m.cols
        sig = (1 << (self.precision * np.arange(s, dtype=np.int64)))[:, None]
        for phase, mask in zip(self.phases, risky):
            gi, si = np.nonzero(mask)
            if gi.size == 0:
                continue
            w = self._slotted_cells(m, gi, si)  # (pairs, width, S*C)
            chunk = max(1, CHUNK_ELEMENTS // max(1, gi.size * s * c))
            for b0 in range(0, b, chunk):
                lv = phase_levels(xq[b0:b0 + chunk], phase, self.abits)
                ls = self._levels_slotted(m, lv)[:, gi, si]  # (bc, pairs, width)
                sums = np.matmul(ls.transpose(1, 0, 2), w)  # (pairs, bc, S*C)
                self._saturation(m, sums)
                excess = np.maximum(sums - self.adc_max, 0).astype(np.int64)
                excess = excess.reshape(gi.size, -1, s, c)
                shifted = (excess * sig).sum(axis=2) * phase.weight  # (pairs, bc, C)
                starts = np.flatnonzero(np.r_[True, gi[1:] != gi[:-1]])  # gi is sorted
                per_group = np.add.reduceat(shifted, starts, axis=0)  # (groups hit, bc, C)
                out[b0:b0 + chunk, gi[starts]] += per_group.transpose(1, 0, 2)
        return out

    def _explicit(self, m: ProgrammedMatrix, xq: np.ndarray, wq: np.ndarray) -> np.ndarray:
        """Every conversion simulated: shift-add of ADC outputs minus the offset term."""
        b = xq.shape[0]
        self._count(m, b)
        cells = self._slotted_cells(m)  # (G, segs, width, S*C)
        g, segs, _, sc = cells.shape
        s, c = self.cells, m.cols
        sig = (1 << (self.precision * np.arange(s, dtype=np.int64)))[:, None]
        y = np.zeros((b, g, c), np.int64)
        chunk = max(1, CHUNK_ELEMENTS // max(1, g * segs * sc))
        for b0 in range(0, b, chunk):
            part = xq[b0:b0 + chunk]
            for phase in self.phases:
                ls = self._levels_slotted(m, phase_levels(part, phase, self.abits))
                # (G, segs, bc, width) @ (G, segs, width, S*C)
                sums = np.matmul(ls.transpose(1, 2, 0, 3), cells)
                self._saturation(m, sums)
                conv = np.minimum(sums, self.adc_max).astype(np.int64)
                conv = conv.sum(axis=1).reshape(g, -1, s, c)
                y[b0:b0 + chunk] += ((conv * sig).sum(axis=2) * phase.weight).transpose(1, 0, 2)
        holds = np.ones(wq.shape) if m.holds is None else m.holds.astype(np.float64)
        y -= self.offset * _exact_int(xq, holds)
        return y


def _exact_int(xq: np.ndarray, wq: np.ndarray) -> np.ndarray:
    """x_q @ W_q as int64.

    Computed with float64 BLAS: every operand and partial sum is an integer of
    magnitude below 2**53 (|x_q|, |W_q| < 2**8, R < 2**30 rows), so the float
    product is exact; the result is converted back to int64.
    """
    y = _float_mvm(xq.astype(np.float64), wq.astype(np.float64, copy=False))
    return np.rint(y).astype(np.int64)


def make_numerics(kind: str | Numerics, arch: Arch, ranges: dict[str, float] | None = None,
                  **options: Any) -> Numerics:
    if isinstance(kind, Numerics):
        return kind
    if kind == "exact":
        return Numerics()
    if kind in ("int", "int-ref"):
        if ranges is None:
            raise ValueError("int numerics need calibrated input ranges")
        return IntNumerics(arch, ranges, reference=kind == "int-ref", **options)
    raise ValueError(f"unknown numerics '{kind}' (expected exact, int or int-ref)")


def adc_wide_enough(arch: Arch) -> bool:
    """Whether no conversion can saturate on this arch (the exactness condition).

    A step activates at most ``min(parallel_row, xb_rows)`` rows; a cell holds
    at most ``2**precision - 1`` and a level is at most the largest DAC step
    (``2**dac - 1``, the sign step's magnitude ``2**(w-1)``, or the whole
    input's ``2**(a-1)`` with an ideal DAC).  The product must fit the ADC.
    """
    if is_ideal(arch.crossbar.adc):
        return True
    rows = min(arch.crossbar.parallel_row, arch.xb_rows)
    cell = (1 << arch.crossbar.precision) - 1
    peak = max(p.peak for p in input_phases(arch))
    return rows * cell * peak <= adc_limit(arch)
