"""Who may download a plan's documents, how they are documented, and how fast they are made.

Given Nordre Land's seed plan (municipality A) and Nesseby's (B), a user per role in A
and a leader in B.
"""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.drainage import GENERATOR_STATS

from tenants.plans import services
from tenants.plans.documents.outline import load_plan, plan_outline
from tenants.plans.models import (
    Activity,
    BudgetLine,
    DecisionPoint,
    Measure,
    Milestone,
    Plan,
    Risk,
)
from tests.plans.conftest import api_as, inside

GUESSED = 987654
EXPORTS = ["export.docx", "export.pdf", "export.xlsx", "calendar.ics"]
EXPORT_CLASSES = ("PlanDocx", "PlanPdf", "PlanXlsx", "PlanIcs", "StatusReportPdf")


@pytest.fixture
def submitted_report_a(plan_a, nordre_land, leader_a):
    with inside(nordre_land):
        report = services.create_status_report(
            nordre_land,
            plan_a,
            leader_a,
            {"date": datetime.date(2018, 2, 15), "summary": "Godt i gang."},
        )
        return services.submit_status_report(nordre_land, report, leader_a)


def urls_of(plan_id: int, report_id: int) -> list[str]:
    base = f"/api/plans/{plan_id}/"
    return [base + e for e in EXPORTS] + [f"{base}status-reports/{report_id}/export.pdf"]


# Who may download ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["leader_a", "editor_a", "viewer_a"])
def test_every_member_role_downloads_every_document(
    role, request, plan_a, submitted_report_a, nordre_land
) -> None:
    api = api_as(request.getfixturevalue(role), nordre_land)
    for url in urls_of(plan_a.pk, submitted_report_a.pk):
        response = api.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert response["Content-Disposition"].startswith("attachment; filename=")
        assert len(response.content) > 200


def test_the_other_municipalitys_user_gets_404_for_each_document(
    plan_a, submitted_report_a, nordre_land, nesseby, leader_b
) -> None:
    on_as_host = api_as(leader_b, nordre_land)
    on_own_host = api_as(leader_b, nesseby)
    for url in urls_of(plan_a.pk, submitted_report_a.pk):
        assert on_as_host.get(url).status_code == 404, url
        response = on_own_host.get(url)  # B's schema has no such plan
        assert response.status_code == 404, url
        assert b"Barn/unge" not in response.content


def test_anonymous_gets_401_for_each_document(plan_a, submitted_report_a, nordre_land) -> None:
    anonymous = api_as(None, nordre_land)
    for url in urls_of(plan_a.pk, submitted_report_a.pk):
        response = anonymous.get(url)
        assert response.status_code == 401, url
        assert b"Barn/unge" not in response.content


def test_guessed_ids_get_404(
    plan_a, plan_b, submitted_report_a, nordre_land, nesseby, leader_a, leader_b
) -> None:
    api = api_as(leader_a, nordre_land)
    for url in urls_of(GUESSED, submitted_report_a.pk):
        assert api.get(url).status_code == 404, url
    assert api.get(f"/api/plans/{plan_a.pk}/status-reports/{GUESSED}/export.pdf").status_code == 404
    # A report of B (a real id in B's schema) means nothing on A's plan.
    with inside(nesseby):
        report_b = services.submit_status_report(
            nesseby,
            services.create_status_report(
                nesseby,
                plan_b,
                leader_b,
                {"date": datetime.date(2019, 3, 1), "summary": "Hemmelig"},
            ),
            leader_b,
        )
    guessed = api.get(f"/api/plans/{plan_a.pk}/status-reports/{report_b.pk + 1000}/export.pdf")
    assert guessed.status_code == 404


def test_a_report_of_another_plan_in_the_same_municipality_is_404(
    plan_a, submitted_report_a, nordre_land, leader_a
) -> None:
    with inside(nordre_land):
        other = services.create_plan(
            nordre_land,
            leader_a,
            {
                "title": "Annet prosjekt",
                "start": datetime.date(2019, 1, 1),
                "end": datetime.date(2019, 12, 31),
            },
        )
    response = api_as(leader_a, nordre_land).get(
        f"/api/plans/{other.pk}/status-reports/{submitted_report_a.pk}/export.pdf"
    )
    assert response.status_code == 404


def test_a_client_asking_for_the_documents_type_gets_it(plan_a, nordre_land, leader_a) -> None:
    api = api_as(leader_a, nordre_land)
    response = api.get(f"/api/plans/{plan_a.pk}/export.pdf", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    missing = api.get(f"/api/plans/{GUESSED}/export.pdf", HTTP_ACCEPT="application/pdf")
    assert missing.status_code == 404


# The schema ---------------------------------------------------------------------------------


def test_the_schema_documents_the_downloads_as_binary(plan_a, leader_api) -> None:
    GENERATOR_STATS.reset()
    response = leader_api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    docx = paths["/api/plans/{plan_id}/export.docx"]["get"]["responses"]["200"]["content"]
    assert docx == {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
            "schema": {"type": "string", "format": "binary"}
        }
    }
    report = paths["/api/plans/{plan_id}/status-reports/{pk}/export.pdf"]["get"]["responses"]
    assert set(report) >= {"200", "400", "401", "404"}
    assert (
        "text/calendar"
        in paths["/api/plans/{plan_id}/calendar.ics"]["get"]["responses"]["200"]["content"]
    )
    warnings = [w for w in GENERATOR_STATS._warn_cache if any(c in w for c in EXPORT_CLASSES)]
    errors = [e for e in GENERATOR_STATS._error_cache if any(c in e for c in EXPORT_CLASSES)]
    assert warnings == [] and errors == []


# Queries and speed --------------------------------------------------------------------------


def grow(plan: Plan) -> None:
    """300 milestones, 60 risks, 120 activities, 200 budget lines on top of the seed.

    Written in bulk: this is test data for timing the documents, not a user's change, and
    700 service calls would take longer than the test is about.
    """
    start = datetime.date(2017, 9, 1)
    milestones = Milestone.objects.bulk_create(
        Milestone(
            plan=plan,
            code=f"X{n}",
            title=f"Milepæl {n} med en lengre tittel",
            due=start + datetime.timedelta(days=n),
            criterion="Et målbart resultat som styringsgruppa kan vurdere",
        )
        for n in range(300)
    )
    DecisionPoint.objects.bulk_create(
        DecisionPoint(plan=plan, code=f"Y{n}", title=f"Beslutning {n}", due=start)
        for n in range(20)
    )
    Measure.objects.bulk_create(Measure(plan=plan, text=f"Tiltak {n}") for n in range(10))
    Risk.objects.bulk_create(
        Risk(plan=plan, title=f"Risiko {n}", likelihood=n % 5 + 1, consequence=(n * 3) % 5 + 1)
        for n in range(60)
    )
    activities = Activity.objects.bulk_create(
        Activity(
            plan=plan,
            code=f"Z{n}",
            name=f"Aktivitet {n}",
            purpose="Hensikt",
            tasks="Oppgaver\nflere linjer",
            result="Resultat",
            start_month=datetime.date(2017 + (8 + n % 12) // 12, (8 + n % 12) % 12 + 1, 1),
            end_month=datetime.date(2018, 8, 1),
        )
        for n in range(120)
    )
    Activity.milestones.through.objects.bulk_create(
        Activity.milestones.through(activity_id=a.pk, milestone_id=m.pk)
        for a, m in zip(activities, milestones, strict=False)
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(plan=plan, kind=("cost", "funding", "grant")[n % 3], label=f"Post {n}",
                   amount=Decimal(1000 + n), settled=n % 7 != 0)
        for n in range(200)
    )  # fmt: skip


def export(api, plan: Plan, name: str):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = api.get(f"/api/plans/{plan.pk}/{name}")
        elapsed = time.perf_counter() - started
    assert response.status_code == 200
    return response, len(queries), elapsed


@pytest.mark.parametrize("name", EXPORTS)
def test_queries_do_not_grow_with_the_plan(name, plan_a, nordre_land, leader_a) -> None:
    api = api_as(leader_a, nordre_land)
    with inside(nordre_land):  # one row of each kind, so every link query runs already
        services.create_measure(nordre_land, plan_a, leader_a, {"text": "Felles rutiner"})
    _small, small_queries, _ = export(api, plan_a, name)

    with inside(nordre_land):
        grow(plan_a)
    large, large_queries, _ = export(api, plan_a, name)

    assert len(large.content) > len(_small.content)
    # Authentication, membership, the plan and its parts, and django-tenants' two
    # SET search_path (public, then the municipality's schema). The same for any size.
    assert large_queries == small_queries <= 21


def test_the_plan_is_read_in_one_query_per_kind_of_part(plan_a, nordre_land) -> None:
    with inside(nordre_land):
        grow(plan_a)
        with CaptureQueriesContext(connection) as queries:
            data = load_plan(plan_a)
            outline = plan_outline(data)

    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    # 11 kinds of part, and the links of measures, activities and bodies.
    assert len(reads) == 14
    assert len(data.milestones) >= 300 and len(data.activities) >= 120
    assert len(outline.events) == len(data.milestones) + len(data.decision_points)


def test_a_large_plan_becomes_a_docx_within_two_seconds(plan_a, nordre_land, leader_a) -> None:
    with inside(nordre_land):
        grow(plan_a)
    api = api_as(leader_a, nordre_land)
    export(api, plan_a, "export.docx")  # warm up imports and templates

    response, _queries, elapsed = export(api, plan_a, "export.docx")

    assert b"word/document.xml" in response.content
    assert elapsed <= 2.0, f"{elapsed:.2f} s"
