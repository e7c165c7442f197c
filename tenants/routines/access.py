"""Look units, routines and their versions up inside the current municipality, or 404.

django-tenants has switched to the municipality's schema and the access layer has checked
the user's membership; a guessed id, or one of another routine, answers the same 404 as
one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from tenants.routines.models import Routine, RoutineVersion, Unit, UnitAdoption


def _pk(value: Any) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk < 2**63:
        raise Http404
    return pk


def get_unit_for(pk: Any) -> Unit:
    unit = Unit.objects.filter(pk=_pk(pk)).first()
    if unit is None:
        raise Http404
    return unit


def get_routine_for(pk: Any) -> Routine:
    routine = Routine.objects.listed().filter(pk=_pk(pk)).first()
    if routine is None:
        raise Http404
    return routine


def get_version_for(routine: Routine, number: Any) -> RoutineVersion:
    """A version of this routine by its number (1, 2, …)."""
    version = (
        RoutineVersion.objects.select_related("owner_unit")
        .prefetch_related("units", "steps__responsible_unit")
        .filter(routine=routine, number=_pk(number))
        .first()
    )
    if version is None:
        raise Http404
    return version


def get_adoption_for(routine: Routine, pk: Any) -> UnitAdoption:
    adoption = (
        UnitAdoption.objects.select_related("unit").filter(routine=routine, pk=_pk(pk)).first()
    )
    if adoption is None:
        raise Http404
    return adoption
