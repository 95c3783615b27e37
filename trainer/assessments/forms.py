"""Reading the assessment forms. The pages are hand-laid for tablets (big touch targets, the rating
definitions beside each choice); CSRF is checked for every POST by Flask-WTF's CSRFProtect."""
from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo


def new_submission_key() -> str:
    return str(uuid.uuid4())


def parse_local(value: str | None, zone_name: str) -> dt.datetime | None:
    """A datetime-local value ('2026-03-15T13:05') in the given IANA zone, as aware UTC; None if unreadable."""
    if not value:
        return None
    try:
        naive = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if naive.tzinfo is not None:
        return naive.astimezone(dt.timezone.utc)
    try:
        zone = zoneinfo.ZoneInfo(zone_name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return naive.replace(tzinfo=zone).astimezone(dt.timezone.utc)


def local_value(value: dt.datetime | None, zone_name: str) -> str:
    """The datetime-local input value for an aware datetime, in the given zone."""
    if value is None:
        return ""
    return value.astimezone(zoneinfo.ZoneInfo(zone_name or "UTC")).strftime("%Y-%m-%dT%H:%M")


def form_values(form, names) -> dict:
    return {name: form.get(name, "") for name in names}


def error_map(errors) -> dict[str, str]:
    out: dict[str, str] = {}
    for field, message in errors or []:
        out[field] = f"{out[field]} {message}".strip() if field in out else message
    return out
