"""Every page the browser walk visits, in one list: a new page joins by adding one line.

`host` is "public" (the landing host) or a municipality's slug; `who` is "anonymous" or
one of the users in `BROWSER_USERS`, who logs in on that host through the login form
first. `reach` names how the page is reached when a plain GET is not enough: "lock-out"
(fail to log in until locked out), "wrong-password" (one failed login); see
`open_page` in `tests/browser/conftest.py`. `test_page_list_covers_every_route` fails
when a GET page route of either URL map has no line here.
"""

from __future__ import annotations

from dataclasses import dataclass

from samla.accounts.models import MunicipalityRole

LEADER = MunicipalityRole.LEADER

PUBLIC = "public"
ANONYMOUS = "anonymous"
LOGIN = "/accounts/login/"
PASSWORD = "riktig-hest-batteri-stift-nettleser"


@dataclass(frozen=True)
class BrowserUser:
    username: str
    first_name: str
    last_name: str
    municipality: str
    role: str


# Committed for the browser package only (the server thread cannot see a test's
# transaction), and deleted after it.
BROWSER_USERS = {
    "leader": BrowserUser("nettleser.leder", "Kari", "Nordmann", "nordre-land", LEADER),
}


@dataclass(frozen=True)
class Page:
    name: str
    host: str
    path: str
    heading: str  # the page's <h1>, what a person sees first
    who: str = ANONYMOUS
    status: int = 200
    reach: str = "get"


PAGES = [
    Page("landing", PUBLIC, "/", "Samla"),
    Page("landing-logged-in", PUBLIC, "/", "Samla", who="leader"),
    Page("login-public", PUBLIC, LOGIN, "Logg inn"),
    Page("login-municipality", "nordre-land", LOGIN, "Logg inn"),
    Page("login-failed", PUBLIC, LOGIN, "Logg inn", reach="wrong-password"),
    Page("municipality-home", "nordre-land", "/", "Nordre Land", who="leader"),
    Page("not-found-public", PUBLIC, "/finnes-ikke/", "Fant ikke siden", status=404),
    Page("not-found-other-municipality", "nesseby", "/", "Fant ikke siden", "leader", status=404),
    Page("locked-out", PUBLIC, LOGIN, "Midlertidig sperret", status=429, reach="lock-out"),
]

# Routes that are not pages a person opens: the API, health, language switch, logout
# (POST only). Matched against the route's path without its leading slash.
NOT_PAGES = ("api/", "healthz", "i18n/", "accounts/logout/")
