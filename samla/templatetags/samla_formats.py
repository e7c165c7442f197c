"""Template filters for dates, months, numbers and kroner, the same text the documents show."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import template

from samla import formats

register = template.Library()


def _date_only(value: Any) -> datetime.date | None:
    return value if isinstance(value, datetime.date) else None


@register.filter
def short_date(value: Any) -> str:
    """`01.11.2017`."""
    return formats.format_date(_date_only(value))


@register.filter
def long_date(value: Any) -> str:
    """`1. november 2017`."""
    return formats.format_long_date(_date_only(value))


@register.filter(expects_localtime=True)
def short_datetime(value: Any) -> str:
    """`01.11.2017 14:05`, in local time."""
    return formats.format_datetime(value if isinstance(value, datetime.datetime) else None)


@register.filter(expects_localtime=True)
def long_datetime(value: Any) -> str:
    """`1. november 2017 14:05`, in local time."""
    return formats.format_long_datetime(value if isinstance(value, datetime.datetime) else None)


@register.filter
def month(value: Any) -> str:
    """`sep 17`, as in the documents' activity plan."""
    return formats.format_month(_date_only(value))


@register.filter
def month_abbreviation(value: Any) -> str:
    """`sep`."""
    date = _date_only(value)
    return formats.month_abbreviation(date) if date else ""


@register.filter
def month_name(value: Any) -> str:
    """`september 2017`."""
    return formats.format_month_name(_date_only(value))


@register.filter
def number(value: Any) -> str:
    """A measured value: `2,5`, `10`, `−3`."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        return ""
    return formats.format_number(value)


@register.filter
def kroner(value: Any) -> str:
    """`1 234 567,00 kr`, `−50 000,00 kr`."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return ""
    return formats.format_kroner(value)
