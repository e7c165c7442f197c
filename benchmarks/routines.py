"""What a municipality's routines cost: the routine list, the handbook, the daily review walk.

Run from the repository root:

    .venv/bin/python benchmarks/routines.py                    # 300 routines
    .venv/bin/python benchmarks/routines.py --routines 20 --repeat 3 --handbook-repeat 1
    .venv/bin/python benchmarks/routines.py --municipalities 400   # and the review walk

It works in a scratch database of its own (`samla_bench_<pid>`, see benchmarks/provision.py),
runs `samla upgrade`, provisions one municipality with a leader, makes twelve units
through the services, and three routines through the services (written, approved, taken
into use by their units), then times, in-process with Django's test client on the
municipality's host (after three warm-up requests):

- `routine_list_queries_small`: the queries of `GET /api/routines/` with those three;

then builds `--routines` routines in all (`build_routines`: in bulk, rows as the services
write them: numbered versions, approved ones frozen with their approver and next review,
some with a draft of their next version, some drafts only, some retired, units, steps and
adoptions) and times:

- `routine_list_ms_median` (and `_p95`, `routine_list_queries`): `GET /api/routines/`;
- `handbook_docx_ms`, `handbook_pdf_ms`: the median of `--handbook-repeat` downloads of
  the routine handbook (every approved routine) after one warm-up, with the docx's
  query count (`handbook_docx_queries`);
- `routine_list_cpu_ms_median`, `handbook_docx_cpu_ms`, `handbook_pdf_cpu_ms`: the same
  requests' CPU time in this process (the web side's work without PostgreSQL's), a figure
  that stays comparable when other work shares the machine;
- with `--municipalities N`: `review_dispatch_s` (and the other figures of
  benchmarks/routines_dispatch.py) from `measure_dispatch(N)`, in a process and scratch
  database of its own.

Targets: the list at most 80 ms median with `routine_list_queries` equal to
`routine_list_queries_small`; the handbook at most 2 s; the review walk of 400
municipalities at most 60 s. Only `name=value` lines go to stdout; logs go to stderr.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import logging
import os
import statistics
import sys
import time
from collections.abc import Sequence
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

log = logging.getLogger("benchmarks.routines")

UNITS = 12
STEPS = 4
AREAS = ["Oppvekst", "Helse og omsorg", "Velferd", "Skole", "Barnehage", "Psykisk helse og rus"]
METHODS = [("bti", "BTI – Bedre tverrfaglig innsats"), ("stafettlogg", "Stafettlogg"),
           ("ansvarsgruppe", "Ansvarsgruppe")]  # fmt: skip
LIST = "/api/routines/"
HANDBOOK = {
    "handbook_docx": "/api/routines/handbook.docx",
    "handbook_pdf": "/api/routines/handbook.pdf",
}


def build_units(tenant: Any, user: Any) -> list[Any]:
    """Twelve units through the services (call inside the municipality's schema)."""
    from tenants.routines import services
    from tenants.routines.models import UnitKind

    kinds = list(UnitKind)
    units = []
    for n in range(UNITS):
        data = {
            "name": f"Enhet {n + 1:02d}",
            "kind": kinds[n % len(kinds)],
            "order": n + 1,
            "email": f"enhet{n + 1}@maalekommune.no",
        }
        units.append(services.create_unit(tenant, user, data))
    return units


def build_through_services(tenant: Any, user: Any, units: list[Any], count: int) -> None:
    """`count` routines written, approved and taken into use by their units, as a user would."""
    from tenants.routines import services

    for n in range(count):
        owner, other = units[n % len(units)], units[(n + 1) % len(units)]
        routine = services.create_routine(
            tenant,
            user,
            {
                "title": f"Rutine via tjenestene {n + 1}",
                "owner_unit": owner.pk,
                "units": [owner.pk, other.pk],
                "bti_levels": [1, 2],
                "methods": ["bti"],
                "internal_control_area": AREAS[n % len(AREAS)],
                "steps": [
                    {"action": f"Trinn {s + 1}", "responsible_unit": other.pk, "timing": "Straks"}
                    for s in range(STEPS)
                ],
            },
        )
        routine = services.approve_routine(
            tenant, user, routine, version=routine.version,
            approved_on=datetime.date(2024, 1, 15), approved_by="Kommunedirektøren",
        )  # fmt: skip
        for unit in (owner, other):
            services.record_unit_adoption(
                tenant, user, routine, unit=unit.pk, adopted_on=datetime.date(2024, 2, 1)
            )


def build_routines(units: list[Any], count: int, today: datetime.date) -> None:
    """`count` routines in bulk, shaped as the services leave them (call inside the
    municipality's schema): of every ten, seven approved (version 1 frozen, next review one
    interval after approval: some overdue, some due soon, most in order), one approved with
    a draft of version 2 under way, one draft only, one retired. Each version has three
    units, its owner, two methods and four steps; approved routines are taken into use by
    their units. Thousands of service calls would take minutes for the same rows."""
    from samla.dates import add_months
    from tenants.routines.models import (
        Routine,
        RoutineStatus,
        RoutineStep,
        RoutineVersion,
        UnitAdoption,
    )

    plans = []
    for n in range(count):
        kind = n % 10
        approved_on = today - datetime.timedelta(days=30 + (n * 37) % 800)
        interval = (12, 24)[n % 2]
        status = (
            RoutineStatus.DRAFT if kind == 8
            else RoutineStatus.RETIRED if kind == 9
            else RoutineStatus.APPROVED
        )  # fmt: skip
        plans.append((n, kind, status, approved_on, interval))
    # Drafts first: an approved routine needs its current version (a check constraint).
    routines = Routine.objects.bulk_create(Routine() for _plan in plans)
    versions: list[Any] = []
    for routine, (n, kind, status, approved_on, interval) in zip(routines, plans, strict=True):
        numbers = [1, 2] if kind == 7 else [1]
        for number in numbers:
            frozen = status != RoutineStatus.DRAFT and number == 1
            versions.append(
                RoutineVersion(
                    routine=routine,
                    number=number,
                    kind=("routine", "agreement")[n % 2],
                    title=f"Rutine {n + 1:04d}: samarbeid om barn og unge"
                    + (" (revidert)" if number == 2 else ""),
                    purpose="Tydelig ansvar og rolleavklaring mellom enhetene, slik at barn "
                    "og unge får hjelp tidlig. " * 3,
                    level=("individual", "system")[n % 2],
                    bti_levels=sorted({n % 4, (n + 1) % 4}),
                    owner_unit=units[n % len(units)],
                    methods=[METHODS[n % 3][0], METHODS[(n + 1) % 3][0]],
                    internal_control_area=AREAS[n % len(AREAS)],
                    review_interval_months=interval,
                    approved_on=approved_on if frozen else None,
                    approved_by="Kommunedirektøren" if frozen else "",
                    approved_by_user_id=None,
                )
            )
    versions = RoutineVersion.objects.bulk_create(versions)
    by_routine: dict[int, dict[int, Any]] = {}
    for version in versions:
        by_routine.setdefault(version.routine_id, {})[version.number] = version
    for routine, (_n, _kind, status, approved_on, interval) in zip(routines, plans, strict=True):
        numbered = by_routine[routine.pk]
        routine.status = status
        if status == RoutineStatus.DRAFT:
            routine.draft = numbered[1]
        else:
            routine.current = numbered[1]
            routine.draft = numbered.get(2)
        if status == RoutineStatus.APPROVED:
            routine.next_review = add_months(approved_on, interval)
        if status == RoutineStatus.RETIRED:
            routine.retired_on = today
    Routine.objects.bulk_update(
        routines, ["status", "current", "draft", "next_review", "retired_on"]
    )
    through = RoutineVersion.units.through
    links, steps = [], []
    for version in versions:
        owner = version.owner_unit
        index = units.index(owner)
        chosen = [owner, units[(index + 1) % len(units)], units[(index + 2) % len(units)]]
        links += [through(routineversion_id=version.pk, unit_id=unit.pk) for unit in chosen]
        steps += [
            RoutineStep(
                routine_version=version,
                order=s + 1,
                action=f"Trinn {s + 1}: {chosen[s % 3].name} gjør sin del og melder videre.",
                responsible_unit=chosen[s % 3],
                timing=("Innen en uke", "Straks", "Ved behov", "Kvartalsvis")[s],
            )
            for s in range(STEPS)
        ]
    through.objects.bulk_create(links)
    RoutineStep.objects.bulk_create(steps)
    UnitAdoption.objects.bulk_create(
        UnitAdoption(routine=routine, unit=unit, adopted_on=approved_on)
        for routine, (n, _kind, status, approved_on, _i) in zip(routines, plans, strict=True)
        if status == RoutineStatus.APPROVED
        for unit in (units[n % len(units)], units[(n + 1) % len(units)])
    )


def cpu_ms_median(client: Any, path: str, repeat: int) -> float:
    """The median CPU milliseconds this process spends on one GET of `path`: the web side's
    work (PostgreSQL's is not counted), which a busy machine does not inflate as it does
    the wall-clock time."""
    durations = []
    for _ in range(repeat):
        started = time.process_time()
        client.get(path)
        durations.append((time.process_time() - started) * 1000)
    return statistics.median(durations)


def measure_downloads(client: Any, path: str, repeat: int) -> dict[str, float | int]:
    """Median ms of `repeat` downloads after one warm-up, and the queries of the warm-up."""
    from django.db import connection

    queries: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not sql.startswith("SET search_path"):
            queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        durations.append((time.perf_counter() - started) * 1000)
    log.info("%s: %s ms, %d bytes", path, [round(d) for d in durations], len(response.content))
    return {"ms": statistics.median(durations), "queries": len(queries)}


def run(routines: int, repeat: int, handbook_repeat: int) -> dict[str, float | int]:
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samla.settings.test")
    # The benchmark measures the work, not the per-user rate limits (samla/settings/base.py).
    os.environ.setdefault("API_THROTTLE_WRITE", "100000/min")
    os.environ.setdefault("API_THROTTLE_EXPORT", "100000/min")
    django.setup()
    from django.db import connection as db
    from django.test import Client
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from cms.models import CollaborationMethod
    from samla.accounts.models import MunicipalityMembership, MunicipalityRole, User
    from samla.urls_helpers import municipality_host
    from tenants.db import connection
    from tenants.routines.models import Routine, RoutineStatus
    from tenants.services import provision_municipality

    started = time.perf_counter()
    call_command("upgrade", verbosity=0)
    log.info("upgrade: %.1f s", time.perf_counter() - started)
    for slug, name in METHODS:
        CollaborationMethod.objects.get_or_create(slug=slug, defaults={"name": name})
    municipality = provision_municipality(
        name="Målekommune", slug="maalekommune", org_number=next(org_numbers()), number="1999"
    )
    user = User.objects.create_user(username="leder.maal")  # logs in by force_login
    MunicipalityMembership.objects.create(
        user=user, municipality=municipality, role=MunicipalityRole.LEADER
    )
    small = min(3, routines)
    with tenant_context(municipality):
        units = build_units(municipality, user)
        build_through_services(municipality, user, units, small)
    connection.set_schema_to_public()
    client = Client(HTTP_HOST=municipality_host(municipality.slug))
    client.force_login(user)
    results: dict[str, float | int] = {"routines": routines, "repeat": repeat}
    results["routine_list_queries_small"] = int(measure_requests(client, LIST, 1)["queries"])

    started = time.perf_counter()
    with tenant_context(municipality):
        build_routines(units, routines - small, timezone.localdate())
        with db.cursor() as cursor:
            cursor.execute("ANALYZE")  # statistics as autovacuum would leave them
        approved = Routine.objects.filter(status=RoutineStatus.APPROVED).count()
    results["build_s"] = time.perf_counter() - started
    results["approved_routines"] = approved
    log.info("built %d routines (%d approved) in %.1f s", routines, approved, results["build_s"])
    connection.set_schema_to_public()

    figures = measure_requests(client, LIST, repeat)
    log.info("routine list: %s", figures)
    if figures["status"] != 200:
        raise RuntimeError(f"{LIST} answered {figures['status']}")
    results["routine_list_ms_median"] = figures["ms_median"]
    results["routine_list_ms_p95"] = figures["ms_p95"]
    results["routine_list_queries"] = int(figures["queries"])
    results["routine_list_cpu_ms_median"] = cpu_ms_median(client, LIST, repeat)
    for name, path in HANDBOOK.items():
        download = measure_downloads(client, path, handbook_repeat)
        results[f"{name}_ms"] = download["ms"]
        if name == "handbook_docx":
            results["handbook_docx_queries"] = int(download["queries"])
        results[f"{name}_cpu_ms"] = cpu_ms_median(client, path, handbook_repeat)
    return results


def dispatch_figures(municipalities: int) -> dict[str, float]:
    """benchmarks/routines_dispatch.py's figures for `municipalities`, or none (logged)
    when that benchmark is not there."""
    if importlib.util.find_spec("benchmarks.routines_dispatch") is None:
        log.info("benchmarks/routines_dispatch.py is not there: no review_dispatch_s")
        return {}
    from benchmarks.routines_dispatch import measure_dispatch

    return measure_dispatch(municipalities)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routines", type=int, default=300, help="routines in all")
    parser.add_argument("--repeat", type=int, default=30, help="timed list requests")
    parser.add_argument("--handbook-repeat", type=int, default=5, help="timed downloads each")
    parser.add_argument(
        "--municipalities",
        type=int,
        default=0,
        help="also time the daily review walk across this many municipalities",
    )
    args = parser.parse_args(argv)
    if args.routines < 1 or args.repeat < 1 or args.handbook_repeat < 1:
        parser.error("--routines, --repeat and --handbook-repeat must be at least 1")
    if args.municipalities < 0:
        parser.error("--municipalities must be at least 0")

    def everything() -> dict[str, float | int]:
        results = run(args.routines, args.repeat, args.handbook_repeat)
        if args.municipalities:
            results.update(dispatch_figures(args.municipalities))
        return results

    return report_from_scratch_database(everything, decimals=2)


if __name__ == "__main__":
    sys.exit(main())
