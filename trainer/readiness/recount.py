"""After a change to everyone, the writer counts every unit again: the next reader does not.

A change no unit can be named for (a profile edited, a module's new major version, a bulk statement on people
or postings, a full rebuild) moves the epoch, and no unit's kept figures (unit_figures.py) are valid any more.
Left to the next reader, the first readiness page after it counts the whole force again: about a second at
100,000 people, on a page that otherwise takes a tenth of that. So once such a change has committed, the request
or command that made it counts every unit again (transactions.after_commit), for each profile whose figures were
asked for today, on the dates they were asked for, and keeps the figures as a reader would have. The next reader
finds them valid and only adds them up.

The figures are those a reader would count: every unit's own people whom the profile reaches, whoever reads
them (unit_figures.py), read with the same protocol (the counters first, in the statement that reads what is
kept), so a change that commits while they are counted leaves them unused. A recount that fails is logged and
changes nothing: the next reader counts, as before.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from sqlalchemy import select

from trainer.extensions import db
from trainer.org.models import Unit
from trainer.readiness import engine, unit_figures
from trainer.readiness.counting import gap_slots, unit_figures_on, unit_gaps
from trainer.readiness.models import StoredUnitFigures
from trainer.readiness.profiles import profile_condition

MOST_DATES = unit_figures.KEEP_DAYS


def asked_today(today: dt.date) -> dict[str, list[dt.date]]:
    """profile code -> the dates its figures were asked for with today's details (a page of today), the dates
    asked for most often first, at most MOST_DATES."""
    key = today.isoformat()
    seen: dict[str, Counter] = {}
    for profile_code, text in db.session.execute(select(StoredUnitFigures.profile_code, StoredUnitFigures.figures)):
        entries = json.loads(text)
        if len(entries.get(key) or ()) < 6:  # no details for today in this row
            continue
        seen.setdefault(profile_code, Counter()).update(entries.keys())
    return {code: sorted(dt.date.fromisoformat(day) for day, _ in days.most_common(MOST_DATES))
            for code, days in seen.items()}


def recount(profile_code: str, days: list[dt.date], today: dt.date) -> int:
    """Count every unit's figures for `profile_code` on `days` (with the details of `today`) and keep them; returns
    the number of units counted."""
    from trainer.readiness.aggregate import every_member, every_member_spans

    spec = engine.load_profile(profile_code)
    condition = profile_condition(spec.code)
    known = unit_figures.Known(spec.code)
    # The counters and what is kept, read before the source tables (unit_figures.py).
    units = select(Unit.id)
    unit_ids = []
    for row in db.session.connection().execute(unit_figures.with_stored(units, Unit.id, spec.code)).all():
        unit_ids.append(row[0])
        known.take(row[0], *row[1:])
    known.entries.clear()  # counted afresh, whatever was still valid
    known.fetch = {}
    days = sorted(set(days) | {today})
    counted = unit_figures_on(every_member_spans(condition), spec, days, details_on=today)
    gaps = unit_gaps(every_member(today, condition), spec, today)
    known.learn(unit_ids, counted, gaps, today, gap_slots(spec))
    unit_figures.store(known)
    return len(unit_ids)


def everything_asked_today() -> None:
    """The follow-up of a change to everyone (readiness.listeners): every profile asked for today, counted again."""
    today = dt.date.today()
    for profile_code, days in asked_today(today).items():
        recount(profile_code, days, today)
