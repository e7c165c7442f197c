"""Does one login span the municipalities' sub-domains? It depends on the base domain.

Chromium keeps a cookie with `Domain=localhost` (or `.localhost`) set by
http://localhost as a host-only cookie: a one-label domain cannot hold domain cookies,
so http://nordre-land.localhost never gets it. Under a base domain of two labels,
`samla.localhost`, the cookie `Domain=.samla.localhost` reaches every
`<slug>.samla.localhost`: one login for the public host and every municipality.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import override_settings

from tenants.models import Domain, Municipality
from tests.browser.conftest import SamlaServer, log_in, submit_login
from tests.browser.pages import BROWSER_USERS, PASSWORD

pytestmark = pytest.mark.browser

BASE_DOMAIN = "samla.localhost"


def session_cookie_domain(domain: str) -> override_settings:
    return override_settings(SESSION_COOKIE_DOMAIN=domain, CSRF_COOKIE_DOMAIN=domain)


@pytest.fixture(scope="module")
def two_label_hosts(samla_server, django_db_blocker) -> Iterator[None]:
    """samla.localhost for the public host and nordre-land.samla.localhost, committed."""
    hosts = {BASE_DOMAIN: "public", f"nordre-land.{BASE_DOMAIN}": "nordre-land"}
    with django_db_blocker.unblock():
        for host, slug in hosts.items():
            Domain.objects.create(
                domain=host, tenant=Municipality.objects.get(slug=slug), is_primary=False
            )
    yield
    with django_db_blocker.unblock():
        Domain.objects.filter(domain__in=hosts).delete()


@pytest.mark.parametrize("domain", ["localhost", ".localhost"])
def test_a_localhost_cookie_domain_does_not_reach_municipality_hosts(
    domain, samla_server: SamlaServer, context
):
    # Given the session cookie's domain set to the one-label base domain
    with session_cookie_domain(domain):
        # When the leader logs in on the public host
        page = context.new_page()
        response = log_in(page, samla_server, "public", BROWSER_USERS["leader"].username)
        assert response.url == samla_server.url("public", "/")

        # Then Chromium keeps the cookie for localhost alone
        session = next(c for c in context.cookies() if c["name"] == "sessionid")
        assert session["domain"] == "localhost"
        # and the municipality's host asks them to log in again
        page.goto(samla_server.url("nordre-land", "/"))
        assert page.url.startswith(samla_server.url("nordre-land", "/accounts/login/"))


def test_one_login_spans_municipalities_under_a_two_label_base_domain(
    two_label_hosts, samla_server: SamlaServer, context
):
    leader = BROWSER_USERS["leader"]
    public = f"http://{BASE_DOMAIN}:{samla_server.port}"
    with (
        session_cookie_domain(f".{BASE_DOMAIN}"),
        override_settings(SAMLA_BASE_DOMAIN=BASE_DOMAIN),
    ):
        # Given the leader logged in once, on the public host samla.localhost
        page = context.new_page()
        page.goto(f"{public}/accounts/login/")
        submit_login(page, leader.username, PASSWORD)
        assert page.url == f"{public}/"
        session = next(c for c in context.cookies() if c["name"] == "sessionid")
        assert session["domain"] == f".{BASE_DOMAIN}"

        # When they follow their municipality's link on the landing page
        page.get_by_role("link", name="Nordre Land").click()
        page.wait_for_load_state()

        # Then they are on its home page without logging in again
        assert page.url == f"http://nordre-land.{BASE_DOMAIN}:{samla_server.port}/"
        assert page.get_by_role("heading", level=1).inner_text() == "Nordre Land"
        assert "Velkommen, Kari Nordmann." in page.get_by_role("main").inner_text()
