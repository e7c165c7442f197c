"""The CMS pages on the public host by keyboard alone, and a members-only page as an
anonymous reader sees it (issue #9, item 5)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import submit_login
from tests.browser.pages import BROWSER_USERS, CMS_NETWORK, PASSWORD, PUBLIC

pytestmark = pytest.mark.browser

PROGRAMME = CMS_NETWORK + "program-nettleser-samlingen/"
MEMBERS_ONLY = CMS_NETWORK + "nettleser-medlemmer/"
MATERIAL = "Nettleser: presentasjon"

FOCUSED_JS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    text: (el.innerText || '').trim(),
    tag: el.tagName,
    href: el.getAttribute('href') || '',
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== 'none',
  };
}"""


def tab_to(page, text: str, limit: int = 30) -> dict:
    """Press Tab until the focused element reads `text`; what is focused then."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        if focused["text"] == text:
            return focused
    raise AssertionError(f"{text!r} not reached in {limit} presses of Tab")


def test_programme_page_by_keyboard(samla_server, context):
    # Given an anonymous reader on a gathering's programme page
    page = context.new_page()
    page.goto(samla_server.url(PUBLIC, PROGRAMME))

    # When they press Tab once, the skip link comes first, and Enter moves into the page
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED_JS)["text"] == "Hopp til hovedinnholdet"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # Then Tab reaches the breadcrumb back to the network and the session's material,
    # each with a visible focus indicator
    crumb = tab_to(page, "Nettleser-nettverket")
    assert crumb["href"] == CMS_NETWORK and (crumb["outline"] or crumb["shadow"])
    material = tab_to(page, MATERIAL)
    assert material["href"].startswith("/dokumenter/")
    assert material["outline"] or material["shadow"]

    # And Enter on the breadcrumb opens the network's page, listing the programme
    page.goto(samla_server.url(PUBLIC, PROGRAMME))
    page.get_by_role("link", name="Nettleser-nettverket").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Nettleser-nettverket"
    assert page.get_by_role("link", name="Program: Nettleser-samlingen").is_visible()


def test_members_only_page_asks_an_anonymous_reader_to_log_in_then_shows_it(samla_server, context):
    # Given an anonymous reader opening a members-only page of the browser network
    page = context.new_page()
    page.goto(samla_server.url(PUBLIC, MEMBERS_ONLY))

    # Then they are asked to log in, and the page's text is not shown
    assert page.get_by_role("heading", level=1).inner_text() == "Logg inn"
    assert "Notater for medlemskommunene" not in page.content()

    # When a member municipality's user logs in there
    submit_login(page, BROWSER_USERS["leader"].username, PASSWORD)

    # Then they are sent back to the page and read it
    assert page.url == samla_server.url(PUBLIC, MEMBERS_ONLY)
    assert page.get_by_role("heading", level=1).inner_text() == "Nettleser: bare for medlemmer"
    assert "Notater for medlemskommunene" in page.content()
