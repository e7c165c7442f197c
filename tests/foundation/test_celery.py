"""Municipality tasks run in their municipality's schema, only after commit, or not at all.

Given the two seed municipalities, a task declared with `municipality_task` runs inside
the schema named in its first argument, is sent only when the sender's transaction
commits, and refuses to run (TenantRequired) when it arrives without that schema: from
the public schema, with no schema header, or with a header naming another municipality.

The first group runs eagerly, in this process (the default without a broker). The
second (marked `worker`) starts a real `celery worker` against the Redis in
CELERY_TEST_BROKER_URL and the committed test database; without it, it is skipped locally
and fails in CI (`tests.gates`).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from celery import Celery
from celery.exceptions import TimeoutError as CeleryTimeout
from celery.result import AsyncResult
from celery.signals import after_task_publish, task_prerun
from django.core.cache import cache
from django.db import transaction
from django_tenants.utils import tenant_context
from kombu import Exchange, Queue
from kombu import pools as kombu_pools
from tenant_schemas_celery.task import TenantTask

from samla.celery import app
from samla.tasks import TenantRequired, run_for_municipality, send_for_municipality
from tenants.db import connection
from tenants.models import Municipality, SchemaCheck
from tenants.tasks import check_schema
from tests.gates import unavailable

REPO = Path(__file__).resolve().parents[2]
BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "")
WAIT_SECONDS = 20.0
WORKER_START_SECONDS = 60.0


class Boom(Exception):
    """Raised to roll a transaction back."""


@pytest.fixture
def eager() -> Iterator[None]:
    """Tasks run in this process, as they do without a broker."""
    saved = {key: app.conf[key] for key in ("task_always_eager", "task_eager_propagates")}
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.update(saved)


@pytest.fixture
def published() -> Iterator[list[tuple[str, str]]]:
    """(task name, task id) of every message this process hands to the broker."""
    sent: list[tuple[str, str]] = []

    def record(sender: str | None = None, headers: dict[str, Any] | None = None, **_: Any) -> None:
        sent.append((str(sender), str((headers or {}).get("id"))))

    after_task_publish.connect(record, weak=False)
    yield sent
    after_task_publish.disconnect(record)


@pytest.fixture
def ran() -> Iterator[list[str]]:
    """Names of the tasks that started running in this process."""
    started: list[str] = []

    def record(sender: Any = None, **_: Any) -> None:
        started.append(sender.name)

    task_prerun.connect(record, weak=False)
    yield started
    task_prerun.disconnect(record)


# Eager: no broker ----------------------------------------------------------------------


def test_run_for_municipality_runs_in_its_schema(eager, nordre_land):
    # Given Nordre Land's schema, cloned from the template
    # When its schema check runs through run_for_municipality
    result = run_for_municipality(nordre_land, check_schema)

    # Then it ran in nordre_land's schema, found every table, and recorded that
    assert result["schema"] == "nordre_land"
    assert result["missing_tables"] == []
    check = SchemaCheck.objects.get(pk=result["id"])
    assert check.municipality == nordre_land
    assert check.schema_name == "nordre_land"
    # and the sender is back in the public schema
    assert connection.schema_name == "public"


def test_send_for_municipality_runs_only_after_commit(
    eager, nesseby, ran, django_capture_on_commit_callbacks
):
    # Given a transaction that sends Nesseby's schema check
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            send_for_municipality(nesseby, check_schema)
            # Then nothing has run while the transaction is open
            assert ran == []
        assert ran == []
        assert not SchemaCheck.objects.filter(municipality=nesseby).exists()

    # When it commits, the task runs once, in Nesseby's schema
    assert len(callbacks) == 1
    assert ran == ["tenants.check_schema"]
    check = SchemaCheck.objects.get(municipality=nesseby)
    assert check.schema_name == "nesseby"
    assert check.missing_tables == []


def test_send_for_municipality_never_runs_after_rollback(
    eager, nesseby, ran, django_capture_on_commit_callbacks
):
    # Given a transaction that sends Nesseby's schema check and then fails
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        send_for_municipality(nesseby, check_schema)
        raise Boom

    # Then the task never ran and wrote nothing
    assert callbacks == []
    assert ran == []
    assert not SchemaCheck.objects.exists()


def test_task_sent_from_public_schema_fails_closed(eager, nesseby):
    # Given the sender is in the public schema (the tenant-schemas-celery header says "public")
    assert connection.schema_name == "public"

    # When Nesseby's schema check is sent directly, bypassing send_for_municipality
    # Then it refuses to run, whether sent with delay or apply, and writes nothing
    with pytest.raises(TenantRequired, match="'nesseby', not 'public'"):
        check_schema.delay("nesseby")
    with pytest.raises(TenantRequired):
        check_schema.apply(args=["nesseby"])
    assert not SchemaCheck.objects.exists()


def test_task_without_schema_header_fails_closed_even_inside_the_schema(eager, nesseby):
    # Given a message with no schema header at all (as a plain Celery client sends it),
    # sent while the sender's connection happens to be in Nesseby's schema
    with tenant_context(nesseby), pytest.raises(TenantRequired, match="not 'public'"):
        # When it runs (Task.apply without tenant-schemas-celery's header)
        super(TenantTask, check_schema).apply(args=["nesseby"])

    # Then it ran in no municipality's schema, refused, and wrote nothing
    assert not SchemaCheck.objects.exists()
    assert connection.schema_name == "public"


def test_task_for_one_municipality_in_anothers_schema_fails_closed(eager, nordre_land, nesseby):
    # Given a message for Nesseby whose schema header names Nordre Land
    # When it runs
    with pytest.raises(TenantRequired, match="'nesseby', not 'nordre_land'"):
        check_schema.apply(args=["nesseby"], headers={"_schema_name": "nordre_land"})

    # Then it refused, wrote nothing, and the sender is back in the public schema
    assert not SchemaCheck.objects.exists()
    assert connection.schema_name == "public"


# A real worker -------------------------------------------------------------------------


def database_url(settings_dict: dict[str, Any]) -> str:
    """A DATABASE_URL naming the same database as Django's settings_dict (see samla.database)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    auth = user + (f":{quote(password, safe='')}" if password else "")
    host = str(settings_dict.get("HOST") or "")
    port = str(settings_dict.get("PORT") or "")
    name = quote(settings_dict["NAME"], safe="")
    netloc = (f"{auth}@" if auth else "") + ("" if host.startswith("/") else host)
    netloc += f":{port}" if port else ""
    query = f"?host={quote(host, safe='')}" if host.startswith("/") else ""
    return f"postgres://{netloc}/{name}{query}"


def _forget_connections() -> None:
    """Drop the app's cached broker pool, producers and result backend."""
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    # kombu keeps producer pools per connection in a global registry; a closed one would be
    # handed out again to the next module that starts a worker on the same broker URL.
    kombu_pools.reset()
    app.__dict__.pop("amqp", None)
    app._backend_cache = None
    if hasattr(app._local, "backend"):
        del app._local.backend


class Worker:
    """A `celery worker` subprocess consuming one queue of its own."""

    def __init__(self, process: subprocess.Popen[bytes], log: Path, queue: str) -> None:
        self.process, self.log, self.queue = process, log, queue
        self.task_ids: list[str] = []

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else "(no log)"

    def result(self, task_id: str, timeout: float = WAIT_SECONDS) -> AsyncResult:
        """The task's result once the worker has finished it (success or failure)."""
        self.task_ids.append(task_id)
        result: AsyncResult[Any] = AsyncResult(task_id, app=app)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "the worker died:\n" + self.log_text()
            try:
                result.get(timeout=1, propagate=False)
            except CeleryTimeout:
                continue
            return result
        raise AssertionError(f"task {task_id} did not finish within {timeout} s")


def _purge(queue: str, *, delete: bool = False) -> None:
    """Empty the queue (declared as the worker's -Q declares it); delete it when done."""
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=2, interval_start=0.5, timeout=5)
        bound = Queue(queue, Exchange(queue), routing_key=queue)(conn.default_channel)
        bound.declare()
        bound.purge()
        if delete:  # its binding keys too: the name is never reused
            bound.delete()


@contextlib.contextmanager
def _sending_to(queue: str) -> Iterator[None]:
    """This process sends to the test broker's `queue` and reads results from it."""
    keys = ("task_always_eager", "broker_url", "result_backend", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        task_always_eager=False,
        broker_url=BROKER_URL,
        result_backend=BROKER_URL,
        task_default_queue=queue,
    )
    _forget_connections()
    try:
        yield
    finally:
        app.conf.update(saved)
        _forget_connections()


def _start_worker(queue: str, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samla.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict),
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_RESULT_BACKEND": BROKER_URL,
    }
    celery = Path(sys.executable).parent / "celery"
    command = [
        str(celery), "-A", "samla", "worker", "--pool=solo", "--concurrency=1",
        "--without-heartbeat", "--without-gossip", "--without-mingle",
        "-Q", queue, "-n", f"{queue}@%h", "--loglevel=INFO",
    ]  # fmt: skip
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def real_worker(django_db_setup, tmp_path_factory) -> Iterator[Worker]:
    """A worker on the committed test database and a queue of its own; this process sends to it."""
    if not BROKER_URL:
        unavailable(
            "CELERY_TEST_BROKER_URL is not set, so no real worker can run "
            "(.ci/run sets it when Redis answers on 127.0.0.1:6379)"
        )
    # This process only sends and waits: it is no worker. Celery keeps "inside a task" in a
    # process-wide flag that eager runs set and restore (`denied_join_result`); two threads
    # running eager tasks at once (the concurrency tests) restore each other's value and can
    # leave it set, after which every result.get() here is refused "within a task".
    from celery._state import _set_task_join_will_block  # type: ignore[attr-defined]

    _set_task_join_will_block(False)
    queue = f"samla-test-{uuid.uuid4().hex[:12]}"
    with _sending_to(queue):
        _purge(queue)
        log = tmp_path_factory.mktemp("celery") / "worker.log"
        worker = Worker(_start_worker(queue, log), log, queue)
        try:
            # Ready when it has consumed a built-in task from its queue.
            ready = app.send_task("celery.accumulate", args=[1])
            try:
                started = worker.result(ready.id, timeout=WORKER_START_SECONDS)
            except AssertionError as exc:
                message = f"the worker did not start: {exc}\n{worker.log_text()}"
                raise AssertionError(message) from exc
            assert started.successful(), worker.log_text()
            yield worker
        finally:
            _stop(worker.process)
            with contextlib.suppress(Exception):  # best effort, after the worker is gone
                _purge(queue, delete=True)
                for task_id in worker.task_ids:
                    app.backend.forget(task_id)


def _new_checks() -> list[SchemaCheck]:
    return list(SchemaCheck.objects.select_related("municipality").order_by("pk"))


def _wait_for_checks(count: int, timeout: float = WAIT_SECONDS) -> list[SchemaCheck]:
    deadline = time.monotonic() + timeout
    while len(checks := _new_checks()) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return checks


@pytest.mark.worker
class TestRealWorker:
    """Committed data, a real broker and a worker process."""

    @pytest.fixture(autouse=True)
    def _public_schema_and_clean_cache(self, django_db_setup, django_db_blocker) -> Iterator[None]:
        # Replaces the suite's per-test transaction: the worker sees only committed rows,
        # and on_commit callbacks run. Every SchemaCheck a test leaves is deleted.
        with django_db_blocker.unblock():
            connection.set_schema_to_public()
            cache.clear()
            SchemaCheck.objects.all().delete()
            yield
            connection.set_schema_to_public()
            SchemaCheck.objects.all().delete()

    @pytest.fixture
    def nesseby(self) -> Municipality:
        return Municipality.objects.get(slug="nesseby")

    def test_worker_runs_task_in_the_municipalitys_schema(self, real_worker, nesseby, published):
        # Given committed data and no open transaction
        assert not connection.in_atomic_block

        # When Nesseby's schema check is sent for the worker
        send_for_municipality(nesseby, check_schema)

        # Then one message left, and the worker recorded a check in Nesseby's schema
        assert [name for name, _ in published] == ["tenants.check_schema"]
        checks = _wait_for_checks(1)
        assert [(c.municipality.slug, c.schema_name) for c in checks] == [("nesseby", "nesseby")]
        assert checks[0].missing_tables == []
        # and its result, from the result backend, says the same
        result = real_worker.result(published[0][1])
        assert result.state == "SUCCESS"
        assert result.result == {"id": checks[0].pk, "schema": "nesseby", "missing_tables": []}

    def test_send_in_rolled_back_transaction_never_reaches_worker(
        self, real_worker, nesseby, published
    ):
        # Given a transaction that sends Nesseby's schema check and then rolls back
        with pytest.raises(Boom), transaction.atomic():
            send_for_municipality(nesseby, check_schema)
            raise Boom

        # When a sentinel check is then sent normally, and the worker has finished it
        send_for_municipality(nesseby, check_schema)
        assert len(published) == 1
        sentinel = real_worker.result(published[0][1])

        # Then only the sentinel ran: its row is the one row there is
        assert sentinel.state == "SUCCESS"
        checks = _new_checks()
        assert [c.pk for c in checks] == [sentinel.result["id"]]

    @pytest.mark.parametrize(
        ("headers", "refusal"),
        [
            pytest.param(None, "not 'public'", id="from-public-schema"),
            pytest.param({"_schema_name": "nordre_land"}, "not 'nordre_land'", id="other-schema"),
            pytest.param("no-header", "not 'public'", id="no-header"),
        ],
    )
    def test_worker_refuses_task_outside_its_schema(self, real_worker, headers, refusal):
        # Given a raw message for Nesseby's schema check, sent from the public schema
        # (the header says "public"), with another municipality's header, or with none
        if headers == "no-header":
            sent = Celery.send_task(app, "tenants.check_schema", args=["nesseby"])
        else:
            sent = app.send_task("tenants.check_schema", args=["nesseby"], headers=headers)

        # When the worker has handled it
        result = real_worker.result(sent.id)

        # Then it failed closed with TenantRequired and wrote nothing
        assert result.state == "FAILURE"
        assert isinstance(result.result, TenantRequired)
        assert refusal in str(result.result)
        assert _new_checks() == []
