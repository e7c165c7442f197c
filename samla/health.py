"""/healthz: is the database reachable, and the broker when one is configured.

Both checks are read at request time (the broker URL from settings, not from the Celery
app's configuration at import), and each gives up within a couple of seconds, so a load
balancer's probe gets a quick 503 instead of hanging on a broker that does not answer.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from samla.accounts.access import open_view

# Longest a check may wait for the broker to accept a connection or answer a ping.
BROKER_TIMEOUT_SECONDS = 2.0


def database_state(db: BaseDatabaseWrapper | None = None) -> dict[str, Any]:
    """Whether the database (by default Django's `connection`) answers `SELECT 1`."""
    db = connection if db is None else db
    try:
        with db.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the reason is reported
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True}


def broker_state(url: str | None = None) -> dict[str, Any]:
    """Whether the broker (by default settings.CELERY_BROKER_URL) accepts a connection."""
    url = settings.CELERY_BROKER_URL if url is None else url
    if not url:
        return {"ok": True, "mode": "eager"}
    from samla.celery import app

    timeouts = {
        "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
        "socket_timeout": BROKER_TIMEOUT_SECONDS,
    }
    try:
        with app.connection_for_write(
            url, connect_timeout=BROKER_TIMEOUT_SECONDS, transport_options=timeouts
        ) as conn:
            conn.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as exc:  # any failure means "down"; the reason is reported
        return {"ok": False, "mode": "broker", "error": type(exc).__name__}
    return {"ok": True, "mode": "broker"}


@open_view
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_state(), "broker": broker_state()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", **checks}, status=200 if healthy else 503
    )
