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


def _sorted_disjoint(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, bool]:
    order = np.argsort(lo, kind="stable")
    los, his = lo[order], hi[order]
    return order, bool((his[:-1] <= los[1:]).all()) if lo.size > 1 else True


def _cross_overlap_intervals(x: Access, w: Access) -> bool:
    """Whether x in iteration k and w in iteration j != k may touch a common element."""
    n = x.base.size
    if n == 1:
        return False
    wlo, whi = w.lo, w.hi
    xlo, xhi = x.lo, x.hi
    if xhi.max() <= wlo.min() or whi.max() <= xlo.min():
        return False
    order, disjoint = _sorted_disjoint(wlo, whi)
    if not disjoint:
        return True
    los, his = wlo[order], whi[order]
    first = np.searchsorted(his, xlo, side="right")
    last = np.searchsorted(los, xhi, side="left")
    cnt = last - first
    if (cnt >= 2).any():
        return True
    one = cnt == 1
    if not one.any():
        return False
    k = np.flatnonzero(one)
    return bool((order[first[k]] != k).any())


def _cross_overlap_exact(x: Access, w: Access) -> bool | None:
    """Exact element check; None when too large to build."""
    n = x.base.size
    lx = x.length if x.offsets is None else x.offsets.size
    lw = w.length if w.offsets is None else w.offsets.size
    if n * (lx + lw) > REFINE_LIMIT or not (x.exact and w.exact):
        return None
    wa = w.elements().reshape(-1)
    wi = np.repeat(np.arange(n), lw)
    order = np.argsort(wa, kind="stable")
    wa_s, wi_s = wa[order], wi[order]
    if x is w:
        same = wa_s[1:] == wa_s[:-1]
        return bool((same & (wi_s[1:] != wi_s[:-1])).any())
    xa = x.elements().reshape(-1)
    xi = np.repeat(np.arange(n), lx)
    pos = np.searchsorted(wa_s, xa)
    inside = pos < wa_s.size
    match = np.zeros(xa.size, bool)
    match[inside] = wa_s[pos[inside]] == xa[inside]
    if not match.any():
        return False
    # Some address of x equals some element of w; check every w element with that address.
    lo = np.searchsorted(wa_s, xa[match], side="left")
    hi = np.searchsorted(wa_s, xa[match], side="right")
    xi_m = xi[match]
    # An address held by w in several iterations: any iteration other than k conflicts.
    multi = (hi - lo) > 1
    if multi.any():
        return True
    return bool((wi_s[lo] != xi_m).any())


def cross_overlap(x: Access, w: Access) -> bool:
    if x is w:
        lo, hi = w.lo, w.hi
        _, disjoint = _sorted_disjoint(lo, hi)
        if disjoint:
            return False
        exact = _cross_overlap_exact(w, w)
        return True if exact is None else exact
    if not _cross_overlap_intervals(x, w):
        return False
    exact = _cross_overlap_exact(x, w)
    return True if exact is None else exact


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
    writers = [a for a in others if a.writes]
    for w in writers:
        for x in others:
            if x.space != w.space:
                continue
            if cross_overlap(x, w):
                what = "writes" if x.writes else "reads"
                return (f"{x.label} {what} {_space(x.space)} elements that "
                        f"{w.label} writes in another iteration")
    return plan


def _space(space: tuple[str, int]) -> str:
    return "L0" if space[0] == "L0" else f"L1.{space[1]}"
