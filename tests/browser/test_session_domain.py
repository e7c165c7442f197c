"""One login across hosts, in a real browser, with the cookie domain chosen per host.

Chromium keeps a cookie with `Domain=localhost` set by http://localhost as a host-only
cookie: a one-label domain cannot hold domain cookies, so http://nordre-land.localhost
never gets it. Under a base domain of two labels, `samla.localhost`, the cookie
`Domain=.samla.localhost` reaches every `<slug>.samla.localhost`: one login for the
public host and every municipality. samla.accounts.cookies picks the domain per request:
shared under `samla.localhost`, host-only on `localhost` and `<slug>.localhost`.
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


@pytest.fixture(scope="module")
def two_label_hosts(samla_server, django_db_blocker) -> Iterator[None]:
    """samla.localhost for the public host and nordre-land.samla.localhost, committed,
    with the demo's settings: the base domain and its shared cookie domain."""
    hosts = {BASE_DOMAIN: "public", f"nordre-land.{BASE_DOMAIN}": "nordre-land"}
    with django_db_blocker.unblock():
        Domain.objects.filter(domain__in=hosts).delete()  # left by an interrupted run
        for host, slug in hosts.items():
            Domain.objects.create(
                domain=host, tenant=Municipality.objects.get(slug=slug), is_primary=False
            )
    with override_settings(
        SAMLA_BASE_DOMAIN=BASE_DOMAIN,
        SAMLA_ALIAS_DOMAINS=["localhost"],
        SAMLA_SHARED_COOKIE_DOMAIN=f".{BASE_DOMAIN}",
    ):
        yield
    with django_db_blocker.unblock():
        Domain.objects.filter(domain__in=hosts).delete()


def session_cookies(context) -> list[dict]:
    return [c for c in context.cookies() if c["name"] == "sessionid"]


def test_one_login_spans_the_public_host_and_a_municipality(
    two_label_hosts, samla_server: SamlaServer, context
):
    leader = BROWSER_USERS["leader"]
    public = f"http://{BASE_DOMAIN}:{samla_server.port}"
    municipality = f"http://nordre-land.{BASE_DOMAIN}:{samla_server.port}"

    # Given the leader logged in once, on the public host samla.localhost
    page = context.new_page()
    page.goto(f"{public}/accounts/login/")
    submit_login(page, leader.username, PASSWORD)
    assert page.url == f"{public}/"
    (session,) = session_cookies(context)
    assert session["domain"] == f".{BASE_DOMAIN}"

    # When they follow their municipality's link on the landing page
    page.get_by_role("link", name="Nordre Land").click()
    page.wait_for_load_state()

    # Then they are on its home page under samla.localhost without logging in again
    assert page.url == f"{municipality}/"
    assert page.get_by_role("heading", level=1).inner_text() == "Nordre Land"
    assert "Velkommen, Kari Nordmann." in page.get_by_role("main").inner_text()
    # and reach its plans
    page.goto(f"{municipality}/planer/")
    assert page.url == f"{municipality}/planer/"
    assert page.get_by_role("heading", level=1).inner_text() == "Planer"

    # And back on the public host they are still logged in
    page.goto(f"{public}/")
    assert page.get_by_role("button", name="Logg ut").is_visible()

    # When they log out on the municipality's host
    page.goto(f"{municipality}/planer/")
    with page.expect_navigation():
        page.get_by_role("button", name="Logg ut").click()

    # Then the shared cookie is gone: the public host asks them to log in too
    assert session_cookies(context) == []
    page.goto(f"{public}/")
    assert page.get_by_role("link", name="Logg inn").is_visible()
    page.goto(f"{municipality}/planer/")
    assert page.url.startswith(f"{municipality}/accounts/login/")


def test_localhost_hosts_keep_host_only_cookies_and_a_login_each(
    two_label_hosts, samla_server: SamlaServer, context
):
    leader = BROWSER_USERS["leader"]
    # Given the leader logged in on the public host localhost (the alias base domain)
    page = context.new_page()
    response = log_in(page, samla_server, "public", leader.username)
    assert response.url == samla_server.url("public", "/")

    # Then the session cookie is host-only, for localhost alone
    (session,) = session_cookies(context)
    assert session["domain"] == "localhost"
    # and the municipality's host nordre-land.localhost asks them to log in again
    page.goto(samla_server.url("nordre-land", "/planer/"))
    assert page.url.startswith(samla_server.url("nordre-land", "/accounts/login/"))

    # When they log in there too
    submit_login(page, leader.username, PASSWORD)

    # Then they reach its plans, with a second host-only cookie
    assert page.url == samla_server.url("nordre-land", "/planer/")
    assert page.get_by_role("heading", level=1).inner_text() == "Planer"
    assert sorted(c["domain"] for c in session_cookies(context)) == [
        "localhost",
        "nordre-land.localhost",
    ]
    # and the public host still knows them
    page.goto(samla_server.url("public", "/"))
    assert page.get_by_role("button", name="Logg ut").is_visible()
