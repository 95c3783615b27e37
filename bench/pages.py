"""Sections 1-3: the commander dashboard (the first view after a change, and a view served from the shared cache)
against the reference SQL, unit and person pages (queries and time), and the readiness report PDF (streamed: time
to the first byte, in all, and the process's memory growth). Served in-process through the Flask test client."""
from __future__ import annotations

import datetime as dt
import time
from contextlib import contextmanager

from bench import reference
from bench.util import PeakMemory, QueryCounter, app_for, as_served, median, signed_in_client

PROFILE = "UN-PDT-MIL"  # the profile that applies to most of the force
SLOW_SECONDS = 5.0      # a request slower than this is repeated fewer times, so the run stays bounded


def _timed_get(client, url: str, engine) -> tuple[float, int, bytes]:
    from trainer.extensions import db

    db.session.rollback()  # the bench's own reads hold no transaction open while a request is timed
    with QueryCounter(engine) as counter:
        started = time.perf_counter()
        response = as_served(client.get, url)
        body = response.get_data()
        seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: HTTP {response.status_code}")
    return seconds, counter.count, body


class Changes:
    """The changes a "first view after a change" follows. `one()`: a completion recorded for one person (the most
    common change: their readiness, and the units they are posted to, move; the readiness listeners do the rest in
    the writing transaction), each time someone else of `people`. `everyone()`: what a change no unit can be named
    for does (a profile edited, a bulk statement): every unit is counted again."""

    def __init__(self, people: list[int]):
        from sqlalchemy import select

        from trainer.curricula.models import Module, ReadinessProfile
        from trainer.extensions import db

        required = db.session.scalar(select(ReadinessProfile.required_modules).where(ReadinessProfile.code == PROFILE))
        code = (required or ["HR-01"])[0]
        self.module = db.session.scalar(select(Module).where(Module.code == code).order_by(Module.id.desc()))
        self.people = people
        self.done = 0

    def one(self) -> float:
        """Returns the seconds the writer spent: the completion written and committed, the readiness listeners'
        work on the person and their units included."""
        from trainer.calendar_months import add_months
        from trainer.extensions import db
        from trainer.learning.models import Completion

        person_id = self.people[self.done % len(self.people)]
        self.done += 1
        on = dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=self.done % 30)
        m = self.module
        with _writing():
            started = time.perf_counter()
            db.session.add(Completion(person_id=person_id, module_id=m.id, module_code=m.code, module_version=m.version,
                                      module_major=m.major, method="classroom", score=None, completed_on=on,
                                      valid_until=add_months(on, m.validity_months), evidence="Bench session"))
            db.session.commit()
            return time.perf_counter() - started

    @staticmethod
    def everyone() -> float:
        """Committed as a request commits it: the boundary then runs the writer's recount of every unit
        (readiness/recount.py). The view that follows is served as another worker or app server serves it, one
        that has parsed none of the rows the writer stored (the writer's own process has them at hand) and has not
        drawn the page's figures before (moving the epoch leaves the figures as they were, so their drawing would
        otherwise be found kept under the same digest, where a real change to everyone draws them anew). Returns
        the seconds the writer spent on that recount."""
        import time

        from trainer.extensions import db
        from trainer.readiness import figures_cache, html, unit_figures
        from trainer.transactions import run_follow_ups

        with _writing():
            figures_cache.figures_changed(db.session, everything=True)
            db.session.commit()
            started = time.perf_counter()
            run_follow_ups()
            spent = time.perf_counter() - started
        unit_figures.forget_parsed()
        html.forget_drawn()
        return spent


@contextmanager
def _writing():
    """A writing transaction of its own, as a POST has (the page views before it left reads open)."""
    from trainer.db import write_intent
    from trainer.extensions import db

    db.session.rollback()
    token = write_intent.set(True)
    try:
        yield
    finally:
        write_intent.reset(token)


def _repeat(client, url: str, engine, times: int, *, change=None) -> dict:
    """Median time and queries of `times` views after a warm-up; with `change`, each the first view after it."""
    if change is not None:
        change()
    seconds, queries, body = _timed_get(client, url, engine)  # warm-up (templates, caches)
    if seconds > 4 * SLOW_SECONDS:  # a page this slow is sampled twice, so the whole run stays bounded
        times = 2
    samples, counts, writer = [], [], []
    for _ in range(times):
        if change is not None:
            spent = change()
            if spent is not None:
                writer.append(spent)
        s, q, body = _timed_get(client, url, engine)
        samples.append(s)
        counts.append(q)
        if s > SLOW_SECONDS and len(samples) >= 3:
            break
    return {"url": url, "median_s": median(samples), "samples": len(samples), "queries": max(counts),
            "bytes": len(body), **({"writer_median_s": median(writer)} if writer else {})}


def _people_of(db, unit=None, limit: int = 200) -> list[int]:
    """People posted today (in `unit`'s subtree when given), spread over the force."""
    from sqlalchemy import func, select

    from trainer.org.models import Person, Unit

    query = select(Person.id).join(Unit, Unit.id == Person.unit_id)
    if unit is not None:
        query = query.where(Unit.path.startswith(unit.path))
    ids = db.session.scalars(query.order_by(Person.id)).all()
    step = max(1, len(ids) // limit)
    return ids[::step][:limit] or list(db.session.scalars(select(Person.id).order_by(func.random()).limit(1)))


def _units(db, codes):
    from sqlalchemy import select

    from trainer.org.models import Unit

    return {u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.in_(codes)))}


def _person_in(db, unit):
    from sqlalchemy import select

    from trainer.org.models import Person, Unit

    return db.session.scalar(select(Person.id).join(Unit, Unit.id == Person.unit_id)
                             .where(Unit.path.startswith(unit.path), Person.screening == "cleared").order_by(Person.id))


def _people_under(db, unit) -> int:
    from sqlalchemy import func, select

    from trainer.org.models import Person, Unit

    return db.session.scalar(select(func.count()).select_from(Person).join(Unit, Unit.id == Person.unit_id)
                             .where(Unit.path.startswith(unit.path)))


def _reference(engine, today, forecast, repeats: int) -> dict:
    reference.run(engine, PROFILE, today, forecast)  # warm the database's cache
    samples, figures, days = [], None, None
    for _ in range(repeats):
        seconds, figures, days = reference.run(engine, PROFILE, today, forecast)
        samples.append(seconds)
    return {"median_s": median(samples), "samples": len(samples), "figures": figures, "days": days}


def _agrees(figures: dict, days: list[dt.date], today: dt.date) -> tuple[bool, int]:
    """The reference's figures equal the engine's for every unit and date, and the lapsing counts of today
    (so that the comparison is like for like); also the number of people counted today."""
    from sqlalchemy import select

    from trainer.auth.models import User
    from trainer.extensions import db
    from trainer.readiness import aggregate

    actor = db.session.scalar(select(User).where(User.username == "commander"))
    same = True
    people = 0
    for index, day in enumerate(days):
        summary = aggregate.scope_readiness(actor, PROFILE, day, with_people=False)
        engine_rows = {uid: (n.tally.total, n.tally.ready) for uid, n in summary.units.items()}
        sql_rows = {uid: per_day[index] for uid, (per_day, _) in figures.items()}
        same = same and engine_rows == sql_rows
        if day == today:
            people = summary.total.total
            roots = [uid for uid, n in summary.units.items() if n.parent_id is None]
            lapsing = [sum(figures[uid][1][k] for uid in roots) for k in range(len(reference.WINDOWS))]
            same = same and lapsing == [summary.expiring[w] for w in reference.WINDOWS]
    return same, people


def _pdf(client, url: str) -> dict:
    """The report streamed through the test client: time to the first part, in all, size and memory growth."""
    import gc

    gc.collect()
    first = None
    size = 0
    tail = b""
    with PeakMemory() as memory:
        started = time.perf_counter()
        response = as_served(client.get, url, buffered=False)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: HTTP {response.status_code}")
        for chunk in response.iter_encoded():
            if first is None:
                first = time.perf_counter() - started
            size += len(chunk)
            tail = (tail + chunk)[-64:]
        response.close()
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "first_byte_s": first, "bytes": size, "complete": b"%%EOF" in tail,
            "memory_growth_mib": memory.growth_mib, "streamed": not response.is_sequence}


def run_pages(target, quick: bool) -> dict:
    from trainer.extensions import db
    from bench.targets import engine_for

    repeats = 5 if quick else 20
    out: dict = {"people": None}
    with app_for(target) as app:
        engine = db.engine
        client = signed_in_client(app, "commander")
        # The bench's own work in this context reads (a change is written through _writing), as a page view does:
        # on SQLite its transactions begin without taking the write lock, which the pages' figures cache needs.
        from trainer.db import write_intent

        write_intent.set(False)
        today = dt.datetime.now(dt.timezone.utc).date()
        forecast = today + dt.timedelta(days=90)
        # The whole page: figures as of today, the six-month trend, 30/60/90-day counts and a 90-day forecast.
        url = f"/readiness/?profile={PROFILE}&forecast={forecast}"
        out["dashboard"] = _repeat(client, url, engine, repeats, change=Changes(_people_of(db)).one)
        out["dashboard_cached"] = _repeat(client, url, engine, repeats)
        out["dashboard_everyone"] = _repeat(client, url, engine, max(3, repeats // 4), change=Changes.everyone)
        sql = engine_for(target)
        try:
            ref = _reference(sql, today, forecast, repeats)
        finally:
            sql.dispose()
        out["reference_sql"] = {"median_s": ref["median_s"], "samples": ref["samples"], "dates": len(ref["days"])}
        out["reference_agrees"], out["people"] = _agrees(ref["figures"], ref["days"], today)
        # Section 2: a battalion and a whole contingent, and one person's page.
        units = _units(db, ["NPL-B1", "NPL-CONT"])
        for label, code in (("unit_battalion", "NPL-B1"), ("unit_contingent", "NPL-CONT")):
            unit = units[code]
            page = f"/readiness/units/{unit.id}?profile={PROFILE}"
            change = Changes(_people_of(db, unit)).one  # someone of the unit's subtree
            out[label] = {**_repeat(client, page, engine, repeats, change=change), "people": _people_under(db, unit)}
            out[label + "_cached"] = _repeat(client, page, engine, repeats)
        person_id = _person_in(db, units["NPL-B1"])
        out["person"] = _repeat(client, f"/readiness/people/{person_id}?profile={PROFILE}", engine, repeats)
        # Section 3: the readiness report PDF for the whole force.
        if not quick or target.scale != "xlarge":
            out["report_pdf"] = {**_pdf(client, f"/readiness/export.pdf?profile={PROFILE}"), "people": out["people"]}
    return out
