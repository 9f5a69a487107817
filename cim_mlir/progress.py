"""Progress bars for compilations that can take a while (VGG-16 on a small WLM
chip compiles for most of a minute).

Off by default, so library calls and tests print nothing; the command-line
tools switch them to ``None`` (tqdm decides: shown only when stderr is a
terminal, so piped and logged output stays clean).  Bars nest: cim-opt's bar
over its passes holds cim-mlc's bar over the steps it expands to.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from tqdm import tqdm

T = TypeVar("T")

_state: dict[str, bool | None] = {"show": False}


@contextmanager
def shown(show: bool | None = None) -> Iterator[None]:
    """Show bars inside the block (``None``: when stderr is a terminal)."""
    before = _state["show"]
    _state["show"] = show
    try:
        yield
    finally:
        _state["show"] = before


def bar(iterable: Iterable[T], desc: str, *, unit: str = "it", total: int | None = None,
        name: Any = None, show: bool | None | str = "inherit") -> Iterator[T]:
    """Iterate with a bar; ``name(item)`` (if given) labels the item being worked on."""
    flag = _state["show"] if show == "inherit" else show
    with tqdm(iterable, desc=desc, unit=unit, total=total, leave=False,
              disable=None if flag is None else not flag, dynamic_ncols=True) as it:
        label = name is not None and not it.disable
        for item in it:
            if label:
                it.set_postfix_str(str(name(item)))
            yield item
