"""How dates, months, numbers and kroner read, on pages and in documents alike.

Everything goes through Django's locale formats (`django.utils.formats`: for `nb`, dates as
`01.11.2017`, a decimal comma and a no-break space between thousands) and its translated
month names (`django.utils.dates`), so a page and a document made in the same language
show the same text. Templates reach these through the `samla_formats` filter library.
"""

from __future__ import annotations

import datetime
import functools
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language

MINUS = "\u2212"  # the minus sign, not the hyphen a keyboard types
NO_BREAK = "\xa0"  # between an amount and its unit, which must not part at a line end
CENT = Decimal("0.01")


def format_date(value: datetime.date | None) -> str:
    """The short date of the active locale (`01.11.2017`), or an empty string."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = _local(value).date()
    return _short_date(value, get_language())


@functools.lru_cache(maxsize=4096)
def _short_date(value: datetime.date, language: str | None) -> str:
    # A large plan's documents hold thousands of dates, most of them repeated, and
    # date_format costs some microseconds each. The language is part of the key.
    return date_format(value, "SHORT_DATE_FORMAT")


def format_long_date(value: datetime.date | None) -> str:
    """The written-out date (`1. november 2017`), or an empty string."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = _local(value).date()
    return date_format(value, "DATE_FORMAT")


def format_datetime(value: datetime.datetime | None) -> str:
    """A moment as a short date and the local time (`01.11.2017 14:05`)."""
    return date_format(_local(value), "SHORT_DATETIME_FORMAT") if value else ""


def format_long_datetime(value: datetime.datetime | None) -> str:
    """A moment as a written-out date and the local time (`1. november 2017 14:05`)."""
    return date_format(_local(value), "DATETIME_FORMAT") if value else ""


def format_month(value: datetime.date | None) -> str:
    """A month in a narrow column: the translated short name and the year (`sep 17`)."""
    if value is None:
        return ""
    return f"{month_abbreviation(value)} {value:%y}"


def month_abbreviation(value: datetime.date) -> str:
    """The translated short name of the month (`sep`, `mai`, `des`)."""
    return str(MONTHS_3[value.month])


def format_month_name(value: datetime.date | None) -> str:
    """A month written out with its year (`september 2017`)."""
    return date_format(value, "YEAR_MONTH_FORMAT") if value else ""


def format_number(value: Decimal | int | float | None) -> str:
    """A measured value with the locale's decimal mark and no trailing zeros (`2,5`, `10`)."""
    if value is None:
        return ""
    if isinstance(value, Decimal) and value == value.to_integral():
        value = value.quantize(Decimal(1))  # `5.00` reads as `5`, `1E+1` as `10`
    return _signed(number_format(value))


def format_kroner(value: Decimal | int | None) -> str:
    """Norwegian kroner, to the øre and grouped by thousands: `1 234 567,00 kr`, `−50,00 kr`."""
    if value is None:
        return ""
    amount = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    if not amount:
        amount = abs(amount)  # no "−0,00"
    return f"{_signed(number_format(amount, 2, force_grouping=True))}{NO_BREAK}kr"


def _signed(text: str) -> str:
    return MINUS + text[1:] if text.startswith("-") else text


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value
