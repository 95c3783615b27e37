"""Calendar-month arithmetic: the clamping rule every validity, window and trend relies on."""
import datetime as dt

import pytest
from hypothesis import given, strategies as st

from trainer.calendar_months import add_months, month_ends

D = dt.date


@pytest.mark.parametrize("day, months, expected", [
    (D(2025, 1, 31), 1, D(2025, 2, 28)),
    (D(2024, 1, 31), 1, D(2024, 2, 29)),      # leap year
    (D(2024, 2, 29), 12, D(2025, 2, 28)),
    (D(2024, 3, 31), -1, D(2024, 2, 29)),     # backwards clamps too
    (D(2025, 12, 15), 1, D(2026, 1, 15)),     # across the year
    (D(2025, 1, 15), -1, D(2024, 12, 15)),
    (D(2025, 5, 31), 24, D(2027, 5, 31)),
    (D(2025, 8, 31), 1, D(2025, 9, 30)),
])
def test_months_are_calendar_months_clamped_to_the_last_day(day, months, expected):
    assert add_months(day, months) == expected


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2199, 1, 1)), st.integers(min_value=-240, max_value=240))
def test_adding_months_lands_in_the_right_month_on_the_same_or_last_day(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day == day.day or (result.day < day.day and (result + dt.timedelta(days=1)).day == 1)


def test_month_ends_are_the_last_days_before_the_date_oldest_first():
    assert month_ends(D(2026, 3, 15), 3) == [D(2025, 12, 31), D(2026, 1, 31), D(2026, 2, 28)]
    assert month_ends(D(2026, 3, 31), 2) == [D(2026, 2, 28), D(2026, 3, 31)]   # a month-end counts itself
    assert month_ends(D(2026, 1, 10), 1) == [D(2025, 12, 31)]
