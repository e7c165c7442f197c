"""What a document cell shows and text that XML can hold.

Dates, months and kroner read as on the pages: `samla.formats` formats them for both.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from samla.formats import format_date, format_kroner

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean(text: str) -> str:
    """Text that XML can hold: tabs as spaces, other control characters dropped."""
    return CONTROL.sub("", text.replace("\t", " "))


def format_value(value: Any) -> str:
    """Any cell value as the text a reader sees."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return format_date(value)
    if isinstance(value, Decimal):
        return format_kroner(value)
    return str(value)
