"""Which units have taken an approved routine into use, and when they last confirmed it.

A routine is in use when every unit its version in force names has adopted it
(`in_use`). Adoption belongs to the routine, not to one version: a new version does not
make units adopt again, but they confirm use as the review asks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from networks.refresh import progress_changed
from tenants.models import Municipality
from tenants.plans.services.engine import Errors, add_error, lock_current, raise_if
from tenants.routines.models import Routine, RoutineStatus, UnitAdoption
from tenants.routines.services.common import read_date, require_writer, resolve_unit


def in_use(unit_ids: Iterable[int], adopted_unit_ids: Iterable[int]) -> bool:
    """Whether every unit of the routine has adopted it (a routine naming no unit is not)."""
    wanted = set(unit_ids)
    return bool(wanted) and wanted <= set(adopted_unit_ids)


def record_unit_adoption(
    tenant: Municipality,
    user: AbstractBaseUser,
    routine: Routine,
    *,
    unit: Any,
    adopted_on: Any,
    confirmed_on: Any = None,
) -> UnitAdoption:
    """Record that one of the routine's units took it into use."""
    require_writer(tenant, user)
    with transaction.atomic():
        routine = (
            Routine.objects.select_for_update(of=("self",))
            .select_related("current")
            .get(pk=routine.pk)
        )
        errors: Errors = {}
        if routine.status != RoutineStatus.APPROVED or routine.current is None:
            add_error(errors, "__all__", _("Bare en godkjent rutine kan tas i bruk."))
        found = resolve_unit(unit, "unit", errors)
        if found is not None and routine.current is not None:
            if not routine.current.units.filter(pk=found.pk).exists():
                add_error(errors, "unit", _("Enheten er ikke med i denne rutinen."))
            elif UnitAdoption.objects.filter(routine=routine, unit=found).exists():
                add_error(errors, "unit", _("Enheten har allerede tatt rutinen i bruk."))
        adopted = read_date(adopted_on, "adopted_on", errors)
        confirmed = read_date(confirmed_on, "confirmed_on", errors, required=False)
        if adopted and confirmed and confirmed < adopted:
            add_error(errors, "confirmed_on", _("Bekreftet dato kan ikke være før innføringen."))
        raise_if(errors)
        assert found is not None and adopted is not None
        adoption = UnitAdoption.objects.create(
            routine=routine, unit=found, adopted_on=adopted, confirmed_on=confirmed
        )
        progress_changed(tenant)
        return adoption


def confirm_unit_use(
    tenant: Municipality,
    user: AbstractBaseUser,
    adoption: UnitAdoption,
    *,
    version: int | None,
    confirmed_on: Any,
) -> UnitAdoption:
    """Record that the unit still uses the routine (as a review asks)."""
    require_writer(tenant, user)
    with transaction.atomic():
        current = lock_current(adoption, version)
        errors: Errors = {}
        confirmed = read_date(confirmed_on, "confirmed_on", errors)
        if confirmed is not None and confirmed < current.adopted_on:
            add_error(errors, "confirmed_on", _("Bekreftet dato kan ikke være før innføringen."))
        raise_if(errors)
        current.confirmed_on = confirmed
        current.version += 1
        current.save()
        progress_changed(tenant)
        return current


def remove_unit_adoption(
    tenant: Municipality, user: AbstractBaseUser, adoption: UnitAdoption
) -> None:
    """Undo a recorded adoption (recorded by mistake, or the unit stopped using it)."""
    require_writer(tenant, user)
    with transaction.atomic():
        if not UnitAdoption.objects.filter(pk=adoption.pk).exists():
            raise ValidationError({"__all__": [_("Innføringen finnes ikke lenger.")]})
        adoption.delete()
        progress_changed(tenant)
