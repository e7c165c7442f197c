"""What the comparison and trend pages draw: sortable column headers, the comparison
table's rows, and the trend's SVG.

The chart is computed here as plain coordinates (no JavaScript, no chart library), so the
template only places `<polyline>` and `<text>`; the same numbers are in the table under
it, which is what a screen reader reads (the SVG carries a title and a description).

The comparison's body rows are built here rather than in the template: 400 members by a
dozen figures are some 30,000 template nodes, several hundred milliseconds; as escaped
strings they are a few. Every value passes through `escape`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from networks.comparison import SORT_NAME, Comparison, State, Trend, state_labels
from samla.formats import format_date, format_number

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 48


@dataclass(frozen=True)
class Header:
    key: str
    label: str
    aria_sort: str  # ascending, descending or none
    url: str
    numeric: bool


def sort_headers(result: Comparison, query: Mapping[str, Any]) -> list[Header]:
    """The table's column headers, each a link that sorts by it (again: the other way)."""
    current = result.sort.lstrip("-")
    descending = result.sort.startswith("-")
    kept = {k: v for k, v in query.items() if k in ("date", "competence_base") and v}
    headers = []
    columns = [(SORT_NAME, _("Kommune"), False)] + [
        (c.key, str(c.figure.label), c.shows_median) for c in result.columns
    ]
    for key, label, numeric in columns:
        if key == current:
            aria = "descending" if descending else "ascending"
            target = key if descending else f"-{key}"
        else:
            aria = "none"
            target = key
        headers.append(Header(key, label, aria, "?" + urlencode({**kept, "sort": target}), numeric))
    return headers


def figure_text(value: Any) -> str:
    """A figure as the pages show it: a number in the locale's form, text as is, – for none."""
    if value is None:
        return "–"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value)
    return str(value)


def comparison_rows(result: Comparison) -> SafeString:
    """The table's body rows: the municipality (a row header, with its plans' link where
    it shares them), the day its figures are from, then each figure with its state."""
    yours = escape(_("din kommune"))
    none_yet = escape(_("Ingen tall ennå"))
    keys = [c.key for c in result.columns]
    labels = {state: escape(label) for state, label in state_labels().items()}
    lines = []
    for row in result.rows:
        name = escape(row.name)
        head: str = name
        if row.own:
            head += f' <span class="ds-tag" data-size="sm">{yours}</span>'
        if row.plans_url:
            label = escape(_("Planene til %(name)s (kun lesing)") % {"name": row.name})
            head += f'<br><a class="ds-link" href="{escape(row.plans_url)}">{label}</a>'
        date: str = format_date(row.snapshot_date) if row.snapshot_date else none_yet
        cells = []
        for key in keys:
            cell = row.cells[key]
            state = (
                f'<span class="cmp-state">{labels[cell.state]}</span>'
                if cell.state is not State.NONE
                else ""
            )
            cells.append(
                f'<td class="cmp-cell cmp-cell--{cell.state}">'
                f"{escape(figure_text(cell.value))}{state}</td>"
            )
        own = ' class="cmp-own"' if row.own else ""
        lines.append(
            f'<tr{own}><th scope="row">{head}</th><td>{escape(date)}</td>{"".join(cells)}</tr>'
        )
    return mark_safe("\n".join(lines))  # noqa: S308  # every value above is escaped


@dataclass(frozen=True)
class Line:
    name: str
    points: str  # "x,y x,y …" for <polyline>
    dots: list[tuple[float, float, str]]  # x, y, the value as text
    dashed: bool


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    lines: list[Line]
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    empty: bool


def trend_chart(trend: Trend, own_name: str | None = None) -> Chart:
    """The median line (dashed) and each of the user's own municipalities' lines."""
    weeks = [p.week for p in trend.points]
    series: list[tuple[str, list[tuple[int, float]], bool]] = []
    median = [(i, float(p.median)) for i, p in enumerate(trend.points) if p.median is not None]
    if median:
        series.append((_("Medianen i nettverket"), median, True))
    for municipality_id in sorted(trend.own):
        name = trend.municipalities.get(municipality_id, ("", "", None))[0]
        values = [
            (i, float(p.values[municipality_id]))
            for i, p in enumerate(trend.points)
            if isinstance(p.values.get(municipality_id), int | float)
        ]
        if values:
            series.append((name, values, False))
    all_values = [v for _name, values, _dashed in series for _i, v in values]
    if not all_values:
        return Chart(WIDTH, HEIGHT, [], [], [], True)
    top = max(all_values) or 1.0
    span_x = max(len(weeks) - 1, 1)

    def x(index: int) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * index / span_x, 1)

    def y(value: float) -> float:
        return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top), 1)

    lines = [
        Line(
            name,
            " ".join(f"{x(i)},{y(v)}" for i, v in values),
            [(x(i), y(v), format_number(v)) for i, v in values],
            dashed,
        )
        for name, values, dashed in series
    ]
    y_ticks = [(y(top * f), format_number(round(top * f, 1))) for f in (0, 0.25, 0.5, 0.75, 1)]
    step = max(len(weeks) // 6, 1)
    x_ticks = [(x(i), format_date(week)) for i, week in enumerate(weeks) if i % step == 0]
    return Chart(WIDTH, HEIGHT, lines, y_ticks, x_ticks, False)
