"""An order's schedule in the buying municipality's plan: written on confirmation, taken back
out on cancellation, and kept in step with agreed amendments.

Each order line becomes a main activity in the order's plan (in the month it is scheduled
for), and the lines held as a day with people present (training days and gatherings,
`MILESTONE_KINDS`) also a milestone on their date, which the activity links. They are made,
changed and deleted through the plans services (`tenants.plans.services`), so the plan's
history shows who did it and when: the acting user is the one who confirmed the order (the
municipality's leader), or who accepted an amendment or cancelled. The plans services for
a part's rows check no role (roles are the plans API's and pages' concern), so a consultancy
member who accepts an amendment is recorded as the actor without needing a membership of
the municipality. The ids written are kept on the line (`plan_activity_id`,
`plan_milestone_id`), to move or remove them later.

The plan lives in the buyer's schema, in the same database: the functions here switch to it
(`tenant_context`) inside the caller's transaction, so the order's change and the plan's
commit or roll back together, and the schema the caller was in is restored afterwards. A
plan that refuses an entry (a date outside its period, too many rows) refuses the whole
change: a `ValidationError` under `plan` that names the line.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from billing.models import Order, OrderLine
from samla.accounts.models import User
from samla.dates import first_of_month
from samla.formats import format_date
from tenants.plans import services as plan_services
from tenants.plans.fields import CODE_LIMIT, NAME_LIMIT
from tenants.plans.models import Activity, Milestone, Plan
from tenants.plans.services import StaleVersion

# The kinds of item held as a day with people present: each is also a milestone in the plan.
# Supervision, a website, print and the rest are activities only.
MILESTONE_KINDS = frozenset({"training_day", "leadership_gathering", "all_leaders_gathering"})

# A line's entries are numbered "B<order>-<position>" (B for bestilling) in the plan.
CODE_PREFIX = "B"


def is_milestone_kind(kind: str) -> bool:
    return kind in MILESTONE_KINDS


# The public API ---------------------------------------------------------------------------


def write_schedule(order: Order, actor: User) -> list[OrderLine]:
    """Write every line of the order that is not yet in the plan into it; the lines."""
    lines = list(order.lines.all())
    with _in_plan(order) as plan:
        for line in lines:
            if line.plan_activity_id is None and line.plan_milestone_id is None:
                _write_line(order, plan, line, actor)
    _save_ids(lines)
    return lines


def remove_schedule(order: Order, actor: User, today: datetime.date) -> list[OrderLine]:
    """Take out of the plan what was to happen after `today` and was not delivered; what has
    already happened stays. The lines taken out."""
    lines = [
        line
        for line in order.lines.all()
        if line.scheduled_on > today and line.delivered_on is None and _in_plan_now(line)
    ]
    if not lines:
        return []
    with _in_plan(order, must_exist=False) as plan:
        for line in lines:
            _remove_line(order, plan, line, actor)
    _save_ids(lines)
    return lines


def apply_amendment(
    order: Order,
    *,
    added: Sequence[OrderLine] = (),
    removed: Sequence[OrderLine] = (),
    moved: Sequence[OrderLine] = (),
    actor: User,
) -> None:
    """Keep the plan in step with an agreed amendment.

    `added`: new lines (saved), written into the plan. `removed`: lines leaving the order
    (they may be deleted after this call), their entries deleted unless delivered. `moved`:
    lines whose `scheduled_on` is the new date (saved or not), their entries re-dated (and
    written again if someone deleted them from the plan).
    """
    if not (added or removed or moved):
        return
    with _in_plan(order) as plan:
        for line in removed:
            if line.delivered_on is None and _in_plan_now(line):
                _remove_line(order, plan, line, actor)
        for line in moved:
            _move_line(order, plan, line, actor)
        for line in added:
            if not _in_plan_now(line):
                _write_line(order, plan, line, actor)
    _save_ids([*added, *moved])
    for line in removed:
        if line.pk is not None:
            OrderLine.objects.filter(pk=line.pk).update(
                plan_activity_id=line.plan_activity_id, plan_milestone_id=line.plan_milestone_id
            )


# Inside the buyer's schema ----------------------------------------------------------------


@contextmanager
def _in_plan(order: Order, *, must_exist: bool = True) -> Iterator[Plan | None]:
    """The order's plan, read in the buyer's schema, inside one transaction (a savepoint in
    the caller's); the schema the caller was in is back afterwards, also on an error."""
    municipality = order.municipality
    with transaction.atomic(), tenant_context(municipality):
        plan = Plan.objects.filter(pk=order.plan_id).first()
        if plan is None and must_exist:
            raise ValidationError(
                {
                    "plan": [
                        _("Planen «%(title)s» finnes ikke lenger i kommunen.")
                        % {"title": order.plan_title}
                    ]
                }
            )
        yield plan


def _in_plan_now(line: OrderLine) -> bool:
    return line.plan_activity_id is not None or line.plan_milestone_id is not None


@contextmanager
def _refusal_names(line: OrderLine) -> Iterator[None]:
    """The plan's refusal of an entry, as an error under `plan` that names the line."""
    try:
        yield
    except ValidationError as exc:
        raise ValidationError(
            {
                "plan": [
                    _("«%(line)s» (%(date)s) kan ikke legges inn i planen: %(reason)s")
                    % {
                        "line": line.name,
                        "date": format_date(line.scheduled_on),
                        "reason": " ".join(str(m) for m in exc.messages),
                    }
                ]
            }
        ) from exc


def _title(order: Order, line: OrderLine) -> str:
    """The entry's title: the line, the package and the consultancy."""
    title = _("%(line)s – %(package)s (%(consultancy)s)") % {
        "line": line.name,
        "package": order.package.title,
        "consultancy": order.consultancy.name,
    }
    return title if len(title) <= NAME_LIMIT else title[: NAME_LIMIT - 1] + "…"


def _code(model: type[models.Model], plan: Plan, order: Order, line: OrderLine) -> str:
    """A number for the line's entry that is free in the plan: B<order>-<position>, with a
    letter added if someone already uses it."""
    base = f"{CODE_PREFIX}{order.pk}-{line.position}"[:CODE_LIMIT]
    taken = {
        code.upper()
        for code in model._default_manager.filter(plan=plan, code__istartswith=base).values_list(
            "code", flat=True
        )
    }
    for suffix in ["", *"abcdefghijklmnopqrstuvwxyz"]:
        candidate = f"{base[: CODE_LIMIT - len(suffix)]}{suffix}"
        if candidate.upper() not in taken:
            return candidate
    raise ValidationError({"plan": [_("Planen har ikke flere ledige nummer for bestillingen.")]})


def _milestone_data(order: Order, line: OrderLine) -> dict[str, Any]:
    return {
        "title": _title(order, line),
        "due": line.scheduled_on,
        "criterion": _("Gjennomført som avtalt i bestillingen."),
        "responsible": order.consultancy.name[:NAME_LIMIT],
    }


def _activity_data(order: Order, line: OrderLine) -> dict[str, Any]:
    month = first_of_month(line.scheduled_on)
    return {
        "name": _title(order, line),
        "purpose": _("Levert av %(consultancy)s etter bestillingen «%(order)s».")
        % {"consultancy": order.consultancy.name, "order": order.title},
        "tasks": line.description,
        "start_month": month,
        "end_month": month,
        "responsible": order.consultancy.name[:NAME_LIMIT],
    }


def _write_line(order: Order, plan: Plan | None, line: OrderLine, actor: User) -> None:
    assert plan is not None  # _in_plan(must_exist=True)
    tenant = order.municipality
    with _refusal_names(line):
        milestone = None
        if is_milestone_kind(line.kind):
            milestone = plan_services.create_milestone(
                tenant,
                plan,
                actor,
                {**_milestone_data(order, line), "code": _code(Milestone, plan, order, line)},
            )
        activity = plan_services.create_activity(
            tenant,
            plan,
            actor,
            {
                **_activity_data(order, line),
                "code": _code(Activity, plan, order, line),
                "milestones": [milestone] if milestone is not None else [],
            },
        )
    line.plan_activity_id = activity.pk
    line.plan_milestone_id = milestone.pk if milestone is not None else None


def _remove_line(order: Order, plan: Plan | None, line: OrderLine, actor: User) -> None:
    """Delete the line's entries (those still there: people may have deleted them)."""
    tenant = order.municipality
    if line.plan_milestone_id is not None:
        milestone = Milestone.objects.filter(pk=line.plan_milestone_id).first()
        if milestone is not None and plan is not None and milestone.plan_id == plan.pk:
            plan_services.delete_milestone(tenant, milestone, actor)
    if line.plan_activity_id is not None:
        activity = Activity.objects.filter(pk=line.plan_activity_id).first()
        if activity is not None and plan is not None and activity.plan_id == plan.pk:
            plan_services.delete_activity(tenant, activity, actor)
    line.plan_activity_id = None
    line.plan_milestone_id = None


def _move_line(order: Order, plan: Plan | None, line: OrderLine, actor: User) -> None:
    """Re-date the line's entries; write them again if they are gone from the plan."""
    assert plan is not None
    tenant = order.municipality
    milestone = (
        Milestone.objects.filter(pk=line.plan_milestone_id, plan=plan).first()
        if line.plan_milestone_id is not None
        else None
    )
    activity = (
        Activity.objects.filter(pk=line.plan_activity_id, plan=plan).first()
        if line.plan_activity_id is not None
        else None
    )
    if activity is None and milestone is None:
        line.plan_activity_id = line.plan_milestone_id = None
        _write_line(order, plan, line, actor)
        return
    month = first_of_month(line.scheduled_on)
    with _refusal_names(line):
        if milestone is not None and milestone.due != line.scheduled_on:
            _update(
                plan_services.update_milestone, tenant, milestone, actor, {"due": line.scheduled_on}
            )
        if activity is not None and (activity.start_month, activity.end_month) != (month, month):
            _update(
                plan_services.update_activity,
                tenant,
                activity,
                actor,
                {"start_month": month, "end_month": month},
            )


def _update(service: Any, tenant: Any, obj: Any, actor: User, data: dict[str, Any]) -> None:
    """Change a row at the version it now has (read again once if someone saved in between)."""
    try:
        service(tenant, obj, actor, data, version=obj.version)
    except StaleVersion as exc:
        service(tenant, exc.current, actor, data, version=exc.current.version)


# Back in the public schema ----------------------------------------------------------------


def _save_ids(lines: Iterable[OrderLine]) -> None:
    saved = [line for line in lines if line.pk is not None]
    if saved:
        OrderLine.objects.bulk_update(saved, ["plan_activity_id", "plan_milestone_id"])
