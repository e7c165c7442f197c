"""What plan text may not hold: national identity numbers, and invisible control characters.

Plans never identify a child, so Norwegian national identity numbers are refused.

A fødselsnummer or D-number is 11 digits: a date (DDMMYY; +40 on the day for a D-number,
+40 on the month for an H-number, +80 on the month for the Tax Administration's synthetic
test numbers), three individual digits and two MOD11 check digits. Written as
`DDMMYYNNNNN`, `DDMMYY NNNNN` or `DDMMYY-NNNNN`. A number is refused only when both check
digits are valid and the date part could be a date, so ordinary 11-digit numbers (such
as bank account numbers) are rarely caught by accident.

Control characters (other than tab and line breaks) are refused too: pasted from other
programs they are invisible on a page, and they are not allowed in Word and Excel files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FIRST_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
SECOND_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
CANDIDATE = re.compile(r"(?<!\d)(\d{6})[ .\-]?(\d{5})(?!\d)")

NATIONAL_ID_MESSAGE = _(
    "Teksten ser ut til å inneholde et fødselsnummer eller D-nummer. Planer skal ikke "
    "inneholde opplysninger som identifiserer enkeltpersoner: fjern nummeret."
)


def _check_digit(digits: str, weights: tuple[int, ...]) -> int | None:
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None  # no valid check digit: such numbers are never issued
    return 11 - remainder


def _plausible_date(digits: str) -> bool:
    day, month = int(digits[0:2]), int(digits[2:4])
    if day > 40:
        day -= 40  # D-number
    if month > 80:
        month -= 80  # synthetic test number
    elif month > 40:
        month -= 40  # H-number
    return 1 <= day <= 31 and 1 <= month <= 12


def is_national_id(number: str) -> bool:
    """Whether 11 digits form a valid fødselsnummer, D-number or H-number."""
    if not re.fullmatch(r"\d{11}", number) or not _plausible_date(number):
        return False
    return _check_digit(number[:9], FIRST_WEIGHTS) == int(number[9]) and _check_digit(
        number[:10], SECOND_WEIGHTS
    ) == int(number[10])


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
