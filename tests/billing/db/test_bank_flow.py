"""From issue to paid: an up-front order's invoice goes to the access point as issued, and the
bank's statement with its KID pays it."""

from __future__ import annotations

import pytest

from billing.models import BankPayment, InvoiceStatus, PaymentMatch, SendState
from billing.services import bank, invoices
from tests.billing.ap_fake import FakeAccessPoint
from tests.billing.db import test_bank_services as bank_data
from tests.billing.db.invoice_data import make_order
from tests.billing.db.test_bank_services import statement_file

_accounts_of_their_own = bank_data._accounts_of_their_own


@pytest.fixture
def ap(settings):
    with FakeAccessPoint() as fake:
        settings.SAMLA_ACCESS_POINT_URL = fake.url
        settings.SAMLA_ACCESS_POINT_KEY = fake.key
        yield fake


def test_an_issued_invoice_is_sent_as_frozen_and_paid_from_the_bank(
    ap, sor, sor_member, sor_package, nordre_land, django_capture_on_commit_callbacks
):
    # Given Nordre Land's up-front order of Samarbeid Sør's package, invoiced when it commits
    order = make_order(sor_package, nordre_land)
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoices.invoice_up_front(order, sor_member)

    # Then the access point got the EHF document as it was frozen at issue, once
    invoice.refresh_from_db()
    [received] = ap.received
    assert received.body == invoice.ehf_xml.encode("utf-8")
    assert received.headers["peppol-receiver"] == f"0192:{nordre_land.org_number}"
    assert (invoice.send_state, invoice.access_point_id) == (SendState.SENT, received.message_id)
    assert invoice.kid.encode() in received.body

    # When the bank's statement pays its KID with the invoice's total
    paid = statement_file().replace(
        b'<Amt Ccy="NOK">46250.00</Amt>', f'<Amt Ccy="NOK">{invoice.gross_total}</Amt>'.encode()
    )
    assert invoice.kid == "1700000019"
    bank.import_statement(sor_member, sor, paid)

    # Then the payment is matched and the invoice paid
    payment = BankPayment.objects.get(kid=invoice.kid)
    assert (payment.match, payment.invoice_id) == (PaymentMatch.MATCHED, invoice.pk)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid) == (InvoiceStatus.PAID, invoice.gross_total)
    assert list(invoice.events.values_list("action", flat=True)) == ["issue", "send", "pay"]
