"""What the comparison and trend pages draw: sortable column headers, the comparison
table's rows, and the trend's SVG.

The trend's lines are drawn by `samla.charts` (the indicators' charts draw theirs the
same way); the same numbers are in the table under it, which is what a screen reader
reads.

The comparison's body rows are built here rather than in the template: 400 members by a
dozen figures are some 30,000 template nodes, several hundred milliseconds; as escaped
strings they are a few. Every value passes through `escape`.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from networks.comparison import SORT_NAME, Comparison, State, Trend, state_labels
from samla import charts
from samla.formats import format_date, format_number


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
    it shares them), the day its figures are from, then each figure with its state.

    Built as escaped strings (some 30,000 template nodes for 400 members otherwise); each
    distinct cell (value and state) is written once and reused, as most repeat."""
    yours = escape(_("din kommune"))
    none_yet = escape(_("Ingen tall ennå"))
    keys = [c.key for c in result.columns]
    spans = {
        state: f'<span class="cmp-state">{escape(label)}</span>' if state is not State.NONE else ""
        for state, label in state_labels().items()
    }
    written: dict[tuple[type, Hashable, State], str] = {}
    lines = []
    for row in result.rows:
        name = escape(row.name)
        head: str = name
        if row.own:
            head += f' <span class="ds-tag" data-size="sm">{yours}</span>'
        if row.plans_url:
            label = escape(_("Planene til %(name)s (kun lesing)") % {"name": row.name})
            head += f'<br><a class="ds-link" href="{escape(row.plans_url)}">{label}</a>'
        date: str = escape(format_date(row.snapshot_date)) if row.snapshot_date else none_yet
        cells = []
        for key in keys:
            value, state = row.cells[key]
            # The type too: True and 1 would be one key otherwise.
            seen = (type(value), value, state) if isinstance(value, Hashable) else None
            cell = written.get(seen) if seen else None
            if cell is None:
                cell = (
                    f'<td class="cmp-cell cmp-cell--{state}">'
                    f"{escape(figure_text(value))}{spans[state]}</td>"
                )
                if seen:
                    written[seen] = cell
            cells.append(cell)
        own = ' class="cmp-own"' if row.own else ""
        lines.append(f'<tr{own}><th scope="row">{head}</th><td>{date}</td>{"".join(cells)}</tr>')
    return mark_safe("\n".join(lines))  # noqa: S308  # every value above is escaped


def trend_chart(trend: Trend) -> charts.Chart | None:
    """The network's median and each of the user's own municipalities over the weeks, as
    `samla.charts` draws them (None when there is no line to draw)."""
    columns = [charts.Column(format_date(p.week), p.week, p.week) for p in trend.points]
    median = charts.Series(_("Medianen i nettverket"), {}, kind="median")
    series = [median]
    for municipality_id in sorted(trend.own):
        name = trend.municipalities.get(municipality_id, ("", "", None))[0]
        series.append(charts.Series(name, {}, kind="own"))
    for column, point in zip(columns, trend.points, strict=True):
        if point.median is not None:
            median.values[column.period] = Decimal(str(point.median))
        for line, municipality_id in zip(series[1:], sorted(trend.own), strict=True):
            value = point.values.get(municipality_id)
            if isinstance(value, int | float):
                line.values[column.period] = Decimal(str(value))
    return charts.build(columns, series)
