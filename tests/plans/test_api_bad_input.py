"""Bad input is refused with Norwegian field errors, and nothing is written.

Given Nordre Land's seed plan (1 September 2017 – 31 August 2018) and its leader.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tenants.plans.models import (
    Activity,
    BodyMember,
    BudgetLine,
    Goal,
    Meeting,
    Milestone,
    Plan,
    Risk,
    SuccessFactor,
)
from tests.plans.conftest import inside
from tests.plans.test_validators import national_id

FNR = national_id("150312")


def counts(nordre_land) -> dict[str, int]:
    models = (Plan, Milestone, Risk, BudgetLine, Activity, Goal, BodyMember, Meeting, SuccessFactor)
    with inside(nordre_land):
        return {m.__name__: m.objects.count() for m in models}


def refused(response, field: str, text: str) -> None:
    assert response.status_code == 400, response.content
    messages = response.json()[field]
    flat = " ".join(str(m) for m in (messages.values() if isinstance(messages, dict) else messages))
    assert text in flat, flat


CASES: list[tuple[str, str, dict[str, Any], str, str]] = [
    # (id, part, payload, field, message)
    ("likelihood-6", "risks", {"title": "R", "likelihood": 6, "consequence": 2},
     "likelihood", "Bruk en verdi fra 1 til 5."),
    ("consequence-0", "risks", {"title": "R", "likelihood": 2, "consequence": 0},
     "consequence", "Bruk en verdi fra 1 til 5."),
    ("negative-amount", "budget-lines", {"kind": "cost", "label": "Reise", "amount": "-1.00"},
     "amount", "Beløpet kan ikke være negativt."),
    ("unknown-kind", "budget-lines", {"kind": "gave", "label": "Reise", "amount": "1.00"},
     "kind", "er ikke et gyldig valg"),
    ("milestone-before-plan", "milestones", {"code": "MP0", "title": "T", "due": "2017-08-31"},
     "due", "Datoen må ligge innenfor planperioden (01.09.2017–31.08.2018)."),
    ("milestone-after-plan", "milestones", {"code": "MP9", "title": "T", "due": "2018-09-01"},
     "due", "Datoen må ligge innenfor planperioden"),
    ("milestone-code-twice", "milestones", {"code": "MP1", "title": "T", "due": "2018-01-01"},
     "code", "Nummeret «MP1» er allerede brukt i denne planen."),
    ("milestone-code-other-case", "milestones", {"code": "mp1", "title": "T", "due": "2018-01-01"},
     "code", "er allerede brukt i denne planen"),
    ("decision-code-twice", "decision-points", {"code": "BP1", "title": "T", "due": "2018-01-01"},
     "code", "Nummeret «BP1» er allerede brukt"),
    ("activity-code-twice", "activities", {"code": "HA01", "name": "T",
     "start_month": "2018-01-01", "end_month": "2018-01-01"}, "code", "«HA01» er allerede brukt"),
    ("activity-end-before-start", "activities", {"code": "HA20", "name": "T",
     "start_month": "2018-03-01", "end_month": "2018-01-01"},
     "end_month", "Siste måned kan ikke være før første måned."),
    ("phase-end-before-start", "phases", {"name": "Fase", "start": "2018-03-01",
     "end": "2018-01-01"}, "end", "Slutt kan ikke være før start."),
    ("not-a-date", "milestones", {"code": "MP9", "title": "T", "due": "i morgen"},
     "due", "Dato har feil format"),
    ("no-such-day", "milestones", {"code": "MP9", "title": "T", "due": "2018-02-30"},
     "due", "Dato har feil format"),
    ("title-too-long", "milestones", {"code": "MP9", "title": "x" * 201, "due": "2018-01-01"},
     "title", "200 tegn"),
    ("criterion-too-long", "milestones", {"code": "MP9", "title": "T", "due": "2018-01-01",
     "criterion": "x" * 4001}, "criterion", "4000 eller færre tegn"),
    ("unknown-parent", "goals", {"level": "sub", "text": "T", "parent": 987654},
     "parent", "Overordnet mål med id 987654 finnes ikke i denne planen."),
    ("unknown-milestone-link", "activities", {"code": "HA20", "name": "T",
     "start_month": "2018-01-01", "end_month": "2018-01-01", "milestones": [987654]},
     "milestones", "finnes ikke i denne planen"),
    ("fnr-in-measure", "risks", {"title": "R", "likelihood": 2, "consequence": 2,
     "measure": f"Gjelder eleven {FNR}"}, "measure", "fødselsnummer"),
    ("fnr-with-space-in-title", "milestones", {"code": "MP9", "title": f"{FNR[:6]} {FNR[6:]}",
     "due": "2018-01-01"}, "title", "fødselsnummer"),
    ("fnr-in-member", "bodies", {"kind": "other", "name": "Framdriftsgruppe",
     "members": [{"name": f"Barn {FNR}"}]}, "members", "fødselsnummer"),
    ("fnr-in-action", "meetings", {"title": "Møte", "held_on": "2018-01-10",
     "actions": [{"text": f"Følge opp {FNR}", "owner": "PL"}]}, "actions", "fødselsnummer"),
    ("fnr-in-sub-point", "success-factors", {"text": "KSF", "sub_points": [f"Elev {FNR}"]},
     "sub_points", "fødselsnummer"),
    ("fnr-in-decision", "meetings", {"title": "Møte", "held_on": "2018-01-10",
     "decisions": [f"Vedtak om {FNR}"]}, "decisions", "fødselsnummer"),
    ("action-due-not-a-date", "meetings", {"title": "Møte", "held_on": "2018-01-10",
     "actions": [{"text": "Gjøre", "due": "snart"}]}, "actions", "Dato har feil format"),
    ("control-character-in-title", "milestones", {"code": "MP9", "title": "Kart\x0blegging",
     "due": "2018-01-01"}, "title", "kontrolltegn"),
    ("control-character-in-text", "risks", {"title": "R", "likelihood": 2, "consequence": 2,
     "measure": "Tiltak\x1b[31m"}, "measure", "kontrolltegn"),
    ("control-character-in-member", "bodies", {"kind": "other", "name": "Gruppe",
     "members": [{"name": "Kari\x07"}]}, "members", "kontrolltegn"),
    ("control-character-in-action", "meetings", {"title": "Møte", "held_on": "2018-01-10",
     "actions": [{"text": "Følge\x0c opp", "owner": "PL"}]}, "actions", "kontrolltegn"),
    ("control-character-in-sub-point", "success-factors", {"text": "KSF",
     "sub_points": ["Pun\x1fkt"]}, "sub_points", "kontrolltegn"),
]  # fmt: skip


@pytest.mark.parametrize(("part", "payload", "field", "message"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_bad_part_is_refused_and_nothing_written(
    part, payload, field, message, plan_a, nordre_land, leader_api
) -> None:
    before = counts(nordre_land)
    response = leader_api.post(f"/api/plans/{plan_a.pk}/{part}/", payload, format="json")
    refused(response, field, message)
    assert counts(nordre_land) == before


def test_parent_goal_from_another_plan_is_refused(plan_a, nordre_land, leader_api) -> None:
    other = leader_api.post(
        "/api/plans/", {"title": "Annen plan", "start": "2019-01-01", "end": "2019-12-31"},
        format="json",
    ).json()  # fmt: skip
    foreign = leader_api.post(
        f"/api/plans/{other['id']}/goals/", {"level": "main", "text": "Annet mål"}, format="json"
    ).json()
    before = counts(nordre_land)

    response = leader_api.post(
        f"/api/plans/{plan_a.pk}/goals/",
        {"level": "sub", "text": "Delmål", "parent": foreign["id"]},
        format="json",
    )

    refused(
        response, "parent", f"Overordnet mål med id {foreign['id']} finnes ikke i denne planen."
    )
    assert counts(nordre_land) == before


def test_a_goal_cannot_sit_under_its_own_sub_goal(plan_a, leader_api) -> None:
    base = f"/api/plans/{plan_a.pk}/goals/"
    top = leader_api.post(base, {"level": "main", "text": "Hovedmål"}, format="json").json()
    sub = leader_api.post(
        base, {"level": "sub", "text": "Delmål", "parent": top["id"]}, format="json"
    ).json()
    response = leader_api.patch(
        f"{base}{top['id']}/", {"parent": sub["id"], "version": 1}, format="json"
    )
    refused(response, "parent", "kan ikke ligge under seg selv")


def test_a_goal_with_sub_goals_is_not_deleted(plan_a, leader_api) -> None:
    base = f"/api/plans/{plan_a.pk}/goals/"
    top = leader_api.post(base, {"level": "main", "text": "Hovedmål"}, format="json").json()
    leader_api.post(base, {"level": "sub", "text": "Delmål", "parent": top["id"]}, format="json")
    response = leader_api.delete(f"{base}{top['id']}/")
    refused(response, "non_field_errors", "Målet har undermål")
    assert leader_api.get(f"{base}{top['id']}/").status_code == 200


PLAN_CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("end-before-start", {"title": "P", "start": "2018-05-01", "end": "2018-04-30"},
     "end", "Slutt kan ikke være før start."),
    ("starts-active", {"title": "P", "start": "2018-01-01", "end": "2018-12-31",
     "status": "active"}, "status", "En ny plan begynner som utkast."),
    ("text-over-limit", {"title": "P", "start": "2018-01-01", "end": "2018-12-31",
     "background": "x" * 20_001}, "background", "20000 eller færre tegn"),
    ("fnr-in-leaders", {"title": "P", "start": "2018-01-01", "end": "2018-12-31",
     "leaders": [f"Kari {FNR}"]}, "leaders", "fødselsnummer"),
    ("not-a-date", {"title": "P", "start": "01.09.17", "end": "2018-12-31"},
     "start", "Dato har feil format"),
]  # fmt: skip


@pytest.mark.parametrize(("payload", "field", "message"), [c[1:] for c in PLAN_CASES],
                         ids=[c[0] for c in PLAN_CASES])  # fmt: skip
def test_bad_plan_is_refused_and_nothing_written(
    payload, field, message, nordre_land, leader_api
) -> None:
    before = counts(nordre_land)
    refused(leader_api.post("/api/plans/", payload, format="json"), field, message)
    assert counts(nordre_land) == before


CHANGE_CASES: list[tuple[str, Callable[[Plan], str], dict[str, Any], str, str]] = [
    ("status-skips-approval", lambda p: f"/api/plans/{p.pk}/", {"status": "active"},
     "status", "Planen må godkjennes før den kan settes til «Aktiv»."),
    ("status-to-approved-by-edit", lambda p: f"/api/plans/{p.pk}/", {"status": "approved"},
     "status", "En plan godkjennes av prosjektleder med «Godkjenn plan»."),
    ("plan-end-before-start", lambda p: f"/api/plans/{p.pk}/", {"end": "2017-08-01"},
     "end", "Slutt kan ikke være før start."),
    ("plan-shrinks-past-milestones", lambda p: f"/api/plans/{p.pk}/", {"end": "2018-06-30"},
     "end", "Milepælene MP7, MP8 ville falt utenfor planperioden."),
]  # fmt: skip


@pytest.mark.parametrize(("url", "payload", "field", "message"), [c[1:] for c in CHANGE_CASES],
                         ids=[c[0] for c in CHANGE_CASES])  # fmt: skip
def test_bad_change_of_the_plan_is_refused(
    url, payload, field, message, plan_a, nordre_land, leader_api
) -> None:
    response = leader_api.patch(url(plan_a), {**payload, "version": 1}, format="json")
    refused(response, field, message)
    with inside(nordre_land):
        plan = Plan.objects.get(pk=plan_a.pk)
        assert (plan.status, plan.end.isoformat(), plan.version) == ("draft", "2018-08-31", 1)


def test_a_code_cannot_be_changed_to_one_in_use(plan_a, nordre_land, leader_api) -> None:
    with inside(nordre_land):
        mp2 = plan_a.milestones.get(code="MP2")
    response = leader_api.patch(
        f"/api/plans/{plan_a.pk}/milestones/{mp2.pk}/", {"code": "MP1", "version": 1}, format="json"
    )
    refused(response, "code", "Nummeret «MP1» er allerede brukt i denne planen.")
    with inside(nordre_land):
        assert Milestone.objects.get(pk=mp2.pk).code == "MP2"


def test_the_same_code_is_fine_in_another_plan(plan_a, leader_api) -> None:
    other = leader_api.post(
        "/api/plans/", {"title": "Annen plan", "start": "2019-01-01", "end": "2019-12-31"},
        format="json",
    ).json()  # fmt: skip
    response = leader_api.post(
        f"/api/plans/{other['id']}/milestones/",
        {"code": "MP1", "title": "Oppstart", "due": "2019-02-01"},
        format="json",
    )
    assert response.status_code == 201, response.content
