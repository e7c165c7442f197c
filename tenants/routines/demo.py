"""The demo's units and routines: Nordre Land's, Nesseby's 0–24 routines and Larvik's BTI.

Built from the seed routines in `tenants/routines/seeds.py` through the services, so the
demo holds every rule a user's edit would: each routine written as a draft, approved when
its seed says so, taken into use by the units its seed names, and reviewed when the seed
says when the next review falls (counted from today, so that the demo always has
routines in order, due soon and overdue). Idempotent: units are found by name and
routines by title, and what is already there is left alone.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django_tenants.utils import tenant_context

from networks.library.demo import demo_library
from samla.accounts.models import User
from samla.dates import add_months
from tenants.models import Municipality
from tenants.routines import services
from tenants.routines.models import Routine, RoutineVersion, Unit
from tenants.routines.seeds import ROUTINE_SEEDS, build_routines, build_units

# How long after its approval a unit that adopted a seed routine took it into use.
ADOPTED_AFTER = datetime.timedelta(days=14)


def load_demo_routines(today: datetime.date | None = None) -> dict[str, list[Routine]]:
    """Each demo municipality's seed routines, by the municipality's demo leader
    (`leder.<slug>`); a municipality or leader not there is skipped. Returns the
    routines made now, by slug (nothing for a municipality loaded before)."""
    made: dict[str, list[Routine]] = {}
    for slug, (unit_specs, routine_specs) in ROUTINE_SEEDS.items():
        municipality = Municipality.objects.filter(slug=slug).first()
        leader = User.objects.filter(username=f"leder.{slug}").first()
        if municipality is None or leader is None:
            continue
        made[slug] = load_routines(municipality, leader, unit_specs, routine_specs, today)
    # The network library's part of the demo is called here, once every municipality's
    # own routines exist: Nesseby's approved routines shared to the Finnmark 0–24
    # network's library, and one of them adopted by another member municipality.
    demo_library()
    return made


def load_routines(
    municipality: Municipality,
    leader: User,
    unit_specs: list[dict[str, Any]],
    routine_specs: list[dict[str, Any]],
    today: datetime.date | None = None,
) -> list[Routine]:
    """The units and routines of the specs that the municipality does not have yet (a
    routine is known by the title of any of its versions), with their adoptions and
    reviews. `leader` must lead the municipality."""
    today = today or timezone.localdate()
    with tenant_context(municipality):
        units = build_units(municipality, leader, unit_specs)
        known = set(RoutineVersion.objects.values_list("title", flat=True))
        specs = [spec for spec in routine_specs if spec["title"] not in known]
        routines = build_routines(municipality, leader, units, specs)
        return [
            _follow_up(municipality, leader, units, spec, routine, today)
            for spec, routine in zip(specs, routines, strict=True)
        ]


def _follow_up(
    municipality: Municipality,
    leader: User,
    units: dict[str, Unit],
    spec: dict[str, Any],
    routine: Routine,
    today: datetime.date,
) -> Routine:
    """The units' adoption and a review, where the seed gives them (approved routines)."""
    if spec["approved_on"] is None:
        return routine
    adopted_on = min(spec["approved_on"] + ADOPTED_AFTER, today)
    for name in spec.get("adopted_by", ()):
        services.record_unit_adoption(
            municipality, leader, routine, unit=units[name].pk, adopted_on=adopted_on
        )
    due_in = spec.get("review_due_in_days")
    if due_in is not None:
        routine = Routine.objects.select_related("current").get(pk=routine.pk)
        assert routine.current is not None
        interval = routine.current.review_interval_months
        due = today + datetime.timedelta(days=due_in)
        services.record_review(
            municipality,
            leader,
            routine,
            version=routine.version,
            reviewed_on=max(add_months(due, -interval), spec["approved_on"]),
            note="Gjennomgått i arbeidsgruppa; rutinen fungerer etter hensikten.",
        )
    return Routine.objects.get(pk=routine.pk)
