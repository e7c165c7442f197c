"""An EHF invoice or credit note as data: frozen dataclasses that refuse what the rules
would refuse, with a Norwegian message, before any XML is written.

The supplier is the consultancy (Samla invoices on its behalf), the buyer the
municipality. Building a `Document` is the check: a missing buyer reference, an invalid
organisation, account or KID number, a line period outside the invoice period, VAT that
does not fit the supplier's registration, or a credit note that names no invoice raise
`django.core.exceptions.ValidationError`. `ubl.py` writes a valid `Document` as UBL.
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from billing import money
from billing.kid import validate_account, validate_kid, validate_org_number


class DocumentKind(enum.StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class UnitCode(enum.StrEnum):
    """Units of UN/ECE recommendation 20 that Samla's items are sold in."""

    DAY = "DAY"
    HOUR = "HUR"
    MONTH = "MON"
    EACH = "EA"
    PIECE = "C62"  # "one": a unit without a dimension (a website, a print run)


def _required(value: str, message: str, code: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(message, code=code)
    return text


@dataclass(frozen=True)
class Address:
    street: str
    postal_code: str
    city: str
    country: str = "NO"
    additional_street: str = ""

    def __post_init__(self) -> None:
        _required(self.city, _("Adressen mangler poststed."), "address_city")
        if len(self.country) != 2 or not self.country.isalpha() or not self.country.isupper():
            raise ValidationError(
                _("Landkoden må være to store bokstaver (for eksempel NO)."), code="country"
            )


@dataclass(frozen=True)
class Contact:
    name: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Supplier:
    """The consultancy: who sells, is paid, and answers for VAT."""

    name: str
    org_number: str
    address: Address
    bank_account: str
    vat_registered: bool
    # Aksjeselskap, ASA and branches of foreign companies must write "Foretaksregisteret"
    # on the invoice (foretaksregisterloven § 10-2; NO-R-002 warns without it).
    in_business_register: bool = True
    legal_name: str = ""
    bic: str = ""
    contact: Contact = field(default_factory=Contact)

    def __post_init__(self) -> None:
        _required(self.name, _("Selgeren mangler navn."), "supplier_name")
        validate_org_number(self.org_number)
        object.__setattr__(self, "bank_account", validate_account(self.bank_account))

    @property
    def vat_number(self) -> str:
        """The VAT number NO-R-001 requires: NO + organisation number + MVA."""
        return f"NO{self.org_number}MVA" if self.vat_registered else ""


@dataclass(frozen=True)
class Buyer:
    """The municipality, addressed in the Peppol network by its organisation number (0192)."""

    name: str
    org_number: str
    address: Address
    legal_name: str = ""
    contact: Contact = field(default_factory=Contact)

    def __post_init__(self) -> None:
        _required(self.name, _("Kjøperen mangler navn."), "buyer_name")
        validate_org_number(self.org_number)


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError(
                _("Perioden slutter (%(end)s) før den begynner (%(start)s)."),
                code="period_order",
                params={"start": self.start.isoformat(), "end": self.end.isoformat()},
            )

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True)
class Line:
    """One invoice (or credit note) line: an item, how many, the price without VAT."""

    id: str
    name: str
    quantity: Decimal
    unit_code: UnitCode
    unit_price: Decimal
    vat: money.VatCategory
    description: str = ""
    period: Period | None = None

    def __post_init__(self) -> None:
        _required(self.id, _("En fakturalinje mangler nummer."), "line_id")
        _required(self.name, _("En fakturalinje mangler navn."), "line_name")
        object.__setattr__(self, "quantity", money.quantity(self.quantity))
        object.__setattr__(self, "unit_price", money.unit_price(self.unit_price))
        try:
            object.__setattr__(self, "unit_code", UnitCode(self.unit_code))
        except ValueError:
            raise ValidationError(
                _("Ukjent enhet «%(unit)s»: bruk DAY, HUR, MON, EA eller C62."),
                code="unit_code",
                params={"unit": self.unit_code},
            ) from None

    @property
    def net(self) -> Decimal:
        return money.line_net(self.quantity, self.unit_price)


@dataclass(frozen=True)
class InvoiceReference:
    """The invoice a credit note credits (BG-3)."""

    number: str
    issue_date: datetime.date


@dataclass(frozen=True)
class Document:
    """An invoice or a credit note, checked on construction."""

    kind: DocumentKind
    number: str
    issue_date: datetime.date
    supplier: Supplier
    buyer: Buyer
    buyer_reference: str
    lines: tuple[Line, ...]
    due_date: datetime.date | None = None
    order_reference: str = ""
    period: Period | None = None
    # When the service was delivered (bokføringsforskriften § 5-1-1 asks for the time of
    # delivery: this or the period).
    delivery_date: datetime.date | None = None
    kid: str = ""
    # The payment terms (BT-20): where the hosted invoice link and the bank details go.
    payment_note: str = ""
    note: str = ""
    credited_invoice: InvoiceReference | None = None
    currency: str = "NOK"

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "buyer_reference",
            _required(
                self.buyer_reference,
                _(
                    "Fakturaen mangler kjøperens referanse (bestillerreferansen): offentlige "
                    "mottakere avviser EHF-fakturaer uten den."
                ),
                "buyer_reference",
            ),
        )
        _required(self.number, _("Dokumentet mangler nummer."), "document_number")
        object.__setattr__(self, "lines", tuple(self.lines))
        if not self.lines:
            raise ValidationError(_("Et dokument må ha minst én linje."), code="no_lines")
        ids = [line.id for line in self.lines]
        if len(set(ids)) != len(ids):
            raise ValidationError(_("To linjer har samme linjenummer."), code="line_id_twice")
        if self.currency != "NOK":
            raise ValidationError(_("Samla fakturerer bare i norske kroner."), code="currency")
        self._check_vat()
        self.totals  # noqa: B018 - computing them refuses two exemption reasons
        self._check_dates()
        self._check_payment()

    def _check_vat(self) -> None:
        codes = {line.vat.code for line in self.lines}
        if not self.supplier.vat_registered and codes != {"O"}:
            raise ValidationError(
                _(
                    "Selgeren er ikke registrert for merverdiavgift: alle linjer må være "
                    "utenfor avgiftsområdet."
                ),
                code="vat_not_registered",
            )
        if self.supplier.vat_registered and "O" in codes:
            raise ValidationError(
                _("En mva-registrert selger må bruke sats 25 % eller fritak på hver linje."),
                code="vat_registered_outside",
            )

    def _check_dates(self) -> None:
        if self.due_date is not None and self.due_date < self.issue_date:
            raise ValidationError(
                _("Forfallsdatoen kan ikke være før fakturadatoen."), code="due_before_issue"
            )
        for line in self.lines:
            if line.period and self.period and not self.period.contains(line.period):
                raise ValidationError(
                    _("Perioden på linje %(line)s ligger utenfor fakturaperioden."),
                    code="line_period",
                    params={"line": line.id},
                )
        if self.kind is DocumentKind.CREDIT_NOTE:
            if self.credited_invoice is None:
                raise ValidationError(
                    _("En kreditnota må vise til fakturaen den krediterer."),
                    code="credited_invoice",
                )
        elif self.credited_invoice is not None:
            raise ValidationError(
                _("Bare en kreditnota viser til en faktura den krediterer."),
                code="credited_invoice_on_invoice",
            )

    def _check_payment(self) -> None:
        if self.kid:
            object.__setattr__(self, "kid", validate_kid(self.kid))
        if self.kind is DocumentKind.CREDIT_NOTE and self.kid:
            # Nothing is paid against a credit note: a KID there would match no payment.
            raise ValidationError(_("En kreditnota har ingen KID."), code="kid_on_credit_note")
        if self.kind is DocumentKind.INVOICE:
            if self.due_date is None:
                raise ValidationError(_("Fakturaen mangler forfallsdato."), code="due_date")
            if not self.kid:
                raise ValidationError(_("Fakturaen mangler KID."), code="kid_missing")

    @property
    def totals(self) -> money.Totals:
        return money.compute_totals((line.vat, line.net) for line in self.lines)
