"""Periods as statistics label them, normalised, with the dates they span.

SSB's Statistikkbanken labels a year `2023`, a quarter `2023K1`, a month `2023M01`, a
half-year `2023H1` and a tertial `2023T1`; Udir labels a school year `2023-24` or
`2023-2024`, and some KOSTRA and Ungdata figures cover several years (`2020-2023`).
`parse_period` reads any of these (case-insensitive, surrounding space ignored) and
returns the normalised label (`2023K1`, `2023M01`, `2023-2024`) and the first and last
day it covers. A span of two consecutive years is a school year (1 August to 31 July);
a longer span runs from 1 January of the first year to 31 December of the last. Values
are ordered by their period's last day, then its first: the latest value of an indicator
is the one whose period ends last.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FIRST_YEAR = 1900
LAST_YEAR = 2100

_PATTERN = re.compile(
    r"^(?P<year>\d{4})(?:(?P<kind>[KMHT])(?P<part>\d{1,2})|-(?P<end>\d{2}|\d{4}))?$"
)
# Months per part, and parts per year, by SSB's letter.
_PARTS = {"K": (3, 4), "M": (1, 12), "H": (6, 2), "T": (4, 3)}
SCHOOL_YEAR_START_MONTH = 8


@dataclass(frozen=True)
class Period:
    label: str
    starts_on: datetime.date
    ends_on: datetime.date


def _message(text: str) -> str:
    return _(
        "«%(period)s» er ikke en periode Samla kjenner: skriv år (2023), kvartal (2023K1), "
        "måned (2023M01), halvår (2023H1), tertial (2023T1) eller skoleår (2023-2024)."
    ) % {"period": text[:40]}


def parse_period(text: object) -> Period:
    """The period the label names, or ValidationError (Norwegian) for anything else."""
    raw = str(text if text is not None else "").strip()
    match = _PATTERN.match(raw.upper())
    if match is None:
        raise ValidationError(_message(raw))
    year = int(match["year"])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            _("Året %(year)s er utenfor %(first)s–%(last)s.")
            % {"year": year, "first": FIRST_YEAR, "last": LAST_YEAR}
        )
    if match["kind"]:
        months, count = _PARTS[match["kind"]]
        part = int(match["part"])
        if not 1 <= part <= count:
            raise ValidationError(_message(raw))
        start = datetime.date(year, (part - 1) * months + 1, 1)
        end = start + relativedelta(months=months, days=-1)
        width = 2 if match["kind"] == "M" else 1
        return Period(f"{year}{match['kind']}{part:0{width}d}", start, end)
    if match["end"]:
        end_text = match["end"]
        last = int(end_text) if len(end_text) == 4 else (year // 100) * 100 + int(end_text)
        if last <= year or last > LAST_YEAR or last - year > 20:
            raise ValidationError(_message(raw))
        if last == year + 1:
            start = datetime.date(year, SCHOOL_YEAR_START_MONTH, 1)
            end = datetime.date(last, SCHOOL_YEAR_START_MONTH, 1) - datetime.timedelta(days=1)
        else:
            start, end = datetime.date(year, 1, 1), datetime.date(last, 12, 31)
        return Period(f"{year}-{last}", start, end)
    return Period(str(year), datetime.date(year, 1, 1), datetime.date(year, 12, 31))
