"""Plan templates: a plan started from a blueprint follows its start date; moving the start
moves what has not happened and keeps what has; bad input and other users change nothing.

Given Nordre Land (A) with a leader, an editor and a viewer, and Nesseby (B) with a leader.
"""

from __future__ import annotations

import datetime

import pytest
from django.test.utils import CaptureQueriesContext

from samla.dates import add_months
from tenants.db import connection
from tenants.plans import services
from tenants.plans.blueprints import BLUEPRINTS, move_plan_start
from tenants.plans.models import Change, Plan
from tests.plans.conftest import api_as, inside
from tests.urlmaps import GUESSED_ID

D = datetime.date


def start_from(api, key: str, start: str, title: str = "Nytt prosjekt"):
    return api.post(
        "/api/plans/from-template/",
        {"template": key, "title": title, "start": start},
        format="json",
    )


def by_code(rows) -> dict:
    return {row.code: row for row in rows}


# Starting a plan from a blueprint -------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(BLUEPRINTS))
def test_each_blueprint_makes_a_plan_whose_dates_follow_the_start(
    key, nordre_land, editor_a
) -> None:
    blueprint = BLUEPRINTS[key]
    start = D(2027, 3, 15)

    # when an editor starts a plan from the blueprint
    response = start_from(api_as(editor_a, nordre_land), key, "2027-03-15")

    # then it is a draft running the blueprint's length from the start
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["title"] == "Nytt prosjekt"
    assert body["start"] == "2027-03-15"
    assert body["end"] == (add_months(start, blueprint.months) - datetime.timedelta(1)).isoformat()
    with inside(nordre_land):
        plan = Plan.objects.get(pk=body["id"])
        milestones = by_code(plan.milestones.all())
        assert {c: m.due for c, m in milestones.items()} == {
            m.code: m.at.on(start) for m in blueprint.milestones
        }
        assert {d.code: d.due for d in plan.decision_points.all()} == {
            d.code: d.at.on(start) for d in blueprint.decision_points
        }
        assert [(p.name, p.start, p.end) for p in plan.phases.all()] == [
            (p.name, p.start.on(start), p.end.on(start)) for p in blueprint.phases
        ]
        activities = by_code(plan.activities.prefetch_related("milestones"))
        for a in blueprint.activities:
            row = activities[a.code]
            assert row.start_month == add_months(D(2027, 3, 1), a.first_month)
            assert row.end_month == add_months(D(2027, 3, 1), a.last_month)
            assert sorted(m.code for m in row.milestones.all()) == sorted(a.milestones)
        assert [b.name for b in plan.bodies.all()] == [b.name for b in blueprint.bodies]
        assert plan.goals.count() >= 1
        # and every row went through the services: the history has them all
        assert Change.objects.filter(plan_id=plan.pk, action="create").count() > len(milestones)


def test_the_ks_blueprint_counts_months_then_days(nordre_land, leader_a) -> None:
    response = start_from(api_as(leader_a, nordre_land), "ks-prosjektplan", "2027-03-15")

    with inside(nordre_land):
        plan = Plan.objects.get(pk=response.json()["id"])
        milestones = by_code(plan.milestones.all())
        assert milestones["MP1"].title == "Prosjektplan utarbeidd"
        assert milestones["MP1"].due == D(2027, 5, 15)  # two months
        assert milestones["MP6"].due == D(2027, 7, 29)  # four months and 14 days
        assert milestones["MP8"].due == D(2028, 2, 29)  # 11 months and 14 days, a leap year
        assert plan.end == D(2028, 3, 14)
        assert [p.name for p in plan.phases.all()] == [
            "Innledende kartlegging",
            "Samarbeidsavtaler og rutiner",
            "Forankring og implementering",
            "Evaluering",
        ]


def test_the_template_list_shows_each_blueprint_and_its_phases(nordre_land, viewer_a) -> None:
    api = api_as(viewer_a, nordre_land)
    api.get("/api/plan-templates/")  # the token's first use is not the list's cost

    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/plan-templates/")

    assert response.status_code == 200
    listed = {t["key"]: t for t in response.json()}
    assert set(listed) == {"ks-prosjektplan", "bti-implementering", "0-24-modellkommune"}
    assert [p["name"] for p in listed["bti-implementering"]["phases"]] == [
        "Utforsking og adopsjon",
        "Installasjon",
        "Innledende implementering",
        "Full gjennomføring",
        "Innovasjon",
        "Bærekraftig videreføring",
    ]
    assert listed["ks-prosjektplan"]["description"]
    # the blueprints are code, not rows: only the token and the membership are looked up
    assert not [q for q in queries if "plans_" in q["sql"]]
    assert len(queries) <= 8


# Moving the start ------------------------------------------------------------------------------


@pytest.fixture
def started(nordre_land, leader_a) -> Plan:
    """A KS plan that started on 1 January 2026: MP1 reached, BP1 decided, HA01 done."""
    with inside(nordre_land):
        plan = BLUEPRINT_PLAN(leader_a, D(2026, 1, 1))
        mp1 = plan.milestones.get(code="MP1")
        services.update_milestone(
            nordre_land,
            mp1,
            leader_a,
            {"status": "done", "done_on": D(2026, 3, 1)},
            version=mp1.version,
        )
        bp1 = plan.decision_points.get(code="BP1")
        services.update_decision_point(
            nordre_land, bp1, leader_a, {"decided_on": D(2026, 3, 6)}, version=bp1.version
        )
        ha01 = plan.activities.get(code="HA01")
        services.update_activity(
            nordre_land, ha01, leader_a, {"status": "done"}, version=ha01.version
        )
        return Plan.objects.get(pk=plan.pk)


def BLUEPRINT_PLAN(user, start: datetime.date) -> Plan:
    from tenants.plans.blueprints import start_plan_from_blueprint

    return start_plan_from_blueprint(
        connection.tenant, user, "ks-prosjektplan", {"title": "KS-plan", "start": start}
    )


def snapshot(plan: Plan) -> dict:
    return {
        "plan": (plan.start, plan.end, plan.version),
        "milestones": {m.code: m.due for m in plan.milestones.all()},
        "decisions": {d.code: d.due for d in plan.decision_points.all()},
        "activities": {a.code: (a.start_month, a.end_month) for a in plan.activities.all()},
        "phases": {p.name: (p.start, p.end) for p in plan.phases.all()},
        "goals": {g.text: g.due for g in plan.goals.all()},
    }


def test_moving_the_start_moves_the_future_and_keeps_the_past(
    started, nordre_land, editor_a, monkeypatch
) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: D(2026, 6, 15))
    with inside(nordre_land):
        before = snapshot(Plan.objects.get(pk=started.pk))
    month = datetime.timedelta(days=31)

    # when an editor moves the start one month later
    response = api_as(editor_a, nordre_land).post(
        f"/api/plans/{started.pk}/move-start/",
        {"start": "2026-02-01", "version": started.version},
        format="json",
    )

    # then the plan runs one month later
    assert response.status_code == 200, response.content
    assert (response.json()["start"], response.json()["end"]) == ("2026-02-01", "2027-01-31")
    with inside(nordre_land):
        after = snapshot(Plan.objects.get(pk=started.pk))
    # what has happened stays: the reached MP1, the decided BP1, the done HA01, the ended phase
    assert after["milestones"]["MP1"] == before["milestones"]["MP1"] == D(2026, 3, 1)
    assert after["decisions"]["BP1"] == before["decisions"]["BP1"]
    assert after["activities"]["HA01"] == before["activities"]["HA01"]
    assert after["phases"]["Innledende kartlegging"] == (D(2026, 1, 1), D(2026, 5, 31))
    # what has not happened moves by the interval (activities by whole months)
    for code in ("MP2", "MP3", "MP7", "MP8"):
        assert after["milestones"][code] == before["milestones"][code] + month, code
    for code in ("BP2", "BP5"):
        assert after["decisions"][code] == before["decisions"][code] + month, code
    assert after["activities"]["HA02"] == (D(2026, 3, 1), D(2026, 3, 1))
    assert after["activities"]["HA08"] == (D(2027, 1, 1), D(2027, 1, 1))
    assert after["phases"]["Evaluering"] == tuple(d + month for d in before["phases"]["Evaluering"])
    goals_moved = {t: d for t, d in after["goals"].items() if d != before["goals"][t]}
    assert goals_moved == {
        t: d + month for t, d in before["goals"].items() if d and d >= D(2026, 6, 15)
    }


def test_a_move_the_rules_refuse_leaves_nothing_half_moved(started, nordre_land, leader_a) -> None:
    with inside(nordre_land):
        before = snapshot(Plan.objects.get(pk=started.pk))
        changes = Change.objects.filter(plan_id=started.pk).count()

    # when the start moves past the reached MP1 (1 March 2026)
    response = api_as(leader_a, nordre_land).post(
        f"/api/plans/{started.pk}/move-start/",
        {"start": "2026-04-01", "version": started.version},
        format="json",
    )

    # then the plan rules refuse it under the start the user gave, and nothing moved
    # (the later milestones neither)
    assert response.status_code == 400
    assert response.json()["start"] == [
        "Milepælene MP1 ville falt utenfor planperioden. Flytt dem først."
    ]
    with inside(nordre_land):
        assert snapshot(Plan.objects.get(pk=started.pk)) == before
        assert Change.objects.filter(plan_id=started.pk).count() == changes


def test_a_stale_version_is_a_conflict_and_moves_nothing(started, nordre_land, leader_a) -> None:
    with inside(nordre_land):
        before = snapshot(Plan.objects.get(pk=started.pk))

    response = api_as(leader_a, nordre_land).post(
        f"/api/plans/{started.pk}/move-start/",
        {"start": "2026-02-01", "version": started.version + 1},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["detail"].startswith("Noen andre har endret dette")
    assert response.json()["current"]["version"] == started.version
    with inside(nordre_land):
        assert snapshot(Plan.objects.get(pk=started.pk)) == before


def test_the_service_moves_back_and_forth(started, nordre_land, leader_a) -> None:
    with inside(nordre_land):
        plan = Plan.objects.get(pk=started.pk)
        earlier = move_plan_start(nordre_land, plan, leader_a, D(2025, 12, 1), version=plan.version)
        assert (earlier.start, earlier.end) == (D(2025, 12, 1), D(2026, 11, 30))
        assert earlier.milestones.get(code="MP1").due == D(2026, 3, 1)  # reached: stays
        assert earlier.milestones.get(code="MP8").due == D(2026, 11, 14)
        same = move_plan_start(
            nordre_land, earlier, leader_a, "2025-12-01", version=earlier.version
        )
        assert same.version == earlier.version  # nothing to move, nothing written


# Bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        (
            {"template": "finnes-ikke", "title": "X", "start": "2027-01-01"},
            "template",
            "Ukjent mal. Velg en av: ks-prosjektplan, bti-implementering, 0-24-modellkommune.",
        ),
        (
            {"template": "ks-prosjektplan", "title": "X", "start": "i morgen"},
            "start",
            "Oppgi en gyldig dato (ÅÅÅÅ-MM-DD).",
        ),
        (
            {"template": "ks-prosjektplan", "title": "X", "start": "2027-02-30"},
            "start",
            "Oppgi en gyldig dato (ÅÅÅÅ-MM-DD).",
        ),
        (
            {"template": "ks-prosjektplan", "title": "X", "start": "2027-01-01", "end": "2026"},
            "end",
            "Oppgi en gyldig dato (ÅÅÅÅ-MM-DD).",
        ),
        (
            {"template": "ks-prosjektplan", "title": "X", "start": "2027-01-01",
             "end": "2027-03-01"},
            "end",
            "Slutt må være etter malens siste milepæl (15.12.2027).",
        ),
        (
            {"template": "ks-prosjektplan", "title": "X", "start": "2027-01-01",
             "end": "2026-12-01"},
            "end",
            "Slutt kan ikke være før start.",
        ),
        (
            {"template": "ks-prosjektplan", "title": "  ", "start": "2027-01-01"},
            "title",
            "Dette feltet må ikke være blankt.",
        ),
    ],
)  # fmt: skip
def test_bad_input_to_from_template_is_refused_and_writes_nothing(
    payload, field, message, nordre_land, leader_a
) -> None:
    response = api_as(leader_a, nordre_land).post(
        "/api/plans/from-template/", payload, format="json"
    )

    assert response.status_code == 400
    assert message in response.json()[field]
    with inside(nordre_land):
        assert not Plan.objects.exists()
        assert not Change.objects.exists()


def test_missing_fields_are_named(nordre_land, leader_a) -> None:
    response = api_as(leader_a, nordre_land).post(
        "/api/plans/from-template/", {"template": "ks-prosjektplan"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"title", "start"}
    with inside(nordre_land):
        assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"start": "neste uke", "version": 1}, "start"), ({"start": "2026-02-01"}, "version")],
)
def test_bad_input_to_move_start_is_refused(payload, field, started, nordre_land, leader_a) -> None:
    with inside(nordre_land):
        before = snapshot(Plan.objects.get(pk=started.pk))

    response = api_as(leader_a, nordre_land).post(
        f"/api/plans/{started.pk}/move-start/", payload, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    with inside(nordre_land):
        assert snapshot(Plan.objects.get(pk=started.pk)) == before


# Who may -----------------------------------------------------------------------------------------


def test_other_municipalitys_user_gets_404(started, nordre_land, leader_b) -> None:
    api = api_as(leader_b, nordre_land)
    with inside(nordre_land):
        before = snapshot(Plan.objects.get(pk=started.pk))

    assert api.get("/api/plan-templates/").status_code == 404
    assert start_from(api, "ks-prosjektplan", "2027-01-01").status_code == 404
    moved = api.post(f"/api/plans/{started.pk}/move-start/", {"start": "2026-02-01", "version": 5})
    assert moved.status_code == 404
    with inside(nordre_land):
        assert Plan.objects.count() == 1
        assert snapshot(Plan.objects.get(pk=started.pk)) == before


def test_anonymous_gets_401(started, nordre_land) -> None:
    api = api_as(None, nordre_land)

    assert api.get("/api/plan-templates/").status_code == 401
    assert start_from(api, "ks-prosjektplan", "2027-01-01").status_code == 401
    moved = api.post(f"/api/plans/{started.pk}/move-start/", {"start": "2026-02-01", "version": 1})
    assert moved.status_code == 401
    with inside(nordre_land):
        assert Plan.objects.count() == 1


def test_viewer_reads_templates_but_starts_and_moves_nothing(
    started, nordre_land, viewer_a
) -> None:
    api = api_as(viewer_a, nordre_land)

    assert api.get("/api/plan-templates/").status_code == 200
    assert start_from(api, "ks-prosjektplan", "2027-01-01").status_code == 403
    moved = api.post(
        f"/api/plans/{started.pk}/move-start/",
        {"start": "2026-02-01", "version": started.version},
        format="json",
    )
    assert moved.status_code == 403
    with inside(nordre_land):
        assert Plan.objects.count() == 1
        assert Plan.objects.get(pk=started.pk).start == D(2026, 1, 1)


def test_a_guessed_plan_id_is_not_found(started, nordre_land, nesseby, leader_a, leader_b) -> None:
    with inside(nesseby):
        theirs = BLUEPRINT_PLAN(leader_b, D(2026, 1, 1))
    api = api_as(leader_a, nordre_land)

    for plan_id in (GUESSED_ID, started.pk + theirs.pk + 1000):
        moved = api.post(f"/api/plans/{plan_id}/move-start/", {"start": "2026-02-01", "version": 1})
        assert moved.status_code == 404, plan_id
    with inside(nesseby):
        assert Plan.objects.get(pk=theirs.pk).start == D(2026, 1, 1)
