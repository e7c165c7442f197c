"""The record of failed Celery tasks: written on failure, pruned daily, counted by the doctor.

`record_failure` is connected to Celery's `task_failure` signal (by `samla.celery`), so it
runs wherever a task fails for good: in a worker's pool process, in the worker's main
process when a pool process was lost and the message was not put back, or in the sending
process when tasks run eagerly. It writes one `samla.TaskFailure` row in the public
schema and never raises: a failure to record (the database is the thing that is down)
is logged instead.

The message is cut to its first line and stripped of what could be personal data (e-mail
addresses, long digit runs such as national identity numbers, quoted and bracketed
values as PostgreSQL puts the offending key in them); what remains says what went wrong,
not to whom. `prune_task_failures` (a daily beat entry) deletes rows older than
`SAMLA_TASK_FAILURE_DAYS`; `failures_since` is what `samla doctor` reports.
"""

from __future__ import annotations

import datetime
import logging
import re
from dataclasses import dataclass
from typing import Any

from celery.signals import task_failure
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from samla.celery import app

logger = logging.getLogger(__name__)

MESSAGE_MAX = 300
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_DIGITS = re.compile(r"\d{6,}")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_BRACKETED = re.compile(r"=\([^)]*\)")


def safe_message(exception: BaseException) -> str:
    """The exception's first line without addresses, identity numbers or quoted values."""
    text = str(exception).strip().splitlines()[0] if str(exception).strip() else ""
    text = _EMAIL.sub("<e-post>", text)
    text = _BRACKETED.sub("=(…)", text)
    text = _QUOTED.sub("'…'", text)
    text = _DIGITS.sub("<tall>", text)
    return text[:MESSAGE_MAX]


def _schema_of(task: Any) -> str:
    """The schema the task ran in: its tenant-schemas-celery header, else its connection's."""
    from tenant_schemas_celery.app import get_schema_name_from_task

    try:
        schema = get_schema_name_from_task(task, {})
    except Exception:  # no request context (called directly): the connection says
        schema = None
    if not schema:
        from tenants.db import connection

        schema = getattr(connection, "schema_name", "") or ""
    return str(schema)[:63]


def record_failure(
    task_name: str,
    task_id: str,
    exception: BaseException,
    schema_name: str = "",
    now: datetime.datetime | None = None,
) -> None:
    """Write one TaskFailure row (public schema); log instead of raising if it cannot."""
    from samla.models import TaskFailure

    try:
        # A savepoint when inside a transaction (an eager run): a failed insert leaves the
        # caller's transaction usable.
        with transaction.atomic():
            TaskFailure.objects.create(
                task_name=task_name[:200],
                task_id=str(task_id)[:64],
                schema_name=schema_name,
                exception_type=type(exception).__name__[:200],
                message=safe_message(exception),
                failed_at=now or timezone.now(),
            )
    except Exception:  # the record is best effort; the task's own failure is what matters
        logger.warning("Could not record the failure of task %s (%s)", task_name, task_id)


@task_failure.connect
def _on_task_failure(
    sender: Any = None,
    task_id: str | None = None,
    exception: BaseException | None = None,
    **_: Any,
) -> None:
    if sender is None or exception is None:
        return
    record_failure(
        getattr(sender, "name", str(sender)), task_id or "", exception, _schema_of(sender)
    )


@dataclass(frozen=True)
class FailureSummary:
    """Failures since a moment: how many, and the task that failed most often."""

    count: int
    most_frequent: str | None
    most_frequent_count: int


def failures_since(moment: datetime.datetime) -> FailureSummary:
    """How many tasks failed since `moment` and which failed most (one query)."""
    from django.db.models import Count

    from samla.models import TaskFailure

    by_task = list(
        TaskFailure.objects.filter(failed_at__gte=moment)
        .values("task_name")
        .annotate(n=Count("id"))
        .order_by("-n", "task_name")
        .values_list("task_name", "n")
    )
    total = sum(n for _, n in by_task)
    if not by_task:
        return FailureSummary(0, None, 0)
    return FailureSummary(total, by_task[0][0], by_task[0][1])


def prune(now: datetime.datetime | None = None, days: int | None = None) -> int:
    """Delete failures older than `days` (SAMLA_TASK_FAILURE_DAYS); how many were deleted."""
    from samla.models import TaskFailure

    now = now or timezone.now()
    days = settings.SAMLA_TASK_FAILURE_DAYS if days is None else days
    deleted, _ = TaskFailure.objects.filter(
        failed_at__lt=now - datetime.timedelta(days=days)
    ).delete()
    return deleted


@app.task(name="samla.prune_task_failures")
def prune_task_failures() -> dict[str, int]:
    """The daily beat entry: forget failures past their retention period."""
    return {"deleted": prune()}
