"""The registry of progress figures: each declared once, computed inside a municipality's schema.

A figure has a key, a Norwegian label, a unit, which direction is better, and the source
that computes it. A source is one bounded query (an aggregate in SQL) that yields several
figures at once, so a municipality's whole set costs a handful of queries however large
its plans are. `compute_figures` runs each source once, in the schema the connection is
in; `validate_figures` checks a stored set against the registry.

Counted: the plans that are not completed or archived (drafts included: a plan being
written has milestones too). Seams for later slices: goals whose linked indicator is on
or off track (indicators do not exist yet) and the routines app's figures are declared
with `declare` by their own modules, each with its own source.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tenants.plans.models import (
    DecisionPoint,
    Milestone,
    MilestoneStatus,
    Phase,
    Plan,
    PlanStatus,
    Risk,
    RiskStatus,
    StatusReport,
)

Values = dict[str, Any]
# A source computes several figures in one query, for the day `today`.
Source = Callable[[datetime.date], Values]

HIGH_RISK_SCORE = 12


class Unit(StrEnum):
    COUNT = "count"  # a number of rows
    DAYS = "days"
    POSITION = "position"  # a place in an order, from 1
    TEXT = "text"


class Better(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    NEITHER = "neither"


@dataclass(frozen=True)
class Figure:
    key: str
    label: str | Promise
    unit: Unit
    better: Better
    source: Source

    @property
    def python_type(self) -> type:
        return str if self.unit is Unit.TEXT else int


FIGURES: dict[str, Figure] = {}


def declare(*figures: Figure) -> None:
    """Add figures to the registry (once each; a key names one figure)."""
    for figure in figures:
        if figure.key in FIGURES and FIGURES[figure.key] != figure:
            raise ValueError(f"figure {figure.key!r} is declared twice")
        FIGURES[figure.key] = figure


def counted_plans() -> QuerySet[Plan]:
    return Plan.objects.exclude(status__in=[PlanStatus.COMPLETED, PlanStatus.ARCHIVED])


# Sources: one query each ------------------------------------------------------------------


def milestone_figures(today: datetime.date) -> Values:
    done = Q(status=MilestoneStatus.DONE)
    return Milestone.objects.filter(plan__in=counted_plans()).aggregate(
        milestones_total=Count("id"),
        milestones_done=Count("id", filter=done),
        milestones_done_on_time=Count("id", filter=done & Q(done_on__lte=F("due"))),
        milestones_overdue=Count("id", filter=~done & Q(due__lt=today)),
    )


def decision_figures(today: datetime.date) -> Values:
    return DecisionPoint.objects.filter(plan__in=counted_plans()).aggregate(
        decision_points_total=Count("id"),
        decision_points_decided=Count("id", filter=Q(decided_on__isnull=False)),
    )


def phase_figures(today: datetime.date) -> Values:
    """The current phase of the latest plan that has one, and its place among that plan's
    phases (in their order). One query: the plan's phases, numbered by a window."""
    plans_with_current = counted_plans().filter(phases__is_current=True)
    plan = plans_with_current.order_by("-start", "-id").values("id")[:1]
    phases = list(
        Phase.objects.filter(plan_id__in=plan)
        .order_by("order", "id")
        .values_list("name", "is_current")
    )
    for position, (name, is_current) in enumerate(phases, start=1):
        if is_current:
            return {
                "current_phase": name,
                "current_phase_position": position,
                "phase_count": len(phases),
            }
    return {"current_phase": None, "current_phase_position": None, "phase_count": None}


def risk_figures(today: datetime.date) -> Values:
    return Risk.objects.filter(plan__in=counted_plans()).aggregate(
        high_risks_open=Count(
            "id", filter=~Q(status=RiskStatus.CLOSED) & Q(score__gte=HIGH_RISK_SCORE)
        )
    )


def report_figures(today: datetime.date) -> Values:
    last = StatusReport.objects.filter(
        plan__in=counted_plans(), submitted_at__isnull=False
    ).aggregate(last=Max("submitted_at"))["last"]
    days = None if last is None else (today - timezone.localdate(last)).days
    return {"days_since_status_report": days}


declare(
    Figure("milestones_total", _("Milepæler i alt"), Unit.COUNT, Better.NEITHER, milestone_figures),
    Figure("milestones_done", _("Milepæler nådd"), Unit.COUNT, Better.HIGHER, milestone_figures),
    Figure(
        "milestones_done_on_time",
        _("Milepæler nådd i tide"),
        Unit.COUNT,
        Better.HIGHER,
        milestone_figures,
    ),
    Figure(
        "milestones_overdue", _("Milepæler på overtid"), Unit.COUNT, Better.LOWER, milestone_figures
    ),
    Figure(
        "decision_points_total",
        _("Beslutningspunkter i alt"),
        Unit.COUNT,
        Better.NEITHER,
        decision_figures,
    ),
    Figure(
        "decision_points_decided",
        _("Beslutningspunkter passert"),
        Unit.COUNT,
        Better.HIGHER,
        decision_figures,
    ),
    Figure("current_phase", _("Nåværende fase"), Unit.TEXT, Better.NEITHER, phase_figures),
    Figure(
        "current_phase_position",
        _("Fase nummer"),
        Unit.POSITION,
        Better.HIGHER,
        phase_figures,
    ),
    Figure("phase_count", _("Faser i planen"), Unit.COUNT, Better.NEITHER, phase_figures),
    Figure(
        "high_risks_open",
        _("Åpne risikoer med risikofaktor 12 eller mer"),
        Unit.COUNT,
        Better.LOWER,
        risk_figures,
    ),
    Figure(
        "days_since_status_report",
        _("Dager siden siste statusrapport"),
        Unit.DAYS,
        Better.LOWER,
        report_figures,
    ),
)


def compute_figures(today: datetime.date | None = None) -> Values:
    """Every declared figure for the municipality whose schema the connection is in."""
    today = today or timezone.localdate()
    values: Values = {}
    for source in dict.fromkeys(figure.source for figure in FIGURES.values()):
        values.update(source(today))
    return {key: values.get(key) for key in FIGURES}


def validate_figures(values: Mapping[str, Any]) -> None:
    """Refuse a set of figures the registry does not describe (unknown key, wrong type)."""
    unknown = set(values) - set(FIGURES)
    if unknown:
        raise ValueError(f"unknown figures: {sorted(unknown)}")
    for key, value in values.items():
        expected = FIGURES[key].python_type
        if value is not None and (type(value) is not expected):
            raise ValueError(f"figure {key!r} must be {expected.__name__} or None, not {value!r}")
