"""Read queries the plan pages share: overview figures, the Gantt grid, the risk matrix.

Each function issues a fixed number of queries whatever the number of rows (the page
tests pin them); nothing here writes.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samla.dates import first_of_month, months_between
from tenants.plans import bounds
from tenants.plans import models as m
from tenants.plans.models import MilestoneStatus, RiskStatus
from tenants.plans.services import budget_totals

OPEN_MILESTONE = (MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS)
OVERVIEW_LIMIT = 5
OVERDUE_LIMIT = 10

# Names of the scale steps, as in the Nesseby plan's risk assessment (seed 001, 4.2).
LIKELIHOOD_LABELS = {
    1: _("Meget liten"),
    2: _("Liten"),
    3: _("Moderat"),
    4: _("Stor"),
    5: _("Meget stor"),
}
CONSEQUENCE_LABELS = {
    1: _("Ubetydelig"),
    2: _("Lav"),
    3: _("Moderat"),
    4: _("Alvorlig"),
    5: _("Svært alvorlig"),
}


def risk_level(score: int) -> tuple[str, Any]:
    """The band of a risk score (S×K): its CSS name and its Norwegian label."""
    if score >= 12:
        return "high", _("Høy")
    if score >= 5:
        return "medium", _("Middels")
    return "low", _("Lav")


# Overview ---------------------------------------------------------------------------


@dataclass
class BudgetSummary:
    cost: Decimal
    funding: Decimal
    grant: Decimal
    unsettled: Decimal

    @property
    def income(self) -> Decimal:
        return self.funding + self.grant

    @property
    def balance(self) -> Decimal:
        """Funding and grants minus costs: negative means not yet financed."""
        return self.income - self.cost

    @property
    def settled_income(self) -> Decimal:
        return self.income - self.unsettled


def budget_summary(plan: m.Plan) -> BudgetSummary:
    """Sums per kind and the balance (one query)."""
    return BudgetSummary(**budget_totals(plan))


@dataclass
class Overview:
    today: datetime.date
    next_milestones: list[m.Milestone]
    overdue_milestones: list[m.Milestone]
    overdue_milestone_count: int
    overdue_decisions: list[m.DecisionPoint]
    overdue_decision_count: int
    top_risks: list[m.Risk]
    phases: list[m.Phase]
    budget: BudgetSummary
    milestone_count: int
    milestones_done: int

    @property
    def current_phase(self) -> m.Phase | None:
        return next((p for p in self.phases if p.is_current), None)


def plan_overview(plan: m.Plan, today: datetime.date | None = None) -> Overview:
    """What the overview shows at a glance: seven queries, whatever the plan's size."""
    today = today or timezone.localdate()
    milestones = m.Milestone.objects.filter(plan=plan)
    overdue_q = Q(due__lt=today, status__in=OPEN_MILESTONE)
    counts = milestones.aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(status=MilestoneStatus.DONE)),
        overdue=Count("id", filter=overdue_q),
    )
    decisions = m.DecisionPoint.objects.filter(plan=plan, due__lt=today, decided_on__isnull=True)
    overdue_decisions = list(decisions.order_by("due", "code")[:OVERDUE_LIMIT])
    decision_count = decisions.count()
    return Overview(
        today=today,
        next_milestones=list(
            milestones.filter(due__gte=today, status__in=OPEN_MILESTONE).order_by("due", "code")[
                :OVERVIEW_LIMIT
            ]
        ),
        overdue_milestones=list(
            milestones.filter(overdue_q).order_by("due", "code")[:OVERDUE_LIMIT]
        ),
        overdue_milestone_count=counts["overdue"],
        overdue_decisions=overdue_decisions,
        overdue_decision_count=decision_count,
        top_risks=list(
            m.Risk.objects.filter(plan=plan)
            .exclude(status=RiskStatus.CLOSED)
            .order_by("-score", "id")[:OVERVIEW_LIMIT]
        ),
        phases=list(m.Phase.objects.filter(plan=plan)),
        budget=budget_summary(plan),
        milestone_count=counts["total"],
        milestones_done=counts["done"],
    )


# Activity plan (Gantt) ----------------------------------------------------------------


@dataclass
class GanttRow:
    activity: m.Activity
    cells: list[bool]


@dataclass
class Gantt:
    months: list[datetime.date]
    rows: list[GanttRow]
    milestones: list[list[m.Milestone]] = field(default_factory=list)
    decision_points: list[list[m.DecisionPoint]] = field(default_factory=list)

    @property
    def years(self) -> list[tuple[int, int]]:
        """(year, number of its months in the grid), for the header's first row."""
        spans: dict[int, int] = defaultdict(int)
        for month in self.months:
            spans[month.year] += 1
        return list(spans.items())


def gantt(plan: m.Plan) -> Gantt:
    """The activity plan: one row per main activity, a column per month of the plan,
    milestones and decision points in the months they fall due (three queries)."""
    activities = list(
        m.Activity.objects.filter(plan=plan)
        .only("code", "name", "start_month", "end_month", "plan_id")
        .order_by("start_month", "code", "id")
    )
    milestones = list(
        m.Milestone.objects.filter(plan=plan)
        .only("code", "title", "due", "status", "plan_id")
        .order_by("due", "code", "id")
    )
    points = list(
        m.DecisionPoint.objects.filter(plan=plan)
        .only("code", "title", "due", "plan_id")
        .order_by("due", "code", "id")
    )
    first = min(
        [plan.start]
        + [a.start_month for a in activities]
        + [milestone.due for milestone in milestones]
        + [p.due for p in points]
    )
    last = max(
        [plan.end]
        + [a.end_month for a in activities]
        + [milestone.due for milestone in milestones]
        + [p.due for p in points]
    )
    # Never further from the plan than its parts may lie (rows saved before the bounds).
    lowest, highest = bounds.drawable_months(plan)
    first = min(max(first_of_month(first), lowest), highest)
    last = max(min(last, highest), lowest)
    months = months_between(first, last)
    index = {month: number for number, month in enumerate(months)}
    rows = [
        GanttRow(a, [a.start_month <= month <= a.end_month for month in months]) for a in activities
    ]
    by_month_m: list[list[m.Milestone]] = [[] for _ in months]
    for milestone in milestones:
        if first_of_month(milestone.due) in index:
            by_month_m[index[first_of_month(milestone.due)]].append(milestone)
    by_month_p: list[list[m.DecisionPoint]] = [[] for _ in months]
    for p in points:
        if first_of_month(p.due) in index:
            by_month_p[index[first_of_month(p.due)]].append(p)
    return Gantt(months, rows, by_month_m, by_month_p)


# Risks ------------------------------------------------------------------------------


@dataclass
class MatrixCell:
    likelihood: int
    consequence: int
    risks: list[m.Risk]

    @property
    def score(self) -> int:
        return self.likelihood * self.consequence

    @property
    def level(self) -> str:
        return risk_level(self.score)[0]

    @property
    def level_label(self) -> Any:
        return risk_level(self.score)[1]


@dataclass
class MatrixRow:
    likelihood: int
    label: Any
    cells: list[MatrixCell]


def risk_matrix(risks: list[m.Risk]) -> list[MatrixRow]:
    """The 5×5 heat map: likelihood 5 (top) to 1, consequence 1 (left) to 5."""
    placed: dict[tuple[int, int], list[m.Risk]] = defaultdict(list)
    for risk in risks:
        placed[(risk.likelihood, risk.consequence)].append(risk)
    return [
        MatrixRow(
            likelihood,
            LIKELIHOOD_LABELS[likelihood],
            [MatrixCell(likelihood, c, placed[(likelihood, c)]) for c in range(1, 6)],
        )
        for likelihood in range(5, 0, -1)
    ]


# Lists of a plan's parts, as the part pages show them ---------------------------------


@dataclass
class GoalNode:
    goal: m.Goal
    depth: int


def goal_tree(plan: m.Plan) -> list[GoalNode]:
    """Goals in tree order (each under its parent), with their depth (one query)."""
    goals = list(m.Goal.objects.filter(plan=plan).order_by("id"))
    children: dict[int | None, list[m.Goal]] = defaultdict(list)
    ids = {g.pk for g in goals}
    for goal in goals:
        children[goal.parent_id if goal.parent_id in ids else None].append(goal)
    ordered: list[GoalNode] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for goal in children.get(parent, []):
            if goal.pk in seen:
                continue
            seen.add(goal.pk)
            ordered.append(GoalNode(goal, depth))
            walk(goal.pk, depth + 1)

    walk(None, 0)
    ordered += [GoalNode(g, 0) for g in goals if g.pk not in seen]  # a cycle, if any
    return ordered


def phases_of(plan: m.Plan) -> QuerySet[m.Phase]:
    return m.Phase.objects.filter(plan=plan).order_by("order", "id")


def measures_of(plan: m.Plan) -> QuerySet[m.Measure]:
    return m.Measure.objects.filter(plan=plan).prefetch_related("goals")


def milestones_of(plan: m.Plan) -> QuerySet[m.Milestone]:
    return m.Milestone.objects.filter(plan=plan).order_by("due", "code", "id")


def decision_points_of(plan: m.Plan) -> QuerySet[m.DecisionPoint]:
    return m.DecisionPoint.objects.filter(plan=plan).order_by("due", "code", "id")


def activities_of(plan: m.Plan) -> QuerySet[m.Activity]:
    return (
        m.Activity.objects.filter(plan=plan)
        .order_by("start_month", "code", "id")
        .prefetch_related(Prefetch("milestones", m.Milestone.objects.only("id", "code", "plan_id")))
    )


def risks_of(plan: m.Plan) -> QuerySet[m.Risk]:
    return m.Risk.objects.filter(plan=plan).order_by("-score", "id")


def success_factors_of(plan: m.Plan) -> QuerySet[m.SuccessFactor]:
    return (
        m.SuccessFactor.objects.filter(plan=plan)
        .order_by("priority", "id")
        .prefetch_related("risks")
    )


def budget_lines_of(plan: m.Plan) -> QuerySet[m.BudgetLine]:
    return m.BudgetLine.objects.filter(plan=plan).order_by("kind", "id")


def bodies_of(plan: m.Plan) -> QuerySet[m.Body]:
    return m.Body.objects.filter(plan=plan).prefetch_related(
        Prefetch("members", m.BodyMember.objects.order_by("order", "id"))
    )


def meeting_series_of(plan: m.Plan) -> QuerySet[m.MeetingSeries]:
    return m.MeetingSeries.objects.filter(plan=plan).select_related("body")


def meetings_of(plan: m.Plan) -> QuerySet[m.Meeting]:
    return m.Meeting.objects.filter(plan=plan).select_related("series", "body")


def status_reports_of(plan: m.Plan) -> QuerySet[m.StatusReport]:
    return m.StatusReport.objects.filter(plan=plan)
