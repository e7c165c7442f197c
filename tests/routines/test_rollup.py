"""The routines' figures in the roll-up: approved, in use in every unit, overdue for review.

Given Nordre Land's seed routines (two approved in 2018, so both overdue today; one draft),
the municipality's roll-up row carries the three figures, and they move as routines are
approved, adopted by their units and reviewed; one query computes them however many
routines there are, and the comparison reads them from the registry like the plans'.
"""

from __future__ import annotations

import datetime

from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from networks.comparison import sort_keys
from networks.figures import FIGURES, Better, compute_figures
from networks.models import ProgressSnapshot
from networks.rollup import refresh_snapshot
from tenants.db import connection
from tenants.routines import services
from tenants.routines.figures import routine_figures
from tenants.routines.models import Routine, RoutineStatus
from tenants.routines.seeds import build_nordre_land_routines
from tests.plans.conftest import inside

TODAY = timezone.localdate()
KEYS = ("routines_approved", "routines_in_use", "routines_review_overdue")


def _figures(municipality) -> dict[str, int]:
    with inside(municipality):
        figures = refresh_snapshot(municipality, TODAY)
    row = ProgressSnapshot.objects.get(municipality=municipality, date=TODAY)
    assert {key: row.figures[key] for key in KEYS} == {key: figures[key] for key in KEYS}
    return {key: row.figures[key] for key in KEYS}


def test_the_three_figures_are_in_the_registry_with_labels():
    assert set(KEYS) <= set(FIGURES)
    assert str(FIGURES["routines_approved"].label) == "Samhandlingsrutiner godkjent"
    assert FIGURES["routines_review_overdue"].better is Better.LOWER
    # The comparison sorts by them like by any other figure (it reads the registry).
    assert set(KEYS) <= set(sort_keys())


def test_the_row_counts_approved_in_use_and_overdue(
    routines_a, units_a, nordre_land, leader_a, editor_a
) -> None:
    # Given the seed: two approved (2018, due long ago), one draft, no unit adoption
    assert _figures(nordre_land) == {
        "routines_approved": 2,
        "routines_in_use": 0,
        "routines_review_overdue": 2,
    }
    first = next(r for r in routines_a if r.status == RoutineStatus.APPROVED)
    draft = next(r for r in routines_a if r.status == RoutineStatus.DRAFT)
    with inside(nordre_land):
        # When every unit but one of the first routine adopts it, it is not yet in use
        assert first.current is not None
        units = list(first.current.units.order_by("id"))
        assert len(units) == 3
        for unit in units[:-1]:
            services.record_unit_adoption(
                nordre_land, editor_a, first, unit=unit.pk, adopted_on=TODAY
            )
    assert _figures(nordre_land)["routines_in_use"] == 0
    with inside(nordre_land):
        # When the last one adopts it, it is
        services.record_unit_adoption(
            nordre_land, editor_a, first, unit=units[-1].pk, adopted_on=TODAY
        )
    assert _figures(nordre_land)["routines_in_use"] == 1
    with inside(nordre_land):
        # When the first is reviewed today, it is no longer overdue
        first = Routine.objects.get(pk=first.pk)
        services.record_review(
            nordre_land, leader_a, first, version=first.version, reviewed_on=TODAY
        )
        # and the draft is approved today (due a year on: not overdue)
        draft = Routine.objects.get(pk=draft.pk)
        services.approve_routine(
            nordre_land,
            leader_a,
            draft,
            version=draft.version,
            approved_on=TODAY,
            approved_by="Kommunalsjefen",
        )
    assert _figures(nordre_land) == {
        "routines_approved": 3,
        "routines_in_use": 1,
        "routines_review_overdue": 1,
    }
    with inside(nordre_land):
        # When the in-use routine is retired, it counts in none of them
        first = Routine.objects.get(pk=first.pk)
        services.retire_routine(
            nordre_land, leader_a, first, version=first.version, retired_on=TODAY
        )
    assert _figures(nordre_land) == {
        "routines_approved": 2,
        "routines_in_use": 0,
        "routines_review_overdue": 1,
    }


def test_a_municipality_without_routines_counts_zero(nesseby) -> None:
    with inside(nesseby):
        figures = compute_figures(TODAY)
    assert {key: figures[key] for key in KEYS} == dict.fromkeys(KEYS, 0)


def test_an_adoption_commits_a_refreshed_row(
    routines_a, nordre_land, editor_a, django_capture_on_commit_callbacks
) -> None:
    # Given a routine with one unit left to adopt it
    routine = next(r for r in routines_a if r.status == RoutineStatus.APPROVED)
    with inside(nordre_land):
        assert routine.current is not None
        units = list(routine.current.units.order_by("id"))
        for unit in units[:-1]:
            services.record_unit_adoption(
                nordre_land, editor_a, routine, unit=unit.pk, adopted_on=TODAY
            )
    # When the last adoption commits (the roll-up refreshes on commit, eagerly here)
    with django_capture_on_commit_callbacks(execute=True), inside(nordre_land):
        services.record_unit_adoption(
            nordre_land, editor_a, routine, unit=units[-1].pk, adopted_on=TODAY
        )
    # Then today's row says one routine is in use
    row = ProgressSnapshot.objects.get(municipality=nordre_land, date=TODAY)
    assert row.figures["routines_in_use"] == 1


def test_one_query_whatever_the_routines(routines_a, nordre_land, leader_a) -> None:
    def reads() -> int:
        with inside(nordre_land), CaptureQueriesContext(connection) as captured:
            routine_figures(TODAY + datetime.timedelta(days=1))
        return len([q for q in captured.captured_queries if not q["sql"].startswith("SET ")])

    few = reads()
    with inside(nordre_land):
        build_nordre_land_routines(nordre_land, leader_a)  # the seed's routines again
        assert Routine.objects.filter(status=RoutineStatus.APPROVED).count() == 4
    assert few == reads() == 1
