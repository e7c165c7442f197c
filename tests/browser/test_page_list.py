"""pages.PAGES names a page for every GET page route of both URL maps.

Runs without a browser: it only reads the URL maps, so a new page route cannot ship
without a line in the walk (and so without an accessibility check).
"""

from __future__ import annotations

from django.urls import Resolver404, resolve

from tests.browser.pages import NOT_PAGES, PAGES, PUBLIC, Page
from tests.urlmaps import Route, routes_of

URL_MAPS = {"samla.urls_public": True, "samla.urls_tenant": False}


def page_routes(urlconf: str) -> list[Route]:
    """Routes a person opens in a browser: not the API, health, language or logout."""
    return [r for r in routes_of(urlconf) if not r.path.lstrip("/").startswith(NOT_PAGES)]


def reaches(entry: Page, route: Route) -> bool:
    try:
        return resolve(entry.path, route.urlconf).func == route.callback
    except Resolver404:
        return False


def routes_missing_from(pages: list[Page], urlconf: str) -> list[str]:
    public = URL_MAPS[urlconf]
    seen = [p for p in pages if (p.host == PUBLIC) == public and p.status == 200]
    return [
        f"{urlconf} {route.path} ({route.name})"
        for route in page_routes(urlconf)
        if not any(reaches(entry, route) for entry in seen)
    ]


def test_page_list_covers_every_route():
    # Given the page routes of both URL maps
    # When they are compared with the walk's list
    missing = [line for urlconf in URL_MAPS for line in routes_missing_from(PAGES, urlconf)]

    # Then every one of them is walked (add a Page line to tests/browser/pages.py)
    assert not missing, "pages missing from tests/browser/pages.py:\n" + "\n".join(missing)


def test_an_empty_page_list_misses_the_known_routes():
    # Given no pages at all
    # When the routes are compared with it
    missing = {urlconf: routes_missing_from([], urlconf) for urlconf in URL_MAPS}

    # Then the home and login pages of both hosts are missing, and nothing else leaks in
    for lines in missing.values():
        assert any(" / (home)" in line for line in lines), lines
        assert any("/accounts/login/ (login)" in line for line in lines), lines
        assert not any("/api/" in line or "healthz" in line for line in lines), lines
