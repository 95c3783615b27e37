"""Roster import: validate a whole file against the database, then write all of it or nothing.

Fast by construction: the people and units of the file's nations are read in one query each, rows
are checked in memory, and the writes are bulk statements inside the caller's single transaction.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import bindparam, insert, select, update

from trainer.audit.services import record_event
from trainer.auth import scoping
from trainer.db import utc_today, utcnow
from trainer.enums import Category, PersonStatus, Screening
from trainer.extensions import db
from trainer.org.grades import grade_codes
from trainer.org.models import Nation, Person, Unit, UnitAssignment
from trainer.org.names import search_key
from trainer.org.roster import ALL_COLUMNS, ParsedRoster, RosterError, RosterLimits, parse_roster
from trainer.org.services import reaches_whole_nation
from trainer.transactions import after_commit
from trainer.typed_values import control_character_message, has_control_character

# Fields compared and written for each row; the unit is handled separately (a change is a transfer).
FIELDS = ("family_name", "given_names", "family_name_latin", "given_names_latin", "rank_code", "national_rank",
          "category", "email", "screening")
LIMITS = {"service_number": 40, "family_name": 120, "given_names": 200, "family_name_latin": 120,
          "given_names_latin": 200, "national_rank": 80, "email": 254, "unit": 40}
# Above this many changed people the import is audited by one summary event only.
PER_PERSON_AUDIT_LIMIT = 1000
CATEGORIES = frozenset(c.value for c in Category)
SCREENINGS = frozenset(s.value for s in Screening)


@dataclass
class RowChange:
    row: int
    action: str                     # create, update or unchanged
    nation: str
    service_number: str
    name: str
    changes: dict = field(default_factory=dict)   # field -> (before, after)
    person_id: int | None = None
    values: dict = field(default_factory=dict)
    unit_id: int | None = None


@dataclass
class ImportReport:
    filename: str
    sha256: str
    dry_run: bool
    errors: list[RosterError] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {a: self.count(a) for a in ("create", "update", "unchanged")}

    @property
    def transfers(self) -> int:
        return sum(1 for r in self.rows if "unit" in r.changes)

    def summary(self) -> str:
        c = self.counts
        values = {"new": c["create"], "updated": c["update"], "transfers": self.transfers,
                  "unchanged": c["unchanged"], "file": self.filename or _("the file")}
        if self.dry_run or not self.applied:
            return _("%(new)d new, %(updated)d updated (%(transfers)d transferred), %(unchanged)d unchanged — would be "
                     "imported from %(file)s.", **values)
        return _("%(new)d new, %(updated)d updated (%(transfers)d transferred), %(unchanged)d unchanged — were "
                 "imported from %(file)s.", **values)


def _row_values(cells: dict[str, str]) -> dict[str, str]:
    return {name: (cells.get(name) or "").strip() for name in
            ("nation", "service_number", "family_name", "given_names", "rank_code", "national_rank", "category",
             "unit", "email", "family_name_latin", "given_names_latin", "screening")}


def _field_errors(number: int, v: dict[str, str], has: set[str]) -> list[RosterError]:
    errors = []
    for name in ("nation", "service_number", "family_name", "given_names", "rank_code", "category", "unit"):
        if not v[name]:
            errors.append(RosterError(number, name, _("Required; the cell is empty.")))
    for name, limit in LIMITS.items():
        if len(v[name]) > limit:
            errors.append(RosterError(number, name, _("At most %(limit)d characters (this cell has %(length)d).",
                                                      limit=limit, length=len(v[name]))))
    if v["rank_code"] and v["rank_code"].upper() not in grade_codes():
        errors.append(RosterError(number, "rank_code", _("“%(code)s” is not a known grade code (e.g. OF-3, OR-6, "
                                                         "WO-2, POL-3, CIV-2).", code=v["rank_code"])))
    if v["category"] and v["category"].lower() not in CATEGORIES:
        errors.append(RosterError(number, "category", _("“%(value)s”: must be military, police or civilian.",
                                                        value=v["category"])))
    if v["screening"] and v["screening"].lower() not in SCREENINGS:
        errors.append(RosterError(number, "screening", _("“%(value)s”: must be pending, cleared or hold.",
                                                         value=v["screening"])))
    errors += [RosterError(number, name, control_character_message()) for name, value in v.items()
               if has_control_character(value)]
    email = v["email"]
    if email and (email.count("@") != 1 or " " in email or email.startswith("@") or email.endswith("@")):
        errors.append(RosterError(number, "email", _("“%(value)s” is not a valid e-mail address.", value=email)))
    return errors


def _reachable_unit_ids(actor, nations: list[str]) -> set[int] | None:
    """Ids of the units of these nations the actor may import into; None means all of them."""
    if actor is None:
        return None
    query = select(Unit.id).where(Unit.nation_code.in_(nations), scoping.scope_condition(actor, "unit", "org.write"))
    return set(db.session.scalars(query))


def validate_roster(actor, parsed: ParsedRoster, report: ImportReport, today: dt.date) -> None:
    """Compare every row with the database; fill report.rows, or report.errors with every problem."""
    has = set(parsed.columns)
    values = [(number, _row_values(cells)) for number, cells in parsed.rows]
    known = _Known.read(actor, sorted({v["nation"].upper() for _, v in values if len(v["nation"]) == 3}))
    seen: dict[tuple[str, str], int] = {}
    errors = report.errors
    for number, v in values:
        nation = v["nation"].upper()
        current = known.existing.get((nation, v["service_number"]))
        unit_errors, unit_ref = _place_errors(number, v, nation, known)
        row_errors = [*_field_errors(number, v, has), *unit_errors,
                      *_identity_errors(number, v, nation, current, seen, known.reachable)]
        if row_errors:
            errors.extend(row_errors)
            continue
        report.rows.append(_row_change(number, v, nation, current, unit_ref[0]))
    errors.sort(key=lambda e: (e.row, ALL_COLUMNS.index(e.column) if e.column in ALL_COLUMNS else -1))


@dataclass
class _Known:
    """What the rows of an import are checked against, read once for the whole file."""
    nations: dict[str, Nation]
    units: dict[tuple[str, str], tuple[int, str]]    # (nation, unit code) -> (id, path)
    reachable: set[int] | None                       # the units the actor may import into (None: all)
    nation_reach: dict[str, bool]                    # whether the actor reaches any of the nation
    existing: dict[tuple[str, str], object]          # (nation, service number) -> the person's row

    @classmethod
    def read(cls, actor, nation_codes: list[str]) -> "_Known":
        nations = {n.code: n for n in db.session.scalars(select(Nation).where(Nation.code.in_(nation_codes)))}
        units = {(nation, code): (uid, path) for uid, nation, code, path in db.session.execute(
            select(Unit.id, Unit.nation_code, Unit.code, Unit.path).where(Unit.nation_code.in_(nation_codes)))}
        reachable = _reachable_unit_ids(actor, nation_codes)
        nation_reach = {code: reachable is None or any(units[k][0] in reachable for k in units if k[0] == code)
                        or reaches_whole_nation(actor, code) for code in nations}
        columns = [Person.id, Person.nation_code, Person.service_number, Person.unit_id, Person.status,
                   *(getattr(Person, f) for f in FIELDS)]
        existing = {(row.nation_code, row.service_number): row for row in db.session.execute(
            select(*columns).where(Person.nation_code.in_(nation_codes)))}
        return cls(nations, units, reachable, nation_reach, existing)


def _place_errors(number: int, v: dict, nation: str, known: _Known) -> tuple[list[RosterError], tuple | None]:
    """The row's nation and unit checked: (errors, (unit id, path) or None)."""
    if not v["nation"]:
        return [], None
    if nation not in known.nations:
        return [RosterError(number, "nation", _("“%(value)s” is not a nation known here "
                                                "(ISO 3166-1 alpha-3 code, e.g. NPL).", value=v["nation"]))], None
    if not known.nations[nation].active:
        return [RosterError(number, "nation", _("%(nation)s is deactivated.", nation=nation))], None
    if not known.nation_reach[nation]:
        return [RosterError(number, "nation", _("%(nation)s is outside your scope.", nation=nation))], None
    if not v["unit"]:
        return [], None
    unit_ref = known.units.get((nation, v["unit"].upper()))
    if unit_ref is None or (known.reachable is not None and unit_ref[0] not in known.reachable):
        return [RosterError(number, "unit", _("No unit with code “%(code)s” in %(nation)s within your scope.",
                                              code=v["unit"], nation=nation))], None
    return [], unit_ref


def _identity_errors(number: int, v: dict, nation: str, current, seen: dict, reachable: set[int] | None
                     ) -> list[RosterError]:
    """The row's service number checked: not twice in the file, not someone out of scope or out of service.
    Notes the number in `seen`."""
    if not v["service_number"]:
        return []
    errors = []
    key = (nation, v["service_number"])
    if key in seen:
        errors.append(RosterError(number, "service_number",
                                  _("The same service number appears in row %(row)d.", row=seen[key])))
    else:
        seen[key] = number
    if current is not None:
        if reachable is not None and current.unit_id not in reachable:
            errors.append(RosterError(number, "service_number", _("This service number belongs to a "
                                                                  "person outside your scope.")))
        elif current.status == PersonStatus.LEFT_SERVICE.value:
            errors.append(RosterError(number, "service_number", _("This person has left service; an "
                                                                  "import cannot change their record.")))
    return errors


def _row_change(number: int, v: dict, nation: str, current, unit_id: int) -> RowChange:
    """What a valid row does: create a person, update one, or leave them as they are."""
    new = {
        "family_name": v["family_name"], "given_names": v["given_names"],
        "rank_code": v["rank_code"].upper(), "national_rank": v["national_rank"],
        "category": v["category"].lower(), "email": v["email"] or None,
    }
    # Optional columns left empty keep what the record holds (or take the default for a new one).
    for name, default in (("family_name_latin", new["family_name"]), ("given_names_latin", new["given_names"]),
                          ("screening", Screening.PENDING.value)):
        typed = v[name].lower() if name == "screening" else v[name]
        new[name] = typed or (getattr(current, name) if current is not None else default)
    display = f"{new['given_names']} {new['family_name']}"
    if current is None:
        return RowChange(number, "create", nation, v["service_number"], display, values=new, unit_id=unit_id)
    changes = {f: (getattr(current, f), new[f]) for f in FIELDS if getattr(current, f) != new[f]}
    if current.unit_id != unit_id:
        changes["unit"] = (current.unit_id, unit_id)
    return RowChange(number, "update" if changes else "unchanged", nation, v["service_number"], display,
                     changes=changes, person_id=current.id, values=new, unit_id=unit_id)


def _write(actor, report: ImportReport, today: dt.date) -> None:
    now = utcnow()
    creates = [r for r in report.rows if r.action == "create"]
    updates = [r for r in report.rows if r.action == "update"]
    if creates:
        _insert_people(creates, today, now)
    if updates:
        _update_people(updates, today, now)
    _audit_import(actor, report, creates + updates)
    db.session.flush()
    # Objects loaded before the bulk statements are stale now.
    db.session.expire_all()


def _search_text(r: RowChange) -> str:
    v = r.values
    return search_key(v["family_name"], v["given_names"], v["family_name_latin"], v["given_names_latin"],
                      r.service_number)


def _insert_people(creates: list[RowChange], today: dt.date, now: dt.datetime) -> None:
    """The new people, in bulk, each posted to their unit from today; notes each row's person id."""
    rows = [{"nation_code": r.nation, "unit_id": r.unit_id, "service_number": r.service_number, **r.values,
             "search_text": _search_text(r), "status": PersonStatus.ACTIVE.value, "created_at": now,
             "updated_at": now, "version": 1} for r in creates]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Person.__table__), rows[start:start + 5000])
    nations = sorted({r.nation for r in creates})
    ids = {(n, sn): pid for pid, n, sn in db.session.execute(
        select(Person.id, Person.nation_code, Person.service_number).where(Person.nation_code.in_(nations)))}
    for r in creates:
        r.person_id = ids[(r.nation, r.service_number)]
    assignments = [{"person_id": r.person_id, "unit_id": r.unit_id, "start_on": today, "end_on": None,
                    "note": "roster import"} for r in creates]
    for start in range(0, len(assignments), 5000):
        db.session.execute(insert(UnitAssignment.__table__), assignments[start:start + 5000])


def _update_people(updates: list[RowChange], today: dt.date, now: dt.datetime) -> None:
    """The changed people, in one statement; those moved to another unit leave the old posting today."""
    people = Person.__table__
    statement = (update(people).where(people.c.id == bindparam("pid"))
                 .values({**{f: bindparam(f"v_{f}") for f in FIELDS}, "search_text": bindparam("v_search_text"),
                          "unit_id": bindparam("v_unit_id"), "updated_at": bindparam("v_updated_at"),
                          "version": people.c.version + 1}))
    db.session.execute(statement, [{"pid": r.person_id, **{f"v_{f}": r.values[f] for f in FIELDS},
                                    "v_search_text": _search_text(r), "v_unit_id": r.unit_id, "v_updated_at": now}
                                   for r in updates])
    moved = [r for r in updates if "unit" in r.changes]
    if moved:
        history = UnitAssignment.__table__
        db.session.execute(update(history).where(history.c.person_id == bindparam("pid"), history.c.end_on.is_(None))
                           .values(end_on=today), [{"pid": r.person_id} for r in moved])
        db.session.execute(insert(history), [{"person_id": r.person_id, "unit_id": r.unit_id, "start_on": today,
                                              "end_on": None, "note": "roster import"} for r in moved])


def _audit_import(actor, report: ImportReport, changed: list[RowChange]) -> None:
    """One event for the import; one per person changed too, unless the import changed too many to list."""
    per_person = len(changed) <= PER_PERSON_AUDIT_LIMIT
    record_event(actor, "roster.import", None, object_type="roster", object_id=report.sha256[:16],
                 after={"file": report.filename, "sha256": report.sha256, **report.counts, "transfers": report.transfers,
                        "per_person_events": per_person}, checkpoint=True)
    if not per_person:
        return
    for r in changed:
        if r.action == "create":
            record_event(actor, "person.create", None, object_type="people", object_id=r.person_id,
                         after={**r.values, "unit": r.unit_id, "service_number": r.service_number}, via="roster import")
        else:
            record_event(actor, "person.update", None, object_type="people", object_id=r.person_id,
                         before={k: b for k, (b, a) in r.changes.items()},
                         after={k: a for k, (b, a) in r.changes.items()}, via="roster import")


def import_roster(actor, data: bytes, filename: str = "", *, limits: RosterLimits = RosterLimits(),
                  dry_run: bool = False, today: dt.date | None = None) -> ImportReport:
    """Check a roster file and, unless it is a dry run or any row is wrong, write all of it.

    Writes go into the caller's transaction (one for the whole file); the caller commits. `actor`
    None is the system (the CLI without --user): every nation and unit is in reach.
    """
    today = today or utc_today()
    report = ImportReport(filename=filename, sha256=hashlib.sha256(data).hexdigest(), dry_run=dry_run)
    parsed = parse_roster(data, filename, limits)
    if parsed.errors:
        report.errors = parsed.errors
        return report
    validate_roster(actor, parsed, report, today)
    if report.errors or dry_run:
        return report
    _write(actor, report, today)
    report.applied = True
    return report


def preview_upload(actor, instance_path: str, data: bytes, filename: str, *,
                   limits: RosterLimits) -> tuple[ImportReport, str | None]:
    """Check an uploaded roster without writing; when it is clean, keep the file for confirmation and
    return the token that names it."""
    from trainer.org.uploads import store_upload

    report = import_roster(actor, data, filename, limits=limits, dry_run=True)
    token = store_upload(instance_path, actor, data, filename) if report.ok else None
    return report, token


def import_upload(actor, instance_path: str, token: str, *, limits: RosterLimits) -> ImportReport | None:
    """Import a previewed roster (all or nothing); None when the upload is gone (expired or unknown).
    The kept file is removed once its rows are committed: a commit refused (a conflict, a locked database)
    leaves it, and the user confirms again without uploading again."""
    from trainer.org.uploads import find_upload

    upload = find_upload(instance_path, actor, token)
    if upload is None:
        return None
    report = import_roster(actor, upload.read(), upload.filename, limits=limits)
    if report.ok:
        after_commit(upload.discard)
    return report
