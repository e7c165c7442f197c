"""Issued invoices for the Stripe tests, written as `billing.services.invoices` leaves
them (numbered, KID, totals, lines), so these tests do not depend on the order flow."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from billing.kid import make_kid
from billing.kinds import UnitChoice, VatChoice
from billing.models import Consultancy, Invoice, InvoiceKind, InvoiceLine, InvoiceStatus
from tenants.models import Municipality

# (name, quantity, unit price, VAT): two exempt training days, a gathering at 25 %.
LINES: list[tuple[str, Decimal, Decimal, str]] = [
    ("Fagdag: Ett lag", Decimal("2"), Decimal("18500.00"), VatChoice.EXEMPT_EDUCATION),
    ("Ledersamling", Decimal("1"), Decimal("12000.00"), VatChoice.STANDARD),
    ("Veiledning", Decimal("7.5"), Decimal("1450.55"), VatChoice.STANDARD),
]


def make_invoice(
    consultancy: Consultancy,
    municipality: Municipality,
    number: int,
    lines: list[tuple[str, Decimal, Decimal, str]] | None = None,
    **fields: object,
) -> Invoice:
    """An issued invoice from `consultancy` to `municipality`, number `number`."""
    lines = LINES if lines is None else lines
    nets = [(qty * price).quantize(Decimal("0.01")) for _name, qty, price, _vat in lines]
    net_total = sum(nets, Decimal("0.00"))
    vat_total = sum(
        (net for net, line in zip(nets, lines, strict=True) if line[3] == VatChoice.STANDARD),
        Decimal("0.00"),
    ) * Decimal("0.25")
    vat_total = vat_total.quantize(Decimal("0.01"))
    today = timezone.localdate()
    invoice = Invoice.objects.create(
        consultancy=consultancy,
        municipality=municipality,
        kind=InvoiceKind.INVOICE,
        status=InvoiceStatus.ISSUED,
        number=number,
        kid=make_kid(number, prefix=consultancy.kid_prefix),
        buyer_reference="3150bdn",
        issue_date=today,
        due_date=today + datetime.timedelta(days=30),
        net_total=net_total,
        vat_total=vat_total,
        gross_total=net_total + vat_total,
        platform_fee=(net_total * consultancy.fee_percent / 100).quantize(Decimal("0.01")),
        issued_at=timezone.now(),
        **fields,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            position=position,
            kind="training_day",
            name=name,
            quantity=qty,
            unit=UnitChoice.DAY,
            unit_price=price,
            vat=vat,
            net_amount=net,
        )
        for position, ((name, qty, price, vat), net) in enumerate(
            zip(lines, nets, strict=True), start=1
        )
    )
    return invoice


def make_credit_note(invoice: Invoice, number: int) -> Invoice:
    """The issued credit note of the whole invoice, and the invoice marked credited."""
    note = Invoice.objects.create(
        consultancy=invoice.consultancy,
        municipality=invoice.municipality,
        kind=InvoiceKind.CREDIT_NOTE,
        credited_invoice=invoice,
        status=InvoiceStatus.ISSUED,
        number=number,
        buyer_reference=invoice.buyer_reference,
        issue_date=timezone.localdate(),
        net_total=invoice.net_total,
        vat_total=invoice.vat_total,
        gross_total=invoice.gross_total,
        issued_at=timezone.now(),
    )
    Invoice.objects.filter(pk=invoice.pk).update(status=InvoiceStatus.CREDITED)
    return note
