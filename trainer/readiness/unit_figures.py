"""Each unit's own readiness figures, kept between views so that the first view after a change counts again only
the units the change touched, not the whole force.

What is kept, per profile and unit (`readiness_unit_figures`): for each date asked for so far, the people posted
in the unit (not its subtree) whom the profile reaches, how many are ready and, for a page's own date, how many
ready people lapse within 30/60/90 days and the gaps of the others. These figures depend only on the data, never
on who reads them or on today's date, so every reader and every app server shares them; aggregate.py adds them up
the unit tree for the reader's scope.

When they stop being valid: each unit has a counter (`readiness_unit_versions`), moved in the writing transaction
by the readiness listeners whenever the readiness of someone posted there may move (their stretches were
rewritten, their screening or posting changed, the unit was created or removed). A change no unit can be named
for (a profile, a module's new major version, a full rebuild, a bulk statement on people, postings or the tree)
moves one epoch instead, which every stored row is checked against. A row is used only when it was computed at
its unit's current counter and the current epoch.

Why a row computed while a change commits is never used: the counters are read before the source tables, in the
same statement as the stored rows; a change that commits in between has moved its units' counters past the ones
the new row is stored with. A page reads the profile and its reach before those counters: the profile is read with
the figures counter (figures_cache), the counters' statement reads it again, and when a change has committed in
between, what is counted is shown but not stored (aggregate.scope_readiness). The writer's recount (recount.py)
reads the counters first.
"""
from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from dataclasses import dataclass, field

import orjson
from sqlalchemy import and_, select

from trainer.db import among_ids
from trainer.readiness.counting import EXPIRY_WINDOWS, UnitFigures
from trainer.readiness.models import FiguresVersion, StoredUnitFigures, UnitVersion

PEOPLE = "readiness_figures_people"          # session.info: people whose readiness may have moved
UNITS = "readiness_figures_units"            # session.info: units whose own people changed
EVERYTHING = "readiness_figures_everything"  # session.info: a change no unit can be named for
KEEP_DAYS = 24           # dates kept per unit: a page's eight and those of recent other views
MANY_PEOPLE = 20000      # a change to more people than this moves the epoch rather than each unit
WIDE = 200               # more units to count than this (on the dashboard): counted all at once


# --- What a change moves (readiness.listeners, in the writing transaction) ---------------------------------------

def note_people(session, person_ids) -> None:
    session.info.setdefault(PEOPLE, set()).update(int(i) for i in person_ids if i is not None)


def note_units(session, unit_ids) -> None:
    session.info.setdefault(UNITS, set()).update(int(i) for i in unit_ids if i is not None)


def note_everything(session) -> None:
    session.info[EVERYTHING] = True


def forget(session) -> None:
    for key in (PEOPLE, UNITS, EVERYTHING):
        session.info.pop(key, None)


def apply(session) -> bool:
    """Move the counters of what the session's transaction changed; True when it moved the epoch."""
    everything = session.info.pop(EVERYTHING, False)
    people = session.info.pop(PEOPLE, set())
    units = session.info.pop(UNITS, set())
    if everything or len(people) > MANY_PEOPLE:
        return True
    if people:
        units |= units_of(session, sorted(people))
    if units:
        bump_units(session, sorted(units))
    return False


def units_of(session, person_ids: list[int]) -> set[int]:
    """Every unit these people were, are or will be posted to (a change can move past and future dates)."""
    from trainer.org.models import UnitAssignment as ua

    found: set[int] = set()
    for start in range(0, len(person_ids), 5000):
        chunk = person_ids[start:start + 5000]
        found.update(session.scalars(select(ua.unit_id).where(ua.person_id.in_(chunk)).distinct()))
    return found


def bump_units(session, unit_ids: list[int]) -> None:
    """Move each unit's counter on (in id order, so that two writers take the row locks in the same order)."""
    table = UnitVersion.__table__
    insert = _insert_for(session)
    for start in range(0, len(unit_ids), 1000):
        rows = [{"unit_id": uid, "version": 1} for uid in unit_ids[start:start + 1000]]
        session.execute(insert(table).values(rows).on_conflict_do_update(
            index_elements=[table.c.unit_id], set_={"version": table.c.version + 1}))


def _insert_for(conn):
    bind = conn.get_bind() if hasattr(conn, "get_bind") else conn
    if bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


# --- Reading what is kept ------------------------------------------------------------------------------------------

@dataclass
class Known:
    """The kept figures of a scope's units that are still valid, and the counters they were read at."""
    profile_code: str
    epoch: int = 0
    versions: dict[int, int] = field(default_factory=dict)       # unit id -> its counter as read
    entries: dict[int, dict[str, list]] = field(default_factory=dict)  # unit id -> date -> figures, as kept (_entry)
    stored: dict[int, str] = field(default_factory=dict)         # unit id -> what to store for it
    fetch: dict[int, int] = field(default_factory=dict)          # unit id -> stamp of a valid row not yet parsed
    counter: int | None = None   # the figures counter (figures_cache) read with the rows: did anything commit since?

    def take(self, unit_id: int, unit_version, stored_version, stored_epoch, stamp, epoch, counter=None) -> None:
        """One row of a query made by with_stored(): a valid row already parsed by this process is used as it is,
        any other is read by fetch_rows()."""
        self.epoch = epoch or 0
        self.counter = counter
        version = self.versions[unit_id] = unit_version or 0
        if stamp is not None and stored_version == version and stored_epoch == self.epoch:
            parsed = _PARSED.get((self.profile_code, unit_id))
            if parsed is not None and parsed[0] == stamp:
                self.entries[unit_id] = parsed[1]
            else:
                self.fetch[unit_id] = stamp

    def fetch_rows(self, session) -> None:
        """Read and parse the valid rows take() could not find parsed (one statement)."""
        if not self.fetch:
            return
        f = StoredUnitFigures
        # Thousands of units after a change to everyone: on PostgreSQL one array parameter, not a list of thousands.
        query = select(f.unit_id, f.version, f.epoch, f.stamp, f.figures).where(
            f.profile_code == self.profile_code,
            among_ids(f.unit_id, sorted(self.fetch), session.get_bind().dialect.name))
        versions, loads = self.versions, orjson.loads
        for unit_id, version, epoch, stamp, text in session.execute(query):
            if version == versions.get(unit_id) and epoch == self.epoch:
                entries = self.entries[unit_id] = loads(text)
                _remember(self.profile_code, unit_id, stamp, entries)
        self.fetch = {}

    def missing(self, unit_ids, days, details_on: dt.date) -> list[int]:
        """The units whose figures for `days` (with the details of `details_on`) are not all kept."""
        keys = {day.isoformat() for day in days}
        detail = details_on.isoformat()
        entries = self.entries
        return [unit_id for unit_id in unit_ids if unit_id not in entries or not entries[unit_id].keys() >= keys
                or len(entries[unit_id][detail]) < DETAILED]

    def learn(self, unit_ids, counted: dict[dt.date, dict[int, UnitFigures]], gaps: dict[int, Counter | tuple],
              details_on: dt.date, slots: list[tuple[str, str]]) -> None:
        """Keep the figures just counted for these units (none counted: nobody there), to read and to store; the
        gaps of `details_on` as one number per slot (counting.gap_slots)."""
        for unit_id in unit_ids:
            entries = {}
            for day, by_unit in counted.items():
                figure = by_unit.get(unit_id) or UnitFigures()
                if day == details_on:
                    found = gaps.get(unit_id) or Counter()
                    figure.expiring = {w: figure.expiring.get(w, 0) for w in EXPIRY_WINDOWS}
                    figure.gaps = found if isinstance(found, tuple) else tuple(found.get(slot, 0) for slot in slots)
                else:
                    figure.expiring, figure.gaps = {}, None
                entries[day.isoformat()] = _entry(figure)
            for key, value in self.entries.get(unit_id, {}).items():
                if len(entries) >= KEEP_DAYS:
                    break
                entries.setdefault(key, value)
            self.entries[unit_id] = entries
            self.stored[unit_id] = orjson.dumps(entries).decode()

    def totals(self, unit_ids, days: list[dt.date]) -> list[tuple[int, int]]:
        """(people, ready) of these units together on each of `days`, in one pass over the units."""
        keys = [day.isoformat() for day in days]
        sums = [[0, 0] for _ in keys]
        entries = self.entries
        for unit_id in unit_ids:
            kept = entries[unit_id]
            for pair, key in zip(sums, keys):
                entry = kept[key]
                pair[0] += entry[0]
                pair[1] += entry[1]
        return [(total, ready) for total, ready in sums]

    def figures(self, unit_ids, day: dt.date) -> dict[int, UnitFigures]:
        """unit id -> figures on `day` of the units with anyone posted there."""
        key = day.isoformat()
        entries = self.entries
        return {unit_id: _figure(entry) for unit_id in unit_ids if (entry := entries[unit_id][key])[0]}


# Rows already parsed by this process: (profile, unit) -> (the stamp of the row they came from, figures by date, as
# kept). A row's stamp changes whenever it is written, so a row read again is parsed again only when another process
# (or another view) has written it since.
_PARSED: dict[tuple[str, int], tuple[int, dict[str, list]]] = {}
_PARSED_MAX = 100_000


def forget_parsed() -> None:
    """Leave this process as one that has parsed no kept row yet (a worker just started, another app server)."""
    _PARSED.clear()


def _remember(profile_code: str, unit_id: int, stamp: int, entries: dict[str, list]) -> None:
    if len(_PARSED) >= _PARSED_MAX:
        _PARSED.clear()
    _PARSED[(profile_code, unit_id)] = (stamp, entries)


def with_stored(query, unit_id_column, profile_code: str):
    """`query` (over units) with the columns Known.take() reads: each unit's counter, its kept row's counters and
    stamp (not its figures), the epoch and the figures counter, read in the same statement."""
    v, f, fv = UnitVersion, StoredUnitFigures, FiguresVersion
    epoch = select(fv.epoch).where(fv.id == 1).scalar_subquery()
    counter = select(fv.version).where(fv.id == 1).scalar_subquery()
    return (query.add_columns(v.version, f.version, f.epoch, f.stamp, epoch, counter)
            .outerjoin(v, v.unit_id == unit_id_column)
            .outerjoin(f, and_(f.unit_id == unit_id_column, f.profile_code == profile_code)))


# What is kept of a unit's figures on a date, as a list (the stored JSON; kept so in memory too, so that a page that
# reads thousands of rows makes a UnitFigures only for those it shows): [total, ready], and on a date whose details
# were asked for also the ready people lapsing within each of EXPIRY_WINDOWS and the gaps (DETAILED items in all).
DETAILED = 3 + len(EXPIRY_WINDOWS)


def _entry(figure: UnitFigures) -> list:
    if figure.gaps is None:
        return [figure.total, figure.ready]
    return [figure.total, figure.ready, *(figure.expiring.get(w, 0) for w in EXPIRY_WINDOWS), list(figure.gaps)]


def _figure(entry: list) -> UnitFigures:
    if len(entry) < DETAILED:
        return UnitFigures(entry[0], entry[1])
    return UnitFigures(entry[0], entry[1], dict(zip(EXPIRY_WINDOWS, entry[2:-1])), tuple(entry[-1]))


# --- Storing -------------------------------------------------------------------------------------------------------

def store(known: Known, *, patient: bool = False) -> bool:
    """Write what Known.learn() kept, in a transaction of its own (readiness.figures_cache.write_apart): only on a
    read (a page view); a writing transaction would hold the lock its own write needs. True when all of it is
    stored (`patient`: waiting for the lock, as write_apart)."""
    from trainer.db import write_intent
    from trainer.readiness.figures_cache import write_apart

    if not known.stored:
        return True
    if write_intent.get():
        return False
    table = StoredUnitFigures.__table__
    stamp = secrets.randbits(62)
    rows = [{"profile_code": known.profile_code, "unit_id": unit_id, "version": known.versions.get(unit_id, 0),
             "epoch": known.epoch, "stamp": stamp, "figures": text} for unit_id, text in sorted(known.stored.items())]

    def write(connection):
        statement = _insert_for(connection)(table)
        connection.execute(statement.on_conflict_do_update(
            index_elements=[table.c.profile_code, table.c.unit_id],
            set_={name: statement.excluded[name] for name in ("version", "epoch", "stamp", "figures")}), rows)

    if not write_apart(write, patient=patient):
        return False
    for unit_id in known.stored:
        _remember(known.profile_code, unit_id, stamp, known.entries[unit_id])
    known.stored = {}
    return True
