"""Writing a routine by keyboard: a leader creates a routine with two steps, adding the
second step's row with the "Legg til trinn" button (no JavaScript needed)."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.models import Municipality
from tenants.routines.models import Routine
from tests.browser.conftest import _remove_browser_routines, log_in
from tests.browser.pages import BROWSER_USERS, NL

pytestmark = pytest.mark.browser

TITLE = "Nettleser: rutine med to trinn"


def press(page, locator) -> None:
    """Reach a control and press Enter on it, as a keyboard user does."""
    locator.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_leader_creates_a_routine_with_two_steps_by_keyboard(
    samla_server, context, django_db_blocker
):
    page = context.new_page()
    log_in(page, samla_server, NL, BROWSER_USERS["leader"].username)
    page.goto(samla_server.url(NL, "/rutiner/ny/"))
    try:
        # Given the new routine form, its title and owner typed
        page.get_by_label("Tittel").focus()
        page.keyboard.type(TITLE)
        page.get_by_label("Eierenhet").select_option(label="PPT")
        first = page.get_by_role("group", name="Trinn 1", exact=True)
        first.get_by_label("Hva gjøres").focus()
        page.keyboard.type("PPT kaller inn til møte.")
        first.get_by_label("Ansvarlig enhet").select_option(label="PPT")

        # When the second row is added with the button and filled in
        press(page, page.get_by_role("button", name="Legg til trinn"))
        second = page.get_by_role("group", name="Trinn 2", exact=True)
        assert page.get_by_label("Tittel").input_value() == TITLE  # what was typed stays
        second.get_by_label("Hva gjøres").focus()
        page.keyboard.type("Barnehagen deltar i møtet.")
        second.get_by_label("Ansvarlig enhet").select_option(label="Barnehagene")
        second.get_by_label("Når").focus()
        page.keyboard.type("Innen to uker")
        press(page, page.get_by_role("button", name="Opprett rutinen"))

        # Then the routine's page shows the draft with both steps in order
        assert page.get_by_role("heading", level=1).inner_text() == TITLE
        steps = page.get_by_role("table", name="Trinnene i versjon 1")
        rows = steps.get_by_role("row")
        assert rows.count() == 3  # the header and two steps
        assert "PPT kaller inn til møte." in rows.nth(1).inner_text()
        assert "Barnehagen deltar i møtet." in rows.nth(2).inner_text()
        assert "Rutinen er opprettet som utkast." in page.content()
    finally:
        with django_db_blocker.unblock():
            municipality = Municipality.objects.get(slug=NL)
            with tenant_context(municipality):
                made = list(
                    Routine.objects.filter(versions__title=TITLE).values_list("pk", flat=True)
                )
                _remove_browser_routines({"routines": made, "units": []})
