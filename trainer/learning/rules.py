"""Pure rules for completions and training status (no Flask, no database).

valid_until = completed_on + the module's validity in calendar months, clamped to the last day of
the month (31 January + 1 month = 28 or 29 February). A completion counts on every day from
completed_on through valid_until, both inclusive.
"""
from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import NamedTuple

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
        """The status in the reader's language (the words live with the other wording of the domain)."""
        from trainer.learning.wording import status_label

        return status_label(self)

    @property
    def badge(self) -> str:
        return STATUS_BADGES[self]


STATUS_BADGES = {
    Status.NOT_STARTED: "text-bg-secondary",
    Status.IN_PROGRESS: "text-bg-info",
    Status.PASSED: "text-bg-success",
    Status.EXPIRING: "text-bg-warning",
    Status.EXPIRED: "text-bg-danger",
}


class Reason(NamedTuple):
    """Why a module has its status, as facts; trainer.learning.wording puts them into words."""
    kind: str                       # retrain | future | expired | expiring | valid | started | not_started
    until: dt.date | None = None
    days_left: int | None = None
    completion_major: int | None = None
    current_major: int | None = None


def module_status(*, today: dt.date, completed_on: dt.date | None, until: dt.date | None,
                  completion_major: int | None, current_major: int, retrain_on_major: bool,
                  started: bool, warning_days: int) -> tuple[Status, Reason]:
    """One module's status for one person on `today`, with the reason."""
    if completed_on is not None and until is not None:
        if retrain_on_major and completion_major is not None and completion_major < current_major:
            return Status.EXPIRED, Reason("retrain", completion_major=completion_major, current_major=current_major)
        if today < completed_on:
            return (Status.IN_PROGRESS if started else Status.NOT_STARTED), Reason("future")
        if today > until:
            return Status.EXPIRED, Reason("expired", until)
        if (until - today).days <= warning_days:
            return Status.EXPIRING, Reason("expiring", until, (until - today).days)
        return Status.PASSED, Reason("valid", until)
    if started:
        return Status.IN_PROGRESS, Reason("started")
    return Status.NOT_STARTED, Reason("not_started")


def score_percent(correct: int, total: int) -> int:
    """Whole percent, rounded down so that a score never shows as a pass it is not."""
    return (100 * correct) // total if total else 0


def is_pass(score: int, pass_mark: int, must_pass_all_right: bool) -> bool:
    return score >= pass_mark and must_pass_all_right


