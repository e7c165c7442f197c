"""Exact NOK amounts, VAT categories and invoice totals as EN 16931 computes them.

Amounts are `Decimal` with two decimals (øre), never floats. A line's net amount is
quantity × unit price rounded to the øre (ROUND_HALF_UP); a VAT category's tax is its
taxable amount (the sum of its lines' net amounts) × the rate, rounded once to the øre;
the document's VAT is the sum of the categories' tax (BR-CO-14), its net the sum of the
lines (BR-CO-10), and the total with VAT their sum (BR-CO-15). Rounding per category
rather than per line is what the rules check, so the figures here are the ones a
validator recomputes. Display goes through `samla.formats.format_kroner`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
# Above any real invoice, and far below where Decimal's 28 digits would fail to quantize.
LARGEST = Decimal("1e12")
HUNDRED = Decimal(100)
# Quantities are whole units or parts of them (1.5 days, 7.5 hours): at most four
# decimals, which UBL's quantity carries without rounding.
QUANTITY_PLACES = Decimal("0.0001")

# Merverdiavgiftsloven § 3-5 (1) exempts supplying education services
# ("omsetning og formidling av undervisningstjenester"); Skatteetaten reads it to cover
# courses and training days, also when the buyer is a business or a municipality. It does
# not cover advice or supervision of a project (veiledning as consultancy) nor a website or
# print, which are 25 %. Which items are education is the consultancy's call per item.
EDUCATION_EXEMPTION_REASON = "Unntatt etter merverdiavgiftsloven § 3-5 (undervisningstjenester)"
# For an exempt item that is not education: the law's paragraph is the seller's to name.
GENERIC_EXEMPTION_REASON = "Unntatt fra merverdiavgift etter merverdiavgiftsloven kapittel 3"
NOT_SUBJECT_REASON = "Selger er ikke registrert i Merverdiavgiftsregisteret"


def amount(value: Decimal | int | str) -> Decimal:
    """An amount in NOK with two decimals; floats and fractions of an øre are refused."""
    number = _decimal(value)
    if number != number.quantize(CENT):
        raise ValidationError(
            _("Beløpet %(value)s har brøkdeler av øre: bruk høyst to desimaler."),
            code="fractional_ore",
            params={"value": value},
        )
    return number.quantize(CENT)


def unit_price(value: Decimal | int | str) -> Decimal:
    """A price per unit excluding VAT: an amount that is not negative."""
    price = amount(value)
    if price < 0:
        raise ValidationError(
            _("Enhetsprisen kan ikke være negativ (%(value)s)."),
            code="negative_price",
            params={"value": value},
        )
    return price


def quantity(value: Decimal | int | str) -> Decimal:
    """A quantity above zero with at most four decimals."""
    number = _decimal(value)
    if number <= 0:
        raise ValidationError(
            _("Antallet må være større enn null (%(value)s)."),
            code="quantity_not_positive",
            params={"value": value},
        )
    if number != number.quantize(QUANTITY_PLACES):
        raise ValidationError(
            _("Antallet %(value)s har for mange desimaler: bruk høyst fire."),
            code="quantity_places",
            params={"value": value},
        )
    return number


def line_net(count: Decimal, price: Decimal) -> Decimal:
    """Quantity × unit price, rounded half up to the øre (the line's net amount)."""
    return (count * price).quantize(CENT, rounding=ROUND_HALF_UP)


def _decimal(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float | bool):
        # A float has already lost the øre (0.1 + 0.2); a bool is an int by accident.
        raise ValidationError(
            _("Beløp og antall må oppgis som desimaltall, ikke flyttall."), code="float"
        )
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(
            _("«%(value)s» er ikke et tall."), code="not_a_number", params={"value": value}
        ) from None
    if not number.is_finite():
        raise ValidationError(
            _("«%(value)s» er ikke et tall."), code="not_a_number", params={"value": value}
        )
    if abs(number) >= LARGEST:
        raise ValidationError(
            _("«%(value)s» er for stort: beløp og antall må være under 1 000 milliarder."),
            code="too_large",
            params={"value": value},
        )
    return number


@dataclass(frozen=True)
class VatCategory:
    """A VAT category of EN 16931 (UNCL5305 code), its rate and, for exempt, the reason.

    `S` standard rate (25 % for what Samla sells), `E` exempt (with the reason written on
    the invoice, BR-E-10), `O` not subject to VAT (a seller outside the VAT register;
    BR-O-*: no rate, and no other category on the same document).
    """

    code: str
    rate: Decimal
    exemption_reason: str = ""

    def __post_init__(self) -> None:
        if self.code == "S" and self.rate <= 0:
            raise ValidationError(
                _("Standard merverdiavgift må ha en sats over null."), code="vat_rate"
            )
        if self.code in ("E", "O") and (self.rate != 0 or not self.exemption_reason.strip()):
            raise ValidationError(
                _("Fritak fra merverdiavgift må ha sats 0 og en begrunnelse på fakturaen."),
                code="vat_exemption_reason",
            )
        if self.code not in ("S", "E", "O"):
            raise ValidationError(
                _("Ukjent mva-kategori «%(code)s»."), code="vat_code", params={"code": self.code}
            )

    @property
    def key(self) -> tuple[str, Decimal]:
        """What groups lines into one VAT breakdown: code and rate (BR-S-08, BR-E-01)."""
        return (self.code, self.rate)

    def vat_on(self, taxable: Decimal) -> Decimal:
        return (taxable * self.rate / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


STANDARD = VatCategory("S", Decimal(25))
EXEMPT_EDUCATION = VatCategory("E", Decimal(0), EDUCATION_EXEMPTION_REASON)
NOT_SUBJECT = VatCategory("O", Decimal(0), NOT_SUBJECT_REASON)


def exempt(reason: str = GENERIC_EXEMPTION_REASON) -> VatCategory:
    """An exempt category with the reason the invoice states."""
    return VatCategory("E", Decimal(0), reason.strip())


@dataclass(frozen=True)
class VatBreakdown:
    """One VAT category's figures on a document (BG-23)."""

    category: VatCategory
    taxable: Decimal
    vat: Decimal


@dataclass(frozen=True)
class Totals:
    """A document's totals (BG-22) and its VAT breakdown, in order of first appearance."""

    line_total: Decimal
    vat_total: Decimal
    breakdown: tuple[VatBreakdown, ...]

    @property
    def tax_exclusive(self) -> Decimal:
        # No document-level allowances or charges: BT-109 = BT-106 (BR-CO-13).
        return self.line_total

    @property
    def tax_inclusive(self) -> Decimal:
        return self.line_total + self.vat_total

    @property
    def payable(self) -> Decimal:
        # Nothing prepaid and no rounding amount: BT-115 = BT-112 (BR-CO-16).
        return self.tax_inclusive


def compute_totals(lines: Iterable[tuple[VatCategory, Decimal]]) -> Totals:
    """Totals of lines given as (VAT category, net amount)."""
    taxable: dict[tuple[str, Decimal], Decimal] = {}
    categories: dict[tuple[str, Decimal], VatCategory] = {}
    line_total = Decimal("0.00")
    for category, net in lines:
        if categories.setdefault(category.key, category) != category:
            # One breakdown per category and rate, with one reason (BR-E-01, BR-O-01):
            # a document cannot state two reasons for exemption.
            raise ValidationError(
                _(
                    "Alle fritatte linjer på samme faktura må ha samme fritaksgrunn "
                    "(«%(first)s» og «%(second)s»): lag én faktura per fritaksgrunn."
                ),
                code="exemption_reasons_differ",
                params={
                    "first": categories[category.key].exemption_reason,
                    "second": category.exemption_reason,
                },
            )
        taxable[category.key] = taxable.get(category.key, Decimal("0.00")) + net
        line_total += net
    breakdown = tuple(
        VatBreakdown(categories[key], total, categories[key].vat_on(total))
        for key, total in taxable.items()
    )
    vat_total = sum((row.vat for row in breakdown), Decimal("0.00"))
    return Totals(line_total=line_total, vat_total=vat_total, breakdown=breakdown)
