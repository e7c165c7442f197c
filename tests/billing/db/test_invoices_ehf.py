"""Every kind of invoice Samla makes is an EHF document OpenPeppol's rules accept (no fatal
error): up front, a month as delivered, with exempt lines, from a seller outside the VAT
register, a credit note, a licence invoice; and the document carries what the buyer's
accounts office needs (buyer reference, order number, KID and account, the hosted link)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from lxml import etree

from billing import money
from billing.ehf import validation
from billing.kinds import UnitChoice, VatChoice
from billing.models import (
    BillingMode,
    Invoice,
    InvoiceLine,
    Licence,
    SendState,
)
from billing.services import ehf_documents
from billing.services import invoices as services
from tests.billing.db.conftest import make_consultancy
from tests.billing.db.invoice_data import deliver, make_order

pytestmark = pytest.mark.django_db

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


def valid(invoice: Invoice) -> etree._Element:
    """The stored document, checked by the rules (warnings allowed), as a tree."""
    assert invoice.ehf_xml
    validation.assert_valid(invoice.ehf_xml)
    # Writing it again from the rows gives the same document
    assert ehf_documents.ehf_xml(invoice).decode() == invoice.ehf_xml
    return etree.fromstring(invoice.ehf_xml.encode())


def text(tree: etree._Element, path: str) -> list[str]:
    return [element.text for element in tree.findall(path, NS)]


def test_up_front_with_exempt_and_standard_lines(sor_package, nordre_land):
    invoice = services.invoice_up_front(make_order(sor_package, nordre_land), None)
    tree = valid(invoice)
    assert text(tree, "cbc:ID") == ["1"]
    assert text(tree, "cbc:BuyerReference") == ["3150bdn"]
    assert text(tree, "cac:OrderReference/cbc:ID") == ["IO-2026-17"]
    assert text(tree, "cac:PaymentMeans/cbc:PaymentID") == [invoice.kid]
    assert text(tree, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID") == ["86011117947"]
    assert text(tree, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID") == ["E", "S"]
    assert text(tree, "cac:LegalMonetaryTotal/cbc:PayableAmount") == ["111848.91"]
    assert text(tree, "cac:InvoicePeriod/cbc:StartDate") == ["2026-09-07"]
    assert text(tree, "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID") == ["964950768"]
    supplier_tax = text(
        tree, "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID"
    )
    assert supplier_tax == [f"NO{sor_package.consultancy.org_number}MVA", "Foretaksregisteret"]
    note = text(tree, "cac:PaymentTerms/cbc:Note")[0]
    assert "8601.11.17947" in note and invoice.kid in note


def test_a_month_as_delivered(sor_package, nordre_land):
    order = make_order(sor_package, nordre_land, mode=BillingMode.AS_DELIVERED)
    deliver(order, 2, datetime.date(2026, 10, 5))
    deliver(order, 3, datetime.date(2026, 10, 19))
    invoice = services.invoice_deliveries(order, datetime.date(2026, 10, 1), None)
    assert invoice is not None
    tree = valid(invoice)
    assert text(tree, "cac:InvoicePeriod/cbc:StartDate") == ["2026-10-01"]
    assert text(tree, "cac:InvoicePeriod/cbc:EndDate") == ["2026-10-31"]
    assert text(tree, "cac:InvoiceLine/cbc:InvoicedQuantity") == ["2", "7.5"]


def test_only_exempt_lines(sor_package, nordre_land):
    order = make_order(sor_package, nordre_land, mode=BillingMode.AS_DELIVERED)
    deliver(order, 1, datetime.date(2026, 10, 5))
    invoice = services.invoice_deliveries(order, datetime.date(2026, 10, 1), None)
    assert invoice is not None
    tree = valid(invoice)
    assert text(tree, "cac:TaxTotal/cbc:TaxAmount") == ["0.00"]
    assert text(tree, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReason") == [
        money.EDUCATION_EXEMPTION_REASON
    ]


def test_a_seller_outside_the_vat_register(sor, sor_package, nordre_land):
    sor.vat_registered = False
    sor.in_business_register = False
    sor.save()
    invoice = services.invoice_up_front(make_order(sor_package, nordre_land), None)
    assert invoice.vat_total == Decimal("0.00")
    assert invoice.gross_total == invoice.net_total == Decimal("96879.13")
    tree = valid(invoice)
    assert set(text(tree, "cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory/cbc:ID")) == {"O"}
    assert (
        text(tree, "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID") == []
    )


def test_a_credit_note_names_the_invoice_it_credits(sor_package, nordre_land):
    invoice = services.invoice_up_front(make_order(sor_package, nordre_land), None)
    note = services.credit_invoice(invoice, None, "Feil mottaker")
    tree = valid(note)
    assert tree.tag.endswith("CreditNote")
    assert text(tree, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == ["1"]
    assert text(tree, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate") == [
        invoice.issue_date.isoformat()
    ]
    assert text(tree, "cac:LegalMonetaryTotal/cbc:PayableAmount") == ["111848.91"]
    assert text(tree, "cac:PaymentMeans") == []


def test_a_licence_invoice_from_samla_itself(nordre_land):
    samla = make_consultancy(
        "samla", "Samla AS", "92164321", kid_prefix="99", is_platform=True, city="Oslo"
    )
    licence = Licence.objects.create(
        municipality=nordre_land,
        year=2027,
        band="small",
        population=6500,
        amount=Decimal("24000.00"),
        valid_from=datetime.date(2027, 1, 1),
        valid_until=datetime.date(2027, 12, 31),
    )
    draft = Invoice.objects.create(
        consultancy=samla,
        municipality=nordre_land,
        licence=licence,
        buyer_reference="Lisens 2027",
        period_start=licence.valid_from,
        period_end=licence.valid_until,
    )
    InvoiceLine.objects.create(
        invoice=draft,
        position=1,
        kind="other",
        name="Samla-lisens 2027",
        quantity=1,
        unit=UnitChoice.EACH,
        unit_price=licence.amount,
        vat=VatChoice.STANDARD,
        net_amount=licence.amount,
    )
    invoice = services.issue_invoice(draft, None)
    assert invoice.platform_fee == Decimal("0.00")
    assert invoice.kid.startswith("99")
    tree = valid(invoice)
    assert text(tree, "cac:AccountingCustomerParty/cac:Party/cac:PartyName/cbc:Name") == [
        "Nordre Land"
    ]
    assert text(tree, "cbc:Note") == ["Samla-lisens 2027"]
    assert text(tree, "cac:LegalMonetaryTotal/cbc:PayableAmount") == ["30000.00"]


def test_the_hosted_link_is_written_into_the_payment_note_until_sent(sor_package, nordre_land):
    invoice = services.invoice_up_front(make_order(sor_package, nordre_land), None)
    Invoice.objects.filter(pk=invoice.pk).update(
        stripe_hosted_url="https://invoice.stripe.com/i/acct_1/test_abc"
    )
    invoice.refresh_from_db()

    ehf_documents.refreeze(invoice)

    stored = Invoice.objects.get(pk=invoice.pk)
    tree = valid(stored)
    assert (
        "https://invoice.stripe.com/i/acct_1/test_abc" in text(tree, "cac:PaymentTerms/cbc:Note")[0]
    )
    # Once sent, what the buyer received stays as it was
    Invoice.objects.filter(pk=invoice.pk).update(
        send_state=SendState.SENT, stripe_hosted_url="https://invoice.stripe.com/i/other"
    )
    sent = Invoice.objects.get(pk=invoice.pk)
    ehf_documents.refreeze(sent)
    assert Invoice.objects.get(pk=invoice.pk).ehf_xml == stored.ehf_xml
