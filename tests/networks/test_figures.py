"""The progress figures, computed in a municipality's schema from the seed plans.

Given the seed plans as the tests build them (seed dates, every part still planned), and
the Nesseby seed run mid-way to today (as the demo loads it), the registry's figures say
what a coordinator would count by hand; a few bounded queries compute them, however
large the plans; an unknown figure or a wrong type is refused before it is stored.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import pytest
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from networks.figures import FIGURES, HIGH_RISK_SCORE, compute_figures, validate_figures
from tenants.db import connection
from tenants.plans import services
from tenants.plans.models import Milestone, Phase
from tenants.plans.seed_plans import SEEDS, build_seed_plan
from tests.plans.seeds import build_nordre_land_plan

pytestmark = pytest.mark.django_db


def reads(captured: CaptureQueriesContext) -> list[str]:
    """The queries, without django-tenants' `SET search_path` before each."""
    return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith("SET ")]


def high_risks(seed: Mapping[str, Any]) -> int:
    return sum(1 for r in seed["risks"] if r["likelihood"] * r["consequence"] >= HIGH_RISK_SCORE)


def test_every_figure_is_declared_with_label_unit_and_direction():
    assert {
        "milestones_total", "milestones_done", "milestones_done_on_time", "milestones_overdue",
        "decision_points_decided", "current_phase", "current_phase_position", "phase_count",
        "high_risks_open", "days_since_status_report",
    } <= set(FIGURES)  # fmt: skip
    for figure in FIGURES.values():
        assert str(figure.label) and figure.unit and figure.better


def test_figures_of_the_nordre_land_seed_as_planned(nordre_land, leader_a):
    # Given Nordre Land's seed plan with its own dates (2017–2019) and nothing done yet
    seed = SEEDS["nordre-land"]
    today = datetime.date(2030, 1, 1)
    with tenant_context(nordre_land):
        build_nordre_land_plan(nordre_land, leader_a)
        figures = compute_figures(today)
    # Then every milestone is overdue, nothing is decided and no report is submitted
    assert figures["milestones_total"] == len(seed["milestones"]) == 8
    assert figures["milestones_done"] == 0
    assert figures["milestones_done_on_time"] == 0
    assert figures["milestones_overdue"] == 8
    assert figures["decision_points_total"] == len(seed["decision_points"])
    assert figures["decision_points_decided"] == 0
    assert figures["high_risks_open"] == high_risks(seed) == 0
    assert figures["days_since_status_report"] is None


def test_figures_of_the_nesseby_seed_run_mid_way(nesseby, leader_b):
    # Given Nesseby's seed plan dated so that today falls mid-way, as the demo loads it
    seed = SEEDS["nesseby"]
    today = timezone.localdate()
    with tenant_context(nesseby):
        build_seed_plan(nesseby, leader_b, seed, today=today)
        past = Milestone.objects.filter(due__lt=today).count()
        current = Phase.objects.get(is_current=True)
        position = list(Phase.objects.order_by("order", "id")).index(current) + 1
        figures = compute_figures(today)
    # Then: the milestones past their date are done on time but the latest (overdue),
    # past decision points are decided, today's report is 0 days old
    assert figures["milestones_total"] == len(seed["milestones"]) == 13
    assert past >= 2
    assert figures["milestones_done"] == figures["milestones_done_on_time"] == past - 1
    assert figures["milestones_overdue"] == 1
    assert figures["current_phase"] == current.name
    assert figures["current_phase_position"] == position
    assert figures["phase_count"] == len(seed["phases"]) == 3
    assert figures["high_risks_open"] == high_risks(seed) == 2
    assert figures["days_since_status_report"] == 0
    assert figures["days_since_status_report"] is not None
    validate_figures(figures)


def test_a_closed_risk_and_a_completed_plan_no_longer_count(nesseby, leader_b):
    today = timezone.localdate()
    with tenant_context(nesseby):
        plan = build_seed_plan(nesseby, leader_b, SEEDS["nesseby"], today=today)
        risk = plan.risks.filter(score__gte=HIGH_RISK_SCORE).first()
        services.update_risk(nesseby, risk, leader_b, {"status": "closed"}, version=risk.version)
        assert compute_figures(today)["high_risks_open"] == 1
        plan.refresh_from_db()
        services.update_plan(nesseby, plan, leader_b, {"status": "completed"}, version=plan.version)
        figures = compute_figures(today)
    assert figures["milestones_total"] == 0
    assert figures["current_phase"] is None


def test_the_figures_cost_a_few_queries_whatever_the_plans(nesseby, leader_b):
    today = timezone.localdate()
    with tenant_context(nesseby):
        build_seed_plan(nesseby, leader_b, SEEDS["nesseby"], today=today)
        with CaptureQueriesContext(connection) as one_plan:
            compute_figures(today)
        build_seed_plan(nesseby, leader_b, SEEDS["larvik"], today=today)
        with CaptureQueriesContext(connection) as two_plans:
            compute_figures(today)
    sources = {figure.source for figure in FIGURES.values()}
    assert len(reads(one_plan)) == len(reads(two_plans)) == len(sources)  # one per source


@pytest.mark.parametrize(
    "values",
    [{"no_such_figure": 1}, {"milestones_total": "7"}, {"current_phase": 3}],
)
def test_a_set_of_figures_the_registry_does_not_describe_is_refused(values):
    with pytest.raises(ValueError):
        validate_figures(values)
