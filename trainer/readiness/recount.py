"""Every unit's figures counted before a reader asks: by the writer after a change to everyone, and by a daily
command for a new day.

A change no unit can be named for (a profile edited, a module's new major version, a bulk statement on people
or postings, a full rebuild) moves the epoch, and no unit's kept figures (unit_figures.py) are valid any more.
Left to the next reader, the first readiness page after it counts the whole force again: about a second at
100,000 people, on a page that otherwise takes a tenth of that. So once such a change has committed, the request
or command that made it counts every unit again (transactions.after_commit), for each profile whose figures were
asked for today, on the dates they were asked for, and keeps the figures as a reader would have. The next reader
finds them valid and only adds them up.

A new day is the other moment when every unit is counted: the first page of the day asks for dates no unit has
kept. `flask readiness count`, run from cron just after midnight UTC (the installation's day), counts them first
(for_new_day).

The figures are those a reader would count: every unit's own people whom the profile reaches, whoever reads
them (unit_figures.py), read with the same protocol (the counters first, in the statement that reads what is
kept), so a change that commits while they are counted leaves them unused. A recount that fails is logged and
changes nothing: the next reader counts, as before.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

import orjson
from sqlalchemy import select

from trainer.calendar_months import month_ends
from trainer.db import utc_today, write_intent
from trainer.extensions import db
from trainer.org.models import Unit
from trainer.readiness import engine, unit_figures
from trainer.readiness.counting import gap_slots, unit_figures_on, unit_gaps
from trainer.readiness.models import StoredUnitFigures
from trainer.readiness.profiles import profile_condition

MOST_DATES = unit_figures.KEEP_DAYS


def asked_on(day: dt.date) -> dict[str, list[dt.date]]:
    """profile code -> the dates its figures were asked for by pages of `day` (those kept with `day`'s details),
    at most MOST_DATES, the dates asked for most often kept."""
    key = day.isoformat()
    seen: dict[str, Counter] = {}
    for profile_code, text in db.session.execute(select(StoredUnitFigures.profile_code, StoredUnitFigures.figures)):
        entries = orjson.loads(text)
        if len(entries.get(key) or ()) < unit_figures.DETAILED:  # this row holds no details of `day`
            continue
        seen.setdefault(profile_code, Counter()).update(entries.keys())
    return {code: sorted(dt.date.fromisoformat(day) for day, _ in days.most_common(MOST_DATES))
            for code, days in seen.items()}


def recount(profile_code: str, days: list[dt.date], today: dt.date, *, patient: bool = False) -> int | None:
    """Count every unit's figures for `profile_code` on `days` (with the details of `today`) and keep them; returns
    the number of units counted, or None when they could not be stored (the database busy: `patient` waits)."""
    from trainer.readiness.aggregate import every_member, every_member_spans

    known = unit_figures.Known(profile_code)
    # The counters and what is kept, read first: before the profile and the source tables (unit_figures.py), so
    # that a change committed meanwhile (the profile edited again) leaves what is counted here unused.
    unit_ids = []
    for row in db.session.connection().execute(unit_figures.with_stored(select(Unit.id), Unit.id, profile_code)).all():
        unit_ids.append(row[0])
        known.take(row[0], *row[1:])
    known.fetch_rows(db.session)  # still valid (a new day without a change): kept beside the dates counted now
    spec = engine.load_profile(profile_code)
    condition = profile_condition(spec.code)
    # A date every unit still holds is kept as it is (with its details, when a page of that day asked for them).
    days = sorted({today} | {day for day in days
                             if not all(day.isoformat() in known.entries.get(unit_id, ()) for unit_id in unit_ids)})
    counted = unit_figures_on(every_member_spans(condition), spec, days, details_on=today)
    gaps = unit_gaps(every_member(today, condition), spec, today)
    known.learn(unit_ids, counted, gaps, today, gap_slots(spec))
    return len(unit_ids) if unit_figures.store(known, patient=patient) else None


def _each_profile(asked: dict[str, list[dt.date]], count) -> dict[str, int | None]:
    """count(profile, days) for each profile, one failing (logged) not keeping the others from being counted."""
    from flask import current_app

    counted = {}
    for profile_code, days in sorted(asked.items()):
        try:
            counted[profile_code] = count(profile_code, days)
        except Exception:
            db.session.rollback()
            current_app.logger.warning("readiness figures of %s not counted", profile_code, exc_info=True)
            counted[profile_code] = None
    return counted


def pages_day() -> dt.date:
    """The day the readiness pages show by default: the installation's (UTC) day, as readiness.views takes it."""
    return utc_today()


def everything_asked_today() -> None:
    """The follow-up of a change to everyone (readiness.listeners): every profile asked for today, counted again."""
    today = pages_day()
    _each_profile(asked_on(today), lambda code, days: recount(code, days, today))


def for_new_day(today: dt.date) -> dict[str, int | None]:
    """Count, for `today`, every profile asked for the day before: today, its month-ends and the later dates asked
    for then (a bookmarked forecast keeps its date). Returns profile code -> units counted (None: not stored, the
    database stayed busy). As a reader counts: the figures are stored apart, waiting for the lock, and a change
    committed meanwhile leaves them unused."""
    from trainer.readiness.pages import TREND_POINTS

    def count(profile_code: str, days: list[dt.date]):
        wanted = {today, *month_ends(today, TREND_POINTS), *(day for day in days if day > today)}
        return recount(profile_code, sorted(wanted), today, patient=True)

    token = write_intent.set(False)
    try:
        return _each_profile(asked_on(today - dt.timedelta(days=1)), count)
    finally:
        db.session.rollback()
        write_intent.reset(token)
