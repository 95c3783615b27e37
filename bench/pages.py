"""Sections 1-3: the commander dashboard against the reference SQL, unit and person pages (queries and
time), and the readiness report PDF. Served in-process through the Flask test client."""
from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from bench import reference
from bench.util import QueryCounter, app_for, median, signed_in_client

PROFILE = "UN-PDT-MIL"  # the profile that applies to most of the force
SLOW_SECONDS = 5.0      # a request slower than this is repeated fewer times, so the run stays bounded


def _timed_get(client, url: str, engine) -> tuple[float, int, int, bytes]:
    with QueryCounter(engine) as counter:
        started = time.perf_counter()
        response = client.get(url)
        body = response.get_data()
        seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: HTTP {response.status_code}")
    return seconds, counter.count, response.status_code, body


def _repeat(client, url: str, engine, times: int) -> dict:
    seconds, queries, _, body = _timed_get(client, url, engine)  # warm-up (templates, caches)
    if seconds > 4 * SLOW_SECONDS:  # a page this slow is sampled twice, so the whole run stays bounded
        times = 2
    samples, counts = [], []
    for _ in range(times):
        s, q, _, body = _timed_get(client, url, engine)
        samples.append(s)
        counts.append(q)
        if s > SLOW_SECONDS and len(samples) >= 3:
            break
    return {"url": url, "median_s": median(samples), "samples": len(samples), "queries": max(counts),
            "bytes": len(body)}


def _units(db, codes):
    from sqlalchemy import select

    from trainer.org.models import Unit

    return {u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.in_(codes)))}


def _person_in(db, unit):
    from sqlalchemy import select

    from trainer.org.models import Person, Unit

    return db.session.scalar(select(Person.id).join(Unit, Unit.id == Person.unit_id)
                             .where(Unit.path.startswith(unit.path), Person.screening == "cleared").order_by(Person.id))


def run_pages(instance: Path, quick: bool, *, with_dashboard_reference: bool = True, with_pdf: bool = True) -> dict:
    repeats = 5 if quick else 20
    out: dict = {}
    with app_for(instance) as app:
        from trainer.extensions import db

        engine = db.engine
        client = signed_in_client(app, "commander")
        today = dt.date.today()
        # The whole page: figures as of today, the six-month trend, 30/60/90-day counts and a 90-day forecast.
        url = f"/readiness/?profile={PROFILE}&forecast={today + dt.timedelta(days=90)}"
        # Section 1: the page, then the reference query on the same database, each median of `repeats`.
        out["dashboard"] = _repeat(client, url, engine, repeats)
        if with_dashboard_reference:
            db_path = Path(instance) / "trainer.db"
            reference.run(db_path, PROFILE, today)  # warm the page cache
            ref_samples = []
            rows = None
            for _ in range(repeats):
                seconds, rows = reference.run(db_path, PROFILE, today)
                ref_samples.append(seconds)
            out["reference_sql"] = {"median_s": median(ref_samples), "samples": len(ref_samples)}
            out["reference_agrees"] = _agrees(rows, today)
            out["people_in_dashboard"] = sum(r[3] for r in rows if r[6])
        # Section 2: a battalion and a whole contingent, and one person's page.
        units = _units(db, ["NPL-B1", "NPL-CONT"])
        for label, code in (("unit_battalion", "NPL-B1"), ("unit_contingent", "NPL-CONT")):
            unit = units[code]
            result = _repeat(client, f"/readiness/units/{unit.id}?profile={PROFILE}", engine, repeats)
            result["people"] = _people_under(db, unit)
            out[label] = result
        person_id = _person_in(db, units["NPL-B1"])
        out["person"] = _repeat(client, f"/readiness/people/{person_id}?profile={PROFILE}", engine, repeats)
        # Section 3: the readiness report PDF for the whole force.
        if with_pdf:
            started = time.perf_counter()
            seconds, queries, _, body = _timed_get(client, f"/readiness/export.pdf?profile={PROFILE}", engine)
            out["report_pdf"] = {"seconds": seconds, "queries": queries, "bytes": len(body),
                                 "people": out.get("people_in_dashboard"), "wall_s": time.perf_counter() - started}
    return out


def _people_under(db, unit) -> int:
    from sqlalchemy import func, select

    from trainer.org.models import Person, Unit

    return db.session.scalar(select(func.count()).select_from(Person).join(Unit, Unit.id == Person.unit_id)
                             .where(Unit.path.startswith(unit.path)))


def _agrees(rows, today) -> bool:
    """The reference's per-unit figures equal the engine's (so the comparison is like for like)."""
    from sqlalchemy import select

    from trainer.auth.models import User
    from trainer.extensions import db
    from trainer.readiness import aggregate

    actor = db.session.scalar(select(User).where(User.username == "commander"))
    summary = aggregate.scope_readiness(actor, PROFILE, today)
    engine_rows = {uid: (n.tally.total, n.tally.ready) for uid, n in summary.units.items()}
    sql_rows = {r[0]: (r[3], r[4]) for r in rows}
    return engine_rows == sql_rows


def run_small(instance: Path, quick: bool) -> dict:
    """The same unit and person pages on the small demo database: their query counts must not change."""
    return run_pages(instance, True, with_dashboard_reference=False, with_pdf=False)
