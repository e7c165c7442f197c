"""EHF documents of every kind Samla makes, written as UBL and checked with OpenPeppol's
rules (BIS Billing 3.0.19, CEN EN 16931 and Norway's NO-R-*): no rule may fail, not even
as a warning. And what the builder refuses before any XML is written."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from lxml import etree

from billing import money
from billing.ehf import ubl, validation
from billing.ehf.document import DocumentKind, InvoiceReference, Period, UnitCode
from billing.kid import KidMethod, make_kid

from .conftest import buyer, document, line, supplier

NS = {"cbc": ubl.CBC, "cac": ubl.CAC}
NORWEGIAN_EXAMPLE = Path(__file__).parent / "data" / "Norwegian-example-1.xml"


def _text(xml: bytes, path: str) -> list[str]:
    return [str(value) for value in etree.fromstring(xml).xpath(path, namespaces=NS)]


def _valid(doc) -> bytes:
    xml = ubl.write(doc)
    assert validation.validate(xml) == []
    return xml


def test_an_up_front_invoice_of_several_items_at_25_percent_passes():
    doc = document()
    xml = _valid(doc)
    # 2 × 18 500 + 6 × 9 500 + 12 000 = 106 000; VAT 26 500.
    assert _text(xml, "/*/cac:LegalMonetaryTotal/cbc:LineExtensionAmount/text()") == ["106000.00"]
    assert _text(xml, "/*/cac:TaxTotal/cbc:TaxAmount/text()") == ["26500.00"]
    assert _text(xml, "/*/cac:LegalMonetaryTotal/cbc:PayableAmount/text()") == ["132500.00"]
    assert _text(xml, "/*/cbc:BuyerReference/text()") == ["3150bdn"]
    assert _text(xml, "//cac:PaymentMeans/cbc:PaymentMeansCode/text()") == ["30"]
    assert _text(xml, "//cac:PaymentMeans/cbc:PaymentID/text()") == [doc.kid]
    assert _text(xml, "//cac:PayeeFinancialAccount/cbc:ID/text()") == ["86011117947"]
    assert _text(xml, "//cac:AccountingCustomerParty//cbc:EndpointID/@schemeID") == ["0192"]
    supplier_tax = "//cac:AccountingSupplierParty//cac:PartyTaxScheme/cbc:CompanyID/text()"
    assert _text(xml, supplier_tax) == [f"NO{doc.supplier.org_number}MVA", "Foretaksregisteret"]


def test_an_as_delivered_monthly_invoice_with_its_period_passes():
    november = Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    day = datetime.date(2026, 11, 12)
    doc = document(
        number="2026-0002",
        period=november,
        delivery_date=datetime.date(2026, 11, 30),
        kid=make_kid(2, prefix="17", method=KidMethod.MOD11),
        lines=(
            line("1", "Fagdag: Bedre tverrfaglig innsats", "1", "22000.00",
                 period=Period(day, day)),
            line("2", "Veiledning av nettverksledere", "7.5", "1450.00", unit=UnitCode.HOUR,
                 period=november),
            line("3", "Trykk av handlingsveileder", "250", "38.40", unit=UnitCode.EACH),
        ),
    )  # fmt: skip
    xml = _valid(doc)
    assert _text(xml, "/*/cac:InvoicePeriod/cbc:StartDate/text()") == ["2026-11-01"]
    assert _text(xml, "/*/cac:Delivery/cbc:ActualDeliveryDate/text()") == ["2026-11-30"]
    assert _text(xml, "//cac:InvoiceLine[2]/cbc:InvoicedQuantity/text()") == ["7.5"]
    assert _text(xml, "//cac:InvoiceLine[2]/cbc:InvoicedQuantity/@unitCode") == ["HUR"]
    assert _text(xml, "//cac:InvoiceLine[2]/cbc:LineExtensionAmount/text()") == ["10875.00"]


def test_an_invoice_mixing_exempt_education_and_25_percent_lines_passes():
    doc = document(
        lines=(
            line("1", "Fagdag", "2", "21999.99", vat=money.EXEMPT_EDUCATION),
            line("2", "Veiledning", "3", "3333.33"),
            line("3", "Ledersamling", "1.5", "18500.01", vat=money.EXEMPT_EDUCATION),
            line("4", "Nettside", "1", "0.02", unit=UnitCode.PIECE),
        )
    )
    xml = _valid(doc)
    assert _text(xml, "//cac:TaxSubtotal/cac:TaxCategory/cbc:ID/text()") == ["E", "S"]
    reasons = _text(xml, "//cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReason/text()")
    assert reasons == [money.EDUCATION_EXEMPTION_REASON]
    # 1.5 × 18 500.01 = 27 750.015 -> 27 750.02; 43 999.98 + 27 750.02 exempt.
    assert _text(xml, "//cac:TaxSubtotal/cbc:TaxableAmount/text()") == ["71750.00", "10000.01"]
    assert _text(xml, "//cac:TaxSubtotal/cbc:TaxAmount/text()") == ["0.00", "2500.00"]


def test_an_all_exempt_invoice_passes():
    doc = document(
        lines=(
            line("1", "Fagdag", "3", "20000.00", vat=money.EXEMPT_EDUCATION),
            line("2", "Kurs for ledere", "1", "9000.00", vat=money.EXEMPT_EDUCATION,
                 unit=UnitCode.PIECE),
        )
    )  # fmt: skip
    xml = _valid(doc)
    assert _text(xml, "/*/cac:TaxTotal/cbc:TaxAmount/text()") == ["0.00"]
    assert _text(xml, "/*/cac:LegalMonetaryTotal/cbc:PayableAmount/text()") == ["69000.00"]


def test_a_credit_note_referring_to_its_invoice_passes():
    doc = document(
        kind=DocumentKind.CREDIT_NOTE,
        number="2026-0003",
        issue_date=datetime.date(2026, 12, 10),
        due_date=None,
        kid="",
        credited_invoice=InvoiceReference("2026-0001", datetime.date(2026, 12, 1)),
        payment_note="Krediterer faktura 2026-0001: beløpet motregnes eller betales tilbake.",
        lines=(line("1", "Ledersamling (avlyst dag)", "1", "18500.00"),),
    )
    xml = _valid(doc)
    root = etree.fromstring(xml)
    assert root.tag == f"{{{ubl.CREDIT_NOTE_NS}}}CreditNote"
    assert _text(xml, "/*/cbc:CreditNoteTypeCode/text()") == ["381"]
    assert _text(xml, "//cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID/text()") == [
        "2026-0001"
    ]
    assert _text(xml, "//cac:CreditNoteLine/cbc:CreditedQuantity/text()") == ["1"]
    assert _text(xml, "/*/cac:LegalMonetaryTotal/cbc:PayableAmount/text()") == ["23125.00"]


def test_a_supplier_outside_the_vat_register_invoices_not_subject_to_vat():
    doc = document(
        supplier=supplier(vat_registered=False, in_business_register=False),
        lines=(line("1", "Fagdag", "1", "15000.00", vat=money.NOT_SUBJECT),),
    )
    xml = ubl.write(doc)
    # A sole proprietorship is not in Foretaksregisteret: the rule is a warning for that.
    assert [(f.id, f.flag) for f in validation.validate(xml)] == [("NO-R-002", "warning")]
    assert _text(xml, "//cac:PartyTaxScheme") == []
    assert _text(xml, "//cac:TaxSubtotal/cac:TaxCategory/cbc:ID/text()") == ["O"]


def test_writing_is_deterministic():
    assert ubl.write(document()) == ubl.write(document())


def test_the_norwegian_example_passes_with_its_one_warning():
    failures = validation.validate(NORWEGIAN_EXAMPLE.read_bytes())
    assert [(f.id, f.flag) for f in failures] == [("UBL-CR-679", "warning")]
    assert validation.assert_valid(NORWEGIAN_EXAMPLE.read_bytes()) == failures


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        # The payable amount no longer follows from the totals.
        (b"<cbc:PayableAmount currencyID=\"NOK\">132500.00", b"<cbc:PayableAmount "
         b"currencyID=\"NOK\">132400.00", "BR-CO-16"),
        # The VAT total is not the sum of the categories' VAT.
        (b"<cbc:TaxAmount currencyID=\"NOK\">26500.00</cbc:TaxAmount>\n    <cac:TaxSubtotal>",
         b"<cbc:TaxAmount currencyID=\"NOK\">26000.00</cbc:TaxAmount>\n    <cac:TaxSubtotal>",
         "BR-CO-14"),
        # No buyer reference and no order reference.
        (b"<cbc:BuyerReference>3150bdn</cbc:BuyerReference>", b"", "PEPPOL-EN16931-R003"),
        # A Norwegian VAT number without the MVA suffix.
        (b"MVA</cbc:CompanyID>", b"</cbc:CompanyID>", "NO-R-001"),
    ],
)  # fmt: skip
def test_a_hand_broken_document_fails_with_the_rule_id(old, new, rule):
    doc = document(order_reference="") if rule == "PEPPOL-EN16931-R003" else document()
    xml = ubl.write(doc)
    assert old in xml
    broken = xml.replace(old, new, 1)
    with pytest.raises(validation.EhfInvalid) as caught:
        validation.assert_valid(broken)
    assert rule in {failure.id for failure in caught.value.failures}
    assert all(failure.fatal for failure in caught.value.failures)
    assert rule in str(caught.value)


@pytest.mark.parametrize(
    ("xml", "rule"),
    [(b"<Invoice><unclosed>", "XML"), (b"<?xml version='1.0'?><Order/>", "ROOT"), ("", "XML")],
)
def test_what_is_not_a_ubl_document_is_fatal(xml, rule):
    assert [(f.id, f.flag) for f in validation.validate(xml)] == [(rule, "fatal")]


def test_a_document_in_another_declared_encoding_is_read_as_declared():
    xml = ubl.write(document())
    latin1 = etree.tostring(etree.fromstring(xml), xml_declaration=True, encoding="ISO-8859-1")
    assert "Sør".encode("latin-1") in latin1
    assert validation.validate(latin1) == []


def test_the_compiled_rules_are_cached_on_disk_by_digest():
    processor, _validators = validation._validators()
    paths = [validation.compiled_path(processor, rules) for rules in validation.RULE_FILES]
    assert all(path.exists() and path.parent == validation.cache_dir() for path in paths)
    before = [path.stat().st_mtime_ns for path in paths]
    again = [validation.compiled_path(processor, rules) for rules in validation.RULE_FILES]
    assert again == paths
    assert [path.stat().st_mtime_ns for path in again] == before  # not compiled again


def _refused(code: str, **changes) -> str:
    with pytest.raises(ValidationError) as caught:
        document(**changes)
    assert caught.value.code == code
    return caught.value.messages[0]


@pytest.mark.parametrize("reference", ["", "   "])
def test_a_document_without_a_buyer_reference_is_refused(reference):
    message = _refused("buyer_reference", buyer_reference=reference)
    assert "bestillerreferansen" in message


def test_the_builder_refuses_what_the_rules_would():
    other_day = datetime.date(2026, 10, 5)
    november = Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    assert _refused("no_lines", lines=())
    assert _refused("line_id_twice", lines=(line("1", "A", "1", "1"), line("1", "B", "1", "1")))
    assert _refused("due_before_issue", due_date=datetime.date(2026, 11, 30))
    assert _refused("due_date", due_date=None)
    assert _refused("kid_missing", kid="")
    assert _refused("kid_checksum", kid="1700000012")
    assert _refused("credited_invoice", kind=DocumentKind.CREDIT_NOTE, kid="")
    assert _refused(
        "kid_on_credit_note",
        kind=DocumentKind.CREDIT_NOTE,
        credited_invoice=InvoiceReference("1", datetime.date(2026, 1, 1)),
    )
    with pytest.raises(ValidationError) as caught:
        line("1", "Fagdag", "1", "1", unit="DAGER")  # type: ignore[arg-type]  # as a form might
    assert caught.value.code == "unit_code"
    assert _refused(
        "credited_invoice_on_invoice",
        credited_invoice=InvoiceReference("1", datetime.date(2026, 1, 1)),
    )
    assert _refused(
        "line_period",
        period=november,
        lines=(line("1", "Fagdag", "1", "1", period=Period(other_day, other_day)),),
    )
    assert _refused("vat_not_registered", supplier=supplier(vat_registered=False))
    assert _refused(
        "vat_registered_outside", lines=(line("1", "Fagdag", "1", "1", vat=money.NOT_SUBJECT),)
    )
    assert _refused("currency", currency="EUR")
    assert _refused(
        "exemption_reasons_differ",
        lines=(
            line("1", "Fagdag", "1", "1", vat=money.EXEMPT_EDUCATION),
            line("2", "Annet", "1", "1", vat=money.exempt()),
        ),
    )


def test_parties_with_bad_numbers_are_refused():
    with pytest.raises(ValidationError) as caught:
        supplier(bank_account="86011117948")
    assert caught.value.code == "account_number"
    with pytest.raises(ValidationError) as caught:
        buyer(org_number="964950769")
    assert caught.value.code == "org_number_checksum"
    with pytest.raises(ValidationError) as caught:
        line("1", "Fagdag", "1", "-100.00")
    assert caught.value.code == "negative_price"
    with pytest.raises(ValidationError):
        Period(datetime.date(2026, 2, 1), datetime.date(2026, 1, 1))


def test_a_line_keeps_its_figures_exact():
    item = line("1", "Fagdag", "0.5", "0.01")
    assert item.net == Decimal("0.01")
    assert dataclasses.replace(item, quantity=Decimal("2")).net == Decimal("0.02")


# The document-level sequences of UBL 2.1's Invoice and CreditNote schemas (OASIS,
# UBL-Invoice-2.1.xsd and UBL-CreditNote-2.1.xsd), for the elements Samla writes: an
# access point checks the schema before the rules, and a sequence out of order fails it.
INVOICE_SEQUENCE = [
    "CustomizationID",
    "ProfileID",
    "ID",
    "IssueDate",
    "DueDate",
    "InvoiceTypeCode",
    "Note",
    "DocumentCurrencyCode",
    "BuyerReference",
    "InvoicePeriod",
    "OrderReference",
    "BillingReference",
    "AccountingSupplierParty",
    "AccountingCustomerParty",
    "Delivery",
    "PaymentMeans",
    "PaymentTerms",
    "TaxTotal",
    "LegalMonetaryTotal",
    "InvoiceLine",
]
CREDIT_NOTE_SEQUENCE = [
    "CustomizationID",
    "ProfileID",
    "ID",
    "IssueDate",
    "CreditNoteTypeCode",
    "Note",
    "DocumentCurrencyCode",
    "BuyerReference",
    "InvoicePeriod",
    "OrderReference",
    "BillingReference",
    "AccountingSupplierParty",
    "AccountingCustomerParty",
    "Delivery",
    "PaymentMeans",
    "PaymentTerms",
    "TaxTotal",
    "LegalMonetaryTotal",
    "CreditNoteLine",
]


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_every_element_is_written_in_the_ubl_schemas_order(kind):
    november = Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    credit = kind is DocumentKind.CREDIT_NOTE
    doc = document(
        kind=kind,
        kid="" if credit else make_kid(1),
        note="Fakturaen gjelder programmet «Helhetlig innsats – Ett lag».",
        period=november,
        delivery_date=datetime.date(2026, 11, 30),
        credited_invoice=InvoiceReference("2026-0001", datetime.date(2026, 12, 1))
        if credit
        else None,
    )
    written = [etree.QName(child).localname for child in etree.fromstring(ubl.write(doc))]
    sequence = CREDIT_NOTE_SEQUENCE if credit else INVOICE_SEQUENCE
    line_name = sequence[-1]
    head = [name for name in written if name != line_name]
    assert written[len(head) :] == [line_name] * len(doc.lines)  # the lines come last
    assert set(head) <= set(sequence)
    assert head == [name for name in sequence if name in head]  # each once, in order
