"""Samla's own operational records in the public schema: the failed Celery tasks.

A `TaskFailure` row is written when a task fails for good (Celery's `task_failure` signal,
`samla/task_failures.py`), wherever it ran: in a municipality's schema or the public one.
It carries no personal data: the task's name and id, the schema it ran in, the
exception's type and a short message with addresses, numbers and quoted values removed.
The rows are pruned after `SAMLA_TASK_FAILURE_DAYS`; `samla doctor` counts the last day's.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TaskFailure(models.Model):
    """One task run that failed (after its retries, if it had any)."""

    task_name = models.CharField(_("oppgave"), max_length=200)
    task_id = models.CharField(_("oppgave-id"), max_length=64)
    schema_name = models.CharField(_("skjema"), max_length=63, blank=True)
    exception_type = models.CharField(_("feiltype"), max_length=200)
    message = models.CharField(_("melding"), max_length=300, blank=True)
    failed_at = models.DateTimeField(_("feilet"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("feilet oppgave")
        verbose_name_plural = _("feilede oppgaver")
        ordering = ["-failed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task_name} {self.failed_at:%Y-%m-%d %H:%M}"
