"""Look plans and their parts up inside what the request may see, or 404.

The municipality is the schema: django-tenants has already switched to it, and the access
layer has checked the user's membership. A part is always looked up through its plan, so
an id that belongs to another plan answers 404, the same as an id that does not exist.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.http import Http404

from tenants.plans.models import (
    Activity,
    Body,
    BudgetLine,
    DecisionPoint,
    Goal,
    Measure,
    Meeting,
    MeetingSeries,
    Milestone,
    Phase,
    Plan,
    Risk,
    StatusReport,
    SuccessFactor,
)

M = TypeVar("M", bound=models.Model)


def _pk(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def get_plan_for(pk: Any) -> Plan:
    """A plan of the current municipality, or 404."""
    plan = Plan.objects.filter(pk=_pk(pk)).first()
    if plan is None:
        raise Http404
    return plan


def get_part_for(queryset: models.QuerySet[M], plan: Plan, pk: Any) -> M:
    """A part of this plan, or 404 (also when the id belongs to another plan)."""
    obj = queryset.filter(plan=plan, pk=_pk(pk)).first()
    if obj is None:
        raise Http404
    obj.plan = plan  # type: ignore[attr-defined]
    return obj


def get_phase_for(plan: Plan, pk: Any) -> Phase:
    return get_part_for(Phase.objects.all(), plan, pk)


def get_goal_for(plan: Plan, pk: Any) -> Goal:
    return get_part_for(Goal.objects.all(), plan, pk)


def get_measure_for(plan: Plan, pk: Any) -> Measure:
    return get_part_for(Measure.objects.prefetch_related("goals"), plan, pk)


def get_milestone_for(plan: Plan, pk: Any) -> Milestone:
    return get_part_for(Milestone.objects.all(), plan, pk)


def get_decision_point_for(plan: Plan, pk: Any) -> DecisionPoint:
    return get_part_for(DecisionPoint.objects.all(), plan, pk)


def get_activity_for(plan: Plan, pk: Any) -> Activity:
    return get_part_for(Activity.objects.prefetch_related("milestones"), plan, pk)


def get_risk_for(plan: Plan, pk: Any) -> Risk:
    return get_part_for(Risk.objects.all(), plan, pk)


def get_success_factor_for(plan: Plan, pk: Any) -> SuccessFactor:
    return get_part_for(SuccessFactor.objects.prefetch_related("risks"), plan, pk)


def get_budget_line_for(plan: Plan, pk: Any) -> BudgetLine:
    return get_part_for(BudgetLine.objects.all(), plan, pk)


def get_body_for(plan: Plan, pk: Any) -> Body:
    return get_part_for(Body.objects.prefetch_related("members"), plan, pk)


def get_meeting_series_for(plan: Plan, pk: Any) -> MeetingSeries:
    return get_part_for(MeetingSeries.objects.all(), plan, pk)


def get_meeting_for(plan: Plan, pk: Any) -> Meeting:
    return get_part_for(Meeting.objects.all(), plan, pk)


def get_status_report_for(plan: Plan, pk: Any) -> StatusReport:
    return get_part_for(StatusReport.objects.all(), plan, pk)
