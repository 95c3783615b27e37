"""Template helpers: navigation, dates in the viewer's zone, labels."""
from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache

from flask import current_app, has_request_context
from flask_babel import format_date as babel_format_date
from flask_babel import format_datetime as babel_format_datetime
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from trainer.auth.policy import rule_for
from trainer.enums import Rating, Role
from trainer.i18n import marking

# The navigation, in order: (endpoint, label). Shown only to users the policy lets in.
NAVIGATION = [
    ("learning.index", _l("My training")),
    ("curricula.index", _l("Curricula")),
    ("exercises.index", _l("Exercises")),
    ("assessments.index", _l("Assessments")),
    ("readiness.index", _l("Readiness")),
    ("certificates.index", _l("Certificates")),
    ("org.people", _l("Personnel")),
    ("org.units", _l("Units")),
]

ADMIN_NAVIGATION = [
    ("auth.admin_users", _l("Users")),
    ("org.nations", _l("Nations")),
    ("audit.events", _l("Audit log")),
]


def can(endpoint: str) -> bool:
    rule = rule_for(endpoint)
    return bool(rule and rule.allows(current_user)) and endpoint in current_app.view_functions


def navigation() -> list[tuple[str, str]]:
    """The menu for the current user. Someone who may not see readiness across units but has a record of their
    own (a trainee) finds their own readiness under "Readiness"."""
    items = []
    for endpoint, label in NAVIGATION:
        if can(endpoint):
            items.append((endpoint, label))
        elif endpoint == "readiness.index" and can("readiness.person") and getattr(current_user, "person_id", None):
            items.append(("readiness.person", label))
    return items


def _own_person(endpoint: str, values: dict) -> None:
    """`url_for("readiness.person")` without a person names the viewer's own record (the menu's link)."""
    if endpoint == "readiness.person" and "person_id" not in values and has_request_context():
        person_id = getattr(current_user, "person_id", None)
        if person_id:
            values["person_id"] = person_id


def viewer_zone() -> zoneinfo.ZoneInfo:
    name = getattr(current_user, "timezone", None) if current_user and current_user.is_authenticated else None
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


# Babel date patterns (CLDR), so that month and day names follow the page's language.
PATTERNS = {"datetime": "dd MMM y HH:mm", "time": "HH:mm", "date": "dd MMM y", "long_date": "EEEE dd MMMM y"}


def format_datetime(value: dt.datetime | None, zone: str | None = None, pattern: str = "datetime") -> str:
    """A moment in the given zone (the viewer's by default) with the zone's abbreviation."""
    if value is None:
        return ""
    tz = zoneinfo.ZoneInfo(zone) if zone else viewer_zone()
    local = value.astimezone(tz)
    return f"{babel_format_datetime(local, PATTERNS.get(pattern, pattern), rebase=False)} {local.tzname()}"


def format_date(value: dt.date | None, pattern: str = "date") -> str:
    if not value:
        return ""
    if type(value) is dt.date:  # a moment is written in the viewer's zone, which differs by viewer
        return _date(str(get_locale()), value, PATTERNS.get(pattern, pattern))
    return babel_format_date(value, PATTERNS.get(pattern, pattern))


@lru_cache(maxsize=8192)
def _date(locale: str, value: dt.date, pattern: str) -> str:
    """A date as the locale writes it, each once per locale: a list of people writes the same dates often, and
    Babel takes about 9 µs for each."""
    return babel_format_date(value, pattern)


def _unread() -> int:
    if not (current_user and current_user.is_authenticated):
        return 0
    return current_user.unread_notifications or 0


def init_app(app) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = format_date
    app.url_defaults(_own_person)
    app.jinja_env.globals["can"] = can  # a global, not a context value: macros imported without context use it too

    @app.context_processor
    def _globals():
        return {
            "navigation": navigation(),
            "admin_navigation": [(e, label) for e, label in ADMIN_NAVIGATION if can(e)],
            "Role": Role,
            "Rating": Rating,
            "classification_marking": marking("CLASSIFICATION_MARKING"),
            "unread_notifications": _unread(),
        }
