"""Readiness profiles as the pages use them: which exist, which one a page shows by default, which people a
profile reaches (as a condition for the figures' queries), and the dates a page may be asked for."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import aliased

from trainer.auth import scoping
from trainer.errors import Invalid, NotFound
from trainer.extensions import db
from trainer.org.models import Unit, UnitAssignment
from trainer.readiness import engine

# Passed for `condition` when the caller has not built the profile's reach yet.
PROFILE_CONDITION_UNKNOWN = object()


def list_profiles() -> list[tuple[str, str]]:
    """(code, title) of every readiness profile, titles in the reader's language where the profile has it."""
    from trainer.curricula.models import ReadinessProfile, pick
    from trainer.readiness.wording import reader_language

    language = reader_language()
    return [(code, pick(title, language)) for code, title in
            db.session.execute(select(ReadinessProfile.code, ReadinessProfile.title).order_by(ReadinessProfile.code))]


@lru_cache(maxsize=None)
def _unit_aliases():
    """Two names for units (the unit a profile is assigned to, and a unit below it), built once: an alias copies
    every column of the table."""
    return aliased(Unit, name="target_unit"), aliased(Unit, name="reached_unit")


REACHED_UNITS_LISTED = 20000  # up to this many reached units, a page's queries get them as a list


class UnitReach:
    """A profile's reach when it is assigned to units only: usable as the condition itself (`where(reach)`), and
    carrying the units it reaches, so that a query already kept to a few units (a unit's subtree) lists only
    those of them the profile reaches rather than adding a second condition on the same column, which leads
    PostgreSQL to read every posting of a large force."""

    def __init__(self, condition, unit_ids: frozenset[int] | None):
        self.condition, self.unit_ids = condition, unit_ids

    def __clause_element__(self):
        return self.condition


def profile_condition(profile_code: str):
    """A condition on UnitAssignment for the people the profile applies to (assigned to them or to a unit above
    them); None when it is assigned to nobody (then it applies to everyone in view). A page builds it once and
    passes it to each of its queries."""
    try:
        from trainer.learning.models import ProfileAssignment
    except ImportError:  # learning domain not installed: the profile applies to everyone
        return None
    from sqlalchemy import literal, union_all

    pa = ProfileAssignment
    live = (pa.profile_code == profile_code, pa.withdrawn_at.is_(None))
    # The units the profile reaches (assigned to them or to a unit above them), found once per page in the same
    # statement that asks whether it is assigned at all (-1) and to anyone in person (-2), and handed to the
    # page's queries as a list rather than searched again by each (a prefix match of every unit against each
    # assigned one).
    target, reached = _unit_aliases()
    reached_units = (select(reached.id).join(target, reached.path.startswith(target.path, autoescape=False))
                     .join(pa, pa.unit_id == target.id).where(*live))
    found = set(db.session.scalars(union_all(
        select(literal(-1)).where(exists().where(*live)),
        select(literal(-2)).where(exists().where(*live, pa.person_id.is_not(None))),
        reached_units)))
    if -1 not in found:
        return None
    unit_ids = sorted(found - {-1, -2})
    if len(unit_ids) > REACHED_UNITS_LISTED:
        unit_level = UnitAssignment.unit_id.in_(reached_units)
    elif db.session.get_bind().dialect.name == "postgresql":  # one array parameter, not thousands to bind
        from sqlalchemy import Integer, any_, bindparam
        from sqlalchemy.dialects.postgresql import ARRAY

        unit_level = UnitAssignment.unit_id == any_(bindparam("reached_units", unit_ids, type_=ARRAY(Integer)))
    else:
        unit_level = UnitAssignment.unit_id.in_(unit_ids)
    if -2 not in found:
        return UnitReach(unit_level, frozenset(unit_ids) if len(unit_ids) <= REACHED_UNITS_LISTED else None)
    person_level = UnitAssignment.person_id.in_(
        select(pa.person_id).where(*live, pa.person_id.is_not(None)))
    return or_(unit_level, person_level)


def requirement_label(spec: engine.ProfileSpec, key: str) -> str:
    if key == "exercise":
        return _("Exercise requirement")
    if key == "screening":
        return _("Screening")
    return spec.module_titles.get(key, key)


def default_profile_code(requested: str | None, actor=None, *, profiles: list[tuple[str, str]] | None = None) -> str:
    """The profile a page shows: the one asked for, else the one assigned to the most units in view."""
    profiles = list_profiles() if profiles is None else profiles
    codes = [code for code, _title in profiles]
    if requested and requested in codes:
        return requested
    if requested:
        raise NotFound(_("No readiness profile %(code)s.", code=requested))
    if not codes:
        raise NotFound(_("No readiness profile has been imported yet."))
    return _most_assigned(codes, actor)


def _most_assigned(codes: list[str], actor=None) -> str:
    """The profile assigned to the most units (of the viewer's scope, when given), then by code: the standard
    most of the people in view are held to."""
    try:
        from trainer.learning.models import ProfileAssignment
    except ImportError:
        return codes[0]
    assigned = aliased(Unit)
    query = (select(ProfileAssignment.profile_code, func.count(func.distinct(ProfileAssignment.id)))
             .join(assigned, assigned.id == ProfileAssignment.unit_id)
             .where(ProfileAssignment.withdrawn_at.is_(None)).group_by(ProfileAssignment.profile_code))
    if actor is not None:
        # Assigned to a unit in scope, or above one (a contingent's profile applies to its battalions).
        query = query.join(Unit, or_(Unit.path.startswith(assigned.path, autoescape=False),
                                     assigned.path.startswith(Unit.path, autoescape=False))).where(
            scoping.scope_condition(actor, "unit", "readiness.view"))
    counts = dict(db.session.execute(query).all())
    return min(codes, key=lambda code: (-counts.get(code, 0), code))


def parse_day(raw: str | None, default: dt.date | None = None, *, field: str = "as_of") -> dt.date | None:
    if not raw:
        return default
    try:
        day = dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise Invalid(_("Enter the date as YYYY-MM-DD."), errors=[(field, _("Enter the date as YYYY-MM-DD."))])
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        # Readiness looks months back (trend, exercise windows) and ahead (expiries): keep clear of the calendar's ends.
        message = _("Enter a date between %(first)s and %(last)s.", first=FIRST_YEAR, last=LAST_YEAR)
        raise Invalid(message, errors=[(field, message)])
    return day


FIRST_YEAR, LAST_YEAR = 1900, 2199
