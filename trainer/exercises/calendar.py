"""Calendar views and RFC 5545 iCalendar files (with VTIMEZONE for every zone used)."""
from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from dataclasses import dataclass, field

import icalendar
from flask_babel import gettext as _

from trainer.db import utcnow
from trainer.exercises.models import Exercise, ExerciseStatus
from trainer.exercises.timeutil import get_zone

PRODID = "-//trainer//exercise calendar//EN"


def _event(ex: Exercise, base_url: str, stamp: dt.datetime) -> icalendar.Event:
    zone = get_zone(ex.timezone)
    event = icalendar.Event()
    event.add("uid", f"exercise-{ex.id}-{ex.code}@trainer")
    event.add("dtstamp", stamp)
    event.add("dtstart", ex.start_at.astimezone(zone))
    event.add("dtend", ex.end_at.astimezone(zone))
    event.add("summary", f"{ex.code} — {ex.title}")
    event.add("location", ex.location_name or ex.timezone)
    event.add("description", _("%(type)s. Lead nation %(lead)s; nations %(nations)s. Status: %(status)s.",
                               type=ex.type_label, lead=ex.lead_nation_code, nations=", ".join(ex.nation_codes),
                               status=ex.status_enum.label))
    event.add("status", "CANCELLED" if ex.status == ExerciseStatus.CANCELLED.value
              else ("CONFIRMED" if ex.status not in (ExerciseStatus.DRAFT.value, ExerciseStatus.PLANNING.value,
                                                     ExerciseStatus.POSTPONED.value) else "TENTATIVE"))
    event.add("sequence", max(ex.version - 1, 0))
    event.add("url", f"{base_url}/exercises/{ex.id}")
    return event


def build_ics(exercises: list[Exercise], *, name: str, base_url: str) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    stamp = utcnow().replace(microsecond=0)
    for ex in exercises:
        cal.add_component(_event(ex, base_url.rstrip("/"), stamp))
    cal.add_missing_timezones()
    return cal.to_ical()


@dataclass
class Day:
    date: dt.date
    in_month: bool
    exercises: list[Exercise] = field(default_factory=list)


def month_grid(year: int, month: int, exercises: list[Exercise], zone_name: str) -> list[list[Day]]:
    """Weeks (Monday first) of the month; each day lists the exercises running on it in the viewer's zone."""
    zone = get_zone(zone_name)
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row = []
        for day in week:
            start = dt.datetime.combine(day, dt.time(0), zone)
            end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), zone)
            row.append(Day(day, day.month == month,
                           [ex for ex in exercises if ex.start_at < end and ex.end_at > start]))
        weeks.append(row)
    return weeks


def month_bounds(year: int, month: int, zone_name: str) -> tuple[dt.datetime, dt.datetime]:
    """UTC bounds of the visible grid (whole weeks), for the query."""
    zone = get_zone(zone_name)
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1] + dt.timedelta(days=1)
    return (dt.datetime.combine(first, dt.time(0), zone).astimezone(dt.timezone.utc),
            dt.datetime.combine(last, dt.time(0), zone).astimezone(dt.timezone.utc))
