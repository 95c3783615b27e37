"""The Master Scenario Events List: injects, CSV import (all or nothing) and export, release.

Only planners, controllers, evaluators, trusted agents and the exercise director see the MSEL;
players never do. To everyone else it does not exist (404).
"""
from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from trainer.audit.services import record_event
from trainer.db import utcnow
from trainer.errors import Invalid, NotFound
from trainer.exercises import access
from trainer.exercises.models import (
    ACTIVE_PARTICIPANT_STATUSES, Exercise, ExerciseStatus, Inject, InjectStatus, Objective, Participant,
)
from trainer.exercises.timeutil import LocalTimeError, local_to_utc, parse_local, utc_to_local
from trainer.extensions import db
from trainer.org.models import Unit

CSV_COLUMNS = ("number", "scenario_time", "planned_release", "from", "to_type", "to", "method", "message",
               "expected_action", "objectives", "contingency")
TO_TYPES = ("nation", "unit", "person")
MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
TRUE_WORDS = {"yes", "y", "true", "1", "x"}
FALSE_WORDS = {"no", "n", "false", "0", ""}


def require_msel(actor, ex: Exercise) -> None:
    if not access.can_see_msel(actor, ex):
        raise NotFound()


def require_msel_editor(actor, ex: Exercise) -> None:
    require_msel(actor, ex)
    if not access.can_edit_msel(actor, ex):
        # Readers of the MSEL (evaluators, trusted agents) are told why, not shown a bare refusal.
        raise Invalid("Only planners, controllers and the exercise director may change the MSEL; you can read it.")


def list_injects(actor, ex: Exercise) -> list[Inject]:
    require_msel(actor, ex)
    return list(db.session.scalars(select(Inject).where(Inject.exercise_id == ex.id)
                                   .order_by(Inject.planned_at, Inject.number)))


def get_inject(actor, ex: Exercise, inject_id) -> Inject:
    require_msel(actor, ex)
    try:
        inject_id = int(inject_id)
    except (TypeError, ValueError):
        raise NotFound()
    inject = db.session.scalar(select(Inject).where(Inject.id == inject_id, Inject.exercise_id == ex.id))
    if inject is None:
        raise NotFound()
    return inject


class _Resolver:
    """Looks up 'to' references and objective numbers for one exercise, with a few queries in all."""

    def __init__(self, ex: Exercise):
        self.ex = ex
        self.nations = set(ex.nation_codes)
        self.units = {(u.nation_code, u.code): u.id for u in db.session.execute(
            select(Unit.id, Unit.nation_code, Unit.code).where(Unit.nation_code.in_(self.nations))).all()}
        self.people = {}
        for p in db.session.scalars(select(Participant).where(
                Participant.exercise_id == ex.id, Participant.status.in_(ACTIVE_PARTICIPANT_STATUSES))):
            self.people[(p.nation_code, p.person.service_number)] = p.person_id
        self.objectives = {o.number: o for o in db.session.scalars(select(Objective).where(Objective.exercise_id == ex.id))}

    def to(self, to_type: str, ref: str) -> tuple[dict, str | None]:
        ref = (ref or "").strip()
        if to_type not in TO_TYPES:
            return {}, "to_type must be nation, unit or person."
        nation, _, rest = ref.partition(":")
        nation = nation.strip().upper()
        if nation not in self.nations:
            return {}, f"{nation or '(empty)'} is not a nation taking part (write e.g. NPL, NPL:NPL-B1 or NPL:service number)."
        if to_type == "nation":
            return {"to_nation_code": nation, "to_unit_id": None, "to_person_id": None}, None
        if to_type == "unit":
            unit_id = self.units.get((nation, rest.strip().upper()))
            if unit_id is None:
                return {}, f"No unit {rest.strip() or '(empty)'} in {nation} (write NATION:UNIT-CODE)."
            return {"to_nation_code": nation, "to_unit_id": unit_id, "to_person_id": None}, None
        person_id = self.people.get((nation, rest.strip()))
        if person_id is None:
            return {}, f"No participant of {nation} with service number {rest.strip() or '(empty)'} (write NATION:SERVICE-NUMBER)."
        return {"to_nation_code": nation, "to_unit_id": None, "to_person_id": person_id}, None

    def objective_list(self, text: str) -> tuple[list[Objective], str | None]:
        found = []
        for part in re.split(r"[;,\s]+", (text or "").strip()):
            if not part:
                continue
            try:
                number = int(part)
            except ValueError:
                return [], f"{part!r} is not an objective number."
            if number not in self.objectives:
                return [], f"There is no objective {number} in this exercise."
            found.append(self.objectives[number])
        return found, None


def _validate(resolver: _Resolver, ex: Exercise, values: dict) -> tuple[dict, list[tuple[str, str]]]:
    errors: list[tuple[str, str]] = []
    clean: dict = {}
    try:
        number = int(str(values.get("number") or "").strip())
        if number < 1 or number > 99999:
            raise ValueError
        clean["number"] = number
    except ValueError:
        errors.append(("number", "A whole number from 1 is required."))
    for key, column, limit in (("scenario_time", "scenario_time", 60), ("from", "from_text", 200), ("method", "method", 40)):
        text = (values.get(key) or "").strip()
        if len(text) > limit:
            errors.append((key, f"At most {limit} characters."))
        clean[column] = text
    message = (values.get("message") or "").strip()
    if not message or len(message) > 5000:
        errors.append(("message", "A message of 1 to 5,000 characters is required."))
    clean["message"] = message
    expected = (values.get("expected_action") or "").strip()
    if len(expected) > 5000:
        errors.append(("expected_action", "At most 5,000 characters."))
    clean["expected_action"] = expected
    try:
        fold = values.get("fold")
        planned = local_to_utc(parse_local(values.get("planned_release") or ""), ex.timezone,
                               int(fold) if fold in ("0", "1", 0, 1) else None)
        if not (ex.start_at <= planned <= ex.end_at):
            errors.append(("planned_release", "The planned release must fall between the start and the end of the exercise."))
        clean["planned_at"] = planned
    except LocalTimeError as exc:
        errors.append(("planned_release", str(exc)))
    to_fields, problem = resolver.to((values.get("to_type") or "").strip().lower(), values.get("to") or "")
    if problem:
        errors.append(("to", problem))
    clean.update(to_fields)
    clean["to_type"] = (values.get("to_type") or "").strip().lower()
    objectives, problem = resolver.objective_list(values.get("objectives") or "")
    if problem:
        errors.append(("objectives", problem))
    clean["objectives"] = objectives
    contingency = values.get("contingency")
    if isinstance(contingency, bool):
        clean["contingency"] = contingency
    elif str(contingency or "").strip().lower() in TRUE_WORDS:
        clean["contingency"] = True
    elif str(contingency or "").strip().lower() in FALSE_WORDS:
        clean["contingency"] = False
    else:
        errors.append(("contingency", "Write yes or no."))
    return clean, errors


def _editable(ex: Exercise) -> None:
    if ex.status_enum in (ExerciseStatus.CLOSED, ExerciseStatus.CANCELLED, ExerciseStatus.AAR_PUBLISHED):
        raise Invalid(f"The MSEL of an exercise that is {ex.status_enum.label} can no longer change.")


def create_inject(actor, ex: Exercise, values: dict) -> Inject:
    require_msel_editor(actor, ex)
    _editable(ex)
    clean, errors = _validate(_Resolver(ex), ex, values)
    if "number" in clean and db.session.scalar(select(Inject.id).where(Inject.exercise_id == ex.id,
                                                                       Inject.number == clean["number"])):
        errors.append(("number", f"Inject {clean['number']} already exists."))
    if errors:
        raise Invalid("The inject could not be saved.", errors=errors)
    objectives = clean.pop("objectives")
    inject = Inject(exercise_id=ex.id, **clean)
    inject.objectives = objectives
    db.session.add(inject)
    db.session.flush()
    record_event(actor, "msel.inject.create", inject, exercise=ex.code, after={"number": inject.number})
    db.session.flush()
    return inject


def update_inject(actor, ex: Exercise, inject: Inject, values: dict) -> Inject:
    require_msel_editor(actor, ex)
    _editable(ex)
    clean, errors = _validate(_Resolver(ex), ex, values)
    if clean.get("number") not in (None, inject.number) and db.session.scalar(
            select(Inject.id).where(Inject.exercise_id == ex.id, Inject.number == clean["number"])):
        errors.append(("number", f"Inject {clean['number']} already exists."))
    if errors:
        raise Invalid("The inject could not be saved.", errors=errors)
    objectives = clean.pop("objectives")
    for key, value in clean.items():
        setattr(inject, key, value)
    inject.objectives = objectives
    record_event(actor, "msel.inject.update", inject, exercise=ex.code, after={"number": inject.number})
    db.session.flush()
    return inject


def release_inject(actor, ex: Exercise, inject_id) -> Inject:
    """One action during conduct: the inject is released now."""
    inject = get_inject(actor, ex, inject_id)
    require_msel_editor(actor, ex)
    if ex.status != ExerciseStatus.IN_CONDUCT.value:
        raise Invalid("Injects are released only while the exercise is in conduct.")
    if inject.status != InjectStatus.PLANNED.value:
        raise Invalid(f"Inject {inject.number} was already {inject.status}.")
    inject.status = InjectStatus.RELEASED.value
    inject.released_at = utcnow()
    inject.released_by_id = getattr(actor, "id", None)
    record_event(actor, "msel.inject.release", inject, exercise=ex.code, after={"number": inject.number,
                                                                                  "released_at": inject.released_at.isoformat()})
    db.session.flush()
    return inject


def skip_inject(actor, ex: Exercise, inject_id) -> Inject:
    inject = get_inject(actor, ex, inject_id)
    require_msel_editor(actor, ex)
    if ex.status != ExerciseStatus.IN_CONDUCT.value or inject.status != InjectStatus.PLANNED.value:
        raise Invalid("Only a planned inject can be skipped, during conduct.")
    inject.status = InjectStatus.SKIPPED.value
    record_event(actor, "msel.inject.skip", inject, exercise=ex.code, after={"number": inject.number})
    db.session.flush()
    return inject


# --- CSV ------------------------------------------------------------------------------------

def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise Invalid(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Invalid("The file is not text (save it as CSV, UTF-8).")


def _strip_neutraliser(value: str) -> str:
    # Our own export prefixes formula-like cells with an apostrophe; take it off again on import.
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_PREFIXES:
        return value[1:]
    return value


def import_csv(actor, ex: Exercise, data: bytes) -> list[Inject]:
    """Validate every row first; write all of them, or none, and report every error with its row."""
    require_msel_editor(actor, ex)
    _editable(ex)
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        raise Invalid(f"The file contains a NUL byte (line {line}): it is not CSV text. Save it again as CSV, UTF-8.")
    try:
        rows = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:  # a cell over the csv module's limit (131,072 characters), a broken quote
        raise Invalid(f"The CSV text is malformed ({exc}).") from exc
    header_at = next((i for i, row in enumerate(rows) if row and row[0].strip().lower() == "number"), None)
    if header_at is None:
        raise Invalid("No header row found: the first column of the header must be 'number'. Columns: "
                      + ", ".join(CSV_COLUMNS) + ".")
    header = [h.strip().lower() for h in rows[header_at]]
    missing = [c for c in ("number", "planned_release", "to_type", "to", "message") if c not in header]
    if missing:
        raise Invalid("Missing columns: " + ", ".join(missing) + ".")
    resolver = _Resolver(ex)
    existing = set(db.session.scalars(select(Inject.number).where(Inject.exercise_id == ex.id)))
    seen: dict[int, int] = {}
    errors, cleaned = [], []
    body = rows[header_at + 1:]
    if len(body) > MAX_ROWS:
        raise Invalid(f"At most {MAX_ROWS} rows can be imported at once.")
    for offset, row in enumerate(body):
        line = header_at + offset + 2
        if not any(cell.strip() for cell in row):
            continue
        if sum(1 for cell in row if cell.strip()) == 1 and len(row) < len(header) // 2:
            continue  # a marking line at the end of our own export
        values = {name: _strip_neutraliser(row[i]) if i < len(row) else "" for i, name in enumerate(header)}
        values["planned_release"] = values.get("planned_release", "")
        clean, row_errors = _validate(resolver, ex, values)
        number = clean.get("number")
        if number is not None:
            if number in existing:
                row_errors.append(("number", f"Inject {number} already exists in the MSEL."))
            elif number in seen:
                row_errors.append(("number", f"Inject {number} appears twice (also row {seen[number]})."))
            else:
                seen[number] = line
        errors.extend((f"row {line}: {field}", message) for field, message in row_errors)
        cleaned.append(clean)
    if errors:
        raise Invalid(f"Nothing was imported: {len(errors)} problem(s) found.", errors=errors)
    if not cleaned:
        raise Invalid("The file has no injects.")
    created = []
    for clean in cleaned:
        objectives = clean.pop("objectives")
        inject = Inject(exercise_id=ex.id, **clean)
        inject.objectives = objectives
        db.session.add(inject)
        created.append(inject)
    db.session.flush()
    record_event(actor, "msel.import", ex, exercise=ex.code, after={"injects": [i.number for i in created]})
    db.session.flush()
    return created


def neutralise(value) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def marking_line(classification: str, releasability: str) -> str:
    return " // ".join(part for part in (classification, releasability) if part)


def export_csv(actor, ex: Exercise, *, classification: str, releasability: str) -> str:
    injects = list_injects(actor, ex)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    marking = marking_line(classification, releasability)
    writer.writerow([neutralise(marking)])
    writer.writerow(CSV_COLUMNS + ("status", "released_at"))
    for i in injects:
        writer.writerow([neutralise(v) for v in (
            i.number, i.scenario_time, utc_to_local(i.planned_at, ex.timezone).strftime("%Y-%m-%d %H:%M"),
            i.from_text, i.to_type, i.to_ref, i.method, i.message, i.expected_action,
            ";".join(str(o.number) for o in i.objectives), "yes" if i.contingency else "no", i.status,
            i.released_at.isoformat() if i.released_at else "")])
    writer.writerow([neutralise(marking)])
    record_event(actor, "msel.export", ex, exercise=ex.code, after={"injects": len(injects)})
    db.session.flush()
    return out.getvalue()
