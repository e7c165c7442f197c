"""Celery tasks of the roll-up: refresh one municipality's figures; the nightly dispatcher.

`refresh_progress` runs in the municipality's schema (`municipality_task`) and is
idempotent: it recomputes the day's row. `dispatch_progress_refresh` runs in the public
schema, sends `refresh_progress` for one batch of municipalities (by id) and then sends
itself for the next batch a little later, so the nightly refresh walks the tenants
instead of queueing all of them at once. Beat has one entry, for the dispatcher.
"""

from __future__ import annotations

from typing import Any

from samla.celery import app
from samla.tasks import municipality_task, send_for_municipality
from tenants.db import connection
from tenants.models import Municipality

BATCH_SIZE = 50
BATCH_PAUSE_SECONDS = 5


@municipality_task(name="networks.refresh_progress")
def refresh_progress(schema_name: str) -> dict[str, Any]:
    """Recompute this municipality's figures for today and upsert its row."""
    from networks.rollup import refresh_snapshot

    municipality: Municipality = connection.tenant
    return refresh_snapshot(municipality)


@app.task(name="networks.dispatch_progress_refresh")
def dispatch_progress_refresh(after_id: int = 0, batch_size: int = BATCH_SIZE) -> dict[str, Any]:
    """Send the refresh for the next `batch_size` municipalities after `after_id`, then
    hand the rest to the next run of this task."""
    batch = list(Municipality.objects.live().filter(pk__gt=after_id).order_by("pk")[:batch_size])
    for municipality in batch:
        send_for_municipality(municipality, refresh_progress)
    following = None
    if len(batch) == batch_size:
        following = batch[-1].pk
        dispatch_progress_refresh.apply_async(
            kwargs={"after_id": following, "batch_size": batch_size},
            countdown=BATCH_PAUSE_SECONDS,
        )
    return {"sent": [m.pk for m in batch], "next_after": following}
