"""The Domain of the session and CSRF cookies, chosen per request from the host.

Under the shared cookie domain (`SAMLA_SHARED_COOKIE_DOMAIN`, e.g. `.samla.localhost` in
the demo, `.samla.no` in production) the cookies get `Domain=.<it>`, so one login reaches
the public host and every municipality's host. On any other host (`localhost:8000`,
`<slug>.localhost:8000`, 127.0.0.1, a host name of someone else's) they stay host-only:
a browser refuses a cookie for a domain the host is not under, and a one-label domain such
as `localhost` cannot hold a shared cookie at all (Chromium keeps it for that host alone;
see tests/browser/test_session_domain.py).

Django's SessionMiddleware and CsrfViewMiddleware read `SESSION_COOKIE_DOMAIN` and
`CSRF_COOKIE_DOMAIN` when they write their cookie, once for every host. This middleware
sits above both and sets the Domain of what they wrote, including the expired cookie the
session middleware sends on log-out, so that log-out clears the shared cookie too.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponseBase

from tenants.middleware import normalised_host


def shared_cookie_domain() -> str | None:
    """`.samla.localhost` from the setting; None when it is empty or has one label."""
    domain = (settings.SAMLA_SHARED_COOKIE_DOMAIN or "").strip().strip(".").lower()
    if "." not in domain:
        return None
    return f".{domain}"


def cookie_domain_for(host: str) -> str | None:
    """The Domain for cookies set on `host` (port allowed); None means host-only."""
    shared = shared_cookie_domain()
    if shared is None:
        return None
    name = normalised_host(host)
    if name == shared[1:] or name.endswith(shared):
        return shared
    return None


class CookieDomainMiddleware:
    """Give the session and CSRF cookies of a response the Domain its host calls for."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        names = [settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME]
        if not any(name in response.cookies for name in names):
            return response
        try:
            domain = cookie_domain_for(request.get_host())
        except DisallowedHost:
            domain = None
        for name in names:
            morsel = response.cookies.get(name)
            if morsel is not None:
                # An empty attribute is left out of the Set-Cookie header: host-only.
                morsel["domain"] = domain or ""
        return response
