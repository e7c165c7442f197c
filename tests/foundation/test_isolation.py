"""Tenant isolation for every route of both URL maps, enumerated from the maps themselves.

Given two municipalities A (Nordre Land) and B (Nesseby) and a leader in each, nothing on
B's host answers A's user, an anonymous user, A's token or a wrong host with B's data.
"""

from __future__ import annotations

import pytest
from knox.models import AuthToken

from tests.conftest import PUBLIC_HOST, api_client_for, client_for, host_of
from tests.urlmaps import routes_of

TENANT_ROUTES = routes_of("samla.urls_tenant")
PUBLIC_ROUTES = routes_of("samla.urls_public")
GUARDED_TENANT_ROUTES = [r for r in TENANT_ROUTES if not r.is_open]


def ids(routes):
    return [f"{r.name or '?'}:{r.path}" for r in routes]


def test_the_maps_are_enumerated():
    """The walk finds the routes we know, so an empty walk cannot pass silently."""
    tenant_paths = {r.path for r in TENANT_ROUTES}
    assert {"/", "/api/me/", "/healthz", "/accounts/login/"} <= tenant_paths
    assert {"/", "/api/auth/token/", "/api/me/"} <= {r.path for r in PUBLIC_ROUTES}


@pytest.mark.parametrize("route", GUARDED_TENANT_ROUTES, ids=ids(GUARDED_TENANT_ROUTES))
@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_other_municipalitys_user_gets_404(route, method, leader_a, nesseby):
    response = getattr(client_for(host_of(nesseby), leader_a), method)(route.path)
    assert response.status_code == 404, response.content[:300]


@pytest.mark.parametrize("route", GUARDED_TENANT_ROUTES, ids=ids(GUARDED_TENANT_ROUTES))
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_other_municipalitys_token_gets_404(route, method, leader_a, nesseby):
    _, token = AuthToken.objects.create(leader_a)
    client = api_client_for(host_of(nesseby), token)
    response = getattr(client, method)(route.path)
    if route.is_api:
        assert response.status_code == 404, response.content[:300]
    else:
        # Pages do not read tokens: the token holder is anonymous there.
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("route", GUARDED_TENANT_ROUTES, ids=ids(GUARDED_TENANT_ROUTES))
def test_anonymous_is_sent_to_login_or_gets_401(route, nesseby):
    response = client_for(host_of(nesseby)).get(route.path)
    if route.is_api:
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    "route", TENANT_ROUTES + PUBLIC_ROUTES, ids=ids(TENANT_ROUTES + PUBLIC_ROUTES)
)
@pytest.mark.parametrize("host", ["ukjent.localhost", "testserver", "nesseby.example.org"])
def test_unknown_host_gets_404(route, host, leader_a):
    response = client_for(host, leader_a).get(route.path)
    assert response.status_code in (400, 404)


@pytest.mark.parametrize(
    "route",
    [r for r in GUARDED_TENANT_ROUTES if r.has_id],
    ids=ids([r for r in GUARDED_TENANT_ROUTES if r.has_id]),
)
def test_guessed_id_gets_404_for_a_member(route, leader_b, nesseby):
    response = client_for(host_of(nesseby), leader_b).get(route.path)
    assert response.status_code == 404


def test_member_reaches_own_pages(leader_b, nesseby):
    """The counterpart: B's own leader reaches every GET page without an id on B's host."""
    client = client_for(host_of(nesseby), leader_b)
    for route in GUARDED_TENANT_ROUTES:
        if route.has_id or route.path.startswith("/api/auth/"):
            continue
        response = client.get(route.path)
        assert response.status_code in (200, 405), (route.path, response.status_code)


PUBLIC_ONLY = [r for r in PUBLIC_ROUTES if r.path not in {t.path for t in TENANT_ROUTES}]


@pytest.mark.parametrize("route", PUBLIC_ONLY, ids=ids(PUBLIC_ONLY))
def test_public_only_routes_do_not_exist_on_a_municipality_host(route, leader_b, nesseby):
    response = client_for(host_of(nesseby), leader_b).get(route.path)
    assert response.status_code in (404, 405) and response.status_code != 200


@pytest.mark.parametrize("route", PUBLIC_ROUTES, ids=ids(PUBLIC_ROUTES))
def test_public_routes_never_show_another_users_roles(route, leader_a, leader_b):
    """On the public host A's user sees no trace of B's leader or B's role."""
    response = client_for(PUBLIC_HOST, leader_a).get(route.path)
    assert response.status_code < 500
    assert b"leder.nesseby" not in response.content
