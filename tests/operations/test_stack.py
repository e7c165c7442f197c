"""The production processes for real: the Procfile's web, worker and beat under honcho, started
as `make stack` starts them (`samla.stack`), directly on PostgreSQL and through PgBouncer in
session mode. A leader logs in through the web process, marks a milestone reached through the
API, and the worker, reached through the broker, refreshes the municipality's roll-up row.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from networks.models import ProgressSnapshot
from samla.stack import free_port, running_stack
from tests.gates import unavailable
from tests.operations.stack import (
    Browser,
    Server,
    database_server,
    pgbouncer,
    run_django,
    scratch_copy_of_test_database,
)

USERNAME = "leder.stack"
PASSWORD = "stakk-prosess-hest-batteri"
SLUG = "nordre-land"
REFRESH_SECONDS = 45

# Run in the stack's environment with no broker (tasks eager, so the "before" row is written
# here and now): Nordre Land (a seed municipality of the copied test database) gets a leader
# and its seed plan, and its roll-up row for today.
PROVISION = f"""
import json
from django_tenants.utils import tenant_context
from networks.rollup import refresh_snapshot
from samla.accounts.models import MunicipalityMembership, MunicipalityRole, User
from samla.demo import load_seed_plans
from tenants.models import Municipality

municipality = Municipality.objects.get(slug={SLUG!r})
user = User.objects.create_user(username={USERNAME!r}, password={PASSWORD!r})
MunicipalityMembership.objects.create(
    user=user, municipality=municipality, role=MunicipalityRole.LEADER
)
load_seed_plans(municipality, user)
with tenant_context(municipality):
    figures = refresh_snapshot(municipality)
print(json.dumps({{"municipality": municipality.pk, "done": figures["milestones_done"]}}))
"""


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache(django_db_setup) -> Iterator[None]:
    # Replaces the suite's per-test transaction: the test database is copied, which needs
    # it to have no open session.
    yield


def _snapshot(server: Server, database: str, municipality: int) -> dict[str, Any] | None:
    table = ProgressSnapshot._meta.db_table
    with server.connect(database) as conn:
        row = conn.execute(
            f"SELECT figures, computed_at FROM public.{table} "  # noqa: S608 (a model's table)
            "WHERE municipality_id = %s ORDER BY date DESC LIMIT 1",
            [municipality],
        ).fetchone()
    return None if row is None else {"figures": row[0], "computed_at": row[1]}


def _pgbouncer_pools(bouncer: Server) -> list[dict[str, Any]]:
    with bouncer.connect("pgbouncer") as admin:
        cursor = admin.cursor()
        cursor.execute("SHOW POOLS")
        names = [column.name for column in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of the sample `name` with exactly these labels (0 when there is none)."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return 0.0


def _metrics(port: str) -> str:
    answer = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
    assert answer.status_code == 200
    return answer.text


@pytest.mark.worker
@pytest.mark.parametrize("through", ["direct", "pgbouncer-session"])
def test_milestone_reached_through_the_web_is_rolled_up_by_the_worker(through, tmp_path):
    broker = os.environ.get("CELERY_TEST_BROKER_URL")
    if not broker:
        unavailable(
            "CELERY_TEST_BROKER_URL is not set, so the stack has no broker "
            "(.ci/run sets it when Redis answers on 127.0.0.1:6379)"
        )
    with contextlib.ExitStack() as cleanup:
        # Given a scratch copy of the migrated test database, reached directly or through
        # PgBouncer in session mode, and the stack started as `make stack` starts it
        server, database = cleanup.enter_context(scratch_copy_of_test_database())
        reached = server
        if through == "pgbouncer-session":
            reached = cleanup.enter_context(pgbouncer(server, database, pool_mode="session"))
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "samla.settings.stack",
            "DATABASE_URL": reached.url(database),
            "CELERY_BROKER_URL": broker,
            "WEB_CONCURRENCY": "2",
            "CELERY_WORKER_CONCURRENCY": "1",
            "SAMLA_BEAT_SCHEDULE": str(tmp_path / "beat-schedule"),
            "PORT": "",
            # Each process serves its metrics on a port of its own (samla/gunicorn_conf.py)
            "SAMLA_METRICS_PORT": str(free_port()),
            "SAMLA_WORKER_METRICS_PORT": str(free_port()),
        }
        stack = cleanup.enter_context(running_stack(env, tmp_path / "stack.log"))
        provisioned = json.loads(
            run_django({**env, "CELERY_BROKER_URL": ""}, PROVISION).strip().splitlines()[-1]
        )
        before = _snapshot(server, database, provisioned["municipality"])
        assert before is not None
        assert before["figures"]["milestones_done"] == provisioned["done"]

        # When the leader logs in through the web process, as a browser does
        browser = Browser(stack.url, f"{SLUG}.localhost:{stack.port}")
        login = browser.log_in(USERNAME, PASSWORD)
        assert login.status_code == 302, login.text[:500]
        assert "/accounts/login/" not in login.headers["Location"]
        plans = browser.get("/api/plans/")
        assert plans.status_code == 200, plans.text[:500]
        # and marks a milestone of a plan that counts (not completed or archived) reached
        open_plans = [p for p in plans.json() if p["status"] not in {"completed", "archived"}]
        assert open_plans
        plan = open_plans[0]["id"]
        milestones = browser.get(f"/api/plans/{plan}/milestones/").json()
        milestone = next(m for m in milestones if m["status"] != "done")
        patched = browser.patch_json(
            f"/api/plans/{plan}/milestones/{milestone['id']}/",
            {
                "status": "done",
                "done_on": datetime.date.today().isoformat(),
                "version": milestone["version"],
            },
        )
        assert patched.status_code == 200, patched.text[:500]
        assert patched.json()["status"] == "done"

        # Then the worker, sent the refresh through the broker, rewrites the roll-up row
        deadline = time.monotonic() + REFRESH_SECONDS
        after = before
        while time.monotonic() < deadline:
            after = _snapshot(server, database, provisioned["municipality"])
            if after is not None and after["computed_at"] > before["computed_at"]:
                break
            time.sleep(0.5)
        log = stack.log_text()
        assert after is not None
        assert after["computed_at"] > before["computed_at"], f"no refresh:\n{log[-4000:]}"
        assert after["figures"]["milestones_done"] == before["figures"]["milestones_done"] + 1
        assert "networks.refresh_progress" in log
        assert "succeeded" in log
        # and all three processes of the Procfile ran the whole time
        for process in ("web.1", "worker.1", "beat.1"):
            assert f"{process} started" in log
            assert f"{process} stopped" not in log, log[-4000:]
        # and the operators' metrics listeners saw the request and the task
        web_metrics = _metrics(env["SAMLA_METRICS_PORT"])
        patch_count = _sample(
            web_metrics,
            "samla_http_request_duration_seconds_count",
            route="plans:milestone-detail",
            method="PATCH",
            status="2xx",
        )
        assert patch_count == 1, web_metrics
        worker_metrics = _metrics(env["SAMLA_WORKER_METRICS_PORT"])
        refresh_count = _sample(
            worker_metrics,
            "samla_task_duration_seconds_count",
            task="networks.refresh_progress",
            state="SUCCESS",
        )
        assert refresh_count >= 1, worker_metrics
        if through == "pgbouncer-session":
            # and every connection went through PgBouncer's session-mode pool
            pools = [p for p in _pgbouncer_pools(reached) if p["database"] == database]
            assert pools
            assert {p["pool_mode"] for p in pools} == {"session"}


@pytest.mark.parametrize(("pool_mode", "leaks"), [("transaction", True), ("session", False)])
def test_search_path_set_by_one_client_reaches_another_only_in_transaction_mode(pool_mode, leaks):
    # Why the stack uses session mode (docs/decisions/0012-pgbouncer-session-mode.md): given
    # PgBouncer in front of the test database, with one server connection to share in
    # transaction mode (session mode holds one per client, so it needs two)
    server, database = database_server()
    size = 1 if pool_mode == "transaction" else 2
    # When one client (autocommit, as Django runs) sets its municipality's search_path, as
    # django-tenants does once per connection, and a second client then asks
    with (
        pgbouncer(server, database, pool_mode=pool_mode, pool_size=size) as bouncer,
        bouncer.connect(database) as first,
        bouncer.connect(database) as second,
    ):
        first.execute("SET search_path TO nordre_land, public")
        seen = second.execute("SHOW search_path").fetchone()
        # Then in transaction mode the second client runs in the first one's schema
        assert seen is not None
        assert (seen[0] == "nordre_land, public") is leaks
        # and in session mode the first client keeps its own path
        own = first.execute("SHOW search_path").fetchone()
        if not leaks:
            assert own is not None
            assert own[0] == "nordre_land, public"
