"""Given Nordre Land's seed plan: every change is recorded (who, when, before and after),
shown per object, and a deleted milestone, risk or goal can be restored as it was.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.plans import services
from tenants.plans.models import Activity, Change, Goal, Milestone, Plan, Risk
from tenants.plans.registry import PARTS as REGISTRY_PARTS
from tests.plans.conftest import api_as, inside
from tests.plans.test_api_crud import PARTS, Part
from tests.plans.test_api_queries import MAX_QUERIES

OBJECT_TYPES = {part.api_slug: part.history_type for part in REGISTRY_PARTS}


def history_of(api, plan: Plan, object_type: str, object_id: int) -> list[dict[str, Any]]:
    response = api.get(f"/api/plans/{plan.pk}/history/", {"type": object_type, "object": object_id})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("part", PARTS, ids=str)
def test_every_change_of_every_part_is_recorded(part: Part, plan_a: Plan, leader_api) -> None:
    # Given a part the leader creates, changes and deletes
    base = f"/api/plans/{plan_a.pk}/{part.path}/"
    created = leader_api.post(base, part.create, format="json").json()
    url = f"{base}{created['id']}/"
    assert leader_api.patch(url, {**part.change, "version": 1}, format="json").status_code == 200
    assert leader_api.delete(url).status_code == 204

    # When the object's history is read
    changes = history_of(leader_api, plan_a, OBJECT_TYPES[part.path], created["id"])

    # Then it shows the three changes, newest first, by the leader
    assert [c["action"] for c in changes] == ["delete", "update", "create"]
    assert [c["action_display"] for c in changes] == ["Slettet", "Endret", "Opprettet"]
    assert {c["user_name"] for c in changes} == {"leder.nordre-land"}
    # and the update says what each changed field was before and after
    update = changes[1]
    changed_fields = {d["field"] for d in update["differences"]}
    altered = {name for name, value in part.change.items() if part.create.get(name) != value}
    assert altered and altered <= changed_fields, update["differences"]
    assert update["before"]["version"] == 1 and update["after"]["version"] == 2
    # and the deletion keeps the row as it was
    assert changes[0]["before"]["id"] == created["id"] and changes[0]["after"] is None


def test_an_update_shows_labels_and_values_before_and_after(
    plan_a: Plan, nordre_land, leader_api
) -> None:
    # Given MP1 of the seed plan
    with inside(nordre_land):
        mp1 = Milestone.objects.get(plan=plan_a, code="MP1")
    url = f"/api/plans/{plan_a.pk}/milestones/{mp1.pk}/"

    # When the leader marks it done
    leader_api.patch(url, {"status": "done", "done_on": "2017-11-06", "version": 1}, format="json")

    # Then its history shows the status and date, with Norwegian labels
    update = history_of(leader_api, plan_a, "milestone", mp1.pk)[0]
    differences = {d["field"]: d for d in update["differences"]}
    assert differences["status"]["before"] == "planned"
    assert differences["status"]["after"] == "done"
    assert differences["status"]["label"] == "Status"
    assert differences["done_on"] == {
        "field": "done_on",
        "label": "Nådd dato",
        "before": None,
        "after": "2017-11-06",
    }
    assert "version" not in differences


def _deletion(plan: Plan, object_type: str, object_id: int) -> Change:
    return Change.objects.get(
        plan_id=plan.pk, object_type=object_type, object_id=object_id, action="delete"
    )


def test_a_deleted_milestone_comes_back_with_its_links(
    plan_a: Plan, leader_a, nordre_land, leader_api
) -> None:
    # Given MP2, linked from an activity, is deleted
    with inside(nordre_land):
        mp2 = Milestone.objects.get(plan=plan_a, code="MP2")
        activity = Activity.objects.filter(plan=plan_a).first()
        services.update_activity(nordre_land, activity, leader_a, {"milestones": [mp2]}, version=1)
        before = {"title": mp2.title, "due": mp2.due, "criterion": mp2.criterion}
        linked = set(mp2.activities.all())
        assert activity in linked
    assert leader_api.delete(f"/api/plans/{plan_a.pk}/milestones/{mp2.pk}/").status_code == 204
    with inside(nordre_land):
        deletion = _deletion(plan_a, "milestone", mp2.pk)

    # When the leader restores it
    restored = leader_api.post(f"/api/plans/{plan_a.pk}/history/{deletion.pk}/restore/")

    # Then it is back with its id, its values and its activity link
    assert restored.status_code == 201, restored.content
    assert restored.json()["type"] == "milestone"
    assert restored.json()["object"]["id"] == mp2.pk
    with inside(nordre_land):
        back = Milestone.objects.get(pk=mp2.pk)
        assert {"title": back.title, "due": back.due, "criterion": back.criterion} == before
        assert set(back.activities.all()) == linked
    # and the history tells it was restored, by whom
    changes = history_of(leader_api, plan_a, "milestone", mp2.pk)
    assert [c["action"] for c in changes][:2] == ["restore", "delete"]
    assert changes[0]["user_name"] == "leder.nordre-land"
    # and it cannot be restored twice
    again = leader_api.post(f"/api/plans/{plan_a.pk}/history/{deletion.pk}/restore/")
    assert again.status_code == 400
    assert "gjenopprett" in again.json()["change"][0] or "Fant ingen" in again.json()["change"][0]


def test_a_deleted_risk_comes_back_with_its_success_factors(
    plan_a: Plan, leader_a, nordre_land, leader_api
) -> None:
    # Given a risk linked from a success factor, deleted
    with inside(nordre_land):
        risk = Risk.objects.filter(plan=plan_a).first()
        factor = services.create_success_factor(
            nordre_land, plan_a, leader_a, {"text": "Forankring i ledelsen", "risks": [risk]}
        )
        score = risk.score
    leader_api.delete(f"/api/plans/{plan_a.pk}/risks/{risk.pk}/")
    with inside(nordre_land):
        assert not factor.risks.exists()
        deletion = _deletion(plan_a, "risk", risk.pk)

    # When it is restored
    restored = leader_api.post(f"/api/plans/{plan_a.pk}/history/{deletion.pk}/restore/")

    # Then its score and its success factor are back
    assert restored.status_code == 201, restored.content
    assert restored.json()["object"]["score"] == score
    with inside(nordre_land):
        assert list(factor.risks.all()) == [Risk.objects.get(pk=risk.pk)]


def test_a_deleted_goal_comes_back_without_a_parent_that_is_gone(
    plan_a: Plan, leader_a, nordre_land, leader_api
) -> None:
    # Given a sub-goal under a main goal; the sub-goal is deleted, then the main goal
    with inside(nordre_land):
        main = services.create_goal(
            nordre_land, plan_a, leader_a, {"level": "main", "text": "Hovedmål"}
        )
        sub = services.create_goal(
            nordre_land, plan_a, leader_a, {"level": "sub", "text": "Delmål", "parent": main}
        )
        sub_id = sub.pk
        services.delete_goal(nordre_land, sub, leader_a)
        services.delete_goal(nordre_land, main, leader_a)
        deletion = _deletion(plan_a, "goal", sub_id)

    # When the sub-goal is restored
    restored = leader_api.post(f"/api/plans/{plan_a.pk}/history/{deletion.pk}/restore/")

    # Then it is back, at the top of the tree
    assert restored.status_code == 201, restored.content
    assert restored.json()["object"]["parent"] is None
    with inside(nordre_land):
        assert Goal.objects.get(pk=sub_id).text == "Delmål"


def test_a_restore_that_breaks_a_rule_is_refused_and_writes_nothing(
    plan_a: Plan, leader_a, nordre_land, leader_api
) -> None:
    # Given MP1 was deleted and its code has been used again since
    with inside(nordre_land):
        mp1 = Milestone.objects.get(plan=plan_a, code="MP1")
        mp1_id = mp1.pk
        services.delete_milestone(nordre_land, mp1, leader_a)
        services.create_milestone(
            nordre_land, plan_a, leader_a, {"code": "MP1", "title": "Ny MP1", "due": mp1.due}
        )
        deletion = _deletion(plan_a, "milestone", mp1_id)
        changes_before = Change.objects.count()

    # When the old MP1 is restored
    refused = leader_api.post(f"/api/plans/{plan_a.pk}/history/{deletion.pk}/restore/")

    # Then the code clash is explained in Norwegian, and nothing is written
    assert refused.status_code == 400
    assert "MP1" in refused.json()["code"][0] and "allerede brukt" in refused.json()["code"][0]
    with inside(nordre_land):
        assert not Milestone.objects.filter(pk=mp1_id).exists()
        assert Change.objects.count() == changes_before


def test_a_refused_change_is_not_recorded(plan_a: Plan, nordre_land, leader_api) -> None:
    # Given the history as it is
    with inside(nordre_land):
        count = Change.objects.filter(plan_id=plan_a.pk).count()
        risk = Risk.objects.filter(plan=plan_a).first()

    # When a change is refused
    response = leader_api.patch(
        f"/api/plans/{plan_a.pk}/risks/{risk.pk}/", {"likelihood": 9, "version": 1}, format="json"
    )

    # Then no change is recorded
    assert response.status_code == 400
    with inside(nordre_land):
        assert Change.objects.filter(plan_id=plan_a.pk).count() == count


def test_the_history_is_the_municipalitys_own(
    plan_a: Plan, plan_b: Plan, leader_a, leader_b, nordre_land, nesseby, viewer_a
) -> None:
    with inside(nordre_land):
        mp = Milestone.objects.filter(plan=plan_a).first()
        mp_id = mp.pk
        services.delete_milestone(nordre_land, mp, leader_a)
        deletion = _deletion(plan_a, "milestone", mp_id)
    with inside(nesseby):
        risk = Risk.objects.filter(plan=plan_b).first()
        risk_id = risk.pk
        services.delete_risk(nesseby, risk, leader_b)
        other = _deletion(plan_b, "risk", risk_id)
    history = f"/api/plans/{plan_a.pk}/history/"
    restore = f"/api/plans/{plan_a.pk}/history/{deletion.pk}/restore/"

    # Anonymous: 401; the other municipality's leader: 404 on both
    assert api_as(None, nordre_land).get(history).status_code == 401
    assert api_as(None, nordre_land).post(restore).status_code == 401
    assert api_as(leader_b, nordre_land).get(history).status_code == 404
    assert api_as(leader_b, nordre_land).post(restore).status_code == 404
    # A viewer reads but cannot restore
    assert api_as(viewer_a, nordre_land).get(history).status_code == 200
    assert api_as(viewer_a, nordre_land).post(restore).status_code == 403
    # Nesseby's deletion cannot be reached from Nordre Land's host: its id there is
    # Nordre Land's own change (or none), never Nesseby's row
    leader = api_as(leader_a, nordre_land)
    leader.post(f"/api/plans/{plan_a.pk}/history/{other.pk}/restore/")
    with inside(nesseby):
        assert not Risk.objects.filter(pk=risk_id).exists()
    # and Nesseby's leader restores it on Nesseby's host only
    assert (
        api_as(leader_b, nesseby)
        .post(f"/api/plans/{plan_b.pk}/history/{other.pk}/restore/")
        .status_code
        == 201
    )
    # A guessed change id: 404
    assert leader.post(f"/api/plans/{plan_a.pk}/history/999999/restore/").status_code == 404


def test_a_change_of_another_plan_cannot_be_restored_through_this_one(
    plan_a: Plan, leader_a, nordre_land, leader_api
) -> None:
    # Given a second plan in the same municipality with a deleted milestone
    with inside(nordre_land):
        other = services.create_plan(
            nordre_land, leader_a, {"title": "Annen plan", "start": plan_a.start, "end": plan_a.end}
        )
        mp = services.create_milestone(
            nordre_land, other, leader_a, {"code": "MP1", "title": "X", "due": plan_a.start}
        )
        mp_id = mp.pk
        services.delete_milestone(nordre_land, mp, leader_a)
        deletion = _deletion(other, "milestone", mp_id)

    # When it is restored through the first plan: 404, as for an id that does not exist
    response = leader_api.post(f"/api/plans/{plan_a.pk}/history/{deletion.pk}/restore/")
    assert response.status_code == 404
    with inside(nordre_land):
        assert not Milestone.objects.filter(pk=mp_id).exists()


def test_bad_history_queries_are_refused_in_norwegian(plan_a: Plan, leader_api) -> None:
    url = f"/api/plans/{plan_a.pk}/history/"
    unknown = leader_api.get(url, {"type": "kake"})
    assert unknown.status_code == 400 and "Ukjent type" in unknown.json()["type"][0]
    no_type = leader_api.get(url, {"object": 3})
    assert no_type.status_code == 400 and "typen" in no_type.json()["type"][0]
    assert leader_api.get(url, {"object": "x", "type": "risk"}).status_code == 400


def test_history_queries_do_not_grow_with_changes(
    plan_a: Plan, leader_a, nordre_land, leader_api
) -> None:
    # Given the history read once
    url = f"/api/plans/{plan_a.pk}/history/"
    with CaptureQueriesContext(connection) as few_queries:
        few = leader_api.get(url)

    # When 30 more changes are recorded and it is read again
    with inside(nordre_land):
        for number in range(30):
            services.create_risk(
                nordre_land,
                plan_a,
                leader_a,
                {"title": f"Risiko {number}", "likelihood": 2, "consequence": 3},
            )
    with CaptureQueriesContext(connection) as many_queries:
        many = leader_api.get(url)

    # Then it shows them with the same number of queries, within the list pages' bound
    assert len(many.json()) == len(few.json()) + 30
    assert len(many_queries) == len(few_queries) <= MAX_QUERIES


def test_a_risks_reassessments_are_kept(
    plan_a: Plan, leader_a, editor_a, nordre_land, leader_api
) -> None:
    # Given a risk assessed 2×3, then reassessed by the editor to 4×3, then its text changed
    with inside(nordre_land):
        risk = services.create_risk(
            nordre_land,
            plan_a,
            leader_a,
            {"title": "Manglende forankring", "likelihood": 2, "consequence": 3},
        )
        risk = services.update_risk(nordre_land, risk, editor_a, {"likelihood": 4}, version=1)
        services.update_risk(
            nordre_land, risk, leader_a, {"measure": "Møte med rådmannen"}, version=2
        )

    # When its reassessments are read
    response = leader_api.get(f"/api/plans/{plan_a.pk}/risks/{risk.pk}/reassessments/")

    # Then both assessments are there, oldest first, with who made them; the text change is not
    assert response.status_code == 200, response.content
    assert [(r["likelihood"], r["consequence"], r["score"]) for r in response.json()] == [
        (2, 3, 6),
        (4, 3, 12),
    ]
    assert [r["user_name"] for r in response.json()] == [
        "leder.nordre-land",
        "redaktor.nordre-land",
    ]
    # and another plan's or a guessed risk id is not found
    assert leader_api.get(f"/api/plans/{plan_a.pk}/risks/987654/reassessments/").status_code == 404
