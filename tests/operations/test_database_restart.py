"""The database restarted under load: requests answer 503 with Retry-After, quickly, while
it is down, and the web process serves again by itself once it is back.

In process: a database error raised below the middleware (the tenant router's host lookup
is the first query) becomes a 503 page or `{"detail": …}` under /api/; another database
error stays a 500. As processes: the Procfile's web process (gunicorn, through honcho as
`make stack` runs it) on a PostgreSQL the test starts for itself, with persistent
connections, a steady stream of requests from two threads, the server stopped and started.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass

import psutil
import pytest
import requests
from django.db import OperationalError, ProgrammingError
from django.test import Client

from samla.stack import running_stack
from tenants.db import connection
from tests.gates import unavailable
from tests.operations.stack import Browser, database_server, own_postgres, run_django

SLUG = "nordre-land"
USERNAME = "leder.omstart"
PASSWORD = "omstart-hest-batteri-stift"
# Each answer while the database is down within this (the issue: fail fast, never hang).
FAST_SECONDS = 5.0
RECOVERY_SECONDS = 30.0


# In process ----------------------------------------------------------------------------


def _failing_with(error: type[Exception]):
    def wrapper(execute, sql, params, many, context):
        raise error("server closed the connection unexpectedly")

    return wrapper


@pytest.mark.parametrize(
    ("path", "json_body"), [("/planer/", False), ("/api/plans/", True)], ids=["page", "api"]
)
def test_unreachable_database_answers_503_with_retry_after(nordre_land, path, json_body):
    # Given a database whose every query fails as an unreachable one does
    client = Client(HTTP_HOST=f"{SLUG}.localhost", raise_request_exception=False)
    with connection.execute_wrapper(_failing_with(OperationalError)):
        # When a page or an endpoint of a municipality's host is asked for
        response = client.get(path)

    # Then it answers 503 with Retry-After, in Norwegian, as JSON under /api/
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Cache-Control"] == "no-store"
    if json_body:
        assert response["Content-Type"] == "application/json"
        assert response.json() == {
            "detail": "Tjenesten er midlertidig utilgjengelig. Prøv igjen om litt."
        }
    else:
        assert response["Content-Type"].startswith("text/html")
        assert "Midlertidig utilgjengelig" in response.content.decode()
    # and the request id is still on it (the middleware sits inside the request context)
    assert response["X-Request-ID"]


def test_other_database_errors_stay_500(nordre_land):
    # Given a query that fails as a bad query does (not an unreachable database)
    client = Client(HTTP_HOST=f"{SLUG}.localhost", raise_request_exception=False)
    with connection.execute_wrapper(_failing_with(ProgrammingError)):
        response = client.get("/api/plans/")

    # Then it is the server's error, not a "try again later"
    assert response.status_code == 500
    assert "Retry-After" not in response


# As processes --------------------------------------------------------------------------

PROVISION = f"""
from samla.accounts.models import MunicipalityMembership, MunicipalityRole, User
from samla.demo import load_seed_plans
from tenants.models import Municipality
from tenants.services import ensure_public_tenant, ensure_template, provision_municipality

ensure_public_tenant()
ensure_template()
municipality = Municipality.objects.filter(slug={SLUG!r}).first() or provision_municipality(
    name="Nordre Land", slug={SLUG!r}, org_number="964950768", county="Innlandet", number="3448"
)
user = User.objects.create_user(username={USERNAME!r}, password={PASSWORD!r})
MunicipalityMembership.objects.create(
    user=user, municipality=municipality, role=MunicipalityRole.LEADER
)
load_seed_plans(municipality, user)
"""


@dataclass
class Answer:
    sent: float
    seconds: float
    path: str
    status: int | None
    retry_after: str | None = None
    body: str = ""
    error: str = ""


class Stream:
    """Two threads asking for a page and an endpoint, over and over, recording each answer."""

    PATHS = ("/planer/", "/api/plans/")

    def __init__(self, browser: Browser) -> None:
        self.cookies = browser.session.cookies
        self.browser = browser
        self.answers: list[Answer] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(2)]

    def _run(self) -> None:
        session = requests.Session()
        session.headers["Host"] = self.browser.host
        session.cookies.update(self.cookies)
        while not self.stop.is_set():
            for path in self.PATHS:
                sent = time.monotonic()
                try:
                    response = session.get(
                        self.browser.url + path, timeout=15, allow_redirects=False
                    )
                except requests.RequestException as exc:
                    self.answers.append(
                        Answer(sent, time.monotonic() - sent, path, None, error=repr(exc))
                    )
                    continue
                self.answers.append(
                    Answer(
                        sent,
                        time.monotonic() - sent,
                        path,
                        response.status_code,
                        response.headers.get("Retry-After"),
                        response.text,
                    )
                )
            time.sleep(0.05)

    def __enter__(self) -> Stream:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def since(self, moment: float) -> list[Answer]:
        return [a for a in list(self.answers) if a.sent >= moment]

    def wait_for_ok(self, after: float, timeout: float) -> float | None:
        """When both paths first answered 200 for requests sent after `after`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ok = [a for a in self.since(after) if a.status == 200]
            if {a.path for a in ok} == set(self.PATHS):
                return max(min(a.sent for a in ok if a.path == p) for p in self.PATHS)
            time.sleep(0.2)
        return None


def _gunicorn_master(stack_pid: int) -> psutil.Process:
    tree = psutil.Process(stack_pid).children(recursive=True)
    masters = [
        p
        for p in tree
        if "gunicorn" in " ".join(p.cmdline()) and "gunicorn" not in " ".join(p.parent().cmdline())
    ]
    assert len(masters) == 1, [p.cmdline() for p in tree]
    return masters[0]


@pytest.mark.worker
def test_database_restart_under_load_fails_fast_and_recovers(tmp_path):
    broker = os.environ.get("CELERY_TEST_BROKER_URL")
    if not broker:
        unavailable(
            "CELERY_TEST_BROKER_URL is not set, so the stack has no broker "
            "(.ci/run sets it when Redis answers on 127.0.0.1:6379)"
        )
    # A copy of the test database when this machine has the binaries of its server's version
    # (it spares a migration from nothing; `samla upgrade` runs either way).
    with own_postgres(copy_of=database_server()) as postgres:
        # Given the web process, as the Procfile runs it, on a PostgreSQL of the test's own,
        # keeping its connections open between requests (checked before reuse)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "samla.settings.stack",
            "DATABASE_URL": postgres.server.url("samla"),
            "CELERY_BROKER_URL": broker,
            "DB_CONN_MAX_AGE": "60",
            "WEB_CONCURRENCY": "2",
            "PORT": "",
        }
        with running_stack(env, tmp_path / "stack.log", args=("web",)) as stack:
            run_django({**env, "CELERY_BROKER_URL": ""}, PROVISION)
            browser = Browser(stack.url, f"{SLUG}.localhost:{stack.port}")
            assert browser.log_in(USERNAME, PASSWORD).status_code == 302
            plans = browser.get("/api/plans/")
            assert plans.status_code == 200
            titles = sorted(p["title"] for p in plans.json())
            assert titles
            master = _gunicorn_master(stack.process.pid)

            with Stream(browser) as stream:
                # and a steady stream of requests answered
                assert stream.wait_for_ok(time.monotonic(), RECOVERY_SECONDS) is not None

                # When PostgreSQL stops (fast: sessions are cut) and stays down a while
                postgres.stop()
                stopped = time.monotonic()
                time.sleep(4)
                restarting = time.monotonic()
                postgres.start()
                started = time.monotonic()
                # Then the stream answers 200 again by itself, without restarting gunicorn
                recovered = stream.wait_for_ok(started, RECOVERY_SECONDS)
                time.sleep(1)
            log = stack.log_text()
            context = f"stack log:\n{log[-3000:]}\npostgres log:\n{postgres.log_text()[-2000:]}"
            statuses = Counter((a.path, a.status) for a in stream.answers)
            context = f"answers: {statuses}\n{context}"
            assert recovered is not None, context
            assert recovered - started < RECOVERY_SECONDS

            answers = stream.answers
            # Nothing hung or broke at any point: every answer a 200 or a 503, each fast
            assert not [a for a in answers if a.status not in {200, 503}], context
            assert max(a.seconds for a in answers) < FAST_SECONDS
            # While it was down, every request was refused with 503 and Retry-After
            down = [a for a in answers if stopped <= a.sent and a.sent + a.seconds < restarting]
            assert len(down) >= 10, len(down)
            assert {a.status for a in down} == {503}
            assert all(a.retry_after and int(a.retry_after) > 0 for a in down)
            for answer in down:
                if answer.path.startswith("/api/"):
                    assert json.loads(answer.body)["detail"]
                else:
                    assert "Midlertidig utilgjengelig" in answer.body
            # and once it was back, everything after the recovery answered 200
            assert {a.status for a in stream.since(recovered)} == {200}
            # by the same gunicorn, reading the same municipality's plans
            assert master.is_running()
            assert master.pid == _gunicorn_master(stack.process.pid).pid
            assert "WORKER TIMEOUT" not in log
            again = browser.get("/api/plans/")
            assert again.status_code == 200
            assert sorted(p["title"] for p in again.json()) == titles
