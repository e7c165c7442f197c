"""Celery tasks of routines: the daily review notices, walked municipality by municipality.

`dispatch_review_notices` runs in the public schema (beat sends it once a day): it sends
`send_review_notices` for one batch of municipalities (by id), each in its own schema,
and then sends itself for the next batch a little later, as the roll-up's nightly
dispatcher does (`networks.tasks`). The day is fixed by the first batch and passed on, so
a walk that crosses midnight judges every municipality on the same day.

`send_review_notices` is idempotent (each notice is claimed once, see
`tenants.routines.services.reviews`); when a notice could not be sent, the task retries
later and sends only what is still unsent.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django_tenants.utils import tenant_context

from samla.celery import app
from samla.tasks import municipality_task
from tenants.db import connection
from tenants.models import Municipality

BATCH_SIZE = 100
BATCH_PAUSE_SECONDS = 2
RETRY_SECONDS = 15 * 60
MAX_RETRIES = 4


class NoticesFailed(RuntimeError):
    """Some notices could not be sent; a retry sends what is still unsent."""


@municipality_task(
    name="routines.send_review_notices", bind=True, max_retries=MAX_RETRIES, acks_late=True
)
def send_review_notices(self: Any, schema_name: str, on: str | None = None) -> dict[str, Any]:
    """Send this municipality's review notices due on `on` (ISO date; today if None)."""
    from tenants.routines.services.reviews import send_review_notices as send

    municipality: Municipality = connection.tenant
    today = datetime.date.fromisoformat(on) if on else timezone.localdate()
    outcome = send(municipality, today)
    if outcome.failed:
        failed = NoticesFailed(f"{len(outcome.failed)} notices not sent in {schema_name}")
        if self.request.called_directly or self.request.is_eager:
            # In-process (no broker): nothing to retry into; tomorrow's run sends them.
            return {**outcome.as_dict(), "schema": schema_name}
        raise self.retry(exc=failed, countdown=RETRY_SECONDS)
    return {**outcome.as_dict(), "schema": schema_name}


def _send(municipality: Municipality, on: str) -> str:
    """Send the municipality's task with its schema header; the task's id."""
    schema = municipality.schema_name
    with tenant_context(municipality):
        result = send_review_notices.apply_async(
            args=(schema, on), headers={"_schema_name": schema}
        )
    return str(result.id)


@app.task(name="routines.dispatch_review_notices")
def dispatch_review_notices(
    after_id: int = 0, batch_size: int = BATCH_SIZE, on: str | None = None
) -> dict[str, Any]:
    """Send the notices task for the next `batch_size` municipalities after `after_id`,
    then hand the rest to the next run of this task."""
    on = on or timezone.localdate().isoformat()
    batch = list(Municipality.objects.live().filter(pk__gt=after_id).order_by("pk")[:batch_size])
    task_ids = [_send(municipality, on) for municipality in batch]
    following = None
    next_task_id = None
    if len(batch) == batch_size:
        following = batch[-1].pk
        next_task_id = str(
            dispatch_review_notices.apply_async(
                kwargs={"after_id": following, "batch_size": batch_size, "on": on},
                countdown=BATCH_PAUSE_SECONDS,
            ).id
        )
    return {
        "on": on,
        "sent": [m.pk for m in batch],
        "task_ids": task_ids,
        "next_after": following,
        "next_task_id": next_task_id,
    }
