"""The activity plan as month grids: an activity's months marked, milestones in theirs."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from samla.formats import format_month
from tenants.plans import bounds
from tenants.plans.documents.loader import PlanData
from tenants.plans.documents.types import MARK, Column, Table, Value

MONTHS, QUARTERS = 1, 3
MONTHLY_UP_TO = 36  # a longer span is drawn by quarter
COLUMNS_PER_GRID = 36  # more periods than this go into further tables


def _month(value: datetime.date) -> datetime.date:
    return value.replace(day=1)


def _months(first: datetime.date, last: datetime.date, step: int = 1) -> list[datetime.date]:
    """First days of the periods (`step` months each, aligned to the year) from first to last."""
    current = _period(first, step)
    index = current.year * 12 + current.month - 1
    months = []
    while current <= last:
        months.append(current)
        index += step
        current = datetime.date(index // 12, index % 12 + 1, 1)
    return months


def _period(value: datetime.date, step: int) -> datetime.date:
    """The first day of the period (month or quarter) that holds `value`."""
    return datetime.date(value.year, (value.month - 1) // step * step + 1, 1)


def _grid_span(data: PlanData) -> tuple[datetime.date, datetime.date]:
    """The months the grid covers: its rows' dates, but never further from the plan than
    its parts may lie (a plan saved before the bounds cannot make the grid unbounded)."""
    plan = data.plan
    days = [plan.start, plan.end]
    days += [a.start_month for a in data.activities] + [a.end_month for a in data.activities]
    days += [m.due for m in data.milestones] + [p.due for p in data.decision_points]
    lowest, highest = bounds.drawable_months(plan)
    first = min(max(_month(min(days)), lowest), highest)
    last = max(min(_month(max(days)), highest), lowest)
    return first, last


def _period_label(value: datetime.date, step: int) -> str:
    if step == MONTHS:
        return format_month(value)
    return _("%(quarter)d. kv. %(year)s") % {
        "quarter": (value.month - 1) // 3 + 1,
        "year": f"{value:%y}",
    }


def activity_grids(data: PlanData) -> list[tuple[str, Table, int]]:
    """The activity plan: one row per activity with a mark in each month (or quarter, for a
    long plan) it runs, then milestones and decisions in theirs. A long plan is split into
    several tables of at most COLUMNS_PER_GRID periods, so that each fits a landscape page.
    Returns (label for the table, or "" when there is one; table; months per column)."""
    if not (data.activities or data.milestones or data.decision_points):
        return [("", Table([], []), MONTHS)]
    first, last = _grid_span(data)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = MONTHS if months <= MONTHLY_UP_TO else QUARTERS
    periods = _months(first, last, step)
    position = {period: i for i, period in enumerate(periods)}
    activity_cells = []
    for activity in data.activities:
        cells = [""] * len(periods)
        for period in _months(
            max(activity.start_month, first), min(activity.end_month, last), step
        ):
            cells[position[period]] = MARK
        activity_cells.append(cells)
    coded: list[tuple[str, list[str]]] = []
    for label, items in (
        (_("Milepæler"), data.milestones),
        (_("Beslutningspunkter"), data.decision_points),
    ):
        if not items:
            continue
        codes: list[list[str]] = [[] for _period in periods]
        for item in items:
            at = position.get(_period(item.due, step))
            if at is not None:
                codes[at].append(item.code)
        coded.append((label, ["\n".join(c) for c in codes]))
    count = -(-len(periods) // COLUMNS_PER_GRID)
    size = -(-len(periods) // count)  # balanced chunks
    grids = []
    for begin in range(0, len(periods), size):
        chunk = slice(begin, begin + size)
        shown = periods[chunk]
        columns = [Column(_("Nr"), width=1.1), Column(_("Hovedaktivitet"), width=4)]
        columns += [Column(_period_label(p, step), "mark", 1) for p in shown]
        rows: list[list[Value]] = [
            [activity.code, activity.name, *cells[chunk]]
            for activity, cells in zip(data.activities, activity_cells, strict=True)
        ]
        rows += [["", label, *cells[chunk]] for label, cells in coded]
        label = (
            _("%(first)s – %(last)s")
            % {"first": _period_label(shown[0], step), "last": _period_label(shown[-1], step)}
            if count > 1
            else ""
        )
        grids.append((label, Table(columns, rows, grid=True), step))
    return grids
