"""An invoice or credit note as an EHF document (Peppol BIS Billing 3.0): Samla's rows
read into `billing.ehf.document.Document` and written as UBL by `billing.ehf.ubl`.

- Supplier: the invoice's consultancy (organisation number, VAT registration, whether it
  writes "Foretaksregisteret", address, contact, bank account). For a licence invoice the
  consultancy is the platform seller (`Consultancy.is_platform`), Samla itself.
- Buyer: an order's invoice fields (name, organisation number, address, e-mail); a
  licence's municipality. Buyer reference (BT-10) from the invoice, the order's purchase
  order number as the order reference (BT-13).
- Lines with their VAT category (`billing.kinds.vat_category`: category O on every line
  when the seller is outside the VAT register); the invoice period when it has one (the
  month of an as-delivered invoice, the order's span when up front, a licence's year).
- Payment: credit transfer to the seller's account with the KID; the payment note names
  both and, when Stripe has made one, the hosted invoice page where card payment works.
- A credit note names the invoice it credits (BG-3) and carries no KID or due date.

`freeze` writes the document into `Invoice.ehf_xml` at issue; `refreeze` writes it again
before sending when the payment note has changed (the hosted link arrives from Stripe
after the invoice is issued). Building the document is the check: what the rules would
refuse raises a `ValidationError` in Norwegian, before anything is stored.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from billing.ehf import ubl
from billing.ehf.document import (
    Address,
    Buyer,
    Contact,
    Document,
    DocumentKind,
    InvoiceReference,
    Line,
    Period,
    Supplier,
    UnitCode,
)
from billing.kinds import vat_category
from billing.models import Consultancy, Invoice, InvoiceKind, InvoiceLine, SendState


def _format_account(account: str) -> str:
    """A Norwegian account number as people write it (1234.56.78903); an IBAN as it is."""
    if len(account) == 11 and account.isdigit():
        return f"{account[:4]}.{account[4:6]}.{account[6:]}"
    return account


def check_seller(consultancy: Consultancy) -> None:
    """Refuse, in words a consultancy can act on, a seller that cannot invoice yet."""
    problems: dict[str, str] = {}
    if not consultancy.bank_account:
        problems["bank_account"] = _(
            "%(seller)s mangler kontonummer: fakturaen må si hvor det skal betales."
        ) % {"seller": consultancy.name}
    if not consultancy.city.strip():
        problems["city"] = _("%(seller)s mangler poststed i adressen: fakturaen må ha det.") % {
            "seller": consultancy.name
        }
    if problems:
        raise ValidationError(problems)


def supplier_of(consultancy: Consultancy) -> Supplier:
    check_seller(consultancy)
    return Supplier(
        name=consultancy.name,
        legal_name=consultancy.legal_name,
        org_number=consultancy.org_number,
        address=Address(consultancy.street, consultancy.postcode, consultancy.city),
        bank_account=consultancy.bank_account,
        vat_registered=consultancy.vat_registered,
        in_business_register=consultancy.in_business_register,
        contact=Contact(
            consultancy.contact_name, consultancy.contact_email, consultancy.contact_phone
        ),
    )


def buyer_of(invoice: Invoice) -> Buyer:
    municipality = invoice.municipality
    order = invoice.order
    if order is None:
        # A licence: the municipality itself (no invoice address is kept for it; the
        # municipality's name stands for its seat).
        return Buyer(
            name=municipality.name,
            org_number=municipality.org_number,
            address=Address("", "", municipality.name),
        )
    return Buyer(
        name=order.invoice_name,
        org_number=order.invoice_org_number,
        address=Address(
            order.invoice_street,
            order.invoice_postcode,
            order.invoice_city or municipality.name,
        ),
        contact=Contact(email=order.invoice_email),
    )


def payment_note(invoice: Invoice) -> str:
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        return ""
    note = _("Betales til konto %(account)s med KID %(kid)s innen %(due)s.") % {
        "account": _format_account(invoice.consultancy.bank_account),
        "kid": invoice.kid,
        "due": invoice.due_date.strftime("%d.%m.%Y") if invoice.due_date else "",
    }
    if invoice.stripe_hosted_url:
        note += " " + _("Betal med kort: %(url)s") % {"url": invoice.stripe_hosted_url}
    return note


def _line(row: InvoiceLine, vat_registered: bool) -> Line:
    order_line = row.order_line
    return Line(
        id=str(row.position),
        name=row.name,
        description=order_line.description if order_line is not None else "",
        quantity=row.quantity,
        unit_code=UnitCode(row.unit),
        unit_price=row.unit_price,
        vat=vat_category(row.vat, vat_registered=vat_registered),
    )


def _note(invoice: Invoice) -> str:
    if invoice.order is not None:
        return _("Bestilling: %(title)s") % {"title": invoice.order.title}
    if invoice.licence is not None:
        return _("Samla-lisens %(year)s") % {"year": invoice.licence.year}
    return ""


def build_document(invoice: Invoice, lines: list[InvoiceLine] | None = None) -> Document:
    """The invoice (numbered, dated, with its lines) as an EHF document."""
    if invoice.number is None or invoice.issue_date is None:
        raise ValidationError(_("Fakturaen er ikke utstedt ennå: den har ikke nummer."))
    if lines is None:
        lines = list(invoice.lines.select_related("order_line").order_by("position", "id"))
    consultancy = invoice.consultancy
    credited = invoice.credited_invoice
    credit = invoice.kind == InvoiceKind.CREDIT_NOTE
    if credit and (credited is None or credited.number is None or credited.issue_date is None):
        raise ValidationError(_("En kreditnota må vise til en utstedt faktura."))
    period = (
        Period(invoice.period_start, invoice.period_end)
        if invoice.period_start and invoice.period_end
        else None
    )
    order = invoice.order
    return Document(
        kind=DocumentKind.CREDIT_NOTE if credit else DocumentKind.INVOICE,
        number=str(invoice.number),
        issue_date=invoice.issue_date,
        due_date=None if credit else invoice.due_date,
        supplier=supplier_of(consultancy),
        buyer=buyer_of(invoice),
        buyer_reference=invoice.buyer_reference,
        order_reference=order.purchase_order if order is not None else "",
        lines=tuple(_line(row, consultancy.vat_registered) for row in lines),
        period=period,
        kid="" if credit else invoice.kid,
        payment_note=payment_note(invoice),
        note=_note(invoice),
        credited_invoice=(
            InvoiceReference(str(credited.number), credited.issue_date)
            if credit and credited is not None and credited.issue_date is not None
            else None
        ),
        currency=invoice.currency,
    )


def ehf_xml(invoice: Invoice) -> bytes:
    """The invoice or credit note as EHF (UBL 2.1) bytes, written from its rows now."""
    return ubl.write(build_document(invoice))


def freeze(invoice: Invoice, lines: list[InvoiceLine] | None = None) -> str:
    """The document as the text `Invoice.ehf_xml` keeps (the caller saves it)."""
    return ubl.write(build_document(invoice, lines)).decode("utf-8")


def refreeze(invoice: Invoice) -> Invoice:
    """Write the stored document again from the invoice as it is now (the hosted invoice
    link added to the payment note), unless it has already been sent: what a buyer
    received is never changed."""
    if invoice.send_state == SendState.SENT or invoice.number is None:
        return invoice
    invoice.ehf_xml = freeze(invoice)
    Invoice.objects.filter(pk=invoice.pk).exclude(send_state=SendState.SENT).update(
        ehf_xml=invoice.ehf_xml
    )
    return invoice
