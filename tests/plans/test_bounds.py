"""Bounded input: every date bound, row limit and the text limit is refused through the API
with 400 and a Norwegian message, and nothing is written; moving or starting a plan at an
extreme date answers 400, never 500; the largest allowed plan exports in every format.

Given Nordre Land's seed plan (1 September 2017 – 31 August 2018) and its leader.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import pytest
from django.db.models import Model

from benchmarks.plan_pages import build_largest_plan
from tenants.plans import bounds
from tenants.plans.models import (
    Activity,
    Body,
    BudgetLine,
    Change,
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
from tenants.plans.seed_plans import SEEDS
from tests.conftest import client_for, host_of
from tests.plans.conftest import api_as, inside

D = datetime.date
PARTS: dict[str, tuple[type[Model], dict[str, Any]]] = {
    # url part: (model, a valid new row)
    "phases": (Phase, {"name": "Fase 9"}),
    "goals": (Goal, {"level": "work", "text": "Et arbeidsmål"}),
    "measures": (Measure, {"text": "Et tiltak"}),
    "milestones": (Milestone, {"code": "MP99", "title": "T", "due": "2018-01-01"}),
    "decision-points": (DecisionPoint, {"code": "BP99", "title": "T", "due": "2018-01-01"}),
    "activities": (Activity, {"code": "HA99", "name": "T", "start_month": "2018-01-01",
                              "end_month": "2018-02-01"}),
    "risks": (Risk, {"title": "R", "likelihood": 2, "consequence": 2}),
    "success-factors": (SuccessFactor, {"text": "Forankring i ledelsen"}),
    "budget-lines": (BudgetLine, {"kind": "cost", "label": "Reise", "amount": "1.00"}),
    "bodies": (Body, {"kind": "working", "name": "Arbeidsgruppe 2"}),
    "meeting-series": (MeetingSeries, {"name": "Styringsgruppemøter"}),
    "meetings": (Meeting, {"title": "Møte", "held_on": "2018-01-10"}),
    "status-reports": (StatusReport, {"date": "2018-02-01", "summary": "I rute"}),
}  # fmt: skip


def messages_of(response, field: str) -> str:
    assert response.status_code == 400, response.content
    return " ".join(response.json()[field])


def state(nordre_land) -> dict[str, int]:
    with inside(nordre_land):
        counts = {model.__name__: model._default_manager.count() for model, _row in PARTS.values()}
        return counts | {"Plan": Plan.objects.count(), "Change": Change.objects.count()}


def seed_dates(seed: Mapping[str, Any]) -> list[tuple[type[Model], str, Any]]:
    """(kind of part, field, date) for every date a seed plan gives its parts."""

    def goals(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [g for item in items for g in [item, *goals(item.get("children", []))]]

    def dated(item: Any) -> Any:
        return item["due"] if isinstance(item, dict) else item[2]

    found: list[tuple[type[Model], str, Any]] = []
    for phase in seed.get("phases", []):
        found += [(Phase, "start", phase.get("start")), (Phase, "end", phase.get("end"))]
    found += [(Goal, "due", g.get("due")) for g in goals(seed.get("goals", []))]
    found += [(Milestone, "due", dated(m)) for m in seed.get("milestones", [])]
    found += [(DecisionPoint, "due", dated(d)) for d in seed.get("decision_points", [])]
    for a in seed.get("activities", []):
        found += [
            (Activity, "start_month", a["start_month"]),
            (Activity, "end_month", a["end_month"]),
        ]
    found += [(Meeting, "held_on", m["held_on"]) for m in seed.get("meetings", [])]
    return [row for row in found if row[2] is not None]


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_every_seed_date_fits_its_window_with_room_to_spare(key) -> None:
    # The margins are chosen from what the seeds need (docs/plan-limits.md): each seed date
    # fits even with half its kind's margin.
    seed = SEEDS[key]
    start, end = seed["plan"]["start"], seed["plan"]["end"]
    assert not bounds.plan_period_errors(start, end)
    for model, name, value in seed_dates(seed):
        margin = bounds.DATE_BOUNDS[model][name]
        half = bounds.Margin(
            None if margin.before is None else margin.before // 2,
            None if margin.after is None else margin.after // 2,
            margin.by_month,
        )
        assert bounds.date_error(start, end, half, value) is None, (model.__name__, name, value)


# Dates per kind of part --------------------------------------------------------------------

DATE_CASES: list[tuple[str, str, dict[str, Any], str, str]] = [
    # (id, part, payload, field, message)
    ("phase-start-too-early", "phases", {"name": "F", "start": "2017-02-28"}, "start",
     "Datoen må ligge mellom 01.03.2017 og 31.08.2019 (planperioden 01.09.2017–31.08.2018, "
     "med inntil 6 måneder før og 12 måneder etter)."),
    ("phase-end-too-late", "phases", {"name": "F", "end": "2019-09-01"}, "end",
     "Datoen må ligge mellom 01.03.2017 og 31.08.2019"),
    ("goal-due-too-late", "goals", {"level": "impact", "text": "Effekt", "due": "2021-09-01"},
     "due", "mellom 01.03.2017 og 31.08.2021"),
    ("milestone-after-the-period", "milestones",
     {"code": "MP9", "title": "T", "due": "2018-09-01"},
     "due", "Datoen må ligge innenfor planperioden (01.09.2017–31.08.2018)."),
    ("milestone-reached-too-early", "milestones",
     {"code": "MP9", "title": "T", "due": "2018-01-01", "status": "done",
      "done_on": "2016-08-31"}, "done_on", "mellom 01.09.2016 og 31.12.2100"),
    ("milestone-in-year-9999", "milestones", {"code": "MP9", "title": "T", "due": "9999-12-31"},
     "due", "Datoen må ligge mellom 01.01.2000 og 31.12.2100."),
    ("decision-too-late", "decision-points", {"code": "BP9", "title": "T", "due": "2019-09-01"},
     "due", "mellom 01.03.2017 og 31.08.2019"),
    ("decision-taken-in-1999", "decision-points",
     {"code": "BP9", "title": "T", "due": "2018-01-01", "decided_on": "1999-12-31"},
     "decided_on", "Datoen må ligge mellom 01.01.2000 og 31.12.2100."),
    ("activity-starts-too-early", "activities",
     {"code": "HA9", "name": "T", "start_month": "2017-02-01", "end_month": "2017-10-01"},
     "start_month", "mellom 01.03.2017 og 01.02.2019"),
    ("activity-in-1500", "activities",
     {"code": "HA9", "name": "T", "start_month": "1500-01-01", "end_month": "2017-10-01"},
     "start_month", "Datoen må ligge mellom 01.01.2000 og 31.12.2100."),
    ("activity-ends-too-late", "activities",
     {"code": "HA9", "name": "T", "start_month": "2018-01-01", "end_month": "2019-03-01"},
     "end_month", "mellom 01.03.2017 og 01.02.2019"),
    ("meeting-too-late", "meetings", {"title": "M", "held_on": "2019-09-01"}, "held_on",
     "mellom 01.09.2016 og 31.08.2019"),
    ("action-due-in-1500", "meetings", {"title": "M", "held_on": "2018-01-10",
     "actions": [{"text": "Gjøre", "owner": "PL", "due": "1500-01-01"}]}, "actions",
     "Punkt 1: Datoen må ligge mellom 01.01.2000 og 31.12.2100."),
    ("report-too-late", "status-reports", {"date": "2020-09-01"}, "date",
     "mellom 01.03.2017 og 31.08.2020"),
]  # fmt: skip


@pytest.mark.parametrize(("part", "payload", "field", "message"), [c[1:] for c in DATE_CASES],
                         ids=[c[0] for c in DATE_CASES])  # fmt: skip
def test_a_date_outside_its_window_is_refused(
    part, payload, field, message, plan_a, nordre_land, leader_api
) -> None:
    before = state(nordre_land)

    response = leader_api.post(f"/api/plans/{plan_a.pk}/{part}/", payload, format="json")

    assert message in messages_of(response, field)
    assert state(nordre_land) == before


@pytest.mark.parametrize(
    ("part", "payload"),
    [
        ("phases", {"name": "Evaluering", "start": "2017-03-01", "end": "2019-08-31"}),
        ("goals", {"level": "impact", "text": "Effekt", "due": "2021-08-31"}),
        ("decision-points", {"code": "BP9", "title": "T", "due": "2019-08-31"}),
        ("activities", {"code": "HA9", "name": "T", "start_month": "2017-03-01",
                        "end_month": "2019-02-01"}),
        ("meetings", {"title": "Evaluering", "held_on": "2019-08-31"}),
        ("status-reports", {"date": "2020-08-31"}),
    ],
)  # fmt: skip
def test_a_date_on_the_edge_of_its_window_is_accepted(part, payload, plan_a, leader_api) -> None:
    response = leader_api.post(f"/api/plans/{plan_a.pk}/{part}/", payload, format="json")

    assert response.status_code == 201, response.content


PLAN_CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("starts-in-1999", {"start": "1999-12-31", "end": "2000-06-30"}, "start",
     "Datoen må ligge mellom 01.01.2000 og 31.12.2100."),
    ("ends-in-2101", {"start": "2100-01-01", "end": "2101-01-01"}, "end",
     "Datoen må ligge mellom 01.01.2000 og 31.12.2100."),
    ("eleven-years", {"start": "2030-01-01", "end": "2040-01-01"}, "end",
     "En plan kan vare høyst 10 år: slutt senest 31.12.2039."),
    ("year-9999", {"start": "2026-01-01", "end": "9999-12-31"}, "end",
     "Datoen må ligge mellom 01.01.2000 og 31.12.2100."),
]  # fmt: skip


@pytest.mark.parametrize(("payload", "field", "message"), [c[1:] for c in PLAN_CASES],
                         ids=[c[0] for c in PLAN_CASES])  # fmt: skip
def test_a_plan_period_out_of_bounds_is_refused(
    payload, field, message, nordre_land, leader_api
) -> None:
    before = state(nordre_land)

    response = leader_api.post("/api/plans/", {"title": "Ny", **payload}, format="json")

    assert message in messages_of(response, field)
    assert state(nordre_land) == before


def test_a_ten_year_plan_is_accepted(leader_api) -> None:
    response = leader_api.post(
        "/api/plans/", {"title": "Lang", "start": "2030-01-01", "end": "2039-12-31"}, format="json"
    )
    assert response.status_code == 201, response.content


def test_shrinking_the_plan_refuses_when_a_phase_would_fall_outside_its_window(
    plan_a, nordre_land, leader_api
) -> None:
    # Fase 4 ends 15.12.2018; with the plan ending 30.11.2017 phases may end by 30.11.2018.
    response = leader_api.patch(
        f"/api/plans/{plan_a.pk}/", {"end": "2017-11-30", "version": 1}, format="json"
    )

    text = messages_of(response, "end")
    assert "Fasene Fase 4: Evaluering ville falt utenfor tidsrommet" in text
    assert "(01.03.2017–30.11.2018). Flytt dem først." in text
    with inside(nordre_land):
        assert Plan.objects.get(pk=plan_a.pk).end == D(2018, 8, 31)


# Row limits -------------------------------------------------------------------------------


@pytest.mark.parametrize("part", sorted(PARTS))
def test_a_part_past_its_row_limit_is_refused(
    part, plan_a, nordre_land, leader_api, monkeypatch
) -> None:
    model, payload = PARTS[part]
    with inside(nordre_land):
        count = model._default_manager.filter(plan=plan_a).count()
    monkeypatch.setitem(bounds.ROW_LIMITS, model, count)  # the plan is at the limit
    before = state(nordre_land)

    response = leader_api.post(f"/api/plans/{plan_a.pk}/{part}/", payload, format="json")

    label = model._meta.verbose_name_plural
    assert messages_of(response, "non_field_errors") == (
        f"En plan kan ha høyst {count} {label}; denne har {count}."
    )
    assert state(nordre_land) == before


def test_the_real_row_limit_holds(plan_a, nordre_land, leader_api) -> None:
    # Given the plan filled up to the risk limit (in bulk)
    with inside(nordre_land):
        have = plan_a.risks.count()
        Risk.objects.bulk_create(
            Risk(plan=plan_a, title=f"R{n}", likelihood=1, consequence=1)
            for n in range(bounds.ROW_LIMITS[Risk] - have)
        )
    payload = {"title": "En til", "likelihood": 2, "consequence": 2}

    response = leader_api.post(f"/api/plans/{plan_a.pk}/risks/", payload, format="json")

    assert "En plan kan ha høyst 100 risikoer; denne har 100." in messages_of(
        response, "non_field_errors"
    )
    with inside(nordre_land):
        assert plan_a.risks.count() == bounds.ROW_LIMITS[Risk]


def test_restoring_a_part_past_the_limit_is_refused(
    plan_a, nordre_land, leader_api, monkeypatch
) -> None:
    with inside(nordre_land):
        risk = plan_a.risks.first()
    leader_api.delete(f"/api/plans/{plan_a.pk}/risks/{risk.pk}/")
    with inside(nordre_land):
        change = Change.objects.get(action="delete", object_id=risk.pk, object_type="risk")
        monkeypatch.setitem(bounds.ROW_LIMITS, Risk, plan_a.risks.count())

    response = leader_api.post(f"/api/plans/{plan_a.pk}/history/{change.pk}/restore/")

    assert "En plan kan ha høyst" in messages_of(response, "non_field_errors")
    with inside(nordre_land):
        assert not Risk.objects.filter(pk=risk.pk).exists()


def test_plans_past_the_municipalitys_limit_are_refused(
    plan_a, nordre_land, leader_api, monkeypatch
) -> None:
    monkeypatch.setattr(bounds, "PLANS_PER_MUNICIPALITY", 1)
    before = state(nordre_land)

    response = leader_api.post(
        "/api/plans/", {"title": "Ny", "start": "2026-01-01", "end": "2026-12-31"}, format="json"
    )

    assert messages_of(response, "non_field_errors") == (
        "En kommune kan ha høyst 1 planer. Slett eller arkiver gamle planer først."
    )
    assert state(nordre_land) == before


def test_a_body_with_too_many_members_is_refused(plan_a, nordre_land, leader_api) -> None:
    before = state(nordre_land)
    members = [{"name": f"Medlem {n}"} for n in range(bounds.MEMBERS_PER_BODY + 1)]

    response = leader_api.post(
        f"/api/plans/{plan_a.pk}/bodies/",
        {"kind": "working", "name": "Stor gruppe", "members": members},
        format="json",
    )

    assert "En gruppe kan ha høyst 40 medlemmer (du sendte 41)." in messages_of(response, "members")
    assert state(nordre_land) == before


def test_a_meeting_with_too_many_actions_is_refused(plan_a, nordre_land, leader_api) -> None:
    before = state(nordre_land)
    actions = [{"text": f"Punkt {n}", "owner": "PL"} for n in range(101)]

    response = leader_api.post(
        f"/api/plans/{plan_a.pk}/meetings/",
        {"title": "Langt møte", "held_on": "2018-01-10", "actions": actions},
        format="json",
    )

    assert "Et møte kan ha høyst 100 oppfølgingspunkter (du sendte 101)." in messages_of(
        response, "actions"
    )
    assert state(nordre_land) == before


def test_text_past_the_plans_limit_is_refused(plan_a, nordre_land, leader_api, monkeypatch) -> None:
    with inside(nordre_land):
        total = bounds.plan_text_total(plan_a)
    monkeypatch.setattr(bounds, "PLAN_TEXT_LIMIT", total + 50)
    before = state(nordre_land)

    too_much = leader_api.post(
        f"/api/plans/{plan_a.pk}/risks/",
        {"title": "R", "likelihood": 2, "consequence": 2, "measure": "x" * 100},
        format="json",
    )
    still_fits = leader_api.post(
        f"/api/plans/{plan_a.pk}/risks/",
        {"title": "R", "likelihood": 2, "consequence": 2, "measure": "x" * 10},
        format="json",
    )

    assert "Planen kan ha høyst" in messages_of(too_much, "non_field_errors")
    assert still_fits.status_code == 201, still_fits.content
    with inside(nordre_land):
        assert Risk.objects.count() == before["Risk"] + 1


# Moving and starting plans at extreme dates ---------------------------------------------------


def snapshot(plan_id: int) -> dict[str, Any]:
    plan = Plan.objects.get(pk=plan_id)
    return {
        "plan": (plan.start, plan.end, plan.version),
        "milestones": sorted(plan.milestones.values_list("code", "due")),
        "activities": sorted(plan.activities.values_list("code", "start_month", "end_month")),
        "changes": Change.objects.filter(plan_id=plan_id).count(),
    }


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ("9999-12-31", "Datoen må ligge mellom 01.01.2000 og 31.12.2100."),
        ("2100-06-01", "Datoen må ligge mellom 01.01.2000 og 31.12.2100."),  # end in 2101
        ("0001-01-01", "Datoen må ligge mellom 01.01.2000 og 31.12.2100."),
        ("1999-12-31", "Datoen må ligge mellom 01.01.2000 og 31.12.2100."),
    ],
)
def test_moving_the_start_out_of_bounds_is_refused(
    start, message, plan_a, nordre_land, leader_api
) -> None:
    with inside(nordre_land):
        before = snapshot(plan_a.pk)

    response = leader_api.post(
        f"/api/plans/{plan_a.pk}/move-start/", {"start": start, "version": 1}, format="json"
    )

    assert message in messages_of(response, "start")
    with inside(nordre_land):
        assert snapshot(plan_a.pk) == before


def test_moving_an_activity_that_starts_before_the_plan_never_fails(
    plan_a, nordre_land, leader_a, leader_api
) -> None:
    # Given an activity six months before the plan (the most its window allows)
    with inside(nordre_land):
        from tenants.plans import services

        services.create_activity(nordre_land,
            plan_a, leader_a,
            {"code": "HA0", "name": "Forarbeid", "start_month": D(2017, 3, 1),
             "end_month": D(2017, 9, 1)},
        )  # fmt: skip
        plan = Plan.objects.get(pk=plan_a.pk)

    # when the start moves two months earlier, and then one month later
    earlier = leader_api.post(
        f"/api/plans/{plan.pk}/move-start/",
        {"start": "2017-07-01", "version": plan.version},
        format="json",
    )
    later = leader_api.post(
        f"/api/plans/{plan.pk}/move-start/",
        {"start": "2017-10-01", "version": plan.version},
        format="json",
    )

    # then both answer (the activity moves along), never with a server error
    assert earlier.status_code == 200, earlier.content
    with inside(nordre_land):
        assert Activity.objects.get(code="HA0").start_month == D(2017, 1, 1)
    assert later.status_code == 409  # the version moved on: the first move was written


def test_moving_a_plan_with_dates_from_before_the_bounds_answers_400(
    plan_a, nordre_land, leader_a, leader_api
) -> None:
    # Given an activity saved before the bounds existed, in year 1 (not through the services)
    with inside(nordre_land):
        Activity.objects.create(
            plan=plan_a, code="HA0", name="Gammel", start_month=D(1, 1, 1), end_month=D(1, 1, 1)
        )
        before = snapshot(plan_a.pk)

    # when the start moves eight months earlier (its month would leave the calendar)
    response = leader_api.post(
        f"/api/plans/{plan_a.pk}/move-start/", {"start": "2017-01-01", "version": 1}, format="json"
    )

    assert "Hovedaktivitetene HA0 ville falt utenfor" in messages_of(response, "start")
    with inside(nordre_land):
        assert snapshot(plan_a.pk) == before
    # and its documents and activity plan page still render (the grid keeps to the plan's
    # own years)
    for name in ("export.pdf", "export.docx", "export.xlsx", "calendar.ics"):
        assert leader_api.get(f"/api/plans/{plan_a.pk}/{name}").status_code == 200, name
    page = client_for(host_of(nordre_land), leader_a).get(f"/planer/{plan_a.pk}/aktivitetsplan/")
    assert page.status_code == 200
    assert page.content.count(b"<th") < 100


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"start": "9999-12-31"}, "start", "Datoen må ligge mellom 01.01.2000 og 31.12.2100."),
        ({"start": "0001-01-01"}, "start", "Datoen må ligge mellom 01.01.2000 og 31.12.2100."),
        ({"start": "2027-01-01", "end": "9999-12-31"}, "end",
         "Datoen må ligge mellom 01.01.2000 og 31.12.2100."),
        ({"start": "2027-01-01", "end": "2040-01-01"}, "end", "En plan kan vare høyst 10 år"),
    ],
)  # fmt: skip
def test_a_plan_from_a_template_at_an_extreme_date_is_refused(
    payload, field, message, nordre_land, leader_api
) -> None:
    before = state(nordre_land)

    response = leader_api.post(
        "/api/plans/from-template/",
        {"template": "bti-implementering", "title": "BTI", **payload},
        format="json",
    )

    assert message in messages_of(response, field)
    assert state(nordre_land) == before


def test_a_five_year_template_ending_in_2100_is_accepted(nordre_land, leader_api) -> None:
    response = leader_api.post(
        "/api/plans/from-template/",
        {"template": "bti-implementering", "title": "BTI", "start": "2096-01-01"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["end"] == "2100-12-31"


# The largest allowed plan -----------------------------------------------------------------


def test_the_largest_allowed_plan_exports_in_every_format(nordre_land, leader_a) -> None:
    with inside(nordre_land):
        plan = build_largest_plan(leader_a)
        assert plan.milestones.count() == bounds.ROW_LIMITS[Milestone]
        assert (plan.end - plan.start).days >= 3650
    api = api_as(leader_a, nordre_land)

    for name, kind in (
        ("export.pdf", b"%PDF"),
        ("export.docx", b"PK"),
        ("export.xlsx", b"PK"),
        ("calendar.ics", b"BEGIN:VCALENDAR"),
    ):
        response = api.get(f"/api/plans/{plan.pk}/{name}")
        assert response.status_code == 200, name
        assert response.content.startswith(kind), name
