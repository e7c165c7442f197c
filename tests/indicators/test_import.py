"""Importing an SSB Statistikkbanken CSV: all or nothing, upserting, by line in Norwegian.

Given the fixture files in SSB's export layout (a title line, a quoted header, the region
as number and name, a decimal comma, `..` for a missing value; and the wide layout with
`K-` region codes and quarters), an import writes the values once; importing again
changes nothing; a corrected value replaces the old one; and every kind of bad input
refuses the whole file with a message naming the line, writing nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from networks.indicators import services
from networks.indicators.models import IndicatorValue, Origin
from networks.indicators.periods import parse_period
from tests.conftest import make_member
from tests.indicators.conftest import bare_municipality, fixture_text

pytestmark = pytest.mark.django_db

HEADER = '"region";"statistikkvariabel";"år";"12262: Barnevern"\n'


def values(indicator):
    return {
        (v.municipality.number, v.period): v.value
        for v in IndicatorValue.objects.filter(indicator=indicator).select_related("municipality")
    }


def test_the_ssb_file_imports_once_and_again_changes_nothing(barnevern, operator):
    text = fixture_text("kostra_barnevern.csv")
    outcome = services.import_csv(operator, barnevern, text)
    assert (outcome.created, outcome.updated, outcome.unchanged, outcome.missing) == (5, 0, 0, 1)
    assert values(barnevern) == {
        ("3448", "2021"): Decimal("4.1"),
        ("3448", "2022"): Decimal("3.8"),
        ("3448", "2023"): Decimal("3.5"),
        ("5636", "2021"): Decimal("5.2"),
        ("5636", "2023"): Decimal("4.9"),
    }
    row = IndicatorValue.objects.get(
        indicator=barnevern, period="2023", municipality__number="3448"
    )
    assert (row.starts_on, row.ends_on, row.origin) == (
        datetime.date(2023, 1, 1), datetime.date(2023, 12, 31), Origin.IMPORTED,
    )  # fmt: skip
    stamp = row.updated_at
    again = services.import_csv(operator, barnevern, text)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    row.refresh_from_db()
    assert row.updated_at == stamp


def test_a_corrected_value_replaces_the_old_one(barnevern, operator):
    services.import_csv(operator, barnevern, fixture_text("kostra_barnevern.csv"))
    corrected = HEADER + '"3448 Nordre Land";"Andel";"2023";3,6\n'
    outcome = services.import_csv(operator, barnevern, corrected)
    assert (outcome.created, outcome.updated) == (0, 1)
    assert values(barnevern)[("3448", "2023")] == Decimal("3.6")
    assert len(values(barnevern)) == 5


def test_the_wide_layout_with_k_prefixes_and_quarters(barnevern, operator):
    outcome = services.import_csv(operator, barnevern, fixture_text("wide_quarters.csv"))
    assert (outcome.created, outcome.missing) == (3, 1)
    assert values(barnevern) == {
        ("3448", "2021K1"): Decimal("12.5"),
        ("3448", "2021K2"): Decimal("13"),
        ("5636", "2021K2"): Decimal("11.25"),
    }


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('"3448 Nordre Land";"Andel";"2023";mange\n', "Linje 3: «mange» er ikke et tall"),
        ('"3448 Nordre Land";"Andel";"2023";101\n', "Linje 3: 101 er høyere enn"),
        ('"3448 Nordre Land";"Andel";"2023";-1\n', "Linje 3: −1 er lavere enn"),
        ('"9999 Ingensteds";"Andel";"2023";3\n', "Linje 3: kommunenummeret 9999"),
        ('"50 Trøndelag";"Andel";"2023";3\n', "Linje 3: «50 Trøndelag» er ikke en kommune"),
        ('"3448 Nordre Land";"Andel";"2023X";3\n', "Linje 3: «2023X» er ikke en periode"),
        ('"3448 Nordre Land";"Andel";"2023";3\n', "Linje 3: Nordre Land har allerede en verdi"),
        ('"3448 Nordre Land";"Annen";"2024";3\n', "Linje 3: statistikkvariabelen «Annen»"),
        ('"3448 Nordre Land";"Andel";"2024"\n', "Linje 3: raden har 3 felt"),
    ],
)
def test_a_bad_line_refuses_the_whole_file(barnevern, operator, line, expected):
    text = HEADER + '"3448 Nordre Land";"Andel";"2023";3,5\n' + line
    with pytest.raises(ValidationError) as refused:
        services.import_csv(operator, barnevern, text)
    messages = refused.value.message_dict["csv"]
    assert any(m.startswith(expected) for m in messages), messages
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize(
    "text",
    ["", "bare tekst uten semikolon\n", '"kommune";"år";"verdi"\n"3448";"2023";1\n', HEADER],
)
def test_a_file_without_a_readable_header_or_values_is_refused(barnevern, operator, text):
    with pytest.raises(ValidationError) as refused:
        services.import_csv(operator, barnevern, text)
    assert refused.value.message_dict["csv"]
    assert not IndicatorValue.objects.exists()


def test_a_row_outside_the_network_refuses_the_file(barnevern, network_x, coordinator_x, nesseby):
    # Nordre Land is in network X; Nesseby is not
    with pytest.raises(ValidationError) as refused:
        services.import_csv(
            coordinator_x, barnevern, fixture_text("kostra_barnevern.csv"), network=network_x
        )
    assert refused.value.message_dict["csv"][0] == (
        "Linje 7: Unjárga/Nesseby er ikke medlem av nettverket Nettverk X."
    )
    assert not IndicatorValue.objects.exists()


def test_a_coordinator_imports_the_network_members_rows(barnevern, network_x, coordinator_x):
    text = HEADER + '"3448 Nordre Land";"Andel";"2023";3,5\n'
    outcome = services.import_csv(coordinator_x, barnevern, text, network=network_x)
    assert outcome.created == 1


def test_another_networks_coordinator_cannot_import_for_it(barnevern, network_x, coordinator_y):
    text = HEADER + '"3448 Nordre Land";"Andel";"2023";3,5\n'
    with pytest.raises(PermissionDenied):
        services.import_csv(coordinator_y, barnevern, text, network=network_x)
    # nor without naming the network: Nordre Land is not a member of Y
    with pytest.raises(ValidationError) as refused:
        services.import_csv(coordinator_y, barnevern, text)
    assert "du kan ikke registrere tall for Nordre Land" in refused.value.message_dict["csv"][0]
    assert not IndicatorValue.objects.exists()


def test_a_municipality_imports_its_own_rows_only(barnevern, nordre_land, leader_a):
    own = HEADER + '"3448 Nordre Land";"Andel";"2023";3,5\n'
    assert services.import_csv(leader_a, barnevern, own).created == 1
    other = HEADER + '"5636 Nesseby";"Andel";"2023";3,5\n'
    with pytest.raises(ValidationError):
        services.import_csv(leader_a, barnevern, other)
    viewer = make_member(nordre_land, "leser.nordre-land", role="viewer")
    with pytest.raises(ValidationError):
        services.import_csv(viewer, barnevern, own)


def test_many_municipalities_one_file(barnevern, operator):
    for number in ("5006", "5052", "1811"):
        bare_municipality(f"k-{number}", number)
    text = HEADER + "".join(f'"{n} X";"Andel";"2023";1,5\n' for n in ("5006", "5052", "1811"))
    assert services.import_csv(operator, barnevern, text).created == 3


@pytest.mark.parametrize(
    ("label", "normalised", "start", "end"),
    [
        ("2023", "2023", (2023, 1, 1), (2023, 12, 31)),
        (" 2023k2 ", "2023K2", (2023, 4, 1), (2023, 6, 30)),
        ("2023M02", "2023M02", (2023, 2, 1), (2023, 2, 28)),
        ("2023m2", "2023M02", (2023, 2, 1), (2023, 2, 28)),
        ("2024H2", "2024H2", (2024, 7, 1), (2024, 12, 31)),
        ("2024T3", "2024T3", (2024, 9, 1), (2024, 12, 31)),
        ("2023-24", "2023-2024", (2023, 8, 1), (2024, 7, 31)),
        ("2020-2023", "2020-2023", (2020, 1, 1), (2023, 12, 31)),
    ],
)
def test_periods_as_statistics_label_them(label, normalised, start, end):
    period = parse_period(label)
    assert period.label == normalised
    assert period.starts_on == datetime.date(*start)
    assert period.ends_on == datetime.date(*end)


@pytest.mark.parametrize("label", ["", "23", "2023K5", "2023M13", "2023-2022", "1800", "2023-"])
def test_periods_that_do_not_exist_are_refused(label):
    with pytest.raises(ValidationError):
        parse_period(label)
