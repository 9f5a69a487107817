"""Pass remarks: what a pass decided and why, on stderr (like MLIR's -Rpass).

The IR goes to stdout; remarks never mix with it.  Library users and tests
can collect them instead of printing by installing a sink.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

_sink: Callable[[str], None] | None = None
enabled = True


def remark(pass_name: str, message: str) -> None:
    """Report a decision of ``pass_name``."""
    text = f"remark: {pass_name}: {message}"
    if _sink is not None:
        _sink(text)
    elif enabled:
        print(text, file=sys.stderr)


def remark_segments(pass_name: str, lines: list[str], limit: int = 6) -> None:
    """Per-segment remarks, summarised when a model has many segments."""
    for line in lines[:limit]:
        remark(pass_name, line)
    if len(lines) > limit:
        remark(pass_name, f"... and {len(lines) - limit} more segments")


def collect() -> list[str]:
    """Start collecting remarks into the returned list (instead of printing)."""
    global _sink
    bucket: list[str] = []
    _sink = bucket.append
    return bucket


def stop_collecting() -> None:
    global _sink
    _sink = None
