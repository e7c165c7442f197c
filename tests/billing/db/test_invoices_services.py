"""Invoices from orders: what is invoiced (once), the totals and platform fee, the number
series and KID, credit notes, and invoices falling due; every refusal writes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from billing.kid import validate_kid
from billing.models import (
    BillingMode,
    Consultancy,
    Invoice,
    InvoiceEvent,
    InvoiceKind,
    InvoiceSeries,
    InvoiceStatus,
    OrderStatus,
)
from billing.services import invoices as services
from billing.services.transitions import TransitionRefused, transition_invoice
from tests.billing.db.conftest import make_consultancy, make_package
from tests.billing.db.invoice_data import deliver, make_order

pytestmark = pytest.mark.django_db

SEPTEMBER = datetime.date(2026, 9, 1)
OCTOBER = datetime.date(2026, 10, 1)


@pytest.fixture
def up_front(sor_package, nordre_land):
    return make_order(sor_package, nordre_land)


@pytest.fixture
def as_delivered(sor_package, nordre_land):
    return make_order(sor_package, nordre_land, mode=BillingMode.AS_DELIVERED)


def test_up_front_invoices_every_line_with_en16931_totals_and_the_fee(up_front, sor_member):
    invoice = services.invoice_up_front(up_front, sor_member)

    assert invoice.status == InvoiceStatus.ISSUED
    assert invoice.number == 1
    assert [line.name for line in invoice.lines.order_by("position")] == [
        "Fagdag",
        "Ledersamling 1: Leder som menneske",
        "Veiledning av nettverksledere",
        "Nettside",
    ]
    # 2 × 18 500 (exempt) + 2 × 18 500 + 7.5 × 1 450.55 = 10 879.125 → 10 879.13 + 12 000
    assert invoice.net_total == Decimal("96879.13")
    # 25 % of the standard lines' sum 59 879.13, rounded once: 14 969.7825 → 14 969.78
    assert invoice.vat_total == Decimal("14969.78")
    assert invoice.gross_total == Decimal("111848.91")
    # 5 % (settings) of the net total, half up: 4 843.9565 → 4 843.96
    assert invoice.platform_fee == Decimal("4843.96")
    assert invoice.issue_date == timezone.localdate()
    assert invoice.due_date == invoice.issue_date + datetime.timedelta(days=30)
    assert (invoice.period_start, invoice.period_end) == (up_front.start_date, up_front.end_date)
    assert invoice.buyer_reference == "3150bdn"
    assert invoice.kid == validate_kid(invoice.kid)
    assert invoice.kid.startswith("17" + "0000001")
    assert invoice.ehf_xml.startswith("<?xml")
    assert "<cbc:PaymentID>" + invoice.kid in invoice.ehf_xml
    event = InvoiceEvent.objects.get(invoice=invoice)
    assert (event.action, event.from_status, event.to_status, event.actor_id) == (
        "issue",
        "draft",
        "issued",
        sor_member.pk,
    )


def test_the_fee_follows_the_consultancys_own_percentage(up_front, sor):
    sor.platform_fee_percent = Decimal("7.25")
    sor.save()
    invoice = services.invoice_up_front(up_front, None)
    # 7.25 % of 96 879.13 = 7 023.736925 → 7 023.74
    assert invoice.platform_fee == Decimal("7023.74")


def test_an_up_front_order_is_invoiced_once(up_front):
    services.invoice_up_front(up_front, None)
    with pytest.raises(ValidationError, match="allerede fakturert"):
        services.invoice_up_front(up_front, None)
    assert Invoice.objects.filter(order=up_front).count() == 1
    assert InvoiceSeries.objects.get(consultancy=up_front.consultancy).next_number == 2


@pytest.mark.parametrize("status", [OrderStatus.DRAFT, OrderStatus.CANCELLED])
def test_an_order_that_does_not_bind_is_not_invoiced(sor_package, nordre_land, status):
    order = make_order(sor_package, nordre_land, status=status)
    with pytest.raises(ValidationError):
        services.invoice_up_front(order, None)
    assert not Invoice.objects.exists()


def test_an_as_delivered_order_is_not_invoiced_up_front(as_delivered):
    with pytest.raises(ValidationError, match="etter levering"):
        services.invoice_up_front(as_delivered, None)
    assert not Invoice.objects.exists()


def test_as_delivered_invoices_the_months_deliveries_once(as_delivered):
    deliver(as_delivered, 2, datetime.date(2026, 9, 7))
    deliver(as_delivered, 4, datetime.date(2026, 9, 30))
    deliver(as_delivered, 1, datetime.date(2026, 10, 1))

    september = services.invoice_deliveries(as_delivered, datetime.date(2026, 9, 15), None)

    assert september is not None
    assert [line.order_line.position for line in september.lines.order_by("position")] == [2, 4]
    assert (september.period_start, september.period_end) == (
        SEPTEMBER,
        datetime.date(2026, 9, 30),
    )
    assert september.net_total == Decimal("49000.00")
    # Twice: nothing more to invoice for September
    assert services.invoice_deliveries(as_delivered, SEPTEMBER, None) is None
    october = services.invoice_deliveries(as_delivered, OCTOBER, None)
    assert october is not None
    assert [line.name for line in october.lines.all()] == ["Fagdag"]
    assert october.vat_total == Decimal("0.00")
    assert (september.number, october.number) == (1, 2)


def test_a_month_without_deliveries_gives_no_invoice(as_delivered):
    assert services.invoice_deliveries(as_delivered, SEPTEMBER, None) is None
    assert not Invoice.objects.exists()


def test_a_month_not_begun_is_refused(as_delivered):
    next_month = services.last_of_month(timezone.localdate()) + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.invoice_deliveries(as_delivered, next_month, None)
    assert "month" in refused.value.message_dict


def test_a_credited_line_can_be_invoiced_again(as_delivered):
    deliver(as_delivered, 2, datetime.date(2026, 9, 7))
    first = services.invoice_deliveries(as_delivered, SEPTEMBER, None)
    assert first is not None
    services.credit_invoice(first, None, "Feil dato")
    again = services.invoice_deliveries(as_delivered, SEPTEMBER, None)
    assert again is not None
    assert again.lines.get().order_line_id == first.lines.get().order_line_id
    # invoice 1, credit note 2, invoice 3: one series
    assert again.number == 3


def test_numbers_run_unbroken_per_seller_across_invoices_and_credit_notes(
    sor_package, nordre_land, nesseby, ks_member, ks
):
    first = services.invoice_up_front(make_order(sor_package, nordre_land), None)
    ks_package = make_package(ks_member, ks)
    other_seller = services.invoice_up_front(make_order(ks_package, nordre_land), None)
    credit = services.credit_invoice(first, None, "Feil mottaker")
    second = services.invoice_up_front(make_order(sor_package, nesseby), None)

    assert (first.number, credit.number, second.number) == (1, 2, 3)
    assert other_seller.number == 1
    assert other_seller.kid.startswith("18")
    assert first.kid != other_seller.kid
    assert credit.kid == ""


def test_a_failed_issue_takes_no_number_and_writes_nothing(up_front, sor, sor_package, nesseby):
    services.invoice_up_front(up_front, None)
    sor.bank_account = ""
    sor.save()
    second = make_order(sor_package, nesseby)

    with pytest.raises(ValidationError) as refused:
        services.invoice_up_front(second, None)

    assert "kontonummer" in refused.value.message_dict["bank_account"][0]
    assert Invoice.objects.filter(order=second).count() == 0
    assert InvoiceSeries.objects.get(consultancy=sor).next_number == 2
    sor.bank_account = "86011117947"
    sor.save()
    assert services.invoice_up_front(second, None).number == 2


def test_a_seller_without_a_kid_prefix_is_given_one_no_two_sellers_share_a_kid(
    sor_member, nordre_land
):
    plain = [
        make_consultancy(f"uten-prefiks-{n}", f"Uten prefiks {n}", number)
        for n, number in ((1, "93456781"), (2, "94567812"))
    ]
    kids = []
    for consultancy in plain:
        from samla.accounts.models import ConsultancyMembership

        ConsultancyMembership.objects.create(user=sor_member, consultancy=consultancy)
        package = make_package(sor_member, consultancy)
        invoice = services.invoice_up_front(make_order(package, nordre_land), None)
        kids.append(invoice.kid)
        consultancy.refresh_from_db()
        assert consultancy.kid_prefix
    assert kids[0] != kids[1]
    prefixes = Consultancy.objects.filter(pk__in=[c.pk for c in plain]).values_list(
        "kid_prefix", flat=True
    )
    assert len(set(prefixes)) == 2


def test_issuing_an_issued_invoice_is_refused(up_front):
    invoice = services.invoice_up_front(up_front, None)
    with pytest.raises(TransitionRefused):
        services.issue_invoice(invoice, None)
    assert InvoiceSeries.objects.get(consultancy=up_front.consultancy).next_number == 2


def test_a_credit_note_copies_the_lines_and_credits_the_invoice(up_front, sor_member):
    invoice = services.invoice_up_front(up_front, None)

    note = services.credit_invoice(invoice, sor_member, "Bestillingen ble avlyst")

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CREDITED
    assert (note.kind, note.status, note.credited_invoice_id) == (
        InvoiceKind.CREDIT_NOTE,
        InvoiceStatus.ISSUED,
        invoice.pk,
    )
    assert (note.net_total, note.vat_total, note.gross_total) == (
        invoice.net_total,
        invoice.vat_total,
        invoice.gross_total,
    )
    assert note.lines.count() == invoice.lines.count()
    assert note.due_date is None
    assert "<CreditNote" in note.ehf_xml
    credited = InvoiceEvent.objects.get(invoice=invoice, action="credit")
    assert credited.detail == {"credit_note": note.pk, "reason": "Bestillingen ble avlyst"}
    assert credited.actor_id == sor_member.pk


def test_a_paid_invoice_can_be_credited(up_front):
    invoice = services.invoice_up_front(up_front, None)
    transition_invoice(invoice, "pay", source="bank:1")
    note = services.credit_invoice(invoice, None, "")
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.CREDITED
    assert note.status == InvoiceStatus.ISSUED


def test_credit_notes_and_credited_invoices_are_not_credited(up_front):
    invoice = services.invoice_up_front(up_front, None)
    note = services.credit_invoice(invoice, None, "")
    with pytest.raises(services.NotCreditable):
        services.credit_invoice(invoice, None, "")
    with pytest.raises(services.NotCreditable):
        services.credit_invoice(note, None, "")
    assert Invoice.objects.count() == 2
    assert InvoiceSeries.objects.get(consultancy=up_front.consultancy).next_number == 3


def test_credit_open_invoices_leaves_paid_ones(as_delivered):
    deliver(as_delivered, 1, datetime.date(2026, 9, 7))
    deliver(as_delivered, 2, datetime.date(2026, 10, 7))
    paid = services.invoice_deliveries(as_delivered, SEPTEMBER, None)
    open_ = services.invoice_deliveries(as_delivered, OCTOBER, None)
    assert paid is not None and open_ is not None
    transition_invoice(paid, "pay", source="bank:1")

    notes = services.credit_open_invoices(as_delivered, None)

    assert [note.credited_invoice_id for note in notes] == [open_.pk]
    assert Invoice.objects.get(pk=paid.pk).status == InvoiceStatus.PAID
    assert Invoice.objects.get(pk=open_.pk).status == InvoiceStatus.CREDITED


def test_mark_overdue_takes_issued_invoices_past_due_only(up_front, sor_package, nesseby):
    late = services.invoice_up_front(up_front, None)
    paid = services.invoice_up_front(make_order(sor_package, nesseby), None)
    transition_invoice(paid, "pay", source="bank:1")
    due = late.due_date
    assert due is not None

    assert services.mark_overdue(due) == []
    fallen = services.mark_overdue(due + datetime.timedelta(days=1))

    assert [invoice.pk for invoice in fallen] == [late.pk]
    assert Invoice.objects.get(pk=late.pk).status == InvoiceStatus.OVERDUE
    assert Invoice.objects.get(pk=paid.pk).status == InvoiceStatus.PAID
    event = InvoiceEvent.objects.get(invoice=late, action="fall_due")
    assert event.source == "task:overdue"
    # Twice: nothing more
    assert services.mark_overdue(due + datetime.timedelta(days=2)) == []


def test_issue_queues_sending_after_commit(up_front, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.invoice_up_front(up_front, None)
    assert len(callbacks) == 1
