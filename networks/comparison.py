"""The cross-municipality comparison and its trends, read from the roll-up table only.

A network's members are the rows and the declared figures (`networks.figures`) the
columns, each member with its latest `ProgressSnapshot` on or before the chosen date,
optionally only the members of one competence base. A column's median is shown only
where at least `MIN_CONTRIBUTORS` municipalities contribute a value to it, so that a
small network does not give its members' figures away. Trends are the same reduced per
week: each member's latest row in the week, and the week's median.

Whatever the number of members, a comparison is two queries (the members, their latest
rows with `DISTINCT ON`) and a trend two; no request touches a municipality's schema.
What a user sees of it (rows, names, links to plans) is `networks.access.ComparisonScope`.
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from networks.access import ComparisonScope
from networks.figures import FIGURES, Better, Figure, Unit
from networks.models import (
    CompetenceBase,
    LearningNetwork,
    NetworkMembership,
    ProgressSnapshot,
    Sharing,
)
from samla.urls_helpers import host_url, municipality_host

MIN_CONTRIBUTORS = 5
DEFAULT_WEEKS = 26
DEFAULT_FIGURE = "milestones_done"
MAX_WEEKS = 156
# A status report older than this needs following up.
REPORT_DUE_DAYS = 90
# Figures where anything above zero needs following up, whatever the others do.
ATTENTION_ABOVE_ZERO = frozenset({"milestones_overdue", "high_risks_open"})

Number = int | float


class State(StrEnum):
    MISSING = "missing"
    ATTENTION = "attention"
    BETTER = "better"
    WORSE = "worse"
    EVEN = "even"
    NONE = "none"


STATE_LABELS = {
    State.MISSING: gettext_lazy("Mangler tall"),
    State.ATTENTION: gettext_lazy("Følg opp"),
    State.BETTER: gettext_lazy("Bedre enn medianen"),
    State.WORSE: gettext_lazy("Svakere enn medianen"),
    State.EVEN: gettext_lazy("Som medianen"),
    State.NONE: gettext_lazy(""),
}
TOO_FEW = gettext_lazy("for få til å vise")


def state_labels() -> dict[State, str]:
    """Each state's words in the active language."""
    return {state: str(label) for state, label in STATE_LABELS.items()}


# Input ------------------------------------------------------------------------------------


def parse_as_of(value: object, today: datetime.date | None = None) -> datetime.date:
    """The comparison's date from a query parameter: today when absent, never the future."""
    today = today or timezone.localdate()
    if value in (None, ""):
        return today
    try:
        parsed = parse_date(str(value))
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError({"date": [_("Oppgi datoen som ÅÅÅÅ-MM-DD.")]})
    if parsed > today:
        raise ValidationError(
            {"date": [_("Datoen kan ikke være i fremtiden: det finnes ingen tall for den ennå.")]}
        )
    if parsed.year < 2000:
        raise ValidationError({"date": [_("Datoen er for langt tilbake i tid.")]})
    return parsed


def parse_competence_base(value: object) -> CompetenceBase | None:
    """The competence base to filter by (its id), or None for the whole network."""
    if value in (None, ""):
        return None
    try:
        pk = int(str(value))
    except ValueError:
        pk = 0
    base = CompetenceBase.objects.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if base is None:
        raise ValidationError({"competence_base": [_("Fant ikke kompetansebasen.")]})
    return base


def parse_figure(value: object) -> Figure:
    figure = FIGURES.get(str(value or ""))
    if figure is None:
        raise ValidationError(
            {
                "figure": [
                    _("Ukjent tall «%(key)s». Velg ett av: %(keys)s.")
                    % {"key": str(value or "")[:60], "keys": ", ".join(FIGURES)}
                ]
            }
        )
    return figure


def parse_weeks(value: object) -> int:
    if value in (None, ""):
        return DEFAULT_WEEKS
    try:
        weeks = int(str(value))
    except ValueError:
        weeks = 0
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValidationError(
            {"weeks": [_("Oppgi et antall uker fra 1 til %(max)s.") % {"max": MAX_WEEKS}]}
        )
    return weeks


# Medians and states -----------------------------------------------------------------------


def is_numeric(figure: Figure) -> bool:
    return figure.unit is not Unit.TEXT


def median_of(values: Iterable[Any]) -> tuple[Number | None, int]:
    """The median of the values present if `MIN_CONTRIBUTORS` or more give one, and their count."""
    present = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if len(present) < MIN_CONTRIBUTORS:
        return None, len(present)
    middle = statistics.median(present)
    return (int(middle) if float(middle).is_integer() else round(middle, 1)), len(present)


def state_of(figure: Figure, value: Any, median: Number | None) -> State:
    """How a value stands: missing, needing follow-up, or against the median."""
    return state_rule(figure, median)(value)


def state_rule(figure: Figure, median: Number | None) -> Callable[[Any], State]:
    """`state_of` for one column, its figure and median read once (a comparison asks it
    for every cell: 5,200 for 400 members)."""
    if figure.key in ATTENTION_ABOVE_ZERO:
        attention_above: Number | None = 0
    elif figure.key == "days_since_status_report":
        attention_above = REPORT_DUE_DAYS
    else:
        attention_above = None
    compared = median is not None and figure.better is not Better.NEITHER and is_numeric(figure)
    higher_is_better = figure.better is Better.HIGHER
    pivot: Number = median if median is not None else 0

    def rule(value: Any) -> State:
        if value is None:
            return State.MISSING
        if attention_above is not None and value > attention_above:
            return State.ATTENTION
        if not compared:
            return State.NONE
        if value == pivot:
            return State.EVEN
        return State.BETTER if (value > pivot) == higher_is_better else State.WORSE

    return rule


# The comparison ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    figure: Figure
    median: Number | None
    contributors: int

    @property
    def key(self) -> str:
        return self.figure.key

    @property
    def shows_median(self) -> bool:
        return is_numeric(self.figure)


class Cell(NamedTuple):
    value: Any
    state: State

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


@dataclass(frozen=True)
class Row:
    municipality_id: int
    name: str
    slug: str
    number: str | None
    sharing: str
    snapshot_date: datetime.date | None
    cells: dict[str, Cell]
    plans_url: str | None
    own: bool


@dataclass
class Comparison:
    network: LearningNetwork
    as_of: datetime.date
    competence_base: CompetenceBase | None
    columns: list[Column]
    rows: list[Row]
    members: int  # members in the selection (all of them, also those not shown)
    names: bool
    sort: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def members_on(
    network: LearningNetwork, as_of: datetime.date, base: CompetenceBase | None = None
) -> QuerySet[NetworkMembership]:
    """The network's memberships on the day (joined by then, not yet left)."""
    members = NetworkMembership.objects.filter(network=network, joined_on__lte=as_of).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=as_of)
    )
    if base is not None:
        members = members.filter(municipality__competence_bases=base)
    return members


def latest_snapshots(
    members: QuerySet[NetworkMembership], as_of: datetime.date
) -> dict[int, tuple[datetime.date, dict[str, Any]]]:
    """Each member's latest figures on or before the day: one query (`DISTINCT ON`)."""
    rows = latest_snapshot_rows(members, as_of)
    return {municipality_id: (date, figures) for municipality_id, date, figures in rows}


def latest_snapshot_rows(
    members: QuerySet[NetworkMembership], as_of: datetime.date
) -> QuerySet[ProgressSnapshot, tuple[int, datetime.date, dict[str, Any]]]:
    """The query of `latest_snapshots`: (municipality id, date, figures) per member."""
    return (
        ProgressSnapshot.objects.filter(
            municipality_id__in=members.values("municipality_id"), date__lte=as_of
        )
        .order_by("municipality_id", "-date")
        .distinct("municipality_id")
        .values_list("municipality_id", "date", "figures")
    )


SORT_NAME = "name"


def sort_keys() -> list[str]:
    return [SORT_NAME, *FIGURES]


def parse_sort(value: object) -> str:
    """`name`, a figure's key, or either with a leading `-` (descending); unknown → name."""
    text = str(value or "")
    return text if text.lstrip("-") in sort_keys() else SORT_NAME


def _sorted(rows: list[Row], sort: str) -> list[Row]:
    key = sort.lstrip("-")
    descending = sort.startswith("-")
    by_name = sorted(rows, key=lambda r: (r.name.casefold(), r.municipality_id))
    if key == SORT_NAME:
        return by_name[::-1] if descending else by_name
    present = [r for r in by_name if r.cells[key].value is not None]
    missing = [r for r in by_name if r.cells[key].value is None]
    present.sort(key=lambda r: r.cells[key].value, reverse=descending)
    return present + missing  # rows without a value last, either way


def compare(
    network: LearningNetwork,
    scope: ComparisonScope,
    as_of: datetime.date,
    base: CompetenceBase | None = None,
    sort: str = SORT_NAME,
) -> Comparison:
    """The network's comparison on the day, as the scope lets its user see it."""
    members = members_on(network, as_of, base)
    memberships = list(
        members.values_list(
            "municipality_id",
            "sharing",
            "left_on",
            "municipality__name",
            "municipality__slug",
            "municipality__number",
        )
    )
    snapshots = latest_snapshots(members, as_of)
    no_figures: tuple[None, dict[str, Any]] = (None, {})
    columns = []
    for figure in FIGURES.values():
        values = (snapshots.get(member[0], no_figures)[1].get(figure.key) for member in memberships)
        median, contributors = median_of(values) if is_numeric(figure) else (None, 0)
        columns.append(Column(figure, median, contributors))
    rules = [(c.key, state_rule(c.figure, c.median)) for c in columns]
    rows = []
    for municipality_id, sharing, left_on, name, slug, number in memberships:
        if not scope.shows(municipality_id):
            continue
        date, figures = snapshots.get(municipality_id, no_figures)
        shares_plans = sharing == Sharing.PLANS and left_on is None
        read = [(key, figures.get(key), rule) for key, rule in rules]
        rows.append(
            Row(
                municipality_id=municipality_id,
                name=name,
                slug=slug,
                number=number,
                sharing=sharing,
                snapshot_date=date,
                cells={key: Cell(value, rule(value)) for key, value, rule in read},
                plans_url=(
                    host_url(municipality_host(slug), "/planer/")
                    if scope.plan_links and shares_plans
                    else None
                ),
                own=municipality_id in scope.own,
            )
        )
    sort = parse_sort(sort)
    return Comparison(
        network=network,
        as_of=as_of,
        competence_base=base,
        columns=columns,
        rows=_sorted(rows, sort),
        members=len(memberships),
        names=scope.names,
        sort=sort,
    )


# Trends -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    week: datetime.date  # the Monday of the week
    median: Number | None
    contributors: int
    values: dict[int, Any]  # municipality id → its latest value in the week (those shown)


@dataclass
class Trend:
    network: LearningNetwork
    figure: Figure
    as_of: datetime.date
    weeks: int
    competence_base: CompetenceBase | None
    points: list[TrendPoint]
    municipalities: dict[int, tuple[str, str, str | None]]  # shown: id → name, slug, number
    own: frozenset[int]


def trend(
    network: LearningNetwork,
    scope: ComparisonScope,
    figure: Figure,
    as_of: datetime.date,
    weeks: int = DEFAULT_WEEKS,
    base: CompetenceBase | None = None,
) -> Trend:
    """The figure week by week over the last `weeks` weeks up to the day: each member's
    latest value in the week and the week's median (where enough contribute)."""
    members = members_on(network, as_of, base)
    shown = {
        mid: (name, slug, number)
        for mid, name, slug, number in members.order_by("municipality__name").values_list(
            "municipality_id", "municipality__name", "municipality__slug", "municipality__number"
        )
        if scope.shows(mid)
    }
    first_monday = as_of - datetime.timedelta(days=as_of.weekday() + 7 * (weeks - 1))
    rows = (
        ProgressSnapshot.objects.filter(
            municipality_id__in=members.values("municipality_id"),
            date__gte=first_monday,
            date__lte=as_of,
        )
        .annotate(week=TruncWeek("date"), value=F(f"figures__{figure.key}"))
        .order_by("municipality_id", "week", "-date")
        .distinct("municipality_id", "week")
        .values_list("municipality_id", "week", "value")
    )
    by_week: dict[datetime.date, dict[int, Any]] = {}
    for municipality_id, week, value in rows:
        by_week.setdefault(week, {})[municipality_id] = value
    points = []
    for week in sorted(by_week):
        values = by_week[week]
        median, contributors = (
            median_of(values.values()) if is_numeric(figure) else (None, len(values))
        )
        points.append(
            TrendPoint(
                week, median, contributors, {m: v for m, v in values.items() if scope.shows(m)}
            )
        )
    return Trend(
        network=network,
        figure=figure,
        as_of=as_of,
        weeks=weeks,
        competence_base=base,
        points=points,
        municipalities=shown,
        own=scope.own,
    )
