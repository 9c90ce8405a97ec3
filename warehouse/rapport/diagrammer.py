"""The report's charts as inline SVG, drawn with matplotlib (imported here only, when a chart is drawn).

Text stays text in the SVG (searchable, sharp in print), axes use Danish decimal commas, and every
plotted shape carries an id starting with `maerke` so a test can see that the chart has marks.
The Dagster UI's charts (assets/metadata.py) use the same functions, as PNG.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from warehouse.rapport.tal import tal

WIDTH_IN, HEIGHT_IN = 7.0, 2.6
HIGHLIGHT, MUTED, OTHER = "#b5121b", "#8c8c8c", "#1f5f8b"
LINE_COLOURS = (HIGHLIGHT, OTHER, "#3a3a3a", "#d08c00", "#5b8c3a")


def _figure(height: float = HEIGHT_IN):
    """A matplotlib Figure without pyplot (no global state, no GUI backend)."""
    import matplotlib

    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "jobindblik",
            "font.family": "DejaVu Sans",
            "font.size": 8,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH_IN, height))


def _margins(figure, labels: Sequence[str] = (), legend_below: bool = False) -> None:
    """Room for the y labels and the x-axis title, from the label length: cheaper than a layout engine,
    which measured every text and took four times as long as drawing the chart."""
    width, height = figure.get_size_inches()
    left = (0.35 + 0.058 * max((len(label) for label in labels), default=6)) / width
    bottom = (1.15 if legend_below else 0.5) / height
    figure.subplots_adjust(left=min(left, 0.45), right=0.97, top=1 - 0.15 / height, bottom=bottom)


def _danish_axis(axis, decimaler: int) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _: tal(value, decimaler)))


def _render(figure, fmt: str) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None, dpi=110)
    return buffer.getvalue()


def svg_text(figure) -> str:
    """The figure as an `<svg>` element to inline in HTML (without the XML prologue)."""
    text = _render(figure, "svg").decode("utf-8")
    return text[text.index("<svg") :]


def linjer(
    x: Sequence[str],
    serier: dict[str, Sequence[float | None]],
    y_label: str,
    decimaler: int = 1,
    stiplet: Sequence[str] = (),
):
    """One line per series over the periods `x` (the first highlighted, the `stiplet` ones dashed); a Figure."""
    figure = _figure()
    axes = figure.add_subplot()
    positions = range(len(x))
    for i, (name, values) in enumerate(serier.items()):
        points = [float("nan") if v is None else v for v in values]
        (line,) = axes.plot(
            positions,
            points,
            color=LINE_COLOURS[i % len(LINE_COLOURS)],
            lw=2 if i == 0 else 1.3,
            ls="--" if name in stiplet else "-",
            marker="o" if len(x) < 13 else None,
            ms=3,
        )
        line.set_label(name)
        line.set_gid(f"maerke-linje-{i}")
    step = max(1, len(x) // 8)
    axes.set_xticks(list(positions)[::step], list(x)[::step])
    axes.set_ylabel(y_label)
    _danish_axis(axes.yaxis, decimaler)
    axes.grid(axis="y", color="#e5e5e5")
    axes.legend(frameon=False, loc="best")
    _margins(figure)
    return figure


def soejler(
    labels: Sequence[str],
    values: Sequence[float | None],
    x_label: str,
    fremhaev: Sequence[bool] | None = None,
    decimaler: int = 1,
    reference: float | None = None,
):
    """Horizontal bars, one per label, the `fremhaev` ones in the highlight colour; a dashed `reference` line."""
    height = max(1.6, 0.28 * len(labels) + 0.7)
    figure = _figure(height)
    axes = figure.add_subplot()
    numbers = [0.0 if v is None else float(v) for v in values]
    colours = [HIGHLIGHT if f else OTHER for f in (fremhaev or [False] * len(labels))]
    bars = axes.barh(range(len(labels)), numbers, color=colours)
    for i, bar in enumerate(bars):
        bar.set_gid(f"maerke-soejle-{i}")
    axes.set_yticks(range(len(labels)), labels)
    axes.invert_yaxis()
    for i, value in enumerate(values):
        axes.annotate(
            tal(value, decimaler),
            (numbers[i], i),
            xytext=(3 if numbers[i] >= 0 else -3, 0),
            textcoords="offset points",
            ha="left" if numbers[i] >= 0 else "right",
            va="center",
        )
    if reference is not None:
        axes.axvline(reference, color=MUTED, ls="--", lw=1)
    axes.axvline(0, color="#3a3a3a", lw=0.8)
    axes.set_xlabel(x_label)
    _danish_axis(axes.xaxis, decimaler)
    axes.margins(x=0.15)
    _margins(figure, labels)
    return figure


def stablede(labels: Sequence[str], dele: dict[str, Sequence[float]], x_label: str):
    """Horizontal stacked bars of shares (each row sums to 100), one colour per part; a Figure."""
    from matplotlib import colormaps

    figure = _figure(max(1.8, 0.32 * len(labels) + 1.0))
    axes = figure.add_subplot()
    left = [0.0] * len(labels)
    colours = colormaps["Blues"]
    for i, (part, shares) in enumerate(dele.items()):
        values = [0.0 if v is None else float(v) for v in shares]
        bars = axes.barh(range(len(labels)), values, left=left, color=colours(0.3 + 0.7 * i / max(1, len(dele) - 1)))
        bars.set_label(part)
        for j, bar in enumerate(bars):
            bar.set_gid(f"maerke-del-{i}-{j}")
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_yticks(range(len(labels)), labels)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel(x_label)
    _danish_axis(axes.xaxis, 0)
    axes.legend(frameon=False, ncols=min(3, len(dele)), loc="upper center", bbox_to_anchor=(0.5, -0.3))
    _margins(figure, labels, legend_below=True)
    return figure


def png(figure) -> bytes:
    """The figure as PNG bytes (for the Dagster UI, which shows images but not inline SVG)."""
    return _render(figure, "png")
