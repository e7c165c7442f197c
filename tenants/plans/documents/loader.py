"""A plan read once, with all its parts, in one query per kind of part."""

from __future__ import annotations

from dataclasses import dataclass

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
from tenants.plans.registry import documented_parts


@dataclass
class PlanData:
    """A plan and the parts its documents show, in each model's own order.

    One field per documented part of the registry (`tenants/plans/registry.py`), named by
    its key; a test holds the two together.
    """

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


def load_plan(plan: Plan) -> PlanData:
    """Every part of the plan that its documents show (the registry's documented parts):
    one query per kind of part, whatever the number of rows."""
    parts = {part.key: list(part.outline_queryset(plan)) for part in documented_parts()}
    return PlanData(plan=plan, **parts)
