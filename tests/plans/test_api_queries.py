"""List endpoints use the same number of queries for few rows and for many.

Given a plan filled to two sizes, each list endpoint is read at both; the count is pinned.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tenants.plans.models import (
    Activity,
    Body,
    BodyMember,
    BudgetLine,
    DecisionPoint,
    Goal,
    Measure,
    Meeting,
    MeetingSeries,
    Milestone,
    Phase,
    Plan,
    Risk,
    StatusReport,
    SuccessFactor,
)
from tenants.plans.registry import PARTS
from tests.plans.conftest import api_as, inside

D = datetime.date
# Host lookup, token and knox's expired-token sweep, membership, plan, the rows, and one
# per prefetched relation: 7 at most, and django-tenants' two SET search_path (public for
# the host lookup, then the municipality's schema: TENANT_LIMIT_SET_CALLS).
MAX_QUERIES = 9


def fill(plan: Plan, n: int) -> None:
    """n rows of every part, each linked to others where the part has links."""
    milestones = Milestone.objects.bulk_create(
        Milestone(plan=plan, code=f"MP{i}", title=f"Milepæl {i}", due=D(2018, 1, 1))
        for i in range(n)
    )
    goals = Goal.objects.bulk_create(
        Goal(plan=plan, level="work", text=f"Mål {i}") for i in range(n)
    )
    risks = Risk.objects.bulk_create(
        Risk(plan=plan, title=f"Risiko {i}", likelihood=1 + i % 5, consequence=2) for i in range(n)
    )
    Goal.objects.filter(pk__in=[g.pk for g in goals[1:]]).update(parent=goals[0])
    Phase.objects.bulk_create(Phase(plan=plan, order=i, name=f"Fase {i}") for i in range(n))
    DecisionPoint.objects.bulk_create(
        DecisionPoint(plan=plan, code=f"BP{i}", title=f"BP {i}", due=D(2018, 1, 1))
        for i in range(n)
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(plan=plan, kind="cost", label=f"Post {i}", amount=Decimal("1000.50"))
        for i in range(n)
    )
    StatusReport.objects.bulk_create(StatusReport(plan=plan, date=D(2018, 1, 1)) for _ in range(n))
    for i in range(n):
        activity = Activity.objects.create(
            plan=plan, code=f"HA{i}", name=f"A {i}", start_month=D(2018, 1, 1),
            end_month=D(2018, 2, 1),
        )  # fmt: skip
        activity.milestones.set(milestones[:3])
        Measure.objects.create(plan=plan, text=f"Tiltak {i}").goals.set(goals[:2])
        SuccessFactor.objects.create(plan=plan, text=f"KSF {i}", sub_points=["a"]).risks.set(
            risks[:2]
        )
        body = Body.objects.create(plan=plan, kind="working", name=f"Gruppe {i}")
        BodyMember.objects.bulk_create(BodyMember(body=body, name=f"M {j}") for j in range(3))
        series = MeetingSeries.objects.create(plan=plan, body=body, name=f"Serie {i}")
        Meeting.objects.create(
            plan=plan, series=series, body=body, title=f"Møte {i}", held_on=D(2018, 1, 1),
            actions=[{"text": "Gjøre", "owner": "PL", "due": "2018-02-01", "done": False}],
        )  # fmt: skip


LISTS = [part.api_slug for part in PARTS]


def queries_for(url: str, api, django_assert_max_num_queries) -> tuple[int, int]:
    with django_assert_max_num_queries(MAX_QUERIES) as captured:
        response = api.get(url)
    assert response.status_code == 200
    return len(captured), len(response.json())


@pytest.mark.parametrize("part", LISTS)
def test_list_queries_do_not_grow_with_rows(
    part, nordre_land, leader_a, django_assert_max_num_queries
) -> None:
    api = api_as(leader_a, nordre_land)
    with inside(nordre_land):
        small = Plan.objects.create(title="Liten", start=D(2017, 1, 1), end=D(2019, 1, 1))
        large = Plan.objects.create(title="Stor", start=D(2017, 1, 1), end=D(2019, 1, 1))
        fill(small, 2)
        fill(large, 30)

    few = queries_for(f"/api/plans/{small.pk}/{part}/", api, django_assert_max_num_queries)
    many = queries_for(f"/api/plans/{large.pk}/{part}/", api, django_assert_max_num_queries)

    assert (few[1], many[1]) == (2, 30)
    assert few[0] == many[0]


def test_plan_list_queries_do_not_grow(nordre_land, leader_a, django_assert_max_num_queries):
    api = api_as(leader_a, nordre_land)
    with inside(nordre_land):
        Plan.objects.create(title="Første", start=D(2017, 1, 1), end=D(2019, 1, 1))
    few = queries_for("/api/plans/", api, django_assert_max_num_queries)
    with inside(nordre_land):
        Plan.objects.bulk_create(
            Plan(title=f"Plan {i}", start=D(2017, 1, 1), end=D(2019, 1, 1)) for i in range(30)
        )
    many = queries_for("/api/plans/", api, django_assert_max_num_queries)
    assert (few[1], many[1]) == (1, 31)
    assert few[0] == many[0]
