"""The parts of a plan that follow the generic rules: create, change, delete, with checks.

Each part's rules (which fields it changes, its links, its checks) are declared once in
`tenants.plans.registry`; the functions here are what the registry's declarations name.
Every public function takes the municipality and the acting user explicitly.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.models import Municipality
from tenants.plans import history
from tenants.plans import models as m
from tenants.plans.models import BudgetKind, MilestoneStatus
from tenants.plans.services.engine import (
    Data,
    Errors,
    Rules,
    V,
    add_error,
    code_taken,
    create_row,
    delete_recorded,
    delete_row,
    end_not_before_start,
    lock_plan,
    save,
    update_row,
)

# The generic services ---------------------------------------------------------------


def create_part(
    tenant: Municipality, plan: m.Plan, user: AbstractBaseUser, rules: Rules, data: Data
) -> Any:
    """A new row of a part in the plan, under the part's rules."""
    return create_row(tenant, plan, rules, data, user)


def update_part(
    tenant: Municipality, obj: V, user: AbstractBaseUser, rules: Rules, data: Data, *,
    version: int | None,
) -> V:  # fmt: skip
    """Change a row, naming the `version` edited (StaleVersion when someone saved first)."""
    return update_row(tenant, obj, rules, data, version, user)


def delete_part(tenant: Municipality, obj: m.Versioned, user: AbstractBaseUser) -> None:
    delete_row(tenant, obj, user)


# Phases -------------------------------------------------------------------------------


def check_phase(plan: m.Plan, phase: m.Phase, errors: Errors) -> None:
    end_not_before_start(phase, "start", "end", errors, _("Slutt kan ikke være før start."))


def one_current_phase(plan: m.Plan, phase: m.Phase, user: AbstractBaseUser) -> None:
    """A phase made current takes over from the phase that was."""
    if not phase.is_current:
        return
    # Unset the others first: the partial unique constraint allows one current phase.
    for other in plan.phases.select_for_update().filter(is_current=True).exclude(pk=phase.pk):
        before = history.snapshot(other)
        other.is_current = False
        other.version += 1
        save(other)
        history.record_updated(other, user, before)


# Goals --------------------------------------------------------------------------------


def check_goal(plan: m.Plan, goal: m.Goal, errors: Errors) -> None:
    if errors.get("parent") or goal.parent is None or not goal.pk:
        return
    ancestor: m.Goal | None = goal.parent
    seen: set[int] = set()
    while ancestor is not None and ancestor.pk not in seen:
        if ancestor.pk == goal.pk:
            add_error(
                errors, "parent", _("Et mål kan ikke ligge under seg selv eller sine undermål.")
            )
            return
        seen.add(ancestor.pk)
        ancestor = ancestor.parent


def delete_goal(tenant: Municipality, goal: m.Goal, user: AbstractBaseUser) -> None:
    """Delete a goal that has no sub-goals (they would lose their place in the tree)."""
    with transaction.atomic():
        lock_plan(tenant, goal.plan)
        if goal.children.exists():
            raise ValidationError(
                {"__all__": [_("Målet har undermål. Flytt eller slett dem først.")]}
            )
        delete_recorded(goal, user)


# Milestones, decision points, activities ----------------------------------------------


def check_milestone(plan: m.Plan, milestone: m.Milestone, errors: Errors) -> None:
    code_taken(plan, milestone, errors)  # its dates: the registry's margins, in validate
    if milestone.status == MilestoneStatus.DONE and milestone.done_on is None:
        milestone.done_on = timezone.localdate()


def check_decision_point(plan: m.Plan, point: Any, errors: Errors) -> None:
    code_taken(plan, point, errors)


def _first_of_month(value: Any) -> Any:
    return value.replace(day=1) if isinstance(value, datetime.date) else value


def check_activity(plan: m.Plan, activity: m.Activity, errors: Errors) -> None:
    code_taken(plan, activity, errors)
    activity.start_month = _first_of_month(activity.start_month)
    activity.end_month = _first_of_month(activity.end_month)
    end_not_before_start(
        activity,
        "start_month",
        "end_month",
        errors,
        _("Siste måned kan ikke være før første måned."),
    )


# Budget -------------------------------------------------------------------------------


def budget_totals(plan: m.Plan) -> dict[str, Decimal]:
    """Sums per kind, and how much funding and grants are not yet settled."""
    sums = plan.budget_lines.aggregate(
        cost=Sum("amount", filter=Q(kind=BudgetKind.COST)),
        funding=Sum("amount", filter=Q(kind=BudgetKind.FUNDING)),
        grant=Sum("amount", filter=Q(kind=BudgetKind.GRANT)),
        unsettled=Sum("amount", filter=~Q(kind=BudgetKind.COST) & Q(settled=False)),
    )
    return {key: value or Decimal("0.00") for key, value in sums.items()}
