"""Tasks of the routine library that run in a member municipality's schema."""

from __future__ import annotations

from samla.tasks import municipality_task
from tenants.db import connection


@municipality_task(
    name="library.notify_library_update",
    # A mail server that fails: the claim rolled back with it, so a retry sends it once.
    autoretry_for=(OSError,),
    retry_backoff=60,
    max_retries=5,
)
def notify_library_update(schema_name: str, entry_id: int, number: int) -> int | None:
    """Tell this municipality about version `number` of a library entry, if it adopted the
    entry (idempotent: one notice per routine and library version). Returns the id of the
    notice this run sent, if it sent one."""
    from tenants.routines.services.library import notify_library_update as notify

    notice = notify(connection.tenant, entry_id, number)
    return None if notice is None else notice.pk
