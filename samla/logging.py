"""Logs as JSON lines carrying the request's id, host, tenant schema and user id.

`RequestContextMiddleware` (outermost) gives every request an id, the client's
`X-Request-ID` when it is a plausible one, else a new UUID, echoes it in the response's
`X-Request-ID` and keeps the request in a context variable for the request's duration.
`RequestContextFilter` puts `request_id`, `host`, `tenant_schema` and `user_id` on every
record logged meanwhile, read from that request at the time of the record: the tenant is
known once the tenant middleware has run, the user once authentication has (the filter
never triggers a database query to find the user; the access line, written where
LOG_FORMAT=json, resolves it first, so it always carries it). Django's own lines about a
response ("Not Found: …"), logged once the middleware has returned, get the same fields
from the request they carry. `JsonFormatter` writes one JSON object
per line with a fixed set of keys: the time, the level, the logger, the message, those
four fields and a traceback if any. Nothing else of the record (no `extra`), of the
request's headers or body, or of its query string is written, so a password, a token or
a text the user typed does not reach the log through this path.

Inside a Celery task (a worker's, or an eager run) the same filter adds `task_name`,
`task_id` and the schema the task runs in as `tenant_schema` (tenant-schemas-celery has
switched the connection to it); a task sent from a request keeps no request id.

The middleware also logs one access line per request (logger `samla.request`: method,
path without query string, status, duration) and observes the request's time for the
metrics (`samla.metrics`). A path carries no secret on any line: the values of URL
parameters that hold a code or a token (a gathering's join code, an evaluation code) are
replaced by the parameter's name, in the access line and in any message that quotes the
path (Django's "Not Found: …"). Settings enable the JSON format and the access line with
`LOG_FORMAT=json` (production); plain text without access lines stays the default so that
test and development output is readable.
"""

from __future__ import annotations

import contextlib
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

from samla import metrics

REQUEST_ID_HEADER = "X-Request-ID"
# A client's request id is kept only when it looks like one (no spaces, no free text).
_PLAUSIBLE_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
CONTEXT_FIELDS = ("request_id", "host", "tenant_schema", "user_id", "task_name", "task_id")
# URL parameters whose values are secrets to whoever holds them: never logged.
SECRET_PARAMETERS = re.compile(r"code|token|key|secret|signature|uid", re.IGNORECASE)

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


def _task_fields() -> dict[str, Any] | None:
    """The running Celery task's name, id and schema, if a task is running here."""
    from celery import current_task

    task: Any = current_task  # a proxy: false when no task runs here
    if not task or getattr(task.request, "id", None) is None:
        return None
    from django.db import connection

    return {
        "task_name": task.name,
        "task_id": task.request.id,
        "tenant_schema": getattr(connection, "schema_name", None),
    }


def context_fields(request: HttpRequest | None = None) -> dict[str, Any]:
    """The context fields of `request` (by default the current one) or of the running task;
    None where neither says."""
    request = _current_request.get() if request is None else request
    fields: dict[str, Any] = dict.fromkeys(CONTEXT_FIELDS)
    if request is None:
        fields.update(_task_fields() or {})
        return fields
    tenant = getattr(request, "tenant", None)
    fields.update(
        request_id=getattr(request, "request_id", None),
        host=request.get_host() if _host_is_safe(request) else None,
        tenant_schema=getattr(tenant, "schema_name", None),
        user_id=_user_id(request),
    )
    return fields


def loggable_path(request: HttpRequest) -> str:
    """The request's path with the values of secret URL parameters replaced by their names."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is None:
        return path
    for name, value in match.kwargs.items():
        if SECRET_PARAMETERS.search(name) and isinstance(value, str) and value:
            path = path.replace(f"/{value}/", f"/<{name}>/").replace(f"/{value}", f"/<{name}>")
    return path


def _host_is_safe(request: HttpRequest) -> bool:
    try:
        request.get_host()
    except Exception:  # a disallowed host: not worth a second error while logging
        return False
    return True


def _find_user(request: HttpRequest) -> None:
    """Resolve the lazy user for the access line, if the view never did (an open page):
    the session's user, at most two queries, and only where access lines are written."""
    if "user" not in request.__dict__:
        return
    # The database down: the line goes without the user.
    with contextlib.suppress(Exception):
        getattr(request.user, "pk", None)


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
            seconds = time.perf_counter() - started
            metrics.observe_request(request, response.status_code, seconds)
            if access_logger.isEnabledFor(logging.INFO):
                _find_user(request)
                access_logger.info(
                    "%s %s %s %.1f ms",
                    request.method,
                    loggable_path(request),
                    response.status_code,
                    seconds * 1000,
                )
            return response
        finally:
            _current_request.reset(token)


class RequestContextFilter(logging.Filter):
    """Adds the context fields to every record (None outside a request or a task), and the
    request's path with its secrets masked for the formatter to put in their place."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = _current_request.get()
        if request is None and isinstance(getattr(record, "request", None), HttpRequest):
            # Django logs a 4xx/5xx response ("Not Found: …") after the middleware has
            # returned, with the request on the record.
            request = record.request  # type: ignore[attr-defined]
        for key, value in context_fields(request).items():
            setattr(record, key, value)
        record.masked_path = None
        if request is not None:
            masked = loggable_path(request)
            if masked != request.path:
                record.masked_path = (request.path, masked)
        return True


def _message(record: logging.LogRecord) -> str:
    message = record.getMessage()
    masked = getattr(record, "masked_path", None)
    if masked:
        message = message.replace(masked[0], masked[1])
    return message


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with a fixed set of keys (never the record's extras)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": _message(record),
        }
        for key in CONTEXT_FIELDS:
            entry[key] = getattr(record, key, None)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
