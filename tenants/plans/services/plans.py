"""A plan's lifecycle: create, change its frame and texts, approve, delete.

A plan starts as a draft; only the project leader approves it, and only a draft is
approved (`approve_plan`); its status then moves along STATUS_FLOW by ordinary saves.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from networks.refresh import progress_changed
from tenants.models import Municipality
from tenants.plans import bounds, history
from tenants.plans.models import NAME_LIMIT, Plan, PlanStatus
from tenants.plans.services.engine import (
    Data,
    Errors,
    Rules,
    StaleVersion,
    add_error,
    apply,
    check_text_limit,
    clean_fields,
    delete_recorded,
    display_name,
    end_not_before_start,
    lock_current,
    lock_plan,
    raise_if,
    require_leader,
    save,
)

PLAN_FIELDS = frozenset(
    {
        "title", "number", "case_number", "owner", "sponsor", "start", "end", "status",
        "background", "purpose", "target_group", "scope", "references",
    }
)  # fmt: skip
PLAN_RULES = Rules(Plan, PLAN_FIELDS, arrays={"leaders": (NAME_LIMIT, 10)})

# Where a plan may go from each status by an ordinary save; "approved" only by approve_plan.
STATUS_FLOW: dict[str, frozenset[str]] = {
    PlanStatus.DRAFT: frozenset({PlanStatus.ARCHIVED}),
    PlanStatus.APPROVED: frozenset({PlanStatus.DRAFT, PlanStatus.ACTIVE, PlanStatus.ARCHIVED}),
    PlanStatus.ACTIVE: frozenset({PlanStatus.COMPLETED, PlanStatus.ARCHIVED}),
    PlanStatus.COMPLETED: frozenset({PlanStatus.ACTIVE, PlanStatus.ARCHIVED}),
    PlanStatus.ARCHIVED: frozenset({PlanStatus.DRAFT}),
}


def _check_plan_frame(plan: Plan, errors: Errors, *, parts: bool = True) -> None:
    """The plan's period is sane, and every part still fits its widened window (bounds)."""
    end_not_before_start(plan, "start", "end", errors, _("Slutt kan ikke være før start."))
    if errors.get("start") or errors.get("end"):
        return
    for name, messages in bounds.plan_period_errors(plan.start, plan.end).items():
        for message in messages:
            add_error(errors, name, message)
    if errors.get("start") or errors.get("end") or not plan.pk or not parts:
        return
    for message in bounds.parts_outside(plan, plan.start, plan.end):
        add_error(errors, "end", message)


def _check_status_change(old: str, new: str, errors: Errors) -> None:
    if old == new or errors.get("status"):
        return
    if new == PlanStatus.APPROVED:
        add_error(errors, "status", _("En plan godkjennes av prosjektleder med «Godkjenn plan»."))
    elif old == PlanStatus.DRAFT and new in (PlanStatus.ACTIVE, PlanStatus.COMPLETED):
        add_error(
            errors,
            "status",
            _("Planen må godkjennes før den kan settes til «%(status)s».")
            % {"status": PlanStatus(new).label},
        )
    elif new not in STATUS_FLOW.get(old, frozenset()):
        add_error(
            errors,
            "status",
            _("Status kan ikke endres fra «%(old)s» til «%(new)s».")
            % {"old": PlanStatus(old).label, "new": PlanStatus(new).label},
        )


def create_plan(tenant: Municipality, user: AbstractBaseUser, data: Data) -> Plan:
    """A new plan; it starts as a draft."""
    with transaction.atomic():
        # Serialise plan creation in this schema, so that two creates cannot pass the limit.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.plans'))")
        message = bounds.plan_count_error(Plan.objects.count())
        if message:
            raise ValidationError({"__all__": [message]})
        plan = Plan()
        errors: Errors = {}
        apply(plan, plan, PLAN_RULES, data, errors)
        if plan.status != PlanStatus.DRAFT:
            add_error(errors, "status", _("En ny plan begynner som utkast."))
        clean_fields(plan, PLAN_FIELDS, errors)
        _check_plan_frame(plan, errors)
        raise_if(errors)
        save(plan)
        check_text_limit(plan)
        history.record_created(plan, user)
        progress_changed(tenant)
        return plan


def update_plan(
    tenant: Municipality, plan: Plan, user: AbstractBaseUser, data: Data, *,
    version: int | None, check_parts: bool = True,
) -> Plan:  # fmt: skip
    """Change a plan's frame, texts or status (not approval: see approve_plan).

    `check_parts=False` skips checking the parts against a changed period: only for
    `blueprints.move_plan_start`, which checks the moved parts itself before and after.
    """
    with transaction.atomic():
        current = lock_current(plan, version)
        before = history.snapshot(current)
        old_status = current.status
        errors: Errors = {}
        apply(current, current, PLAN_RULES, data, errors)
        clean_fields(current, PLAN_FIELDS, errors)
        _check_status_change(old_status, current.status, errors)
        _check_plan_frame(current, errors, parts=check_parts)
        raise_if(errors)
        if current.status == PlanStatus.DRAFT and old_status != PlanStatus.DRAFT:
            current.approved_on, current.approved_by = None, ""  # re-opened: approve again
        current.version += 1
        save(current)
        check_text_limit(current)
        history.record_updated(current, user, before)
        progress_changed(tenant)
        return current


def delete_plan(tenant: Municipality, plan: Plan, user: AbstractBaseUser) -> None:
    """The project leader deletes a plan with its parts (restorable from the history)."""
    require_leader(tenant, user, _("Bare prosjektleder kan slette planen."))
    with transaction.atomic():
        delete_recorded(lock_plan(tenant, plan), user)


def approve_plan(
    tenant: Municipality,
    plan: Plan,
    user: AbstractBaseUser,
    *,
    approved_on: datetime.date | None = None,
    approved_by: str = "",
    version: int | None = None,
) -> Plan:
    """The project leader records that the plan is approved (by whom, on which date)."""
    require_leader(tenant, user, _("Bare prosjektleder kan godkjenne planen."))
    with transaction.atomic():
        current = Plan.objects.select_for_update().get(pk=plan.pk)
        if version is not None and current.version != version:
            raise StaleVersion(current)
        before = history.snapshot(current)
        errors: Errors = {}
        if current.status != PlanStatus.DRAFT:
            add_error(
                errors,
                "status",
                _("Bare et utkast kan godkjennes; planen har status «%(status)s».")
                % {"status": current.get_status_display()},
            )
        current.approved_on = approved_on or timezone.localdate()
        current.approved_by = (approved_by or "").strip() or display_name(user)
        current.status = PlanStatus.APPROVED
        clean_fields(current, {"approved_on", "approved_by"}, errors)
        if isinstance(current.approved_on, datetime.date) and not bounds.in_year_window(
            current.approved_on
        ):
            add_error(errors, "approved_on", bounds.year_window_message())
        raise_if(errors)
        current.version += 1
        save(current)
        history.record_updated(current, user, before)
        progress_changed(tenant)
        return current
