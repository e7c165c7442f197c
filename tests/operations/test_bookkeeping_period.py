"""A purged municipality's tombstone and its bookkeeping rows stay five years after the end
of the last financial year they belong to, then go (tenants/lifecycle.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from billing.kinds import UnitChoice, VatChoice
from billing.models import Consultancy, Invoice, InvoiceLine, Licence
from tenants import lifecycle
from tenants.models import Municipality
from tests.numbers import org_number


def _tombstone(slug: str, invoice_year: int | None) -> Municipality:
    tombstone = Municipality.objects.create(
        schema_name=f"gone_{slug}",
        slug=slug,
        name=slug.title(),
        org_number=org_number(),
        deleted_at=timezone.now(),
        purge_after=timezone.now(),
        purged_at=timezone.now(),
    )
    if invoice_year is not None:
        seller = Consultancy.objects.create(
            name=f"Selger {slug}", slug=f"selger-{slug}", org_number=org_number()
        )
        licence = Licence.objects.create(
            municipality=tombstone, year=invoice_year, band="small", population=1200,
            amount=Decimal("10000.00"), valid_from=datetime.date(invoice_year, 1, 1),
            valid_until=datetime.date(invoice_year, 12, 31),
        )  # fmt: skip
        invoice = Invoice.objects.create(
            consultancy=seller, municipality=tombstone, licence=licence,
            buyer_reference="Arkiv", issue_date=datetime.date(invoice_year, 3, 1),
        )  # fmt: skip
        InvoiceLine.objects.create(
            invoice=invoice, position=1, kind="other", name="Lisens", quantity=1,
            unit=UnitChoice.EACH, vat=VatChoice.STANDARD, unit_price=Decimal("10000.00"),
            net_amount=Decimal("10000.00"),
        )  # fmt: skip
    return tombstone


def test_bookkeeping_rows_keep_the_tombstone_five_years_after_their_year(db) -> None:
    kept = _tombstone("arkiv-ny", 2022)
    expired = _tombstone("arkiv-gammel", 2020)
    empty = _tombstone("arkiv-tom", None)
    assert lifecycle.bookkeeping_kept_until(kept) == datetime.date(2027, 12, 31)
    assert lifecycle.bookkeeping_kept_until(expired) == datetime.date(2025, 12, 31)
    assert lifecycle.bookkeeping_kept_until(empty) is None

    removed = lifecycle.remove_expired_tombstones(today=datetime.date(2026, 12, 2))

    assert {"arkiv-gammel", "arkiv-tom"} <= set(removed)
    assert "arkiv-ny" not in removed
    assert Invoice.objects.filter(municipality=kept).count() == 1
    assert InvoiceLine.objects.filter(invoice__municipality=kept).count() == 1
    assert not Municipality.objects.filter(pk__in=[expired.pk, empty.pk]).exists()
    assert not Invoice.objects.filter(municipality_id=expired.pk).exists()
    assert not Licence.objects.filter(municipality_id=expired.pk).exists()


def test_a_municipality_in_service_is_never_removed(nordre_land: Municipality) -> None:
    assert nordre_land.slug not in lifecycle.remove_expired_tombstones(
        today=datetime.date(2099, 1, 1)
    )
    assert Municipality.objects.filter(pk=nordre_land.pk).exists()
