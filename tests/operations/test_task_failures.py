"""Failed tasks are recorded (samla/task_failures.py): eagerly and by a real worker, without
personal data in the message, and pruned after the retention period by a beat task."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from celery import Celery
from django.conf import settings
from django.utils import timezone
from prometheus_client import REGISTRY

from samla.celery import app
from samla.models import TaskFailure
from samla.task_failures import prune_task_failures, record_failure, safe_message
from samla.tasks import TenantRequired
from tenants.tasks import check_schema
from tests.committed import committed_data
from tests.foundation.test_celery import Worker, eager, real_worker  # noqa: F401 (fixtures)


def sample(name: str, labels: dict[str, str]) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_an_eager_task_failure_is_recorded_and_counted(eager, nesseby) -> None:  # noqa: F811
    # (With task_eager_propagates, Celery re-raises in the caller before its failure
    # signal: the caller's error is then the record. Without it, as in a worker:)
    app.conf.task_eager_propagates = False
    failures = sample("samla_task_failures_total", {"task": "tenants.check_schema"})
    runs = sample(
        "samla_task_duration_seconds_count", {"task": "tenants.check_schema", "state": "FAILURE"}
    )
    # Sent from the public schema, the municipality's task refuses to run
    result = check_schema.apply(args=["nesseby"])
    assert isinstance(result.result, TenantRequired)

    [failure] = TaskFailure.objects.all()
    assert failure.task_name == "tenants.check_schema"
    assert failure.schema_name == "public"
    assert failure.exception_type == "TenantRequired"
    assert "must run in schema" in failure.message
    assert timezone.now() - failure.failed_at < timedelta(minutes=1)
    assert sample("samla_task_failures_total", {"task": "tenants.check_schema"}) == failures + 1
    assert (
        sample(
            "samla_task_duration_seconds_count",
            {"task": "tenants.check_schema", "state": "FAILURE"},
        )
        == runs + 1
    )


def test_the_message_keeps_no_personal_data() -> None:
    exc = RuntimeError(
        'duplicate key value violates unique constraint "x" Key (email)=(kari@larvik.kommune.no)'
        " for 'Kari Nordmann' fnr 01017012345 mail ola.nordmann@example.no\nDETAIL: more"
    )
    message = safe_message(exc)
    for secret in ("kari@", "Kari Nordmann", "01017012345", "ola.nordmann", "DETAIL"):
        assert secret not in message
    assert message.startswith("duplicate key value violates unique constraint")
    assert len(safe_message(RuntimeError("x" * 1000))) == 300
    assert safe_message(RuntimeError()) == ""


def test_old_failures_are_pruned_by_the_daily_task(db) -> None:
    now = timezone.now()
    days = settings.SAMLA_TASK_FAILURE_DAYS
    for age in (days + 1, days - 1):
        moment = now - timedelta(days=age)
        record_failure("networks.refresh_progress", f"id-{age}", RuntimeError("x"), now=moment)
    assert settings.CELERY_BEAT_SCHEDULE["task-failures-prune-daily"]["task"] == (
        prune_task_failures.name
    )
    assert prune_task_failures.name in app.tasks
    assert prune_task_failures.apply().get() == {"deleted": 1}
    assert list(TaskFailure.objects.values_list("task_id", flat=True)) == [f"id-{days - 1}"]


@pytest.mark.worker
class TestRealWorker:
    """The worker process records the failure in the committed database."""

    @pytest.fixture(autouse=True)
    def _public_schema_and_clean_cache(self, django_db_setup, django_db_blocker) -> Iterator[None]:
        with committed_data(django_db_blocker):
            TaskFailure.objects.all().delete()
            yield
            TaskFailure.objects.all().delete()

    def test_a_worker_records_a_task_that_failed(self, real_worker: Worker) -> None:  # noqa: F811
        # A message without the schema header: the worker refuses it (TenantRequired)
        sent = Celery.send_task(app, "tenants.check_schema", args=["nesseby"])
        result = real_worker.result(sent.id)
        assert result.state == "FAILURE"
        # (The worker stores the result before it sends the failure signal.)
        deadline = time.monotonic() + 10
        while not TaskFailure.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        [failure] = TaskFailure.objects.all()
        assert (failure.task_name, failure.task_id) == ("tenants.check_schema", sent.id)
        assert (failure.schema_name, failure.exception_type) == ("public", "TenantRequired")
