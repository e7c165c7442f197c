"""How long creating a municipality takes: Samla's template clone against plain migrations.

Run from the repository root:

    .venv/bin/python benchmarks/provision.py --count 50 --migrate-count 5

It works in a scratch database of its own (`samla_bench_<pid>`, on the server of
DATABASE_URL, else on the embedded PostgreSQL), runs `samla upgrade` there, times
`--count` calls of `tenants.services.provision_municipality`, then `--migrate-count`
creations the plain django-tenants way (`auto_create_schema`: CREATE SCHEMA and
`migrate_schemas --tenant`), and drops the scratch database at the end, also on failure.

Only `name=value` lines go to stdout (the unit is the last part of the name); logs go to
stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import logging
import math
import os
import signal
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

log = logging.getLogger("benchmarks.provision")


# Statistics ----------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 50 values is the 48th smallest)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def summary(prefix: str, values: Sequence[float]) -> dict[str, float | int]:
    return {
        f"{prefix}_s_median": statistics.median(values),
        f"{prefix}_s_p95": percentile(values, 0.95),
        f"{prefix}_s_max": max(values),
        f"{prefix}_s_min": min(values),
        f"{prefix}_count": len(values),
    }


# Names ---------------------------------------------------------------------------------


def org_numbers(start: int = 91_000_000) -> Iterator[str]:
    """Valid organisation numbers (stdnum.no.orgnr), in ascending order."""
    from stdnum.no import orgnr

    prefix = start
    while True:
        first_eight = f"{prefix:08d}"
        for digit in "0123456789":
            if orgnr.is_valid(first_eight + digit):
                yield first_eight + digit
                break
        prefix += 1


# The scratch database ------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    """The same server URL with another database name (query, e.g. ?host=…, kept)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def server_url() -> str:
    """A URL of the server to work on: DATABASE_URL, else the embedded PostgreSQL."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    from samla.database import start_embedded_postgres

    # Keeps the embedded server running for as long as this process lives.
    return start_embedded_postgres()


def admin_execute(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


@contextlib.contextmanager
def scratch_database(url: str, name: str, *, keep: bool = False) -> Iterator[str]:
    """A database `name` on the server of `url`: new and dropped at the end, or with `keep`,
    created only if missing and left in place (a benchmark's world reused between runs)."""
    if not keep:
        admin_execute(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if not keep or not database_exists(url, name):
        admin_execute(url, f'CREATE DATABASE "{name}"')
        log.info("Created scratch database %s", name)
    try:
        yield with_database(url, name)
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if keep:
            log.info("Kept database %s", name)
        else:
            admin_execute(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            log.info("Dropped scratch database %s", name)


def database_exists(url: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return found is not None


# Timed work ----------------------------------------------------------------------------


REQUEST_WARM_UP = 3


def measure_requests(client: Any, path: str, repeat: int, **headers: str) -> dict[str, float | int]:
    """GET `path` with Django's test client: three warm-up requests, the queries of one
    (without django-tenants' `SET search_path`) and its status, then the median and p95
    milliseconds of `repeat` more."""
    from django.db import connection

    for _ in range(REQUEST_WARM_UP):
        client.get(path, **headers)
    queries: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not sql.startswith("SET search_path"):
            queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        status = client.get(path, **headers).status_code
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(path, **headers)
        durations.append((time.perf_counter() - started) * 1000)
    return {
        "ms_median": statistics.median(durations),
        "ms_p95": percentile(durations, 0.95),
        "queries": len(queries),
        "status": status,
    }


def timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def provision_samla_way(count: int, numbers: Iterator[str]) -> list[float]:
    from tenants.services import provision_municipality

    durations = []
    for index in range(count):
        fields = {
            "name": f"Målekommune {index}",
            "slug": f"maal-{index}",
            "org_number": next(numbers),
            "county": "Innlandet",
        }
        durations.append(timed(functools.partial(provision_municipality, **fields)))
        log.info("provision %d: %.3f s", index, durations[-1])
    return durations


def provision_migrate_way(count: int, numbers: Iterator[str]) -> list[float]:
    """What django-tenants does with auto_create_schema and no base schema."""
    from samla.urls_helpers import municipality_host
    from tenants.db import connection
    from tenants.models import Domain, Municipality

    def create(index: int, org_number: str) -> None:
        slug = f"migrert-{index}"
        municipality = Municipality(
            schema_name=slug.replace("-", "_"),
            name=f"Migrert kommune {index}",
            slug=slug,
            org_number=org_number,
        )
        # TenantMixin.save: the row, then CREATE SCHEMA and migrate_schemas --tenant.
        municipality.auto_create_schema = True
        municipality.save(verbosity=0)
        Domain.objects.create(domain=municipality_host(slug), tenant=municipality, is_primary=True)
        connection.set_schema_to_public()

    durations = []
    for index in range(count):
        number = next(numbers)
        durations.append(timed(functools.partial(create, index, number)))
        log.info("migrate %d: %.3f s", index, durations[-1])
    return durations


def tables_in(schema: str) -> int:
    from tenants.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s", [schema])
        return cursor.fetchone()[0]


def force_clone_schema() -> None:
    """Make provisioning take django-tenants' clone_schema path, to compare the two."""
    from tenants import services

    def refuse(*args: Any, **kwargs: Any) -> list[str]:
        raise services._NotCopyable("--via-clone-schema")

    services._copy_statements = refuse


def run(count: int, migrate_count: int, via_clone_schema: bool) -> dict[str, float | int]:
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samla.settings.test")
    django.setup()
    if via_clone_schema:
        force_clone_schema()

    started = time.perf_counter()
    call_command("upgrade", verbosity=0)
    upgrade_s = time.perf_counter() - started
    log.info("upgrade: %.1f s", upgrade_s)

    numbers = org_numbers()
    samla = provision_samla_way(count, numbers)
    migrated = provision_migrate_way(migrate_count, numbers)

    from tenants.models import Municipality
    from tenants.services import template_schema

    first = Municipality.objects.get(slug="maal-0")
    results: dict[str, float | int] = {
        "upgrade_s": upgrade_s,
        "provision_via_clone_schema": int(via_clone_schema),
    }
    results.update(summary("provision", samla))
    results["provision_first_s"] = samla[0]
    # The template stays the same; what grows is the database (one schema per call).
    head, tail = samla[:10], samla[-10:]
    results["provision_first10_s_median"] = statistics.median(head)
    results["provision_last10_s_median"] = statistics.median(tail)
    results["provision_growth_x"] = statistics.median(tail) / statistics.median(head)
    if migrated:
        results.update(summary("migrate_provision", migrated))
        results["speedup_x"] = statistics.median(migrated) / statistics.median(samla)
    else:
        results["migrate_provision_count"] = 0
    results["template_tables"] = tables_in(template_schema())
    results["tenant_tables"] = tables_in(first.schema_name)
    results["municipalities_total"] = Municipality.objects.without_public().count()
    return results


def report_from_scratch_database(
    run: Callable[[], Mapping[str, float | int]], *, decimals: int, keep: str | None = None
) -> int:
    """Run `run` in a scratch database of its own and print its figures as `name=value`.

    Logs, and anything Django or a library prints, go to stderr: stdout is for the figures.
    A terminated run still drops its database (the finally clauses run), unless `keep`
    names a database to reuse and leave in place.
    """
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(message)s")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    real_stdout = sys.stdout
    name = keep or f"samla_bench_{os.getpid()}"
    with (
        contextlib.redirect_stdout(sys.stderr),
        scratch_database(server_url(), name, keep=bool(keep)) as scratch,
    ):
        os.environ["DATABASE_URL"] = scratch
        results = run()
    for key, value in results.items():
        shown = str(value) if isinstance(value, int) else f"{value:.{decimals}f}"
        print(f"{key}={shown}", file=real_stdout)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50, help="Samla provisions to time")
    parser.add_argument(
        "--migrate-count", type=int, default=5, help="plain django-tenants creations to time"
    )
    parser.add_argument(
        "--via-clone-schema",
        action="store_true",
        help="provision through django-tenants' clone_schema function (the fallback path)",
    )
    args = parser.parse_args(argv)
    if args.count < 1 or args.migrate_count < 0:
        parser.error("--count must be at least 1 and --migrate-count at least 0")

    return report_from_scratch_database(
        lambda: run(args.count, args.migrate_count, args.via_clone_schema), decimals=4
    )


if __name__ == "__main__":
    sys.exit(main())
