"""The handbook's routines read once: approved routines and their versions in force."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from cms.models import CollaborationMethod
from tenants.models import Municipality
from tenants.routines.models import Routine, RoutineStatus, RoutineStep


@dataclass
class HandbookData:
    """What the handbook shows: the municipality, its approved routines (each with its
    `current` version, that version's owner unit, units and steps prefetched), the names
    of the collaboration methods by slug, and the day it is made."""

    municipality: Municipality
    routines: list[Routine]
    method_names: dict[str, str]
    today: datetime.date


def approved_routines() -> list[Routine]:
    """The approved routines with everything the handbook shows of their current version:
    three queries whatever the number of routines (call inside the municipality's schema).
    Drafts of a next version and retired routines are left out: the handbook is what is
    in force."""
    steps = RoutineStep.objects.select_related("responsible_unit").order_by("order", "id")
    return list(
        Routine.objects.filter(status=RoutineStatus.APPROVED, current__isnull=False)
        .select_related("current", "current__owner_unit")
        .prefetch_related("current__units", Prefetch("current__steps", queryset=steps))
        .order_by("id")
    )


def load_handbook(municipality: Municipality, today: datetime.date | None = None) -> HandbookData:
    """The handbook's data (call inside the municipality's schema; the method catalogue
    is read from the public schema, which the municipality's search path includes)."""
    routines = approved_routines()
    slugs = {slug for routine in routines if routine.current for slug in routine.current.methods}
    names = (
        dict(CollaborationMethod.objects.filter(slug__in=slugs).values_list("slug", "name"))
        if slugs
        else {}
    )
    return HandbookData(
        municipality=municipality,
        routines=routines,
        method_names=names,
        today=today or timezone.localdate(),
    )
