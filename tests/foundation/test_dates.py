"""Month arithmetic (`samla.dates`): clamped to the month's end, None outside the calendar."""

from __future__ import annotations

import datetime

from samla.dates import (
    add_months,
    first_of_month,
    month_index,
    months_between,
    shift_days,
    shift_months,
)

D = datetime.date


def test_adding_months_keeps_the_day_or_clamps_it_to_the_month_end() -> None:
    assert add_months(D(2027, 1, 15), 1) == D(2027, 2, 15)
    assert add_months(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert add_months(D(2027, 3, 31), -1) == D(2027, 2, 28)
    assert add_months(D(2027, 11, 30), 14) == D(2029, 1, 30)


def test_month_index_counts_months_across_years() -> None:
    assert month_index(D(2028, 1, 1)) - month_index(D(2027, 12, 31)) == 1
    assert month_index(D(2027, 3, 31)) - month_index(D(2025, 3, 1)) == 24
    assert first_of_month(D(2027, 3, 31)) == D(2027, 3, 1)


def test_shifts_answer_none_outside_the_calendar() -> None:
    assert shift_months(D(9999, 6, 1), 12) is None
    assert shift_months(D(1, 6, 1), -12) is None
    assert shift_months(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert shift_days(D(9999, 12, 31), datetime.timedelta(days=1)) is None
    assert shift_days(D(2027, 1, 1), datetime.timedelta(days=-1)) == D(2026, 12, 31)


def test_months_between_lists_each_first_day_both_ends_included() -> None:
    assert months_between(D(2017, 11, 20), D(2018, 2, 1)) == [
        D(2017, 11, 1), D(2017, 12, 1), D(2018, 1, 1), D(2018, 2, 1),
    ]  # fmt: skip
    assert months_between(D(2018, 3, 5), D(2018, 3, 31)) == [D(2018, 3, 1)]
    assert months_between(D(2018, 3, 5), D(2018, 2, 1)) == []
