"""A package's price is the EHF invoice's: its items as invoice lines give the same totals,
and the document passes OpenPeppol's rules (what the orders' invoices will build on)."""

from __future__ import annotations

import pytest

from billing import pricing
from billing.ehf import ubl, validation
from billing.ehf.document import Line, UnitCode
from billing.models import Package
from tests.billing.conftest import document

pytestmark = pytest.mark.django_db


def test_the_package_price_is_the_invoice_total(sor_package):
    price = pricing.price_package(Package.objects.get(pk=sor_package.pk))
    lines = tuple(
        Line(
            id=str(line.item.order),
            name=line.item.name,
            quantity=line.item.quantity,
            unit_code=UnitCode(line.item.unit),
            unit_price=line.item.unit_price,
            vat=line.category,
        )
        for line in price.lines
    )
    invoice = document(lines=lines)
    assert invoice.totals == price.totals
    assert [line.net for line in invoice.lines] == [line.net for line in price.lines]
    validation.assert_valid(ubl.write(invoice))
