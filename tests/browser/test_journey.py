"""A person finds their municipality on the landing page, logs in there, and logs out."""

from __future__ import annotations

import pytest

from tests.browser.conftest import submit_login
from tests.browser.pages import BROWSER_USERS, PASSWORD, PUBLIC

pytestmark = pytest.mark.browser


def test_leader_reaches_home_from_landing_page_and_logs_out(samla_server, context):
    leader = BROWSER_USERS["leader"]
    # Given an anonymous person on the landing page
    page = context.new_page()
    page.goto(samla_server.url(PUBLIC))

    # When they follow their municipality's link (generated with the server's port)
    page.get_by_role("link", name="Nordre Land").click()
    page.wait_for_load_state()

    # Then the municipality asks them to log in, on its own host
    assert page.url == samla_server.url("nordre-land", "/accounts/login/?next=/")
    assert page.get_by_role("heading", level=1).inner_text() == "Logg inn"

    # When they log in
    response = submit_login(page, leader.username, PASSWORD)

    # Then they see their municipality's home page, greeted by name, with their role
    assert response.status == 200
    assert page.url == samla_server.url("nordre-land", "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Nordre Land"
    main = page.get_by_role("main")
    assert "Velkommen, Kari Nordmann." in main.inner_text()
    assert "Prosjektleder" in main.inner_text()
    assert page.get_by_role("navigation").get_by_text("Kari Nordmann").is_visible()

    # When they log out
    with page.expect_navigation():
        page.get_by_role("button", name="Logg ut").click()

    # Then the municipality's pages ask them to log in again
    page.goto(samla_server.url("nordre-land", "/"))
    assert page.url.startswith(samla_server.url("nordre-land", "/accounts/login/"))
    assert "Kari Nordmann" not in page.content()
