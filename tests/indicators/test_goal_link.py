"""A goal that links an indicator: its current value is the indicator's latest value for
the municipality (one source of truth), read in the same query as the goals.

Given Nordre Land's and Nesseby's values of an indicator (Nordre Land's latest is 3,5 for
2023): Nordre Land's goal shows 3,5 from 2023 whatever its own `current` says, keeps its
baseline and target, and never shows Nesseby's values; a goal without an indicator shows
its own `current`; a page of goals costs one query however many link indicators.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from networks.indicators import services
from tenants.db import connection
from tenants.plans.models import Goal, GoalLevel
from tests.conftest import client_for, host_of
from tests.indicators.conftest import fixture_text
from tests.networks.conftest import municipality_api
from tests.plans.seeds import build_nordre_land_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(nordre_land, leader_a, barnevern, operator):
    services.import_csv(operator, barnevern, fixture_text("kostra_barnevern.csv"))
    with tenant_context(nordre_land):
        return build_nordre_land_plan(nordre_land, leader_a)


def reads(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith("SET ")]


def test_the_goal_shows_the_indicators_latest_value(plan, nordre_land, barnevern):
    with tenant_context(nordre_land):
        made = Goal.objects.create(
            plan=plan, level=GoalLevel.OUTCOME, text="Færre barn med tiltak",
            indicator=barnevern, baseline=Decimal("4.1"), target=Decimal("3"),
            current=Decimal("9"),
        )  # fmt: skip
        goal = Goal.objects.get(pk=made.pk)
        assert (goal.indicator_value, goal.indicator_period) == (Decimal("3.5"), "2023")
        assert goal.current_value == Decimal("3.5")
        assert (goal.baseline, goal.target, goal.current) == (
            Decimal("4.1"),
            Decimal(3),
            Decimal(9),
        )
        # a goal made in memory reads it when asked
        assert made.current_value == Decimal("3.5")
        plain = Goal.objects.filter(plan=plan, indicator=None).first()
        assert plain is not None and plain.current_value == plain.current


def test_another_municipalitys_values_never_show(plan, nordre_land, nesseby, barnevern, operator):
    header = '"region";"år";"verdi"\n'
    services.import_csv(operator, barnevern, header + '"5636 Nesseby";"2030";1\n')
    with tenant_context(nordre_land):
        goal = Goal.objects.create(
            plan=plan, level=GoalLevel.OUTCOME, text="Mål", indicator=barnevern
        )
        assert Goal.objects.get(pk=goal.pk).indicator_period == "2023"


def test_a_page_of_goals_costs_one_query(plan, nordre_land, barnevern):
    with tenant_context(nordre_land):
        for index in range(20):
            Goal.objects.create(
                plan=plan, level=GoalLevel.WORK, text=f"Mål {index}", indicator=barnevern
            )
        with CaptureQueriesContext(connection) as captured:
            values = {g.current_value for g in Goal.objects.filter(plan=plan, indicator=barnevern)}
    assert values == {Decimal("3.5")}
    assert len(reads(captured)) == 1


# Through the plans API and pages on the municipality's host -------------------------------


def goal_url(plan, goal=None) -> str:
    base = f"/api/plans/{plan.pk}/goals/"
    return base if goal is None else f"{base}{goal['id']}/"


def test_the_api_links_an_indicator_and_shows_its_latest_value(
    plan, nordre_land, leader_a, barnevern
):
    client = municipality_api(leader_a, nordre_land)
    goal = client.get(goal_url(plan)).json()[0]
    assert goal["indicator"] is None and goal["indicator_value"] is None
    linked = client.patch(
        goal_url(plan, goal), {"indicator": barnevern.pk, "version": goal["version"]}
    )
    assert linked.status_code == 200, linked.json()
    body = linked.json()
    assert (body["indicator"], body["indicator_value"], body["indicator_period"]) == (
        barnevern.pk, "3.5000", "2023",
    )  # fmt: skip
    assert body["current"] == goal["current"]  # the goal's own field is kept
    listed = {g["id"]: g for g in client.get(goal_url(plan)).json()}
    assert listed[goal["id"]]["indicator_value"] == "3.5000"


def test_an_unknown_indicator_is_400_with_nothing_written(plan, nordre_land, leader_a):
    client = municipality_api(leader_a, nordre_land)
    goal = client.get(goal_url(plan)).json()[0]
    refused = client.patch(goal_url(plan, goal), {"indicator": 999999, "version": goal["version"]})
    assert refused.status_code == 400
    assert refused.json()["indicator"] == ["Indikatoren med id 999999 finnes ikke."]
    assert client.get(goal_url(plan, goal)).json()["version"] == goal["version"]


def test_the_goal_list_costs_the_same_with_more_linked_goals(
    plan, nordre_land, leader_a, barnevern
):
    client = municipality_api(leader_a, nordre_land)
    client.get(goal_url(plan))
    with CaptureQueriesContext(connection) as few:
        client.get(goal_url(plan))
    with tenant_context(nordre_land):
        Goal.objects.filter(plan=plan).update(indicator=barnevern)
    connection.set_schema_to_public()
    with CaptureQueriesContext(connection) as many:
        goals = client.get(goal_url(plan)).json()
    assert {g["indicator_value"] for g in goals} == {"3.5000"}
    assert len(many) == len(few)


def test_the_goals_page_shows_the_indicators_value(plan, nordre_land, leader_a, barnevern):
    with tenant_context(nordre_land):
        goal = Goal.objects.filter(plan=plan).first()
        Goal.objects.filter(pk=goal.pk).update(indicator=barnevern, current=Decimal("9"))
    connection.set_schema_to_public()
    page = client_for(host_of(nordre_land), leader_a).get(f"/planer/{plan.pk}/maal/")
    assert page.status_code == 200
    assert "(nå 3,5 · 2023)" in page.content.decode()


def test_the_plan_documents_show_the_indicators_value(plan, nordre_land, barnevern):
    from tenants.plans.documents.chapters import _indicator
    from tenants.plans.documents.outline import load_plan
    from tenants.plans.documents.sheets import plan_sheets

    with tenant_context(nordre_land):
        goal = Goal.objects.filter(plan=plan).first()
        Goal.objects.filter(pk=goal.pk).update(indicator=barnevern, current=Decimal("9"))
        data = load_plan(plan)
        goals_sheet = next(sheet for sheet in plan_sheets(data) if sheet.name == "Mål")
        linked_goal = next(g for g in data.goals if g.pk == goal.pk)
        # Word and PDF: the goal's indicator cell; the spreadsheet: its «Nåverdi» column
        assert "nå 3,5" in _indicator(linked_goal) and "nå 9" not in _indicator(linked_goal)
    linked = next(row for row in goals_sheet.rows if row[1] == goal.text)
    assert Decimal("3.5") in linked and Decimal("9") not in linked
