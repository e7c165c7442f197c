"""How changes to a plan are recorded and read: row snapshots, change rows, differences.

The services call `snapshot` before a change and `record` after it, inside their
transaction, so a change and its history row commit or roll back together. Reading is
for pages and the API: `changes_for` (one object or a whole plan), `differences`,
`deleted_parts` (what can be restored) and `reassessments` (a risk's S×K over time).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import ForeignObjectRel
from django.utils.text import capfirst

from samla.formats import format_date
from tenants.plans.models import Body, Change, ChangeAction, Plan

# Not a user's change: kept out of snapshots and differences.
NOT_RECORDED = frozenset({"created_at", "updated_at"})


def restorable_types() -> frozenset[str]:
    """The parts a deleted row of which can be restored from its snapshot (the registry's
    `restorable`; read when asked, as the registry imports the services that import this)."""
    from tenants.plans.registry import restorable_types

    return restorable_types()


def many_to_many_names(model: type[models.Model]) -> list[str]:
    """Names of the model's many-to-many links within the plans, both directions (e.g. a
    risk's factors). Links from other apps (a routine fulfilling a milestone) are theirs:
    the plan's history neither records nor restores them."""
    names: list[str] = []
    for f in model._meta.get_fields():
        related = f.related_model
        if (
            f.many_to_many
            and isinstance(related, type)
            and issubclass(related, models.Model)
            and related._meta.app_label == model._meta.app_label
        ):
            accessor = f.get_accessor_name() if isinstance(f, ForeignObjectRel) else None
            names.append(accessor or f.name)
    return sorted(names)


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The row as JSON: its fields by attribute name, its links as lists of ids."""
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name not in NOT_RECORDED:
            data[f.attname] = f.value_from_object(obj)
    for name in many_to_many_names(type(obj)):
        data[name] = sorted(getattr(obj, name).values_list("pk", flat=True))
    if isinstance(obj, Body):
        data["members"] = [
            {k: getattr(m, k) for k in ("id", "name", "title", "unit", "role", "user_id")}
            for m in obj.members.order_by("order", "id")
        ]
    recorded: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return recorded


def _plan_id(obj: models.Model) -> int:
    # Every part has `plan_id`; Model does not say so.
    return obj.pk if isinstance(obj, Plan) else obj.plan_id  # type: ignore[attr-defined]


def record(
    obj: models.Model,
    user: AbstractBaseUser | None,
    action: str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> Change:
    """Write one change row for `obj` (call inside the change's transaction)."""
    name = getattr(user, "display_name", "") or (user.get_username() if user else "")
    return Change.objects.create(
        plan_id=_plan_id(obj),
        object_type=str(obj._meta.model_name),
        object_id=obj.pk,
        object_label=str(obj)[:300],
        action=action,
        user_id=user.pk if user is not None else None,
        user_name=str(name)[:200],
        before=before,
        after=after,
    )


def record_created(obj: models.Model, user: AbstractBaseUser | None) -> Change:
    return record(obj, user, ChangeAction.CREATE, after=snapshot(obj))


def record_updated(
    obj: models.Model, user: AbstractBaseUser | None, before: dict[str, Any]
) -> Change:
    return record(obj, user, ChangeAction.UPDATE, before=before, after=snapshot(obj))


def changes_for(plan: Plan, obj: models.Model | None = None) -> models.QuerySet[Change]:
    """The plan's changes, newest first; given an object, only that object's."""
    changes = Change.objects.filter(plan_id=plan.pk)
    if obj is not None:
        changes = changes.filter(object_type=obj._meta.model_name, object_id=obj.pk)
    return changes


def deleted_parts(plan: Plan) -> models.QuerySet[Change]:
    """Deletions of parts that can be restored and have not been restored yet."""
    restored = Change.objects.filter(
        plan_id=plan.pk,
        action=ChangeAction.RESTORE,
        object_type=models.OuterRef("object_type"),
        object_id=models.OuterRef("object_id"),
        at__gte=models.OuterRef("at"),
    )
    return Change.objects.filter(
        plan_id=plan.pk, action=ChangeAction.DELETE, object_type__in=restorable_types()
    ).exclude(models.Exists(restored))


@dataclass(frozen=True)
class Difference:
    field: str
    label: str
    before: Any
    after: Any


def _label(change: Change, name: str) -> str:
    from django.apps import apps

    try:
        model = apps.get_model("plans", change.object_type)
        field = model._meta.get_field(name.removesuffix("_id"))
        return str(capfirst(field.verbose_name))
    except (LookupError, FieldDoesNotExist, AttributeError):
        return capfirst(name.replace("_", " "))


def differences(change: Change) -> list[Difference]:
    """What the change altered, field by field (`version` left out)."""
    before, after = change.before or {}, change.after or {}
    names = [n for n in dict.fromkeys([*before, *after]) if n not in ("version", "id")]
    return [
        Difference(name, _label(change, name), before.get(name), after.get(name))
        for name in names
        if before.get(name) != after.get(name)
    ]


@dataclass(frozen=True)
class Reassessment:
    """A risk's likelihood and consequence as set at one moment, and by whom."""

    at: datetime.datetime
    user_name: str
    likelihood: int
    consequence: int

    @property
    def score(self) -> int:
        return self.likelihood * self.consequence


def reassessments(plan: Plan, risk_ids: Iterable[int]) -> dict[int, list[Reassessment]]:
    """Each risk's assessments, oldest first (its first and every change of S or K), in one
    query: the history keeps them, so a reassessment needs no table of its own."""
    found: dict[int, list[Reassessment]] = {pk: [] for pk in risk_ids}
    changes = Change.objects.filter(
        plan_id=plan.pk,
        object_type="risk",
        object_id__in=list(found),
        action__in=[ChangeAction.CREATE, ChangeAction.UPDATE, ChangeAction.RESTORE],
    ).order_by("at", "id")
    for change in changes:
        after, before = change.after or {}, change.before or {}
        likelihood, consequence = after.get("likelihood"), after.get("consequence")
        if likelihood is None or consequence is None:
            continue
        assessed = (likelihood, consequence)
        if change.action == ChangeAction.UPDATE and assessed == (
            before.get("likelihood"),
            before.get("consequence"),
        ):
            continue
        found[change.object_id].append(
            Reassessment(change.at, change.user_name, int(likelihood), int(consequence))
        )
    return found


def shown(value: Any) -> str:
    """A recorded value as a person reads it: dates dd.mm.yyyy, lists joined, yes/no."""
    from django.utils.dateparse import parse_date
    from django.utils.translation import gettext as _

    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("Ja") if value else _("Nei")
    if isinstance(value, list):
        return ", ".join(
            shown(v) if not isinstance(v, dict) else str(v.get("name") or v.get("text") or v)
            for v in value
        )
    if isinstance(value, str) and len(value) == 10:
        try:
            parsed = parse_date(value)
        except ValueError:
            parsed = None
        if parsed is not None:
            return format_date(parsed)
    return str(value)


def change_rows(changes: Iterable[Change]) -> list[tuple[Change, list[tuple[str, str, str]]]]:
    """Changes with what each altered, as (label, before, after) texts for a page."""
    return [
        (change, [(d.label, shown(d.before), shown(d.after)) for d in differences(change)])
        for change in changes
    ]
