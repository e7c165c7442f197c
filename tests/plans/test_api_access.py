"""Who reaches a plan: roles decide writing; another municipality never sees it.

Given Nordre Land's seed plan (municipality A) and Nesseby (B) with a leader in each.
"""

from __future__ import annotations

import pytest

from tenants.plans.models import Milestone, Plan
from tenants.plans.registry import PARTS
from tests.conftest import client_for, host_of
from tests.plans.conftest import api_as, inside
from tests.urlmaps import GUESSED_ID, routes_of

PART_PATHS = [part.api_slug for part in PARTS]  # every part of the registry
GUESSED = GUESSED_ID


def every_url_of(plan: Plan, municipality) -> list[str]:
    """Every plans endpoint of A's plan, from the URL map (so new routes are covered): each
    with guessed ids, with A's plan id and guessed part ids, and with real part ids."""
    urls = set()
    for route in routes_of("samla.urls_tenant"):
        if route.path.startswith("/api/plans/"):
            urls.add(route.path)
            urls.add(route.path.replace(f"/api/plans/{GUESSED}/", f"/api/plans/{plan.pk}/", 1))
    with inside(municipality):
        real = {
            "milestones": plan.milestones.first().pk,
            "risks": plan.risks.first().pk,
            "activities": plan.activities.first().pk,
            "decision-points": plan.decision_points.first().pk,
            "budget-lines": plan.budget_lines.first().pk,
            "bodies": plan.bodies.first().pk,
        }
    for path, pk in real.items():
        urls.add(f"/api/plans/{plan.pk}/{path}/{pk}/")
    assert len(urls) > 40, "the plans routes were not found in the URL map"
    return sorted(urls)


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_other_municipalitys_user_gets_404_everywhere_on_a(
    method, plan_a, nordre_land, leader_b
) -> None:
    api = api_as(leader_b, nordre_land)
    for url in every_url_of(plan_a, nordre_land):
        response = getattr(api, method)(url, {"title": "Kapret"}, format="json")
        assert response.status_code == 404, (url, response.status_code)
    with inside(nordre_land):
        assert not Plan.objects.filter(title="Kapret").exists()
        assert Plan.objects.filter(pk=plan_a.pk).exists()


def test_other_municipalitys_session_gets_404_too(plan_a, nordre_land, leader_b) -> None:
    client = client_for(host_of(nordre_land), leader_b)
    for url in every_url_of(plan_a, nordre_land):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("method", ["get", "post", "patch", "delete"])
def test_anonymous_gets_401(method, plan_a, nordre_land) -> None:
    api = api_as(None, nordre_land)
    for url in every_url_of(plan_a, nordre_land):
        response = getattr(api, method)(url, {}, format="json")
        assert response.status_code == 401, (url, response.status_code)


def test_a_plan_id_of_a_on_bs_host_is_not_found(plan_a, nordre_land, nesseby, leader_b) -> None:
    """B's schema has no plans: A's ids mean nothing there."""
    api = api_as(leader_b, nesseby)
    with inside(nordre_land):
        milestone = plan_a.milestones.first()
    assert api.get("/api/plans/").json() == []
    assert api.get(f"/api/plans/{plan_a.pk}/").status_code == 404
    assert api.get(f"/api/plans/{plan_a.pk}/milestones/").status_code == 404
    assert api.get(f"/api/plans/{plan_a.pk}/milestones/{milestone.pk}/").status_code == 404
    assert (
        api.patch(
            f"/api/plans/{plan_a.pk}/", {"title": "Kapret", "version": 1}, format="json"
        ).status_code
        == 404
    )
    with inside(nordre_land):
        assert Plan.objects.get(pk=plan_a.pk).title == "Barn/unge og tverrfaglig samarbeid"


def test_each_municipality_lists_only_its_own_plan(
    plan_a, plan_b, nordre_land, nesseby, leader_a, leader_b
) -> None:
    titles_a = [p["title"] for p in api_as(leader_a, nordre_land).get("/api/plans/").json()]
    titles_b = [p["title"] for p in api_as(leader_b, nesseby).get("/api/plans/").json()]
    assert titles_a == ["Barn/unge og tverrfaglig samarbeid"]
    assert titles_b == ["Best sammen: samarbeid for barn og unge i Unjárga/Nesseby"]


def test_a_part_of_another_plan_is_not_found(plan_a, nordre_land, leader_a, leader_api) -> None:
    """Within one municipality too, a part is only reachable under its own plan."""
    other = leader_api.post(
        "/api/plans/", {"title": "Annen plan", "start": "2019-01-01", "end": "2019-12-31"},
        format="json",
    ).json()  # fmt: skip
    with inside(nordre_land):
        milestone = plan_a.milestones.first()
    url = f"/api/plans/{other['id']}/milestones/{milestone.pk}/"
    assert leader_api.get(url).status_code == 404
    assert (
        leader_api.patch(url, {"title": "Flyttet", "version": 1}, format="json").status_code == 404
    )
    assert leader_api.delete(url).status_code == 404
    with inside(nordre_land):
        assert Milestone.objects.get(pk=milestone.pk).title == "Prosjektplan utarbeidd"


def test_viewer_reads_everything_and_writes_nothing(plan_a, nordre_land, viewer_a) -> None:
    api = api_as(viewer_a, nordre_land)
    assert api.get(f"/api/plans/{plan_a.pk}/").status_code == 200
    for path in PART_PATHS:
        assert api.get(f"/api/plans/{plan_a.pk}/{path}/").status_code == 200, path
    with inside(nordre_land):
        milestone = plan_a.milestones.first()
    url = f"/api/plans/{plan_a.pk}/milestones/{milestone.pk}/"
    assert api.get(url).json()["code"] == "MP1"

    refused = [
        api.post("/api/plans/", {"title": "Ny", "start": "2019-01-01", "end": "2019-02-01"}),
        api.patch(f"/api/plans/{plan_a.pk}/", {"title": "Endret", "version": 1}, format="json"),
        api.post(f"/api/plans/{plan_a.pk}/risks/", {"title": "Ny", "likelihood": 1,
                                                    "consequence": 1}, format="json"),
        api.patch(url, {"title": "Endret", "version": 1}, format="json"),
        api.put(url, {"code": "MP1", "title": "Endret", "due": "2017-11-01", "version": 1},
                format="json"),
        api.delete(url),
        api.post(f"/api/plans/{plan_a.pk}/approve/", {}, format="json"),
        api.delete(f"/api/plans/{plan_a.pk}/"),
    ]  # fmt: skip
    assert [r.status_code for r in refused] == [403] * len(refused)
    with inside(nordre_land):
        assert Milestone.objects.get(pk=milestone.pk).title == "Prosjektplan utarbeidd"
        assert Plan.objects.count() == 1


def test_editor_writes_but_cannot_approve_submit_or_delete_the_plan(
    plan_a, nordre_land, editor_a
) -> None:
    api = api_as(editor_a, nordre_land)
    report = api.post(
        f"/api/plans/{plan_a.pk}/status-reports/", {"date": "2018-02-01", "summary": "Ok"},
        format="json",
    )  # fmt: skip
    assert report.status_code == 201

    approve = api.post(f"/api/plans/{plan_a.pk}/approve/", {}, format="json")
    submit = api.post(f"/api/plans/{plan_a.pk}/status-reports/{report.json()['id']}/submit/")
    delete = api.delete(f"/api/plans/{plan_a.pk}/")

    assert (approve.status_code, submit.status_code, delete.status_code) == (403, 403, 403)
    with inside(nordre_land):
        plan = Plan.objects.get(pk=plan_a.pk)
        assert plan.status == "draft"
        assert plan.status_reports.get().submitted_at is None


def test_leader_approves_and_the_plan_can_then_start(plan_a, leader_api) -> None:
    url = f"/api/plans/{plan_a.pk}/"
    approved = leader_api.post(
        f"{url}approve/", {"approved_on": "2017-11-06", "approved_by": "Styringsgruppa"},
        format="json",
    )  # fmt: skip
    assert approved.status_code == 200, approved.content
    plan = approved.json()
    assert (plan["status"], plan["approved_on"], plan["approved_by"]) == (
        "approved", "2017-11-06", "Styringsgruppa",
    )  # fmt: skip

    started = leader_api.patch(url, {"status": "active", "version": plan["version"]}, format="json")
    assert started.status_code == 200, started.content
    assert started.json()["status"] == "active"

    again = leader_api.post(f"{url}approve/", {}, format="json")
    assert again.status_code == 400
    assert "Bare et utkast kan godkjennes" in again.json()["status"][0]


def test_the_schema_documents_the_plans_api(plan_a, leader_api) -> None:
    response = leader_api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/plans/{plan_id}/milestones/{pk}/" in paths
    assert "/api/plans/{plan_id}/budget-lines/" in paths
