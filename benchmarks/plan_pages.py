"""How fast a large plan's pages answer, and how fast the largest allowed plan exports.

Run from the repository root:

    .venv/bin/python benchmarks/plan_pages.py            # 300 milestones, 60 risks, ...
    .venv/bin/python benchmarks/plan_pages.py --milestones 10 --risks 5 --activities 5 \
        --budget-lines 5 --repeat 3

It works in a scratch database of its own (`samla_bench_<pid>`, on the server of
DATABASE_URL, else on the embedded PostgreSQL), runs `samla upgrade`, provisions one
municipality with a project leader, builds one plan through the services (every row
checked by the plan's rules, as a person's would be), then times `--repeat` requests of
each page in-process with Django's test client on the municipality's host (after three
warm-up requests) and counts the queries of one. Then it builds the largest plan the
bounds allow (`tenants/plans/bounds.py`: a ten-year period, every part at its row limit,
dates at the edges of their windows, every text field full: `build_largest_plan`) and
times its docx, pdf and xlsx exports through the API (`--max-plan-repeat` requests each,
after one warm-up; `--no-max-plan` skips it). It drops the scratch database at the end,
also on failure.

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
MAX_PLAN_EXPORTS = {
    "docx_export_ms_max_plan": "/api/plans/{plan}/export.docx",
    "pdf_export_ms_max_plan": "/api/plans/{plan}/export.pdf",
    "xlsx_export_ms_max_plan": "/api/plans/{plan}/export.xlsx",
}
TARGETS = {
    "overview": "/planer/{plan}/",
    "gantt": "/planer/{plan}/aktivitetsplan/",
    "milestones_api": "/api/plans/{plan}/milestones/",
    "docx_export": "/api/plans/{plan}/export.docx",
}


def build_plan(tenant: Any, user: Any, sizes: dict[str, int]) -> Any:
    """A plan over two years with the given numbers of rows, through the services."""
    from tenants.plans import services

    start = datetime.date(2025, 1, 1)
    end = datetime.date(2026, 12, 31)
    plan = services.create_plan(
        tenant,
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
    services.create_phase(tenant, plan, user, {"order": 1, "name": "Kartlegging"})
    services.create_phase(tenant, plan, user, {"order": 2, "name": "Rutiner", "is_current": True})
    statuses = ["planned", "in_progress", "done", "missed"]
    milestones = []
    for i in range(sizes["milestones"]):
        milestones.append(
            services.create_milestone(
                tenant,
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
            tenant,
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
            tenant,
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
            tenant,
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
            tenant,
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


def _filled(label: str, length: int) -> str:
    """Norwegian-looking text of exactly `length` characters, in paragraphs."""
    words = (
        f"{label}: tverrfaglig samarbeid om tidlig innsats for barn og unge i kommunen, "
        "med rutiner, ansvar og oppfølging som styringsgruppa vurderer jevnlig. "
    )
    text = ""
    while len(text) < length:
        text += words + ("\n\n" if len(text) % 900 > 800 else "")
    return text[:length].strip().ljust(length, ".")


def build_largest_plan(user: Any, *, start: datetime.date | None = None) -> Any:
    """The largest plan the bounds allow, written in bulk (thousands of service calls would
    take minutes): a ten-year period, every part at its row limit, dates spread to the edges
    of each part's window, and as much text as the plan may hold (`PLAN_TEXT_LIMIT`), spread
    over every text field in proportion to its length limit. Returns the plan.

    Called in a municipality's schema. Every row is then checked against the bounds, so
    the plan is one the services would accept.
    """
    from django.db import transaction

    from tenants.plans import bounds

    # Text grows linearly with the scale: measure a small one, then fill to the limit.
    trial = 0.02
    with transaction.atomic():
        total = bounds.plan_text_total(_build_plan(start, trial))
        transaction.set_rollback(True)
    scale = min(1.0, trial * bounds.PLAN_TEXT_LIMIT * 0.995 / total)
    plan = _build_plan(start, scale)
    if bounds.text_limit_error(plan):
        raise AssertionError("the largest plan holds more text than allowed")
    return plan


def _build_plan(start: datetime.date | None, scale: float) -> Any:
    from samla.dates import add_months
    from tenants.plans import bounds
    from tenants.plans.models import (
        LONG_TEXT_LIMIT,
        NAME_LIMIT,
        TEXT_LIMIT,
        Activity,
        Body,
        BodyMember,
        BudgetLine,
        DecisionPoint,
        Goal,
        Measure,
        Meeting,
        MeetingSeries,
        Milestone,
        Phase,
        Plan,
        Risk,
        StatusReport,
        SuccessFactor,
    )

    start = start or datetime.date(2030, 1, 1)
    end = bounds.latest_end(start)
    limit = bounds.ROW_LIMITS

    def _text(label: str, length: int) -> str:
        return _filled(label, max(int(length * scale), 1))

    name, text, long = NAME_LIMIT, TEXT_LIMIT, LONG_TEXT_LIMIT
    plan = Plan.objects.create(
        title=_text("Største plan", name),
        owner=_text("Eier", name),
        sponsor=_text("Ansvarlig", name),
        leaders=[_text(f"Leder {n}", name) for n in range(10)],
        start=start,
        end=end,
        background=_text("Bakgrunn", long),
        purpose=_text("Formål", long),
        target_group=_text("Målgruppe", long),
        scope=_text("Rammer", long),
        references=_text("Henvisninger", long),
    )

    def spread(margin: bounds.Margin, n: int, count: int) -> datetime.date:
        first, last = bounds.window(start, end, margin)
        return first + (last - first) * n // max(count - 1, 1)

    phase_margin = bounds.DATE_BOUNDS[Phase]["start"]
    Phase.objects.bulk_create(
        Phase(
            plan=plan, order=n + 1, name=_text(f"Fase {n + 1}", name),
            description=_text("Beskrivelse", text), start=spread(phase_margin, n, limit[Phase]),
            end=spread(phase_margin, n + 1, limit[Phase] + 1), is_current=n == 0,
        )
        for n in range(limit[Phase])
    )  # fmt: skip
    goals = Goal.objects.bulk_create(
        Goal(
            plan=plan, level=("main", "impact", "outcome", "work", "sub")[n % 5],
            text=_text(f"Mål {n + 1}", text),
            due=spread(bounds.DATE_BOUNDS[Goal]["due"], n, limit[Goal]),
            baseline=Decimal("10.5"), target=Decimal("99.5"), current=Decimal("50"),
            unit=_text("Enhet", 50), period=_text("Periode", 50),
        )
        for n in range(limit[Goal])
    )  # fmt: skip
    measures = Measure.objects.bulk_create(
        Measure(plan=plan, text=_text(f"Tiltak {n + 1}", text), responsible=_text("PL", name))
        for n in range(limit[Measure])
    )
    Measure.goals.through.objects.bulk_create(
        Measure.goals.through(measure_id=m.pk, goal_id=goals[(n + k) % len(goals)].pk)
        for n, m in enumerate(measures)
        for k in range(3)
    )
    milestones = Milestone.objects.bulk_create(
        Milestone(
            plan=plan, code=f"MP{n + 1}", title=_text(f"Milepæl {n + 1}", name),
            due=spread(bounds.DATE_BOUNDS[Milestone]["due"], n, limit[Milestone]),
            criterion=_text("Målbart resultat", text), status=("planned", "done")[n % 2],
            done_on=start if n % 2 else None, evidence=_text("Dokumentasjon", text),
            responsible=_text("Ansvarlig", name),
        )
        for n in range(limit[Milestone])
    )  # fmt: skip
    DecisionPoint.objects.bulk_create(
        DecisionPoint(
            plan=plan, code=f"BP{n + 1}", title=_text(f"Beslutning {n + 1}", name),
            due=spread(bounds.DATE_BOUNDS[DecisionPoint]["due"], n, limit[DecisionPoint]),
            basis=_text("Grunnlag", text), decision=_text("Beslutning", text),
            decided_by=_text("Styringsgruppa", name),
        )
        for n in range(limit[DecisionPoint])
    )  # fmt: skip
    month_margin = bounds.DATE_BOUNDS[Activity]["start_month"]
    first_month, last_month = bounds.window(start, end, month_margin)
    months = (last_month.year - first_month.year) * 12 + last_month.month - first_month.month
    activities = Activity.objects.bulk_create(
        Activity(
            plan=plan, code=f"HA{n + 1:03d}", name=_text(f"Hovedaktivitet {n + 1}", name),
            purpose=_text("Hensikt", text), tasks=_text("Oppgaver", long),
            result=_text("Resultat", text), responsible=_text("Ansvarlig", name),
            start_month=add_months(first_month, (n * 7) % (months // 2)),
            end_month=add_months(first_month, (n * 7) % (months // 2) + months // 2),
        )
        for n in range(limit[Activity])
    )  # fmt: skip
    Activity.milestones.through.objects.bulk_create(
        Activity.milestones.through(
            activity_id=a.pk, milestone_id=milestones[(n * 2 + k) % len(milestones)].pk
        )
        for n, a in enumerate(activities)
        for k in range(2)
    )
    risks = Risk.objects.bulk_create(
        Risk(
            plan=plan, title=_text(f"Risiko {n + 1}", 300), likelihood=n % 5 + 1,
            consequence=(n * 3) % 5 + 1, measure=_text("Tiltak", text), owner=_text("Eier", name),
        )
        for n in range(limit[Risk])
    )  # fmt: skip
    factors = SuccessFactor.objects.bulk_create(
        SuccessFactor(
            plan=plan, priority=n % 99 + 1, text=_text(f"Suksessfaktor {n + 1}", 500),
            sub_points=[_text(f"Punkt {k}", 500) for k in range(30)],
            measure=_text("Tiltak", text),
        )
        for n in range(limit[SuccessFactor])
    )  # fmt: skip
    SuccessFactor.risks.through.objects.bulk_create(
        SuccessFactor.risks.through(successfactor_id=f.pk, risk_id=risks[n % len(risks)].pk)
        for n, f in enumerate(factors)
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(
            plan=plan, kind=("cost", "funding", "grant")[n % 3], label=_text(f"Post {n}", name),
            amount=Decimal("9999999999.99"), period=_text("Periode", 50), settled=n % 7 != 0,
        )
        for n in range(limit[BudgetLine])
    )  # fmt: skip
    bodies = Body.objects.bulk_create(
        Body(
            plan=plan, kind="working", name=_text(f"Gruppe {n + 1}", name),
            mandate=_text("Mandat", long), order=n + 1,
        )
        for n in range(limit[Body])
    )  # fmt: skip
    BodyMember.objects.bulk_create(
        BodyMember(
            body=body, name=_text(f"Medlem {k}", name), title=_text("Stilling", name),
            unit=_text("Enhet", name), role=_text("Rolle", name), order=k + 1,
        )
        for body in bodies
        for k in range(bounds.MEMBERS_PER_BODY)
    )  # fmt: skip
    series = MeetingSeries.objects.bulk_create(
        MeetingSeries(
            plan=plan, body=bodies[n % len(bodies)], name=_text(f"Møteserie {n + 1}", name),
            frequency=_text("Hyppighet", name), agenda=_text("Agenda", text),
            participants=_text("Deltakere", text),
        )
        for n in range(limit[MeetingSeries])
    )  # fmt: skip
    Meeting.objects.bulk_create(
        Meeting(
            plan=plan, series=series[n % len(series)], title=_text(f"Møte {n + 1}", name),
            held_on=spread(bounds.DATE_BOUNDS[Meeting]["held_on"], n, limit[Meeting]),
            agenda=_text("Agenda", text), notes=_text("Referat", long),
            actions=[
                {"text": _text("Punkt", 200), "owner": "PL", "due": start.isoformat(),
                 "done": False}
                for _k in range(bounds.ACTIONS_PER_MEETING)
            ],
        )
        for n in range(limit[Meeting])
    )  # fmt: skip
    StatusReport.objects.bulk_create(
        StatusReport(
            plan=plan,
            date=spread(bounds.DATE_BOUNDS[StatusReport]["date"], n, limit[StatusReport]),
            summary=_text("Framdrift", long), economy=_text("Økonomi", text),
            risks=_text("Risiko", text),
        )
        for n in range(limit[StatusReport])
    )  # fmt: skip
    # The plan is one the services would accept: every dated row within its window.
    for model in bounds.DATE_BOUNDS:
        for row in model._default_manager.filter(plan=plan):
            errors = bounds.part_date_errors(plan, row)
            if errors:
                raise AssertionError(f"{model.__name__} {row.pk}: {errors}")
    if bounds.plan_period_errors(plan.start, plan.end):
        raise AssertionError("the plan's period is out of bounds")
    return plan


def measure(client: Any, path: str, repeat: int) -> dict[str, float]:
    from tenants.db import connection

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


def run(sizes: dict[str, int], repeat: int, max_plan_repeat: int) -> dict[str, float | int]:
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samla.settings.test")
    # The benchmark measures the work, not the per-user rate limits (samla/settings/base.py).
    os.environ.setdefault("API_THROTTLE_WRITE", "100000/min")
    os.environ.setdefault("API_THROTTLE_EXPORT", "100000/min")
    django.setup()
    from django.test import Client
    from django_tenants.utils import tenant_context

    from samla.accounts.models import MunicipalityMembership, MunicipalityRole, User
    from samla.urls_helpers import municipality_host
    from tenants.db import connection
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
        plan = build_plan(municipality, user, sizes)
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
    if max_plan_repeat:
        results.update(measure_largest_plan(client, municipality, user, max_plan_repeat))
    return results


def measure_largest_plan(
    client: Any, municipality: Any, user: Any, repeat: int
) -> dict[str, float | int]:
    """Median ms of each export of the largest allowed plan (after one warm-up request)."""
    from django_tenants.utils import tenant_context

    from tenants.db import connection

    started = time.perf_counter()
    with tenant_context(municipality):
        plan = build_largest_plan(user)
    log.info("built the largest plan %s in %.1f s", plan.pk, time.perf_counter() - started)
    connection.set_schema_to_public()
    results: dict[str, float | int] = {}
    for name, template in MAX_PLAN_EXPORTS.items():
        path = template.format(plan=plan.pk)
        durations = []
        for attempt in range(repeat + 1):
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
            if attempt:  # the first is the warm-up
                durations.append(elapsed)
        log.info("%s: %s ms, %d bytes", name, [round(d) for d in durations], len(response.content))
        results[name] = statistics.median(durations)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--milestones", type=int, default=200)
    parser.add_argument("--risks", type=int, default=60)
    parser.add_argument("--activities", type=int, default=100)
    parser.add_argument("--budget-lines", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
    parser.add_argument(
        "--max-plan-repeat", type=int, default=3, help="timed exports of the largest plan"
    )
    parser.add_argument(
        "--no-max-plan", action="store_true", help="skip the largest plan's exports"
    )
    args = parser.parse_args(argv)
    sizes = {
        "milestones": args.milestones,
        "risks": args.risks,
        "activities": args.activities,
        "budget_lines": args.budget_lines,
    }
    if min(sizes.values()) < 1 or args.repeat < 1:
        parser.error("every size and --repeat must be at least 1")

    max_plan_repeat = 0 if args.no_max_plan else max(args.max_plan_repeat, 1)
    return report_from_scratch_database(
        lambda: run(sizes, args.repeat, max_plan_repeat), decimals=2
    )


if __name__ == "__main__":
    sys.exit(main())
