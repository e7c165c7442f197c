"""Plan rows a routine fulfils that are ready for the leader to mark done.

A milestone (MP4 "forslag til samarbeidsavtaler/-rutiner er utarbeidd") or a measure
linked to routines is ready when every routine linked to it has been approved (it has a
version in force: a routine approved and later retired, or approved with a new draft
under way, counts). Samla only suggests it: the leader marks the milestone done through
the plan as usual; nothing here writes. Each query is one statement (two with the linked
routines prefetched), whatever the number of plans, rows and routines.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from networks.figures import counted_plans
from tenants.plans.models import Measure, Milestone, MilestoneStatus, Plan
from tenants.routines.models import Routine


def _linked_routines() -> Prefetch[Any, Any, Any]:
    return Prefetch(
        "routines",
        queryset=Routine.objects.select_related("current").order_by("id"),
    )


def _ready(through: Any, column: str) -> tuple[Exists, Exists]:
    """(has a linked routine, has a linked routine never approved) for the row `pk`."""
    linked = through.objects.filter(**{column: OuterRef("pk")})
    return Exists(linked), Exists(linked.filter(routine__current__isnull=True))


def milestones_ready(plan: Plan | None = None) -> QuerySet[Milestone]:
    """Milestones not yet done whose linked routines are all approved, in the plans being
    run (or in `plan`), each with its routines."""
    linked, unapproved = _ready(Routine.milestones.through, "milestone_id")
    rows = Milestone.objects.filter(linked).exclude(unapproved).exclude(status=MilestoneStatus.DONE)
    rows = rows.filter(plan=plan) if plan is not None else rows.filter(plan__in=counted_plans())
    return (
        rows.select_related("plan")
        .prefetch_related(_linked_routines())
        .order_by("plan_id", "due", "code", "id")
    )


def measures_ready(plan: Plan | None = None) -> QuerySet[Measure]:
    """Measures whose linked routines are all approved (a measure has no status of its
    own: this tells the leader it is fulfilled), in the plans being run (or in `plan`)."""
    linked, unapproved = _ready(Routine.measures.through, "measure_id")
    rows = Measure.objects.filter(linked).exclude(unapproved)
    rows = rows.filter(plan=plan) if plan is not None else rows.filter(plan__in=counted_plans())
    return (
        rows.select_related("plan").prefetch_related(_linked_routines()).order_by("plan_id", "id")
    )
