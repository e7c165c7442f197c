"""Samla's own licence: issued by an operator with its invoice from the platform seller,
active when paid, lapsed when unpaid past the grace period; the operators' API."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from billing import licences
from billing.models import Invoice, InvoiceStatus, Licence, LicenceStatus
from billing.services import licences as services
from billing.services.transitions import transition_invoice
from tests.networks.conftest import municipality_api, public_api

YEAR = timezone.localdate().year


def issue(operator, municipality, **data):
    given = {"year": YEAR, "population": 6500, "buyer_reference": "3120 Oppvekst", **data}
    return services.issue_licence(operator, municipality, given)


@pytest.mark.parametrize(
    ("population", "band", "price"),
    [
        (1, "small", "24000.00"),
        (4_999, "small", "24000.00"),
        (5_000, "medium", "42000.00"),
        (19_999, "medium", "42000.00"),
        (20_000, "large", "68000.00"),
        (50_000, "city", "110000.00"),
        (licences.MAX_POPULATION, "city", "110000.00"),
    ],
)
def test_the_band_follows_the_population(population, band, price):
    found = licences.band_for(population)
    assert (found.slug, found.yearly_price) == (band, Decimal(price))


def test_an_operator_issues_a_licence_and_its_invoice(operator, nordre_land):
    licence, invoice = issue(operator, nordre_land)
    assert (licence.band, licence.amount, licence.status) == (
        "medium",
        Decimal("42000.00"),
        LicenceStatus.INVOICED,
    )
    assert (licence.valid_from, licence.valid_until) == (
        datetime.date(YEAR, 1, 1),
        datetime.date(YEAR, 12, 31),
    )
    invoice.refresh_from_db()
    assert invoice.licence_id == licence.pk and invoice.consultancy.is_platform
    assert invoice.status == InvoiceStatus.ISSUED and invoice.number is not None
    # 25 % VAT on the yearly price, exactly
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        Decimal("42000.00"),
        Decimal("10500.00"),
        Decimal("52500.00"),
    )
    assert invoice.kid and invoice.buyer_reference == "3120 Oppvekst"
    assert invoice.ehf_xml.startswith("<?xml")


def test_a_second_licence_for_the_same_year_is_refused(operator, nordre_land):
    issue(operator, nordre_land)
    with pytest.raises(ValidationError) as refused:
        issue(operator, nordre_land, population=7000)
    assert "year" in refused.value.message_dict
    assert Licence.objects.filter(municipality=nordre_land).count() == 1
    assert Invoice.objects.filter(municipality=nordre_land).count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("population", 0),
        ("population", -5),
        ("population", "6500"),
        ("population", licences.MAX_POPULATION + 1),
        ("year", YEAR + 3),
        ("year", YEAR - 2),
        ("year", True),
        ("buyer_reference", ""),
        ("buyer_reference", "   "),
        ("buyer_reference", "a\x00b"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(operator, nordre_land, field, value):
    with pytest.raises(ValidationError) as refused:
        issue(operator, nordre_land, **{field: value})
    assert field in refused.value.message_dict
    assert not Licence.objects.exists() and not Invoice.objects.exists()


def test_only_operators_issue_licences(leader_a, sor_member, nordre_land):
    for user in (leader_a, sor_member):
        with pytest.raises(PermissionDenied):
            issue(user, nordre_land)
    assert not Licence.objects.exists()


def test_paid_makes_it_active_and_unpaid_past_grace_makes_it_lapse(operator, nordre_land, nesseby):
    # Next year's licences, invoiced ahead: they lapse within the year they cover.
    paid, paid_invoice = issue(operator, nordre_land, year=YEAR + 1)
    unpaid, unpaid_invoice = issue(operator, nesseby, population=850, year=YEAR + 1)
    transition_invoice(
        paid_invoice, "pay", source="test", fields={"amount_paid": paid_invoice.gross_total}
    )
    assert unpaid_invoice.due_date is not None
    within_grace = unpaid_invoice.due_date + datetime.timedelta(days=30)
    assert services.refresh_licences(within_grace) == [
        (paid.pk, LicenceStatus.INVOICED, LicenceStatus.ACTIVE)
    ]
    later = within_grace + datetime.timedelta(days=1)
    assert services.refresh_licences(later) == [
        (unpaid.pk, LicenceStatus.INVOICED, LicenceStatus.LAPSED)
    ]
    assert services.is_lapsed(nesseby, later) and not services.is_lapsed(nordre_land, later)
    # Nothing more to change: the refresh is idempotent
    assert services.refresh_licences(later) == []
    # Paying the lapsed licence's invoice makes it active again
    transition_invoice(
        unpaid_invoice, "pay", source="test", fields={"amount_paid": unpaid_invoice.gross_total}
    )
    assert services.refresh_licences(later) == [
        (unpaid.pk, LicenceStatus.LAPSED, LicenceStatus.ACTIVE)
    ]


def test_a_municipality_without_a_licence_is_not_lapsed(nordre_land):
    assert services.current_licence(nordre_land) is None
    assert not services.is_lapsed(nordre_land)


def test_the_operators_api(operator, nordre_land, nesseby, django_assert_max_num_queries):
    api = public_api(operator)
    made = api.post(
        "/api/licences/",
        {
            "municipality": nordre_land.pk,
            "year": YEAR,
            "population": 6500,
            "buyer_reference": "ref",
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["band"], body["amount"], body["status"]) == ("medium", "42000.00", "invoiced")
    assert body["invoice"]["status"] == "issued" and body["invoice"]["gross_total"] == "52500.00"
    issue(operator, nesseby, population=850)
    with django_assert_max_num_queries(8):
        listed = api.get("/api/licences/")
    assert [row["municipality_name"] for row in listed.json()] == ["Nordre Land", "Unjárga/Nesseby"]
    assert api.get("/api/licences/", {"status": "lapsed"}).json() == []
    assert api.get("/api/licences/", {"status": "nonsense"}).json() == []
    assert api.get(f"/api/licences/{body['id']}/").json()["id"] == body["id"]
    assert api.get("/api/licences/987654/").status_code == 404
    again = api.post(
        "/api/licences/",
        {
            "municipality": nordre_land.pk,
            "year": YEAR,
            "population": 6500,
            "buyer_reference": "ref",
        },
        format="json",
    )
    assert again.status_code == 400 and "year" in again.json()
    unknown = api.post(
        "/api/licences/",
        {"municipality": 987654, "year": YEAR, "population": 6500, "buyer_reference": "ref"},
        format="json",
    )
    assert unknown.status_code == 400 and "municipality" in unknown.json()


def test_the_api_refuses_everyone_but_operators(leader_a, sor_member, nordre_land, operator):
    licence, _invoice = issue(operator, nordre_land)
    assert public_api(None).get("/api/licences/").status_code == 401
    for user in (leader_a, sor_member):
        api = public_api(user)
        assert api.get("/api/licences/").status_code == 403
        assert api.get(f"/api/licences/{licence.pk}/").status_code == 403
        refused = api.post(
            "/api/licences/",
            {"municipality": nordre_land.pk, "year": YEAR, "population": 1, "buyer_reference": "r"},
            format="json",
        )
        assert refused.status_code == 403
    # Not on a municipality's host
    assert municipality_api(operator, nordre_land).get("/api/licences/").status_code == 404
    assert Licence.objects.count() == 1


def test_a_payment_of_the_licence_invoice_makes_it_active_at_once(operator, nordre_land):
    from billing.services import bank

    licence, invoice = issue(operator, nordre_land)
    bank.record_payment(invoice, invoice.gross_total, source="bank:test", at=timezone.now())
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.ACTIVE
