"""The network's indicator pages: the list and one indicator's chart with its table.

Given values for Nordre Land (network X) and four more members: the coordinator sees
every member by name in the chart and the table; Nordre Land's leader sees its own line
and the network's median, and no other member's name; another network's coordinator and
a guessed slug get 404; anonymous users are sent to log in; the page costs the same
number of queries for few and many members.
"""

from __future__ import annotations

import re

import pytest
from django.test.utils import CaptureQueriesContext

from networks.indicators import services
from tenants.db import connection
from tests.conftest import PUBLIC_HOST, client_for
from tests.indicators.conftest import bare_municipality

pytestmark = pytest.mark.django_db

HEADER = '"region";"år";"verdi"\n'
OTHERS = {"5006": "Steinkjer", "5052": "Leka", "1811": "Bindal", "5050": "Vikna"}


@pytest.fixture
def members(network_x, barnevern, operator):
    for number, name in OTHERS.items():
        municipality = bare_municipality(name.lower(), number)
        municipality.name = name
        municipality.save(update_fields=["name"])
        network_x.municipalities.add(municipality)
    rows = "".join(
        f'"{n} {name}";"{year}";{i + year - 2020}\n'
        for i, (n, name) in enumerate(OTHERS.items())
        for year in (2021, 2022)
    )
    rows += '"3448 Nordre Land";"2021";4,1\n"3448 Nordre Land";"2022";3,5\n'
    services.import_csv(operator, barnevern, HEADER + rows)
    return network_x


def page(user, path):
    return client_for(PUBLIC_HOST, user).get(path)


def chart_path(network, indicator) -> str:
    return f"/nettverk/{network.slug}/indikatorer/{indicator.pk}/"


def test_the_list_counts_the_members_with_values(members, barnevern, coordinator_x):
    response = page(coordinator_x, f"/nettverk/{members.slug}/indikatorer/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Indikatorer" in html
    assert barnevern.name in html
    assert re.search(r"<td>5</td>", html)


def test_the_coordinator_sees_every_member_by_name(members, barnevern, coordinator_x):
    response = page(coordinator_x, chart_path(members, barnevern))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg viewBox="0 0 720 340"' in html and 'role="img"' in html
    for name in ("Nordre Land", *OTHERS.values()):
        assert f'<th scope="row">{name}</th>' in html
    assert "Median i nettverket" in html
    assert "<caption" in html


def test_a_member_sees_its_own_line_and_the_median_only(members, barnevern, leader_a):
    response = page(leader_a, chart_path(members, barnevern))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nordre Land (din kommune)" in html
    assert "Median i nettverket" in html
    for name in OTHERS.values():
        assert name not in html
    # the median of 2022 over five: 3,5 (Nordre Land), 2, 3, 4, 5 → 3,5
    assert re.search(r'<th scope="row">Median i nettverket</th>\s*<td>[^<]*</td><td>3,5</td>', html)


def test_others_get_404_and_anonymous_users_log_in(members, barnevern, coordinator_y, leader_b):
    assert page(coordinator_y, chart_path(members, barnevern)).status_code == 404
    assert page(leader_b, f"/nettverk/{members.slug}/indikatorer/").status_code == 404
    assert page(coordinator_y, "/nettverk/finnes-ikke/indikatorer/").status_code == 404
    guessed = f"/nettverk/{members.slug}/indikatorer/999999/"
    assert page(leader_b, guessed).status_code == 404
    anonymous = page(None, chart_path(members, barnevern))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_the_chart_costs_the_same_for_few_and_many_members(
    members, barnevern, coordinator_x, operator
):
    client = client_for(PUBLIC_HOST, coordinator_x)
    client.get(chart_path(members, barnevern))
    with CaptureQueriesContext(connection) as few:
        client.get(chart_path(members, barnevern))
    rows = ""
    for index in range(30):
        number = f"{2000 + index}"
        members.municipalities.add(bare_municipality(f"many-{number}", number))
        rows += f'"{number} X";"2022";{index}\n'
    services.import_csv(operator, barnevern, HEADER + rows)
    with CaptureQueriesContext(connection) as many:
        response = client.get(chart_path(members, barnevern))
    assert response.content.decode().count('<th scope="row">') == 36
    assert len(many) == len(few)


def test_under_open_comparison_a_member_sees_every_member_by_name(
    members, barnevern, leader_a, coordinator_x
):
    from networks.models import NetworkMembership, OpenComparisonConsent
    from tests.networks.conftest import public_api

    for membership in NetworkMembership.objects.current().filter(network=members):
        OpenComparisonConsent.objects.create(membership=membership, given_by=coordinator_x)
    members.open_comparison = True
    members.save(update_fields=["open_comparison"])
    html = page(leader_a, chart_path(members, barnevern)).content.decode()
    for name in OTHERS.values():
        assert f'<th scope="row">{name}</th>' in html
    rows = public_api(leader_a).get(
        f"/api/indicators/{barnevern.pk}/values/", {"network": members.pk}
    )
    assert {r["municipality_name"] for r in rows.json()} == {"Nordre Land", *OTHERS.values()}
    # one withdrawn consent closes it again
    OpenComparisonConsent.objects.filter(membership__municipality__name="Leka").update(
        withdrawn_at="2026-01-01T00:00:00Z", withdrawn_by=coordinator_x
    )
    html = page(leader_a, chart_path(members, barnevern)).content.decode()
    assert "Leka" not in html


def import_path(network, indicator) -> str:
    return f"/nettverk/{network.slug}/indikatorer/{indicator.pk}/importer/"


def upload(user, network, indicator, text: str, encoding: str = "utf-8"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(PUBLIC_HOST, user)
    data = SimpleUploadedFile("ssb.csv", text.encode(encoding), content_type="text/csv")
    return client.post(import_path(network, indicator), {"file": data})


def test_a_coordinator_uploads_a_csv_on_the_import_page(network_x, barnevern, coordinator_x):
    from networks.indicators.models import IndicatorValue

    assert page(coordinator_x, import_path(network_x, barnevern)).status_code == 200
    text = HEADER + '"3448 Nordre Land";"2024";3,25\n'
    done = upload(coordinator_x, network_x, barnevern, text, encoding="cp1252")
    assert done.status_code == 302
    assert done["Location"] == chart_path(network_x, barnevern)
    assert IndicatorValue.objects.get().value == 3.25


def test_a_bad_upload_shows_the_lines_and_writes_nothing(
    network_x, barnevern, coordinator_x, nesseby
):
    from networks.indicators.models import IndicatorValue

    text = HEADER + '"3448 Nordre Land";"2024";3\n"5636 Nesseby";"2024";3\n'
    refused = upload(coordinator_x, network_x, barnevern, text)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'role="alert"' in html and "Linje 3: Unjárga/Nesseby er ikke medlem" in html
    assert not IndicatorValue.objects.exists()


def test_only_coordinators_and_operators_reach_the_import_page(
    network_x, barnevern, leader_a, coordinator_y
):
    assert page(leader_a, import_path(network_x, barnevern)).status_code == 404
    assert page(coordinator_y, import_path(network_x, barnevern)).status_code == 404
    anonymous = page(None, import_path(network_x, barnevern))
    assert anonymous.status_code == 302


def test_an_indicator_without_values_says_so(network_x, barnevern, coordinator_x):
    html = page(coordinator_x, chart_path(network_x, barnevern)).content.decode()
    assert "Det er ingen verdier å vise ennå." in html
    assert "<table" not in html
