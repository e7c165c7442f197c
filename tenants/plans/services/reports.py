"""Status reports: drafts that the project leader submits, frozen from then on.

A submitted report keeps a snapshot of the plan as it stood (milestones, decisions,
economy, risks); it can neither change nor be deleted. Only a leader submits.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.models import Municipality
from tenants.plans import history
from tenants.plans.models import Plan, StatusReport
from tenants.plans.services.engine import (
    Errors,
    StaleVersion,
    add_error,
    delete_recorded,
    display_name,
    lock_plan,
    require_leader,
    save,
)
from tenants.plans.services.parts import budget_totals


def frozen_message() -> str:
    return _("Rapporten er sendt inn og kan ikke endres.")


def check_report(plan: Plan, report: StatusReport, errors: Errors) -> None:
    """A submitted report is frozen: no change passes."""
    if report.is_submitted:
        add_error(errors, "__all__", frozen_message())


def delete_status_report(
    tenant: Municipality, report: StatusReport, user: AbstractBaseUser
) -> None:
    with transaction.atomic():
        lock_plan(tenant, report.plan)
        current = StatusReport.objects.select_for_update().get(pk=report.pk)
        if current.is_submitted:
            raise ValidationError({"__all__": [_("Rapporten er sendt inn og kan ikke slettes.")]})
        delete_recorded(current, user)


def plan_snapshot(plan: Plan) -> dict[str, Any]:
    """The plan's state as a report freezes it: milestones, decisions, economy, risks."""
    current_phase = plan.phases.filter(is_current=True).values_list("name", flat=True).first()
    totals = budget_totals(plan)
    return {
        "taken_at": timezone.now().isoformat(),
        "plan": {
            "title": plan.title,
            "status": plan.status,
            "start": plan.start.isoformat(),
            "end": plan.end.isoformat(),
            "current_phase": current_phase,
        },
        "milestones": [
            {
                "code": m.code,
                "title": m.title,
                "due": m.due.isoformat(),
                "status": m.status,
                "status_display": str(m.get_status_display()),
                "done_on": m.done_on.isoformat() if m.done_on else None,
            }
            for m in plan.milestones.order_by("due", "code", "id")
        ],
        "decision_points": [
            {
                "code": d.code,
                "title": d.title,
                "due": d.due.isoformat(),
                "decided_on": d.decided_on.isoformat() if d.decided_on else None,
            }
            for d in plan.decision_points.order_by("due", "code", "id")
        ],
        "budget": {key: str(value) for key, value in totals.items()},
        "risks": [
            {
                "title": r.title,
                "likelihood": r.likelihood,
                "consequence": r.consequence,
                "score": r.score,
                "status": r.status,
            }
            for r in plan.risks.order_by("-score", "id")
        ],
    }


def submit_status_report(
    tenant: Municipality, report: StatusReport, user: AbstractBaseUser, *,
    version: int | None = None,
) -> StatusReport:  # fmt: skip
    """The project leader submits the report: its snapshot is frozen, it cannot change."""
    require_leader(tenant, user, _("Bare prosjektleder kan sende inn rapporter."))
    with transaction.atomic():
        plan = lock_plan(tenant, report.plan)
        current = StatusReport.objects.select_for_update().get(pk=report.pk)
        if version is not None and current.version != version:
            raise StaleVersion(current)
        if current.is_submitted:
            raise ValidationError({"__all__": [_("Rapporten er allerede sendt inn.")]})
        before = history.snapshot(current)
        current.snapshot = plan_snapshot(plan)
        current.submitted_at = timezone.now()
        current.submitted_by = display_name(user)
        current.version += 1
        save(current)
        history.record_updated(current, user, before)
        return current
