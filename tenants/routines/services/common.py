"""Who may change routines, and the small checks every routine service shares.

Leaders approve, retire and record reviews; leaders, editors and consultants (until their
membership ends) write drafts, units and adoptions; viewers read. The role is read from
the user's current membership of the municipality (`active_membership`), so a consultant
whose engagement has ended is refused like anyone without a role.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from samla.accounts.access import active_membership
from samla.accounts.models import MunicipalityRole
from tenants.models import Municipality
from tenants.plans.services.engine import Errors, add_error
from tenants.routines.models import Unit

WRITERS = frozenset({MunicipalityRole.LEADER, MunicipalityRole.EDITOR, MunicipalityRole.CONSULTANT})
LEADERS = frozenset({MunicipalityRole.LEADER})


def has_role(tenant: Municipality, user: AbstractBaseUser, roles: frozenset[str]) -> bool:
    membership = active_membership(user, tenant)
    return membership is not None and membership.role in roles


def require_writer(tenant: Municipality, user: AbstractBaseUser) -> None:
    if not has_role(tenant, user, WRITERS):
        raise PermissionDenied(_("Du har ikke tilgang til å endre rutiner i denne kommunen."))


def require_leader(tenant: Municipality, user: AbstractBaseUser, message: str) -> None:
    if not has_role(tenant, user, LEADERS):
        raise PermissionDenied(message)


def parse_id(value: Any) -> int | None:
    """An id from a request value (an int, a digit string or a model), else None."""
    if isinstance(value, models.Model):
        return int(value.pk)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdecimal():
        return int(value.strip())
    return None


def unit_missing(ids: Iterable[Any]) -> str:
    return _("Enhet med id %(ids)s finnes ikke i denne kommunen.") % {
        "ids": ", ".join(str(i) for i in ids)
    }


def resolve_unit(value: Any, name: str, errors: Errors, *, required: bool = True) -> Unit | None:
    """One of this municipality's units by id, or an error under `name`."""
    if value in (None, ""):
        if required:
            add_error(errors, name, _("Velg en enhet."))
        return None
    pk = parse_id(value)
    if pk is None:
        add_error(errors, name, _("Oppgi enhetens id (et heltall)."))
        return None
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None:
        add_error(errors, name, unit_missing([pk]))
    return unit


def resolve_units(values: Any, name: str, errors: Errors) -> list[Unit]:
    """Several of this municipality's units by id (each once), or an error under `name`."""
    if values in (None, ""):
        return []
    if not isinstance(values, list | tuple):
        add_error(errors, name, _("Må være en liste med enhetenes id-er."))
        return []
    ids = [parse_id(value) for value in values]
    if any(pk is None for pk in ids):
        add_error(errors, name, _("Må være en liste med enhetenes id-er (heltall)."))
        return []
    wanted = list(dict.fromkeys(pk for pk in ids if pk is not None))
    found = {unit.pk: unit for unit in Unit.objects.filter(pk__in=wanted)}
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        add_error(errors, name, unit_missing(missing))
    return [found[pk] for pk in wanted if pk in found]


def read_date(
    value: Any, name: str, errors: Errors, *, required: bool = True
) -> datetime.date | None:
    """A date from a date or an ISO string (YYYY-MM-DD), not in the future; else an error."""
    if value in (None, ""):
        if required:
            add_error(errors, name, _("Oppgi en dato."))
        return None
    day: datetime.date | None
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        try:
            day = parse_date(str(value).strip())
        except ValueError:
            day = None
        if day is None:
            add_error(errors, name, _("Oppgi en gyldig dato på formen ÅÅÅÅ-MM-DD."))
            return None
    if day > timezone.localdate():
        add_error(errors, name, _("Datoen kan ikke være fram i tid."))
        return None
    return day
