"""PNG plots of a performance report (matplotlib, Agg canvas: no display needed).

* ``layers``: per-layer latency, a bar per CIM layer (coloured by segment);
* ``gantt``: crossbar activity — each layer is a bar over [start, start +
  cycles] spanning the crossbar ranges its reads activate (the report's
  per-layer ``xbars``), and a pale bar up to its ``finish`` when the pipeline
  holds its last rows back (waiting on its producer's tail);
* ``active``: active crossbars over time, a step plot summing the per-layer
  intervals (the same intervals the simulator's peak is taken over).

Only the Figure/Agg canvas API is used (never pyplot), so plotting is safe in
worker processes and never opens a window.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

PNG_DPI = 90


def _figure(width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=PNG_DPI)
    FigureCanvasAgg(fig)
    return fig


def save(fig: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=PNG_DPI, bbox_inches="tight", pil_kwargs={"optimize": True})
    return path


def _title(perf: dict[str, Any], what: str) -> str:
    meta = perf.get("cim_report", {})
    name = Path(meta["input"]).stem if meta.get("input") else ""
    parts = [p for p in (name, perf.get("arch"), perf.get("computing_mode"),
                         meta.get("passes")) if p]
    return f"{what}: " + ", ".join(str(p) for p in parts) if parts else what


def _layers(perf: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return list(perf.get("layers", {}).items())


def _segment_colors(layers: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    from matplotlib import colormaps

    cmap = colormaps["tab10"]
    return [cmap(int(l.get("segment", 0)) % 10) for _, l in layers]


def plot_layer_latency(perf: dict[str, Any], path: Path) -> Path:
    layers = _layers(perf)
    n = max(1, len(layers))
    fig = _figure(min(14.0, max(6.0, 0.18 * n + 2)), 3.8)
    ax = fig.add_subplot()
    xs = list(range(len(layers)))
    ax.bar(xs, [l["cycles"] for _, l in layers], color=_segment_colors(layers), width=0.8)
    step = max(1, len(layers) // 60)
    ax.set_xticks(xs[::step])
    ax.set_xticklabels([name for name, _ in layers][::step], rotation=90,
                       fontsize=6 if len(layers) > 20 else 8)
    ax.set_ylabel("cycles")
    ax.set_xlim(-0.6, max(0, len(layers) - 1) + 0.6)
    segs = {l.get("segment", 0) for _, l in layers}
    ax.set_title(_title(perf, "per-layer latency")
                 + (f" ({len(segs)} segments, colour = segment)" if len(segs) > 1 else ""),
                 fontsize=9)
    ax.grid(axis="y", alpha=0.3)
    return save(fig, path)


def plot_gantt(perf: dict[str, Any], path: Path) -> Path:
    from matplotlib import colormaps
    from matplotlib.collections import PolyCollection

    layers = _layers(perf)
    fig = _figure(9.0, 4.6)
    ax = fig.add_subplot()
    cmap = colormaps["tab20"]
    polys, colors = [], []
    top = 0
    for i, (_, l) in enumerate(layers):
        x0, x1 = float(l["start"]), float(l["start"]) + float(l["cycles"])
        x2 = max(x1, float(l.get("finish", x1)))
        for lo, hi in l.get("xbars", []):
            polys.append([(x0, lo), (x1, lo), (x1, hi + 1), (x0, hi + 1)])
            colors.append(cmap(i % 20, alpha=0.85))
            if x2 > x1:  # held by the pipeline: allocated, waiting on the producer
                polys.append([(x1, lo), (x2, lo), (x2, hi + 1), (x1, hi + 1)])
                colors.append(cmap(i % 20, alpha=0.25))
            top = max(top, hi + 1)
    if polys:
        ax.add_collection(PolyCollection(polys, facecolors=colors, edgecolors="none"))
    end = max([float(perf["cycles"])] + [max(float(l["start"]) + float(l["cycles"]),
                                             float(l.get("finish", 0.0)))
                                         for _, l in layers])
    ax.set_xlim(0, end * 1.01 if end > 0 else 1)
    ax.set_ylim(0, max(1, top) * 1.02)
    num = perf.get("cim_report", {}).get("num_xbars")
    if num:
        ax.axhline(num, color="grey", lw=0.8, ls=":")
    starts: dict[int, float] = {}
    for _, l in layers:
        seg = int(l.get("segment", 0))
        starts[seg] = min(starts.get(seg, float("inf")), float(l["start"]))
    if len(starts) > 1 and len(starts) <= 60:
        for seg, x in starts.items():
            if seg:
                ax.axvline(x, color="black", lw=0.5, ls="--", alpha=0.5)
    if 0 < len(layers) <= 12:
        from matplotlib.patches import Patch

        ax.legend(handles=[Patch(color=cmap(i % 20), label=name)
                           for i, (name, _) in enumerate(layers)],
                  fontsize=6, loc="upper right", ncol=2)
    ax.set_xlabel("cycle")
    ax.set_ylabel("crossbar index")
    ax.set_title(_title(perf, "crossbar activity") + ("" if polys else
                 " (the report has no per-layer crossbars)"), fontsize=9)
    return save(fig, path)


def active_curve(perf: dict[str, Any]) -> tuple[list[float], list[float]]:
    """(times, active crossbars from that time on) from the per-layer intervals."""
    events: list[tuple[float, float]] = []
    for _, l in _layers(perf):
        start, cycles = float(l["start"]), float(l["cycles"])
        amount = float(l.get("peak_active_xbars", 0))
        if cycles > 0 and amount > 0:
            events += [(start, amount), (start + cycles, -amount)]
    events.sort()
    times, levels = [0.0], [0.0]
    level = 0.0
    for t, delta in events:
        level += delta
        if times[-1] == t:
            levels[-1] = level
        else:
            times.append(t)
            levels.append(level)
    return times, [max(0.0, v) for v in levels]


def plot_active(perf: dict[str, Any], path: Path) -> Path:
    times, levels = active_curve(perf)
    fig = _figure(9.0, 3.4)
    ax = fig.add_subplot()
    end = max(float(perf["cycles"]), times[-1])
    ax.step(times + [end], levels + [levels[-1]], where="post", lw=1.0)
    ax.fill_between(times + [end], levels + [levels[-1]], step="post", alpha=0.25)
    peak = float(perf.get("peak_active_xbars", max(levels)))
    ax.axhline(peak, color="tab:red", lw=0.8, ls="--", label=f"peak {peak:,.0f}")
    num = perf.get("cim_report", {}).get("num_xbars")
    if num:
        ax.axhline(num, color="grey", lw=0.8, ls=":", label=f"chip {num:,} crossbars")
    ax.set_xlim(0, end if end > 0 else 1)
    ax.set_ylim(0, max(peak, num or 0, 1) * 1.08)
    ax.set_xlabel("cycle")
    ax.set_ylabel("active crossbars")
    ax.legend(fontsize=7, loc="upper right")
    ax.set_title(_title(perf, "active crossbars"), fontsize=9)
    return save(fig, path)


PLOTS = {"layers": plot_layer_latency, "gantt": plot_gantt, "active": plot_active}


def plot_all(perf: dict[str, Any], outdir: Path, stem: str) -> dict[str, Path]:
    """Every plot of ``perf`` as ``OUTDIR/STEM.<kind>.png``."""
    return {kind: fn(perf, Path(outdir) / f"{stem}.{kind}.png") for kind, fn in PLOTS.items()}
