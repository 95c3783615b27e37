"""Readiness profiles as the pages use them: which exist, which one a page shows by default, which people a
profile reaches (as a condition for the figures' queries), and the dates a page may be asked for."""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import aliased

from trainer.auth import scoping
from trainer.errors import Invalid, NotFound
from trainer.db import among_ids
from trainer.extensions import db
from trainer.org.models import Unit, UnitAssignment
from trainer import typed_values
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


def choose_profile(requested: str | None, actor=None) -> tuple[list[tuple[str, str]], engine.ProfileSpec]:
    """Every profile as list_profiles gives them, and the spec of the one a page shows (default_profile_code): the
    profiles are read once, with the figures counter, and the chosen one's spec is built from that read."""
    from trainer.curricula.models import pick
    from trainer.readiness.wording import reader_language

    rows, counter = engine.read_profiles()
    language = reader_language()
    profiles = [(profile.code, pick(profile.title, language)) for profile in rows]
    code = default_profile_code(requested, actor, profiles=profiles)
    return profiles, engine.spec_of(next(profile for profile in rows if profile.code == code), counter)


class NoProfile(NotFound):
    """No readiness profile has been imported: there is nothing to measure readiness against."""


REACHED_UNITS_LISTED = 20000  # up to this many reached units, a page's queries get them as a list


class UnitReach:
    """A profile's reach when it is assigned to units only: usable as the condition itself (`where(reach)`), and
    carrying the units it reaches, so that a query already kept to a few units (a unit's subtree) lists only
    those of them the profile reaches rather than adding a second condition on the same column, which leads
    PostgreSQL to read every posting of a large force."""

    def __init__(self, condition, unit_ids: frozenset[int] | None, within: str | None = None):
        # `within`: the path of the subtree whose reached units `unit_ids` lists (all of them), None for the force
        self.condition, self.unit_ids, self.within = condition, unit_ids, within

    def __clause_element__(self):
        return self.condition


def profile_condition(profile_code: str, within: Unit | None = None):
    """A condition on UnitAssignment for the people the profile applies to (assigned to them or to a unit above
    them); None when it is assigned to nobody (then it applies to everyone in view). A page builds it once and
    passes it to each of its queries. `within` a unit, the condition holds only inside that unit's subtree (a unit
    page's queries never leave it), and finding it reads no unit outside the subtree."""
    statements = _reach_statements()
    if statements is None:  # learning domain not installed: the profile applies to everyone
        return None
    found_query, assigned_query, reached_units, assigned_people = statements
    if within is None:
        found = set(db.session.scalars(found_query, {"reach_profile": profile_code}))
        unit_ids = sorted(found - {-1, -2})
    else:
        found = set(db.session.scalars(assigned_query, {"reach_profile": profile_code}))
        assigned = found - {-1, -2}
        # A unit is reached when it, or a unit above it, is assigned: its path names them all.
        unit_ids = sorted(unit_id for unit_id, path in db.session.execute(
            select(Unit.id, Unit.path).where(Unit.path.startswith(within.path)))
            if any(int(step) in assigned for step in path.strip("/").split("/")))
    if -1 not in found:
        return None
    if len(unit_ids) > REACHED_UNITS_LISTED:
        unit_level = UnitAssignment.unit_id.in_(reached_units.params(reach_profile=profile_code))
    else:
        unit_level = among_ids(UnitAssignment.unit_id, unit_ids, db.session.get_bind().dialect.name)
    if -2 not in found:
        return UnitReach(unit_level, frozenset(unit_ids) if len(unit_ids) <= REACHED_UNITS_LISTED else None,
                         within.path if within is not None else None)
    person_level = UnitAssignment.person_id.in_(assigned_people.params(reach_profile=profile_code))
    return or_(unit_level, person_level)


@lru_cache(maxsize=1)
def _reach_statements():
    """(whether the profile is assigned at all, -1, and to anyone in person, -2, with the units it reaches; the
    same with the units it is assigned to; the units it reaches; the people it is assigned to in person), each for
    the profile bound as `reach_profile`. Built once: building a statement costs more than running it."""
    try:
        from trainer.learning.models import ProfileAssignment as pa
    except ImportError:
        return None
    from sqlalchemy import bindparam, literal, union_all

    live = (pa.profile_code == bindparam("reach_profile"), pa.withdrawn_at.is_(None))
    # The units it is assigned to and every unit below them, walked down the tree by parent through its index
    # (matching each unit's path against each assigned one's compares every unit with every assignment); found
    # in the same statement as the two questions, and handed to the page's queries as a list.
    tree = (select(pa.unit_id.label("id")).where(*live, pa.unit_id.is_not(None))
            .cte("reached_units", recursive=True))
    below = aliased(Unit, name="below")
    tree = tree.union(select(below.id).join(tree, below.parent_id == tree.c.id))
    reached_units = select(tree.c.id)
    questions = (select(literal(-1)).where(exists().where(*live)),
                 select(literal(-2)).where(exists().where(*live, pa.person_id.is_not(None))))
    return (union_all(*questions, reached_units),
            union_all(*questions, select(pa.unit_id).where(*live, pa.unit_id.is_not(None)).distinct()),
            reached_units, select(pa.person_id).where(*live, pa.person_id.is_not(None)))


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
    if not codes:
        raise NoProfile(_("No readiness profile has been imported yet."))
    if requested and requested in codes:
        return requested
    if requested:
        raise NotFound(_("No readiness profile %(code)s.", code=requested))
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
        # 2026-02-30 is written right but is no day of the calendar: say so rather than ask for the format
        message = (_("%(text)s is not a day of the calendar.", text=raw.strip())
                   if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw.strip()) else _("Enter the date as YYYY-MM-DD."))
        raise Invalid(message, errors=[(field, message)])
    if not typed_values.date_in_range(day):
        # Readiness looks months back (trend, exercise windows) and ahead (expiries): keep clear of the calendar's ends.
        message = typed_values.out_of_range_message()
        raise Invalid(message, errors=[(field, message)])
    return day


def forecast_refusal(as_of: dt.date, forecast: dt.date | None) -> str | None:
    """Why a forecast date cannot be shown beside figures as of `as_of` (None when it can): a forecast looks ahead,
    so its date is after the figures' own. The pages then show no forecast and say why (a bookmarked dashboard
    outlives its forecast date); the API refuses the request."""
    from trainer.readiness.wording import day

    if forecast is None or forecast > as_of:
        return None
    return _("Choose a forecast date after %(as_of)s, the date the figures are as of.", as_of=day(as_of))

