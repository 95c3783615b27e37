"""Local wall-clock times in an IANA zone <-> UTC, with daylight-saving gaps and folds named in words.

Pure module: no Flask, no database.
"""
from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache

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


def get_zone(name: str) -> zoneinfo.ZoneInfo:
    if not name or name not in _known_zones():
        raise LocalTimeError(f"{name!r} is not a known IANA time zone (for example Europe/Oslo or Asia/Kathmandu).")
    return zoneinfo.ZoneInfo(name)


def parse_local(text: str) -> dt.datetime:
    text = (text or "").strip()
    if not text:
        raise LocalTimeError("A date and time is required (YYYY-MM-DD HH:MM, local time).")
    for fmt in LOCAL_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise LocalTimeError(f"{text!r} is not a date and time (use YYYY-MM-DD HH:MM).")


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
    when = naive.strftime("%d %b %Y %H:%M")
    round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != naive:
        before = (first.astimezone(UTC) - dt.timedelta(hours=3)).astimezone(zone)
        after = second.astimezone(UTC).astimezone(zone)
        raise LocalTimeError(
            f"{when} does not exist in {zone_name}: the clocks jump forward that night "
            f"(from {offset_label(before.utcoffset())} to {offset_label(after.utcoffset())}). Choose a time outside the jump.")
    if first.utcoffset() != second.utcoffset():
        if fold not in (0, 1):
            raise LocalTimeError(
                f"{when} happens twice in {zone_name}: the clocks go back that night. Say which one you mean: "
                f"the first ({first.tzname()}, {offset_label(first.utcoffset())}) or the second "
                f"({second.tzname()}, {offset_label(second.utcoffset())}).")
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
