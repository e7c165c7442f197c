"""The seed plans load through the services and hold what the seeds name; the demo mix
(reached, overdue, decided, current) holds relative to the day it is built.

Given Nordre Land (A) and its leader: every seed plan is built in A's schema, since a plan
does not depend on which municipality holds it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tenants.plans import services
from tenants.plans.models import Change, Plan
from tenants.plans.seed_plans import (
    PLANS_BY_MUNICIPALITY,
    SEEDS,
    build_seed_plan,
    demo_shift,
)
from tests.plans.conftest import inside

D = datetime.date
TODAY = D(2026, 11, 23)

# Counts per part the seeds name: milestones, decision points, activities, risks, success
# factors, budget lines, bodies, members, goals, measures, meeting series, meetings.
EXPECTED = {
    "nordre-land": (8, 5, 10, 2, 0, 5, 3, 25, 19, 0, 1, 5),
    "nesseby": (13, 2, 9, 4, 4, 6, 3, 14, 9, 10, 8, 4),
    "larvik": (10, 3, 10, 0, 5, 4, 7, 44, 2, 0, 2, 0),
    "byn": (8, 3, 5, 6, 6, 0, 4, 2, 4, 0, 1, 1),
    "steinkjer": (5, 2, 3, 0, 0, 0, 4, 8, 8, 4, 0, 1),
}


def counts(plan: Plan) -> tuple[int, ...]:
    return (
        plan.milestones.count(),
        plan.decision_points.count(),
        plan.activities.count(),
        plan.risks.count(),
        plan.success_factors.count(),
        plan.budget_lines.count(),
        plan.bodies.count(),
        sum(b.members.count() for b in plan.bodies.all()),
        plan.goals.count(),
        plan.measures.count(),
        plan.meeting_series.count(),
        plan.meetings.count(),
    )


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_each_seed_plan_loads_through_the_services_with_every_part(
    key, nordre_land, leader_a
) -> None:
    # when the seed plan is built with its own dates
    with inside(nordre_land):
        plan = build_seed_plan(nordre_land, leader_a, SEEDS[key])

        # then it holds every part the seed names, all still planned, as a draft
        assert counts(plan) == EXPECTED[key]
        assert plan.status == "draft"
        assert (plan.start, plan.end) == (SEEDS[key]["plan"]["start"], SEEDS[key]["plan"]["end"])
        assert not plan.milestones.exclude(status="planned").exists()
        assert not plan.decision_points.filter(decided_on__isnull=False).exists()
        # and every row is in the plan's history: it went through the services
        assert (
            Change.objects.filter(plan_id=plan.pk, object_type="milestone").count()
            == (EXPECTED[key][0])
        )


def test_nordre_land_holds_the_seed_rows(nordre_land, leader_a) -> None:
    with inside(nordre_land):
        plan = build_seed_plan(nordre_land, leader_a, SEEDS["nordre-land"])

        mp1 = plan.milestones.get(code="MP1")
        assert (mp1.title, mp1.due, mp1.criterion) == (
            "Prosjektplan utarbeidd",
            D(2017, 11, 1),
            "Styringsgruppas godkjenning",
        )
        assert plan.decision_points.get(code="BP5").due == D(2018, 9, 1)  # after the end
        assert list(plan.activities.get(code="HA09").milestones.values_list("code", flat=True)) == [
            "MP7"
        ]
        assert services.budget_totals(plan)["cost"] == Decimal("230000.00")
        assert [(r.title, r.score) for r in plan.risks.all()] == [
            ("Enhetene mangler tid til å delta i kartleggingsarbeidet", 8),
            ("Prosjektleder syk eller slutter", 4),
        ]
        project = plan.bodies.get(kind="project")
        assert project.members.count() == 9
        assert project.members.get(name="Laila Gladbakke").title == "Leder PPT"
        assert plan.goals.filter(level="work").count() == 6
        assert plan.goals.get(level="work", text__startswith="BUF").due == D(2018, 2, 1)
        assert plan.phases.first().name == "Fase 1: Innledende kartlegging"


def test_nesseby_holds_the_risk_scores_and_success_factors(nesseby, leader_b) -> None:
    with inside(nesseby):
        plan = build_seed_plan(nesseby, leader_b, SEEDS["nesseby"])

        assert [(r.likelihood, r.consequence, r.score) for r in plan.risks.all()] == [
            (4, 4, 16),
            (3, 4, 12),
            (2, 2, 4),
            (1, 2, 2),
        ]
        factors = {f.text: f for f in plan.success_factors.prefetch_related("risks")}
        forankring = factors["Prosjektet forankres ikke blant ansatte"]
        assert forankring.priority == 3
        assert forankring.sub_points == [
            "Ingen fremdrift",
            "Rutiner tas ikke i bruk",
            "Utsatte barn og unge fanges opp sent",
        ]
        assert [r.score for r in forankring.risks.all()] == [16]
        totals = services.budget_totals(plan)
        assert (totals["grant"], totals["cost"]) == (Decimal("600000.00"), Decimal("600000.00"))
        school = plan.goals.get(level="impact", target=Decimal("90"))
        assert school.unit == "%" and school.children.count() == 2
        assert plan.meetings.order_by("held_on").first().held_on == D(2018, 11, 28)


def test_every_demo_municipality_gets_its_seed_plans() -> None:
    assert PLANS_BY_MUNICIPALITY == {
        "nordre-land": ("nordre-land",),
        "nesseby": ("nesseby",),
        "larvik": ("larvik",),
        "leka": ("byn",),
        "bindal": ("byn",),
        "vikna": ("byn",),
        "naeroy": ("byn",),
        "steinkjer": ("steinkjer",),
    }


# The demo mix --------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_the_demo_plan_is_mid_way_today(key, nordre_land, leader_a) -> None:
    seed = SEEDS[key]

    # when the seed plan is built for the demo on TODAY
    with inside(nordre_land):
        plan = build_seed_plan(nordre_land, leader_a, seed, today=TODAY)

        # then today falls in the middle of the plan, moved by whole months
        assert plan.start < TODAY < plan.end
        middle = plan.start + (plan.end - plan.start) / 2
        assert abs((middle - TODAY).days) <= 31
        shift = demo_shift(seed, TODAY)
        assert plan.start.day == seed["plan"]["start"].day or plan.start.day >= 28
        assert (plan.start.year * 12 + plan.start.month) - (
            seed["plan"]["start"].year * 12 + seed["plan"]["start"].month
        ) == shift
        assert plan.status == "active" and plan.approved_on is not None

        # earlier milestones are reached on their date, the latest past one is overdue
        past = plan.milestones.filter(due__lt=TODAY).order_by("due", "id")
        done = past.filter(status="done")
        overdue = past.exclude(status="done")
        assert done.count() >= 1 and overdue.count() == 1
        assert all(m.done_on == m.due for m in done)
        assert overdue.get().due == max(m.due for m in past)
        assert not plan.milestones.filter(due__gte=TODAY).exclude(status="planned").exists()

        # decision points before today are decided, later ones are not
        assert not plan.decision_points.filter(due__lt=TODAY, decided_on__isnull=True).exists()
        assert not plan.decision_points.filter(due__gte=TODAY, decided_on__isnull=False).exists()

        # activities: ended ones done, running ones in progress
        this_month = TODAY.replace(day=1)
        assert not plan.activities.filter(end_month__lt=this_month).exclude(status="done").exists()
        running = plan.activities.filter(start_month__lte=this_month, end_month__gte=this_month)
        assert not running.exclude(status="in_progress").exists()

        # one current phase, around today; meetings only those held by today
        current = plan.phases.get(is_current=True)
        assert current.start <= TODAY
        assert not plan.meetings.filter(held_on__gt=TODAY).exists()

        # and one submitted status report
        report = plan.status_reports.get()
        assert report.is_submitted and report.date == TODAY
        assert report.snapshot["plan"]["current_phase"] == current.name
