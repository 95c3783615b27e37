"""Keeps `readiness_states` exact: per person and profile, the stretches of dates over which their readiness
stays the same (screening apart, which is read live from the person).

A person's readiness for a profile can only change on a date where one of their requirements changes: a
validity interval starts or ends, a qualifying exercise ends or drops out of its window, a waiver starts or
ends. Each requirement is judged with the engine's own rules (rules.module_state, rules.exercise_state) on
its change dates only, and the requirements are then swept together into stretches. The stretches are
rebuilt with the validity intervals (intervals.refresh_people, intervals.rebuild_all), so every code path
that records a completion, a waiver or an exercise credit keeps them exact, and whenever a profile changes.

The figures of a whole force on a date (the dashboard, the unit page, trends, forecasts) are then one
indexed lookup per person instead of a pass over every completion.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import and_, delete, insert, select, true
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


def _changes(days, judge) -> list[tuple[dt.date, tuple]]:
    """[(first day, value)] of one requirement: judged on each of its change dates, equal neighbours merged."""
    out: list[tuple[dt.date, tuple]] = []
    for day in sorted(set(days) | {FIRST_DAY}):
        value = judge(day)
        if not out or out[-1][1] != value:
            out.append((day, value))
    return out


def timeline(profile: Profile, spans: dict[str, list], exercise_days: list[dt.date]) -> list[tuple]:
    """The stretches (start_on, end_on, ready, valid_until, gaps) of one person for one profile, from their
    validity intervals by requirement (`spans`, with "exercise" holding exercise waivers) and the end dates of
    their qualifying exercises. Stretches in the nothing-recorded state are left out."""
    requirements: list[tuple[str, list]] = []
    for code in profile.modules:
        mine = spans.get(code, ())
        requirements.append((code, _changes(
            [d for s in mine for d in (s.start_on, _after(s.end_on))],
            lambda day, mine=mine: _module_value(mine, day))))
    if profile.has_exercise:
        waivers = [s for s in spans.get("exercise", ()) if s.basis == "waiver"]
        days = [d for s in waivers for d in (s.start_on, _after(s.end_on))]
        days += [d for e in exercise_days for d in (e, _after(add_months(e, profile.within_months)))]
        requirements.append(("exercise", _changes(days, lambda day: _exercise_value(
            exercise_days, waivers, day, profile.within_months))))

    default = (profile.ready_by_default, None, profile.default_gaps)
    starts = sorted({day for _, changes in requirements for day, _ in changes} | {FIRST_DAY})
    position = [0] * len(requirements)
    stretches: list[tuple[dt.date, tuple]] = []
    for day in starts:
        current = []
        for index, (key, changes) in enumerate(requirements):
            while position[index] + 1 < len(changes) and changes[position[index] + 1][0] <= day:
                position[index] += 1
            state, until = changes[position[index]][1]
            current.append((key, state, until))
        ready = all(state in MET for _, state, _ in current)
        until = min((u for _, _, u in current if u is not None), default=None) if ready else None
        value = (ready, until, "".join(LETTERS[state] for _, state, _ in current))
        if not stretches or stretches[-1][1] != value:
            stretches.append((day, value))
    out = []
    for index, (start, value) in enumerate(stretches):
        end = stretches[index + 1][0] - ONE_DAY if index + 1 < len(stretches) else LAST_DAY
        if value != default:
            out.append((start, end, *value))
    return out


def _module_value(spans, day: dt.date) -> tuple:
    state, span = module_state(spans, day)
    return state, (span.end_on if state in MET else None)


def _exercise_value(exercise_days, waivers, day: dt.date, months: int) -> tuple:
    waiver_until = max((s.end_on for s in waivers if s.start_on <= day <= s.end_on), default=None)
    state, _, until = exercise_state(exercise_days, day, within_months=months, waiver_until=waiver_until)
    return state, until


def compute_rows(profiles: list[Profile], interval_rows, credit_rows) -> list[dict]:
    """Rows of readiness_states from interval rows (dicts or rows with person_id, requirement, basis, start_on,
    end_on, cut) and exercise credit rows (person_id, exercise_type, rating, ended_on)."""
    spans: dict[int, dict[str, list[_Span]]] = defaultdict(lambda: defaultdict(list))
    for r in interval_rows:
        r = r if isinstance(r, dict) else r._mapping
        spans[r["person_id"]][r["requirement"]].append(_Span(r["start_on"], r["end_on"], r["basis"], r["cut"]))
    credits: dict[int, list[tuple[str, str, dt.date]]] = defaultdict(list)
    for person_id, kind, rating, ended_on in credit_rows:
        credits[person_id].append((kind, rating, ended_on))
    rows: list[dict] = []
    for profile in profiles:
        good = profile.good_ratings()
        wanted = set(profile.modules) | ({"exercise"} if profile.has_exercise else set())
        people = {pid for pid, mine in spans.items() if wanted & mine.keys()}
        if profile.has_exercise:
            people |= set(credits)
        for person_id in sorted(people):
            days = sorted({ended for kind, rating, ended in credits.get(person_id, ())
                           if kind in profile.exercise_types and rating in good}) if profile.has_exercise else []
            for start, end, ready, until, gaps in timeline(profile, spans.get(person_id, {}), days):
                rows.append({"person_id": person_id, "profile_code": profile.code, "start_on": start, "end_on": end,
                             "ready": ready, "valid_until": until, "gaps": gaps})
    return rows


def _credits(conn, person_ids=None):
    from trainer.readiness.models import ExerciseCredit as ec

    query = select(ec.person_id, ec.exercise_type, ec.rating, ec.ended_on)
    if person_ids is not None:
        query = query.where(ec.person_id.in_(person_ids))
    return conn.execute(query).all()


def _write(conn, rows: list[dict]) -> None:
    from trainer.readiness.models import ReadinessState

    for start in range(0, len(rows), 5000):
        conn.execute(insert(ReadinessState), rows[start:start + 5000])


def refresh_people(conn, person_ids: list[int], interval_rows, profiles: list[Profile] | None = None) -> int:
    """Rebuild the stretches of these people (at most a few thousand: one statement each) from their interval
    rows, just computed by the caller, and their exercise credits."""
    from trainer.readiness.models import ReadinessState

    profiles = load_profiles(conn) if profiles is None else profiles
    rows = compute_rows(profiles, interval_rows, _credits(conn, person_ids))
    conn.execute(delete(ReadinessState).where(ReadinessState.person_id.in_(person_ids)))
    _write(conn, rows)
    return len(rows)


def rebuild_all(conn, interval_rows=None, profile_codes=None) -> int:
    """Rebuild every person's stretches (of every profile, or of `profile_codes`). Reads the validity intervals
    unless the caller has them."""
    from trainer.readiness.models import ReadinessInterval as ri, ReadinessState

    profiles = [p for p in load_profiles(conn) if profile_codes is None or p.code in profile_codes]
    if interval_rows is None:
        interval_rows = conn.execute(select(ri.person_id, ri.requirement, ri.basis, ri.start_on, ri.end_on,
                                            ri.cut)).all()
    rows = compute_rows(profiles, interval_rows, _credits(conn))
    if profile_codes is None:
        conn.execute(delete(ReadinessState))
    else:
        conn.execute(delete(ReadinessState).where(ReadinessState.profile_code.in_(list(profile_codes))))
    _write(conn, rows)
    return len(rows)


# --- Reading the stretches in SQL -------------------------------------------------------------------------------

def covering(stretch, person_col, profile_code: str, day: dt.date):
    """Join condition: `stretch` (an alias of ReadinessState) is the person's stretch for the profile that covers
    `day`. Stretches do not overlap, so it is the first one ending on or after the day (one index seek), provided
    it has started; no row means the nothing-recorded state."""
    from trainer.readiness.models import ReadinessState as rs

    first = (select(rs.id).where(rs.profile_code == profile_code, rs.person_id == person_col, rs.end_on >= day)
             .order_by(rs.end_on).limit(1).correlate_except(rs).scalar_subquery())
    return and_(stretch.id == first, stretch.start_on <= day)


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
