"""The networks' pages on the public host: list, network, comparison (and its exports), trends.

Given network X (Nordre Land and five more members with figures) and network Y: the
coordinator sees every row, sorted by the column chosen (aria-sort says which), each
cell's state in words; a municipality's user sees its own row and the medians and no
other name; another network's coordinator gets 404, an anonymous user the login page.
The exports open (openpyxl, pypdf) with the same rows. Query counts stay flat.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from networks.models import CompetenceBase, NetworkMembership, Sharing
from tests.conftest import PUBLIC_HOST, client_for
from tests.networks.comparison_world import members_with_figures, snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rollup")]


@pytest.fixture
def world(network_x, nordre_land):
    made = members_with_figures(network_x, 5)
    snapshot(nordre_land, milestones_done=9, milestones_overdue=0, current_phase="Kartlegging")
    NetworkMembership.objects.filter(municipality=made[0]).update(sharing=Sharing.PLANS)
    return made


def page(user, path, **params):
    return client_for(PUBLIC_HOST, user).get(path, params)


def test_the_list_shows_the_users_networks(coordinator_x, network_x, network_y):
    response = page(coordinator_x, "/nettverk/")
    assert response.status_code == 200
    assert b"Nettverk X" in response.content and b"Nettverk Y" not in response.content


def test_comparison_for_the_coordinator(coordinator_x, network_x, world):
    response = page(coordinator_x, "/nettverk/nettverk-x/sammenligning/", sort="-milestones_done")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Nordre Land") < html.index("Testkommune 05") < html.index("Testkommune 01")
    assert 'aria-sort="descending"><a class="ds-link" href="?sort=milestones_done"' in html
    assert "Bedre enn medianen" in html and "Svakere enn medianen" in html
    assert "Følg opp" in html  # overdue milestones
    assert "Planene til Testkommune 01 (kun lesing)" in html
    assert "cmp-1." in html and "/planer/" in html
    assert "Planene til Testkommune 02" not in html
    assert "<caption" in html and 'scope="row"' in html


def test_too_few_for_a_median(coordinator_x, network_x, nordre_land):
    members_with_figures(network_x, 2)
    html = page(coordinator_x, "/nettverk/nettverk-x/sammenligning/").content.decode()
    assert "for få til å vise" in html


def test_member_sees_own_row_and_the_median_only(leader_a, network_x, world):
    response = page(leader_a, "/nettverk/nettverk-x/sammenligning/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nordre Land" in html and "din kommune" in html
    assert "Testkommune" not in html
    assert "Median i nettverket" in html
    trends = page(leader_a, "/nettverk/nettverk-x/utvikling/")
    assert trends.status_code == 200
    assert b"Testkommune" not in trends.content
    for export in ("comparison.xlsx", "comparison.pdf"):
        body = page(leader_a, f"/api/networks/{network_x.pk}/{export}").content
        assert b"Testkommune" not in body


def test_bad_input_shows_a_norwegian_message(coordinator_x, network_x, world):
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = page(coordinator_x, "/nettverk/nettverk-x/sammenligning/", date=future)
    assert response.status_code == 400
    assert "fremtiden" in response.content.decode()
    trends = page(coordinator_x, "/nettverk/nettverk-x/utvikling/", figure="tull")
    assert trends.status_code == 400 and "Ukjent tall" in trends.content.decode()
    xlsx = page(coordinator_x, f"/api/networks/{network_x.pk}/comparison.xlsx", date=future)
    assert xlsx.status_code == 400 and "fremtiden" in xlsx.json()["date"][0]


def test_filtered_by_competence_base(coordinator_x, network_x, world):
    base = CompetenceBase.objects.create(name="Innherred", slug="innherred")
    base.municipalities.add(world[1])
    html = page(
        coordinator_x, "/nettverk/nettverk-x/sammenligning/", competence_base=str(base.pk)
    ).content.decode()
    assert "Testkommune 02" in html and "Testkommune 03" not in html
    assert f'<option value="{base.pk}" selected>Innherred</option>' in html


def test_others_get_404_and_anonymous_the_login(coordinator_y, leader_b, network_x, world):
    for path in (
        "/nettverk/nettverk-x/",
        "/nettverk/nettverk-x/sammenligning/",
        "/nettverk/nettverk-x/utvikling/",
        "/nettverk/finnes-ikke/sammenligning/",
    ):
        assert page(coordinator_y, path).status_code == 404, path
        assert page(leader_b, path).status_code == 404, path
        anonymous = page(None, path)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    for export in ("comparison.xlsx", "comparison.pdf"):
        path = f"/api/networks/{network_x.pk}/{export}"
        assert page(coordinator_y, path).status_code == 404
        assert page(leader_b, path).status_code == 404
        assert page(None, path).status_code == 401


def test_the_exports_open_with_the_rows(coordinator_x, network_x, world):
    xlsx = page(coordinator_x, f"/api/networks/{network_x.pk}/comparison.xlsx")
    assert xlsx.status_code == 200
    assert "sammenligning-nettverk-x-" in xlsx["Content-Disposition"]
    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = book["Sammenligning"]
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    names = [row[0] for row in values]
    assert "Nordre Land" in names and "Testkommune 05" in names and "Median" in names
    header = next(row for row in values if row[0] == "Kommune")
    done = header.index("Milepæler nådd")
    median_row = next(row for row in values if row[0] == "Median")
    assert median_row[done] == 3.5  # 1..5 and 9: six members
    assert "Bedre enn medianen" in [
        c for row in book["Status"].iter_rows(values_only=True) for c in row
    ]

    pdf = page(coordinator_x, f"/api/networks/{network_x.pk}/comparison.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.content)).pages
    )  # narrow columns wrap their words
    assert "Sammenligning: Nettverk X" in text
    assert "Testkommune 03" in text and "Nordre Land" in text
    # With many figures the columns are narrow enough to break words ("medi anen").
    assert "svakereennmedianen" in text.replace(" ", "")


def test_the_pdf_holds_sami_letters(coordinator_x, network_x, nesseby):
    network_x.municipalities.add(nesseby)
    text = "".join(
        p.extract_text()
        for p in PdfReader(
            io.BytesIO(page(coordinator_x, f"/api/networks/{network_x.pk}/comparison.pdf").content)
        ).pages
    )
    assert "Unjárga/Nesseby" in text


def test_trends_page_draws_the_median_and_own_line(leader_a, coordinator_x, network_x, world):
    earlier = timezone.localdate() - datetime.timedelta(weeks=2)
    from tests.networks.comparison_world import snapshot as snap

    for index, municipality in enumerate(world, start=1):
        snap(municipality, earlier, milestones_done=index)
    html = page(leader_a, "/nettverk/nettverk-x/utvikling/", figure="milestones_done").content
    text = html.decode()
    assert 'role="img"' in text and '<title id="chart-title">' in text
    assert "Medianen i nettverket" in text and "Nordre Land" in text
    assert text.count("<polyline") == 2
    coordinator = page(coordinator_x, "/nettverk/nettverk-x/utvikling/").content.decode()
    assert "Testkommune 01" in coordinator  # six members: a column each


def test_the_coordinator_switches_open_comparison_on_the_network_page(
    coordinator_x, network_x, world
):
    client = client_for(PUBLIC_HOST, coordinator_x)
    refused = client.post("/nettverk/nettverk-x/", {"open_comparison": "on"})
    assert refused.status_code == 400
    assert "Mangler samtykke fra" in refused.content.decode()
    network_x.refresh_from_db()
    assert network_x.open_comparison is False
    assert client.post("/nettverk/nettverk-x/", {}).status_code == 302


def _count(user, path) -> int:
    client = client_for(PUBLIC_HOST, user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum(1 for q in queries.captured_queries if not q["sql"].startswith("SET search_path"))


@pytest.mark.parametrize(
    "path",
    [
        "/nettverk/nettverk-x/sammenligning/",
        "/nettverk/nettverk-x/utvikling/",
        "/api/networks/{pk}/comparison.xlsx",
        "/nettverk/nettverk-x/",
    ],
)
def test_queries_are_the_same_for_3_and_12_members(coordinator_x, network_x, path):
    path = path.format(pk=network_x.pk)
    members_with_figures(network_x, 3)
    few = _count(coordinator_x, path)
    members_with_figures(network_x, 9, start=4)
    assert _count(coordinator_x, path) == few
