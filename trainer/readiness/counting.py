"""Each unit's own readiness figures counted from the source tables: people and ready on dates, the ready people
whose evidence lapses within 30/60/90 days, and the gaps of those not ready. Every count is set-based: a fixed
number of statements whatever the number of people (aggregate.py rolls them up the unit tree, unit_figures.py
keeps them between views)."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, or_, select

from trainer.extensions import db
from trainer.org.models import Person
from trainer.readiness import engine, states
from trainer.readiness.rules import State

EXPIRY_WINDOWS = (30, 60, 90)
_UNMET = re.compile(r"[^.]")  # a requirement not met, in the gap letters of a stretch


@dataclass
class UnitFigures:
    """Figures of the people of one unit (not its subtree) on a date; `expiring` and `gaps` on the date whose
    details were asked for."""
    total: int = 0
    ready: int = 0
    expiring: dict = field(default_factory=dict)     # days -> ready people whose evidence lapses within them
    gaps: Counter | tuple | None = None              # (requirement key, state) -> people; kept: by gap_slots()


def unit_figures_on(spans, spec: engine.ProfileSpec, days, *, details_on: dt.date | None = None,
                    by_rows: bool = False) -> dict[dt.date, dict[int, UnitFigures]]:
    """Per date and unit: people and ready, and on `details_on` the ready people whose evidence lapses within
    30/60/90 days; every date in the same two GROUP BY queries (a column per date). `spans` is
    aggregate.member_spans(): the first query counts postings per unit, the second joins the (few) people with a
    ready stretch over the dates to their postings, driven from the ready stretches' index. Postings never overlap
    (a transfer ends one the day the next begins), so each person counts once per date.

    `by_rows` (for a few units, mostly a small part of the force): the postings and their people's ready
    stretches are read as rows and counted here, which costs less than building the two wide statements; still
    two statements whatever the number of people."""
    days = sorted(set(days) | ({details_on} if details_on else set()))
    if by_rows:
        return count_rows(spans, spec, days, details_on)
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


def count_rows(spans, spec: engine.ProfileSpec, days: list[dt.date], details_on: dt.date | None,
               gaps: dict[int, Counter] | None = None):
    """unit_figures_on by rows: the same rules, counted over the postings and their people's ready stretches.
    With `gaps` (and `details_on`), also counts into it, per unit, the gaps on `details_on` as unit_gaps does, from
    each posting's stretch covering that day and the person's screening, read with the postings."""
    s = spans.subquery("s")
    cols = [s.c.person_id, s.c.unit_id, s.c.start_on, s.c.end_on]
    query = select(*cols)
    if gaps is not None:
        st = states.stretch_alias()
        query = (select(*cols, Person.screening, st.gaps).join(Person, Person.id == s.c.person_id)
                 .outerjoin(st, states.covering(st, s.c.person_id, spec.code, details_on)))
    postings = db.session.execute(query).all()
    if gaps is not None:
        groups = defaultdict(list)
        for _, unit_id, start, end, screening, letters in postings:
            if start <= details_on and (end is None or end > details_on):
                groups[unit_id].append((letters, 1, screening == "hold", screening not in ("cleared", "hold")))
        for unit_id, rows in groups.items():
            count_gaps(gaps.setdefault(unit_id, Counter()), spec, rows)
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


def unit_gaps(members, spec: engine.ProfileSpec, as_of: dt.date) -> dict[int, tuple[int, ...]]:
    """unit id -> the people of `members` (aggregate.members_select) posted there with each gap on `as_of`, one
    number per gap_slots() slot: one GROUP BY query over the units, each slot a sum over the gap letters of each
    person's stretch covering the date (joined as a set; no stretch: every requirement missing) or their
    screening, added up by the database."""
    m = members.subquery("m")
    st = states.stretch_alias()
    profile = states.profile_of(spec)
    letters = {state: letter for letter, state in states.STATES.items()}
    gaps = func.coalesce(st.gaps, profile.default_gaps)
    slots = [func.sum(case((func.substr(gaps, position + 1, 1) == letters[state], 1), else_=0))
             for position, _ in enumerate(profile.keys) for state in _SLOT_STATES]
    if spec.screening_required:
        held, pending = Person.screening == "hold", Person.screening.not_in(("cleared", "hold"))
        slots += [func.sum(case((held, 1), else_=0)), func.sum(case((pending, 1), else_=0))]
    query = (select(m.c.unit_id, *slots).select_from(m).join(Person, Person.id == m.c.person_id)
             .outerjoin(st, states.covering_many(st, m.c.person_id, spec.code, as_of)).group_by(m.c.unit_id))
    extra = () if spec.screening_required else (0, 0)
    return {unit_id: tuple(int(n or 0) for n in counts) + extra for unit_id, *counts in db.session.execute(query)}


_SLOT_STATES = tuple(dict.fromkeys(states.STATES.values()))  # the states a gap letter stands for, in slot order


def gap_slots(spec: engine.ProfileSpec) -> list[tuple[str, str]]:
    """Every (requirement key, state) a gap can be, in a fixed order: a unit's gaps kept as one number per slot
    (unit_figures.py) are added up for a whole scope a slot at a time."""
    return ([(key, state) for key in states.profile_of(spec).keys for state in _SLOT_STATES]
            + [("screening", State.ON_HOLD), ("screening", State.MISSING)])


def count_gaps(counts: Counter, spec: engine.ProfileSpec, groups) -> None:
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
