"""Billing test data: a consultancy and a municipality as EHF parties, and a document
builder whose defaults make a valid up-front invoice (each test changes what it is about)."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

import pytest

from billing import money
from billing.ehf.document import (
    Address,
    Buyer,
    Contact,
    Document,
    DocumentKind,
    Line,
    Supplier,
    UnitCode,
)
from billing.kid import make_kid
from tests.numbers import org_number

# Nordre Land kommune (tests/conftest.py's seed municipality) and a consultancy whose
# organisation number python-stdnum completes.
BUYER_ORG = "964950768"
SUPPLIER_ORG = org_number("91234568")
ACCOUNT = "86011117947"  # python-stdnum's own example of a valid Norwegian account


def supplier(**changes: Any) -> Supplier:
    base = Supplier(
        name="Samarbeid Sør",
        legal_name="Samarbeid Sør AS",
        org_number=SUPPLIER_ORG,
        address=Address("Markens gate 1", "4611", "Kristiansand"),
        bank_account=ACCOUNT,
        vat_registered=True,
        contact=Contact("Kari Konsulent", "kari@samarbeid-sor.example", "38000000"),
    )
    return dataclasses.replace(base, **changes)


def buyer(**changes: Any) -> Buyer:
    base = Buyer(
        name="Nordre Land kommune",
        org_number=BUYER_ORG,
        address=Address("Postboks 173", "2882", "Dokka"),
        contact=Contact("Ola Innkjøp", "post@nordre-land.kommune.example"),
    )
    return dataclasses.replace(base, **changes)


def line(
    line_id: str,
    name: str,
    quantity: str,
    price: str,
    vat: money.VatCategory = money.STANDARD,
    unit: UnitCode = UnitCode.DAY,
    **changes: Any,
) -> Line:
    return Line(
        id=line_id,
        name=name,
        quantity=Decimal(quantity),
        unit_code=unit,
        unit_price=Decimal(price),
        vat=vat,
        **changes,
    )


def document(**changes: Any) -> Document:
    fields: dict[str, Any] = {
        "kind": DocumentKind.INVOICE,
        "number": "2026-0001",
        "issue_date": datetime.date(2026, 12, 1),
        "due_date": datetime.date(2026, 12, 31),
        "supplier": supplier(),
        "buyer": buyer(),
        "buyer_reference": "3150bdn",
        "order_reference": "ORD-17",
        "kid": make_kid(1, prefix="17"),
        "payment_note": "Betales til konto 8601.11.17947 med KID, eller med kort på "
        "https://invoice.stripe.example/i/abc",
        "lines": (
            line("1", "Ledersamling", "2", "18500.00", description="To dager i Kristiansand"),
            line("2", "Veiledning av nettverksledere", "6", "9500.00"),
            line("3", "Nettside for programmet", "1", "12000.00", unit=UnitCode.PIECE),
        ),
    }
    fields.update(changes)
    return Document(**fields)


@pytest.fixture(autouse=True)
def _public_schema_and_clean_cache() -> None:
    """Replaces the suite's autouse fixture of this name, which asks for the database:
    money, KID and EHF documents are pure Python, so these tests need no database (and
    skip the minutes its session setup takes)."""
