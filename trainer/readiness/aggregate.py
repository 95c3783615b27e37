"""Readiness of a scope (a commander's nations and units) as of a date, rolled up the unit tree.

Everything here is set-based: the people of the scope on the date are one SELECT handed to the
engine, units are read once, and the roll-up is done in memory. The number of queries does not grow
with the number of people.
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import aliased

from trainer.auth import scoping
from trainer.enums import Role
from trainer.errors import NotFound
from trainer.extensions import db
from trainer.org.models import Nation, Person, Unit, UnitAssignment
from trainer.readiness import engine
from trainer.readiness.rules import PersonReadiness
from trainer.readiness.tables import Level

VIEW_ROLES = (Role.ADMIN, Role.COMMANDER, Role.TRAINING_OFFICER)
EXPIRY_WINDOWS = (30, 60, 90)


def level_for(percent: float | None) -> Level | None:
    if percent is None:
        return None
    if percent >= current_app.config["READINESS_GREEN"]:
        return Level.GREEN
    if percent >= current_app.config["READINESS_AMBER"]:
        return Level.AMBER
    return Level.RED


@dataclass
class Tally:
    total: int = 0
    ready: int = 0

    @property
    def percent(self) -> float | None:
        return round(100.0 * self.ready / self.total, 1) if self.total else None

    @property
    def level(self) -> Level | None:
        return level_for(self.percent)


@dataclass
class UnitNode:
    id: int
    code: str
    name: str
    nation_code: str
    parent_id: int | None
    path: str
    depth: int = 0
    tally: Tally = field(default_factory=Tally)
    forecast: Tally | None = None
    children: list["UnitNode"] = field(default_factory=list)


@dataclass
class ScopeReadiness:
    profile: engine.ProfileSpec
    as_of: dt.date
    people: dict[int, PersonReadiness]
    unit_of: dict[int, int]                     # person id -> unit id on the date
    units: dict[int, UnitNode]
    roots: list[UnitNode]
    nations: list[tuple[str, str, Tally]]       # (code, name, tally)
    total: Tally
    expiring: dict[int, int]                    # days -> ready people whose evidence lapses within them
    gaps: list[tuple[str, str, int]]            # (requirement label, state label, people)
    profile_assigned: bool = True

    @property
    def not_ready(self) -> list[PersonReadiness]:
        return [r for r in self.people.values() if not r.ready]


def list_profiles() -> list[tuple[str, str]]:
    from trainer.curricula.models import ReadinessProfile, pick

    return [(code, pick(title)) for code, title in
            db.session.execute(select(ReadinessProfile.code, ReadinessProfile.title).order_by(ReadinessProfile.code))]


def _profile_filter(profile_code: str):
    """People the profile applies to (assigned to them or to a unit above them); None if it is assigned to nobody."""
    try:
        from trainer.learning.models import ProfileAssignment
    except ImportError:  # learning domain not installed: the profile applies to everyone
        return None
    assigned = db.session.scalar(select(exists().where(ProfileAssignment.profile_code == profile_code,
                                                       ProfileAssignment.withdrawn_at.is_(None))))
    if not assigned:
        return None
    target = aliased(Unit)
    unit_level = exists(select(ProfileAssignment.id).join(target, target.id == ProfileAssignment.unit_id).where(
        ProfileAssignment.profile_code == profile_code, ProfileAssignment.withdrawn_at.is_(None),
        Unit.path.startswith(target.path, autoescape=False)))
    person_level = UnitAssignment.person_id.in_(
        select(ProfileAssignment.person_id).where(ProfileAssignment.profile_code == profile_code,
                                                  ProfileAssignment.withdrawn_at.is_(None),
                                                  ProfileAssignment.person_id.is_not(None)))
    return or_(unit_level, person_level)


def members_select(actor, as_of: dt.date, *, unit: Unit | None = None, profile_code: str | None = None,
                   roles=VIEW_ROLES, profile_condition=False):
    """SELECT (person_id, unit_id) of the people in the actor's scope (and `unit`'s subtree) on `as_of`."""
    query = (select(UnitAssignment.person_id, UnitAssignment.unit_id)
             .join(Unit, Unit.id == UnitAssignment.unit_id)
             .where(UnitAssignment.start_on <= as_of,
                    or_(UnitAssignment.end_on.is_(None), UnitAssignment.end_on > as_of),
                    scoping.scope_condition(actor, "unit", roles)))
    if unit is not None:
        query = query.where(Unit.path.startswith(unit.path))
    if profile_condition is not None and profile_condition is not False:
        query = query.where(profile_condition)
    return query


def month_ends(as_of: dt.date, count: int = 6) -> list[dt.date]:
    """The last `count` month-ends on or before `as_of`, oldest first."""
    ends = []
    year, month = as_of.year, as_of.month
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    if last > as_of:
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    while len(ends) < count:
        ends.append(dt.date(year, month, calendar.monthrange(year, month)[1]))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(ends))


def _units(actor, unit: Unit | None, roles) -> dict[int, UnitNode]:
    query = select(Unit.id, Unit.code, Unit.name, Unit.nation_code, Unit.parent_id, Unit.path).where(
        scoping.scope_condition(actor, "unit", roles))
    if unit is not None:
        query = query.where(Unit.path.startswith(unit.path))
    nodes = {}
    for row in db.session.execute(query.order_by(Unit.nation_code, Unit.path)):
        nodes[row.id] = UnitNode(row.id, row.code, row.name, row.nation_code, row.parent_id, row.path)
    return nodes


def _path_ids(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]


def scope_readiness(actor, profile: engine.ProfileSpec | str, as_of: dt.date, *, unit: Unit | None = None,
                    forecast_on: dt.date | None = None, roles=VIEW_ROLES) -> ScopeReadiness:
    spec = engine.load_profile(profile) if isinstance(profile, str) else profile
    condition = _profile_filter(spec.code)
    members = members_select(actor, as_of, unit=unit, roles=roles, profile_condition=condition)
    unit_of = {pid: uid for pid, uid in db.session.execute(members)}
    people = engine.evaluate(members.with_only_columns(UnitAssignment.person_id), spec, as_of) if unit_of else {}
    units = _units(actor, unit, roles)
    _roll_up(units, unit_of, people, "tally")

    if forecast_on is not None:
        fmembers = members_select(actor, forecast_on, unit=unit, roles=roles, profile_condition=condition)
        funit_of = {pid: uid for pid, uid in db.session.execute(fmembers)}
        fpeople = engine.evaluate(fmembers.with_only_columns(UnitAssignment.person_id), spec, forecast_on) if funit_of else {}
        for node in units.values():
            node.forecast = Tally()
        _roll_up(units, funit_of, fpeople, "forecast")

    roots = []
    for node in units.values():
        parent = units.get(node.parent_id) if node.parent_id else None
        if parent is None:
            roots.append(node)
        else:
            parent.children.append(node)
    for node in units.values():
        node.children.sort(key=lambda n: n.code)
    _set_depths(roots, 0)
    roots.sort(key=lambda n: (n.nation_code, n.code))

    nation_names = dict(db.session.execute(select(Nation.code, Nation.name).where(
        Nation.code.in_({n.nation_code for n in units.values()}))).all()) if units else {}
    by_nation: dict[str, Tally] = defaultdict(Tally)
    total = Tally()
    for pid, result in people.items():
        node = units.get(unit_of.get(pid))
        code = node.nation_code if node else "?"
        by_nation[code].total += 1
        total.total += 1
        if result.ready:
            by_nation[code].ready += 1
            total.ready += 1
    nations = [(code, nation_names.get(code, code), by_nation.get(code, Tally()))
               for code in sorted({n.nation_code for n in units.values()} | set(by_nation))]

    expiring = {days: 0 for days in EXPIRY_WINDOWS}
    for result in people.values():
        until = result.valid_until
        if result.ready and until is not None:
            for days in EXPIRY_WINDOWS:
                if until <= as_of + dt.timedelta(days=days):
                    expiring[days] += 1
    gap_counts: Counter = Counter()
    for result in people.values():
        for gap in result.gaps:
            gap_counts[(requirement_label(spec, gap.key), gap.label)] += 1
    gaps = [(req, state, n) for (req, state), n in gap_counts.most_common(8)]
    return ScopeReadiness(spec, as_of, people, unit_of, units, roots, nations, total, expiring, gaps,
                          profile_assigned=condition is not None)


def _roll_up(units: dict[int, UnitNode], unit_of: dict[int, int], people: dict[int, PersonReadiness], attr: str) -> None:
    for pid, result in people.items():
        node = units.get(unit_of.get(pid))
        if node is None:
            continue
        for ancestor_id in _path_ids(node.path):
            ancestor = units.get(ancestor_id)
            if ancestor is None:
                continue
            tally = getattr(ancestor, attr)
            tally.total += 1
            if result.ready:
                tally.ready += 1


def _set_depths(nodes: list[UnitNode], depth: int) -> None:
    for node in nodes:
        node.depth = depth
        _set_depths(node.children, depth + 1)


def flatten(roots: list[UnitNode]) -> list[UnitNode]:
    out = []
    for node in roots:
        out.append(node)
        out.extend(flatten(node.children))
    return out


def requirement_label(spec: engine.ProfileSpec, key: str) -> str:
    if key == "exercise":
        return "Exercise requirement"
    if key == "screening":
        return "Screening"
    return spec.module_titles.get(key, key)


def trend(actor, spec: engine.ProfileSpec, as_of: dt.date, *, unit: Unit | None = None, roles=VIEW_ROLES,
          count: int = 6) -> list[tuple[dt.date, Tally]]:
    """Percentage ready at each of the last `count` month-ends (a fixed number of queries per point)."""
    condition = _profile_filter(spec.code)
    points = []
    for day in month_ends(as_of, count):
        members = members_select(actor, day, unit=unit, roles=roles, profile_condition=condition)
        results = engine.evaluate(members.with_only_columns(UnitAssignment.person_id), spec, day)
        points.append((day, Tally(total=len(results), ready=sum(1 for r in results.values() if r.ready))))
    return points


def people_rows(person_ids) -> dict[int, Person]:
    """The Person records for a set of ids, in one query (chunked only to respect parameter limits)."""
    ids = list(person_ids)
    found: dict[int, Person] = {}
    for start in range(0, len(ids), 5000):
        for person in db.session.scalars(select(Person).where(Person.id.in_(ids[start:start + 5000]))):
            found[person.id] = person
    return found


def default_profile_code(requested: str | None, actor=None) -> str:
    profiles = list_profiles()
    codes = [code for code, _ in profiles]
    if requested and requested in codes:
        return requested
    if requested:
        raise NotFound(f"No readiness profile {requested!r}.")
    if not codes:
        raise NotFound("No readiness profile has been imported yet.")
    return _most_assigned(codes, actor)


def _most_assigned(codes: list[str], actor=None) -> str:
    """The profile assigned to the most units (of the viewer's scope, when given), then by code: the standard
    most of the people in view are held to."""
    try:
        from sqlalchemy import func

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
            scoping.scope_condition(actor, "unit", VIEW_ROLES))
    counts = dict(db.session.execute(query).all())
    return min(codes, key=lambda code: (-counts.get(code, 0), code))


def parse_day(raw: str | None, default: dt.date | None = None, *, field: str = "as_of") -> dt.date | None:
    from trainer.errors import Invalid

    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise Invalid("Enter the date as YYYY-MM-DD.", errors=[(field, "Enter the date as YYYY-MM-DD.")])



