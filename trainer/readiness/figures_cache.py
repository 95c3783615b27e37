"""Readiness figures computed once per change of the data, shared by every app server.

A page's figures (a scope, a profile, its dates: aggregate.ScopeReadiness without people) are stored in
`readiness_figures` with the value of one counter (`readiness_figures_version`) at the time they were
computed. The readiness listeners bump the counter in the same transaction as any change that can move the
figures (a completion, waiver, credit, posting, person, unit, profile or profile assignment), so a stored entry
is served only while nothing it depends on has changed since; the first view after a change computes the
figures again and stores them for the next.

The key holds the reader's reach (every grant that carries readiness.view, as the scoping helper reads them),
so two scopes never share an entry; the page checks the unit or nation asked for before the cache is read.
Entries are written in their own short transaction (the page's own transaction stays a read), skipped when
the database is busy, and entries of earlier versions are removed as new ones are stored.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable

import orjson
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, scoped_session

from trainer.db import utcnow, write_intent
from trainer.extensions import db
from trainer.readiness.models import CachedFigures, FiguresVersion

CHANGED = "readiness_figures_changed"
KEEP = dt.timedelta(days=2)  # entries for past dates are dropped after this, even when nothing changed


# --- The counter -------------------------------------------------------------------------------------------------

def figures_changed(conn, *, people=None, everything: bool = False) -> None:
    """Note that the figures may move (for `people`, or for everyone): the counters are moved when the session
    commits (readiness.listeners), or at once on a bare connection (a migration; before the counter's own
    migration there is nothing cached), where no unit's stored figures are trusted any more."""
    from sqlalchemy import inspect

    from trainer.readiness import unit_figures

    if isinstance(conn, (Session, scoped_session)):
        conn.info[CHANGED] = True
        if everything:
            unit_figures.note_everything(conn)
        elif people:
            unit_figures.note_people(conn, people)
    elif inspect(conn).has_table(FiguresVersion.__tablename__):
        columns = {c["name"] for c in inspect(conn).get_columns(FiguresVersion.__tablename__)}
        bump(conn, everything="epoch" in columns)


def bump(conn, *, everything: bool = False) -> None:
    """Move the counter on (and with `everything` the epoch every unit's stored figures are checked against:
    unit_figures.py), creating its row if it is missing, in the caller's transaction."""
    bind = conn.get_bind() if isinstance(conn, (Session, scoped_session)) else conn
    if bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = FiguresVersion.__table__
    moved = {"version": table.c.version + 1}
    if everything:
        moved["epoch"] = table.c.epoch + 1
    conn.execute(insert(table).values(id=1, version=1, **({"epoch": 1} if everything else {}))
                 .on_conflict_do_update(index_elements=[table.c.id], set_=moved))


def current_version() -> int | None:
    return db.session.scalar(select(FiguresVersion.version).where(FiguresVersion.id == 1))


# --- Keys ----------------------------------------------------------------------------------------------------------

def scope_key(actor, ability: str) -> list[str]:
    """The reader's reach for `ability` as sorted words: "mission", or each nation, unit (with its place in the
    tree) and own person their grants name; the same words give the same rows (auth.scoping)."""
    from trainer.auth.policy import reaches_everything, roles_with
    from trainer.enums import Role, ScopeKind

    wanted = set(roles_with(ability))
    parts = set()
    for grant in getattr(actor, "grants", ()):
        if Role(grant.role) not in wanted:
            continue
        kind = ScopeKind(grant.scope_kind)
        if reaches_everything(Role(grant.role), kind):
            return ["mission"]
        if kind is ScopeKind.NATION:
            parts.add(f"nation:{grant.nation_code}")
        elif kind is ScopeKind.UNIT:
            parts.add(f"unit:{grant.unit_id}:{grant.unit.path if grant.unit is not None else ''}")
        elif kind is ScopeKind.SELF:
            parts.add(f"self:{actor.person_id}")
        else:
            parts.add(f"{kind.value}:{actor.id}")
    return sorted(parts)


def key_for(actor, ability: str, **page) -> str:
    text = json.dumps({"scope": scope_key(actor, ability), **page}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


# --- Reading and storing -------------------------------------------------------------------------------------------

def cached(key: str, compute: Callable[[], tuple[object, dict]], load: Callable[[dict], object]):
    """What `load` makes of the figures stored under `key` if the data has not changed since they were stored;
    else what `compute()` returns as (result, its figures as JSON values), the figures being stored for the next
    reader."""
    return cached_with_digest(key, compute, load)[0]


def cached_with_digest(key: str, compute: Callable[[], tuple[object, dict]], load: Callable[[dict], object]):
    """(as `cached`, a digest of the figures' text): the same digest means the same figures, whatever the
    database, so what is drawn from them alone can be kept under it (None when nothing is stored)."""
    found = db.session.execute(
        select(FiguresVersion.version, CachedFigures.version, CachedFigures.figures).select_from(FiguresVersion)
        .outerjoin(CachedFigures, CachedFigures.key == key).where(FiguresVersion.id == 1)).first()
    version = found[0] if found is not None else None
    if found is not None and found[1] == version and found[2] is not None:
        return load(orjson.loads(found[2])), _digest(found[2])
    result, figures = compute()
    if version is None:
        return result, None
    text = orjson.dumps(figures).decode()
    _store(key, version, text)
    return result, _digest(text)


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _store(key: str, version: int, text: str) -> None:
    table = CachedFigures.__table__

    def write(connection):
        connection.execute(delete(table).where(
            (table.c.key == key) | (table.c.version < version) | (table.c.created_at < utcnow() - KEEP)))
        connection.execute(table.insert().values(key=key, version=version, figures=text, created_at=utcnow()))

    write_apart(write)


def write_apart(work: Callable, *, patient: bool = False) -> bool:
    """Run `work(connection)` in a transaction of its own, giving up at once when another writer holds the lock
    (what it writes is a cache: the next reader writes it again); `patient` waits for the lock up to 10 s, for a
    command that exists to write it. True when it was written."""
    from sqlalchemy.exc import DBAPIError

    engine = db.engine
    token = write_intent.set(True)
    try:
        with engine.connect() as connection:
            postgres = connection.dialect.name == "postgresql"
            raw = connection.connection.driver_connection
            if not postgres:  # outside the transaction: a pragma would begin one
                raw.execute(f"PRAGMA busy_timeout={10000 if patient else 50}")
            try:
                with connection.begin():
                    if postgres:
                        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{'10s' if patient else '100ms'}'")
                    work(connection)
                return True
            except DBAPIError:
                return False  # busy, or stored by another reader at the same moment: the next view stores it
            finally:
                if not postgres:
                    raw.execute("PRAGMA busy_timeout=15000")
    finally:
        write_intent.reset(token)


# --- A page's figures as JSON --------------------------------------------------------------------------------------

def summary_figures(summary) -> dict:
    """The figures of an aggregate.ScopeReadiness (without people) as JSON values."""
    return {
        "as_of": summary.as_of.isoformat(),
        "units": [[n.id, n.code, n.name, n.nation_code, n.parent_id, n.path, n.tally.total, n.tally.ready,
                   *((n.forecast.total, n.forecast.ready) if n.forecast is not None else (None, None))]
                  for n in summary.units.values()],
        "nations": [[code, name, t.total, t.ready] for code, name, t in summary.nations],
        "total": [summary.total.total, summary.total.ready],
        "expiring": [[days, n] for days, n in summary.expiring.items()],
        "gaps": [list(g) for g in summary.gap_counts],
        "trend": [[day.isoformat(), t.total, t.ready] for day, t in summary.trend],
        "assigned": summary.profile_assigned,
    }


def summary_from(figures: dict, spec, thresholds):
    """The aggregate.ScopeReadiness (without people) that summary_figures stored."""
    from trainer.readiness import aggregate

    units = {}
    for uid, code, name, nation, parent, path, total, ready, f_total, f_ready in figures["units"]:
        node = aggregate.UnitNode(uid, code, name, nation, parent, path, tally=aggregate.Tally(total, ready))
        if f_total is not None:
            node.forecast = aggregate.Tally(f_total, f_ready)
        units[uid] = node
    gap_counts = [tuple(g) for g in figures["gaps"]]
    return aggregate.ScopeReadiness(
        spec, dt.date.fromisoformat(figures["as_of"]), {}, {}, units, aggregate.link_tree(units),
        [(code, name, aggregate.Tally(t, r)) for code, name, t, r in figures["nations"]],
        aggregate.Tally(*figures["total"]), {days: n for days, n in figures["expiring"]},
        aggregate.word_gaps(spec, gap_counts), profile_assigned=figures["assigned"],
        trend=[(dt.date.fromisoformat(day), aggregate.Tally(t, r)) for day, t, r in figures["trend"]],
        thresholds=thresholds, gap_counts=gap_counts)
