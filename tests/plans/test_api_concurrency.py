"""Two people editing the same object: the second save with a stale version gets 409.

Given Nordre Land's seed plan and two API clients of its leader and editor.
"""

from __future__ import annotations

from tenants.plans.models import Milestone, Plan
from tests.plans.conftest import api_as, inside


def test_stale_version_gets_409_with_the_current_object(
    plan_a, nordre_land, leader_api, editor_a
) -> None:
    editor_api = api_as(editor_a, nordre_land)
    with inside(nordre_land):
        mp2 = plan_a.milestones.get(code="MP2")
    url = f"/api/plans/{plan_a.pk}/milestones/{mp2.pk}/"
    # both read version 1
    seen_by_leader = leader_api.get(url).json()
    seen_by_editor = editor_api.get(url).json()
    assert seen_by_leader["version"] == seen_by_editor["version"] == 1

    # the leader saves first
    first = leader_api.patch(url, {"status": "done", "version": 1}, format="json")
    assert first.status_code == 200 and first.json()["version"] == 2

    # when the editor saves on top of version 1
    second = editor_api.patch(url, {"title": "Kartlegging ferdig", "version": 1}, format="json")

    # then the editor is told, and sees the current object
    assert second.status_code == 409
    body = second.json()
    assert body["detail"].startswith("Noen andre har endret dette mens du redigerte.")
    assert body["current"]["version"] == 2 and body["current"]["status"] == "done"
    assert body["current"]["title"] == "Kartlegging av nåsituasjon gjennomført"
    with inside(nordre_land):
        assert Milestone.objects.get(pk=mp2.pk).title == "Kartlegging av nåsituasjon gjennomført"


def test_stale_put_of_a_plan_gets_409(plan_a, nordre_land, leader_api) -> None:
    url = f"/api/plans/{plan_a.pk}/"
    plan = leader_api.get(url).json()
    assert leader_api.patch(url, {"number": "P-17", "version": 1}, format="json").status_code == 200
    stale = leader_api.put(url, {**plan, "title": "Overskrevet", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["number"] == "P-17"
    with inside(nordre_land):
        assert Plan.objects.get(pk=plan_a.pk).title == "Barn/unge og tverrfaglig samarbeid"


def test_nested_members_follow_the_bodys_version(plan_a, leader_api) -> None:
    base = f"/api/plans/{plan_a.pk}/bodies/"
    body = leader_api.get(base).json()[0]
    url = f"{base}{body['id']}/"
    assert leader_api.patch(url, {"mandate": "Ny", "version": 1}, format="json").status_code == 200
    stale = leader_api.patch(url, {"members": [], "version": 1}, format="json")
    assert stale.status_code == 409
    assert len(leader_api.get(url).json()["members"]) == 5


def test_a_change_must_name_its_version(plan_a, nordre_land, leader_api) -> None:
    with inside(nordre_land):
        risk = plan_a.risks.first()
    response = leader_api.patch(
        f"/api/plans/{plan_a.pk}/risks/{risk.pk}/", {"likelihood": 5}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["version"] == ["Oppgi versjonen du har endret (feltet «version»)."]
