"""Bringing back a deleted part of a plan from its last snapshot in the history."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from tenants.models import Municipality
from tenants.plans import history
from tenants.plans.models import ChangeAction, Plan, Versioned
from tenants.plans.services.engine import (
    check_row_limit,
    check_text_limit,
    lock_plan,
    save,
    validate,
)


def _model_of(related: type[models.Model] | str | None) -> type[models.Model]:
    """A relation's model: a class once the apps are loaded (the stubs allow "self", None)."""
    if not isinstance(related, type):
        raise TypeError(f"unresolved related model: {related!r}")
    return related


def _row_from_snapshot(plan: Plan, model: type[Versioned], before: Mapping[str, Any]) -> Versioned:
    """An unsaved row with the snapshot's values; links to rows gone since are cleared."""
    obj = model(plan=plan)  # type: ignore[misc]  # every part has `plan`; Versioned does not
    for f in model._meta.concrete_fields:
        if f.name in history.NOT_RECORDED or f.generated or f.name == "plan":
            continue
        if f.attname in before:
            setattr(obj, f.attname, f.to_python(before[f.attname]))
        target = getattr(obj, f.attname, None)
        if f.is_relation and target is not None:
            related = _model_of(f.related_model)._default_manager
            if not related.filter(plan=plan, pk=target).exists():
                setattr(obj, f.attname, None)
    obj.version = int(before.get("version") or 0) + 1
    return obj


def restore_deleted(
    tenant: Municipality, plan: Plan, user: AbstractBaseUser, change_id: Any
) -> Versioned:
    """Bring a deleted part back as it was, with its links to rows that still exist.

    `change_id` names the deletion in the plan's history. The plan's rules apply as for a
    new row: a code taken since, or a date now outside the plan's period, refuses it.
    """
    # The registry names these services, so it is read when called, not when imported.
    from tenants.plans.registry import part_of_type

    with transaction.atomic():
        plan = lock_plan(tenant, plan)
        try:
            change = history.deleted_parts(plan).filter(pk=int(change_id)).first()
        except (TypeError, ValueError):
            change = None
        if change is None:
            raise ValidationError(
                {"change": [_("Fant ingen slettet del av planen med denne endringen.")]}
            )
        rules = part_of_type(change.object_type).rules
        if rules.model._default_manager.filter(pk=change.object_id).exists():
            raise ValidationError({"change": [_("Denne delen er allerede gjenopprettet.")]})
        check_row_limit(plan, rules.model)
        before = change.before or {}
        obj = _row_from_snapshot(plan, rules.model, before)
        validate(plan, obj, rules, {})
        if rules.before_save is not None:
            rules.before_save(plan, obj, user)
        save(obj)
        check_text_limit(plan)
        for name in history.many_to_many_names(rules.model):
            related = _model_of(rules.model._meta.get_field(name).related_model)
            ids = before.get(name) or []
            getattr(obj, name).set(related._default_manager.filter(plan=plan, pk__in=ids))
        history.record(obj, user, ChangeAction.RESTORE, after=history.snapshot(obj))
        return obj
