"""Month arithmetic for plan dates, on `dateutil.relativedelta`, shared by every app.

Adding months keeps the day and clamps it to the target month's last day (31 January plus
one month is 28 or 29 February), as `relativedelta` does. The `shift_*` helpers answer
None instead of raising when the result leaves the calendar Python can hold (years
1–9999), so a caller can turn that into a field error.
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta


def add_months(value: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), clamped to the month's last day."""
    return value + relativedelta(months=months)


def month_index(value: datetime.date) -> int:
    """The month as a number that grows by one each month (for month differences)."""
    return value.year * 12 + value.month - 1


def first_of_month(value: datetime.date) -> datetime.date:
    return value.replace(day=1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first day of every month from `first`'s to `last`'s, both included."""
    start = first_of_month(first)
    count = month_index(last) - month_index(start) + 1
    return [add_months(start, n) for n in range(max(count, 0))]


def shift_months(value: datetime.date, months: int) -> datetime.date | None:
    """`add_months`, or None when the result is outside the calendar."""
    try:
        return add_months(value, months)
    except (OverflowError, ValueError):
        return None


def shift_days(value: datetime.date, days: datetime.timedelta) -> datetime.date | None:
    """`value` moved by `days`; None when that leaves the calendar Python can hold."""
    try:
        return value + days
    except (OverflowError, ValueError):
        return None
