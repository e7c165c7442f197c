"""The routine handbook (docx and PDF): what it holds, who may download it, how it reads.

Given Nordre Land (municipality A) with seed 000's routines (two approved, one draft) and
Nesseby (B) with a leader of its own.
"""

from __future__ import annotations

import datetime
import io
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from drf_spectacular.drainage import GENERATOR_STATS
from pypdf import PdfReader

from samla.formats import format_date
from tenants.routines import services
from tenants.routines.documents import handbook_outline, load_handbook
from tenants.routines.export_api import handbook_title
from tenants.routines.models import Routine, RoutineStatus
from tenants.routines.seeds import NORDRE_LAND_ROUTINES
from tests.conftest import PUBLIC_HOST, api_client_for
from tests.plans.conftest import api_as, inside

DOCX = "/api/routines/handbook.docx"
PDF = "/api/routines/handbook.pdf"
APPROVED = [spec for spec in NORDRE_LAND_ROUTINES if spec["approved_on"] is not None]
DRAFT = next(spec for spec in NORDRE_LAND_ROUTINES if spec["approved_on"] is None)


def docx_text(content: bytes) -> str:
    """Every paragraph and table cell of the document, one per line."""
    document = Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)


def pdf_text(content: bytes) -> str:
    """The PDF's text with runs of white space as one space (table cells wrap)."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def squeeze(text: str) -> str:
    return " ".join(text.split())


def download(api, url: str):
    response = api.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return response


def approve(tenant, user, routine: Routine, on=datetime.date(2024, 5, 2)) -> Routine:
    return services.approve_routine(
        tenant, user, routine, version=routine.version, approved_on=on, approved_by="Rådmannen"
    )


@pytest.fixture
def changed_and_retired_a(nordre_land, leader_a, routines_a, units_a) -> dict[str, str]:
    """A's first approved routine gets a draft of a next version (a new title), and a
    fourth routine is approved and then retired: neither text belongs in the handbook."""
    with inside(nordre_land):
        first = Routine.objects.get(pk=routines_a[0].pk)
        services.update_routine(
            nordre_land,
            leader_a,
            first,
            {"title": "Utkast til ny overgangsrutine"},
            version=first.version,
        )
        retired = services.create_routine(
            nordre_land,
            leader_a,
            {
                "title": "Gammel rutine for skolestart",
                "owner_unit": units_a["PPT"].pk,
                "steps": [{"action": "Utgått trinn", "responsible_unit": units_a["PPT"].pk}],
            },
        )
        retired = approve(nordre_land, leader_a, retired, on=datetime.date(2020, 1, 6))
        services.retire_routine(
            nordre_land,
            leader_a,
            retired,
            version=retired.version,
            retired_on=datetime.date(2023, 1, 2),
        )
    return {"draft_title": "Utkast til ny overgangsrutine", "retired": "Gammel rutine"}


# What the handbook holds ----------------------------------------------------------------


@pytest.mark.parametrize(("url", "read"), [(DOCX, docx_text), (PDF, pdf_text)])
def test_the_handbook_holds_each_approved_routine_with_its_steps_and_review_date(
    url, read, nordre_land, leader_a, routines_a, changed_and_retired_a
) -> None:
    text = squeeze(read(download(api_as(leader_a, nordre_land), url).content))

    with inside(nordre_land):
        approved = {r.current.title: r for r in Routine.objects.filter(status="approved")}
    for spec in APPROVED:
        routine = approved[spec["title"]]
        assert spec["title"] in text
        for action, unit, timing in spec["steps"]:
            assert squeeze(action) in text and unit in text and timing in text
        assert format_date(routine.next_review) in text
        assert spec["approved_by"] in text
        assert spec["internal_control_area"] in text
    assert DRAFT["title"] not in text
    assert DRAFT["steps"][0][0] not in text
    assert changed_and_retired_a["draft_title"] not in text
    assert changed_and_retired_a["retired"] not in text and "Utgått trinn" not in text


def test_the_docx_groups_routines_by_area_with_a_contents_list_and_method_names(
    nordre_land, leader_a, routines_a
) -> None:
    document = Document(io.BytesIO(download(api_as(leader_a, nordre_land), DOCX).content))
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]

    # Areas in alphabetical order, routines numbered within them.
    assert headings == [
        ("Heading 1", "Om håndboka"),
        ("Heading 1", "Innhold"),
        ("Heading 1", "1 Helse og omsorg"),
        ("Heading 2", "1.1 Samarbeid mellom helsestasjon og barnevern ved bekymring"),
        ("Heading 1", "2 Oppvekst"),
        ("Heading 2", "2.1 Overgang fra barnehage til skole"),
    ]
    contents = document.tables[1]  # after the title page's facts
    assert [cell.text for cell in contents.rows[0].cells] == [
        "Nr.", "Rutine", "Eierenhet", "Neste gjennomgang"
    ]  # fmt: skip
    assert [cell.text for cell in contents.rows[1].cells][:3] == [
        "1.1", "Samarbeid mellom helsestasjon og barnevern ved bekymring", "Helsestasjonen"
    ]  # fmt: skip
    text = docx_text(document_bytes := download(api_as(leader_a, nordre_land), DOCX).content)
    assert document_bytes.startswith(b"PK")
    # Methods by their catalogue names, BTI levels, owner and the review interval.
    assert "BTI – Bedre tverrfaglig innsats, Stafettlogg" in text
    assert "0, 1, 2, 3" in text
    assert "Hver 24. måned" in text
    assert "(på overtid)" in text  # approved in 2018, reviewed every one or two years


def test_an_empty_handbook_says_there_are_no_approved_routines(nesseby, leader_b) -> None:
    api = api_as(leader_b, nesseby)
    assert "ingen godkjente rutiner" in docx_text(download(api, DOCX).content)
    assert "ingen godkjente rutiner" in pdf_text(download(api, PDF).content)


def test_text_with_markup_and_sami_letters_stays_text(
    nordre_land, leader_a, units_a, methods
) -> None:
    title = "Ovttasbargu <b>mánáid</b> & «ŋ ŧ č đ š ž»"
    with inside(nordre_land):
        routine = services.create_routine(
            nordre_land,
            leader_a,
            {
                "title": title,
                "owner_unit": units_a["PPT"].pk,
                "purpose": "Første avsnitt.\n\nAndre avsnitt\tmed tab.",
                "steps": [{"action": "Trinn <i>én</i>", "responsible_unit": units_a["PPT"].pk}],
            },
        )
        approve(nordre_land, leader_a, routine)
    api = api_as(leader_a, nordre_land)
    assert title in docx_text(download(api, DOCX).content)
    text = pdf_text(download(api, PDF).content)
    assert squeeze(title) in text and "Trinn <i>én</i>" in text


# Who may download -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["leader_a", "editor_a", "viewer_a", "consultant_a"])
def test_every_member_role_downloads_the_handbook(role, request, nordre_land, routines_a) -> None:
    api = api_as(request.getfixturevalue(role), nordre_land)
    for url, magic in ((DOCX, b"PK"), (PDF, b"%PDF")):
        response = download(api, url)
        assert response.content.startswith(magic)
        assert response["Cache-Control"] == "private, no-store"


def test_the_file_is_named_after_the_municipality() -> None:
    assert handbook_title("Nordre Land") == "Rutinehandbok Nordre Land"
    assert handbook_title("Unjárga/Nesseby") == "Rutinehandbok Unjárga-Nesseby"


def test_the_attachment_is_named_rutinehandbok_and_the_municipality(
    nordre_land, leader_a, routines_a
) -> None:
    api = api_as(leader_a, nordre_land)
    docx = download(api, DOCX)["Content-Disposition"]
    assert docx.startswith('attachment; filename="rutinehandbok-nordre-land.docx"')
    assert f"filename*=UTF-8''{quote('Rutinehandbok Nordre Land.docx')}" in docx
    pdf = download(api, PDF)
    assert pdf["Content-Type"] == "application/pdf"
    assert quote("Rutinehandbok Nordre Land.pdf") in pdf["Content-Disposition"]


def test_the_other_municipalitys_user_never_sees_as_routines(
    nordre_land, nesseby, leader_b, routines_a
) -> None:
    on_as_host = api_as(leader_b, nordre_land)
    on_own_host = api_as(leader_b, nesseby)
    for url, read in ((DOCX, docx_text), (PDF, pdf_text)):
        refused = on_as_host.get(url)
        assert refused.status_code == 404, url
        assert APPROVED[0]["title"].encode() not in refused.content
        own = download(on_own_host, url)  # B's own, empty handbook
        assert APPROVED[0]["title"] not in read(own.content)
        assert "ingen godkjente rutiner" in read(own.content)


def test_anonymous_gets_401_and_nothing_of_the_handbook(nordre_land, routines_a) -> None:
    anonymous = api_as(None, nordre_land)
    for url in (DOCX, PDF):
        response = anonymous.get(url)
        assert response.status_code == 401, url
        assert response["Content-Type"].startswith("application/json")
        assert APPROVED[0]["title"].encode() not in response.content


def test_the_public_host_and_unknown_hosts_have_no_handbook(nordre_land, leader_a, routines_a):
    from knox.models import AuthToken

    _instance, token = AuthToken.objects.create(leader_a)
    for host in (PUBLIC_HOST, "ukjent.localhost"):
        api = api_client_for(host, token)
        for url in (DOCX, PDF):
            response = api.get(url)
            assert response.status_code == 404, (host, url)
            assert APPROVED[0]["title"].encode() not in response.content


def test_writing_to_the_handbook_is_not_allowed(nordre_land, leader_a, routines_a) -> None:
    api = api_as(leader_a, nordre_land)
    for url in (DOCX, PDF):
        assert api.post(url, {}, format="json").status_code == 405
        assert api.delete(url).status_code == 405


# Queries, schema and speed --------------------------------------------------------------


def grow(tenant, user, units, count: int) -> None:
    """`count` more approved routines through the services, each with two units, a method
    and three steps, so every prefetch has rows."""
    names = list(units)
    for n in range(count):
        owner, other = units[names[n % len(names)]], units[names[(n + 1) % len(names)]]
        routine = services.create_routine(
            tenant,
            user,
            {
                "title": f"Rutine {n:03d} for samarbeid",
                "owner_unit": owner.pk,
                "units": [owner.pk, other.pk],
                "methods": ["bti"],
                "internal_control_area": f"Område {n % 4}",
                "steps": [
                    {"action": f"Trinn {s} av rutine {n}", "responsible_unit": other.pk}
                    for s in range(3)
                ],
            },
        )
        approve(tenant, user, routine)


def test_queries_do_not_grow_with_the_routines(nordre_land, leader_a, units_a, routines_a) -> None:
    api = api_as(leader_a, nordre_land)

    def queries() -> dict[str, int]:
        counted = {}
        for url in (DOCX, PDF):
            with CaptureQueriesContext(connection) as captured:
                download(api, url)
            counted[url] = len(captured)
        return counted

    with inside(nordre_land):
        assert Routine.objects.filter(status=RoutineStatus.APPROVED).count() == 2
        grow(nordre_land, leader_a, units_a, 1)  # three approved routines
    few = queries()
    with inside(nordre_land):
        grow(nordre_land, leader_a, units_a, 27)  # thirty
    many = queries()

    # Authentication, membership, django-tenants' search paths, three reads of the
    # routines and one of the method names: the same for 3 routines as for 30.
    assert many == few
    assert max(few.values()) <= 14


def test_the_routines_are_read_in_three_queries_and_the_methods_in_one(
    nordre_land, leader_a, units_a, routines_a
) -> None:
    with inside(nordre_land):
        grow(nordre_land, leader_a, units_a, 10)
        with CaptureQueriesContext(connection) as captured:
            data = load_handbook(nordre_land)
            outline = handbook_outline(data)
    assert len(captured) == 4
    assert len(data.routines) == 12
    assert data.method_names["bti"] == "BTI – Bedre tverrfaglig innsats"
    assert sum(1 for block in outline.blocks if getattr(block, "level", 0) == 2) == 12


def test_the_schema_documents_both_downloads_as_binary(nordre_land, leader_a) -> None:
    GENERATOR_STATS.reset()
    response = api_as(leader_a, nordre_land).get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    paths = response.json()["paths"]
    docx = paths["/api/routines/handbook.docx"]["get"]
    assert docx["operationId"] == "routines_handbook_docx"
    assert docx["responses"]["200"]["content"] == {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
            "schema": {"type": "string", "format": "binary"}
        }
    }
    pdf = paths["/api/routines/handbook.pdf"]["get"]["responses"]
    assert "application/pdf" in pdf["200"]["content"] and {"401", "404"} <= set(pdf)
    noted = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    assert [w for w in noted if "Handbook" in w] == []
