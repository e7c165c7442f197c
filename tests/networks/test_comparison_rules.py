"""The comparison's rules on their own: the median from five, a cell's state, sorting,
the date and the figure a request names.

No database: these are the plain functions `networks.comparison` builds the table from.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from networks.comparison import (
    MIN_CONTRIBUTORS,
    State,
    median_of,
    parse_as_of,
    parse_figure,
    parse_sort,
    parse_weeks,
    state_of,
)
from networks.figures import FIGURES

TODAY = datetime.date(2026, 6, 1)


def test_median_only_from_five_contributors():
    assert MIN_CONTRIBUTORS == 5
    assert median_of([1, 2, 3, 4]) == (None, 4)
    assert median_of([1, 2, 3, 4, None, None]) == (None, 4)
    assert median_of([1, 2, 3, 4, 5]) == (3, 5)
    assert median_of([1, 2, 3, 4, 5, 9]) == (3.5, 6)
    assert median_of([1, 1, 2, 2, 2, 2, 7]) == (2, 7)
    # booleans and text are not numbers
    assert median_of([True, True, "x", 1, 2]) == (None, 2)


@pytest.mark.parametrize(
    ("key", "value", "median", "state"),
    [
        ("milestones_done", None, 3, State.MISSING),
        ("milestones_done", 5, 3, State.BETTER),
        ("milestones_done", 1, 3, State.WORSE),
        ("milestones_done", 3, 3, State.EVEN),
        ("milestones_done", 5, None, State.NONE),
        ("milestones_total", 50, 3, State.NONE),  # neither direction is better
        ("milestones_overdue", 1, 4, State.ATTENTION),  # any overdue needs following up
        ("milestones_overdue", 0, 2, State.BETTER),
        ("high_risks_open", 2, None, State.ATTENTION),
        ("days_since_status_report", 91, None, State.ATTENTION),
        ("days_since_status_report", 10, 20, State.BETTER),
        ("current_phase", "Kartlegging", None, State.NONE),
    ],
)
def test_state_of_a_cell(key, value, median, state):
    assert state_of(FIGURES[key], value, median) is state


def test_sort_keys():
    assert parse_sort("-milestones_done") == "-milestones_done"
    assert parse_sort("name") == "name"
    assert parse_sort("drop table") == "name"
    assert parse_sort(None) == "name"


def test_dates():
    assert parse_as_of(None, TODAY) == TODAY
    assert parse_as_of("", TODAY) == TODAY
    assert parse_as_of("2026-05-31", TODAY) == datetime.date(2026, 5, 31)
    for bad in ("2026-06-02", "31.05.2026", "2026-02-30", "1999-12-31", "x" * 500):
        with pytest.raises(ValidationError) as refused:
            parse_as_of(bad, TODAY)
        assert "date" in refused.value.message_dict


def test_figure_and_weeks():
    assert parse_figure("milestones_overdue").key == "milestones_overdue"
    with pytest.raises(ValidationError) as refused:
        parse_figure("finnes_ikke")
    assert "Ukjent tall «finnes_ikke»" in refused.value.message_dict["figure"][0]
    assert parse_weeks(None) == 26 and parse_weeks("156") == 156
    for bad in ("0", "157", "-1", "en"):
        with pytest.raises(ValidationError):
            parse_weeks(bad)
