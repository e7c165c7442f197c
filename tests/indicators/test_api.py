"""The indicators API on the public host, as each kind of user meets it.

Given an indicator with values for Nordre Land (network X) and Nesseby (network Y): the
catalogue is read by everyone signed in and changed by coordinators and operators; a
municipality's users read and enter their own values only; a network's coordinator reads
and enters its members' values, and another network's coordinator gets 404 for the
network and nothing of its members; anonymous users get 401; the municipality host does
not serve the indicators; the median is shown only where five municipalities contribute;
bad input is a 400 in Norwegian with nothing written; lists cost a bounded number of
queries.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test.utils import CaptureQueriesContext

from networks.indicators import services
from networks.indicators.models import Indicator, IndicatorValue
from tenants.db import connection
from tenants.models import Municipality
from tests.conftest import make_member
from tests.indicators.conftest import bare_municipality, fixture_text
from tests.networks.conftest import municipality_api, public_api

pytestmark = pytest.mark.django_db

URL = "/api/indicators/"


def values_url(indicator: Indicator) -> str:
    return f"{URL}{indicator.pk}/values/"


@pytest.fixture
def filled(barnevern, operator, network_x, network_y):
    services.import_csv(operator, barnevern, fixture_text("kostra_barnevern.csv"))
    return barnevern


def municipalities_in(response) -> set[str]:
    return {row["municipality_name"] for row in response.json()}


# The catalogue ------------------------------------------------------------------------


def test_anonymous_gets_401_everywhere(filled):
    client = public_api(None)
    for url in (URL, f"{URL}{filled.pk}/", values_url(filled), f"{URL}{filled.pk}/medians/"):
        assert client.get(url).status_code == 401
    assert client.post(f"{URL}{filled.pk}/import/", {"csv": "x"}).status_code == 401


def test_everyone_signed_in_reads_the_catalogue(filled, leader_a):
    response = public_api(leader_a).get(URL)
    assert response.status_code == 200
    assert [row["name"] for row in response.json()] == [filled.name]
    assert response.json()[0]["better"] == "lower"
    assert public_api(leader_a).get(f"{URL}{filled.pk}/").json()["source_key"] == "12262"
    assert public_api(leader_a).get(f"{URL}999999/").status_code == 404


def test_coordinators_add_and_change_indicators_municipal_users_do_not(
    coordinator_x, leader_a, barnevern
):
    body = {"name": "Trives på skolen", "unit": "prosent", "better": "higher", "source": "ungdata"}
    assert public_api(leader_a).post(URL, body).status_code == 403
    created = public_api(coordinator_x).post(URL, body)
    assert created.status_code == 201, created.json()
    indicator = created.json()
    again = public_api(coordinator_x).post(URL, {**body, "name": "trives PÅ skolen"})
    assert again.status_code == 400
    assert again.json()["name"] == ["Katalogen har allerede en indikator med dette navnet."]
    detail = f"{URL}{indicator['id']}/"
    assert public_api(coordinator_x).patch(detail, {"unit": "%"}).status_code == 400  # no version
    changed = public_api(coordinator_x).patch(detail, {"unit": "%", "version": 1})
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = public_api(coordinator_x).patch(detail, {"unit": "andel", "version": 1})
    assert stale.status_code == 409 and stale.json()["current"]["unit"] == "%"
    assert public_api(leader_a).patch(detail, {"unit": "x", "version": 2}).status_code == 403


def test_bounds_that_existing_values_break_are_refused(filled, operator):
    response = public_api(operator).patch(
        f"{URL}{filled.pk}/", {"max_value": "4", "version": filled.version}
    )
    assert response.status_code == 400
    assert response.json()["max_value"] == ["Noen registrerte verdier er høyere enn dette."]


# Reading values ---------------------------------------------------------------------------


def test_a_municipality_reads_its_own_values_only(filled, leader_a, leader_b, nesseby):
    mine = public_api(leader_a).get(values_url(filled))
    assert mine.status_code == 200
    assert municipalities_in(mine) == {"Nordre Land"}
    assert len(mine.json()) == 3
    # naming another municipality or its network shows nothing of it
    assert public_api(leader_a).get(values_url(filled), {"municipality": nesseby.pk}).json() == []
    assert municipalities_in(public_api(leader_b).get(values_url(filled))) == {"Unjárga/Nesseby"}


def test_a_coordinator_reads_the_members_values_another_gets_404(
    filled, coordinator_x, coordinator_y, network_x
):
    response = public_api(coordinator_x).get(values_url(filled), {"network": network_x.pk})
    assert municipalities_in(response) == {"Nordre Land"}
    assert municipalities_in(public_api(coordinator_x).get(values_url(filled))) == {"Nordre Land"}
    other = public_api(coordinator_y).get(values_url(filled), {"network": network_x.pk})
    assert other.status_code == 404
    assert municipalities_in(public_api(coordinator_y).get(values_url(filled))) == {
        "Unjárga/Nesseby"
    }


def test_an_operator_reads_every_value(filled, operator):
    assert len(public_api(operator).get(values_url(filled)).json()) == 5


def test_filters_by_period_and_municipality(filled, operator, nordre_land):
    rows = public_api(operator).get(
        values_url(filled), {"period": " 2023 ", "municipality": nordre_land.pk}
    )
    assert [(r["period"], r["value"]) for r in rows.json()] == [("2023", "3.5000")]


@pytest.mark.parametrize("query", [{"period": "2023X"}, {"municipality": "abc"}, {"network": "-1"}])
def test_bad_filters_are_400_in_norwegian(filled, operator, query):
    response = public_api(operator).get(values_url(filled), query)
    assert response.status_code == 400
    (messages,) = response.json().values()
    assert messages[0]


def test_the_municipality_host_does_not_serve_indicators(filled, leader_a, nordre_land):
    assert municipality_api(leader_a, nordre_land).get(URL).status_code == 404


def test_the_values_list_costs_the_same_for_many_rows(barnevern, operator):
    def rows(count: int) -> None:
        for index in range(count):
            number = f"{1000 + index}"
            bare_municipality(f"q-{number}", number)
        header = '"region";"år";"verdi"\n'
        body = "".join(f'"{1000 + i} X";"2023";{i}\n' for i in range(count))
        services.import_csv(operator, barnevern, header + body)

    rows(3)
    client = public_api(operator)
    client.get(values_url(barnevern))  # the token's first use writes its last-use time
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(values_url(barnevern)).json()) == 3
    IndicatorValue.objects.all().delete()
    for number in ("1000", "1001", "1002"):
        Municipality.objects.filter(number=number).delete()
    rows(40)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(values_url(barnevern)).json()) == 40
    assert len(many) == len(few) <= 14


# Entering values ------------------------------------------------------------------------


def test_a_leader_enters_and_corrects_own_values(barnevern, leader_a, nordre_land):
    body = {"municipality": nordre_land.pk, "period": "2024", "value": "3,25"}
    created = public_api(leader_a).post(values_url(barnevern), body)
    assert created.status_code == 201, created.json()
    assert created.json()["value"] == "3.2500"
    corrected = public_api(leader_a).post(values_url(barnevern), {**body, "value": "3.3"})
    assert corrected.status_code == 200
    assert IndicatorValue.objects.get().value == Decimal("3.3")


def test_a_viewer_and_another_municipality_cannot_enter_values(barnevern, leader_b, nordre_land):
    viewer = make_member(nordre_land, "leser", role="viewer")
    body = {"municipality": nordre_land.pk, "period": "2024", "value": "3"}
    assert public_api(viewer).post(values_url(barnevern), body).status_code == 403
    assert public_api(leader_b).post(values_url(barnevern), body).status_code == 403
    assert not IndicatorValue.objects.exists()


def test_a_coordinator_enters_a_members_value_not_another_networks(
    barnevern, coordinator_x, coordinator_y, nordre_land
):
    body = {"municipality": nordre_land.pk, "period": "2024", "value": "3"}
    assert public_api(coordinator_y).post(values_url(barnevern), body).status_code == 403
    assert public_api(coordinator_x).post(values_url(barnevern), body).status_code == 201


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"value": "mye"}, "value", "Oppgi verdien som et tall"),
        ({"value": "101"}, "value", "101 er høyere enn høyeste mulige verdi"),
        ({"value": "-0.5"}, "value", "−0,5 er lavere enn laveste mulige verdi"),
        ({"period": "i fjor"}, "period", "«i fjor» er ikke en periode Samla kjenner"),
        ({"municipality": 999999}, "municipality", "Kommunen med id 999999 finnes ikke."),
    ],
)
def test_bad_values_are_400_with_nothing_written(
    barnevern, operator, nordre_land, change, field, message
):
    body = {"municipality": nordre_land.pk, "period": "2024", "value": "3", **change}
    response = public_api(operator).post(values_url(barnevern), body)
    assert response.status_code == 400
    assert response.json()[field][0].startswith(message), response.json()
    assert not IndicatorValue.objects.exists()


# Import and medians ---------------------------------------------------------------------


def test_the_csv_is_imported_as_a_json_string(barnevern, operator):
    url = f"{URL}{barnevern.pk}/import/"
    text = fixture_text("kostra_barnevern.csv")
    response = public_api(operator).post(url, {"csv": text})
    assert response.status_code == 200
    assert response.json() == {"created": 5, "updated": 0, "unchanged": 0, "missing": 1}
    assert public_api(operator).post(url, {"csv": text}).json()["unchanged"] == 5
    multipart = public_api(operator).post(url, {"csv": text}, format="multipart")
    assert multipart.status_code == 415


def test_an_import_for_a_network_refuses_rows_outside_it(barnevern, coordinator_x, network_x):
    response = public_api(coordinator_x).post(
        f"{URL}{barnevern.pk}/import/",
        {"csv": fixture_text("kostra_barnevern.csv"), "network": network_x.pk},
    )
    assert response.status_code == 400
    assert response.json()["csv"][0].startswith("Linje 7: Unjárga/Nesseby er ikke medlem")
    assert not IndicatorValue.objects.exists()


def test_an_import_for_another_networks_network_is_404(barnevern, coordinator_y, network_x):
    response = public_api(coordinator_y).post(
        f"{URL}{barnevern.pk}/import/", {"csv": "x", "network": network_x.pk}
    )
    assert response.status_code == 404


def test_the_median_needs_five_municipalities(barnevern, operator, network_x, leader_a):
    numbers = ["5006", "5052", "1811", "5050"]
    for number in numbers:
        network_x.municipalities.add(bare_municipality(f"m-{number}", number))
    header = '"region";"år";"verdi"\n'
    rows = "".join(f'"{n} X";"2023";{i + 1}\n' for i, n in enumerate(numbers))
    services.import_csv(operator, barnevern, header + rows)
    url = f"{URL}{barnevern.pk}/medians/"
    assert public_api(leader_a).get(url, {"network": network_x.pk}).json() == []  # four
    services.import_csv(operator, barnevern, header + '"3448 Nordre Land";"2023";10\n')
    (median,) = public_api(leader_a).get(url, {"network": network_x.pk}).json()
    assert (median["period"], median["median"], median["municipalities"]) == ("2023", "3.0000", 5)
