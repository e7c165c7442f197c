"""Logs as JSON lines carrying the request's id, host, tenant schema and user id.

`RequestContextMiddleware` (outermost) gives every request an id, the client's
`X-Request-ID` when it is a plausible one, else a new UUID, echoes it in the response's
`X-Request-ID` and keeps the request in a context variable for the request's duration.
`RequestContextFilter` puts `request_id`, `host`, `tenant_schema` and `user_id` on every
record logged meanwhile, read from that request at the time of the record: the tenant is
known once the tenant middleware has run, the user once authentication has (the filter
never triggers a database query to find the user). `JsonFormatter` writes one JSON object
per line with a fixed set of keys: the time, the level, the logger, the message, those
four fields and a traceback if any. Nothing else of the record (no `extra`), of the
request's headers or body, or of its query string is written, so a password, a token or
a text the user typed does not reach the log through this path.

The middleware also logs one access line per request (logger `samla.request`: method,
path without query string, status, duration). Settings enable the JSON format and the
access line with `LOG_FORMAT=json` (production); plain text without access lines stays
the default so that test and development output is readable.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

REQUEST_ID_HEADER = "X-Request-ID"
# A client's request id is kept only when it looks like one (no spaces, no free text).
_PLAUSIBLE_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
CONTEXT_FIELDS = ("request_id", "host", "tenant_schema", "user_id")

_current_request: ContextVar[HttpRequest | None] = ContextVar("samla_request", default=None)
access_logger = logging.getLogger("samla.request")


def request_id_for(request: HttpRequest) -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if _PLAUSIBLE_ID.fullmatch(given) else uuid.uuid4().hex


def _user_id(request: HttpRequest) -> int | None:
    """The authenticated user's id, if authentication has already found it (no query)."""
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)  # a SimpleLazyObject not evaluated yet: skip
    if wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    pk = getattr(wrapped, "pk", None)
    return pk if isinstance(pk, int) else None


def context_fields(request: HttpRequest | None = None) -> dict[str, Any]:
    """The four context fields of `request` (by default the current one; None outside one)."""
    request = _current_request.get() if request is None else request
    if request is None:
        return dict.fromkeys(CONTEXT_FIELDS)
    tenant = getattr(request, "tenant", None)
    return {
        "request_id": getattr(request, "request_id", None),
        "host": request.get_host() if _host_is_safe(request) else None,
        "tenant_schema": getattr(tenant, "schema_name", None),
        "user_id": _user_id(request),
    }


def _host_is_safe(request: HttpRequest) -> bool:
    try:
        request.get_host()
    except Exception:  # a disallowed host: not worth a second error while logging
        return False
    return True


class RequestContextMiddleware:
    """Sets the request id and the logging context; echoes the id; logs the access line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = request_id_for(request)  # type: ignore[attr-defined]
        token = _current_request.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request.request_id  # type: ignore[attr-defined]
            if access_logger.isEnabledFor(logging.INFO):
                access_logger.info(
                    "%s %s %s %.1f ms",
                    request.method,
                    request.path,
                    response.status_code,
                    (time.perf_counter() - started) * 1000,
                )
            return response
        finally:
            _current_request.reset(token)


class RequestContextFilter(logging.Filter):
    """Adds the context fields to every record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in context_fields().items():
            setattr(record, key, value)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with a fixed set of keys (never the record's extras)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in CONTEXT_FIELDS:
            entry[key] = getattr(record, key, None)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
