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
from typing import Any, ClassVar, Self

from xdsl.dialects.builtin import ArrayAttr, FloatData, IntAttr, StringAttr
from xdsl.ir import Attribute, ParametrizedAttribute
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
        return "{" + ", ".join(f"{format_plain(str(k))} = {format_plain(v)}"
                               for k, v in value.items()) + "}"
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


# ---- record attributes ---------------------------------------------------------------


def _to_attr(value: Any) -> Attribute:
    if isinstance(value, bool):
        return IntAttr(int(value))
    if isinstance(value, int):
        return IntAttr(value)
    if isinstance(value, float):
        return FloatData(value)
    if isinstance(value, str):
        return StringAttr(value)
    if isinstance(value, list):
        return ArrayAttr([_to_attr(v) for v in value])
    raise TypeError(f"not a record value: {value!r}")


def _from_attr(attr: Attribute) -> Any:
    if isinstance(attr, IntAttr):
        return attr.data
    if isinstance(attr, FloatData):
        return attr.data
    if isinstance(attr, StringAttr):
        return attr.data
    if isinstance(attr, ArrayAttr):
        return [_from_attr(a) for a in attr.data]
    raise TypeError(f"not a record attribute: {attr}")


class RecordAttr(ParametrizedAttribute):
    """A parametrized attribute printed as ``<key = value, ...>``.

    Parameters are IntAttr, FloatData, StringAttr or ArrayAttr of those;
    ``DEFAULTS`` lets hand-written IR omit keys.  Subclasses get readable,
    canonical syntax and Python accessors (``record.field``) for free.
    """

    DEFAULTS: ClassVar[dict[str, Any]] = {}

    @classmethod
    def field_names(cls) -> list[str]:
        return [name for name, _ in cls.get_irdl_definition().parameters]

    @classmethod
    def make(cls, **values: Any) -> Self:
        names = cls.field_names()
        unknown = set(values) - set(names)
        if unknown:
            raise TypeError(f"{cls.name}: unknown fields {sorted(unknown)}")
        merged = {**cls.DEFAULTS, **values}
        return cls(*[_to_attr(merged[n]) for n in names])

    def as_dict(self) -> dict[str, Any]:
        return {n: _from_attr(p) for n, p in zip(self.field_names(), self.parameters)}

    def get(self, field: str) -> Any:
        return _from_attr(self.parameters[self.field_names().index(field)])

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        names = cls.field_names()
        with parser.in_angle_brackets():
            values: dict[str, Any] = {}
            while True:
                pos = parser.pos
                key = parser.parse_identifier("expected a field name")
                if key not in names:
                    parser.raise_error(f"{cls.name} has no field '{key}'; fields: "
                                       f"{', '.join(names)}", pos, parser.pos)
                parser.parse_punctuation("=")
                values[key] = parse_plain(parser)
                if parser.parse_optional_punctuation(",") is None:
                    break
        merged = {**cls.DEFAULTS, **values}
        missing = [n for n in names if n not in merged]
        if missing:
            parser.raise_error(f"{cls.name} is missing {', '.join(missing)}")
        return [_to_attr(merged[n]) for n in names]

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string(", ".join(
                f"{k} = {format_plain(v)}" for k, v in self.as_dict().items()))
