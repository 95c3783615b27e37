"""Time zones as people type them: the IANA names offered in lists, and the zone a typed name means."""
from __future__ import annotations

import datetime as dt
import functools
import zoneinfo


@functools.lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """The zones offered: every region/city name, and UTC."""
    return tuple(sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC"))


def _key(text: str) -> str:
    return " ".join((text or "").replace("_", " ").split()).casefold()


@functools.lru_cache(maxsize=1)
def _by_key() -> tuple[dict[str, str], dict[str, list[str]]]:
    whole, cities = {}, {}
    for name in zone_names():
        whole[_key(name)] = name
        cities.setdefault(_key(name.rsplit("/", 1)[-1]), []).append(name)
    return whole, cities


def zone_named(text: str | None) -> str | None:
    """The IANA zone meant by `text`: its exact name, the name in other case or with spaces for underscores
    ("asia/kathmandu", "America/New York"), or a city alone when only one zone has it ("Kathmandu")."""
    key = _key(text or "")
    if not key:
        return None
    whole, cities = _by_key()
    if key in whole:
        return whole[key]
    matches = cities.get(key, [])
    return matches[0] if len(matches) == 1 else None


def offset(name: str, at: dt.datetime | None = None) -> str:
    """The zone's offset from UTC now, as "UTC+05:45"."""
    moment = (at or dt.datetime.now(dt.timezone.utc)).astimezone(zoneinfo.ZoneInfo(name))
    minutes = int(moment.utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def zone_options(at: dt.datetime | None = None) -> list[tuple[str, str]]:
    """(name, what the list shows beside it) for every zone offered."""
    return [(name, f"{name.replace('_', ' ')} ({offset(name, at)})") for name in zone_names()]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def today_for(account, now: dt.datetime | None = None) -> dt.date:
    """The calendar day it is now for `account`, in the time zone of that account (UTC without an account, or for
    a name that is not one of the zones offered). A date a person types as "today" is checked against this: at
    08:00 in Fiji, or at 02:00 in Kathmandu, UTC is still on the day before. `now` without a zone is UTC."""
    name = getattr(account, "timezone", None)
    moment = now or _now()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    if not isinstance(name, str) or name not in _offered():
        return moment.astimezone(dt.timezone.utc).date()
    return moment.astimezone(zoneinfo.ZoneInfo(name)).date()


@functools.lru_cache(maxsize=1)
def _offered() -> frozenset[str]:
    return frozenset(zone_names())
