"""How long the daily review notices take across many municipalities, end to end.

Run from the repository root:

    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 .venv/bin/python benchmarks/routines_dispatch.py
    .venv/bin/python benchmarks/routines_dispatch.py --municipalities 10 --keep samla_bench_review

It works in a scratch database of its own (`samla_bench_<pid>`, on the server of
DATABASE_URL, else on the embedded PostgreSQL: `benchmarks.provision`), runs `samla
upgrade`, provisions `--municipalities` municipalities the foundation's way, gives each
a leader and Nordre Land's seed units and routines through the routine services (two
approved in 2018, so both overdue for review, and one draft), with an e-mail on every
unit, and measures:

- `review_dispatch_s`: from sending `routines.dispatch_review_notices` (as beat does) to
  the last municipality's notices task finished: the dispatcher walks the municipalities
  in batches (with its pause between batches), each municipality's task claims and mails
  its notices. With `CELERY_BROKER_URL` set (Redis) a real `celery worker` (solo pool, on
  the scratch database, Django's in-memory mail backend of the test settings) runs it all
  and the time ends when the result backend has every task's result; without a broker
  it runs eagerly in this process;
- `review_notices_sent`: the notices sent in that run (two per municipality);
- `review_dispatch_rerun_s`: the same walk again the same day, when every notice is
  already sent (what a retry or a second beat costs).

`--keep DATABASE` builds the world once and reuses it; each run first removes the
notices an earlier run recorded, so the figures are comparable. `measure_dispatch()` runs
this script in a process of its own and returns its figures (benchmarks/routines.py
calls it). Only `name=value` lines go to stdout; logs go to stderr.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.provision import org_numbers, report_from_scratch_database  # noqa: E402

log = logging.getLogger("benchmarks.routines_dispatch")
SLUG_PREFIX = "rutine"
RESULT_TIMEOUT_S = 600.0


def build_world(count: int) -> list[Any]:
    """`count` municipalities, each with a leader and the seed's units and routines; the
    ones a kept database already holds are kept."""
    from django_tenants.utils import tenant_context

    from samla.accounts.models import MunicipalityMembership, MunicipalityRole, User
    from tenants.models import Municipality
    from tenants.routines.models import Unit
    from tenants.routines.seeds import build_nordre_land_routines
    from tenants.services import provision_municipality

    existing = set(
        Municipality.objects.filter(slug__startswith=f"{SLUG_PREFIX}-").values_list(
            "slug", flat=True
        )
    )
    numbers = org_numbers()
    taken = set(Municipality.objects.values_list("org_number", flat=True))
    started = time.perf_counter()
    for index in range(1, count + 1):
        slug = f"{SLUG_PREFIX}-{index:03d}"
        if slug in existing:
            continue
        number = next(numbers)
        while number in taken:
            number = next(numbers)
        municipality = provision_municipality(
            name=f"Rutinekommune {index:03d}", slug=slug, org_number=number
        )
        leader = User.objects.create_user(username=f"leder.{slug}")
        MunicipalityMembership.objects.create(
            user=leader, municipality=municipality, role=MunicipalityRole.LEADER
        )
        with tenant_context(municipality):
            build_nordre_land_routines(municipality, leader)
            Unit.objects.update(email=f"rutiner@{slug}.kommune.no")
        if index % 25 == 0:
            elapsed = time.perf_counter() - started
            log.info("%s municipalities with routines: %.0f s", index, elapsed)
    return list(
        Municipality.objects.filter(slug__startswith=f"{SLUG_PREFIX}-").order_by("slug")[:count]
    )


def forget_notices(municipalities: Sequence[Any]) -> None:
    """Remove the notices an earlier run recorded (untimed), so this run sends them all."""
    from django_tenants.utils import tenant_context

    from tenants.routines.models import Notice

    for municipality in municipalities:
        with tenant_context(municipality):
            Notice.objects.all().delete()


def _broker() -> bool:
    return bool(os.environ.get("CELERY_BROKER_URL"))


def walk(*, worker: bool, timeout: float = RESULT_TIMEOUT_S) -> float:
    """Send the dispatcher and wait for every task it leads to, in seconds. With a worker,
    the dispatcher's results name the tasks it sent and the next batch's dispatcher;
    eagerly, everything has run when `delay` returns."""
    from celery.result import AsyncResult

    from samla.celery import app
    from tenants.routines.tasks import dispatch_review_notices

    started = time.perf_counter()
    pending: str | None = dispatch_review_notices.delay().id
    while worker and pending is not None:
        batch: dict[str, Any] = AsyncResult(pending, app=app).get(timeout=timeout)
        for task_id in batch["task_ids"]:
            outcome: dict[str, Any] = AsyncResult(task_id, app=app).get(timeout=timeout)
            assert not outcome["failed"], outcome
        pending = batch["next_task_id"]
    return time.perf_counter() - started


def notices_sent(municipalities: Sequence[Any]) -> int:
    """The notices recorded in every municipality (untimed: one query each)."""
    from django_tenants.utils import tenant_context

    from tenants.routines.models import Notice

    total = 0
    for municipality in municipalities:
        with tenant_context(municipality):
            total += Notice.objects.count()
    return total


def warm_up_worker() -> None:
    """Wait until the worker has started and answers (its start-up is not the dispatch)."""
    from samla.celery import app

    app.send_task("celery.accumulate", args=[1]).get(timeout=120)


def run(count: int) -> dict[str, float | int]:
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samla.settings.test")
    if _broker():
        # The worker (started below with this environment) keeps results where we read them.
        os.environ.setdefault("CELERY_RESULT_BACKEND", os.environ["CELERY_BROKER_URL"])
    django.setup()

    from benchmarks.regional import eager, real_worker

    started = time.perf_counter()
    call_command("upgrade", verbosity=0)
    log.info("upgrade: %.1f s", time.perf_counter() - started)
    started = time.perf_counter()
    with eager():
        municipalities = build_world(count)
    log.info("world of %s: %.1f s", count, time.perf_counter() - started)
    assert len(municipalities) == count, f"{len(municipalities)} municipalities, not {count}"
    forget_notices(municipalities)

    results: dict[str, float | int] = {"municipalities": count}
    worker = _broker()
    with real_worker() if worker else eager():
        if worker:
            warm_up_worker()
        results["review_dispatch_s"] = walk(worker=worker)
        sent = notices_sent(municipalities)
        results["review_notices_sent"] = sent
        results["review_dispatch_worker"] = int(worker)
        results["review_dispatch_rerun_s"] = walk(worker=worker)
        again = notices_sent(municipalities)
    # Every municipality with its seed routines has two overdue ones (approved in 2018),
    # each told once: the rerun sent nothing.
    assert sent == 2 * count, f"{sent} notices sent for {count} municipalities"
    assert again == sent, f"a rerun sent {again - sent} more notices"
    return results


def measure_dispatch(municipalities: int, keep: str | None = None) -> dict[str, float]:
    """This benchmark in a process of its own (its own scratch database, or `keep`);
    its figures by name."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--municipalities",
        str(municipalities),
    ]
    if keep:
        command += ["--keep", keep]
    done = subprocess.run(
        command, cwd=REPO_ROOT, capture_output=True, text=True, check=False, env=os.environ.copy()
    )
    if done.returncode != 0:
        raise RuntimeError(f"routines_dispatch failed ({done.returncode}):\n{done.stderr[-4000:]}")
    figures: dict[str, float] = {}
    for line in done.stdout.splitlines():
        name, _, value = line.partition("=")
        if name and value:
            figures[name.strip()] = float(value)
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=400)
    parser.add_argument(
        "--keep",
        metavar="DATABASE",
        help="build the world in this database and keep it; a later run with the same name "
        "measures it again without rebuilding",
    )
    args = parser.parse_args(argv)
    if args.municipalities < 1:
        parser.error("--municipalities must be at least 1")
    return report_from_scratch_database(
        lambda: run(args.municipalities), decimals=2, keep=args.keep
    )


if __name__ == "__main__":
    sys.exit(main())
