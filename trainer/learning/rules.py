"""Pure rules for completions and training status (no Flask, no database).

valid_until = completed_on + the module's validity in calendar months, clamped to the last day of
the month (31 January + 1 month = 28 or 29 February). A completion counts on every day from
completed_on through valid_until, both inclusive.
"""
from __future__ import annotations

import datetime as dt
from enum import StrEnum

from trainer.calendar_months import add_months


def valid_until(completed_on: dt.date, months: int) -> dt.date:
    return add_months(completed_on, months)


def is_valid_on(completed_on: dt.date, until: dt.date, day: dt.date) -> bool:
    return completed_on <= day <= until


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PASSED = "passed"
    EXPIRING = "expiring"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def badge(self) -> str:
        return STATUS_BADGES[self]


STATUS_LABELS = {
    Status.NOT_STARTED: "Not started",
    Status.IN_PROGRESS: "In progress",
    Status.PASSED: "Passed",
    Status.EXPIRING: "Expiring",
    Status.EXPIRED: "Expired",
}

STATUS_BADGES = {
    Status.NOT_STARTED: "text-bg-secondary",
    Status.IN_PROGRESS: "text-bg-info",
    Status.PASSED: "text-bg-success",
    Status.EXPIRING: "text-bg-warning",
    Status.EXPIRED: "text-bg-danger",
}


def module_status(*, today: dt.date, completed_on: dt.date | None, until: dt.date | None,
                  completion_major: int | None, current_major: int, retrain_on_major: bool,
                  started: bool, warning_days: int) -> tuple[Status, str]:
    """One module's status for one person on `today`, with the reason in words."""
    if completed_on is not None and until is not None:
        if retrain_on_major and completion_major is not None and completion_major < current_major:
            return Status.EXPIRED, (f"passed version {completion_major}.x; version {current_major} requires "
                                    "retraining")
        if today < completed_on:
            return (Status.IN_PROGRESS if started else Status.NOT_STARTED), "completion dated in the future"
        if today > until:
            return Status.EXPIRED, f"expired on {until:%d %b %Y}"
        if (until - today).days <= warning_days:
            return Status.EXPIRING, f"valid through {until:%d %b %Y} ({(until - today).days} days left)"
        return Status.PASSED, f"valid through {until:%d %b %Y}"
    if started:
        return Status.IN_PROGRESS, "started"
    return Status.NOT_STARTED, "not started"


def score_percent(correct: int, total: int) -> int:
    """Whole percent, rounded down so that a score never shows as a pass it is not."""
    return (100 * correct) // total if total else 0


def is_pass(score: int, pass_mark: int, must_pass_all_right: bool) -> bool:
    return score >= pass_mark and must_pass_all_right


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")


def neutralise_cell(value):
    """Spreadsheet cells that could be read as formulas get a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
