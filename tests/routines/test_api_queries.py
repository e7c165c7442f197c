"""The routines API's lists use the same number of queries for few rows and for many.

Given Nordre Land's units and seed routines (3), then 27 more, each approved with units,
an adoption, a milestone, a measure and a draft of its next version; each list is read at
both sizes and its count pinned.
"""

from __future__ import annotations

import datetime

import pytest

from tenants.plans.models import Measure, Milestone, Plan
from tenants.routines.models import (
    Routine,
    RoutineReview,
    RoutineStatus,
    RoutineStep,
    RoutineVersion,
    Unit,
    UnitAdoption,
)
from tests.plans.conftest import api_as, inside

D = datetime.date
# Host lookup, token and knox's sweep, membership, then the rows and what they prefetch
# (versions' units, adoptions, milestones, measures), and django-tenants' two
# SET search_path.
MAX_QUERIES = 12


def fill(units, n: int) -> Routine:
    """n approved routines due for review, each with a draft, units, steps, an adoption,
    a review and links to a milestone and a measure; returns the last."""
    plan = Plan.objects.create(title="Plan", start=D(2017, 1, 1), end=D(2019, 1, 1))
    milestone = Milestone.objects.create(plan=plan, code="MP1", title="M", due=D(2018, 1, 1))
    measure = Measure.objects.create(plan=plan, text="Tiltak")
    owner, other = units["Barnehagene"], units["PPT"]
    routine = None
    for i in range(n):
        routine = Routine.objects.create(next_review=D(2019, 1, i + 1))
        current, draft = (
            RoutineVersion.objects.create(
                routine=routine, number=number, title=f"Rutine {i}", owner_unit=owner,
                bti_levels=[1], approved_on=approved,
                approved_by="Styringsgruppa" if approved else "",
            )
            for number, approved in ((1, D(2018, 1, 1)), (2, None))
        )  # fmt: skip
        for version in (current, draft):
            version.units.set([owner, other])
            RoutineStep.objects.create(
                routine_version=version, action="Gjør", responsible_unit=other
            )
        routine.current, routine.draft = current, draft
        routine.status = RoutineStatus.APPROVED
        routine.save()
        routine.milestones.set([milestone])
        routine.measures.set([measure])
        UnitAdoption.objects.create(routine=routine, unit=owner, adopted_on=D(2018, 2, 1))
        RoutineReview.objects.create(routine=routine, reviewed_on=D(2018, 6, 1), note="OK")
    assert routine is not None
    return routine


def queries_for(url: str, api, django_assert_max_num_queries) -> tuple[int, int]:
    with django_assert_max_num_queries(MAX_QUERIES) as captured:
        response = api.get(url)
    assert response.status_code == 200, response.content
    return len(captured), len(response.json())


@pytest.mark.parametrize("query", ["", "?status=approved", "?due=1&bti_level=1", "?unit={unit}"])
def test_the_routine_list_does_not_grow_with_rows(
    query, routines_a, units_a, leader_a, nordre_land, django_assert_max_num_queries
) -> None:
    api = api_as(leader_a, nordre_land)
    url = "/api/routines/" + query.format(unit=units_a["Barnehagene"].pk)
    few = queries_for(url, api, django_assert_max_num_queries)
    with inside(nordre_land):
        fill(units_a, 27)
    many = queries_for(url, api, django_assert_max_num_queries)
    assert many[1] > few[1] and many[1] >= 27
    assert few[0] == many[0]


def test_the_full_list_counts_3_then_30(
    routines_a, units_a, leader_a, nordre_land, django_assert_max_num_queries
) -> None:
    api = api_as(leader_a, nordre_land)
    few = queries_for("/api/routines/", api, django_assert_max_num_queries)
    with inside(nordre_land):
        fill(units_a, 27)
    many = queries_for("/api/routines/", api, django_assert_max_num_queries)
    assert (few[1], many[1]) == (3, 30)
    assert few[0] == many[0]
    due = queries_for("/api/routines/due/", api, django_assert_max_num_queries)
    assert due[1] == 29 and due[0] == few[0]


@pytest.mark.parametrize("tail", ["versions/", "adoptions/", "reviews/"])
def test_a_routines_lists_do_not_grow_with_rows(
    tail, routines_a, units_a, leader_a, nordre_land, django_assert_max_num_queries
) -> None:
    """Per routine: a list read for a routine with one row, then for one with many."""
    api = api_as(leader_a, nordre_land)
    with inside(nordre_land):
        small = fill(units_a, 1)
        large = fill(units_a, 1)
        others = [unit for name, unit in units_a.items() if name not in ("Barnehagene", "PPT")]
        for number in range(3, 8):
            RoutineVersion.objects.create(
                routine=large, number=number, title=f"V{number}", owner_unit=units_a["PPT"]
            )
        for unit in others:
            UnitAdoption.objects.create(routine=large, unit=unit, adopted_on=D(2018, 3, 1))
            RoutineReview.objects.create(routine=large, reviewed_on=D(2018, 7, 1))
    few = queries_for(f"/api/routines/{small.pk}/{tail}", api, django_assert_max_num_queries)
    many = queries_for(f"/api/routines/{large.pk}/{tail}", api, django_assert_max_num_queries)
    assert many[1] > few[1]
    assert few[0] == many[0]


def test_the_unit_list_does_not_grow(
    units_a, leader_a, nordre_land, django_assert_max_num_queries
) -> None:
    api = api_as(leader_a, nordre_land)
    few = queries_for("/api/units/", api, django_assert_max_num_queries)
    with inside(nordre_land):
        Unit.objects.bulk_create(Unit(name=f"Enhet {i}") for i in range(30))
    many = queries_for("/api/units/", api, django_assert_max_num_queries)
    assert (few[1], many[1]) == (8, 38)
    assert few[0] == many[0]
