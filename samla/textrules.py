"""What free text stored by any Samla app may not hold: national identity numbers and
invisible control characters.

Plans (and every later app: routines, gatherings, reports) never identify a child, so
Norwegian national identity numbers are refused wherever people type text. One detector
for them lives here, built on `stdnum.no.fodselsnummer`: a fødselsnummer, D-number
(+40 on the day) or H-number (+40 on the month) is 11 digits with a birth date and two
MOD11 check digits, written `DDMMYYNNNNN`, `DDMMYY NNNNN`, `DDMMYY.NNNNN` or
`DDMMYY-NNNNN` in text. A number is refused only when stdnum accepts it (both check
digits, a real date, a century the individual digits allow, not born in the future), so
ordinary 11-digit numbers such as bank account numbers are rarely caught by accident.

What stdnum 2.2 does not cover, and is added here: the Tax Administration's synthetic
test numbers (Tenor), which add 80 to the month. stdnum reads such a month as an H-number
(month − 40) and rejects the date; they are refused here anyway, because test data copied
from a register into a plan is exactly what this rule is for, and because the rule refused
them before stdnum was used. FH-numbers (helper numbers whose first digit is 8 or 9) carry
no date and are not treated as identity numbers, as before.

Control characters (other than tab and line breaks) are refused too: pasted from other
programs they are invisible on a page, and Word and Excel files may not contain them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as NumberError
from stdnum.no import fodselsnummer

# Six digits (the date), an optional separator, five digits; not inside a longer number.
CANDIDATE = re.compile(r"(?<!\d)(\d{6})[ .\-]?(\d{5})(?!\d)")
SYNTHETIC_MONTH_OFFSET = 80

NATIONAL_ID_MESSAGE = _(
    "Teksten ser ut til å inneholde et fødselsnummer eller D-nummer. Planer skal ikke "
    "inneholde opplysninger som identifiserer enkeltpersoner: fjern nummeret."
)


def _is_synthetic_test_number(number: str) -> bool:
    """Whether 11 digits form a synthetic test number (month + 80) with valid check digits."""
    month = int(number[2:4]) - SYNTHETIC_MONTH_OFFSET
    if not 1 <= month <= 12:
        return False
    check_digits = fodselsnummer.calc_check_digit1(number) + fodselsnummer.calc_check_digit2(number)
    if number[9:] != check_digits:
        return False
    # The check digits are over the number as written; the date is read with the real month.
    try:
        fodselsnummer.get_birth_date(f"{number[:2]}{month:02d}{number[4:]}")
    except NumberError:
        return False
    return True


def is_national_id(number: str) -> bool:
    """Whether 11 digits form a fødselsnummer, D-number, H-number or synthetic test number."""
    if not re.fullmatch(r"\d{11}", number):
        return False
    return fodselsnummer.is_valid(number) or _is_synthetic_test_number(number)


def contains_national_id(text: str) -> bool:
    """Whether the text holds something that is a national identity number."""
    return any(is_national_id(a + b) for a, b in CANDIDATE.findall(text or ""))


def validate_no_national_id(value: object) -> None:
    """Field validator: refuse text (or a list of texts) holding a national identity number."""
    texts: Iterable[object] = value if isinstance(value, list | tuple) else [value]
    for text in texts:
        if isinstance(text, str) and contains_national_id(text):
            raise ValidationError(NATIONAL_ID_MESSAGE, code="national_id")


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_MESSAGE = _(
    "Teksten inneholder usynlige kontrolltegn som ikke kan lagres. "
    "Skriv eller lim inn teksten på nytt."
)


def contains_control_characters(text: str) -> bool:
    """Whether the text holds a control character other than tab, line feed or return."""
    return bool(CONTROL.search(text or ""))


def validate_printable(value: object) -> None:
    """Field validator: refuse text (or a list of texts) holding control characters."""
    texts: Iterable[object] = value if isinstance(value, list | tuple) else [value]
    for text in texts:
        if isinstance(text, str) and contains_control_characters(text):
            raise ValidationError(CONTROL_MESSAGE, code="control_characters")
