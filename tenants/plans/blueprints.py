"""Plan templates ("maler", blueprints in code) and moving a plan's start date.

A blueprint is a plan skeleton whose dates are offsets (months, then days) from the start
date chosen when a plan is made from it: phases, goals, milestones, decision points, main
activities and suggested bodies, kept as content in `blueprints.json`. Three come from
the seed plans: the KS project plan
(Nordre Land, seed 000), a BTI implementation along Fixsen's six phases (Larvik, seed 002;
BYN, seed 003) and a 0–24 model municipality (Nesseby, seed 001).

Both services here are built from the functions in `services.py`, inside one transaction,
so the plan rules and the change history apply to every row they write.

Moving the start date (`move_plan_start`), the exact rule: the interval is the number of
days between the old and the new start. It moves, by that interval,
- the plan's end,
- milestones that are neither reached nor missed (status not done/missed),
- decision points not decided (no decided date),
- goals whose deadline has not passed (due today or later),
- phases that have not ended (no end date, or an end date today or later);
activities that are neither done nor cancelled move by whole months: the number of months
between the old and the new start month, so an activity keeps its month within the plan.
Everything else (what has happened) stays where it is. The move is checked whole before
anything is written: the new period must lie in the year window, and every row, moved or
staying, must fit its window around the new period (`bounds.DATE_BOUNDS`); otherwise it
is refused with the rows named under "start" (e.g. a reached milestone before the new
start), and nothing is written.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from samla.dates import add_months, month_index, shift_days, shift_months
from samla.formats import format_date
from tenants.models import Municipality
from tenants.plans import bounds, services
from tenants.plans import models as m
from tenants.plans.models import ActivityStatus, MilestoneStatus


@dataclass(frozen=True)
class At:
    """An offset from the plan's start: whole months, then days."""

    months: int
    days: int = 0

    def on(self, start: datetime.date) -> datetime.date:
        return add_months(start, self.months) + datetime.timedelta(days=self.days)


# What a blueprint holds ------------------------------------------------------------------


# Each holds what one row of a plan starting on a date is made from; `data` gives the row
# as the plan's services take it.

Data = dict[str, Any]


@dataclass(frozen=True)
class BlueprintBody:
    """A suggested body of the plan's organisation (a kind of `models.BodyKind`)."""

    kind: str
    name: str
    mandate: str

    def data(self, order: int) -> Data:
        return {"kind": self.kind, "name": self.name, "mandate": self.mandate, "order": order}


@dataclass(frozen=True)
class BlueprintPhase:
    name: str
    description: str
    start: At
    end: At

    def data(self, start: datetime.date, order: int) -> Data:
        return {
            "order": order,
            "name": self.name,
            "description": self.description,
            "start": self.start.on(start),
            "end": self.end.on(start),
        }


@dataclass(frozen=True)
class BlueprintGoal:
    level: str
    text: str
    due: At | None = None
    children: tuple[BlueprintGoal, ...] = ()

    def data(self, start: datetime.date, parent: m.Goal | None) -> Data:
        due = self.due.on(start) if self.due else None
        return {"level": self.level, "text": self.text, "due": due, "parent": parent}


@dataclass(frozen=True)
class BlueprintDated:
    """A milestone (its criterion) or a decision point (its basis) at an offset."""

    code: str
    title: str
    at: At
    text: str = ""

    def data(self, start: datetime.date, text_field: str) -> Data:
        return {
            "code": self.code,
            "title": self.title,
            "due": self.at.on(start),
            text_field: self.text,
        }


@dataclass(frozen=True)
class BlueprintActivity:
    code: str
    name: str
    first_month: int
    last_month: int
    purpose: str = ""
    result: str = ""
    milestones: tuple[str, ...] = ()

    def data(self, start: datetime.date, milestone_ids: Mapping[str, int]) -> Data:
        first = start.replace(day=1)
        return {
            "code": self.code,
            "name": self.name,
            "purpose": self.purpose,
            "result": self.result,
            "start_month": add_months(first, self.first_month),
            "end_month": add_months(first, self.last_month),
            "milestones": [milestone_ids[code] for code in self.milestones],
        }


@dataclass(frozen=True)
class Blueprint:
    key: str
    name: str
    description: str
    months: int  # the plan's length when no end date is given
    phases: tuple[BlueprintPhase, ...]
    milestones: tuple[BlueprintDated, ...]
    decision_points: tuple[BlueprintDated, ...]
    activities: tuple[BlueprintActivity, ...]
    bodies: tuple[BlueprintBody, ...]
    goals: tuple[BlueprintGoal, ...] = field(default=())

    def end_for(self, start: datetime.date) -> datetime.date:
        return add_months(start, self.months) - datetime.timedelta(days=1)


# Reading blueprints ----------------------------------------------------------------------
#
# The blueprints are content, kept in `blueprints.json` beside this module (one object per
# blueprint; an offset is `[months]` or `[months, days]`). `blueprint_from_data` reads one
# such object, so templates kept elsewhere in the same shape start plans the same way.


def _at(value: list[int]) -> At:
    return At(*value)


def _goal(data: Mapping[str, Any]) -> BlueprintGoal:
    due = data.get("due")
    children = tuple(_goal(child) for child in data.get("children", ()))
    return BlueprintGoal(data["level"], data["text"], _at(due) if due else None, children)


def _dated(data: Mapping[str, Any]) -> BlueprintDated:
    return BlueprintDated(data["code"], data["title"], _at(data["at"]), data.get("text", ""))


def _activity(data: Mapping[str, Any]) -> BlueprintActivity:
    return BlueprintActivity(**{**data, "milestones": tuple(data.get("milestones", ()))})


def blueprint_from_data(data: Mapping[str, Any]) -> Blueprint:
    """A blueprint from its JSON shape (`blueprints.json`)."""
    return Blueprint(
        key=data["key"],
        name=data["name"],
        description=data["description"],
        months=data["months"],
        phases=tuple(
            BlueprintPhase(p["name"], p["description"], _at(p["start"]), _at(p["end"]))
            for p in data["phases"]
        ),
        milestones=tuple(_dated(row) for row in data.get("milestones", ())),
        decision_points=tuple(_dated(row) for row in data.get("decision_points", ())),
        activities=tuple(_activity(row) for row in data.get("activities", ())),
        bodies=tuple(BlueprintBody(**row) for row in data.get("bodies", ())),
        goals=tuple(_goal(row) for row in data.get("goals", ())),
    )


BLUEPRINTS: dict[str, Blueprint] = {
    blueprint.key: blueprint
    for blueprint in map(
        blueprint_from_data,
        json.loads((Path(__file__).parent / "blueprints.json").read_text(encoding="utf-8")),
    )
}


# Services -------------------------------------------------------------------------------


def _as_date(value: Any, name: str) -> datetime.date:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    parsed = None
    if isinstance(value, str):
        try:
            parsed = parse_date(value.strip())
        except ValueError:
            parsed = None
    if parsed is None:
        raise ValidationError({name: [_("Oppgi en gyldig dato (ÅÅÅÅ-MM-DD).")]})
    return parsed


def get_blueprint(key: Any) -> Blueprint:
    blueprint = BLUEPRINTS.get(key) if isinstance(key, str) else None
    if blueprint is None:
        raise ValidationError(
            {"template": [_("Ukjent mal. Velg en av: %(keys)s.") % {"keys": ", ".join(BLUEPRINTS)}]}
        )
    return blueprint


def _create_goal(
    tenant: Municipality,
    plan: m.Plan,
    user: AbstractBaseUser,
    goal: BlueprintGoal,
    start: datetime.date,
    parent: m.Goal | None,
) -> None:
    row = services.create_goal(tenant, plan, user, goal.data(start, parent))
    for child in goal.children:
        _create_goal(tenant, plan, user, child, start, row)


def start_plan_from_blueprint(
    tenant: Municipality, user: AbstractBaseUser, key: Any, data: Mapping[str, Any]
) -> m.Plan:
    """A new draft plan from the blueprint `key`, its dates counted from `data["start"]`.

    `data`: `title`, `start`, optionally `end` (otherwise the blueprint's length).
    """
    return start_plan(tenant, user, get_blueprint(key), data)


def start_plan(
    tenant: Municipality, user: AbstractBaseUser, blueprint: Blueprint, data: Mapping[str, Any]
) -> m.Plan:
    """A new draft plan from `blueprint` (built in or a network's template, read by
    `blueprint_from_data`); `data` as for `start_plan_from_blueprint`."""
    start = _as_date(data.get("start"), "start")
    given_end = _as_date(data["end"], "end") if data.get("end") else None
    # The year window first: the offsets below cannot leave the calendar from inside it.
    for name, value in (("start", start), ("end", given_end)):
        if value is not None and not bounds.in_year_window(value):
            raise ValidationError({name: [bounds.year_window_message()]})
    end = given_end or blueprint.end_for(start)
    last = max((m.at.on(start) for m in blueprint.milestones), default=start)
    if end >= start and end < last:
        raise ValidationError(
            {
                "end": [
                    _("Slutt må være etter malens siste milepæl (%(date)s).")
                    % {"date": format_date(last)}
                ]
            }
        )
    with transaction.atomic():
        plan = services.create_plan(
            tenant,
            user,
            {
                "title": data.get("title") or "",
                "start": start,
                "end": end,
                "purpose": blueprint.description,
            },
        )
        for order, phase in enumerate(blueprint.phases, start=1):
            services.create_phase(tenant, plan, user, phase.data(start, order))
        for goal in blueprint.goals:
            _create_goal(tenant, plan, user, goal, start, None)
        milestone_ids = {
            row.code: services.create_milestone(tenant, plan, user, row.data(start, "criterion")).pk
            for row in blueprint.milestones
        }
        for row in blueprint.decision_points:
            services.create_decision_point(tenant, plan, user, row.data(start, "basis"))
        for activity in blueprint.activities:
            services.create_activity(tenant, plan, user, activity.data(start, milestone_ids))
        for order, body in enumerate(blueprint.bodies, start=1):
            services.create_body(tenant, plan, user, body.data(order))
        plan.refresh_from_db()
        return plan


Move = tuple[m.Versioned, Callable[..., Any], dict[str, Any]]
OUT_OF_RANGE = object()  # a moved date Python's calendar cannot hold


def _moved(value: datetime.date | None, delta: datetime.timedelta) -> Any:
    if value is None:
        return None
    moved = shift_days(value, delta)
    return OUT_OF_RANGE if moved is None else moved


def _moved_month(value: datetime.date, months: int) -> Any:
    moved = shift_months(value, months)
    return OUT_OF_RANGE if moved is None else moved


def _planned_moves(
    plan: m.Plan, delta: datetime.timedelta, months: int, today: datetime.date
) -> Iterator[Move]:
    """Each row that moves, the service that moves it and its new dates (module docstring)."""
    for milestone in m.Milestone.objects.filter(plan=plan).exclude(
        status__in=(MilestoneStatus.DONE, MilestoneStatus.MISSED)
    ):
        yield milestone, services.update_milestone, {"due": _moved(milestone.due, delta)}
    for d in m.DecisionPoint.objects.filter(plan=plan, decided_on__isnull=True):
        yield d, services.update_decision_point, {"due": _moved(d.due, delta)}
    for g in m.Goal.objects.filter(plan=plan, due__gte=today):
        yield g, services.update_goal, {"due": _moved(g.due, delta)}
    for p in m.Phase.objects.filter(plan=plan).exclude(end__lt=today):
        moved = {name: _moved(getattr(p, name), delta) for name in ("start", "end")}
        moved = {name: value for name, value in moved.items() if value is not None}
        if moved:
            yield p, services.update_phase, moved
    if months:
        for a in m.Activity.objects.filter(plan=plan).exclude(
            status__in=(ActivityStatus.DONE, ActivityStatus.CANCELLED)
        ):
            yield (
                a,
                services.update_activity,
                {
                    "start_month": _moved_month(a.start_month, months),
                    "end_month": _moved_month(a.end_month, months),
                },
            )


def _check_move(
    plan: m.Plan, start: datetime.date, end: datetime.date | None, moves: list[Move]
) -> None:
    """Refuse the move (under "start") unless the new period and every row's dates fit."""
    if end is None:
        raise ValidationError({"start": [bounds.year_window_message()]})
    period = bounds.plan_period_errors(start, end)
    if period:
        raise ValidationError({"start": [m for messages in period.values() for m in messages]})
    new_dates = {(type(row), row.pk): changes for row, _service, changes in moves}
    found: dict[type[models.Model], list[str]] = {}
    for model, fields in bounds.DATE_BOUNDS.items():
        for row in model._default_manager.filter(plan=plan):
            changes = new_dates.get((model, row.pk), {})
            for name, margin in fields.items():
                value = changes.get(name, getattr(row, name))
                if value is OUT_OF_RANGE or (
                    isinstance(value, datetime.date)
                    and bounds.date_error(start, end, margin, value)
                ):
                    found.setdefault(model, []).append(bounds.label(row))
                    break
    if found:
        raise ValidationError({"start": bounds.outside_messages(found, start, end)})


def move_plan_start(
    tenant: Municipality,
    plan: m.Plan,
    user: AbstractBaseUser,
    new_start: Any,
    *,
    version: int | None,
) -> m.Plan:
    """Move the plan's start; what has not happened yet moves with it (module docstring)."""
    new_start = _as_date(new_start, "start")
    if not bounds.in_year_window(new_start):
        raise ValidationError({"start": [bounds.year_window_message()]})
    with transaction.atomic():
        current = m.Plan.objects.select_for_update().get(pk=plan.pk)
        if version is None:
            raise ValidationError(
                {"version": [_("Oppgi versjonen du har endret (feltet «version»).")]}
            )
        if current.version != version:
            raise services.StaleVersion(current)
        delta = new_start - current.start
        if not delta:
            return current
        months = month_index(new_start) - month_index(current.start)
        new_end = shift_days(current.end, delta)
        moves = list(_planned_moves(current, delta, months, timezone.localdate()))
        # The whole move is checked before anything is written: no half-moved plan.
        _check_move(current, new_start, new_end, moves)
        moved = services.update_plan(
            tenant,
            current,
            user,
            {"start": new_start, "end": new_end},
            version=current.version,
            check_parts=False,  # checked above; each row's own save checks it again
        )
        for row, service, changes in moves:
            service(tenant, row, user, changes, version=row.version)
        # The last line: every part fits the moved period (the rows that stayed too).
        outside = bounds.parts_outside(moved, moved.start, moved.end)
        if outside:
            raise ValidationError({"start": outside})
        moved.refresh_from_db()
        return moved


def blueprint_summary(blueprint: Blueprint) -> dict[str, Any]:
    """What the template list shows: key, name, description, length and phases."""
    return {
        "key": blueprint.key,
        "name": blueprint.name,
        "description": blueprint.description,
        "months": blueprint.months,
        "phases": [
            {
                "name": p.name,
                "description": p.description,
                "start_month": p.start.months,
                "end_month": p.end.months,
            }
            for p in blueprint.phases
        ],
        "milestones": len(blueprint.milestones),
        "decision_points": len(blueprint.decision_points),
        "activities": len(blueprint.activities),
    }
