"""Loading, validating and serialising architecture descriptions.

One schema serves the YAML/JSON files, the presets and the ``#cim.arch``
attribute: all of them go through :func:`arch_from_dict` and
:func:`arch_to_dict`, so a value accepted in one place is accepted everywhere
and errors always name the field path, the value and the allowed range.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import yaml

from cim_mlir.arch.model import (
    IDEAL,
    Arch,
    CellType,
    ChipTier,
    ComputingMode,
    CoreTier,
    CostParams,
    CrossbarTier,
    DataFormat,
    Grid,
    Ideal,
    NocCost,
)

PRESET_DIR = Path(__file__).parent / "presets"
DEFAULT_ARCH = "isaac-baseline"


class ArchError(ValueError):
    """An invalid architecture description, located by its field path."""

    def __init__(self, path: str, detail: str, origin: str | None = None):
        self.path = path
        self.detail = detail
        self.origin = origin
        where = f"{origin}: " if origin else ""
        super().__init__(f"{where}invalid arch field '{path}': {detail}")


# ---------------------------------------------------------------------------
# Scalar converters.  Each takes (value, path) and raises ArchError.


def _is_ideal_token(value: Any) -> bool:
    return value is IDEAL or (isinstance(value, str) and value.strip() in ("ideal", "\\"))


def _int_in(lo: int, hi: int | None = None) -> Callable[[Any, str], int]:
    def conv(value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise ArchError(path, f"{value!r} is not an integer; allowed: {_range(lo, hi)}")
        if value < lo or (hi is not None and value > hi):
            raise ArchError(path, f"{value} is out of range; allowed: {_range(lo, hi)}")
        return value

    return conv


def _float_min(lo: float) -> Callable[[Any, str], float]:
    def conv(value: Any, path: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ArchError(path, f"{value!r} is not a number; allowed: a number >= {lo}")
        if value < lo:
            raise ArchError(path, f"{value} is out of range; allowed: a number >= {lo}")
        return float(value)

    return conv


def _range(lo: int, hi: int | None) -> str:
    return f"an integer in [{lo}, {hi}]" if hi is not None else f"an integer >= {lo}"


def _or_ideal(conv: Callable[[Any, str], Any]) -> Callable[[Any, str], Any]:
    def wrapped(value: Any, path: str) -> Any:
        if _is_ideal_token(value):
            return IDEAL
        try:
            return conv(value, path)
        except ArchError as e:
            raise ArchError(e.path, e.detail + " or 'ideal'") from None

    return wrapped


_SIZE_UNITS = {"b": 1, "byte": 1, "bytes": 1, "kb": 1024, "kib": 1024, "mb": 1024**2,
               "mib": 1024**2, "gb": 1024**3, "gib": 1024**3}


def _size(value: Any, path: str) -> int:
    """A buffer size in bytes: an integer or a string such as '96 KB'."""
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)?\s*", value)
        if not m or (m.group(2) or "b").lower() not in _SIZE_UNITS:
            raise ArchError(path, f"'{value}' is not a size; allowed: bytes as an integer "
                            "or a string like '96 KB', '1 MiB' (units B, KB, MB, GB)")
        value = float(m.group(1)) * _SIZE_UNITS[(m.group(2) or "b").lower()]
    return _int_in(1)(value, path)


def _bandwidth(value: Any, path: str) -> int:
    """A bandwidth in bits per cycle: an integer or a string such as '384 b/cycle'."""
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d+)\s*(b|bits?)?(\s*/\s*cycle)?\s*", value)
        if not m:
            raise ArchError(path, f"'{value}' is not a bandwidth; allowed: bits per cycle "
                            "as an integer or a string like '384 b/cycle'")
        value = int(m.group(1))
    return _int_in(1)(value, path)


def _grid(value: Any, path: str) -> Grid:
    if isinstance(value, Grid):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value, 1]
    elif isinstance(value, str):
        m = re.fullmatch(r"\s*(\d+)\s*[x*]\s*(\d+)\s*", value)
        if not m:
            raise ArchError(path, f"'{value}' is not a grid; allowed: [rows, cols], 'RxC' or a count")
        value = [int(m.group(1)), int(m.group(2))]
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ArchError(path, f"{value!r} is not a grid; allowed: [rows, cols], 'RxC' or a count")
    return Grid(_int_in(1)(value[0], f"{path}[0]"), _int_in(1)(value[1], f"{path}[1]"))


def _string(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ArchError(path, f"{value!r} is not a non-empty string")
    return value.strip()


def _enum(parse: Callable[[str], Any], allowed: str) -> Callable[[Any, str], Any]:
    def conv(value: Any, path: str) -> Any:
        if isinstance(value, ComputingMode | CellType):
            return value
        try:
            return parse(str(value))
        except ValueError:
            raise ArchError(path, f"{value!r} is not allowed; allowed: {allowed}") from None

    return conv


def _binding(value: Any, path: str) -> str:
    from cim_mlir.cost.mapping import Binding, MappingError

    try:
        return str(Binding.parse(_string(value, path)))
    except MappingError as e:
        raise ArchError(path, f"{e}; allowed: R->XBR,C->XBC with B->XBC or B->XB") from None


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise ArchError(path, f"{value!r} is not a boolean; allowed: true or false")
    return value


# ---------------------------------------------------------------------------
# The schema: per section, field -> converter.  Order is the printing order.

Converter = Callable[[Any, str], Any]

CHIP_FIELDS: dict[str, Converter] = {
    "core_number": _grid,
    "alu": _or_ideal(_int_in(1)),
    "core_noc": _or_ideal(_string),
    "core_noc_cost": lambda v, p: v,  # checked against core_number below
    "l0_size": _or_ideal(_size),
    "l0_bw": _or_ideal(_bandwidth),
}
CORE_FIELDS: dict[str, Converter] = {
    "xb_number": _grid,
    "alu": _or_ideal(_int_in(1)),
    "xb_noc": _or_ideal(_string),
    "xb_noc_cost": lambda v, p: v,  # checked against xb_number below
    "l1_size": _or_ideal(_size),
    "l1_bw": _or_ideal(_bandwidth),
    "binding": lambda v, p: _binding(v, p),
}
CROSSBAR_FIELDS: dict[str, Converter] = {
    "xb_size": _grid,
    "parallel_row": _int_in(1),  # upper bound (xb rows) checked below
    "cell_type": _enum(CellType.parse, "SRAM, ReRAM, FLASH, PCM"),
    "precision": _int_in(1, 16),
    "dac": _or_ideal(_int_in(1, 32)),
    "adc": _or_ideal(_int_in(1, 32)),
}
DATA_FIELDS: dict[str, Converter] = {
    "weight_bits": _int_in(1, 16),
    "activation_bits": _int_in(1, 16),
}
COST_FIELDS: dict[str, Converter] = {f.name: _float_min(0.0) for f in fields(CostParams)}
TOP_FIELDS = ["name", "description", "source", "computing_mode", "chip", "core",
              "crossbar", "data", "cost", "allow_spill"]
REQUIRED = {"chip": ["core_number"], "core": ["xb_number"], "crossbar": ["xb_size", "parallel_row"]}


def _check_keys(section: Mapping[str, Any], allowed: list[str], path: str) -> None:
    if not isinstance(section, Mapping):
        raise ArchError(path or "<root>", f"expected a mapping, got {type(section).__name__}")
    for key in section:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.5)
            hint = f"; did you mean '{close[0]}'?" if close else f"; allowed: {', '.join(allowed)}"
            raise ArchError(f"{path}.{key}" if path else str(key), f"unknown field{hint}")


def _section(raw: Mapping[str, Any], name: str, schema: dict[str, Converter]) -> dict[str, Any]:
    section = raw.get(name, {}) or {}
    _check_keys(section, list(schema), name)
    for key in REQUIRED.get(name, []):
        if key not in section:
            raise ArchError(f"{name}.{key}", "missing required field")
    return {key: schema[key](value, f"{name}.{key}") for key, value in section.items()}


def _noc_cost(value: Any, path: str, units: int) -> NocCost | Ideal:
    if _is_ideal_token(value):
        return IDEAL
    if isinstance(value, NocCost):
        value = {"per_hop": value.per_hop} if value.matrix is None else {"matrix": value.matrix}
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = {"per_hop": value}
    if isinstance(value, list | tuple):
        value = {"matrix": value}
    if not isinstance(value, Mapping):
        raise ArchError(path, f"{value!r} is not allowed; allowed: 'ideal', a per-hop cost "
                        f"(cycles/byte), {{per_hop: x}} or {{matrix: {units}x{units} costs}}")
    _check_keys(value, ["per_hop", "matrix"], path)
    if "matrix" in value:
        matrix = value["matrix"]
        if not isinstance(matrix, list | tuple) or len(matrix) != units or any(
            not isinstance(row, list | tuple) or len(row) != units for row in matrix
        ):
            raise ArchError(f"{path}.matrix", f"must be a {units}x{units} matrix "
                            "(one row and column per unit of the tier)")
        conv = _float_min(0.0)
        rows = tuple(
            tuple(conv(x, f"{path}.matrix[{i}][{j}]") for j, x in enumerate(row))
            for i, row in enumerate(matrix)
        )
        return NocCost(matrix=rows)
    return NocCost(per_hop=_float_min(0.0)(value["per_hop"], f"{path}.per_hop"))


def arch_from_dict(raw: Mapping[str, Any], origin: str | None = None) -> Arch:
    """Validate a plain mapping (parsed YAML/JSON or IR) into an :class:`Arch`."""
    try:
        _check_keys(raw, TOP_FIELDS, "")
        name = _string(raw.get("name", "custom"), "name")
        mode = _enum(ComputingMode.parse, "CM, XBM, WLM")(raw.get("computing_mode", "CM"),
                                                          "computing_mode")
        chip = _section(raw, "chip", CHIP_FIELDS)
        core = _section(raw, "core", CORE_FIELDS)
        xbar = _section(raw, "crossbar", CROSSBAR_FIELDS)
        chip["core_noc_cost"] = _noc_cost(chip.get("core_noc_cost", IDEAL),
                                          "chip.core_noc_cost", chip["core_number"].count)
        core["xb_noc_cost"] = _noc_cost(core.get("xb_noc_cost", IDEAL), "core.xb_noc_cost",
                                        core["xb_number"].count)
        rows = xbar["xb_size"].rows
        if xbar["parallel_row"] > rows:
            raise ArchError("crossbar.parallel_row", f"{xbar['parallel_row']} is out of range; "
                            f"allowed: {_range(1, rows)} (the crossbar has {rows} rows)")
        data = _section(raw, "data", DATA_FIELDS)
        cost = _section(raw, "cost", COST_FIELDS)
        allow_spill = _bool(raw.get("allow_spill", False), "allow_spill")
        description = str(raw.get("description", ""))
        source = str(raw.get("source", ""))
    except ArchError as e:
        if origin and e.origin is None:
            raise ArchError(e.path, e.detail, origin) from None
        raise
    return Arch(
        name=name,
        computing_mode=mode,
        chip=ChipTier(**chip),
        core=CoreTier(**core),
        crossbar=CrossbarTier(**xbar),
        data=DataFormat(**data),
        cost=replace(CostParams(), **cost),
        allow_spill=allow_spill,
        description=description,
        source=source,
    )


def _plain(value: Any) -> Any:
    if value is IDEAL:
        return "ideal"
    if isinstance(value, Grid):
        return [value.rows, value.cols]
    if isinstance(value, ComputingMode):
        return value.name
    if isinstance(value, CellType):
        return value.value
    if isinstance(value, NocCost):
        if value.matrix is not None:
            return {"matrix": [list(r) for r in value.matrix]}
        return {"per_hop": value.per_hop}
    if isinstance(value, float) and value.is_integer():
        return value
    return value


def arch_to_dict(arch: Arch, *, with_docs: bool = False) -> dict[str, Any]:
    """The canonical mapping of an arch; cost lists only non-default entries."""
    out: dict[str, Any] = {"name": arch.name}
    if with_docs and arch.description:
        out["description"] = arch.description
    if with_docs and arch.source:
        out["source"] = arch.source
    out["computing_mode"] = arch.computing_mode.name
    for key, tier in (("chip", arch.chip), ("core", arch.core), ("crossbar", arch.crossbar),
                      ("data", arch.data)):
        out[key] = {f.name: _plain(getattr(tier, f.name)) for f in fields(tier)}
    default = CostParams()
    cost = {f.name: getattr(arch.cost, f.name) for f in fields(CostParams)
            if getattr(arch.cost, f.name) != getattr(default, f.name)}
    if cost:
        out["cost"] = cost
    if arch.allow_spill:
        out["allow_spill"] = True
    return out


def list_presets() -> list[str]:
    return sorted(p.stem for p in PRESET_DIR.glob("*.yaml"))


def load_arch_file(path: str | Path) -> Arch:
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as e:
        raise ArchError("<file>", f"cannot read '{path}': {e.strerror}", str(path)) from None
    try:
        raw = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as e:
        raise ArchError("<file>", f"not valid {'JSON' if path.suffix == '.json' else 'YAML'}: "
                        f"{str(e).splitlines()[0]}", str(path)) from None
    if not isinstance(raw, Mapping):
        raise ArchError("<root>", "the file must hold a mapping of arch fields", str(path))
    return arch_from_dict(raw, origin=str(path))


def load_arch(spec: str | Path | None = None) -> Arch:
    """A preset by name, or an arch file (.yaml/.yml/.json) by path."""
    spec = str(spec) if spec is not None else DEFAULT_ARCH
    if spec in list_presets():
        return load_arch_file(PRESET_DIR / f"{spec}.yaml")
    path = Path(spec)
    if path.suffix in (".yaml", ".yml", ".json") or path.exists():
        if not path.exists():
            raise ArchError("<file>", f"no such arch file '{spec}'", spec)
        return load_arch_file(path)
    close = difflib.get_close_matches(spec, list_presets(), n=1, cutoff=0.5)
    hint = f"did you mean '{close[0]}'? " if close else ""
    raise ArchError("<arch>", f"'{spec}' is neither a preset nor an arch file; {hint}"
                    f"presets: {', '.join(list_presets())}")


def dump_arch_yaml(arch: Arch) -> str:
    return yaml.safe_dump(arch_to_dict(arch, with_docs=True), sort_keys=False)
