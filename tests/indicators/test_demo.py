"""The demo's indicators load through the CSV import, and loading them again changes nothing."""

from __future__ import annotations

import pytest

from networks.indicators.demo import DEMO_INDICATORS, load_demo_indicators
from networks.indicators.models import IndicatorValue
from tests.indicators.conftest import bare_municipality

pytestmark = pytest.mark.django_db

OTHERS = {"3805": "larvik", "5006": "steinkjer", "5052": "leka", "1811": "bindal"}
OTHERS |= {"5050": "vikna", "5051": "naeroy"}


def test_the_demo_indicators_load_once(operator):
    for number, slug in OTHERS.items():
        bare_municipality(f"demo-{slug}", number)
    indicators = load_demo_indicators(operator)
    assert [i.source_key for i in indicators] == [d.source_key for d in DEMO_INDICATORS]
    # eight municipalities, six years, three values marked missing
    assert IndicatorValue.objects.count() == 3 * 8 * 6 - 3
    stamps = set(IndicatorValue.objects.values_list("updated_at", flat=True))
    assert load_demo_indicators(operator) == indicators
    assert set(IndicatorValue.objects.values_list("updated_at", flat=True)) == stamps


def test_the_demo_goal_links_an_indicator_through_the_service(
    nordre_land, leader_a, barnevern, operator
):
    from django_tenants.utils import tenant_context

    from networks.indicators import services
    from networks.indicators.demo import link_demo_goal
    from tenants.plans.models import Change, Goal
    from tests.indicators.conftest import fixture_text
    from tests.plans.seeds import build_nordre_land_plan

    services.import_csv(operator, barnevern, fixture_text("kostra_barnevern.csv"))
    with tenant_context(nordre_land):
        build_nordre_land_plan(nordre_land, leader_a)
    goal = link_demo_goal(nordre_land, leader_a, barnevern)
    assert goal is not None
    with tenant_context(nordre_land):
        linked = Goal.objects.get(pk=goal.pk)
        assert linked.indicator_id == barnevern.pk
        assert (str(linked.baseline), str(linked.target)) == ("4.10", "3.60")  # 2021: 4,1
        assert str(linked.current_value) == "3.5"
        assert Change.objects.filter(object_type="goal", object_id=goal.pk).exists()
    assert link_demo_goal(nordre_land, leader_a, barnevern) is None  # once
