"""Values over time as an accessible, server-rendered SVG line chart (no JavaScript).

Used by the indicators' charts and the comparison's trends; the markup is
`samla/_line_chart.html`.

The chart is drawn from the same rows as the table beside it (the numbers are always
there as text): periods along the x axis in order, one line per series, each with its
own dash pattern and marker shape and its name written at its last point, so that the
lines are told apart without colour. The SVG is `role="img"` with a title and a
description; screen readers read the table.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from samla.formats import format_number

WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 64, 170, 20, 44
TICKS = 5
# Okabe–Ito colours (distinguishable with colour vision deficiencies), dashes and markers.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 4")
MARKERS = ("circle", "square", "diamond", "triangle")


@dataclass(frozen=True)
class Column:
    period: str
    starts_on: datetime.date
    ends_on: datetime.date


@dataclass
class Series:
    name: str
    values: dict[str, Decimal]  # period label -> value
    kind: str = "municipality"  # "municipality", "own", "median"


@dataclass
class Mark:
    x: float
    y: float
    value: str
    period: str


@dataclass
class Line:
    name: str
    colour: str
    dash: str
    marker: str
    points: str  # the polyline's points
    marks: list[Mark] = field(default_factory=list)
    label_x: float = 0
    label_y: float = 0


@dataclass
class Chart:
    width: int
    height: int
    lines: list[Line]
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int


def _bounds(series: list[Series]) -> tuple[Decimal, Decimal]:
    values = [v for s in series for v in s.values.values()]
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    pad = (high - low) / 10
    bottom = low - pad
    if bottom < 0 <= low:  # a share or a count does not go below zero
        bottom = Decimal(0)
    return bottom, high + pad


def build(columns: list[Column], series: list[Series]) -> Chart | None:
    """The chart's geometry, or None when there is nothing to draw."""
    drawn = [s for s in series if s.values]
    if not columns or not drawn:
        return None
    low, high = _bounds(drawn)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(columns) - 1, 1)
    x_of = {
        c.period: LEFT + (i * step if len(columns) > 1 else plot_w / 2)
        for i, c in enumerate(columns)
    }

    def y_of(value: Decimal) -> float:
        return TOP + float((high - value) / (high - low)) * plot_h

    lines = []
    for index, item in enumerate(drawn):
        marks = [
            Mark(round(x_of[c.period], 1), round(y_of(item.values[c.period]), 1),
                 format_number(item.values[c.period].normalize()), c.period)
            for c in columns
            if c.period in item.values
        ]  # fmt: skip
        last = marks[-1]
        lines.append(
            Line(
                name=item.name,
                colour=COLOURS[index % len(COLOURS)],
                dash="4 2" if item.kind == "median" else DASHES[index % len(DASHES)],
                marker=MARKERS[index % len(MARKERS)],
                points=" ".join(f"{m.x},{m.y}" for m in marks),
                marks=marks,
                label_x=last.x + 10,
                label_y=last.y + 4,
            )
        )
    _spread_labels(lines)
    ticks = []
    for i in range(TICKS):
        value = low + (high - low) * Decimal(i) / Decimal(TICKS - 1)
        ticks.append((round(y_of(value), 1), format_number(round(value, 1).normalize())))
    return Chart(
        WIDTH,
        HEIGHT,
        lines,
        [(round(x_of[c.period], 1), c.period) for c in columns],
        ticks,
        LEFT,
        WIDTH - RIGHT,
        TOP,
        HEIGHT - BOTTOM,
    )


def _spread_labels(lines: list[Line], gap: float = 14) -> None:
    """Move end labels apart vertically so that no two overlap."""
    ordered = sorted(lines, key=lambda line: line.label_y)
    for before, after in itertools.pairwise(ordered):
        if after.label_y - before.label_y < gap:
            after.label_y = before.label_y + gap
