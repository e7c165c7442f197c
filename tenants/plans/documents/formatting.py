"""How values look in the plan documents: dates, kroner, file names."""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import quote

from django.utils.text import slugify

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

MONTHS = ("jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des")


def clean(text: str) -> str:
    """Text that XML can hold: tabs as spaces, other control characters dropped."""
    return CONTROL.sub("", text.replace("\t", " "))


def format_date(value: datetime.date | None) -> str:
    """dd.mm.yyyy, or an empty string."""
    return value.strftime("%d.%m.%Y") if value else ""


def format_kroner(value: Decimal | int | None) -> str:
    """Norwegian kroner: `1 234 567,00 kr`."""
    if value is None:
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "−" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{' '.join(groups)},{cents} kr"


def format_month(value: datetime.date) -> str:
    """A month column's label: `sep 17`."""
    return f"{MONTHS[value.month - 1]} {value:%y}"


def format_value(value: Any) -> str:
    """Any cell value as the text a reader sees."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return format_date(value)
    if isinstance(value, Decimal):
        return format_kroner(value)
    return str(value)


def attachment_header(title: str, extension: str) -> str:
    """`Content-Disposition` for a download: a safe ASCII name and the UTF-8 one."""
    ascii_name = f"{slugify(title)[:80] or 'prosjektplan'}.{extension}"
    readable = f"{title.strip()[:120] or 'prosjektplan'}.{extension}"
    readable = "".join(c for c in readable if c.isprintable() and c not in '/\\"')
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(readable)}"
