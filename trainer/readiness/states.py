"""Keeps `readiness_states` exact: per person and profile, the stretches of dates over which their readiness
stays the same (screening apart, which is read live from the person).

A person's readiness for a profile can only change on a date where one of their requirements changes: a
validity interval starts or ends, a qualifying exercise ends or drops out of its window, a waiver starts or
ends. Each requirement is judged with the engine's own rules (rules.module_state, rules.exercise_state) on
its change dates only, once per person whatever the number of profiles asking for it, and the requirements
of each profile are then swept together into stretches. The stretches are rebuilt with the validity
intervals (intervals.refresh_people, intervals.rebuild_all), so every code path that records a completion,
a waiver or an exercise credit keeps them exact, and whenever a profile or its reach changes.

Stretches are kept for the profiles that reach a person (reach.py: assigned to them, to a unit of any of
their postings or above it, or to nobody, when a profile applies to everyone): the only pairs the figures
ever read. The figures of a whole force on a date (the dashboard, the unit page, trends, forecasts) are then
one indexed lookup per person instead of a pass over every completion.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import and_, select, true
from sqlalchemy.orm import aliased

from trainer.calendar_months import add_months
from trainer.readiness.rules import State, exercise_state, module_state

FIRST_DAY = dt.date(1, 1, 1)
LAST_DAY = dt.date(9999, 12, 31)
ONE_DAY = dt.timedelta(days=1)
MET = frozenset({State.MET, State.WAIVED})
# One letter per requirement, in the profile's order (its modules, then the exercise): "." met or waived.
LETTERS = {State.MET: ".", State.WAIVED: ".", State.MISSING: "m", State.EXPIRED: "x", State.SUPERSEDED: "s"}
STATES = {"m": State.MISSING, "x": State.EXPIRED, "s": State.SUPERSEDED}
RATING_ORDER = ("P", "S", "M", "U")
COLUMNS = ("person_id", "profile_code", "start_on", "end_on", "ready", "valid_until", "gaps")


class Profile(NamedTuple):
    """What the stretches of one profile depend on (screening is judged live, so it is not here)."""
    code: str
    modules: tuple[str, ...]
    exercise_types: tuple[str, ...]
    within_months: int | None
    min_outcome: str | None

    @property
    def has_exercise(self) -> bool:
        return bool(self.exercise_types) and bool(self.within_months) and bool(self.min_outcome)

    @property
    def ready_by_default(self) -> bool:
        """Ready (screening apart) with nothing recorded: only when the profile asks for no module or exercise."""
        return not self.modules and not self.has_exercise

    @property
    def keys(self) -> list[str]:
        """The requirements, in the order of the letters of `gaps`."""
        return list(self.modules) + (["exercise"] if self.has_exercise else [])

    @property
    def default_gaps(self) -> str:
        """The gaps of a person with nothing recorded: every requirement missing."""
        return LETTERS[State.MISSING] * len(self.keys)

    def decode(self, gaps: str | None) -> list[tuple[str, str]]:
        """[(requirement, state)] of the requirements not met, from a `gaps` value (None: nothing recorded)."""
        letters = self.default_gaps if gaps is None else gaps
        return [(key, STATES[letter]) for key, letter in zip(self.keys, letters) if letter != "."]

    def good_ratings(self) -> set[str]:
        if self.min_outcome not in RATING_ORDER:
            return set()
        return set(RATING_ORDER[:RATING_ORDER.index(self.min_outcome) + 1])


class _Span(NamedTuple):
    start_on: dt.date
    end_on: dt.date
    basis: str
    cut: str | None


def profile_of(spec) -> Profile:
    """A Profile from an engine.ProfileSpec."""
    return Profile(spec.code, tuple(dict.fromkeys(spec.required_modules)), tuple(spec.exercise_types or ()),
                   spec.exercise_within_months, spec.exercise_min_outcome)


def load_profiles(conn) -> list[Profile]:
    from trainer.curricula.models import ReadinessProfile as rp

    rows = conn.execute(select(rp.code, rp.required_modules, rp.exercise_types, rp.exercise_within_months,
                               rp.exercise_min_outcome).order_by(rp.code)).all()
    return [Profile(code, tuple(dict.fromkeys(modules or ())), tuple(types or ()), months, outcome)
            for code, modules, types, months, outcome in rows]


def _after(day: dt.date) -> dt.date:
    return day + ONE_DAY if day < LAST_DAY else LAST_DAY


# --- One requirement's changes: [(first day, letter, valid until while met)], equal neighbours merged -----------

def module_changes(spans: list[_Span]) -> list[tuple]:
    """The changes of one module requirement, judged by rules.module_state on each day its spans start or end."""
    days = {FIRST_DAY}
    for s in spans:
        days.add(s.start_on)
        days.add(_after(s.end_on))
    out: list[tuple] = []
    last = None
    for day in sorted(days):
        state, span = module_state(spans, day)
        value = (LETTERS[state], span.end_on if state in MET else None)
        if value != last:
            out.append((day, *value))
            last = value
    return out


def exercise_changes(exercise_days: list[dt.date], waivers: list[tuple], months: int) -> list[tuple]:
    """The changes of the exercise requirement, judged by rules.exercise_state on each day a qualifying exercise
    ends or leaves its window, or an exercise waiver (start_on, end_on) starts or ends."""
    days = {FIRST_DAY}
    for start_on, end_on in waivers:
        days.add(start_on)
        days.add(_after(end_on))
    for e in exercise_days:
        days.add(e)
        days.add(_after(add_months(e, months)))
    out: list[tuple] = []
    last = None
    for day in sorted(days):
        waiver_until = max((end_on for start_on, end_on in waivers if start_on <= day <= end_on), default=None)
        state, _, until = exercise_state(exercise_days, day, within_months=months, waiver_until=waiver_until)
        value = (LETTERS[state], until if state in MET else None)
        if value != last:
            out.append((day, *value))
            last = value
    return out


def sweep(requirements: list[list[tuple]], default: tuple) -> list[tuple]:
    """The stretches (start_on, end_on, ready, valid_until, gaps) of one person for one profile from the changes of
    its requirements, in the profile's order; stretches equal to `default` (nothing recorded) are left out."""
    count = len(requirements)
    events = sorted((change[0], index, change[1], change[2])
                    for index, changes in enumerate(requirements) for change in changes)
    letters, untils = ["m"] * count, [None] * count
    everything = "." * count
    out: list[tuple] = []
    start = value = None
    position, total = 0, len(events)
    while position < total:
        day = events[position][0]
        while position < total and events[position][0] == day:
            _, index, letters[index], untils[index] = events[position]
            position += 1
        gaps = "".join(letters)
        ready = gaps == everything
        current = (ready, min(untils) if ready and count else None, gaps)
        if current != value:
            if value is not None and value != default:
                out.append((start, day - ONE_DAY, *value))
            start, value = day, current
    if value is not None and value != default:
        out.append((start, LAST_DAY, *value))
    return out


def timeline(profile: Profile, spans: dict[str, list], exercise_days: list[dt.date]) -> list[tuple]:
    """The stretches (start_on, end_on, ready, valid_until, gaps) of one person for one profile, from their
    validity intervals by requirement (`spans`, with "exercise" holding exercise waivers) and the end dates of
    their qualifying exercises. Stretches in the nothing-recorded state are left out."""
    requirements = [module_changes(spans.get(code, ())) for code in profile.modules]
    if profile.has_exercise:
        waivers = [(s.start_on, s.end_on) for s in spans.get("exercise", ()) if s.basis == "waiver"]
        requirements.append(exercise_changes(exercise_days, waivers, profile.within_months))
    return sweep(requirements, (profile.ready_by_default, None, profile.default_gaps))


def stretch_tuples(profiles: list[Profile], interval_rows, credit_rows, reach=None):
    """Rows of readiness_states as tuples in COLUMNS' order, from interval rows (tuples or rows whose first six
    values are person_id, requirement, basis, start_on, end_on, cut) and exercise credit rows (person_id,
    exercise_type, rating, ended_on): for each person and profile, timeline()'s stretches, each requirement
    judged once per person whatever the number of profiles asking for it (computed by sweeps.py). `reach`
    (reach.Reach) limits each person to the profiles reaching them; None computes every profile for everyone."""
    from trainer.readiness.sweeps import stretch_rows

    return stretch_rows(profiles, interval_rows, credit_rows, reach)


def compute_rows(profiles: list[Profile], interval_rows, credit_rows, reach=None) -> list[dict]:
    """Rows of readiness_states as dicts (see stretch_tuples)."""
    rows = []
    for r in interval_rows:
        if isinstance(r, dict):
            r = (r["person_id"], r["requirement"], r["basis"], r["start_on"], r["end_on"], r["cut"])
        rows.append(tuple(r))
    return [dict(zip(COLUMNS, row)) for row in stretch_tuples(profiles, rows, credit_rows, reach)]


# --- Writing the stretches --------------------------------------------------------------------------------------

def _credits(conn, person_ids=None):
    from trainer.readiness.models import ExerciseCredit as ec

    query = select(ec.person_id, ec.exercise_type, ec.rating, ec.ended_on)
    if person_ids is not None:
        query = query.where(ec.person_id.in_(person_ids))
    return conn.execute(query).tuples().all()


def _write(conn, rows) -> int:
    from trainer.db import copy_rows
    from trainer.readiness.models import ReadinessState

    return copy_rows(conn, ReadinessState.__tablename__, COLUMNS, rows, binary=True)


def refresh_people(conn, person_ids: list[int], interval_rows, profiles: list[Profile] | None = None) -> int:
    """Rebuild the stretches of these people (at most a few thousand) from their interval rows, just computed by
    the caller, their exercise credits and the profiles reaching them."""
    from sqlalchemy import delete

    from trainer.readiness import figures_cache, reach
    from trainer.readiness.models import ReadinessState

    profiles = load_profiles(conn) if profiles is None else profiles
    rows = stretch_tuples(profiles, interval_rows, _credits(conn, person_ids), reach.load(conn, person_ids))
    # Each profile's rows of these people by the (profile, person) index: by person alone PostgreSQL reads the whole
    # table (376 ms at 100,000 people, on every completion recorded). Stretches exist only for the profiles there are.
    conn.execute(delete(ReadinessState).where(ReadinessState.profile_code.in_([p.code for p in profiles]),
                                              ReadinessState.person_id.in_(person_ids)))
    figures_cache.figures_changed(conn, people=person_ids)
    return _write(conn, rows)


def rebuild_all(conn, interval_rows=None, profile_codes=None, *, emptied: bool = False) -> int:
    """Rebuild every person's stretches (of every profile, or of `profile_codes`). Reads the validity intervals
    unless the caller has them; `emptied`: the caller has emptied the table already."""
    from sqlalchemy import delete

    from trainer.readiness import figures_cache, reach
    from trainer.readiness.models import ReadinessInterval as ri, ReadinessState

    profiles = [p for p in load_profiles(conn) if profile_codes is None or p.code in profile_codes]
    if interval_rows is None:
        interval_rows = conn.execute(select(ri.person_id, ri.requirement, ri.basis, ri.start_on, ri.end_on,
                                            ri.cut)).tuples().all()
    rows = stretch_tuples(profiles, interval_rows, _credits(conn), reach.load(conn))
    if emptied:
        pass
    elif profile_codes is None:
        conn.execute(delete(ReadinessState))
    else:
        conn.execute(delete(ReadinessState).where(ReadinessState.profile_code.in_(list(profile_codes))))
    figures_cache.figures_changed(conn, everything=True)
    return _write(conn, rows)


# --- Reading the stretches in SQL -------------------------------------------------------------------------------

def covering(stretch, person_col, profile_code: str, day: dt.date):
    """Join condition: `stretch` (an alias of ReadinessState) is the person's stretch for the profile that covers
    `day`. Stretches do not overlap, so it is the first one ending on or after the day (one index seek), provided
    it has started; no row means the nothing-recorded state."""
    from trainer.readiness.models import ReadinessState as rs

    first = (select(rs.id).where(rs.profile_code == profile_code, rs.person_id == person_col, rs.end_on >= day)
             .order_by(rs.end_on).limit(1).correlate_except(rs).scalar_subquery())
    return and_(stretch.id == first, stretch.start_on <= day)


def covering_join(stretch, person_col, profile_code: str, day: dt.date):
    """Join condition: `stretch` is the person's stretch for the profile that covers `day` (at most one: stretches
    do not overlap), as a plain join the planner can turn into one pass over the stretches covering the day,
    for queries over a whole force; covering() seeks each person's stretch, for a page of people."""
    return and_(stretch.person_id == person_col, stretch.profile_code == profile_code, stretch.start_on <= day,
                stretch.end_on >= day)


def covering_many(stretch, person_col, profile_code: str, day: dt.date):
    """Join condition for the stretch covering `day` of each of many people: covering_join() on PostgreSQL, which
    hashes the stretches covering the day; covering() on SQLite, which only nests loops and would otherwise scan
    every stretch ending after the day for each person."""
    from trainer.extensions import db

    postgres = db.session.get_bind().dialect.name == "postgresql"
    return (covering_join if postgres else covering)(stretch, person_col, profile_code, day)


def covering_seek(person_col, profile_code: str, day: dt.date):
    """(what to outer-join, on what, its columns) for each listed person's stretch covering `day`, one seek per
    person: on PostgreSQL a LATERAL subquery that reads the stretch's row once; elsewhere covering() on an alias,
    which finds the stretch's id and then its row. The columns are those of ReadinessState (start_on, ready,
    valid_until, gaps)."""
    from trainer.extensions import db

    if db.session.get_bind().dialect.name != "postgresql":
        st = stretch_alias()
        return st, covering(st, person_col, profile_code, day), st
    from trainer.readiness.models import ReadinessState as rs

    seek = (select(rs.start_on, rs.ready, rs.valid_until, rs.gaps)
            .where(rs.profile_code == profile_code, rs.person_id == person_col, rs.end_on >= day)
            .order_by(rs.end_on).limit(1).lateral("st"))
    return seek, seek.c.start_on <= day, seek.c


@lru_cache(maxsize=None)
def ready_person():
    """People under another name, so that a query on people around a ready_select never correlates it away.
    Built once: an alias copies every column of the table, which costs more than many small queries."""
    from trainer.org.models import Person

    return aliased(Person, name="ready_person")


@lru_cache(maxsize=None)
def stretch_alias():
    """readiness_states as "st", for joining a person's stretch covering a date (built once, as above)."""
    from trainer.readiness.models import ReadinessState

    return aliased(ReadinessState, name="st")


def ready_in(stretch, person, profile: Profile, *, screening_required: bool):
    """Condition: `person` (a Person entity or alias), joined (outer) to `stretch`, their stretch covering a date
    (covering()), is ready for the profile on that date: what ready_select finds, read from the row at hand
    instead of from every ready stretch of the force."""
    ready = true() if profile.ready_by_default else stretch.ready.is_(True)
    return and_(ready, person.screening == "cleared") if screening_required else ready


class ReadyColumns(NamedTuple):
    person_id: object
    start_on: object
    end_on: object
    valid_until: object


def ready_select(profile: Profile, first: dt.date, last: dt.date | None = None, *, screening_required: bool):
    """(SELECT, columns): the stretches ready for the profile that overlap [first, last] (or cover `first`), of
    people whose screening is cleared when the profile requires it; the caller picks its columns from
    `columns`. Ready stretches are a small part of the table, found through their own index. A profile that asks
    for no module or exercise has no stretches at all: then every person counts, over every date."""
    from sqlalchemy import Date, cast, literal, null

    from trainer.readiness.models import ReadinessState as rs

    Person = ready_person()
    last = first if last is None else last
    if profile.ready_by_default:
        query = select(Person.id)
        columns = ReadyColumns(Person.id, literal(FIRST_DAY, Date), literal(LAST_DAY, Date), cast(null(), Date))
    else:
        query = (select(rs.id).join(Person, Person.id == rs.person_id)
                 .where(rs.profile_code == profile.code, rs.ready == true(), rs.end_on >= first, rs.start_on <= last))
        columns = ReadyColumns(rs.person_id, rs.start_on, rs.end_on, rs.valid_until)
    if screening_required:
        query = query.where(Person.screening == "cleared")
    return query, columns
