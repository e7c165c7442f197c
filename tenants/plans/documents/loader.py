"""A plan read once, with all its parts, in one query per kind of part."""

from __future__ import annotations

from dataclasses import dataclass

from tenants.plans import models as m
from tenants.plans.registry import documented_parts


@dataclass
class PlanData:
    """A plan and the parts its documents show, in each model's own order.

    One field per documented part of the registry (`tenants/plans/registry.py`), named by
    its key; a test holds the two together.
    """

    plan: m.Plan
    phases: list[m.Phase]
    goals: list[m.Goal]
    measures: list[m.Measure]
    milestones: list[m.Milestone]
    decision_points: list[m.DecisionPoint]
    activities: list[m.Activity]
    risks: list[m.Risk]
    success_factors: list[m.SuccessFactor]
    budget_lines: list[m.BudgetLine]
    bodies: list[m.Body]
    meeting_series: list[m.MeetingSeries]


def load_plan(plan: m.Plan) -> PlanData:
    """Every part of the plan that its documents show (the registry's documented parts):
    one query per kind of part, whatever the number of rows."""
    parts = {part.key: list(part.outline_queryset(plan)) for part in documented_parts()}
    return PlanData(plan=plan, **parts)
