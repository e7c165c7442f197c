"""The plan documents a steering group reads: what is in the Word, PDF, Excel and calendar.

Given Nordre Land's seed plan (municipality A), downloaded by its leader through the API.
"""

from __future__ import annotations

import datetime
import io
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from icalendar import Calendar
from openpyxl import load_workbook
from pypdf import PdfReader

from samla.api.downloads import attachment_header
from samla.formats import format_date, format_kroner, format_month
from tenants.plans import services
from tenants.plans.models import BudgetLine, Milestone, Plan
from tests.plans.conftest import api_as, inside

CHAPTERS = [
    "1 Mål og rammer",
    "2 Omfang og avgrensning",
    "3 Organisering",
    "4 Beslutningspunkter, oppfølging og milepæler",
    "5 Risikoanalyse og kvalitetssikring",
    "6 Gjennomføring",
    "7 Økonomi",
    "8 Kontrakter og avtaler",
]
SAMI = "Unjárga gielda: Mánáid ja nuoraid ángiruššan (č đ ŋ š ŧ ž Č Đ Ŋ Š Ŧ Ž æøå ÆØÅ)"
MARKUP = "<b>Fet</b> & «sitat»"


def download(api, url: str):
    response = api.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    keep = os.environ.get("SAMLA_KEEP_DOCUMENTS")  # for looking at them by hand
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        name = url.strip("/").replace("/", "_")
        (Path(keep) / name).write_bytes(response.content)
    return response


def first_milestone(plan: Plan) -> Milestone:
    return plan.milestones.order_by("due", "code", "id").first()


def cost_sum(plan: Plan) -> str:
    return format_kroner(
        sum(line.amount for line in BudgetLine.objects.filter(plan=plan, kind="cost"))
    )


def pdf_text(content: bytes) -> str:
    """The PDF's text with runs of white space as one space (table cells come line by line)."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


@pytest.fixture
def full_plan_a(plan_a, nordre_land, leader_a):
    """A's seed plan with the parts the seed leaves empty filled in, through the services."""
    with inside(nordre_land):
        plan = services.update_plan(
            nordre_land,
            plan_a,
            leader_a,
            {
                "background": "Fylkesmannens innsyn høsten 2016.\n\nTo delprosjekter.",
                "scope": "Prosjektet omfatter enhetene i TO Velferd.",
                "references": "Barnevernloven, kommuneplanens samfunnsdel.",
            },
            version=plan_a.version,
        )
        main = services.create_goal(
            nordre_land,
            plan,
            leader_a,
            {"level": "main", "text": "Tydelig ansvar og rolleavklaring"},
        )
        services.create_goal(
            nordre_land,
            plan,
            leader_a,
            {
                "level": "outcome",
                "text": "Samarbeidsrutiner vedtatt",
                "parent": main.pk,
                "baseline": Decimal("0"),
                "target": Decimal("5"),
                "unit": "rutiner",
                "due": datetime.date(2018, 6, 1),
            },
        )
        services.create_success_factor(
            nordre_land,
            plan,
            leader_a,
            {"priority": 1, "text": "Forankring i ledelsen", "sub_points": ["Rådmannen deltar"]},
        )
        services.create_budget_line(
            nordre_land,
            plan,
            leader_a,
            {
                "kind": "funding",
                "label": "Skjønnsmidler",
                "amount": Decimal("100000"),
                "settled": False,
            },
        )
        services.create_meeting_series(
            nordre_land,
            plan,
            leader_a,
            {"name": "Styringsgruppemøte", "frequency": "Hver 2. måned"},
        )
    return plan


# Formatting ---------------------------------------------------------------------------------


def test_amounts_and_dates_read_the_norwegian_way() -> None:
    # Django's nb formats: a no-break space between thousands and before "kr", a decimal
    # comma, and the minus sign (U+2212) rather than a hyphen
    assert format_kroner(Decimal("1234567")) == "1\xa0234\xa0567,00\xa0kr"
    assert format_kroner(Decimal("0.5")) == "0,50\xa0kr"
    assert format_kroner(Decimal("-50000")) == "\u221250\xa0000,00\xa0kr"
    assert format_kroner(Decimal("-0.001")) == "0,00\xa0kr"
    assert format_date(datetime.date(2017, 11, 1)) == "01.11.2017"
    assert format_month(datetime.date(2017, 5, 1)) == "mai 17"
    assert format_month(datetime.date(2017, 12, 1)) == "des 17"


def test_the_file_name_is_safe_ascii_with_the_real_name_beside_it() -> None:
    header = attachment_header('Mánáid "ja" nuoraid/ángiruššan', "pdf")
    assert header.startswith('attachment; filename="manaid-ja-nuoraidangirussan.pdf";')
    assert "filename*=UTF-8''M%C3%A1n%C3%A1id%20ja%20nuoraid%C3%A1ngiru%C5%A1%C5%A1an.pdf" in header


# Word ---------------------------------------------------------------------------------------


def test_the_docx_has_the_eight_chapters_in_order_and_a_milestone_row(
    full_plan_a, nordre_land, leader_a
) -> None:
    response = download(api_as(leader_a, nordre_land), f"/api/plans/{full_plan_a.pk}/export.docx")

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"].startswith(
        'attachment; filename="barnunge-og-tverrfaglig-samarbeid.docx"'
    )
    document = Document(io.BytesIO(response.content))
    chapters = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert chapters == CHAPTERS
    sections = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert "4.3 Milepæler" in sections and "6.2 Aktivitetsplan" in sections
    rows = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    with inside(nordre_land):
        milestone = first_milestone(full_plan_a)
        costs = cost_sum(full_plan_a)
        member = full_plan_a.bodies.first().members.first()
    assert [
        milestone.code,
        milestone.title,
        format_date(milestone.due),
        milestone.criterion,
        milestone.get_status_display(),
    ] in rows
    assert ["Nr", "Milepæl", "Dato", "Målbart resultat", "Status"] in rows
    assert ["Sum", "", costs] in rows
    assert ["Skjønnsmidler", "", "Ikke avklart", "100\xa0000,00\xa0kr"] in rows
    assert [member.name, member.title, member.unit, member.role] in rows
    header_rows = document.tables[1].rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    assert header_rows, "a table's header row repeats on each page"


def test_the_docx_activity_plan_marks_the_months(plan_a, nordre_land, leader_a) -> None:
    with inside(nordre_land):
        services.create_activity(
            nordre_land,
            plan_a,
            leader_a,
            {
                "code": "HA99",
                "name": "Vinteraktivitet",
                "start_month": datetime.date(2017, 12, 1),
                "end_month": datetime.date(2018, 2, 1),
            },
        )
        milestone = first_milestone(plan_a)
    response = download(api_as(leader_a, nordre_land), f"/api/plans/{plan_a.pk}/export.docx")

    document = Document(io.BytesIO(response.content))
    grid = next(t for t in document.tables if len(t.columns) > 10)
    header = [c.text for c in grid.rows[0].cells]
    assert header[:3] == ["Nr", "Hovedaktivitet", "sep 17"]
    rows = {row.cells[1].text: [c.text for c in row.cells] for row in grid.rows[1:]}
    winter = dict(zip(header, rows["Vinteraktivitet"], strict=True))
    assert winter["Nr"] == "HA99"
    assert [winter[m] for m in ("nov 17", "des 17", "jan 18", "feb 18", "mar 18")] == [
        "",
        "■",
        "■",
        "■",
        "",
    ]
    milestones = dict(zip(header, rows["Milepæler"], strict=True))
    assert milestone.code in milestones[format_month(milestone.due)].split("\n")
    assert "Beslutningspunkter" in rows


def test_empty_sections_say_none_registered(nesseby, leader_b) -> None:
    with inside(nesseby):
        plan = services.create_plan(
            nesseby,
            leader_b,
            {
                "title": "Nytt prosjekt i Unjárga",
                "start": datetime.date(2026, 1, 1),
                "end": datetime.date(2026, 12, 31),
            },
        )
    response = download(api_as(leader_b, nesseby), f"/api/plans/{plan.pk}/export.docx")

    document = Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    for section in ("4.3 Milepæler", "5.1 Kritiske risikofaktorer", "7.1 Kostnader"):
        assert texts[texts.index(section) + 1] == "Ingen registrert", section
    assert "Nytt prosjekt i Unjárga" in texts
    assert len(document.tables) == 1  # only the title page's facts


# PDF ----------------------------------------------------------------------------------------


def test_the_pdf_has_the_chapters_sami_letters_and_markup_as_text(
    plan_a, nordre_land, leader_a
) -> None:
    with inside(nordre_land):
        services.update_plan(
            nordre_land,
            plan_a,
            leader_a,
            {"title": MARKUP, "purpose": SAMI},
            version=plan_a.version,
        )
    response = download(api_as(leader_a, nordre_land), f"/api/plans/{plan_a.pk}/export.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="bfetb-sitat.pdf";')
    text = pdf_text(response.content)
    assert MARKUP in text
    assert SAMI in text
    positions = [text.find(chapter) for chapter in CHAPTERS]
    assert -1 not in positions and positions == sorted(positions)
    with inside(nordre_land):
        milestone = first_milestone(plan_a)
        costs = cost_sum(plan_a)
    assert f"{milestone.code} {milestone.title} {format_date(milestone.due)}" in text
    assert " ".join(costs.split()) in text  # pdf_text makes the no-break spaces plain


def test_the_pdf_embeds_its_font(plan_a, nordre_land, leader_a) -> None:
    response = download(api_as(leader_a, nordre_land), f"/api/plans/{plan_a.pk}/export.pdf")

    fonts = set()
    for page in PdfReader(io.BytesIO(response.content)).pages:
        resources: Any = page["/Resources"]  # pypdf types the entry as any PDF object
        for font in resources["/Font"].values():
            font = font.get_object()
            fonts.add(font["/BaseFont"])
            assert font["/Subtype"] != "/Type1", "a standard font lacks ŋ and ŧ"
    assert any("SourceSansPro" in str(name) for name in fonts)


# Excel --------------------------------------------------------------------------------------


def test_the_xlsx_has_a_sheet_per_part_with_real_dates_and_numbers(
    full_plan_a, nordre_land, leader_a
) -> None:
    response = download(api_as(leader_a, nordre_land), f"/api/plans/{full_plan_a.pk}/export.xlsx")

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Milepæler",
        "Beslutningspunkter",
        "Hovedaktiviteter",
        "Risiko",
        "Budsjett",
        "Mål",
        "Organisering",
        "Møter",
    ]
    with inside(nordre_land):
        milestone = first_milestone(full_plan_a)
        line = full_plan_a.budget_lines.order_by("kind", "id").first()
        risk = full_plan_a.risks.order_by("-score", "id").first()
        member = full_plan_a.bodies.first().members.first()
        series = full_plan_a.meeting_series.order_by("id").first()
    milestones = workbook["Milepæler"]
    assert milestones.freeze_panes == "A2"
    assert [c.value for c in milestones[1]][:3] == ["Nr", "Milepæl", "Dato"]
    assert milestones["A2"].value == milestone.code
    due = milestones["C2"]
    assert due.value == datetime.datetime.combine(milestone.due, datetime.time())
    assert due.is_date and due.number_format == "DD.MM.YYYY"
    budget = workbook["Budsjett"]
    assert budget["D2"].value == line.amount and "kr" in budget["D2"].number_format
    risks = workbook["Risiko"]
    assert [c.value for c in risks[2]][:5] == [
        1,
        risk.title,
        risk.likelihood,
        risk.consequence,
        risk.likelihood * risk.consequence,
    ]
    assert workbook["Organisering"]["B2"].value == member.name
    assert workbook["Møter"]["A2"].value == series.name
    assert workbook["Mål"]["B2"].value  # a goal's text, the highest level first


# Calendar -----------------------------------------------------------------------------------


def test_the_calendar_has_milestones_and_decisions_as_all_day_events(
    plan_a, nordre_land, leader_a
) -> None:
    response = download(api_as(leader_a, nordre_land), f"/api/plans/{plan_a.pk}/calendar.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    with inside(nordre_land):
        milestones = list(plan_a.milestones.all())
        points = list(plan_a.decision_points.all())
    schema = nordre_land.schema_name
    assert set(events) == {f"milestone-{m.pk}.{schema}@samla" for m in milestones} | {
        f"decision-point-{p.pk}.{schema}@samla" for p in points
    }
    mp1 = next(m for m in milestones if m.code == "MP1")
    first = events[f"milestone-{mp1.pk}.{schema}@samla"]
    assert str(first["SUMMARY"]) == f"MP1 {mp1.title}"
    assert first.decoded("DTSTART") == mp1.due
    assert first.decoded("DTEND") == mp1.due + datetime.timedelta(days=1)
    point = points[0]
    assert str(events[f"decision-point-{point.pk}.{schema}@samla"]["SUMMARY"]) == (
        f"{point.code} {point.title}"
    )
    again = Calendar.from_ical(
        api_as(leader_a, nordre_land).get(f"/api/plans/{plan_a.pk}/calendar.ics").content
    )
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == set(events)


# Status report ------------------------------------------------------------------------------


def test_a_submitted_report_downloads_as_pdf_from_its_snapshot(
    plan_a, nordre_land, leader_a
) -> None:
    with inside(nordre_land):
        report = services.create_status_report(
            nordre_land,
            plan_a,
            leader_a,
            {"date": datetime.date(2018, 2, 15), "summary": f"Kartlegging pågår. {MARKUP}"},
        )
        report = services.submit_status_report(nordre_land, report, leader_a)
        # Changed after submission: the report still shows what was sent.
        milestone = first_milestone(plan_a)
        costs = cost_sum(plan_a)
        services.update_milestone(
            nordre_land, milestone, leader_a, {"title": "Endret senere"}, version=milestone.version
        )
    api = api_as(leader_a, nordre_land)
    response = download(api, f"/api/plans/{plan_a.pk}/status-reports/{report.pk}/export.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert 'filename="statusrapport-2018-02-15-barnunge' in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Statusrapport" in text and "Kartlegging pågår. " + MARKUP in text
    assert f"{milestone.code} {milestone.title} {format_date(milestone.due)}" in text
    assert "Endret senere" not in text
    assert " ".join(costs.split()) in text  # pdf_text makes the no-break spaces plain


def test_a_report_not_yet_submitted_is_refused_in_norwegian(plan_a, nordre_land, leader_a) -> None:
    with inside(nordre_land):
        report = services.create_status_report(
            nordre_land, plan_a, leader_a, {"date": datetime.date(2018, 2, 15), "summary": "Utkast"}
        )
    response = api_as(leader_a, nordre_land).get(
        f"/api/plans/{plan_a.pk}/status-reports/{report.pk}/export.pdf"
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Rapporten er ikke sendt inn ennå. Bare innsendte rapporter kan lastes ned."
    }


def test_text_that_looks_like_a_formula_or_has_control_characters_stays_text(
    plan_a, nordre_land, leader_a
) -> None:
    # Control characters are refused on input now; a row stored before that still exports.
    with inside(nordre_land):
        Milestone.objects.create(
            plan=plan_a,
            code="MP9",
            title='=HYPERLINK("http://example.com","Klikk")',
            due=datetime.date(2018, 8, 20),
            criterion="Linje 1\r\nLinje 2\x0bslutt",
        )
    api = api_as(leader_a, nordre_land)

    workbook = load_workbook(
        io.BytesIO(download(api, f"/api/plans/{plan_a.pk}/export.xlsx").content)
    )
    cell = next(row[1] for row in workbook["Milepæler"].iter_rows() if row[0].value == "MP9")
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://example.com","Klikk")'
    document = Document(io.BytesIO(download(api, f"/api/plans/{plan_a.pk}/export.docx").content))
    rows = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert any(row[0] == "MP9" and row[3] == "Linje 1\nLinje 2slutt" for row in rows)
    assert "Linje 2slutt" in pdf_text(download(api, f"/api/plans/{plan_a.pk}/export.pdf").content)


def test_very_long_texts_in_table_cells_still_make_every_document(
    plan_a, nordre_land, leader_a
) -> None:
    long_text = ("Oppgave med mange ord som går over flere sider. " * 400)[:19_000]
    with inside(nordre_land):
        services.create_activity(
            nordre_land,
            plan_a,
            leader_a,
            {
                "code": "HA98",
                "name": "Lang aktivitet",
                "tasks": long_text,
                "start_month": datetime.date(2018, 1, 1),
                "end_month": datetime.date(2018, 3, 1),
            },
        )
        services.create_risk(
            nordre_land,
            plan_a,
            leader_a,
            {
                "title": "Lang risiko",
                "likelihood": 5,
                "consequence": 5,
                "measure": long_text[:4000],
            },
        )
    api = api_as(leader_a, nordre_land)

    for name in ("export.docx", "export.pdf", "export.xlsx"):
        download(api, f"/api/plans/{plan_a.pk}/{name}")
    text = pdf_text(download(api, f"/api/plans/{plan_a.pk}/export.pdf").content)
    assert text.count("Oppgave med mange ord") >= 300  # the cell went on over pages
