"""The municipality's units: create, change, delete (refused while a routine names one)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from tenants.models import Municipality
from tenants.plans.services.engine import (
    Errors,
    add_error,
    clean_fields,
    constraint_name,
    lock_current,
    raise_if,
)
from tenants.routines.models import RoutineStep, RoutineVersion, Unit
from tenants.routines.services.common import require_writer

logger = logging.getLogger(__name__)

UNIT_FIELDS = frozenset({"name", "kind", "leader_name", "email", "order"})
MAX_UNITS = 500
# Constraint backstops by name (a race past the service's own check).
CONSTRAINT_FIELDS = {"routines_unit_name_unique": "name"}


def save_checked(obj: models.Model, fields: Mapping[str, str]) -> None:
    """Save; a known constraint (by name) becomes a field error, any other is a server error."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        name = constraint_name(exc)
        if name is None or name not in fields:
            logger.error("Unexpected integrity error saving %s (%s)", type(obj).__name__, name)
            raise
        raise ValidationError(
            {fields[name]: [_("Endringen bryter en regel og ble ikke lagret.")]}
        ) from exc


def _apply(unit: Unit, data: Mapping[str, Any], errors: Errors) -> None:
    unknown = set(data) - UNIT_FIELDS
    if unknown:
        raise TypeError(f"Unit cannot change {sorted(unknown)}")
    for name, value in data.items():
        setattr(unit, name, value.strip() if isinstance(value, str) else value)
    clean_fields(unit, UNIT_FIELDS, errors)
    if not errors.get("name"):
        others = Unit.objects.filter(name__iexact=unit.name)
        if unit.pk:
            others = others.exclude(pk=unit.pk)
        if others.exists():
            add_error(
                errors, "name", _("Kommunen har allerede en enhet som heter «%(name)s».")
                % {"name": unit.name},
            )  # fmt: skip
    raise_if(errors)


def create_unit(tenant: Municipality, user: AbstractBaseUser, data: Mapping[str, Any]) -> Unit:
    require_writer(tenant, user)
    with transaction.atomic():
        if Unit.objects.count() >= MAX_UNITS:
            raise ValidationError(
                {"__all__": [_("Kommunen kan ha høyst %(count)d enheter.") % {"count": MAX_UNITS}]}
            )
        unit = Unit()
        _apply(unit, data, {})
        save_checked(unit, CONSTRAINT_FIELDS)
        return unit


def update_unit(
    tenant: Municipality,
    user: AbstractBaseUser,
    unit: Unit,
    data: Mapping[str, Any],
    *,
    version: int | None,
) -> Unit:
    require_writer(tenant, user)
    with transaction.atomic():
        current = lock_current(unit, version)
        _apply(current, data, {})
        current.version += 1
        save_checked(current, CONSTRAINT_FIELDS)
        return current


def unit_in_use(unit: Unit) -> bool:
    """Whether any version of any routine names the unit (as owner, unit or in a step)."""
    return (
        RoutineVersion.objects.filter(models.Q(owner_unit=unit) | models.Q(units=unit)).exists()
        or RoutineStep.objects.filter(responsible_unit=unit).exists()
    )


def delete_unit(tenant: Municipality, user: AbstractBaseUser, unit: Unit) -> None:
    """Delete a unit no routine version names; every version must stay readable."""
    require_writer(tenant, user)
    with transaction.atomic():
        locked = Unit.objects.select_for_update().get(pk=unit.pk)
        if unit_in_use(locked):
            raise ValidationError(
                {
                    "__all__": [
                        _(
                            "Enheten «%(name)s» er brukt i en rutine og kan ikke slettes. "
                            "Endre rutinene først."
                        )
                        % {"name": locked.name}
                    ]
                }
            )
        locked.delete()
