"""Calendar-month arithmetic, the one home of the rule every validity and window in trainer follows:
N calendar months after a day is the same day number N months later, clamped to that month's last
day (31 January + 1 month = 28 or 29 February). Pure: no Flask, no database."""
from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later (or earlier, when negative), clamped to the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def month_ends(as_of: dt.date, count: int) -> list[dt.date]:
    """The last `count` month-ends on or before `as_of`, oldest first."""
    ends = []
    year, month = as_of.year, as_of.month
    if month_end(year, month) > as_of:
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    while len(ends) < count:
        ends.append(month_end(year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(ends))
