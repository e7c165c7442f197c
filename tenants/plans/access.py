"""Look plans and their parts up inside what the request may see, or 404.

The municipality is the schema: django-tenants has already switched to it, and the access
layer has checked the user's membership. A part is always looked up through its plan, so
an id that belongs to another plan answers 404, the same as an id that does not exist.
Which parts there are, and what each lookup reads with the row, is the registry's.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from tenants.plans.models import Plan
from tenants.plans.registry import PlanPart, part_named


def _pk(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def get_plan_for(pk: Any, *joined: str) -> Plan:
    """A plan of the current municipality, or 404; `joined` names one-to-one relations
    read in the same query (the overview's `template_adoption`)."""
    plan = Plan.objects.select_related(*joined).filter(pk=_pk(pk)).first()
    if plan is None:
        raise Http404
    return plan


def get_part_for(part: PlanPart | str, plan: Plan, pk: Any) -> Any:
    """A row of a part of this plan (`part`: its declaration or name, e.g. "milestone"),
    or 404 (also when the id belongs to another plan)."""
    declared = part if isinstance(part, PlanPart) else part_named(part)
    obj = declared.queryset().filter(plan=plan, pk=_pk(pk)).first()
    if obj is None:
        raise Http404
    obj.plan = plan
    return obj
