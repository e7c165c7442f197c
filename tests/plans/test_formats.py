"""Dates, months and kroner read the same on the plan pages as in the plan's documents.

Given Nordre Land's seed plan (municipality A), whose costs are not financed: its leader
opens the budget, milestone, activity and Gantt pages and downloads the Word and PDF
documents, and finds the same text for the same value in each.
"""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

from django.template import Context, Template
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from samla.formats import (
    MINUS,
    format_date,
    format_kroner,
    format_month,
    format_month_name,
    format_number,
)
from tenants.plans.models import BudgetLine, Milestone, Plan
from tests.conftest import client_for, host_of
from tests.plans.conftest import api_as, inside


def page_text(user, municipality, url: str) -> str:
    """The page's text with its tags dropped; no-break spaces are kept as they are."""
    response = client_for(host_of(municipality), user).get(url)
    assert response.status_code == 200, url
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"[ \t\r\n]+", " ", text)


def docx_cells(user, municipality, plan: Plan) -> list[list[str]]:
    response = api_as(user, municipality).get(f"/api/plans/{plan.pk}/export.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    return [[c.text for c in row.cells] for table in document.tables for row in table.rows]


def pdf_text(user, municipality, plan: Plan) -> str:
    response = api_as(user, municipality).get(f"/api/plans/{plan.pk}/export.pdf")
    assert response.status_code == 200
    pages = PdfReader(io.BytesIO(response.content)).pages
    return " ".join(page.extract_text() for page in pages)


def test_a_sum_reads_the_same_on_the_budget_page_and_in_the_documents(
    plan_a, nordre_land, leader_a
) -> None:
    with inside(nordre_land):
        costs = sum(line.amount for line in BudgetLine.objects.filter(plan=plan_a, kind="cost"))
    shown = format_kroner(costs)
    assert shown == "230\xa0000,00\xa0kr"

    page = page_text(leader_a, nordre_land, f"/planer/{plan_a.pk}/budsjett/")
    cells = docx_cells(leader_a, nordre_land, plan_a)
    pdf = pdf_text(leader_a, nordre_land, plan_a)

    assert f"Kostnader {shown}" in page
    assert ["Sum", "", shown] in cells  # the sum row of 7.1 Kostnader
    # (pypdf reads a no-break space back as a plain one)
    assert f"Sum {shown}".replace("\xa0", " ") in " ".join(pdf.split())


def test_a_negative_balance_has_the_minus_sign(plan_a, nordre_land, leader_a) -> None:
    # Given a plan whose costs are not financed at all
    page = page_text(leader_a, nordre_land, f"/planer/{plan_a.pk}/budsjett/")

    # Then its balance reads with the minus sign, as the documents' formatter writes it
    assert f"Balanse {MINUS}230\xa0000,00\xa0kr" in page
    assert f"Balanse {format_kroner(Decimal('-230000'))}" in page
    assert "-230" not in page


def test_a_date_reads_the_same_on_the_milestone_page_and_in_the_documents(
    plan_a, nordre_land, leader_a
) -> None:
    with inside(nordre_land):
        milestone = Milestone.objects.filter(plan=plan_a).order_by("due", "code", "id").first()
    shown = format_date(milestone.due)
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4}", shown)

    page = page_text(leader_a, nordre_land, f"/planer/{plan_a.pk}/milepaeler/")
    cells = docx_cells(leader_a, nordre_land, plan_a)
    pdf = " ".join(pdf_text(leader_a, nordre_land, plan_a).split())

    assert re.search(rf"{milestone.code} .*?{re.escape(shown)}", page)
    row = next(r for r in cells if r[:2] == [milestone.code, milestone.title])
    assert row[2] == shown
    assert f"{milestone.code} {milestone.title} {shown}" in pdf


def test_a_month_reads_the_same_on_the_activity_pages_and_in_the_activity_plan(
    plan_a, nordre_land, leader_a
) -> None:
    with inside(nordre_land):
        activity = plan_a.activities.order_by("start_month", "code").first()
    first = format_month(activity.start_month)

    activities = page_text(leader_a, nordre_land, f"/planer/{plan_a.pk}/hovedaktiviteter/")
    gantt = page_text(leader_a, nordre_land, f"/planer/{plan_a.pk}/aktivitetsplan/")
    cells = docx_cells(leader_a, nordre_land, plan_a)

    # The activities page names its months as the Word activity plan heads its columns
    assert f"{activity.code} " in activities and first in activities
    grid_header = next(r for r in cells if r[:2] == ["Nr", "Hovedaktivitet"] and len(r) > 10)
    assert first in grid_header
    # and the Gantt page's columns are the same months: «sep 17» shown, «september 2017» read
    start = plan_a.start.replace(day=1)
    assert grid_header[2] == format_month(start) == "sep 17"
    assert f"sep 17 {format_month_name(start)}" in gantt.replace("<br>", " ")
    assert format_month_name(start) == "september 2017"


def test_the_template_filters_write_what_the_documents_write() -> None:
    template = Template(
        "{% load samla_formats %}{{ day|short_date }}|{{ day|long_date }}|{{ day|month }}|"
        "{{ day|month_name }}|{{ amount|kroner }}|{{ loss|kroner }}|{{ value|number }}|"
        "{{ at|short_datetime }}|{{ missing|kroner }}|{{ missing|short_date }}"
    )
    at = datetime.datetime(2017, 11, 30, 23, 30, tzinfo=datetime.UTC)
    rendered = template.render(
        Context(
            {
                "day": datetime.date(2017, 5, 17),
                "amount": Decimal("1234567.5"),
                "loss": Decimal("-1500"),
                "value": Decimal("2.50"),
                "at": at,
                "missing": None,
            }
        )
    )
    assert rendered.split("|") == [
        format_date(datetime.date(2017, 5, 17)),
        "17. mai 2017",
        "mai 17",
        "mai 2017",
        "1\xa0234\xa0567,50\xa0kr",
        f"{MINUS}1\xa0500,00\xa0kr",
        format_number(Decimal("2.50")),
        "01.12.2017 00:30",  # Oslo time, a day later than UTC
        "",
        "",
    ]
    assert timezone.localtime(at).day == 1
