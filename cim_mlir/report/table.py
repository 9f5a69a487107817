"""Text and Markdown tables of performance reports."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_ENERGY_UNITS = (("J", 1e12), ("mJ", 1e9), ("µJ", 1e6), ("nJ", 1e3), ("pJ", 1.0))
_POWER_UNITS = (("W", 1e3), ("mW", 1.0), ("µW", 1e-3))


def si(value: float, units: Sequence[tuple[str, float]] = _ENERGY_UNITS, digits: int = 3) -> str:
    """``value`` (in the last unit's scale) with the largest unit it reaches."""
    for name, scale in units:
        if abs(value) >= scale or scale == units[-1][1]:
            return f"{value / scale:.{digits}g} {name}"
    return f"{value:.{digits}g}"  # pragma: no cover


def energy(pj: float) -> str:
    return si(pj, _ENERGY_UNITS)


def power(mw: float) -> str:
    return si(mw, _POWER_UNITS)


def grouped(value: float) -> str:
    """An integer with thousands separators (cycles)."""
    return f"{value:,.0f}"


def text_table(headers: Sequence[str], rows: Sequence[Sequence[Any]],
               align: str | None = None) -> str:
    """A plain aligned table; ``align`` is one of l/r per column (default: l then r)."""
    align = align or "l" + "r" * (len(headers) - 1)
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) if a == "l" else c.rjust(w)
                         for c, w, a in zip(row, widths, align)).rstrip()

    out = [line(cells[0]), line(["-" * w for w in widths])]
    out += [line(r) for r in cells[1:]]
    return "\n".join(out)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Any]],
                   align: str | None = None) -> str:
    """A GitHub-flavoured Markdown table; ``align`` is l/r/c per column."""
    align = align or "l" + "r" * (len(headers) - 1)
    sep = {"l": ":---", "r": "---:", "c": ":---:"}

    def esc(value: Any) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(esc(h) for h in headers) + " |",
           "| " + " | ".join(sep[a] for a in align) + " |"]
    out += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def layer_rows(perf: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The per-layer entries in program order."""
    return list(perf.get("layers", {}).items())


def format_perf(perf: dict[str, Any], title: str | None = None,
                max_layers: int | None = None) -> str:
    """The readable report: per-layer table, then totals."""
    meta = perf.get("cim_report", {})
    total = float(perf["cycles"]) or 1.0
    out: list[str] = []
    if title:
        out.append(title)
    arch = perf.get("arch", meta.get("arch", "?"))
    head = f"arch '{arch}'"
    if meta.get("default_arch"):
        head += " (the default arch)"
    if perf.get("computing_mode"):
        head += f", computing mode {perf['computing_mode']}"
    if meta.get("passes"):
        head += f", passes: {meta['passes']}"
    out.append(head)
    if meta.get("expanded_passes"):
        out.append(f"  pipeline run: {meta['expanded_passes']}")
    out.append("")

    layers = layer_rows(perf)
    shown = layers if max_layers is None or max_layers >= len(layers) else \
        sorted(layers, key=lambda kv: -kv[1]["cycles"])[:max_layers]
    rows = []
    for name, l in shown:
        rows.append([name, l.get("segment", 0), grouped(l["start"]), grouped(l["cycles"]),
                     f"{100 * l['cycles'] / total:.1f}%",
                     f"{l.get('peak_active_xbars', 0):,.0f}",
                     energy(l.get("energy_pj", 0.0))])
    out.append(text_table(["layer", "seg", "start", "cycles", "share", "peak xbars",
                           "energy"], rows, "lrrrrrr"))
    if len(shown) < len(layers):
        out.append(f"  ({len(shown)} slowest of {len(layers)} layers; --layers all shows every one)")
    notes = []
    if sum(l["cycles"] for _, l in layers) > total * 1.001:
        notes.append("shares add up to more than 100%: pipelined layers overlap in time")
    layer_energy = sum(l.get("energy_pj", 0.0) for _, l in layers)
    components = perf.get("energy_by_component_pj", {})
    total_energy = float(perf.get("energy_pj", sum(components.values())))
    unattributed = total_energy - layer_energy - components.get("write", 0.0)
    if total_energy > 0 and unattributed > 0.01 * total_energy:
        notes.append(f"{energy(unattributed)} ({100 * unattributed / total_energy:.0f}% of the "
                     "energy) is not attributed to any layer by the simulator (write energy "
                     "excluded)")
    out += [f"  note: {n}" for n in notes]
    out.append("")

    ratio = perf.get("achieved_over_bound")
    parts = perf.get("lower_bound_parts", {})
    num_xbars = meta.get("num_xbars")
    latency = perf.get("latency_us")
    totals: list[tuple[str, str]] = [
        ("cycles", grouped(perf["cycles"]) + (f"  ({latency:,.3f} µs)" if latency is not None
                                               else "")),
        ("lower bound", grouped(perf["lower_bound_cycles"])
         + (f"  (achieved / bound = {ratio:.3f})" if ratio is not None else "")),
    ]
    if parts:
        top = max(parts, key=lambda k: parts[k])
        totals.append(("  bound parts", ", ".join(
            f"{k} {grouped(v)}" + (" *" if k == top and v > 0 else "") for k, v in parts.items())))
    totals.append(("peak active xbars", f"{perf['peak_active_xbars']:,.0f}"
                   + (f" of {num_xbars:,}" if num_xbars else "")))
    if "peak_power_mw" in perf:
        totals.append(("peak power", power(perf["peak_power_mw"])))
    if components:
        totals.append(("energy", energy(total_energy) + "  (" + ", ".join(
            f"{k} {energy(v)}" for k, v in sorted(components.items(), key=lambda kv: -kv[1]))
            + ")"))
    segments = perf.get("segments", [])
    if "init_cycles" in perf:
        totals.append(("programming", f"{grouped(perf['init_cycles'])} cycles before the first "
                       "segment (deployment, not in the latency)"))
    if "reload_cycles" in perf:
        totals.append(("reload", f"{grouped(perf['reload_cycles'])} cycles reprogramming "
                       f"{max(0, len(segments) - 1)} later segment(s) (in the latency)"))
    if segments:
        totals.append(("segments", str(len(segments))))
    for key in ("import_seconds", "compile_seconds", "simulate_seconds"):
        if meta.get(key):
            totals.append((key.replace("_seconds", " time"), f"{meta[key]:.2f} s"))
    width = max(len(k) for k, _ in totals)
    out.append("totals")
    out += [f"  {k.ljust(width)}  {v}" for k, v in totals]
    if parts:
        out.append("  (* the part that sets the bound; the bound is max(crossbar, critical_path, "
                   "buffer, alu) + reload)")
    return "\n".join(out)
