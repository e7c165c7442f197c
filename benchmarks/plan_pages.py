"""How fast a large plan's pages answer: overview, activity plan, milestone API, docx export.

Run from the repository root:

    .venv/bin/python benchmarks/plan_pages.py            # 300 milestones, 60 risks, ...
    .venv/bin/python benchmarks/plan_pages.py --milestones 10 --risks 5 --activities 5 \
        --budget-lines 5 --repeat 3

It works in a scratch database of its own (`samla_bench_<pid>`, on the server of
DATABASE_URL, else on the embedded PostgreSQL), runs `samla upgrade`, provisions one
municipality with a project leader, builds one plan through the services (every row
checked by the plan's rules, as a person's would be), then times `--repeat` requests of
each page in-process with Django's test client on the municipality's host (after three
warm-up requests) and counts the queries of one. It drops the scratch database at the
end, also on failure.

Only `name=value` lines go to stdout; logs go to stderr.
"""

from __future__ import annotations

import argparse
import datetime
import logging
import os
import statistics
import sys
import time
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.provision import percentile, report_from_scratch_database  # noqa: E402

log = logging.getLogger("benchmarks.plan_pages")

WARM_UP = 3
TARGETS = {
    "overview": "/planer/{plan}/",
    "gantt": "/planer/{plan}/aktivitetsplan/",
    "milestones_api": "/api/plans/{plan}/milestones/",
    "docx_export": "/api/plans/{plan}/export.docx",
}


def build_plan(user: Any, sizes: dict[str, int]) -> Any:
    """A plan over two years with the given numbers of rows, through the services."""
    from tenants.plans import services

    start = datetime.date(2025, 1, 1)
    end = datetime.date(2026, 12, 31)
    plan = services.create_plan(
        user,
        {
            "title": "Målingsplan: tverrfaglig samarbeid",
            "owner": "Kommunedirektør",
            "leaders": ["Prosjektleder"],
            "start": start,
            "end": end,
            "purpose": "Måle hvor raskt sidene svarer for en stor plan.",
        },
    )
    services.create_phase(plan, user, {"order": 1, "name": "Kartlegging"})
    services.create_phase(plan, user, {"order": 2, "name": "Rutiner", "is_current": True})
    statuses = ["planned", "in_progress", "done", "missed"]
    milestones = []
    for i in range(sizes["milestones"]):
        milestones.append(
            services.create_milestone(
                plan,
                user,
                {
                    "code": f"MP{i + 1}",
                    "title": f"Milepæl {i + 1}",
                    "due": start + datetime.timedelta(days=(i * 7) % 720),
                    "criterion": "Et målbart resultat er dokumentert.",
                    "status": statuses[i % 4],
                },
            )
        )
    for i in range(max(1, sizes["milestones"] // 20)):
        services.create_decision_point(
            plan,
            user,
            {
                "code": f"BP{i + 1}",
                "title": f"Beslutning {i + 1}",
                "due": start + datetime.timedelta(days=(i * 45) % 720),
            },
        )
    for i in range(sizes["activities"]):
        first = datetime.date(2025 + (i % 24) // 12, (i % 12) + 1, 1)
        last = datetime.date(2026, (i % 12) + 1, 1) if first.year == 2025 else first
        services.create_activity(
            plan,
            user,
            {
                "code": f"HA{i + 1:03d}",
                "name": f"Hovedaktivitet {i + 1}",
                "purpose": "Hensikt",
                "start_month": first,
                "end_month": last,
                "milestones": [m.pk for m in milestones[i % max(1, len(milestones)) :][:2]],
            },
        )
    for i in range(sizes["risks"]):
        services.create_risk(
            plan,
            user,
            {
                "title": f"Risiko {i + 1}",
                "likelihood": 1 + i % 5,
                "consequence": 1 + (i // 5) % 5,
                "measure": "Tiltak",
            },
        )
    kinds = ["cost", "cost", "funding", "grant"]
    for i in range(sizes["budget_lines"]):
        services.create_budget_line(
            plan,
            user,
            {
                "kind": kinds[i % 4],
                "label": f"Post {i + 1}",
                "amount": Decimal("12500.50"),
                "period": "2025",
                "settled": i % 3 != 0,
            },
        )
    return plan


def measure(client: Any, path: str, repeat: int) -> dict[str, float]:
    from django.db import connection

    for _ in range(WARM_UP):
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    queries = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(path)
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        durations.append((time.perf_counter() - started) * 1000)
    return {
        "ms_median": statistics.median(durations),
        "ms_p95": percentile(durations, 0.95),
        "queries": len(queries),
    }


def run(sizes: dict[str, int], repeat: int) -> dict[str, float | int]:
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samla.settings.test")
    django.setup()
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import tenant_context

    from samla.accounts.models import MunicipalityMembership, MunicipalityRole, User
    from samla.urls_helpers import municipality_host
    from tenants.services import provision_municipality

    started = time.perf_counter()
    call_command("upgrade", verbosity=0)
    log.info("upgrade: %.1f s", time.perf_counter() - started)
    municipality = provision_municipality(
        name="Målekommune", slug="maalekommune", org_number="964950768", county="Innlandet"
    )
    user = User.objects.create_user(username="leder.maal")  # logs in by force_login
    MunicipalityMembership.objects.create(
        user=user, municipality=municipality, role=MunicipalityRole.LEADER
    )
    started = time.perf_counter()
    with tenant_context(municipality):
        plan = build_plan(user, sizes)
    build_s = time.perf_counter() - started
    log.info("built plan %s in %.1f s", plan.pk, build_s)
    connection.set_schema_to_public()

    client = Client(HTTP_HOST=municipality_host(municipality.slug))
    client.force_login(user)
    results: dict[str, float | int] = {f"plan_{k}": v for k, v in sizes.items()}
    results["build_s"] = build_s
    results["repeat"] = repeat
    for name, template in TARGETS.items():
        path = template.format(plan=plan.pk)
        figures = measure(client, path, repeat)
        log.info("%s: %s", name, figures)
        results[f"{name}_ms_median"] = figures["ms_median"]
        results[f"{name}_ms_p95"] = figures["ms_p95"]
        results[f"{name}_queries"] = int(figures["queries"])
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--milestones", type=int, default=300)
    parser.add_argument("--risks", type=int, default=60)
    parser.add_argument("--activities", type=int, default=120)
    parser.add_argument("--budget-lines", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
    args = parser.parse_args(argv)
    sizes = {
        "milestones": args.milestones,
        "risks": args.risks,
        "activities": args.activities,
        "budget_lines": args.budget_lines,
    }
    if min(sizes.values()) < 1 or args.repeat < 1:
        parser.error("every size and --repeat must be at least 1")

    return report_from_scratch_database(lambda: run(sizes, args.repeat), decimals=2)


if __name__ == "__main__":
    sys.exit(main())
