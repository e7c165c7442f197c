"""The session and CSRF cookies' Domain, chosen per request from the host.

Under the shared cookie domain (`.samla.localhost` in the demo) one login spans the
public host and every municipality; anywhere else (`localhost`, `<slug>.localhost`,
127.0.0.1, a foreign name) the cookies stay host-only, so scripts keep working.
"""

from __future__ import annotations

import pytest
from django.test import override_settings

from samla.accounts.cookies import cookie_domain_for, shared_cookie_domain
from tenants.models import Domain, Municipality
from tests.conftest import PASSWORD, make_member

SHARED = ".samla.localhost"


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("samla.localhost", SHARED),  # the base domain itself
        ("samla.localhost:8000", SHARED),
        ("Samla.Localhost.:8000", SHARED),  # as DNS compares names
        ("nordre-land.samla.localhost:8000", SHARED),  # a municipality under it
        ("www.samla.localhost", SHARED),
        ("localhost:8000", None),  # one label: host-only
        ("nordre-land.localhost:8000", None),  # the alias: host-only
        ("127.0.0.1:8000", None),
        ("[::1]:8000", None),
        ("example.com", None),  # foreign
        ("evilsamla.localhost", None),  # ends with the name, not under it
        ("samla.localhost.example.com", None),
    ],
)
def test_cookie_domain_for_each_host_shape(host, expected):
    with override_settings(SAMLA_SHARED_COOKIE_DOMAIN=SHARED):
        assert cookie_domain_for(host) == expected


@pytest.mark.parametrize("setting", ["", ".localhost", "localhost", None])
def test_a_one_label_or_empty_domain_shares_nothing(setting):
    with override_settings(SAMLA_SHARED_COOKIE_DOMAIN=setting):
        assert shared_cookie_domain() is None
        assert cookie_domain_for("localhost") is None
        assert cookie_domain_for("nordre-land.localhost") is None


def test_production_keeps_its_configured_domain():
    with override_settings(SAMLA_SHARED_COOKIE_DOMAIN=".samla.no"):
        assert cookie_domain_for("nordre-land.samla.no") == ".samla.no"
        assert cookie_domain_for("samla.no") == ".samla.no"


@pytest.fixture
def two_label_hosts(nordre_land: Municipality) -> None:
    public = Municipality.objects.get(schema_name="public")
    Domain.objects.create(domain="samla.localhost", tenant=public, is_primary=False)
    Domain.objects.create(
        domain="nordre-land.samla.localhost", tenant=nordre_land, is_primary=False
    )


def log_in(client, host: str, username: str):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": PASSWORD},
        HTTP_HOST=host,
    )


@override_settings(SAMLA_SHARED_COOKIE_DOMAIN=SHARED)
def test_login_under_the_base_domain_sets_a_shared_session_cookie(
    client, two_label_hosts, nordre_land
):
    make_member(nordre_land, "leder.delt")
    # Given the login page on the public host under the base domain (sets the CSRF cookie)
    page = client.get("/accounts/login/", HTTP_HOST="samla.localhost:8000")
    assert page.cookies["csrftoken"]["domain"] == SHARED
    # When the leader logs in there
    response = log_in(client, "samla.localhost:8000", "leder.delt")
    assert response.status_code == 302
    # Then the session cookie is for every host under the base domain
    assert response.cookies["sessionid"]["domain"] == SHARED
    assert "Domain=.samla.localhost" in response.cookies["sessionid"].OutputString()
    # and the municipality's host under it knows them
    home = client.get("/", HTTP_HOST="nordre-land.samla.localhost:8000")
    assert home.status_code == 200

    # When they log out on the municipality's host
    out = client.post("/accounts/logout/", HTTP_HOST="nordre-land.samla.localhost:8000")
    # Then the shared cookie is expired for the shared domain, not only that host
    expired = out.cookies["sessionid"]
    assert expired["domain"] == SHARED
    assert expired["max-age"] == 0
    assert expired.value == ""


@override_settings(SAMLA_SHARED_COOKIE_DOMAIN=SHARED)
@pytest.mark.parametrize("host", ["localhost:8000", "nordre-land.localhost:8000", "127.0.0.1"])
def test_login_elsewhere_keeps_host_only_cookies(client, nordre_land, host):
    make_member(nordre_land, "leder.vert")
    page = client.get("/accounts/login/", HTTP_HOST=host)
    assert page.cookies["csrftoken"]["domain"] == ""
    response = log_in(client, host, "leder.vert")
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["domain"] == ""
    assert "Domain" not in cookie.OutputString()
