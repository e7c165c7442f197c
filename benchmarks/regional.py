"""How fast the regional layer answers for one network of many municipalities.

Run from the repository root:

    .venv/bin/python benchmarks/regional.py                     # 400 municipalities
    .venv/bin/python benchmarks/regional.py --municipalities 10 --repeat 5

It works in a scratch database of its own (`samla_bench_<pid>`, on the server of
DATABASE_URL, else on the embedded PostgreSQL: `benchmarks.provision`), runs `samla
upgrade`, provisions `--municipalities` municipalities the foundation's way
(`tenants.services.provision_municipality`), gives each a leader and a generated plan
through the plan services (`benchmarks.plan_pages.build_plan`, `--milestones` milestones
and a few of every other part; each plan write refreshes the municipality's roll-up row
on commit), puts them all in one network with a coordinator, and a second network holds
the first ten, and measures:

- `comparison_query_ms`: the server time of the comparison's query (each member's latest
  roll-up row, one `DISTINCT ON` over the members): PostgreSQL's planning and execution
  time from EXPLAIN ANALYZE, median; and `comparison_query_wall_ms`, the same query's
  wall time in this process with its 400 rows of JSON decoded;
- `comparison_page_ms_median` (and p95): `/nettverk/<slug>/sammenligning/` for every
  member, as the coordinator, with Django's test client after three warm-up requests;
- `comparison_page_queries` for the large network, `comparison_page_queries_10` for the
  one of ten (they must be the same);
- `refresh_single_ms`: from a milestone change committed to its municipality's refreshed
  roll-up row, median over `--refreshes` municipalities. With `CELERY_BROKER_URL` set
  (Redis), the benchmark starts a real `celery worker` (solo pool, on the scratch
  database) once the world is built and warms it with one untimed refresh; the refresh
  goes through the broker to it, and the time is until the row's `computed_at` moves;
  without a broker the task runs eagerly at commit, as in development;
- `nightly_refresh_s`: the nightly dispatcher over every municipality (batches of 50,
  with its pause between batches when a worker runs them), until every row has been
  recomputed.

Only `name=value` lines go to stdout; logs go to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import logging
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.provision import (  # noqa: E402
    measure_requests,
    org_numbers,
    report_from_scratch_database,
)

log = logging.getLogger("benchmarks.regional")
WARM_UP = 3
SMALL_NETWORK = 10
NETWORK_SLUG = "region-benchmark"


def build_world(count: int, milestones: int) -> dict[str, Any]:
    """`count` municipalities with a plan each, in one network; a second of the first ten."""
    from django_tenants.utils import tenant_context

    from benchmarks.plan_pages import build_plan
    from networks.models import LearningNetwork, NetworkMembership, Organiser
    from samla.accounts.models import (
        CoordinatorRole,
        MunicipalityMembership,
        MunicipalityRole,
        User,
    )
    from tenants.services import provision_municipality

    numbers = org_numbers()
    sizes = {"milestones": milestones, "risks": 3, "activities": 3, "budget_lines": 2}
    municipalities = []
    started = time.perf_counter()
    for index in range(1, count + 1):
        municipality = provision_municipality(
            name=f"Regionkommune {index:03d}",
            slug=f"region-{index:03d}",
            org_number=next(numbers),
            number=f"{1000 + index:04d}",
        )
        leader = User.objects.create_user(username=f"leder.region-{index:03d}")
        MunicipalityMembership.objects.create(
            user=leader, municipality=municipality, role=MunicipalityRole.LEADER
        )
        with tenant_context(municipality):
            build_plan(municipality, leader, sizes)
        municipalities.append((municipality, leader))
        if index % 25 == 0:
            log.info("%s municipalities with plans: %.0f s", index, time.perf_counter() - started)
    network = LearningNetwork.objects.create(
        name="Regionnettverket", slug=NETWORK_SLUG, organiser=Organiser.BOTH
    )
    small = LearningNetwork.objects.create(
        name="Ti kommuner", slug="ti-kommuner", organiser=Organiser.KS
    )
    NetworkMembership.objects.bulk_create(
        [NetworkMembership(network=network, municipality=m) for m, _leader in municipalities]
        + [
            NetworkMembership(network=small, municipality=m)
            for m, _leader in municipalities[:SMALL_NETWORK]
        ]
    )
    coordinator = User.objects.create_user(username="koordinator.region")
    CoordinatorRole.objects.create(user=coordinator, network=network)
    CoordinatorRole.objects.create(user=coordinator, network=small)
    return {
        "network": network,
        "small": small,
        "coordinator": coordinator,
        "municipalities": municipalities,
    }


def existing_world(count: int) -> dict[str, Any] | None:
    """The world a kept database already holds for `count` municipalities, else None."""
    from networks.models import LearningNetwork
    from samla.accounts.models import MunicipalityMembership, MunicipalityRole, User

    network = LearningNetwork.objects.filter(slug=NETWORK_SLUG).first()
    if network is None:
        return None
    members = list(
        network.memberships.select_related("municipality").order_by("municipality__slug")
    )
    if len(members) != count:
        raise SystemExit(f"the kept database holds {len(members)} municipalities, not {count}")
    leaders = {
        membership.municipality_id: membership.user
        for membership in MunicipalityMembership.objects.filter(
            role=MunicipalityRole.LEADER, user__username__startswith="leder.region-"
        ).select_related("user")
    }
    return {
        "network": network,
        "small": LearningNetwork.objects.get(slug="ti-kommuner"),
        "coordinator": User.objects.get(username="koordinator.region"),
        "municipalities": [(m.municipality, leaders[m.municipality_id]) for m in members],
    }


def measure_page(client: Any, path: str, repeat: int) -> dict[str, float | int]:
    figures = measure_requests(client, path, repeat)
    assert figures["status"] == 200, (path, figures["status"])
    return figures


def measure_query(network: Any, repeat: int) -> tuple[float, float]:
    """The latest-rows query: PostgreSQL's own time for it (planning and execution, from
    EXPLAIN ANALYZE), and the wall time here with the rows decoded; medians, in ms."""
    from django.db import connection
    from django.utils import timezone

    from networks.comparison import latest_snapshot_rows, latest_snapshots, members_on

    today = timezone.localdate()
    members = members_on(network, today)
    for _ in range(WARM_UP):
        latest_snapshots(members, today)
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        rows = latest_snapshots(members, today)
        durations.append((time.perf_counter() - started) * 1000)
    log.info("latest rows: %s", len(rows))
    sql, params = latest_snapshot_rows(members, today).query.sql_with_params()
    server = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
            plan = plan[0] if isinstance(plan, list) else plan
            server.append(float(plan["Planning Time"]) + float(plan["Execution Time"]))
    return statistics.median(server), statistics.median(durations)


def _broker() -> bool:
    return bool(os.environ.get("CELERY_BROKER_URL"))


@contextlib.contextmanager
def eager() -> Iterator[None]:
    """Tasks run in this process (building the world need not wait for a worker)."""
    from samla.celery import app

    saved = {key: app.conf[key] for key in ("task_always_eager", "task_eager_propagates")}
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    try:
        yield
    finally:
        app.conf.update(saved)


@contextlib.contextmanager
def real_worker() -> Iterator[None]:
    """A `celery worker` on the scratch database, consuming the default queue (the tasks
    this process sends, and those the dispatcher sends from inside the worker)."""
    from samla.celery import app

    saved = {key: app.conf[key] for key in ("task_always_eager",)}
    app.conf.update(task_always_eager=False)
    queue = str(app.conf.task_default_queue or "celery")
    name = f"samla-bench-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "samla.settings.test"}
    celery = Path(sys.executable).parent / "celery"
    command = [
        str(celery), "-A", "samla", "worker", "--pool=solo", "--concurrency=1",
        "--without-heartbeat", "--without-gossip", "--without-mingle",
        "-Q", queue, "-n", f"{name}@%h", "--loglevel=WARNING",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, env=env, stdout=sys.stderr, stderr=sys.stderr
    )
    try:
        time.sleep(1)  # anything sent before it listens waits in the queue
        assert process.poll() is None, "the worker did not start"
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        app.conf.update(saved)


def _wait_for(condition: Any, timeout: float) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if condition():
            return True
        time.sleep(0.002)
    return False


def _mark(moments: list[float]) -> None:
    moments.append(time.perf_counter())


def measure_single_refresh(world: dict[str, Any], count: int, *, start: int = 0) -> list[float]:
    """Milestone change committed → the municipality's roll-up row recomputed, in ms."""
    from django.core.cache import cache
    from django.db import transaction
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from networks.models import ProgressSnapshot
    from networks.refresh import _keys
    from tenants.plans import services
    from tenants.plans.models import Milestone, MilestoneStatus

    real_worker = _broker()
    durations = []
    for municipality, leader in world["municipalities"][start : start + count]:
        for key in _keys(municipality):  # a quiet municipality: the first change refreshes at once
            with tenant_context(municipality):
                cache.delete(key)
        before = ProgressSnapshot.objects.get(
            municipality=municipality, date=timezone.localdate()
        ).computed_at
        committed: list[float] = []
        with tenant_context(municipality):
            milestone = Milestone.objects.exclude(status=MilestoneStatus.DONE).first()
            assert milestone is not None
            with transaction.atomic():
                # Registered first, so it runs first at commit: the moment of the commit.
                transaction.on_commit(functools.partial(_mark, committed))
                services.update_milestone(
                    municipality,
                    milestone,
                    leader,
                    {"status": MilestoneStatus.DONE, "done_on": timezone.localdate()},
                    version=milestone.version,
                )

        def refreshed(municipality: Any = municipality, before: Any = before) -> bool:
            return bool(
                ProgressSnapshot.objects.filter(
                    municipality=municipality,
                    date=timezone.localdate(),
                    computed_at__gt=before,
                ).exists()
            )

        if real_worker:
            assert _wait_for(refreshed, 30), "the worker did not refresh the row in 30 s"
        else:
            assert refreshed(), "the eager refresh did not run at commit"
        durations.append((time.perf_counter() - committed[0]) * 1000)
    return durations


def measure_nightly(count: int) -> float:
    """Every municipality's row recomputed through the nightly dispatcher, in seconds."""
    from django.utils import timezone

    from networks.models import ProgressSnapshot
    from networks.tasks import dispatch_progress_refresh

    started_at = timezone.now()
    started = time.perf_counter()
    dispatch_progress_refresh.delay()  # eager without a worker: all of it, here and now

    def done() -> bool:
        fresh = ProgressSnapshot.objects.filter(
            date=timezone.localdate(), computed_at__gte=started_at
        ).count()
        return fresh >= count

    assert _wait_for(done, 600), "the rows were not all refreshed within 600 s"
    return time.perf_counter() - started


def run(count: int, milestones: int, repeat: int, refreshes: int) -> dict[str, float | int]:
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samla.settings.test")
    django.setup()
    from django.conf import settings
    from django.test import Client

    from networks.models import ProgressSnapshot

    started = time.perf_counter()
    call_command("upgrade", verbosity=0)
    log.info("upgrade: %.1f s", time.perf_counter() - started)
    started = time.perf_counter()
    world = existing_world(count)
    if world is None:
        with eager():
            world = build_world(count, milestones)
        log.info("world of %s: %.1f s", count, time.perf_counter() - started)
    rows = ProgressSnapshot.objects.count()
    assert rows >= count, f"only {rows} roll-up rows for {count} municipalities"

    results: dict[str, float | int] = {"municipalities": count, "repeat": repeat}
    server_ms, wall_ms = measure_query(world["network"], repeat)
    results["comparison_query_ms"] = server_ms
    results["comparison_query_wall_ms"] = wall_ms

    client = Client(HTTP_HOST=settings.SAMLA_BASE_DOMAIN)
    client.force_login(world["coordinator"])
    page = measure_page(client, f"/nettverk/{NETWORK_SLUG}/sammenligning/", repeat)
    results["comparison_page_ms_median"] = page["ms_median"]
    results["comparison_page_ms_p95"] = page["ms_p95"]
    results["comparison_page_queries"] = int(page["queries"])
    small = measure_page(client, f"/nettverk/{world['small'].slug}/sammenligning/", 1)
    results["comparison_page_queries_10"] = int(small["queries"])

    with real_worker() if _broker() else eager():
        measure_single_refresh(world, 1, start=count - 1)  # warm-up, untimed
        single = measure_single_refresh(world, min(refreshes, count - 1) or 1)
        results["refresh_single_ms"] = statistics.median(single)
        results["refresh_single_ms_max"] = max(single)
        results["refresh_worker"] = int(_broker())
        results["nightly_refresh_s"] = measure_nightly(count)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=400)
    parser.add_argument("--milestones", type=int, default=20, help="per generated plan")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests and queries")
    parser.add_argument("--refreshes", type=int, default=10, help="single refreshes to time")
    parser.add_argument(
        "--keep",
        metavar="DATABASE",
        help="build the world in this database and keep it; a later run with the same name "
        "measures it again without rebuilding",
    )
    args = parser.parse_args(argv)
    if min(args.municipalities, args.milestones, args.repeat, args.refreshes) < 1:
        parser.error("every count must be at least 1")
    return report_from_scratch_database(
        lambda: run(args.municipalities, args.milestones, args.repeat, args.refreshes),
        decimals=2,
        keep=args.keep,
    )


if __name__ == "__main__":
    sys.exit(main())
