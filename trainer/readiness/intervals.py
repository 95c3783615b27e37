"""Keeps `readiness_intervals` exact: per person and requirement, the stretches of dates covered by a
completion or a waiver. Rebuilt for the people concerned on every change to their completions,
waivers or exercise credits (and for everyone when a new major version of a module is imported),
together with their readiness stretches per profile (states.py).

A whole rebuild reads every completion once, computes in memory and writes with COPY on PostgreSQL (one
prepared insert on SQLite): a force of 100,000 people with 1.5 million completions is rebuilt in well
under a minute."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from operator import itemgetter

from sqlalchemy import delete, select, text

from trainer.db import copy_rows, rewrite_tables
from trainer.extensions import db
from trainer.readiness import states
from trainer.readiness.models import ReadinessInterval, ReadinessState, Waiver

ONE_DAY = dt.timedelta(days=1)
COLUMNS = ("person_id", "requirement", "basis", "start_on", "end_on", "cut", "source_id", "module_version",
           "completed_on", "valid_until")
_BY_DATE_THEN_ID = itemgetter(5, 0)  # completions of one person and module, oldest first
CHUNK = 5000  # people refreshed per round (bounded statements and memory; well under SQLite's 32,766 parameters)


def _retrain_cutoffs() -> dict[str, list[tuple[int, dt.date]]]:
    """module code -> [(major, date from which completions of lower majors stop counting)]."""
    from trainer.curricula.models import Module

    rows = db.session.execute(select(Module.code, Module.major, Module.retrain_on_major, Module.imported_at)).all()
    first_seen: dict[tuple[str, int], tuple[dt.date, bool]] = {}
    for code, major, retrain, imported_at in rows:
        day = imported_at.date() if isinstance(imported_at, dt.datetime) else imported_at
        key = (code, major)
        if key not in first_seen or day < first_seen[key][0]:
            first_seen[key] = (day, bool(retrain) or first_seen.get(key, (day, False))[1])
        elif retrain:
            first_seen[key] = (first_seen[key][0], True)
    cutoffs: dict[str, list[tuple[int, dt.date]]] = defaultdict(list)
    for (code, major), (day, retrain) in first_seen.items():
        if retrain:
            cutoffs[code].append((major, day))
    return cutoffs


def _cut_for(major: int, cutoffs: list[tuple[int, dt.date]]) -> dt.date | None:
    later = [day for m, day in cutoffs if m > major]
    return min(later) if later else None


def interval_tuples(completions: Iterable, waivers: Iterable, cutoffs) -> list[tuple]:
    """Interval rows (tuples in COLUMNS' order) from completion rows (id, person_id, module_code, module_major,
    module_version, completed_on, valid_until) and waiver rows (id, person_id, requirement, granted_on,
    expires_on, revoked_at). Pure apart from its inputs."""
    rows: list[tuple] = []
    append = rows.append
    by_key: dict[tuple, list] = defaultdict(list)
    for c in completions:
        by_key[(c[1], c[2])].append(c)
    cut_days: dict[str, dict[int, dt.date | None]] = {}  # module -> major -> first day its completions stop
    for (person_id, code), items in by_key.items():
        cuts = cut_days.get(code)
        if cuts is None:
            cuts = cut_days[code] = {}
        if len(items) == 1 and not cutoffs.get(code):  # most modules of most people: nothing cuts it short
            source_id, _, _, _, version, completed_on, valid_until = items[0]
            if valid_until >= completed_on:
                append((person_id, code, "completion", completed_on, valid_until, None, source_id, version,
                        completed_on, valid_until))
            continue
        items.sort(key=_BY_DATE_THEN_ID)
        count = len(items)
        for index, (source_id, _, _, major, version, completed_on, valid_until) in enumerate(items):
            end, cut = valid_until, None
            cut_on = cuts.get(major, ONE_DAY)
            if cut_on is ONE_DAY:
                cut_on = cuts[major] = _cut_for(major, cutoffs.get(code, []))
            if cut_on is not None and cut_on - ONE_DAY < end:
                end, cut = cut_on - ONE_DAY, "superseded"
            # A newer completion of the same module supersedes this one from its own date on.
            later = index + 1
            while later < count and items[later][5] <= completed_on:
                later += 1
            if later < count and items[later][5] - ONE_DAY < end:
                end = items[later][5] - ONE_DAY
            if end < completed_on:
                if cut == "superseded":
                    end = completed_on - ONE_DAY  # zero-length, kept so the state can say "superseded"
                else:
                    continue
            append((person_id, code, "completion", completed_on, end, cut, source_id, version, completed_on,
                    valid_until))
    for source_id, person_id, requirement, granted_on, expires_on, revoked_at in waivers:
        end = expires_on
        if revoked_at is not None:
            end = min(end, revoked_at.date() - ONE_DAY)
        if end < granted_on:
            continue
        append((person_id, requirement, "waiver", granted_on, end, None, source_id, None, None, expires_on))
    return rows


def compute_rows(completions: Iterable, waivers: Iterable, cutoffs) -> list[dict]:
    """Interval rows as dicts, from completion and waiver records with named attributes (pure apart from its
    inputs)."""
    completion_rows = [(c.id, c.person_id, c.module_code, c.module_major, c.module_version, c.completed_on,
                        c.valid_until) for c in completions]
    waiver_rows = [(w.id, w.person_id, w.requirement, w.granted_on, w.expires_on, w.revoked_at) for w in waivers]
    return [dict(zip(COLUMNS, row)) for row in interval_tuples(completion_rows, waiver_rows, cutoffs)]


def _completions(where=None):
    from trainer.learning.models import Completion as c

    if where is None:
        return _every_completion()
    query = select(c.id, c.person_id, c.module_code, c.module_major, c.module_version, c.completed_on, c.valid_until)
    return db.session.execute(query if where is None else query.where(where(c))).tuples()


def _every_completion() -> list[tuple]:
    """Every completion as _completions() gives it, read through the driver: SQLAlchemy's rows cost more than the
    rebuild's own arithmetic on them. SQLite holds dates as ISO text."""
    from trainer.learning.models import Completion

    connection = db.session.connection()
    cursor = connection.connection.cursor()
    try:
        cursor.execute("SELECT id, person_id, module_code, module_major, module_version, completed_on, valid_until"
                       f' FROM "{Completion.__tablename__}"')
        rows = cursor.fetchall()
    finally:
        cursor.close()
    if connection.dialect.name == "sqlite":
        day = dt.date.fromisoformat
        return [(i, person, code, major, version, day(done), day(until))
                for i, person, code, major, version, done, until in rows]
    return rows


def _waivers(where=None):
    w = Waiver
    query = select(w.id, w.person_id, w.requirement, w.granted_on, w.expires_on, w.revoked_at)
    return db.session.execute(query if where is None else query.where(where(w))).tuples()


def refresh_people(person_ids: Iterable[int]) -> int:
    """Rebuild the intervals and readiness stretches of these people from their records. Returns the number of
    interval rows written."""
    ids = sorted(set(int(i) for i in person_ids))
    if not ids:
        return 0
    cutoffs = _retrain_cutoffs()
    profiles = states.load_profiles(db.session)
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        rows = interval_tuples(_completions(lambda c: c.person_id.in_(chunk)),
                               _waivers(lambda w: w.person_id.in_(chunk)), cutoffs)
        db.session.execute(delete(ReadinessInterval).where(ReadinessInterval.person_id.in_(chunk)))
        written += copy_rows(db.session, ReadinessInterval.__tablename__, COLUMNS, rows, binary=True)
        states.refresh_people(db.session, chunk, rows, profiles)
    return written


def rebuild_all(*, exclusive: bool = False) -> int:
    """Rebuild every person's intervals and stretches (after bulk loads or a new major version). `exclusive` (the
    rebuild command): on PostgreSQL the two tables are truncated and their indexes built again after the load,
    several times faster, while readers of readiness wait for the rebuild to commit; otherwise rows are deleted
    and readers see the previous figures until then."""
    rows = interval_tuples(_completions(), _waivers(), _retrain_cutoffs())
    if exclusive:
        finish = rewrite_tables(db.session, (ReadinessInterval.__tablename__, ReadinessState.__tablename__))
    else:
        db.session.execute(delete(ReadinessInterval))
        finish = None
    copy_rows(db.session, ReadinessInterval.__tablename__, COLUMNS, rows, binary=True)
    states.rebuild_all(db.session, rows, emptied=exclusive)
    if finish is not None:
        finish()
    if db.session.get_bind().dialect.name == "postgresql":  # the planner's picture of the rewritten tables
        db.session.execute(text(f"ANALYZE {ReadinessInterval.__tablename__}, {ReadinessState.__tablename__}"))
    return len(rows)
