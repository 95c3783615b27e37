"""Local wall-clock times in an IANA zone <-> UTC, with daylight-saving gaps and folds named in words.

Pure module: no Flask, no database (its messages are gettext strings: English outside an application).
"""
from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache

from babel.dates import format_datetime
from flask_babel import get_locale, gettext as _

from trainer import typed_values

UTC = dt.timezone.utc
LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")


class LocalTimeError(ValueError):
    """A local time that does not exist, or exists twice, or cannot be read."""


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    return tuple(sorted(z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
                 + ["UTC"])


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    # available_timezones() walks the whole time-zone database on every call (~40 ms).
    return frozenset(zoneinfo.available_timezones())


@lru_cache(maxsize=1)
def _zones_by_folded_name() -> dict[str, str]:
    return {zone.lower().replace("_", " "): zone for zone in _known_zones()}


def resolve_zone_name(typed: str | None) -> str:
    """The IANA name a person typed, forgiving case and spaces for underscores ("asia/kathmandu",
    "America/New York"); what was typed when it names no zone."""
    text = " ".join((typed or "").split())
    if text in _known_zones():
        return text
    return _zones_by_folded_name().get(text.lower().replace("_", " "), text)


def get_zone(name: str) -> zoneinfo.ZoneInfo:
    if not name or name not in _known_zones():
        raise LocalTimeError(_("'%(name)s' is not a known IANA time zone (for example Europe/Oslo or Asia/Kathmandu).",
                               name=name))
    return zoneinfo.ZoneInfo(name)


def parse_local(text: str) -> dt.datetime:
    text = (text or "").strip()
    if not text:
        raise LocalTimeError(_("A date and time is required (YYYY-MM-DD HH:MM, local time)."))
    for fmt in LOCAL_FORMATS:
        try:
            moment = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        if not typed_values.date_in_range(moment):
            raise LocalTimeError(typed_values.out_of_range_message())
        return moment
    raise LocalTimeError(_("'%(text)s' is not a date and time (use YYYY-MM-DD HH:MM).", text=text))


def offset_label(offset: dt.timedelta | None) -> str:
    total = int((offset or dt.timedelta()).total_seconds() // 60)
    sign = "+" if total >= 0 else "-"
    total = abs(total)
    return f"UTC{sign}{total // 60:02d}:{total % 60:02d}"


def local_to_utc(naive: dt.datetime, zone_name: str, fold: int | None = None) -> dt.datetime:
    """Convert a wall-clock time in `zone_name` to UTC.

    A time that falls in a daylight-saving gap does not exist; one in a fold (clocks going back)
    happens twice and needs `fold` (0 = the first, 1 = the second). Both raise LocalTimeError with a
    message saying what happened, unless `fold` settles the ambiguity.
    """
    zone = get_zone(zone_name)
    naive = naive.replace(tzinfo=None, second=0, microsecond=0)
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    when = format_datetime(naive, "dd MMM y HH:mm", locale=get_locale() or "en")  # the wall time as typed
    round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != naive:
        before = (first.astimezone(UTC) - dt.timedelta(hours=3)).astimezone(zone)
        after = second.astimezone(UTC).astimezone(zone)
        raise LocalTimeError(_(
            "%(when)s does not exist in %(zone)s: the clocks jump forward that night (from %(before)s to %(after)s). "
            "Choose a time outside the jump.", when=when, zone=zone_name, before=offset_label(before.utcoffset()),
            after=offset_label(after.utcoffset())))
    if first.utcoffset() != second.utcoffset():
        if fold not in (0, 1):
            raise LocalTimeError(_(
                "%(when)s happens twice in %(zone)s: the clocks go back that night. Say which one you mean: the first "
                "(%(first)s, %(first_offset)s) or the second (%(second)s, %(second_offset)s).", when=when,
                zone=zone_name, first=first.tzname(), first_offset=offset_label(first.utcoffset()),
                second=second.tzname(), second_offset=offset_label(second.utcoffset())))
        return (second if fold else first).astimezone(UTC)
    return first.astimezone(UTC)


def utc_to_local(value: dt.datetime, zone_name: str) -> dt.datetime:
    return value.astimezone(get_zone(zone_name))


def format_local_input(value: dt.datetime | None, zone_name: str) -> str:
    """The value for an <input type=datetime-local> in the exercise's zone."""
    if value is None:
        return ""
    return utc_to_local(value, zone_name).strftime("%Y-%m-%dT%H:%M")


def utc_offset_at(value: dt.datetime, zone_name: str) -> str:
    """The zone's offset from UTC at that moment, e.g. UTC+05:45."""
    return offset_label(utc_to_local(value, zone_name).utcoffset())
