"""A worker process killed in the middle of a task: the task runs again, its effect once.

The issue's fault. With `task_acks_late` and `task_reject_on_worker_lost` (settings), a
task whose pool process dies is put back on the queue and run again by a new pool
process; the tasks are written so that a second run changes nothing the first one did.

Each test starts from committed data, makes the task block half-way on a lock this test
holds in a connection of its own (the roll-up's table locked; a review notice's unique key
held by an uncommitted row), SIGKILLs the prefork pool process running it, releases the
lock, and shows the task run again under the same id and its effects there once: one
roll-up row for the day; every review notice recorded and mailed once (the first, sent
before the kill, not again). The killed process's database session may still finish its
statement once the lock is released (PostgreSQL does not notice a dead client while it
waits); the tests hold either way. The third kills the whole worker (main process too),
which leaves nobody to put the message back: a worker started after the broker's
visibility timeout (3 s here) gets it again and runs it.

Marked `worker`: a real `celery worker --pool=prefork` subprocess on the Redis in
CELERY_TEST_BROKER_URL (skipped without it locally, failed in CI: `tests.gates`). The
worker serves its metrics on a port of its own, which the tests read back.
"""

from __future__ import annotations

import datetime
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import psycopg
import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from networks.models import ProgressSnapshot
from networks.tasks import refresh_progress
from samla.accounts.models import MunicipalityMembership, MunicipalityRole, User
from samla.celery import app
from samla.models import TaskFailure
from samla.tasks import _send
from tenants.db import connection
from tenants.models import Municipality
from tenants.routines.models import Notice, NoticeKind, Routine, RoutineStatus, Unit
from tenants.routines.seeds import build_nordre_land_routines
from tenants.routines.tasks import send_review_notices
from tests.committed import committed_data
from tests.foundation.test_celery import (
    BROKER_URL,
    REPO,
    WORKER_START_SECONDS,
    Worker,
    _purge,
    _sending_to,
    _stop,
    database_url,
)
from tests.gates import unavailable

pytestmark = pytest.mark.worker

WAIT_SECONDS = 30.0
MAIL_SEPARATOR = "-" * 79 + "\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PreforkWorker(Worker):
    """A prefork worker with one pool process, its mail folder and its metrics port."""

    def __init__(
        self, process: subprocess.Popen[bytes], log: Path, queue: str, mail: Path, port: int
    ) -> None:
        super().__init__(process, log, queue)
        self.mail, self.metrics_port = mail, port

    def pool_processes(self) -> list[int]:
        """The pids whose parent is the worker's main process (its pool)."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            if int(fields[1]) == self.process.pid and fields[0] != "Z":
                children.append(int(stat.parent.name))
        return children

    def mails(self) -> list[str]:
        texts = (path.read_text() for path in sorted(self.mail.glob("*.log")))
        return [mail for text in texts for mail in text.split(MAIL_SEPARATOR) if mail.strip()]

    def metrics(self) -> str:
        url = f"http://127.0.0.1:{self.metrics_port}/metrics"
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode())


def _launch(queue: str, folder: Path, **env: str) -> PreforkWorker:
    """Start a prefork worker with one pool process on `queue` (which this process sends
    to), and wait until it has run a task; `env` adds to its environment."""
    folder.mkdir(parents=True, exist_ok=True)
    mail, log = folder / "mail", folder / "worker.log"
    mail.mkdir(exist_ok=True)
    port = _free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samla.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict),
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_RESULT_BACKEND": BROKER_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail),
        "SAMLA_WORKER_METRICS_PORT": str(port),
        "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"),
        **env,
    }
    command = [
        str(Path(sys.executable).parent / "celery"), "-A", "samla", "worker",
        "--pool=prefork", "--concurrency=1", "--without-heartbeat", "--without-gossip",
        "--without-mingle", "-Q", queue, "-n", f"{queue}-{uuid.uuid4().hex[:6]}@%h",
        "--loglevel=INFO",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=REPO, env=environment, stdout=out, stderr=subprocess.STDOUT
        )
    worker = PreforkWorker(process, log, queue, mail, port)
    try:
        ready = app.send_task("celery.accumulate", args=[1])
        assert worker.result(ready.id, timeout=WORKER_START_SECONDS).successful()
    except AssertionError as exc:
        _stop(process)
        raise AssertionError(f"the worker did not start: {exc}\n{worker.log_text()}") from exc
    return worker


def _forget(queue: str, *workers: Worker) -> None:
    try:
        _purge(queue, delete=True)
        for worker in workers:
            for task_id in worker.task_ids:
                app.backend.forget(task_id)
    except Exception:  # noqa: S110 (best effort, after the workers are gone)
        pass


@pytest.fixture(scope="module")
def prefork_worker(django_db_setup, tmp_path_factory) -> Iterator[PreforkWorker]:
    if not BROKER_URL:
        unavailable(
            "CELERY_TEST_BROKER_URL is not set, so no real worker can run "
            "(.ci/run sets it when Redis answers on 127.0.0.1:6379)"
        )
    from celery._state import _set_task_join_will_block  # type: ignore[attr-defined]

    _set_task_join_will_block(False)  # this process only sends and waits (see test_celery)
    queue = f"samla-killed-{uuid.uuid4().hex[:12]}"
    with _sending_to(queue):
        _purge(queue)
        worker = _launch(queue, tmp_path_factory.mktemp("killed"))
        try:
            yield worker
        finally:
            _stop(worker.process)
            _forget(queue, worker)


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache(django_db_setup, django_db_blocker) -> Iterator[None]:
    """No per-test transaction: the worker sees committed rows only."""
    with committed_data(django_db_blocker):
        yield


@pytest.fixture
def blocker() -> Iterator[psycopg.Connection[Any]]:
    """A connection of the test's own, in a transaction it rolls back to release the lock."""
    params = connection.settings_dict
    conn = psycopg.connect(
        dbname=params["NAME"],
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
        host=params.get("HOST") or None,
        port=params.get("PORT") or None,
    )
    try:
        yield conn
    finally:
        conn.rollback()
        conn.close()


def _wait_for(condition: Any, what: str, worker: Worker, timeout: float = WAIT_SECONDS) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert worker.process.poll() is None, "the worker died:\n" + worker.log_text()
        if value := condition():
            return value
        time.sleep(0.1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, state, wait_event_type, wait_event, left(query, 120)"
            " FROM pg_stat_activity WHERE datname = current_database()"
        )
        sessions = "\n".join(map(str, cursor.fetchall()))
    raise AssertionError(f"{what} within {timeout} s\n{sessions}\n{worker.log_text()[-4000:]}")


def _sessions_waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return int(cursor.fetchone()[0])


def _kill_the_pool_process(worker: PreforkWorker) -> int:
    """SIGKILL the one pool process (running the blocked task); wait for its replacement."""
    [victim] = worker.pool_processes()
    os.kill(victim, signal.SIGKILL)
    _wait_for(lambda: "signal 9 (SIGKILL)" in worker.log_text(), "the loss was not noticed", worker)
    _wait_for(
        lambda: [pid for pid in worker.pool_processes() if pid != victim],
        "no new pool process",
        worker,
    )
    return victim


def _metric(text: str, name: str, labels: str) -> float:
    for line in text.splitlines():
        if line.startswith(f"{name}{{") and all(part in line for part in labels.split(",")):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_a_roll_up_killed_mid_way_runs_again_and_leaves_one_row(
    prefork_worker: PreforkWorker, blocker: psycopg.Connection[Any]
) -> None:
    nesseby = Municipality.objects.get(slug="nesseby")
    today = timezone.localdate()
    ProgressSnapshot.objects.filter(municipality=nesseby, date=today).delete()
    TaskFailure.objects.all().delete()

    # Given the roll-up's table locked against writes by this test
    blocker.execute("LOCK TABLE public.networks_progresssnapshot IN EXCLUSIVE MODE")
    # When Nesseby's refresh runs and blocks at its write
    task_id = str(_send(nesseby, refresh_progress, ()).id)
    _wait_for(_sessions_waiting_on_a_lock, "the refresh never reached its write", prefork_worker)
    killed_at = timezone.now()
    # and its pool process is killed there
    victim = _kill_the_pool_process(prefork_worker)
    assert not ProgressSnapshot.objects.filter(municipality=nesseby, date=today).exists()
    blocker.rollback()  # the lock is released

    # Then the same task runs again in a new pool process and succeeds
    result = prefork_worker.result(task_id, timeout=WAIT_SECONDS)
    assert result.state == "SUCCESS", prefork_worker.log_text()[-4000:]
    assert victim not in prefork_worker.pool_processes()
    # and the day has one row, written after the kill
    [row] = ProgressSnapshot.objects.filter(municipality=nesseby, date=today)
    assert row.computed_at >= killed_at
    assert row.figures == result.result
    # and the loss was no failure: the message went back on the queue
    assert not TaskFailure.objects.filter(task_id=task_id).exists()
    text = prefork_worker.metrics()
    assert (
        _metric(
            text,
            "samla_task_duration_seconds_count",
            'task="networks.refresh_progress",state="SUCCESS"',
        )
        >= 1
    )


@pytest.fixture
def due_routines(prefork_worker: PreforkWorker, django_db_blocker) -> Iterator[list[Routine]]:
    """In Nesseby, committed: two approved routines due, one overdue, one in ten days."""
    nesseby = Municipality.objects.get(slug="nesseby")
    username = "killed-worker.nesseby"
    leader = User.objects.create_user(username=username)
    try:
        MunicipalityMembership.objects.create(
            user=leader, municipality=nesseby, role=MunicipalityRole.LEADER
        )
        with tenant_context(nesseby):
            assert not Routine.objects.exists(), "committed routines left behind"
            built = build_nordre_land_routines(nesseby, leader)
            approved = [r for r in built if r.status == RoutineStatus.APPROVED]
            for routine, days in zip(approved, (-1, 10), strict=True):
                routine.next_review = timezone.localdate() + datetime.timedelta(days=days)
                Routine.objects.filter(pk=routine.pk).update(next_review=routine.next_review)
            Unit.objects.update(email="rutiner@nesseby.kommune.no")
        connection.set_schema_to_public()
        yield approved
    finally:
        with tenant_context(nesseby):
            Notice.objects.all().delete()
            Routine.objects.update(status=RoutineStatus.DRAFT, current=None, draft=None)
            Routine.objects.all().delete()
            Unit.objects.all().delete()
        connection.set_schema_to_public()
        User.objects.filter(username=username).delete()


def test_a_review_run_killed_mid_way_sends_every_notice_once(
    prefork_worker: PreforkWorker,
    blocker: psycopg.Connection[Any],
    due_routines: list[Routine],
) -> None:
    nesseby = Municipality.objects.get(slug="nesseby")
    overdue, soon = due_routines
    mails_before = len(prefork_worker.mails())
    assert soon.next_review is not None

    # Given the second notice's key taken by an uncommitted row of this test
    blocker.execute(
        "INSERT INTO nesseby.routines_notice (routine_id, kind, occasion, recipients, sent_at)"
        " VALUES (%s, %s, %s, '{}', now())",
        (soon.pk, NoticeKind.REVIEW_SOON, soon.next_review.isoformat()),
    )
    # When the review run sends the first notice and blocks claiming the second
    task_id = str(_send(nesseby, send_review_notices, (timezone.localdate().isoformat(),)).id)
    _wait_for(_sessions_waiting_on_a_lock, "the run never reached the second", prefork_worker)
    with tenant_context(nesseby):
        assert list(Notice.objects.values_list("routine_id", flat=True)) == [overdue.pk]
    connection.set_schema_to_public()
    assert len(prefork_worker.mails()) == mails_before + 1
    # and its pool process is killed there, then the key is let go
    _kill_the_pool_process(prefork_worker)
    blocker.rollback()

    # Then the same task runs again: it sends the second notice and not the first again
    result = prefork_worker.result(task_id, timeout=WAIT_SECONDS)
    assert result.state == "SUCCESS", prefork_worker.log_text()[-4000:]
    outcome = cast(dict[str, Any], result.result)
    assert outcome["sent"] == [[soon.pk, NoticeKind.REVIEW_SOON]]
    assert outcome["already_sent"] == [[overdue.pk, NoticeKind.REVIEW_OVERDUE]]
    with tenant_context(nesseby):
        notices = sorted(Notice.objects.values_list("routine_id", "kind"))
    connection.set_schema_to_public()
    assert notices == sorted(
        [(overdue.pk, NoticeKind.REVIEW_OVERDUE), (soon.pk, NoticeKind.REVIEW_SOON)]
    )
    # and two mails in all, one per notice
    mails = prefork_worker.mails()
    assert len(mails) == mails_before + 2
    assert sum("To: rutiner@nesseby.kommune.no" in mail for mail in mails) == mails_before + 2
    assert not TaskFailure.objects.filter(task_id=task_id).exists()


VISIBILITY_SECONDS = 3


def test_a_whole_worker_killed_gives_the_task_back_after_the_visibility_timeout(
    prefork_worker: PreforkWorker, blocker: psycopg.Connection[Any], tmp_path: Path
) -> None:
    """The worker's main process killed too: nobody rejects the message; Redis gives it
    out again once it has been unacknowledged for `visibility_timeout` (settings:
    CELERY_VISIBILITY_TIMEOUT, a few seconds here, hours in production)."""
    nesseby = Municipality.objects.get(slug="nesseby")
    today = timezone.localdate()
    ProgressSnapshot.objects.filter(municipality=nesseby, date=today).delete()
    queue = f"samla-killed-{uuid.uuid4().hex[:12]}"
    timeout = {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_SECONDS)}
    with _sending_to(queue):
        _purge(queue)
        first = _launch(queue, tmp_path / "first", **timeout)
        second: PreforkWorker | None = None
        try:
            # Given a refresh blocked at its write in the first worker
            blocker.execute("LOCK TABLE public.networks_progresssnapshot IN EXCLUSIVE MODE")
            task_id = str(_send(nesseby, refresh_progress, ()).id)
            _wait_for(_sessions_waiting_on_a_lock, "the refresh never reached its write", first)
            # When the whole worker is killed, its pool and its main process
            killed_at, killed = timezone.now(), time.monotonic()
            for pid in [*first.pool_processes(), first.process.pid]:
                os.kill(pid, signal.SIGKILL)
            first.process.wait(timeout=10)
            blocker.rollback()
            # Then nobody has finished the task
            assert app.AsyncResult(task_id).state == "PENDING"
            # and a worker started once the visibility timeout has passed runs it
            time.sleep(max(0.0, VISIBILITY_SECONDS + 1 - (time.monotonic() - killed)))
            second = _launch(queue, tmp_path / "second", **timeout)
            result = second.result(task_id, timeout=WAIT_SECONDS)
            assert result.state == "SUCCESS", second.log_text()[-4000:]
            [row] = ProgressSnapshot.objects.filter(municipality=nesseby, date=today)
            assert row.computed_at >= killed_at
        finally:
            for worker in (first, second):
                if worker is not None and worker.process.poll() is None:
                    _stop(worker.process)
            _forget(queue, *(w for w in (first, second) if w is not None))
