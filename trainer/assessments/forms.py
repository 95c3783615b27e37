"""Reading the assessment forms. The pages are hand-laid for tablets (big touch targets, the rating
definitions beside each choice); CSRF is checked for every POST by Flask-WTF's CSRFProtect. A TypedForm
holds what was typed and a place for each field's errors, so that trainer.forms.apply_errors shows a
service's refusal under its fields as it does for the other domains' forms."""
from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

from trainer import typed_values


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
    if not typed_values.date_in_range(naive):
        return None
    try:
        if naive.tzinfo is not None:
            return naive.astimezone(dt.timezone.utc)
        try:
            zone = zoneinfo.ZoneInfo(zone_name or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = zoneinfo.ZoneInfo("UTC")
        return naive.replace(tzinfo=zone).astimezone(dt.timezone.utc)
    except OverflowError:  # a moment at the very edge of the calendar (year 1 or 9999) has no UTC time
        return None


def local_value(value: dt.datetime | None, zone_name: str) -> str:
    """The datetime-local input value for an aware datetime, in the given zone."""
    if value is None:
        return ""
    return value.astimezone(zoneinfo.ZoneInfo(zone_name or "UTC")).strftime("%Y-%m-%dT%H:%M")


class _Field:
    def __init__(self):
        self.errors: list[str] = []


class TypedForm:
    """The values of a hand-laid form (from the request, or initial ones) and each field's errors."""

    def __init__(self, names, source=None, **initial):
        self.values = {name: (source.get(name, "") if source is not None else initial.get(name, ""))
                       for name in names}
        self._fields = {name: _Field() for name in names}

    def __getattr__(self, name):
        fields = self.__dict__.get("_fields", {})
        if name in fields:
            return fields[name]
        raise AttributeError(name)

    @property
    def errors(self) -> dict[str, str]:
        """Each field's errors, as one message per field."""
        return {name: " ".join(field.errors) for name, field in self._fields.items() if field.errors}
