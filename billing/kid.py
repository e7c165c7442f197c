"""KID numbers (customer reference on a Norwegian giro payment) and the bank and
organisation numbers an invoice names.

A KID is the consultancy's prefix, the invoice number padded to a fixed width, and a check
digit: MOD10 (Luhn, the default; `stdnum.luhn`) or MOD11 (weights 2–7 from the right,
11 − remainder; a result of 10 is written "-"). python-stdnum 2.2 has no KID module and no
generic weighted MOD11, so MOD11 uses `stdnum.cl.rut.calc_check_digit`, which computes
exactly this sum (weights 9–4 cyclic, remainder mod 11, the same digit as 11 − the 2–7
remainder) and writes 10 as "K"; the tests cross-check it with `stdnum.no.kontonr`, whose
check digit is the same MOD11 over ten digits. Nothing here computes a check digit by hand.

Bank accounts are checked with `stdnum.no.kontonr` (11 digits) or `stdnum.iban`;
organisation numbers with `tenants.validators.validate_org_number` (`stdnum.no.orgnr`).
"""

from __future__ import annotations

import enum

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import iban, luhn
from stdnum.cl import rut
from stdnum.exceptions import ValidationError as NumberError
from stdnum.no import kontonr

from tenants.validators import validate_org_number

__all__ = [
    "KidMethod",
    "make_kid",
    "validate_account",
    "validate_kid",
    "validate_org_number",
]

# Nets' OCR giro takes KIDs of 2 to 25 characters, the check digit included.
KID_MIN_LENGTH = 2
KID_MAX_LENGTH = 25
DEFAULT_WIDTH = 7


class KidMethod(enum.StrEnum):
    MOD10 = "mod10"
    MOD11 = "mod11"


def _check_digit(digits: str, method: KidMethod) -> str:
    if method is KidMethod.MOD10:
        return str(luhn.calc_check_digit(digits))
    return str(rut.calc_check_digit(digits)).replace("K", "-")


def make_kid(
    invoice_number: int | str,
    *,
    prefix: str = "",
    width: int = DEFAULT_WIDTH,
    method: KidMethod = KidMethod.MOD10,
) -> str:
    """The KID for an invoice: `prefix` + the invoice number zero-padded to `width`
    + the check digit. The same inputs give the same KID, so it is never stored twice
    differently; a bank payment is matched back by reading the invoice number out of it.
    """
    number = str(invoice_number).strip()
    if not number.isascii() or not number.isdigit() or (prefix and not prefix.isdigit()):
        raise ValidationError(
            _("KID lages av siffer: fakturanummeret og prefikset kan bare inneholde 0–9."),
            code="kid_digits",
        )
    digits = prefix + number.zfill(width)
    if len(digits) + 1 > KID_MAX_LENGTH:
        raise ValidationError(
            _("KID kan være høyst %(max)d siffer."),
            code="kid_length",
            params={"max": KID_MAX_LENGTH},
        )
    return digits + _check_digit(digits, method)


def validate_kid(kid: str, method: KidMethod | None = None) -> str:
    """Return the KID if its check digit is right (by `method`, or either when None)."""
    kid = (kid or "").strip()
    body, check = kid[:-1], kid[-1:]
    if (
        not KID_MIN_LENGTH <= len(kid) <= KID_MAX_LENGTH
        or not body.isascii()
        or not body.isdigit()
        or not (check.isdigit() or check == "-")
    ):
        raise ValidationError(
            _("KID må være 2–25 siffer (et MOD11-kontrollsiffer kan være «-»)."),
            code="kid_format",
        )
    methods = [method] if method else list(KidMethod)
    if not any(_check_digit(body, m) == check for m in methods):
        raise ValidationError(
            _("KID %(kid)s er ikke gyldig (kontrollsifferet stemmer ikke)."),
            code="kid_checksum",
            params={"kid": kid},
        )
    return kid


def validate_account(account: str) -> str:
    """A Norwegian account number (11 digits, returned compact) or an IBAN (compact)."""
    text = (account or "").strip()
    try:
        if text[:2].isalpha():
            return str(iban.validate(text))
        number = str(kontonr.validate(text))
    except NumberError:
        number = ""
    if len(number) != 11:
        # kontonr also takes 7-digit postgiro numbers, which cannot receive an invoice payment.
        raise ValidationError(
            _("Kontonummeret %(account)s er ikke gyldig (11 siffer eller IBAN)."),
            code="account_number",
            params={"account": account},
        )
    return number
