"""Running a counted loop as one batched step (design.md §4).

A ``cim.mop.loop`` of N iterations runs its body *once*, every meta-op
processing all N iterations with one numpy call (addresses become vectors of
N base addresses), when that cannot be told apart from running the
iterations one after the other.  The rule, checked on the concrete
addresses of every access of the body before running it:

* a write whose address is the same in every iteration is a *per-iteration
  temporary* (an L1 staging buffer, a partial-sum accumulator): in batched
  mode it lives in an overlay with one copy per iteration, and after the
  loop the last iteration's copy is committed to the buffer, as sequential
  execution would leave it;
* a read that touches a temporary must read elements that an earlier op of
  the same iteration wrote (otherwise it would see the previous iteration's
  value: a loop-carried dependence);
* every other write must touch disjoint elements in different iterations,
  and no access of one iteration may touch elements another iteration
  writes (no dependence between iterations through any buffer).

Intervals are checked first (vectorised, ``searchsorted`` over the
iterations); when intervals overlap, the exact element sets decide.  When the
rule fails the loop runs sequentially (each meta-op still one numpy call);
the reason is kept in the statistics.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

REFINE_LIMIT = 1 << 24
"""Largest element set (per access pair) the exact check builds."""


@dataclass
class Access:
    """Elements one operand of one op touches, for every iteration of the batch."""

    space: tuple[str, int]
    mode: str
    """'r' read, 'w' write, 'a' accumulate (read and write)."""
    base: np.ndarray
    """(n,) per-iteration base address."""
    length: int
    """Hull length from base."""
    offsets: np.ndarray | None = None
    """Exact element offsets from base (sorted); None: every element of the hull."""
    exact: bool = True
    """False: the hull over-approximates a set that varies per iteration."""
    label: str = ""
    ends: np.ndarray | None = None
    """(n,) per-iteration hull ends when they vary (then ``exact`` is False)."""

    @property
    def lo(self) -> np.ndarray:
        return self.base

    @property
    def hi(self) -> np.ndarray:
        return self.base + self.length if self.ends is None else self.ends

    @property
    def invariant(self) -> bool:
        return bool(self.base.min() == self.base.max())

    def elements(self) -> np.ndarray:
        """(n, L) element addresses."""
        offs = np.arange(self.length) if self.offsets is None else self.offsets
        return self.base[:, None] + offs[None, :]

    def static_elements(self) -> np.ndarray:
        offs = np.arange(self.length) if self.offsets is None else self.offsets
        return int(self.base[0]) + offs

    @property
    def reads(self) -> bool:
        return self.mode in ("r", "a")

    @property
    def writes(self) -> bool:
        return self.mode in ("w", "a")


@dataclass
class Shadow:
    """Per-iteration copies of a space's temporaries: [lo, hi) x n."""

    lo: int
    hi: int
    data: np.ndarray
    defined: np.ndarray


@dataclass
class Plan:
    shadows: dict[tuple[str, int], tuple[int, int]] = field(default_factory=dict)
    """Space -> hull [lo, hi) of its temporaries."""


class Overlay:
    """The batched-execution view of the buffers (installed on the Machine)."""

    def __init__(self, plan: Plan, n: int):
        self.n = n
        self.shadows = {space: Shadow(lo, hi, np.zeros((n, hi - lo)), np.zeros(hi - lo, bool))
                        for space, (lo, hi) in plan.shadows.items()}

    def route(self, space: tuple[str, int], addrs: np.ndarray, lo_off: int,
              hi_off: int) -> Shadow | None:
        """The shadow an access at ``addrs`` (+[lo_off, hi_off)) goes to, if any."""
        sh = self.shadows.get(space)
        if sh is None:
            return None
        a = int(addrs[0])
        if addrs.size > 1 and not (addrs == a).all():
            return None
        if a + lo_off >= sh.lo and a + hi_off <= sh.hi:
            return sh
        return None


def _intervals(accesses: list[Access]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lo, hi, iteration) of every access in every iteration."""
    lo = np.concatenate([a.lo for a in accesses])
    hi = np.concatenate([a.hi for a in accesses])
    it = np.concatenate([np.arange(a.base.size) for a in accesses])
    return lo, hi, it


def _elements(accesses: list[Access]) -> tuple[np.ndarray, np.ndarray] | None:
    """(element, iteration) of every access in every iteration; None if not exact/too big."""
    if not all(a.exact for a in accesses):
        return None
    total = sum(a.base.size * (a.length if a.offsets is None else a.offsets.size)
                for a in accesses)
    if total > REFINE_LIMIT:
        return None
    el = np.concatenate([a.elements().reshape(-1) for a in accesses])
    it = np.concatenate([np.repeat(np.arange(a.base.size),
                                   a.length if a.offsets is None else a.offsets.size)
                         for a in accesses])
    return el, it


def _conflicts(reads: list[Access], writes: list[Access], lo_key: str = "lo") -> bool:
    """Whether an element written in one iteration is touched (read or written) in another.

    Write intervals are swept in address order: a cluster of overlapping
    intervals must belong to a single iteration; a read interval may only
    meet clusters of its own iteration.
    """
    if not writes:
        return False
    wlo, whi, wit = _intervals(writes)
    order = np.argsort(wlo, kind="stable")
    wlo, whi, wit = wlo[order], whi[order], wit[order]
    reach = np.maximum.accumulate(whi)
    new = np.ones(wlo.size, bool)
    new[1:] = wlo[1:] >= reach[:-1]
    starts = np.flatnonzero(new)
    cmin = np.minimum.reduceat(wit, starts)
    cmax = np.maximum.reduceat(wit, starts)
    if (cmin != cmax).any():
        return True
    if not reads:
        return False
    clo = wlo[starts]
    chi = np.maximum.reduceat(whi, starts)
    rlo, rhi, rit = _intervals(reads)
    first = np.searchsorted(chi, rlo, side="right")
    last = np.searchsorted(clo, rhi, side="left")  # clusters [first, last) overlap
    hit = last > first
    if not hit.any():
        return False
    run = np.zeros(cmin.size, np.int64)
    run[1:] = np.cumsum(cmin[1:] != cmin[:-1])
    f, l_, k = first[hit], last[hit] - 1, rit[hit]
    return bool(((run[f] != run[l_]) | (cmin[f] != k)).any())


def _conflicts_exact(reads: list[Access], writes: list[Access]) -> bool | None:
    w = _elements(writes)
    r = _elements(reads) if reads else (np.zeros(0, np.int64), np.zeros(0, np.int64))
    if w is None or r is None:
        return None
    wel, wit = w
    order = np.argsort(wel, kind="stable")
    wel, wit = wel[order], wit[order]
    same = wel[1:] == wel[:-1]
    if (same & (wit[1:] != wit[:-1])).any():
        return True
    rel, rit = r
    if rel.size == 0:
        return False
    pos = np.searchsorted(wel, rel)
    inside = pos < wel.size
    pos = np.minimum(pos, wel.size - 1)
    match = inside & (wel[pos] == rel)
    return bool((match & (wit[pos] != rit)).any())


def analyze(accesses: list[Access], n: int) -> Plan | str:
    """A batching plan for the body's accesses (in program order), or why not."""
    plan = Plan()
    if n <= 1:
        return plan
    temps = [a for a in accesses if a.writes and a.invariant]
    for a in temps:
        lo, hi = int(a.lo[0]), int(a.hi[0])
        cur = plan.shadows.get(a.space)
        plan.shadows[a.space] = (lo, hi) if cur is None else (min(cur[0], lo), max(cur[1], hi))
    defined = {space: np.zeros(hi - lo, bool) for space, (lo, hi) in plan.shadows.items()}

    def touches_shadow(a: Access) -> bool:
        hull = plan.shadows.get(a.space)
        if hull is None:
            return False
        return bool(((a.lo < hull[1]) & (a.hi > hull[0])).any())

    for a in accesses:
        shadow = touches_shadow(a)
        if a.reads and shadow:
            lo, _ = plan.shadows[a.space]
            if not a.invariant:
                return (f"{a.label} reads {_space(a.space)} at addresses that differ per "
                        "iteration and overlap a per-iteration temporary")
            elems = a.static_elements() - lo
            inside = (elems >= 0) & (elems < defined[a.space].size)
            if not inside.all() or not defined[a.space][elems].all():
                bad = int(a.static_elements()[~inside | ~defined[a.space][
                    np.clip(elems, 0, defined[a.space].size - 1)]][0])
                return (f"{a.label} reads {_space(a.space)}[{bad}] before this iteration "
                        "writes it (a value carried from the previous iteration)")
        if a.writes and shadow:
            if not a.invariant:
                return (f"{a.label} writes {_space(a.space)} at addresses that differ per "
                        "iteration and overlap a per-iteration temporary")
            lo, _ = plan.shadows[a.space]
            defined[a.space][a.static_elements() - lo] = True
    others = [a for a in accesses if not touches_shadow(a)]
    for space in {a.space for a in others}:
        writes = [a for a in others if a.space == space and a.writes]
        reads = [a for a in others if a.space == space and a.reads and not a.writes]
        if _conflicts(reads, writes):
            exact = _conflicts_exact(reads, writes)
            if exact is None or exact:
                return (f"an element of {_space(space)} written in one iteration is read or "
                        f"written in another (a dependence between iterations)")
    return plan


def _space(space: tuple[str, int]) -> str:
    return "L0" if space[0] == "L0" else f"L1.{space[1]}"
