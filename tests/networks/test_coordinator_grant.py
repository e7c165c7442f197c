"""The network coordinator's read-only plan grant, route by route.

Given Nesseby with its seed plan, a member of network Y whose coordinator has no role in
Nesseby: while Nesseby shares its plans with Y, the coordinator reads Nesseby's plan
pages and plan API (GET) and nothing else on its host, and can write nothing; when
Nesseby shares figures only again, or leaves, every route is 404 again. Another
network's coordinator never gets in. The walk covers every guarded route of the
municipality's URL map, so a new route is covered without anyone adding it.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from knox.models import AuthToken

from networks.models import NetworkMembership, Sharing
from samla.accounts.access import plan_grant
from tenants.plans.seed_plans import SEEDS, build_seed_plan
from tests.conftest import api_client_for, client_for, host_of
from tests.urlmaps import routes_of

pytestmark = pytest.mark.django_db

GUARDED = [r for r in routes_of("samla.urls_tenant") if not r.is_open]
PLAN_ROUTES = [r for r in GUARDED if r.name and r.path.startswith(("/api/plans/", "/planer/"))]
OTHER_ROUTES = [r for r in GUARDED if r not in PLAN_ROUTES]
UNSAFE = ["post", "put", "patch", "delete"]


def ids(routes):
    return [f"{r.name or '?'}:{r.path}" for r in routes]


@pytest.fixture
def plan(nesseby, leader_b):
    with tenant_context(nesseby):
        return build_seed_plan(nesseby, leader_b, SEEDS["nesseby"], today=timezone.localdate())


@pytest.fixture
def sharing_plans(network_y, nesseby):
    NetworkMembership.objects.filter(network=network_y, municipality=nesseby).update(
        sharing=Sharing.PLANS
    )


def page(user, nesseby):
    return client_for(host_of(nesseby), user)


def api(user, nesseby):
    return api_client_for(host_of(nesseby), AuthToken.objects.create(user)[1])


def test_the_walk_finds_plan_and_other_routes():
    assert len(PLAN_ROUTES) > 30
    assert {"/", "/api/network-memberships/", "/api/me/"} <= {r.path for r in OTHER_ROUTES}


def test_coordinator_reads_the_shared_plan(coordinator_y, nesseby, plan, sharing_plans):
    pages = page(coordinator_y, nesseby)
    listed = pages.get("/planer/")
    assert listed.status_code == 200
    assert plan.title.encode() in listed.content
    overview = pages.get(f"/planer/{plan.pk}/")
    assert overview.status_code == 200
    assert pages.get(f"/planer/{plan.pk}/milepaeler/").status_code == 200
    client = api(coordinator_y, nesseby)
    plans = client.get("/api/plans/")
    assert plans.status_code == 200 and [p["id"] for p in plans.json()] == [plan.pk]
    assert client.get(f"/api/plans/{plan.pk}/milestones/").status_code == 200
    assert client.get(f"/api/plans/{plan.pk}/export.pdf").status_code == 200


def test_coordinator_writes_nothing(coordinator_y, nesseby, plan, sharing_plans):
    client = api(coordinator_y, nesseby)
    milestone = client.get(f"/api/plans/{plan.pk}/milestones/").json()[0]
    path = f"/api/plans/{plan.pk}/milestones/{milestone['id']}/"
    assert (
        client.patch(path, {"title": "Endret", "version": milestone["version"]}).status_code == 404
    )
    assert client.delete(path).status_code == 404
    assert client.post("/api/plans/", {"name": "Ny"}).status_code == 404
    assert client.post(f"/api/plans/{plan.pk}/approve/").status_code == 404
    pages = page(coordinator_y, nesseby)
    assert pages.post("/planer/ny/", {"name": "Ny"}).status_code == 404
    assert pages.post(f"/planer/{plan.pk}/rediger/", {"name": "Ny"}).status_code == 404
    assert client.get(path).json()["title"] == milestone["title"]


@pytest.mark.parametrize("route", GUARDED, ids=ids(GUARDED))
def test_with_the_grant_every_write_and_every_other_area_is_404(
    route, coordinator_y, nesseby, sharing_plans
):
    pages, client = page(coordinator_y, nesseby), api(coordinator_y, nesseby)
    # pages read the session only; the API the token or the session
    clients = (pages, client) if route.is_api else (pages,)
    for method in UNSAFE:
        for who in clients:
            response = getattr(who, method)(route.path)
            assert response.status_code == 404, (method, response.status_code)
    response = (client if route.is_api else pages).get(route.path)
    if route in OTHER_ROUTES or route.has_id:
        assert response.status_code == 404, response.content[:200]
    else:
        assert response.status_code in (200, 405), response.content[:200]


@pytest.mark.parametrize("route", GUARDED, ids=ids(GUARDED))
def test_without_the_grant_everything_is_404(route, coordinator_y, nesseby):
    """Nesseby shares figures only (the default): the coordinator is a stranger here.
    (Real ids: `test_the_grant_ends_with_sharing_or_membership`.)"""
    pages, client = page(coordinator_y, nesseby), api(coordinator_y, nesseby)
    real = route.path
    for method in ["get", *UNSAFE]:
        for who in (pages, client) if route.is_api else (pages,):
            assert getattr(who, method)(real).status_code == 404, (method, real)


def test_the_grant_ends_with_sharing_or_membership(
    coordinator_y, leader_b, network_y, nesseby, plan, sharing_plans
):
    client = api(coordinator_y, nesseby)
    assert client.get("/api/plans/").status_code == 200
    membership = NetworkMembership.objects.current().get(network=network_y, municipality=nesseby)
    own = api(leader_b, nesseby)
    path = f"/api/network-memberships/{membership.pk}/"
    assert own.patch(path, {"sharing": "figures"}, format="json").status_code == 200
    assert client.get("/api/plans/").status_code == 404
    assert page(coordinator_y, nesseby).get(f"/planer/{plan.pk}/").status_code == 404
    assert own.patch(path, {"sharing": "plans"}, format="json").status_code == 200
    assert client.get("/api/plans/").status_code == 200
    assert own.post(f"{path}leave/").status_code == 200
    assert client.get("/api/plans/").status_code == 404
    assert plan_grant(coordinator_y, nesseby) is False


def test_another_networks_coordinator_and_other_hosts(
    coordinator_x, coordinator_y, nordre_land, nesseby, plan, sharing_plans
):
    assert api(coordinator_x, nesseby).get("/api/plans/").status_code == 404
    assert page(coordinator_x, nesseby).get(f"/planer/{plan.pk}/").status_code == 404
    # the grant is Nesseby's: Nordre Land (in network X, not Y) stays closed to Y's coordinator
    assert api(coordinator_y, nordre_land).get("/api/plans/").status_code == 404
    assert page(coordinator_y, nordre_land).get("/planer/").status_code == 404


def test_the_grant_needs_a_coordinator_of_that_network(
    coordinator_y, leader_a, operator, nesseby, sharing_plans
):
    assert plan_grant(coordinator_y, nesseby) is True
    assert plan_grant(leader_a, nesseby) is False
    assert plan_grant(operator, nesseby) is False
    coordinator_y.is_active = False
    coordinator_y.save()
    assert plan_grant(coordinator_y, nesseby) is False
