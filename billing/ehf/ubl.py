"""Write a `Document` as UBL 2.1 XML in Peppol BIS Billing 3.0 (EHF): Invoice-2 for an
invoice, CreditNote-2 for a credit note.

Elements come in the order the UBL schema's sequences require, optional ones are left out
when empty (PEPPOL-EN16931-R008 refuses empty elements), amounts carry two decimals, and
the same document always gives the same bytes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lxml import etree

from billing.ehf.document import Address, Contact, Document, DocumentKind, Line
from billing.money import VatCategory

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
# ISO 6523 ICD for a Norwegian organisation number (Enhetsregisteret).
NORWEGIAN_ORG_SCHEME = "0192"
COMMERCIAL_INVOICE = "380"
CREDIT_NOTE = "381"
CREDIT_TRANSFER = "30"

Element = Any  # lxml ships no types


def _cbc(parent: Element, name: str, text: str, **attrs: str) -> Element:
    element = etree.SubElement(parent, f"{{{CBC}}}{name}", attrs)
    element.text = text
    return element


def _cac(parent: Element, name: str) -> Element:
    return etree.SubElement(parent, f"{{{CAC}}}{name}")


def _amount(parent: Element, name: str, value: Decimal, currency: str) -> Element:
    return _cbc(parent, name, f"{value:.2f}", currencyID=currency)


def _quantity(value: Decimal) -> str:
    # Plain notation without trailing zeros: 2, 1.5, never 1E+1.
    return f"{value.normalize():f}"


def write(document: Document) -> bytes:
    """The document as UTF-8 XML bytes with an XML declaration."""
    credit = document.kind is DocumentKind.CREDIT_NOTE
    root_ns = CREDIT_NOTE_NS if credit else INVOICE_NS
    root = etree.Element(
        f"{{{root_ns}}}{'CreditNote' if credit else 'Invoice'}",
        nsmap={None: root_ns, "cac": CAC, "cbc": CBC},
    )
    currency = document.currency
    _cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    _cbc(root, "ProfileID", PROFILE_ID)
    _cbc(root, "ID", document.number)
    _cbc(root, "IssueDate", document.issue_date.isoformat())
    if credit:
        _cbc(root, "CreditNoteTypeCode", CREDIT_NOTE)
    else:
        if document.due_date:
            _cbc(root, "DueDate", document.due_date.isoformat())
        _cbc(root, "InvoiceTypeCode", COMMERCIAL_INVOICE)
    if document.note:
        _cbc(root, "Note", document.note)
    _cbc(root, "DocumentCurrencyCode", currency)
    _cbc(root, "BuyerReference", document.buyer_reference)
    if document.period:
        period = _cac(root, "InvoicePeriod")
        _cbc(period, "StartDate", document.period.start.isoformat())
        _cbc(period, "EndDate", document.period.end.isoformat())
    if document.order_reference:
        _cbc(_cac(root, "OrderReference"), "ID", document.order_reference)
    if document.credited_invoice:
        reference = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
        _cbc(reference, "ID", document.credited_invoice.number)
        _cbc(reference, "IssueDate", document.credited_invoice.issue_date.isoformat())
    _supplier(root, document)
    _buyer(root, document)
    if document.delivery_date:
        delivery = _cac(root, "Delivery")
        _cbc(delivery, "ActualDeliveryDate", document.delivery_date.isoformat())
    _payment(root, document)
    _tax_total(root, document)
    _monetary_total(root, document)
    for line in document.lines:
        _line(root, line, credit, currency)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _address(party: Element, address: Address) -> None:
    postal = _cac(party, "PostalAddress")
    if address.street:
        _cbc(postal, "StreetName", address.street)
    if address.additional_street:
        _cbc(postal, "AdditionalStreetName", address.additional_street)
    _cbc(postal, "CityName", address.city)
    if address.postal_code:
        _cbc(postal, "PostalZone", address.postal_code)
    _cbc(_cac(postal, "Country"), "IdentificationCode", address.country)


def _contact(party: Element, contact: Contact) -> None:
    if not (contact.name or contact.phone or contact.email):
        return
    element = _cac(party, "Contact")
    if contact.name:
        _cbc(element, "Name", contact.name)
    if contact.phone:
        _cbc(element, "Telephone", contact.phone)
    if contact.email:
        _cbc(element, "ElectronicMail", contact.email)


def _party_head(parent: Element, org_number: str, name: str, address: Address) -> Element:
    party = _cac(parent, "Party")
    _cbc(party, "EndpointID", org_number, schemeID=NORWEGIAN_ORG_SCHEME)
    _cbc(_cac(party, "PartyIdentification"), "ID", org_number, schemeID=NORWEGIAN_ORG_SCHEME)
    _cbc(_cac(party, "PartyName"), "Name", name)
    _address(party, address)
    return party


def _tax_scheme(party: Element, company_id: str, scheme: str) -> None:
    tax = _cac(party, "PartyTaxScheme")
    _cbc(tax, "CompanyID", company_id)
    _cbc(_cac(tax, "TaxScheme"), "ID", scheme)


def _legal_entity(party: Element, name: str, org_number: str) -> None:
    legal = _cac(party, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", name)
    _cbc(legal, "CompanyID", org_number, schemeID=NORWEGIAN_ORG_SCHEME)


def _supplier(root: Element, document: Document) -> None:
    supplier = document.supplier
    party = _party_head(
        _cac(root, "AccountingSupplierParty"), supplier.org_number, supplier.name, supplier.address
    )
    if supplier.vat_registered:
        _tax_scheme(party, supplier.vat_number, "VAT")
    if supplier.in_business_register:
        _tax_scheme(party, "Foretaksregisteret", "TAX")
    _legal_entity(party, supplier.legal_name or supplier.name, supplier.org_number)
    _contact(party, supplier.contact)


def _buyer(root: Element, document: Document) -> None:
    buyer = document.buyer
    party = _party_head(
        _cac(root, "AccountingCustomerParty"), buyer.org_number, buyer.name, buyer.address
    )
    _legal_entity(party, buyer.legal_name or buyer.name, buyer.org_number)
    _contact(party, buyer.contact)


def _payment(root: Element, document: Document) -> None:
    if document.kind is DocumentKind.INVOICE:
        means = _cac(root, "PaymentMeans")
        _cbc(means, "PaymentMeansCode", CREDIT_TRANSFER)
        if document.kid:
            _cbc(means, "PaymentID", document.kid)
        account = _cac(means, "PayeeFinancialAccount")
        _cbc(account, "ID", document.supplier.bank_account)
        if document.supplier.bic:
            _cbc(_cac(account, "FinancialInstitutionBranch"), "ID", document.supplier.bic)
    if document.payment_note:
        _cbc(_cac(root, "PaymentTerms"), "Note", document.payment_note)


def _tax_category(parent: Element, name: str, category: VatCategory) -> None:
    element = _cac(parent, name)
    _cbc(element, "ID", category.code)
    if category.code != "O":  # BR-O-05 / BR-O-09: no rate for "not subject to VAT"
        _cbc(element, "Percent", _quantity(category.rate))
    if category.exemption_reason and name == "TaxCategory":
        _cbc(element, "TaxExemptionReason", category.exemption_reason)
    _cbc(_cac(element, "TaxScheme"), "ID", "VAT")


def _tax_total(root: Element, document: Document) -> None:
    totals, currency = document.totals, document.currency
    tax_total = _cac(root, "TaxTotal")
    _amount(tax_total, "TaxAmount", totals.vat_total, currency)
    for row in totals.breakdown:
        subtotal = _cac(tax_total, "TaxSubtotal")
        _amount(subtotal, "TaxableAmount", row.taxable, currency)
        _amount(subtotal, "TaxAmount", row.vat, currency)
        _tax_category(subtotal, "TaxCategory", row.category)


def _monetary_total(root: Element, document: Document) -> None:
    totals, currency = document.totals, document.currency
    total = _cac(root, "LegalMonetaryTotal")
    _amount(total, "LineExtensionAmount", totals.line_total, currency)
    _amount(total, "TaxExclusiveAmount", totals.tax_exclusive, currency)
    _amount(total, "TaxInclusiveAmount", totals.tax_inclusive, currency)
    _amount(total, "PayableAmount", totals.payable, currency)


def _line(root: Element, line: Line, credit: bool, currency: str) -> None:
    element = _cac(root, "CreditNoteLine" if credit else "InvoiceLine")
    _cbc(element, "ID", line.id)
    _cbc(
        element,
        "CreditedQuantity" if credit else "InvoicedQuantity",
        _quantity(line.quantity),
        unitCode=str(line.unit_code),
    )
    _amount(element, "LineExtensionAmount", line.net, currency)
    if line.period:
        period = _cac(element, "InvoicePeriod")
        _cbc(period, "StartDate", line.period.start.isoformat())
        _cbc(period, "EndDate", line.period.end.isoformat())
    item = _cac(element, "Item")
    if line.description:
        _cbc(item, "Description", line.description)
    _cbc(item, "Name", line.name)
    _tax_category(item, "ClassifiedTaxCategory", line.vat)
    price = _cac(element, "Price")
    _amount(price, "PriceAmount", line.unit_price, currency)
