"""The page walk: every page of pages.PAGES, styled, as expected, and without serious
or critical axe-core violations."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.browser.conftest import (
    describe_violations,
    open_page,
    run_axe,
    screenshot,
    serious_violations,
)
from tests.browser.pages import PAGES

pytestmark = pytest.mark.browser

STYLED_JS = """() => ({
  dsBackground: getComputedStyle(document.documentElement)
    .getPropertyValue('--ds-color-neutral-background-default').trim(),
  headerBorder: getComputedStyle(document.querySelector('.samla-header')).borderBottomStyle,
})"""


@pytest.mark.parametrize("entry", PAGES, ids=[p.name for p in PAGES])
def test_page_is_styled_and_accessible(entry, samla_server, context):
    # Given a person (anonymous or logged in through the form) with a browser
    page = context.new_page()
    stylesheets: dict[str, int] = {}
    page.on(
        "response",
        lambda r: (
            stylesheets.__setitem__(r.url, r.status)
            if r.request.resource_type == "stylesheet"
            else None
        ),
    )

    # When they open the page
    response = open_page(page, samla_server, entry, settings.AXES_FAILURE_LIMIT)
    page.wait_for_load_state("load")
    screenshot(page, entry.name)

    # Then it answers as expected, with its heading
    assert response.status == entry.status, page.content()[:500]
    assert page.get_by_role("heading", level=1).inner_text() == entry.heading
    # and Designsystemet's and Samla's stylesheets loaded (304: the browser's cached copy is
    # still valid) and apply
    assert len(stylesheets) >= 3 and set(stylesheets.values()) <= {200, 304}, stylesheets
    styled = page.evaluate(STYLED_JS)
    assert styled["dsBackground"], "Designsystemet's theme variables are not set"
    assert styled["headerBorder"] == "solid", "samla.css does not apply"
    # and axe-core finds nothing serious or critical
    violations = run_axe(page)
    if violations:
        print(f"axe-core on {entry.name}:\n{describe_violations(violations)}")
    serious = serious_violations(violations)
    assert not serious, describe_violations(serious)
    # and on a phone's width nothing pushes the page sideways
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_axe_reports_a_critical_violation_when_there_is_one(samla_server, context):
    # Given the landing page with an image that has no text alternative
    page = context.new_page()
    page.goto(samla_server.url("public"))
    page.evaluate(
        "() => { const img = document.createElement('img'); img.src = 'data:,';"
        " document.querySelector('main').append(img); }"
    )

    # When axe-core checks it
    violations = serious_violations(run_axe(page))

    # Then the missing alternative text is reported, so the walk above can fail
    assert "image-alt" in {v["id"] for v in violations}
    assert "image-alt" in describe_violations(violations)
