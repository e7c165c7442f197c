"""The plan pages use the same number of queries for a small plan and a large one.

Given a plan filled to two sizes, the overview, the activity plan, the risk page and the
milestone list are read at both; the counts are pinned (each includes django-tenants'
SET search_path (once per schema), the session, the user and the membership).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.plans.models import Activity, BudgetLine, DecisionPoint, Milestone, Phase, Plan, Risk
from tests.conftest import client_for, host_of
from tests.plans.conftest import inside

D = datetime.date

PAGES = {
    "overview": ("/planer/{plan}/", 15),
    "gantt": ("/planer/{plan}/aktivitetsplan/", 10),
    "risks": ("/planer/{plan}/risikoer/", 8),
    "milestones": ("/planer/{plan}/milepaeler/", 8),
}


def fill(plan: Plan, n: int, prefix: str) -> None:
    """n milestones, decision points, activities, risks and budget lines; two phases."""
    months = [D(2018, 1 + i % 8, 1) for i in range(n)]
    Milestone.objects.bulk_create(
        Milestone(
            plan=plan, code=f"{prefix}X{i}", title=f"Milepæl {i}", due=months[i], status="planned"
        )
        for i in range(n)
    )
    DecisionPoint.objects.bulk_create(
        DecisionPoint(plan=plan, code=f"{prefix}Y{i}", title=f"BP {i}", due=months[i])
        for i in range(n)
    )
    activities = Activity.objects.bulk_create(
        Activity(
            plan=plan,
            code=f"{prefix}Z{i}",
            name=f"A {i}",
            start_month=months[i],
            end_month=D(2018, 8, 1),
        )
        for i in range(n)
    )
    milestones = list(plan.milestones.all()[:3])
    for activity in activities:
        activity.milestones.set(milestones)
    Risk.objects.bulk_create(
        Risk(plan=plan, title=f"Risiko {i}", likelihood=1 + i % 5, consequence=1 + i % 3)
        for i in range(n)
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(plan=plan, kind=("cost", "funding", "grant")[i % 3], label=f"Post {i}",
                   amount=Decimal("1000.50"), settled=i % 2 == 0)
        for i in range(n)
    )  # fmt: skip
    if not plan.phases.exists():
        Phase.objects.bulk_create(
            [
                Phase(plan=plan, order=1, name="Kartlegging"),
                Phase(plan=plan, order=2, name="Rutiner", is_current=True),
            ]
        )


def count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


@pytest.mark.parametrize("name", list(PAGES))
def test_page_queries_do_not_grow_with_rows(name, plan_a, nordre_land, leader_a):
    path, pinned = PAGES[name]
    path = path.format(plan=plan_a.pk)
    client = client_for(host_of(nordre_land), leader_a)
    client.get(path)  # warm: content types, translations

    # Given the seed plan with a few rows of each part
    with inside(nordre_land):
        fill(plan_a, 3, "S")
    small = count_queries(client, path)

    # When it grows by a hundred rows of each part
    with inside(nordre_land):
        fill(plan_a, 100, "L")
    large = count_queries(client, path)

    # Then the page asks the database the same number of times, the pinned number
    assert small == large == pinned, (small, large)
