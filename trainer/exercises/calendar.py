"""Calendar views and RFC 5545 iCalendar files (with VTIMEZONE for every zone used)."""
from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

import icalendar
from flask_babel import gettext as _

from trainer import typed_values
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
    years: dict[str, set[int]] = {}
    for ex in exercises:
        event = _event(ex, base_url.rstrip("/"), stamp)
        cal.add_component(event)
        for prop in ("DTSTART", "DTEND"):
            tzid = event[prop].params.get("TZID")
            if tzid:
                years.setdefault(tzid, set()).add(event[prop].dt.year)
    for tzid in sorted(years):
        cal.add_component(vtimezone(tzid, min(years[tzid]), max(years[tzid])))
    return cal.to_ical()


# --- VTIMEZONE with recurrence rules ----------------------------------------------------------------
#
# RFC 5545 3.6.5: each observance (STANDARD or DAYLIGHT) starts at its onset, written in the local time
# in force before it (TZOFFSETFROM), and repeats by an RRULE. Outlook ignores RDATE lists in a
# VTIMEZONE, and some parsers misread them, so the rules of the zone (as Python's zoneinfo knows them)
# are turned back into yearly rules: "the last Sunday of October", "the first Sunday on or after the
# 2nd of April", ... A rule that changed in the years covered becomes two observances, the first ended
# by UNTIL; an onset that fits no yearly rule stands alone.

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass
class _Observance:
    daylight: bool
    offset_from: dt.timedelta
    offset_to: dt.timedelta
    name: str
    onsets: list[dt.datetime]  # local wall time before each change, naive
    last_instant: dt.datetime  # the last change, UTC
    rules: set


def _state(zone, instant: dt.datetime):
    local = instant.astimezone(zone)
    return local.utcoffset(), local.dst(), local.tzname()


def _is_daylight(state, negative: dt.timedelta | None) -> bool:
    """DAYLIGHT is the later clock. Some zones (Dublin, Casablanca) call their winter or Ramadan time a
    negative daylight saving; readers expect the later of the two clocks to be DAYLIGHT, as in Europe."""
    offset, dst, _ = state
    return dst > dt.timedelta(0) or (negative is not None and dst == dt.timedelta(0) and offset > negative)


def _changes(zone, start: dt.datetime, end: dt.datetime):
    """(instant in UTC, state before, state after) for every change of offset, DST or name."""
    t, before = start, _state(zone, start)
    while t < end:
        nxt = min(t + dt.timedelta(days=1), end)
        after = _state(zone, nxt)
        if after == before:
            t = nxt
            continue
        lo, hi = int(t.timestamp()), int(nxt.timestamp())
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if _state(zone, dt.datetime.fromtimestamp(mid, dt.timezone.utc)) == before:
                lo = mid
            else:
                hi = mid
        t = dt.datetime.fromtimestamp(hi, dt.timezone.utc)
        after = _state(zone, t)
        yield t, before, after
        before = after


def _rules(day: dt.date) -> set:
    """Every yearly rule that lands on this day of its month."""
    last = pycalendar.monthrange(day.year, day.month)[1]
    weekday = _WEEKDAYS[day.weekday()]
    rules = {("day", day.day)}
    if day.day <= 28:
        rules.add(("nth", (day.day - 1) // 7 + 1, weekday))
    if day.day > last - 7:
        rules.add(("last", weekday))
    rules.update(("on-or-after", first, weekday) for first in range(max(1, day.day - 6), day.day + 1)
                 if first + 6 <= 28)
    return rules


def _rrule(rule, month: int) -> dict:
    kind = rule[0]
    if kind == "nth":
        return {"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": f"{rule[1]}{rule[2]}"}
    if kind == "last":
        return {"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": f"-1{rule[1]}"}
    if kind == "on-or-after":
        return {"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": rule[2], "BYMONTHDAY": list(range(rule[1], rule[1] + 7))}
    return {"FREQ": "YEARLY", "BYMONTH": month, "BYMONTHDAY": rule[1]}


_PREFERENCE = {"nth": 0, "last": 1, "on-or-after": 2, "day": 3}


@lru_cache(maxsize=256)
def _observances(tzid: str, first_year: int, last_year: int) -> tuple[_Observance, ...]:
    zone = get_zone(tzid)
    start = dt.datetime(first_year, 1, 1, tzinfo=dt.timezone.utc)
    end = dt.datetime(last_year + 1, 1, 1, tzinfo=dt.timezone.utc)
    changes = list(_changes(zone, start, end))
    states = [_state(zone, start)] + [after for _, _, after in changes]
    negative = min((offset for offset, dst, _ in states if dst < dt.timedelta(0)), default=None)
    found: list[_Observance] = []
    current: dict[tuple, _Observance] = {}
    for instant, before, after in changes:
        onset = (instant + before[0]).replace(tzinfo=None)
        daylight = _is_daylight(after, negative)
        key = (daylight, before[0], after[0], after[2], onset.month, onset.time())
        group = current.get(key)
        if group is not None and group.onsets[-1].year == onset.year - 1 and group.rules & _rules(onset.date()):
            group.rules &= _rules(onset.date())
            group.onsets.append(onset)
            group.last_instant = instant
            continue
        group = _Observance(daylight, before[0], after[0], after[2], [onset], instant, _rules(onset.date()))
        current[key] = group
        found.append(group)
    # What is in force at the start of the first year, unless a yearly rule that begins in that year
    # sets it (Oslo's winter time on 1 January is what its October rule sets every year).
    offset, name, daylight = states[0][0], states[0][2], _is_daylight(states[0], negative)
    if not any((g.daylight, g.offset_to, g.name) == (daylight, offset, name) and g.onsets[0].year == first_year
               and len(g.onsets) > 1 for g in found):
        found.insert(0, _Observance(daylight, offset, offset, name, [dt.datetime(first_year, 1, 1)], start, set()))
    return tuple(found)


RULE_YEARS = 12  # a rule is read from at least this many years, so that "first Sunday" and "Sunday on or
                 # after the 2nd" are told apart


def vtimezone(tzid: str, first_event_year: int, last_event_year: int) -> icalendar.Timezone:
    """The zone's VTIMEZONE, right from the first event's year to the year after the last event's, within a year
    of the years a typed date may fall in (an exercise stored before that rule, in the year 9999, would otherwise
    take every feed it is in past the end of the calendar)."""
    def within(year: int) -> int:
        return min(max(year, typed_values.FIRST_YEAR), typed_values.LAST_YEAR)

    first_year = within(first_event_year) - 1
    last_year = max(within(last_event_year) + 1, first_year + RULE_YEARS - 1)
    timezone = icalendar.Timezone()
    timezone.add("tzid", tzid)
    for obs in _observances(tzid, first_year, last_year):
        component = icalendar.TimezoneDaylight() if obs.daylight else icalendar.TimezoneStandard()
        component.add("dtstart", obs.onsets[0])
        component.add("tzoffsetfrom", obs.offset_from)
        component.add("tzoffsetto", obs.offset_to)
        component.add("tzname", obs.name)
        if len(obs.onsets) > 1:
            rrule = _rrule(min(obs.rules, key=lambda r: (_PREFERENCE[r[0]], r)), obs.onsets[0].month)
            if obs.onsets[-1].year < last_year:  # the rule stopped within these years
                # UNTIL is UTC, but some readers compare it with the local onset: a day later fits both.
                rrule["UNTIL"] = obs.last_instant + dt.timedelta(days=1)
            component.add("rrule", rrule)
        timezone.add_component(component)
    return timezone


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
