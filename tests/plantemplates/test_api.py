"""The plan templates API on both hosts: who sees, writes, starts from and takes what.

Isolation: another network's coordinator, a municipality outside the network, an
anonymous user, a guessed id and the wrong host all fail; a coordinator cannot take
changes into a municipality's plan (its host does not know them: 404).
"""

from __future__ import annotations

import copy

import pytest
from django_tenants.utils import tenant_context

from networks.plantemplates.models import PlanTemplate
from tenants.template_adoptions.models import Adoption
from tests.networks.conftest import municipality_api, public_api
from tests.plantemplates.conftest import edited, template_content

pytestmark = pytest.mark.django_db

START = {"title": "Fra nettverket", "start": "2026-01-01"}


# The public host: coordinators write, members read published ones -----------------------


def test_a_coordinator_creates_edits_and_publishes(coordinator_x, network_x):
    api = public_api(coordinator_x)
    created = api.post(
        f"/api/networks/{network_x.pk}/plan-templates/",
        {"title": "Ny mal", "content": template_content()},
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["published_version"], body["version"]) == (0, 1)

    content = copy.deepcopy(body["content"])
    content["months"] = 18
    changed = api.patch(f"/api/plan-templates/{body['id']}/", {"content": content, "version": 1})
    assert changed.status_code == 200
    assert changed.json()["content"]["months"] == 18

    stale = api.patch(f"/api/plan-templates/{body['id']}/", {"title": "x", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["current"]["version"] == 2

    published = api.post(f"/api/plan-templates/{body['id']}/publish/", {"version": 2})
    assert published.status_code == 200
    assert published.json()["published_version"] == 1
    again = api.post(f"/api/plan-templates/{body['id']}/publish/", {"version": 3})
    assert again.status_code == 400
    assert "Ingenting er endret" in str(again.json())

    versions = api.get(f"/api/plan-templates/{body['id']}/versions/")
    assert [v["number"] for v in versions.json()] == [1]
    assert versions.json()[0]["content"]["months"] == 18


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("tekst", "Må være et objekt"),
        ({"months": 12}, "minst 1"),
        ({**template_content(), "milestones": [{"code": 5, "title": "x", "at": "juni"}]}, "tekst"),
        (None, "null"),
    ],
)
def test_bad_content_is_a_400_in_norwegian_and_nothing_written(
    coordinator_x, network_x, content, message
):
    api = public_api(coordinator_x)
    response = api.post(
        f"/api/networks/{network_x.pk}/plan-templates/", {"title": "Mal", "content": content}
    )
    assert response.status_code == 400
    assert "content" in response.json()
    assert not PlanTemplate.objects.exists()


def test_members_see_published_templates_only(leader_a, network_x, template_x, draft_x):
    api = public_api(leader_a)
    listed = api.get(f"/api/networks/{network_x.pk}/plan-templates/")
    assert [t["id"] for t in listed.json()] == [template_x.pk]
    assert [t["id"] for t in api.get("/api/plan-templates/").json()] == [template_x.pk]
    assert api.get(f"/api/plan-templates/{draft_x.pk}/").status_code == 404
    assert api.get(f"/api/plan-templates/{template_x.pk}/").status_code == 200
    # and cannot write
    assert (
        api.post(
            f"/api/networks/{network_x.pk}/plan-templates/",
            {"title": "Mal", "content": template_content()},
        ).status_code
        == 403
    )
    patch = api.patch(f"/api/plan-templates/{template_x.pk}/", {"title": "Min", "version": 2})
    assert patch.status_code == 403


def test_another_networks_coordinator_and_outsiders_get_404(
    coordinator_y, leader_b, template_x, draft_x, network_x
):
    for user in (coordinator_y, leader_b):
        api = public_api(user)
        assert api.get(f"/api/networks/{network_x.pk}/plan-templates/").status_code == 404
        assert api.get("/api/plan-templates/").json() == []
        for template in (template_x, draft_x):
            assert api.get(f"/api/plan-templates/{template.pk}/").status_code == 404
            assert api.get(f"/api/plan-templates/{template.pk}/versions/").status_code == 404
            assert (
                api.post(f"/api/plan-templates/{template.pk}/publish/", {"version": 1}).status_code
                == 404
            )
            assert (
                api.patch(
                    f"/api/plan-templates/{template.pk}/", {"title": "x", "version": 1}
                ).status_code
                == 404
            )


def test_anonymous_and_guessed_ids(template_x, coordinator_x):
    assert public_api(None).get("/api/plan-templates/").status_code == 401
    assert public_api(None).get(f"/api/plan-templates/{template_x.pk}/").status_code == 401
    assert public_api(coordinator_x).get("/api/plan-templates/999999/").status_code == 404


def test_an_operator_sees_and_writes_every_template(operator, template_x, draft_x):
    api = public_api(operator)
    assert {t["id"] for t in api.get("/api/plan-templates/").json()} == {
        template_x.pk,
        draft_x.pk,
    }
    response = api.post(f"/api/plan-templates/{draft_x.pk}/publish/", {"version": 1})
    assert response.status_code == 200


def test_the_template_list_has_bounded_queries(
    coordinator_x, network_x, template_x, django_assert_max_num_queries
):
    api = public_api(coordinator_x)
    for index in range(8):
        api.post(
            f"/api/networks/{network_x.pk}/plan-templates/",
            {"title": f"Mal {index}", "content": template_content()},
        )
    with django_assert_max_num_queries(12):
        response = api.get("/api/plan-templates/?page_size=50")
    assert len(response.json()) == 9


# A municipality's host: start a plan, see and take changes ----------------------------------


def test_the_municipality_sees_its_networks_published_templates(
    nordre_land, nesseby, leader_a, leader_b, template_x, template_y, draft_x,
    django_assert_max_num_queries,
):  # fmt: skip
    api = municipality_api(leader_a, nordre_land)
    with django_assert_max_num_queries(12):
        listed = api.get("/api/network-plan-templates/")
    assert [t["id"] for t in listed.json()] == [template_x.pk]
    assert listed.json()[0]["content"]["milestones"][0]["code"] == "MP1"
    assert api.get(f"/api/network-plan-templates/{template_x.pk}/").status_code == 200
    assert api.get(f"/api/network-plan-templates/{template_x.pk}/versions/").status_code == 200
    for other in (template_y, draft_x):
        assert api.get(f"/api/network-plan-templates/{other.pk}/").status_code == 404
    # Nesseby (network Y) does not see network X's
    other = municipality_api(leader_b, nesseby)
    assert other.get(f"/api/network-plan-templates/{template_x.pk}/").status_code == 404
    # The other municipality's user on this host is 404 for everything
    assert (
        municipality_api(leader_b, nordre_land).get("/api/network-plan-templates/").status_code
        == 404
    )


def test_a_leader_starts_takes_and_isolation_holds(
    nordre_land, nesseby, leader_a, leader_b, coordinator_x, template_x, template_y
):
    api = municipality_api(leader_a, nordre_land)
    # A non-member cannot start from it, on its own host
    refused = municipality_api(leader_b, nesseby).post(
        f"/api/network-plan-templates/{template_x.pk}/start/", START
    )
    assert refused.status_code == 404
    # Another network's template is 404 here too
    assert api.post(f"/api/network-plan-templates/{template_y.pk}/start/", START).status_code == 404
    # Bad input: a 400 in Norwegian
    bad = api.post(
        f"/api/network-plan-templates/{template_x.pk}/start/", {**START, "start": "i morgen"}
    )
    assert bad.status_code == 400
    assert "gyldig dato" in str(bad.json())

    created = api.post(f"/api/network-plan-templates/{template_x.pk}/start/", START)
    assert created.status_code == 201, created.json()
    plan_id = created.json()["id"]
    state = api.get(f"/api/plans/{plan_id}/template-changes/").json()
    assert (state["template"], state["started_version"], state["changes"]) == (template_x.pk, 1, [])

    def change(content):
        content["milestones"][1]["title"] = "Rutiner godkjent"
        content["bodies"].append({"kind": "project", "name": "Prosjektgruppe", "mandate": "Gjør"})

    edited(template_x, coordinator_x, change)
    state = api.get(f"/api/plans/{plan_id}/template-changes/").json()
    assert [(c["key"], c["kind"]) for c in state["changes"]] == [
        ("milestone:MP2", "changed"),
        ("body:Prosjektgruppe", "added"),
    ]
    assert state["changes"][0]["changed_fields"] == ["title"]

    # Another municipality's leader, on this host: 404
    stranger = municipality_api(leader_b, nordre_land)
    assert stranger.get(f"/api/plans/{plan_id}/template-changes/").status_code == 404
    # The coordinator cannot write into the municipality's schema: not a member, 404
    coordinator = municipality_api(coordinator_x, nordre_land)
    take = f"/api/plans/{plan_id}/template-changes/take/"
    body = {"keys": ["milestone:MP2"], "template_version": 2}
    assert coordinator.post(take, body).status_code == 404
    # nor on the public host, where the route does not exist
    assert public_api(coordinator_x).post(take, body).status_code == 404
    # A stale list is a conflict
    assert api.post(take, {**body, "template_version": 1}).status_code == 409

    taken = api.post(take, body)
    assert taken.status_code == 200
    assert [c["key"] for c in taken.json()["changes"]] == ["body:Prosjektgruppe"]
    with tenant_context(nordre_land):
        assert Adoption.objects.get(plan_id=plan_id).reviewed_version == 2


def test_a_plan_not_from_a_template_has_no_changes(nordre_land, leader_a):
    api = municipality_api(leader_a, nordre_land)
    plan = api.post("/api/plans/", {"title": "Egen", "start": "2026-01-01", "end": "2026-12-31"})
    assert plan.status_code == 201, plan.json()
    state = api.get(f"/api/plans/{plan.json()['id']}/template-changes/")
    assert state.json()["template"] is None
    take = api.post(
        f"/api/plans/{plan.json()['id']}/template-changes/take/",
        {"keys": ["milestone:MP1"], "template_version": 1},
    )
    assert take.status_code == 400
    assert "ikke laget fra en nettverksmal" in str(take.json())


def test_anonymous_and_guessed_ids_on_the_municipality_host(nordre_land, leader_a):
    assert (
        municipality_api(None, nordre_land).get("/api/network-plan-templates/").status_code == 401
    )
    api = municipality_api(leader_a, nordre_land)
    assert api.get("/api/network-plan-templates/999999/").status_code == 404
    assert api.get("/api/plans/999999/template-changes/").status_code == 404
