"""Given Nordre Land's seed plan, its leader (and editor) keep every part of it through the API.

Each part: create, list, read, change (PATCH and PUT, naming the version), delete.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from tenants.plans.models import Plan
from tests.plans.conftest import api_as


@dataclass(frozen=True)
class Part:
    path: str
    create: dict[str, Any]
    change: dict[str, Any]
    shown: dict[str, Any] = field(default_factory=dict)  # extra fields the API computes

    def __str__(self) -> str:
        return self.path


PARTS = [
    Part(
        "phases",
        {"order": 1, "name": "Innledende kartlegging", "is_current": True},
        {"name": "Fase 1: Innledende kartlegging"},
    ),
    Part(
        "goals",
        {"level": "work", "text": "Nåsituasjonskartlegging gjennomført", "due": "2018-01-15"},
        {"text": "Nåsituasjonskartlegging gjennomført og behandlet", "due": "2018-02-01"},
    ),
    Part(
        "measures",
        {"text": "Workshop med berørte enheter", "responsible": "Prosjektleder"},
        {"text": "Workshop og SWOT-analyse med berørte enheter"},
    ),
    Part(
        "milestones",
        {
            "code": "MP9",
            "title": "Første evaluering gjennomført",
            "due": "2018-08-20",
            "criterion": "Evalueringsrapport behandlet av styringsgruppa",
            "status": "planned",
        },
        {"status": "in_progress", "title": "Første evaluering påbegynt"},
    ),
    Part(
        "decision-points",
        {
            "code": "BP6",
            "title": "Evaluering godkjent",
            "due": "2018-12-15",
            "basis": "Evalueringsrapport",
        },
        {"decision": "Evalueringen godkjennes", "decided_on": "2018-12-15"},
    ),
    Part(
        "activities",
        {
            "code": "HA11",
            "name": "Evaluere",
            "purpose": "Vurdere om samhandlingen virker",
            "result": "Evalueringsrapport",
            "start_month": "2018-06-01",
            "end_month": "2018-08-01",
        },
        {"end_month": "2018-08-01", "name": "Evaluere og justere"},
    ),
    Part(
        "risks",
        {
            "title": "Referansegruppa blir ikke et refleksjonsforum",
            "likelihood": 3,
            "consequence": 2,
            "measure": "Hyppig samhandling med prosjektgruppa",
        },
        {"likelihood": 4},
        shown={"score": 6},
    ),
    Part(
        "success-factors",
        {
            "priority": 3,
            "text": "Prosjektet forankres blant ansatte",
            "sub_points": ["Ingen fremdrift", "Rutiner tas ikke i bruk"],
        },
        {"sub_points": ["Ingen fremdrift"]},
    ),
    Part(
        "budget-lines",
        {
            "kind": "funding",
            "label": "Skjønnsmidler",
            "amount": "100000.00",
            "period": "2018",
            "settled": False,
        },
        {"settled": True, "amount": "120000.50"},
    ),
    Part(
        "bodies",
        {
            "kind": "reference",
            "name": "Referansegruppe",
            "mandate": "Gi innspill på kartlegging og rutiner",
            "members": [
                {"name": "NAV", "title": "", "unit": "NAV", "role": "Medlem"},
                {"name": "Kommuneoverlege", "title": "Lege", "unit": "Helse", "role": "Medlem"},
            ],
        },
        {"name": "Referansegruppa"},
    ),
    Part(
        "meeting-series",
        {
            "name": "Styringsgruppemøter",
            "frequency": "Ved hvert beslutningspunkt",
            "agenda": "Framdrift og beslutninger",
            "participants": "Styringsgruppa og prosjektleder",
        },
        {"frequency": "Annenhver måned"},
    ),
    Part(
        "meetings",
        {
            "title": "Styringsgruppemøte",
            "held_on": "2017-11-06",
            "attendees": ["Rådmann", "Tjenesteområdeleder Velferd"],
            "decisions": ["Prosjektplanen godkjennes"],
            "actions": [
                {"text": "Sende plan til enhetene", "owner": "Prosjektleder", "due": "2017-11-20"}
            ],
        },
        {"decisions": ["Prosjektplanen godkjennes", "Neste møte 1. februar"]},
    ),
    Part(
        "status-reports",
        {"kind": "status", "date": "2018-02-01", "summary": "Kartleggingen er gjennomført."},
        {"summary": "Kartleggingen er gjennomført og rapportert."},
    ),
]


def _matches(shown: dict[str, Any], expected: dict[str, Any]) -> None:
    for key, value in expected.items():
        if key == "members":
            assert [m["name"] for m in shown[key]] == [m["name"] for m in value]
        elif key == "actions":
            assert [a["text"] for a in shown[key]] == [a["text"] for a in value]
        else:
            assert shown[key] == value, key


@pytest.mark.parametrize("part", PARTS, ids=str)
def test_leader_keeps_every_part(part: Part, plan_a: Plan, leader_api) -> None:
    base = f"/api/plans/{plan_a.pk}/{part.path}/"

    # when the leader creates it
    created = leader_api.post(base, part.create, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    _matches(body, {**part.create, **part.shown})
    assert body["version"] == 1 and body["plan"] == plan_a.pk
    url = f"{base}{body['id']}/"

    # then it is listed and can be read
    assert body["id"] in [row["id"] for row in leader_api.get(base).json()]
    assert leader_api.get(url).json()["id"] == body["id"]

    # when it is changed naming the version it was read at
    patched = leader_api.patch(url, {**part.change, "version": 1}, format="json")
    assert patched.status_code == 200, patched.content
    _matches(patched.json(), part.change)
    assert patched.json()["version"] == 2

    # and replaced as a whole
    replaced = leader_api.put(url, {**part.create, "version": 2}, format="json")
    assert replaced.status_code == 200, replaced.content
    _matches(replaced.json(), part.create)
    assert replaced.json()["version"] == 3

    # when it is deleted, then it is gone
    assert leader_api.delete(url).status_code == 204
    assert leader_api.get(url).status_code == 404


@pytest.mark.parametrize("part", PARTS, ids=str)
def test_editor_writes_every_part(part: Part, plan_a: Plan, editor_a, nordre_land) -> None:
    api = api_as(editor_a, nordre_land)
    base = f"/api/plans/{plan_a.pk}/{part.path}/"
    created = api.post(base, part.create, format="json")
    assert created.status_code == 201, created.content
    url = f"{base}{created.json()['id']}/"
    assert api.patch(url, {**part.change, "version": 1}, format="json").status_code == 200
    assert api.delete(url).status_code == 204


def test_leader_creates_changes_and_deletes_a_plan(nordre_land, leader_api) -> None:
    created = leader_api.post(
        "/api/plans/",
        {
            "title": "Plan for implementering",
            "start": "2018-06-01",
            "end": "2019-06-30",
            "leaders": ["Synnøve Flått", "Tove Lillejordet"],
            "background": "Videreføring av prosjektet «Barn/unge og tverrfaglig samarbeid».",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    plan = created.json()
    assert plan["status"] == "draft" and plan["leaders"] == ["Synnøve Flått", "Tove Lillejordet"]
    url = f"/api/plans/{plan['id']}/"

    assert plan["id"] in [p["id"] for p in leader_api.get("/api/plans/").json()]
    changed = leader_api.patch(url, {"case_number": "2018/112", "version": 1}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["case_number"] == "2018/112"

    assert leader_api.delete(url).status_code == 204
    assert leader_api.get(url).status_code == 404


def test_body_members_are_matched_by_id_and_replaced_in_one_save(plan_a, leader_api) -> None:
    base = f"/api/plans/{plan_a.pk}/bodies/"
    body = leader_api.get(base).json()[0]
    first, second = body["members"][0], body["members"][1]

    # when the leader keeps the first member (renamed), drops the rest and adds one
    changed = leader_api.patch(
        f"{base}{body['id']}/",
        {
            "version": body["version"],
            "members": [
                {"id": first["id"], "name": "Rådmann Ola Nordmann", "role": "Leder"},
                {"name": "Leder PPT", "role": "Medlem"},
            ],
        },
        format="json",
    )

    assert changed.status_code == 200, changed.content
    members = changed.json()["members"]
    assert [m["name"] for m in members] == ["Rådmann Ola Nordmann", "Leder PPT"]
    assert members[0]["id"] == first["id"]
    assert second["id"] not in [m["id"] for m in members]


def test_a_member_may_name_a_user_of_the_municipality_only(plan_a, leader_api, leader_a, leader_b):
    base = f"/api/plans/{plan_a.pk}/bodies/"
    ok = leader_api.post(
        base,
        {"kind": "project", "name": "Prosjektgruppe", "members": [
            {"name": "Synnøve Flått", "role": "Prosjektleder", "user_id": leader_a.pk}
        ]},
        format="json",
    )  # fmt: skip
    assert ok.status_code == 201, ok.content
    assert ok.json()["members"][0]["user_id"] == leader_a.pk

    refused = leader_api.post(
        base,
        {"kind": "project", "name": "Prosjektgruppe 2", "members": [
            {"name": "Fra Nesseby", "user_id": leader_b.pk}
        ]},
        format="json",
    )  # fmt: skip
    assert refused.status_code == 400
    assert "ikke medlem av kommunen" in refused.json()["members"][0]


def test_links_between_parts_are_kept(plan_a, leader_api, nordre_land) -> None:
    base = f"/api/plans/{plan_a.pk}"
    milestones = {m["code"]: m["id"] for m in leader_api.get(f"{base}/milestones/").json()}
    risks = [r["id"] for r in leader_api.get(f"{base}/risks/").json()]
    main = leader_api.post(
        f"{base}/goals/", {"level": "main", "text": "Målrettet samhandling"}, format="json"
    ).json()
    work = leader_api.post(
        f"{base}/goals/",
        {"level": "work", "text": "Implementeringsplan godkjent", "due": "2018-06-01",
         "parent": main["id"]},
        format="json",
    ).json()  # fmt: skip
    assert work["parent"] == main["id"]

    measure = leader_api.post(
        f"{base}/measures/", {"text": "Felles fagdag", "goals": [main["id"], work["id"]]},
        format="json",
    ).json()  # fmt: skip
    assert sorted(measure["goals"]) == sorted([main["id"], work["id"]])

    activity = leader_api.post(
        f"{base}/activities/",
        {"code": "HA11", "name": "Utarbeide plan for implementering", "start_month": "2018-04-01",
         "end_month": "2018-06-01", "milestones": [milestones["MP7"]]},
        format="json",
    ).json()  # fmt: skip
    assert activity["milestones"] == [milestones["MP7"]]

    factor = leader_api.post(
        f"{base}/success-factors/", {"text": "Tid i enhetene", "risks": risks}, format="json"
    ).json()
    assert sorted(factor["risks"]) == sorted(risks)

    body = leader_api.get(f"{base}/bodies/").json()[0]
    series = leader_api.post(
        f"{base}/meeting-series/", {"name": "Styringsgruppemøter", "body": body["id"]},
        format="json",
    ).json()  # fmt: skip
    meeting = leader_api.post(
        f"{base}/meetings/",
        {"title": "Møte 1", "held_on": "2017-11-06", "series": series["id"]},
        format="json",
    ).json()
    assert meeting["series"] == series["id"] and meeting["body"] == body["id"]


def test_activity_months_are_stored_as_first_of_month(plan_a, leader_api) -> None:
    created = leader_api.post(
        f"/api/plans/{plan_a.pk}/activities/",
        {"code": "HA12", "name": "Avklare planer", "start_month": "2017-11-17",
         "end_month": "2017-12-31"},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    assert (created.json()["start_month"], created.json()["end_month"]) == (
        "2017-11-01",
        "2017-12-01",
    )


def test_only_one_phase_is_current(plan_a, leader_api, nordre_land) -> None:
    base = f"/api/plans/{plan_a.pk}/phases/"
    names = ["Innledende kartlegging", "Utarbeide samarbeidsavtaler", "Forankring", "Evaluering"]
    for order, name in enumerate(names, start=1):
        response = leader_api.post(
            base, {"order": order, "name": name, "is_current": True}, format="json"
        )
        assert response.status_code == 201, response.content

    current = [p["name"] for p in leader_api.get(base).json() if p["is_current"]]
    assert current == ["Evaluering"]


def test_markup_is_stored_as_text(plan_a, leader_api) -> None:
    text = '<script>alert("x")</script> & <b>fet</b>'
    created = leader_api.post(
        f"/api/plans/{plan_a.pk}/risks/",
        {"title": text, "likelihood": 2, "consequence": 2, "measure": text},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert (
        leader_api.get(f"/api/plans/{plan_a.pk}/risks/{created.json()['id']}/").json()["measure"]
        == text
    )
