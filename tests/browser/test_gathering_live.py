"""The coordinator's live screen shows an answer that arrives, without a reload.

Given the browser gathering's live screen open as its coordinator, when a municipality
answers through its join code in another window (without an account), then the answer
appears on the coordinator's screen within five seconds, and the page was never reloaded.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in
from tests.browser.pages import BROWSER_JOIN_CODE, BROWSER_USERS, PUBLIC

pytestmark = pytest.mark.browser

NEW_ANSWER = "Nettleser: felles rutine for overgang barnehage–skole"


def test_a_new_answer_appears_on_the_live_screen_without_reload(samla_server, context, browser):
    gathering = samla_server.ids["gathering"]
    screen = context.new_page()
    log_in(screen, samla_server, PUBLIC, BROWSER_USERS["coordinator"].username)
    screen.goto(samla_server.url(PUBLIC, f"/samlinger/{gathering}/direkte/"))
    screen.evaluate("() => { window.samlaNotReloaded = true; }")
    assert screen.get_by_text(NEW_ANSWER).count() == 0

    # A municipality's group answers on a phone, with the code and no login
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="nb-NO")
    try:
        page = phone.new_page()
        page.goto(samla_server.url(PUBLIC, "/svar/"))
        page.get_by_label("Kode").fill(BROWSER_JOIN_CODE.lower())
        page.get_by_role("button", name="Gå videre").click()
        page.get_by_label("Forhold vi ønsker å bli bedre på").first.fill(NEW_ANSWER)
        page.get_by_role("button", name="Lagre svaret på «Gruppeoppgave 1").click()
        page.get_by_text("er lagret").wait_for()
    finally:
        phone.close()

    # The coordinator's screen shows it within five seconds, and was not reloaded
    screen.get_by_text(NEW_ANSWER).wait_for(timeout=5_000)
    assert screen.evaluate("() => window.samlaNotReloaded === true")
