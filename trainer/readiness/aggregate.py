"""Readiness of a scope (a commander's nations and units) as of a date, rolled up the unit tree.

Everything here is set-based: the people of the scope on the date are one SELECT handed to the
engine, units are read once, and the roll-up is done in memory. The number of queries does not grow
with the number of people.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from trainer.auth import scoping
from trainer.calendar_months import month_ends
from trainer.extensions import db
from trainer.org.models import Nation, Unit, UnitAssignment
from trainer.readiness import engine, unit_figures
from trainer.readiness.counting import (EXPIRY_WINDOWS, UnitFigures, count_rows, gap_slots, unit_figures_on,
                                        unit_gaps)
from trainer.readiness.rules import PersonReadiness
from trainer.readiness.models import DEFAULT_THRESHOLDS, Level, Thresholds
from trainer.readiness.profiles import PROFILE_CONDITION_UNKNOWN, UnitReach, profile_condition, requirement_label
from trainer.readiness.figures_cache import CHANGED
from trainer.readiness.wording import state_label



@dataclass
class Tally:
    total: int = 0
    ready: int = 0

    @property
    def percent(self) -> float | None:
        return round(100.0 * self.ready / self.total, 1) if self.total else None



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
    trend: list[tuple[dt.date, Tally]] = field(default_factory=list)  # (month-end, people and ready), oldest first
    thresholds: Thresholds = DEFAULT_THRESHOLDS
    gap_counts: list[tuple[str, str, int]] = field(default_factory=list)  # (requirement key, state, people)

    def level(self, tally: Tally | None) -> Level | None:
        return self.thresholds.level(tally.percent if tally is not None else None)

    @property
    def not_ready(self) -> list[PersonReadiness]:
        return [r for r in self.people.values() if not r.ready]


def _scoped(query, actor, roles):
    """`query` on UnitAssignment limited to the units in the actor's scope; a mission-wide scope needs no join."""
    from sqlalchemy.sql.elements import True_

    condition = scoping.scope_condition(actor, "unit", roles)
    if isinstance(condition, True_):
        return query
    return query.join(Unit, Unit.id == UnitAssignment.unit_id).where(condition)


def _subtree_ids(unit: Unit) -> list[int]:
    """The ids of `unit` and the units below it, read first (one statement) so that the postings are then read
    through their unit index: given a subquery instead, PostgreSQL cannot tell how few units it yields and reads
    all the postings of a large force."""
    return db.session.scalars(select(Unit.id).where(Unit.path.startswith(unit.path))).all()


def _in_nation(nation: str):
    """Condition on UnitAssignment: in one of the nation's units."""
    return UnitAssignment.unit_id.in_(select(Unit.id).where(Unit.nation_code == nation).scalar_subquery())


def _narrowed(query, unit: Unit | None, nation: str | None, profile_condition):
    """The query kept to `unit`'s subtree, `nation`'s units and the profile's condition, where given."""
    reach = profile_condition if profile_condition is not None and profile_condition is not False else None
    if unit is not None:
        if isinstance(reach, UnitReach) and reach.unit_ids is not None:  # one list: the subtree's reached units
            # found within this very subtree: already the list (the page read the subtree once, for the reach)
            ids = sorted(reach.unit_ids) if reach.within == unit.path else [
                i for i in _subtree_ids(unit) if i in reach.unit_ids]
            reach = None
        else:
            ids = _subtree_ids(unit)
        query = query.where(UnitAssignment.unit_id.in_(ids))
    if nation is not None:
        query = query.where(_in_nation(nation))
    if reach is not None:
        query = query.where(reach)
    return query


def _postings_on(as_of: dt.date):
    return select(UnitAssignment.person_id, UnitAssignment.unit_id).where(
        UnitAssignment.start_on <= as_of, or_(UnitAssignment.end_on.is_(None), UnitAssignment.end_on > as_of))


def _spans():
    return select(UnitAssignment.person_id, UnitAssignment.start_on, UnitAssignment.end_on, UnitAssignment.unit_id)


def members_select(actor, as_of: dt.date, *, unit: Unit | None = None, profile_code: str | None = None,
                   roles="readiness.view", profile_condition=False, nation: str | None = None):
    """SELECT (person_id, unit_id) of the people in the actor's scope (and `unit`'s subtree, or `nation`'s units)
    on `as_of`."""
    return _narrowed(_scoped(_postings_on(as_of), actor, roles), unit, nation, profile_condition)


def member_spans(actor, *, unit: Unit | None = None, roles="readiness.view", profile_condition=False,
                 nation: str | None = None):
    """SELECT (person_id, start_on, end_on, unit_id) of the unit assignments in the actor's scope (and `unit`'s
    subtree, or `nation`'s units): the people of every date at once, for figures over several dates."""
    return _narrowed(_scoped(_spans(), actor, roles), unit, nation, profile_condition)


def every_member(as_of: dt.date, profile_condition):
    """members_select() of the whole force, whoever reads: for the figures each unit keeps (recount.py), which
    depend on the data alone. Never for what a reader is shown."""
    return _narrowed(_postings_on(as_of), None, None, profile_condition)


def every_member_spans(profile_condition):
    """member_spans() of the whole force, whoever reads: as every_member()."""
    return _narrowed(_spans(), None, None, profile_condition)


def _units(actor, unit: Unit | None, roles, nation: str | None, profile_code: str
           ) -> tuple[dict[int, UnitNode], unit_figures.Known]:
    """The scope's units, with the figures kept for each of them (unit_figures.py), in one statement."""
    query = select(Unit.id, Unit.code, Unit.name, Unit.nation_code, Unit.parent_id, Unit.path).where(
        scoping.scope_condition(actor, "unit", roles))
    if unit is not None:
        query = query.where(Unit.path.startswith(unit.path))
    if nation is not None:
        query = query.where(Unit.nation_code == nation)
    nodes, known = {}, unit_figures.Known(profile_code)
    # Through the connection: plain rows, without the ORM's loading machinery (a mission has thousands of units).
    for row in db.session.connection().execute(unit_figures.with_stored(query, Unit.id, profile_code)
                                               .order_by(Unit.nation_code, Unit.path)).all():
        nodes[row[0]] = UnitNode(*row[:6])
        known.take(row[0], *row[6:])
    known.fetch_rows(db.session)
    return nodes, known


def _counted(actor, spec, known: unit_figures.Known, units: dict[int, UnitNode], days, as_of: dt.date, *,
             unit: Unit | None, roles, condition, nation: str | None, store: bool) -> None:
    """Count the figures of the units whose kept figures are missing or out of date, keep them and (with `store`)
    store them. Most of a large scope missing (a new date, or after a change to everyone): counted at once over the
    scope with two wide statements and one for the gaps; else only those units, from their postings' rows."""
    need = known.missing(units, days, as_of)
    if not need:
        return
    gaps: dict[int, Counter] = {}
    if unit is None and len(need) > unit_figures.WIDE:
        need = list(units)
        counted = unit_figures_on(member_spans(actor, roles=roles, profile_condition=condition, nation=nation),
                                  spec, days, details_on=as_of)
        gaps = unit_gaps(members_select(actor, as_of, roles=roles, profile_condition=condition, nation=nation),
                         spec, as_of)
    else:
        listed, reach = need, condition
        if isinstance(condition, UnitReach) and condition.unit_ids is not None:  # one list, as _narrowed keeps it
            listed, reach = [u for u in need if u in condition.unit_ids], None
        spans = member_spans(actor, roles=roles, profile_condition=reach).where(UnitAssignment.unit_id.in_(listed))
        counted = count_rows(spans, spec, days, as_of, gaps=gaps)
    known.learn(need, counted, gaps, as_of, gap_slots(spec))
    if store:
        unit_figures.store(known)


def _roll_up(units: dict[int, UnitNode], figures: dict[int, UnitFigures], forecast: dict[int, UnitFigures] | None):
    """Each unit's tally (and forecast): the figures of its own people plus those of every unit below it in
    `units`, added from the deepest units up, each to the nearest unit above it that is in `units`."""
    links = []
    for node in units.values():
        up = units.get(node.parent_id) if node.parent_id is not None else None
        if up is None and node.parent_id is not None:  # its parent is outside `units`: the nearest unit above
            for ancestor in reversed(node.path.strip("/").split("/")[:-2]):
                up = units.get(int(ancestor))
                if up is not None:
                    break
        links.append((node.path.count("/"), node, up))  # deeper units first
        if forecast is not None:
            node.forecast = Tally()
    links.sort(key=lambda link: link[0], reverse=True)
    _add_up(links, "tally", figures)
    if forecast is not None:
        _add_up(links, "forecast", forecast)


def _add_up(links, attr: str, own: dict[int, UnitFigures]) -> None:
    for _, node, up in links:
        tally = getattr(node, attr)
        figure = own.get(node.id)
        if figure is not None:
            tally.total += figure.total
            tally.ready += figure.ready
        if up is not None:
            above = getattr(up, attr)
            above.total += tally.total
            above.ready += tally.ready


def scope_readiness(actor, profile: engine.ProfileSpec | str, as_of: dt.date, *, unit: Unit | None = None,
                    forecast_on: dt.date | None = None, trend_count: int = 0, roles="readiness.view",
                    with_people: bool = True, thresholds: Thresholds = DEFAULT_THRESHOLDS,
                    condition=PROFILE_CONDITION_UNKNOWN, nation: str | None = None) -> ScopeReadiness:
    """Figures of the actor's scope on `as_of` (and on `forecast_on`, and totals at the last `trend_count`
    month-ends) from set-based queries; with_people also runs the per-person engine (for lists of people and
    exports), which the figures never depend on. `condition` is the profile's reach (profiles.profile_condition)
    when the caller already built it for another query of the same page. `nation` narrows the scope to the units
    of one nation."""
    spec = engine.load_profile(profile) if isinstance(profile, str) else profile
    if condition is PROFILE_CONDITION_UNKNOWN:
        condition = profile_condition(spec.code)
    members = members_select(actor, as_of, unit=unit, roles=roles, profile_condition=condition, nation=nation)
    trend_days = month_ends(as_of, trend_count) if trend_count else []
    days = sorted(set(trend_days) | {as_of} | ({forecast_on} if forecast_on is not None else set()))
    db.session.flush()  # this transaction's own changes, if any, are noted before the kept figures are read
    units, known = _units(actor, unit, roles, nation, spec.code)
    # This transaction's own changes, not yet committed: nothing kept is trusted, and nothing counted is stored.
    own_changes = bool(db.session.info.get(CHANGED))
    if own_changes:
        known.entries.clear()
    # The profile and its reach were read before the counters: a change committed in between (the profile edited,
    # a posting) may not be in them, so what is counted with them is shown but not kept (the next view counts).
    moved = spec.read_at_version is not None and known.counter is not None and spec.read_at_version != known.counter
    _counted(actor, spec, known, units, days, as_of, unit=unit, roles=roles, condition=condition, nation=nation,
             store=not own_changes and not moved)
    by_day = {day: known.figures(units, day) for day in {as_of, forecast_on} if day is not None}
    figures = by_day[as_of]
    unit_of, people = {}, {}
    if with_people:
        unit_of = {pid: uid for pid, uid in db.session.execute(members)}
        people = engine.evaluate(members.with_only_columns(UnitAssignment.person_id), spec, as_of) if unit_of else {}
    _roll_up(units, figures, by_day[forecast_on] if forecast_on is not None else None)
    trend_points = [(day, Tally(*sums)) for day, sums in zip(trend_days, known.totals(units, trend_days))]

    nations, total, expiring = _totals(units, figures)
    top_gaps = _top_gaps(spec, figures)
    return ScopeReadiness(spec, as_of, people, unit_of, units, link_tree(units), nations, total, expiring,
                          word_gaps(spec, top_gaps), profile_assigned=condition is not None, trend=trend_points,
                          thresholds=thresholds, gap_counts=top_gaps)


def _totals(units: dict[int, UnitNode], figures: dict) -> tuple[list, Tally, dict[int, int]]:
    """(per nation: (code, name, Tally), the scope's Tally, people whose readiness ends within each of
    EXPIRY_WINDOWS days) from the units' own figures on the day."""
    nation_names = dict(db.session.execute(select(Nation.code, Nation.name).where(
        Nation.code.in_({n.nation_code for n in units.values()}))).all()) if units else {}
    by_nation: dict[str, Tally] = defaultdict(Tally)
    total = Tally()
    expiring = {days: 0 for days in EXPIRY_WINDOWS}
    for unit_id, figure in figures.items():
        node = units.get(unit_id)
        code = node.nation_code if node else "?"
        by_nation[code].total += figure.total
        by_nation[code].ready += figure.ready
        total.total += figure.total
        total.ready += figure.ready
        for days in EXPIRY_WINDOWS:
            expiring[days] += figure.expiring.get(days, 0)
    nations = [(code, nation_names.get(code, code), by_nation.get(code, Tally()))
               for code in sorted({n.nation_code for n in units.values()} | set(by_nation))]
    return nations, total, expiring


def _top_gaps(spec: engine.ProfileSpec, figures: dict) -> list[tuple[str, str, int]]:
    """The eight most common gaps of the scope on the day, (requirement key, state, people), most people first,
    then in the profile's order of requirements."""
    found = Counter({slot: n for slot, n in zip(gap_slots(spec), map(sum, zip(*(f.gaps for f in figures.values()))))
                     if n})
    keys = list(spec.required_modules) + ["exercise", "screening"]
    ranked = sorted(found.items(), key=lambda item: (-item[1], keys.index(item[0][0]) if item[0][0] in keys else 99,
                                                     item[0][1]))
    return [(key, state, n) for (key, state), n in ranked[:8]]


def word_gaps(spec: engine.ProfileSpec, gap_counts) -> list[tuple[str, str, int]]:
    """(requirement, state, people) in the reader's language, from (requirement key, state, people)."""
    return [(requirement_label(spec, key), state_label(state), n) for key, state, n in gap_counts]


def link_tree(units: dict[int, UnitNode]) -> list[UnitNode]:
    """Each unit under its parent (children by code, depths set); the roots, by nation and code."""
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
    return roots


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


