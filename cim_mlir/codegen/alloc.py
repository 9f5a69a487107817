"""First-fit buffer allocation with liveness-based reuse."""

from __future__ import annotations

import bisect
import math


class Allocator:
    """A first-fit allocator over an element-addressed buffer.

    Free space is a sorted list of disjoint [start, end) holes; releasing
    merges neighbours, so a freed feature map is reused by the next tensor
    that fits in it (the paper's Fig. 16(c) places ReLU's output after the
    conv's, since the freed input is too small).
    """

    def __init__(self, capacity: float = math.inf):
        self.capacity = capacity
        self.holes: list[list[float]] = [[0, math.inf]]
        self.high_water = 0

    def alloc(self, size: int) -> int:
        size = max(1, size)
        for hole in self.holes:
            if hole[1] - hole[0] >= size:
                addr = int(hole[0])
                hole[0] += size
                if hole[0] == hole[1]:
                    self.holes.remove(hole)
                self.high_water = max(self.high_water, addr + size)
                return addr
        raise AssertionError("unbounded allocator ran out of space")

    def release(self, addr: int, size: int) -> None:
        size = max(1, size)
        starts = [h[0] for h in self.holes]
        i = bisect.bisect_left(starts, addr)
        self.holes.insert(i, [addr, addr + size])
        merged: list[list[float]] = []
        for hole in self.holes:
            if merged and merged[-1][1] >= hole[0]:
                merged[-1][1] = max(merged[-1][1], hole[1])
            else:
                merged.append(hole)
        self.holes = merged

    @property
    def overflows(self) -> bool:
        return self.high_water > self.capacity
