"""Expiry arithmetic: calendar months clamped to the month's end; valid through valid_until inclusive."""
from __future__ import annotations

import datetime as dt

import pytest

from trainer.learning.rules import Status, is_valid_on, module_status, valid_until

D = dt.date


@pytest.mark.parametrize("start, months, expected", [
    (D(2026, 1, 31), 1, D(2026, 2, 28)),      # 31 January + 1 month
    (D(2028, 1, 31), 1, D(2028, 2, 29)),      # leap year
    (D(2028, 2, 29), 12, D(2029, 2, 28)),     # from a leap day
    (D(2028, 2, 29), 48, D(2032, 2, 29)),
    (D(2026, 3, 31), 1, D(2026, 4, 30)),
    (D(2026, 8, 31), 6, D(2027, 2, 28)),
    (D(2026, 12, 15), 1, D(2027, 1, 15)),     # over the year end
    (D(2026, 5, 10), 12, D(2027, 5, 10)),
    (D(2026, 3, 31), -1, D(2026, 2, 28)),
])
def test_a_completion_is_valid_for_calendar_months(start, months, expected):
    assert valid_until(start, months) == expected


def test_the_last_valid_day_is_valid_and_the_next_is_not():
    until = valid_until(D(2026, 1, 31), 1)
    assert is_valid_on(D(2026, 1, 31), until, D(2026, 2, 28))
    assert not is_valid_on(D(2026, 1, 31), until, D(2026, 3, 1))
    assert not is_valid_on(D(2026, 1, 31), until, D(2026, 1, 30))


def status(today, completed_on=D(2026, 1, 10), months=12, major=1, current=1, retrain=True, started=True, warning=60):
    until = valid_until(completed_on, months) if completed_on else None
    return module_status(today=today, completed_on=completed_on, until=until, completion_major=major,
                         current_major=current, retrain_on_major=retrain, started=started, warning_days=warning)[0]


def test_statuses_over_time():
    assert status(D(2026, 6, 1)) is Status.PASSED
    assert status(D(2026, 11, 11)) is Status.EXPIRING   # 60 days before 10 Jan 2027
    assert status(D(2026, 11, 9)) is Status.PASSED
    assert status(D(2027, 1, 10)) is Status.EXPIRING    # the last valid day
    assert status(D(2027, 1, 11)) is Status.EXPIRED
    assert status(D(2026, 6, 1), completed_on=None) is Status.IN_PROGRESS
    assert status(D(2026, 6, 1), completed_on=None, started=False) is Status.NOT_STARTED


def test_a_new_major_version_makes_an_older_completion_expire_only_with_retrain():
    assert status(D(2026, 6, 1), major=1, current=2, retrain=True) is Status.EXPIRED
    assert status(D(2026, 6, 1), major=1, current=2, retrain=False) is Status.PASSED
