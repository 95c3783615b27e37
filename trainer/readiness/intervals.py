"""Keeps `readiness_intervals` exact: per person and requirement, the stretches of dates covered by a
completion or a waiver. Rebuilt for the people concerned on every change to their completions,
waivers or exercise credits (and for everyone when a new major version of a module is imported),
together with their readiness stretches per profile (states.py)."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import delete, insert, select

from trainer.extensions import db
from trainer.readiness import states
from trainer.readiness.models import ReadinessInterval, Waiver

ONE_DAY = dt.timedelta(days=1)


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


def compute_rows(completions: Iterable, waivers: Iterable, cutoffs) -> list[dict]:
    """Interval rows from completion and waiver records (pure apart from its inputs)."""
    rows: list[dict] = []
    by_key = defaultdict(list)
    for c in completions:
        by_key[(c.person_id, c.module_code)].append(c)
    for (person_id, code), items in by_key.items():
        items.sort(key=lambda c: (c.completed_on, c.id))
        for index, c in enumerate(items):
            end = c.valid_until
            cut = None
            cut_on = _cut_for(c.module_major, cutoffs.get(code, []))
            if cut_on is not None and cut_on - ONE_DAY < end:
                end, cut = cut_on - ONE_DAY, "superseded"
            # A newer completion of the same module supersedes this one from its own date on.
            newer = next((n for n in items[index + 1:] if n.completed_on > c.completed_on), None)
            if newer is not None and newer.completed_on - ONE_DAY < end:
                end, cut = newer.completed_on - ONE_DAY, cut
            if end < c.completed_on:
                if cut == "superseded":
                    end = c.completed_on - ONE_DAY  # zero-length, kept so the state can say "superseded"
                else:
                    continue
            rows.append({"person_id": person_id, "requirement": code, "basis": "completion", "source_id": c.id,
                         "start_on": c.completed_on, "end_on": end, "cut": cut, "module_version": c.module_version,
                         "completed_on": c.completed_on, "valid_until": c.valid_until})
    for w in waivers:
        end = w.expires_on
        if w.revoked_at is not None:
            end = min(end, w.revoked_at.date() - ONE_DAY)
        if end < w.granted_on:
            continue
        rows.append({"person_id": w.person_id, "requirement": w.requirement, "basis": "waiver", "source_id": w.id,
                     "start_on": w.granted_on, "end_on": end, "cut": None, "module_version": None,
                     "completed_on": None, "valid_until": w.expires_on})
    return rows


def refresh_people(person_ids: Iterable[int]) -> int:
    """Rebuild the intervals of these people from their records. Returns the number of rows written."""
    from trainer.learning.models import Completion

    ids = sorted(set(int(i) for i in person_ids))
    if not ids:
        return 0
    cutoffs = _retrain_cutoffs()
    profiles = states.load_profiles(db.session)
    written = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        completions = db.session.execute(
            select(Completion.id, Completion.person_id, Completion.module_code, Completion.module_major,
                   Completion.module_version, Completion.completed_on, Completion.valid_until)
            .where(Completion.person_id.in_(chunk))).all()
        waivers = db.session.execute(
            select(Waiver.id, Waiver.person_id, Waiver.requirement, Waiver.granted_on, Waiver.expires_on, Waiver.revoked_at)
            .where(Waiver.person_id.in_(chunk))).all()
        rows = compute_rows(completions, waivers, cutoffs)
        db.session.execute(delete(ReadinessInterval).where(ReadinessInterval.person_id.in_(chunk)))
        if rows:
            db.session.execute(insert(ReadinessInterval), rows)
        states.refresh_people(db.session, chunk, rows, profiles)
        written += len(rows)
    return written


def rebuild_all() -> int:
    """Rebuild every person's intervals (after bulk loads or a new major version)."""
    from trainer.learning.models import Completion

    cutoffs = _retrain_cutoffs()
    completions = db.session.execute(
        select(Completion.id, Completion.person_id, Completion.module_code, Completion.module_major,
               Completion.module_version, Completion.completed_on, Completion.valid_until)).all()
    waivers = db.session.execute(
        select(Waiver.id, Waiver.person_id, Waiver.requirement, Waiver.granted_on, Waiver.expires_on, Waiver.revoked_at)).all()
    rows = compute_rows(completions, waivers, cutoffs)
    db.session.execute(delete(ReadinessInterval))
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(ReadinessInterval), rows[start:start + 5000])
    states.rebuild_all(db.session, rows)
    return len(rows)
