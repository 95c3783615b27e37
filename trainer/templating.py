"""Template helpers: navigation, dates in the viewer's zone, labels."""
from __future__ import annotations

import datetime as dt
import zoneinfo

from flask import current_app
from flask_login import current_user

from trainer.auth.policy import rule_for
from trainer.enums import Rating, Role

# The navigation, in order: (endpoint, label). Shown only to users the policy lets in.
NAVIGATION = [
    ("learning.index", "My training"),
    ("curricula.index", "Curricula"),
    ("exercises.index", "Exercises"),
    ("assessments.index", "Assessments"),
    ("readiness.index", "Readiness"),
    ("certificates.index", "Certificates"),
    ("org.people", "Personnel"),
    ("org.units", "Units"),
]

ADMIN_NAVIGATION = [
    ("auth.admin_users", "Users"),
    ("org.nations", "Nations"),
    ("audit.events", "Audit log"),
]


def can(endpoint: str) -> bool:
    rule = rule_for(endpoint)
    return bool(rule and rule.allows(current_user)) and endpoint in current_app.view_functions


def viewer_zone() -> zoneinfo.ZoneInfo:
    name = getattr(current_user, "timezone", None) if current_user and current_user.is_authenticated else None
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def format_datetime(value: dt.datetime | None, zone: str | None = None, fmt: str = "%d %b %Y %H:%M") -> str:
    if value is None:
        return ""
    tz = zoneinfo.ZoneInfo(zone) if zone else viewer_zone()
    local = value.astimezone(tz)
    return f"{local.strftime(fmt)} {local.tzname()}"


def format_date(value: dt.date | None, fmt: str = "%d %b %Y") -> str:
    return value.strftime(fmt) if value else ""


def init_app(app) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = format_date

    @app.context_processor
    def _globals():
        return {
            "can": can,
            "navigation": [(e, label) for e, label in NAVIGATION if can(e)],
            "admin_navigation": [(e, label) for e, label in ADMIN_NAVIGATION if can(e)],
            "Role": Role,
            "Rating": Rating,
            "classification_marking": app.config.get("CLASSIFICATION_MARKING", ""),
        }
