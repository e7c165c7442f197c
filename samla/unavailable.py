"""503 with Retry-After while the database cannot be reached, instead of a 500 or a hang.

Django turns an exception raised in a view or in any middleware into a response at the
layer where it is raised (`convert_exception_to_response`), so no middleware above it sees
the exception itself. `got_request_exception` is sent for each such exception with the
request: `_note_database_error` marks the request when the exception is a database
connection failure (`OperationalError`, `InterfaceError`: the server is down, restarting or
refusing connections, which the tenant router's first query for the host raises; the rest of
the family, a deadlock or a cancelled statement, is transient too and worth a retry), and
`DatabaseUnavailableMiddleware`, high in MIDDLEWARE (just inside the request id and access
log), replaces the 500 answered for a marked request by a 503: `{"detail": …}` under
`/api/`, a short Norwegian page elsewhere. A request whose connection failed leaves it
broken; `CONN_HEALTH_CHECKS` makes the next request open a new one, so the service comes
back by itself when the database does. The connection attempt gives up after
`connect_timeout` (samla/database.py), so a request fails fast rather than hanging.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
# What a client is told to wait before trying again, in seconds.
RETRY_AFTER_SECONDS = 5
_MARK = "samla_database_unavailable"
DATABASE_ERRORS = (OperationalError, InterfaceError)


def is_database_unavailable(exc: BaseException | None) -> bool:
    """Whether `exc` says the database could not be reached (not a bad query)."""
    return isinstance(exc, DATABASE_ERRORS)


def _note_database_error(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    exc = sys.exc_info()[1]
    if request is not None and is_database_unavailable(exc):
        setattr(request, _MARK, True)
        logger.warning("Database unavailable: %s", type(exc).__name__)


got_request_exception.connect(_note_database_error, dispatch_uid="samla.unavailable")


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 answer: JSON under /api/, a small page elsewhere; both say when to retry."""
    message = _("Tjenesten er midlertidig utilgjengelig. Prøv igjen om litt.")
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"detail": message}, status=503)
    else:
        title = _("Midlertidig utilgjengelig")
        page = (
            '<!doctype html><html lang="nb"><head><meta charset="utf-8">'
            f"<title>{escape(title)} – Samla</title></head>"
            f"<body><main><h1>{escape(title)}</h1><p>{escape(message)}</p></main></body></html>"
        )
        response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Answers 503 for a request that failed because the database could not be reached."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code >= 500 and getattr(request, _MARK, False):
            return unavailable_response(request)
        return response
