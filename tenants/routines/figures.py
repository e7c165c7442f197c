"""The routines' figures in the roll-up: approved, in use in every unit, overdue for review.

Declared into the registry of `networks.figures` (imported by the routines app's
`ready()`, so they are there wherever the registry is read) with one source: a single
aggregate over the routines, whatever their number. A routine counts as in use when every
unit its version in force names has adopted it (the rule of
`tenants.routines.services.adoption.in_use`); one naming no unit is not in use.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from networks.figures import Better, Figure, Unit, Values, declare
from tenants.routines.models import Routine, RoutineStatus, RoutineVersion, UnitAdoption


def in_use_condition() -> Q:
    """True for a routine whose version in force names units, all of which adopted it."""
    version_units = RoutineVersion.units.through.objects.filter(
        routineversion_id=OuterRef("current_id")
    )
    adopted = UnitAdoption.objects.filter(
        routine_id=OuterRef(OuterRef("pk")), unit_id=OuterRef("unit_id")
    )
    return Q(Exists(version_units)) & ~Q(Exists(version_units.filter(~Exists(adopted))))


def routine_figures(today: datetime.date) -> Values:
    approved = Q(status=RoutineStatus.APPROVED)
    return Routine.objects.aggregate(
        routines_approved=Count("id", filter=approved),
        routines_in_use=Count("id", filter=approved & in_use_condition()),
        routines_review_overdue=Count("id", filter=approved & Q(next_review__lt=today)),
    )


declare(
    Figure(
        "routines_approved",
        _("Samhandlingsrutiner godkjent"),
        Unit.COUNT,
        Better.HIGHER,
        routine_figures,
    ),
    Figure(
        "routines_in_use",
        _("Rutiner tatt i bruk i alle enhetene"),
        Unit.COUNT,
        Better.HIGHER,
        routine_figures,
    ),
    Figure(
        "routines_review_overdue",
        _("Rutiner på overtid for gjennomgang"),
        Unit.COUNT,
        Better.LOWER,
        routine_figures,
    ),
)
