"""A small attribute-body syntax for nested plain data (dicts, lists, scalars).

Used by attributes whose payload is a plain-Python structure (the arch, the
parameters of a meta-operator), so that they print readably and parse back to
the same structure:  ``{core_number = [2, 1], alu = ideal, core_noc = "mesh"}``.
Bare identifiers parse as strings; a string is printed bare when it lexes as an
identifier and is not a boolean keyword, so printing is canonical.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from xdsl.parser import AttrParser
from xdsl.printer import Printer

Plain = int | float | bool | str | list["Plain"] | dict[str, "Plain"]

_BARE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def float_literal(value: float) -> str:
    """An MLIR float literal: the shortest repr, always with a '.' in the mantissa."""
    text = repr(float(value))
    mantissa, _, exponent = text.partition("e")
    if "." not in mantissa and mantissa.lstrip("-").isdigit():
        mantissa += ".0"
    return mantissa + (f"e{exponent}" if exponent else "")


def format_plain(value: Any) -> str:
    """The canonical text of a plain value (also used by the flow printer)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return float_literal(value)
    if isinstance(value, str):
        if _BARE.fullmatch(value) and value not in ("true", "false"):
            return value
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {format_plain(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Sequence):
        return "[" + ", ".join(format_plain(v) for v in value) + "]"
    raise TypeError(f"not a plain value: {value!r}")


def print_plain(printer: Printer, value: Any) -> None:
    printer.print_string(format_plain(value))


def parse_plain(parser: AttrParser) -> Any:
    if parser.parse_optional_punctuation("{") is not None:
        out: dict[str, Any] = {}
        if parser.parse_optional_punctuation("}") is not None:
            return out
        while True:
            key = parser.parse_identifier_or_str_literal("expected a key")
            parser.parse_punctuation("=")
            if key in out:
                parser.raise_error(f"duplicate key '{key}'")
            out[key] = parse_plain(parser)
            if parser.parse_optional_punctuation(",") is None:
                break
        parser.parse_punctuation("}")
        return out
    if parser.parse_optional_punctuation("[") is not None:
        items: list[Any] = []
        if parser.parse_optional_punctuation("]") is not None:
            return items
        while True:
            items.append(parse_plain(parser))
            if parser.parse_optional_punctuation(",") is None:
                break
        parser.parse_punctuation("]")
        return items
    if (boolean := parser.parse_optional_boolean()) is not None:
        return boolean
    if (number := parser.parse_optional_number()) is not None:
        return number
    if (text := parser.parse_optional_str_literal()) is not None:
        return text
    if (ident := parser.parse_optional_identifier()) is not None:
        return ident
    parser.raise_error("expected a value: number, string, identifier, [list] or {dict}")
