"""Refresh a municipality's figures when a change that affects them commits, debounced.

The plans' write engine calls `progress_changed()` inside each write's transaction. When
the write commits, the first change in a quiet period refreshes at once and marks the
municipality as recently refreshed for `WINDOW_SECONDS`; a change while that mark is set
schedules one trailing refresh `WINDOW_SECONDS` later (a second mark keeps it to one), so
a burst of edits costs at most two refreshes per window, and the last edit is always in a
refresh that starts after it. Marks are `cache.add` (atomic in Redis); cache keys carry
the schema.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django_tenants.utils import get_public_schema_name, tenant_context

from tenants.models import Municipality

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 10


def _keys(municipality: Municipality) -> tuple[str, str]:
    base = f"networks:refresh:{municipality.pk}"
    return f"{base}:recent", f"{base}:trailing"


def schedule_refresh(municipality: Municipality) -> str:
    """Send now, schedule the trailing refresh, or do nothing; returns which."""
    from networks.tasks import refresh_progress

    recent, trailing = _keys(municipality)
    schema = municipality.schema_name
    send: dict[str, Any] = {"args": (schema,), "headers": {"_schema_name": schema}}
    with tenant_context(municipality):
        if cache.add(recent, 1, timeout=WINDOW_SECONDS):
            refresh_progress.apply_async(**send)
            return "now"
        if cache.add(trailing, 1, timeout=WINDOW_SECONDS):
            refresh_progress.apply_async(**send, countdown=WINDOW_SECONDS)
            return "trailing"
    return "skipped"


def progress_changed(municipality: Municipality) -> None:
    """Call inside a write's transaction in a municipality's schema: refresh after commit."""
    if municipality.schema_name == get_public_schema_name():
        return
    # robust: the write has committed; a failed refresh is logged, the nightly run repairs it.
    transaction.on_commit(lambda: schedule_refresh(municipality), robust=True)
