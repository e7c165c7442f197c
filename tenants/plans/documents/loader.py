"""A plan read once, with all its parts, in one query per kind of part."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models

from tenants.plans.models import (
    Activity,
    Body,
    BudgetLine,
    DecisionPoint,
    Goal,
    Measure,
    MeetingSeries,
    Milestone,
    Phase,
    Plan,
    Risk,
    SuccessFactor,
)


@dataclass
class PlanData:
    """A plan and all its parts, in each model's own order."""

    plan: Plan
    phases: list[Phase]
    goals: list[Goal]
    measures: list[Measure]
    milestones: list[Milestone]
    decision_points: list[DecisionPoint]
    activities: list[Activity]
    risks: list[Risk]
    success_factors: list[SuccessFactor]
    budget_lines: list[BudgetLine]
    bodies: list[Body]
    meeting_series: list[MeetingSeries]


@dataclass(frozen=True)
class LoadedPart:
    """One kind of part the documents read: where it goes in `PlanData`, its model, and
    the relations the documents follow from it (read with it, never row by row)."""

    field: str
    model: type[models.Model]
    prefetch: tuple[str, ...] = ()
    select: tuple[str, ...] = ()


# The parts the documents read ------------------------------------------------------------
# The one place that lists them. When the registry of plan parts exists, this table is
# derived from it: each entry names its model, its `PlanData` field and the relations its
# chapter and sheet follow.
LOADED_PARTS: tuple[LoadedPart, ...] = (
    LoadedPart("phases", Phase),
    LoadedPart("goals", Goal),
    LoadedPart("measures", Measure, prefetch=("goals",)),
    LoadedPart("milestones", Milestone),
    LoadedPart("decision_points", DecisionPoint),
    LoadedPart("activities", Activity, prefetch=("milestones",)),
    LoadedPart("risks", Risk),
    LoadedPart("success_factors", SuccessFactor),
    LoadedPart("budget_lines", BudgetLine),
    LoadedPart("bodies", Body, prefetch=("members",)),
    LoadedPart("meeting_series", MeetingSeries, select=("body",)),
)


def load_plan(plan: Plan) -> PlanData:
    """Every part of the plan: one query per kind of part, whatever the number of rows."""
    parts: dict[str, Any] = {}
    for part in LOADED_PARTS:
        rows = part.model._default_manager.filter(plan=plan)
        if part.select:
            rows = rows.select_related(*part.select)
        if part.prefetch:
            rows = rows.prefetch_related(*part.prefetch)
        parts[part.field] = list(rows)
    return PlanData(plan=plan, **parts)
