"""Readiness of a scope (a commander's nations and units) as of a date, rolled up the unit tree.

Everything here is set-based: the people of the scope on the date are one SELECT handed to the
engine, units are read once, and the roll-up is done in memory. The number of queries does not grow
with the number of people.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from trainer.auth import scoping
from trainer.calendar_months import month_ends
from trainer.extensions import db
from trainer.org.models import Nation, Person, Unit, UnitAssignment
from trainer.readiness import engine, states
from trainer.readiness.rules import PersonReadiness, State
from trainer.readiness.models import DEFAULT_THRESHOLDS, Level, Thresholds
from trainer.readiness.profiles import PROFILE_CONDITION_UNKNOWN, profile_condition, requirement_label
from trainer.readiness.wording import state_label

EXPIRY_WINDOWS = (30, 60, 90)
_UNMET = re.compile(r"[^.]")  # a requirement not met, in the gap letters of a stretch


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


def _in_subtree(unit: Unit):
    """Condition on UnitAssignment: in `unit` or below. The subtree's unit ids are found first (a prefix match over
    the units), so the assignments are then read through their unit index rather than all scanned."""
    return UnitAssignment.unit_id.in_(select(Unit.id).where(Unit.path.startswith(unit.path)).scalar_subquery())


def _in_nation(nation: str):
    """Condition on UnitAssignment: in one of the nation's units."""
    return UnitAssignment.unit_id.in_(select(Unit.id).where(Unit.nation_code == nation).scalar_subquery())


def _narrowed(query, unit: Unit | None, nation: str | None, profile_condition):
    """The query kept to `unit`'s subtree, `nation`'s units and the profile's condition, where given."""
    if unit is not None:
        query = query.where(_in_subtree(unit))
    if nation is not None:
        query = query.where(_in_nation(nation))
    if profile_condition is not None and profile_condition is not False:
        query = query.where(profile_condition)
    return query


def members_select(actor, as_of: dt.date, *, unit: Unit | None = None, profile_code: str | None = None,
                   roles="readiness.view", profile_condition=False, nation: str | None = None):
    """SELECT (person_id, unit_id) of the people in the actor's scope (and `unit`'s subtree, or `nation`'s units)
    on `as_of`."""
    query = _scoped(select(UnitAssignment.person_id, UnitAssignment.unit_id)
                    .where(UnitAssignment.start_on <= as_of,
                           or_(UnitAssignment.end_on.is_(None), UnitAssignment.end_on > as_of)), actor, roles)
    return _narrowed(query, unit, nation, profile_condition)


def member_spans(actor, *, unit: Unit | None = None, roles="readiness.view", profile_condition=False,
                 nation: str | None = None):
    """SELECT (person_id, start_on, end_on, unit_id) of the unit assignments in the actor's scope (and `unit`'s
    subtree, or `nation`'s units): the people of every date at once, for figures over several dates."""
    query = _scoped(select(UnitAssignment.person_id, UnitAssignment.start_on, UnitAssignment.end_on,
                           UnitAssignment.unit_id), actor, roles)
    return _narrowed(query, unit, nation, profile_condition)


def _units(actor, unit: Unit | None, roles, nation: str | None = None) -> dict[int, UnitNode]:
    query = select(Unit.id, Unit.code, Unit.name, Unit.nation_code, Unit.parent_id, Unit.path).where(
        scoping.scope_condition(actor, "unit", roles))
    if unit is not None:
        query = query.where(Unit.path.startswith(unit.path))
    if nation is not None:
        query = query.where(Unit.nation_code == nation)
    nodes = {}
    for row in db.session.execute(query.order_by(Unit.nation_code, Unit.path)):
        nodes[row.id] = UnitNode(row.id, row.code, row.name, row.nation_code, row.parent_id, row.path)
    return nodes


def _path_ids(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]


@dataclass
class UnitFigures:
    """Set-based figures of the people of one unit (not its subtree) on a date."""
    total: int = 0
    ready: int = 0
    expiring: dict = field(default_factory=dict)     # days -> ready people whose evidence lapses within them


def unit_figures_on(spans, spec: engine.ProfileSpec, days, *, details_on: dt.date | None = None,
                    by_rows: bool = False) -> dict[dt.date, dict[int, UnitFigures]]:
    """Per date and unit: people and ready, and on `details_on` the ready people whose evidence lapses within
    30/60/90 days; every date in the same two GROUP BY queries (a column per date). `spans` is member_spans():
    the first query counts postings per unit, the second joins the (few) people with a ready stretch over the
    dates to their postings, driven from the ready stretches' index. Postings never overlap (a transfer ends one
    the day the next begins), so each person counts once per date.

    `by_rows` (for one unit's subtree, mostly a small part of the force): the postings and their people's ready
    stretches are read as rows and counted here, which costs less than building the two wide statements; still
    two statements whatever the number of people."""
    from sqlalchemy import and_, case, func

    days = sorted(set(days) | ({details_on} if details_on else set()))
    if by_rows:
        return _count_rows(spans, spec, days, details_on)
    s = spans.subquery("s")
    covers = [and_(s.c.start_on <= day, or_(s.c.end_on.is_(None), s.c.end_on > day)) for day in days]
    out: dict[dt.date, dict[int, UnitFigures]] = {day: {} for day in days}
    for unit_id, *totals in db.session.execute(
            select(s.c.unit_id, *[func.sum(case((c, 1), else_=0)) for c in covers]).group_by(s.c.unit_id)):
        for day, total in zip(days, totals):
            if total:
                out[day][unit_id] = UnitFigures(
                    total=int(total), expiring={w: 0 for w in EXPIRY_WINDOWS} if day == details_on else {})
    query, c = states.ready_select(states.profile_of(spec), days[0], days[-1], screening_required=spec.screening_required)
    ready_cols = [func.max(case((and_(c.start_on <= day, c.end_on >= day), 1), else_=0)).label(f"r{k}")
                  for k, day in enumerate(days)]
    if details_on is not None:
        ready_cols.append(func.max(case((and_(c.start_on <= details_on, c.end_on >= details_on), c.valid_until)))
                          .label("until"))
    r = query.with_only_columns(c.person_id.label("pid"), *ready_cols).group_by(c.person_id).subquery("r")
    cols = [func.sum(case((and_(covers[k], r.c[f"r{k}"] == 1), 1), else_=0)) for k in range(len(days))]
    if details_on is not None:
        at = covers[days.index(details_on)]
        cols += [func.sum(case((and_(at, r.c.until <= details_on + dt.timedelta(days=w)), 1), else_=0))
                 for w in EXPIRY_WINDOWS]
    for unit_id, *counts in db.session.execute(
            select(s.c.unit_id, *cols).select_from(r).join(s, s.c.person_id == r.c.pid).group_by(s.c.unit_id)):
        for day, ready in zip(days, counts):
            if ready:
                out[day][unit_id].ready = int(ready)
        if details_on is not None and unit_id in out[details_on]:
            out[details_on][unit_id].expiring = {w: int(n or 0) for w, n in zip(EXPIRY_WINDOWS, counts[len(days):])}
    return out


def _count_rows(spans, spec: engine.ProfileSpec, days: list[dt.date], details_on: dt.date | None,
                gaps: Counter | None = None):
    """unit_figures_on by rows: the same rules, counted over the postings and their people's ready stretches.
    With `gaps` (and `details_on`), also counts into it the gaps on `details_on` as gap_counts does, from each
    posting's stretch covering that day and the person's screening, read with the postings."""
    s = spans.subquery("s")
    cols = [s.c.person_id, s.c.unit_id, s.c.start_on, s.c.end_on]
    query = select(*cols)
    if gaps is not None:
        st = states.stretch_alias()
        query = (select(*cols, Person.screening, st.gaps).join(Person, Person.id == s.c.person_id)
                 .outerjoin(st, states.covering(st, s.c.person_id, spec.code, details_on)))
    postings = db.session.execute(query).all()
    if gaps is not None:
        _count_gaps(gaps, spec, ((letters, 1, screening == "hold", screening not in ("cleared", "hold"))
                                 for _, _, start, end, screening, letters in postings
                                 if start <= details_on and (end is None or end > details_on)))
        postings = [row[:4] for row in postings]
    query, c = states.ready_select(states.profile_of(spec), days[0], days[-1], screening_required=spec.screening_required)
    # The postings' people as a list when it is short (each person's stretches are then found through the
    # person index), else as a subquery (the ready stretches are scanned once).
    person_ids = sorted({row[0] for row in postings})
    among = c.person_id.in_(person_ids) if len(person_ids) <= 2000 else c.person_id.in_(select(s.c.person_id))
    ready: dict[int, list[tuple]] = defaultdict(list)
    for person_id, start, end, until in db.session.execute(
            query.where(among).with_only_columns(c.person_id, c.start_on, c.end_on, c.valid_until)):
        ready[person_id].append((start, end, until))
    limits = {w: details_on + dt.timedelta(days=w) for w in EXPIRY_WINDOWS} if details_on else {}
    out: dict[dt.date, dict[int, UnitFigures]] = {day: {} for day in days}
    for person_id, unit_id, start, end in postings:
        stretches = ready.get(person_id, ())
        for day in days:
            if start > day or (end is not None and end <= day):
                continue
            figure = out[day].get(unit_id)
            if figure is None:
                figure = out[day][unit_id] = UnitFigures(expiring={w: 0 for w in EXPIRY_WINDOWS} if day == details_on else {})
            figure.total += 1
            for first, last, until in stretches:
                if first <= day <= last:
                    figure.ready += 1
                    if day == details_on and until is not None:
                        for w, limit in limits.items():
                            figure.expiring[w] += until <= limit
                    break
    return out


def gap_counts(members, spec: engine.ProfileSpec, as_of: dt.date) -> Counter:
    """(requirement key, state) -> people of `members` with that gap on `as_of`: one GROUP BY query over the gap
    letters of each person's stretch covering the date (joined as a set), with their screening."""
    from sqlalchemy import case, func

    m = members.subquery("m")
    st = states.stretch_alias()
    held, pending = Person.screening == "hold", Person.screening.not_in(("cleared", "hold"))
    query = (select(st.gaps, func.count(), func.sum(case((held, 1), else_=0)), func.sum(case((pending, 1), else_=0)))
             .select_from(m).join(Person, Person.id == m.c.person_id)
             .outerjoin(st, states.covering_join(st, m.c.person_id, spec.code, as_of)).group_by(st.gaps))
    counts: Counter = Counter()
    _count_gaps(counts, spec, db.session.execute(query))
    return counts


def _count_gaps(counts: Counter, spec: engine.ProfileSpec, groups) -> None:
    """Add to `counts` the gaps of groups of people: (gap letters or None, people, on hold, not cleared)."""
    profile = states.profile_of(spec)
    keys, nothing = profile.keys, profile.default_gaps
    on_hold = not_cleared = 0
    found: dict[tuple[int, str], int] = defaultdict(int)  # (position, letter) -> people: as profile.decode
    for gaps, n, hold, other in groups:  # a force holds tens of thousands of groups, mostly met ("."): skipped in C
        for unmet in _UNMET.finditer(nothing if gaps is None else gaps[:len(keys)]):
            found[(unmet.start(), unmet.group())] += n
        on_hold, not_cleared = on_hold + (hold or 0), not_cleared + (other or 0)
    for (position, letter), n in found.items():
        counts[(keys[position], states.STATES[letter])] += n
    if spec.screening_required:
        for state, n in ((State.ON_HOLD, on_hold), (State.MISSING, not_cleared)):
            if n:
                counts[("screening", state)] += n


def _roll_up_figures(units: dict[int, UnitNode], figures: dict[int, UnitFigures], attr: str) -> None:
    for unit_id, figure in figures.items():
        node = units.get(unit_id)
        if node is None:
            continue
        for ancestor_id in _path_ids(node.path):
            ancestor = units.get(ancestor_id)
            if ancestor is None:
                continue
            tally = getattr(ancestor, attr)
            tally.total += figure.total
            tally.ready += figure.ready


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
    spans = member_spans(actor, unit=unit, roles=roles, profile_condition=condition, nation=nation)
    days = sorted(set(trend_days) | {as_of} | ({forecast_on} if forecast_on is not None else set()))
    gaps_found: Counter = Counter()
    if unit is not None:  # a unit's subtree: counted from rows, its gaps read with its postings
        by_day = _count_rows(spans, spec, days, as_of, gaps=gaps_found)
    else:
        by_day = unit_figures_on(spans, spec, days, details_on=as_of)
        gaps_found = gap_counts(members, spec, as_of)
    figures = by_day[as_of]
    unit_of, people = {}, {}
    if with_people:
        unit_of = {pid: uid for pid, uid in db.session.execute(members)}
        people = engine.evaluate(members.with_only_columns(UnitAssignment.person_id), spec, as_of) if unit_of else {}
    units = _units(actor, unit, roles, nation)
    _roll_up_figures(units, figures, "tally")

    if forecast_on is not None:
        for node in units.values():
            node.forecast = Tally()
        _roll_up_figures(units, by_day[forecast_on], "forecast")
    trend_points = [(day, Tally(total=sum(f.total for f in by_day[day].values()),
                                ready=sum(f.ready for f in by_day[day].values()))) for day in trend_days]

    roots = link_tree(units)
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
    keys = list(spec.required_modules) + ["exercise", "screening"]
    ranked = sorted(gaps_found.items(), key=lambda item: (-item[1], keys.index(item[0][0]) if item[0][0] in keys else 99,
                                                          item[0][1]))
    top_gaps = [(key, state, n) for (key, state), n in ranked[:8]]
    return ScopeReadiness(spec, as_of, people, unit_of, units, roots, nations, total, expiring, word_gaps(spec, top_gaps),
                          profile_assigned=condition is not None, trend=trend_points, thresholds=thresholds,
                          gap_counts=top_gaps)


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


