"""Writes for learning: assignments, completions (online, classroom, recognised) and classroom sessions.

Services take the acting user, check scope, write an audit event and flush; the caller commits.
"""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from trainer.audit.services import record_event
from trainer.auth import scoping
from trainer.auth.zones import today_for
from trainer.curricula.models import Module, ReadinessProfile
from trainer.curricula.services import get_module
from trainer.db import utc_today, utcnow
from trainer.errors import Conflict, Invalid, NotFound
from trainer.extensions import db
from trainer.learning import rules
from trainer.learning.models import (ClassroomSession, Completion, Method, ModuleAssignment, ProfileAssignment,
                                     SessionAttendance)
from trainer.org.models import Person, Unit


def _moment(value: dt.datetime) -> str:
    from trainer.templating import format_datetime

    return format_datetime(value, "UTC")


# --- completions ----------------------------------------------------------------------------

def not_superseded():
    """A condition true for each person's current completion of a module: the one completed last (of two on one
    day, the one recorded last), as readiness counts it. A completion recorded late for an earlier date (a
    classroom session entered weeks after, prior learning recognised after an online pass) joins the history
    without replacing a later one."""
    later = aliased(Completion)
    return ~exists(select(later.id).where(
        later.person_id == Completion.person_id, later.module_code == Completion.module_code,
        or_(later.completed_on > Completion.completed_on,
            and_(later.completed_on == Completion.completed_on, later.id > Completion.id))))


def end_of_record():
    """A condition true for the completion each new one of the same module is recorded after (the history's
    last entry, whatever its date): `supersedes_id` links the record in the order it was written."""
    newer = aliased(Completion)
    return ~exists(select(newer.id).where(newer.supersedes_id == Completion.id))


def current_completion(person_id: int, module_code: str) -> Completion | None:
    return db.session.scalar(select(Completion).where(
        Completion.person_id == person_id, Completion.module_code == module_code, not_superseded()))


def record_completion(actor, person: Person, module: Module, *, method: str, completed_on: dt.date,
                      score: int | None = None, evidence: str = "", session_id: int | None = None) -> Completion:
    """Append a completion to the person's record of the module, after its last entry."""
    if method not in Method.ALL:
        raise Invalid(_("Unknown completion method."))
    previous = db.session.scalar(select(Completion).where(
        Completion.person_id == person.id, Completion.module_code == module.code, end_of_record()))
    completion = Completion(
        person_id=person.id, module_id=module.id, module_code=module.code, module_version=module.version,
        module_major=module.major, method=method, score=score, completed_on=completed_on,
        valid_until=rules.valid_until(completed_on, module.validity_months),
        recorded_by_id=getattr(actor, "id", None), evidence=evidence or "", session_id=session_id,
        supersedes_id=previous.id if previous else None)
    try:
        with db.session.begin_nested():
            db.session.add(completion)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("Another completion of %(code)s for this person was recorded at the same moment. "
                         "Reload the page to see it; nothing else was changed.", code=module.code))
    record_event(actor, "completion.record", completion, after={
        "person_id": person.id, "module": f"{module.code} {module.version}", "method": method, "score": score,
        "completed_on": completed_on.isoformat(), "valid_until": completion.valid_until.isoformat(),
        "supersedes": previous.id if previous else None, "evidence": evidence or None})
    return completion


def recognise_prior_learning(actor, *, person_id, module_code: str, completed_on: dt.date, justification: str,
                             today: dt.date | None = None) -> Completion:
    person = scoping.get_scoped(actor, "person", person_id, "training.record")
    module = get_module(module_code)
    justification = (justification or "").strip()
    errors = []
    if len(justification) < 20:
        errors.append(("justification", _("Explain in at least 20 characters what prior learning is recognised "
                                          "and what evidence was seen.")))
    if completed_on is None or completed_on > (today or today_for(actor)):
        errors.append(("completed_on", _("The date of the prior learning cannot be in the future.")))
    if errors:
        raise Invalid(_("The recognised prior learning was not recorded."), errors=errors)
    return record_completion(actor, person, module, method=Method.RECOGNISED, completed_on=completed_on,
                             evidence=justification)


# --- assignments ----------------------------------------------------------------------------

def assign(actor, *, kind: str, code: str, person_id=None, unit_id=None, due_on: dt.date | None,
           today: dt.date | None = None):
    """Assign a module or a readiness profile to a person or to a unit (and its sub-units)."""
    errors = []
    if kind == "module":
        if not db.session.scalar(select(Module.id).where(Module.code == code).limit(1)):
            errors.append(("code", _("There is no module %(code)s.", code=code)))
    elif kind == "profile":
        if not db.session.scalar(select(ReadinessProfile.id).where(ReadinessProfile.code == code)):
            errors.append(("code", _("There is no readiness profile %(code)s.", code=code)))
    else:
        errors.append(("kind", _("Choose a module or a readiness profile.")))
    if bool(person_id) == bool(unit_id):
        errors.append(("person_id", _("Choose either one person or one unit.")))
    if due_on is not None and due_on < (today or today_for(actor)):
        errors.append(("due_on", _("The due date cannot be in the past.")))
    if errors:
        raise Invalid(_("The assignment was not saved."), errors=errors)
    try:
        target = (scoping.get_scoped(actor, "person", person_id, "training.record") if person_id
                  else scoping.get_scoped(actor, "unit", unit_id, "training.record"))
    except NotFound:
        field = "person_id" if person_id else "unit_id"
        raise NotFound(_("The assignment was not saved."), errors=[(field, _("No such person or unit in your scope."))])
    model = ModuleAssignment if kind == "module" else ProfileAssignment
    values = {"module_code" if kind == "module" else "profile_code": code, "due_on": due_on,
              "assigned_by_id": getattr(actor, "id", None)}
    if person_id:
        values["person_id"] = target.id
    else:
        values["unit_id"] = target.id
    _check_not_assigned_yet(model, code, values)
    row = model(**values)
    db.session.add(row)
    db.session.flush()
    record_event(actor, f"{kind}_assignment.create", row, after={
        "code": code, "person_id": values.get("person_id"), "unit_id": values.get("unit_id"),
        "due_on": due_on.isoformat() if due_on else None})
    from trainer.learning.notices import notify_assignment

    notify_assignment(row)
    return row


def _check_not_assigned_yet(model, code: str, values: dict) -> None:
    """The same module or profile is assigned to the same person or unit once while it applies: a second one
    would only double the reminders and the lists."""
    code_column = model.module_code if model is ModuleAssignment else model.profile_code
    target = (model.person_id == values["person_id"]) if "person_id" in values else (model.unit_id == values["unit_id"])
    existing = db.session.scalar(select(model).where(code_column == code, target, model.withdrawn_at.is_(None))
                                 .order_by(model.id).limit(1))
    if existing is not None:
        from trainer.templating import format_date

        due = _("due %(date)s", date=format_date(existing.due_on)) if existing.due_on else _("no due date")
        raise Conflict(_("%(code)s is already assigned there (%(due)s). To change the due date, withdraw that "
                         "assignment first.", code=code, due=due), errors=[("code", _("Already assigned."))])


def withdraw_assignment(actor, kind: str, assignment_id, reason: str) -> ModuleAssignment | ProfileAssignment:
    """Withdraw an assignment: it stays on record, marked withdrawn, and no longer applies to anyone."""
    if kind not in ("module", "profile"):
        raise NotFound()
    model = ModuleAssignment if kind == "module" else ProfileAssignment
    row = scoping.get_scoped(actor, f"{kind}_assignment", assignment_id, "training.record")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise Invalid(_("The assignment was not withdrawn: give a reason (at least 5 characters)."),
                      errors=[("reason", _("Say why the assignment is withdrawn."))])
    if len(reason) > 1000:
        raise Invalid(_("The assignment was not withdrawn: keep the reason under 1000 characters."),
                      errors=[("reason", _("At most 1000 characters."))])
    now = utcnow()
    # Only the first withdrawal lands, even when two arrive at the same moment.
    claimed = db.session.execute(
        update(model).where(model.id == row.id, model.withdrawn_at.is_(None))
        .values(withdrawn_at=now, withdrawn_by_id=getattr(actor, "id", None), withdrawal_reason=reason)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        db.session.refresh(row)
        raise Conflict(_("This assignment was already withdrawn on %(when)s; nothing was changed.",
                         when=_moment(row.withdrawn_at)))
    db.session.refresh(row)
    record_event(actor, f"{kind}_assignment.withdraw", row,
                 before={"code": row.code, "person_id": row.person_id, "unit_id": row.unit_id,
                         "due_on": row.due_on.isoformat() if row.due_on else None},
                 after={"withdrawn_at": now.isoformat(), "reason": reason})
    return row


def list_assignments(actor, limit: int = 200):
    unit_ok = scoping.scope_condition(actor, "unit", "training.record")
    person_ok = scoping.scope_condition(actor, "person", "training.record")
    result = []
    for model in (ModuleAssignment, ProfileAssignment):
        query = (select(model).where(
            model.unit_id.in_(select(Unit.id).where(unit_ok)) | model.person_id.in_(select(Person.id).where(person_ok)))
            .order_by(model.created_at.desc()).limit(limit))
        result.extend(db.session.scalars(query))
    result.sort(key=lambda a: a.created_at, reverse=True)
    return result[:limit]


# --- classroom sessions ---------------------------------------------------------------------

def create_session(actor, *, module_code: str, unit_id, held_on: dt.date | None, instructor: str, location: str,
                   notes: str = "", today: dt.date | None = None) -> ClassroomSession:
    try:
        unit = scoping.get_scoped(actor, "unit", unit_id, "training.record")
    except NotFound:
        raise NotFound(_("The session was not recorded."), errors=[("unit_id", _("No such unit in your scope."))])
    module = get_module(module_code)
    errors = []
    if held_on is None or held_on > (today or today_for(actor)):
        errors.append(("held_on", _("Record a session on or after the day it was held (the date cannot be in the "
                                    "future).")))
    if not (instructor or "").strip():
        errors.append(("instructor", _("Name the instructor.")))
    if not (location or "").strip():
        errors.append(("location", _("Give the location.")))
    if errors:
        raise Invalid(_("The session was not recorded."), errors=errors)
    session = ClassroomSession(module_id=module.id, unit_id=unit.id, held_on=held_on, instructor=instructor.strip(),
                               location=location.strip(), notes=(notes or "").strip(),
                               recorded_by_id=getattr(actor, "id", None))
    db.session.add(session)
    db.session.flush()
    record_event(actor, "session.create", session, after={
        "module": f"{module.code} {module.version}", "unit_id": unit.id, "held_on": held_on.isoformat(),
        "instructor": session.instructor, "location": session.location})
    return session


RESULTS = ("passed", "failed", "absent")


def record_attendance(actor, session_id, rows: list[dict], common_evidence: str = "") -> list[SessionAttendance]:
    """Attendance and results for many people at once: rows of {person_id, result, score, evidence}.
    Everything is checked first; nothing is written if any row is wrong."""
    session = scoping.get_scoped(actor, "session", session_id, "training.record")
    people_ok = {p.id: p for p in db.session.scalars(
        select(Person).where(Person.unit_id.in_(select(Unit.id).where(Unit.path.startswith(session.unit.path))),
                             scoping.scope_condition(actor, "person", "training.record")))}
    already = set(db.session.scalars(select(SessionAttendance.person_id).where(SessionAttendance.session_id == session.id)))
    errors, clean = [], []
    for row in rows:
        entry, error = _attendance_row(row, people_ok, already, session.unit.code, common_evidence)
        if error is not None:
            errors.append(("rows", error))
            continue
        already.add(entry[0].id)
        clean.append(entry)
    if not clean and not errors:
        errors.append(("rows", _("Select at least one person.")))
    if errors:
        raise Invalid(_("Nothing was recorded. Correct these rows and submit again."), errors=errors)
    recorded = []
    for person, result, score, evidence in clean:
        completion = None
        if result == "passed":
            completion = record_completion(actor, person, session.module, method=Method.CLASSROOM,
                                           completed_on=session.held_on, score=score, evidence=evidence,
                                           session_id=session.id)
        entry = SessionAttendance(session_id=session.id, person_id=person.id, result=result, score=score,
                                  evidence=evidence, completion_id=completion.id if completion else None,
                                  recorded_by_id=getattr(actor, "id", None))
        db.session.add(entry)
        recorded.append(entry)
    db.session.flush()
    record_event(actor, "session.attendance", session, after={
        "rows": [{"person_id": p.id, "result": r, "score": s} for p, r, s, _ in clean]}, checkpoint=True)
    return recorded


def _attendance_row(row: dict, people: dict[int, Person], already: set[int], unit_code: str,
                    common_evidence: str) -> tuple[tuple | None, str | None]:
    """One row of a session's attendance, checked: ((person, result, score, evidence), None), or (None, what is
    wrong with it). `people`: those the officer may record in the session's unit; `already`: those recorded."""
    try:
        person_id = int(row.get("person_id"))
    except (TypeError, ValueError):
        return None, _("A row names no valid person.")
    person = people.get(person_id)
    if person is None:
        return None, _("Person %(id)s is not in %(unit)s or not in your scope.", id=person_id, unit=unit_code)
    name = person.full_name_latin
    result = row.get("result")
    if result not in RESULTS:
        return None, _("%(name)s: choose passed, failed or absent.", name=name)
    if person_id in already:
        return None, _("%(name)s is already recorded for this session; records are never changed.", name=name)
    score = row.get("score")
    if score in (None, ""):
        score = None
    else:
        try:
            score = int(score)
            if not 0 <= score <= 100:
                raise ValueError
        except (TypeError, ValueError):
            return None, _("%(name)s: a score is a whole number from 0 to 100.", name=name)
    evidence = (row.get("evidence") or "").strip() or (common_evidence or "").strip()
    if result == "passed" and not evidence:
        return None, _("%(name)s: a pass needs an evidence note (e.g. the attendance sheet reference "
                       "or the practical test result).", name=name)
    return (person, result, score, evidence), None


def list_sessions(actor, limit: int = 100) -> list[ClassroomSession]:
    return list(db.session.scalars(
        select(ClassroomSession).where(scoping.scope_condition(actor, "session", "training.record"))
        .order_by(ClassroomSession.held_on.desc(), ClassroomSession.id.desc()).limit(limit)))


SESSION_ROWS = 500


def session_candidates(actor, session: ClassroomSession, limit: int = SESSION_ROWS) -> list[Person]:
    """Active people of the session's unit (and sub-units) in scope who have no record for it yet."""
    recorded = select(SessionAttendance.person_id).where(SessionAttendance.session_id == session.id)
    return list(db.session.scalars(
        select(Person).where(Person.unit_id.in_(select(Unit.id).where(Unit.path.startswith(session.unit.path))),
                             Person.status == "active", Person.id.not_in(recorded),
                             scoping.scope_condition(actor, "person", "training.record"))
        .order_by(Person.family_name_latin, Person.given_names_latin, Person.id).limit(limit)))


def person_history(actor, person_id) -> tuple[Person, list[Completion]]:
    person = scoping.get_scoped(actor, "person", person_id, "training.view_person")
    rows = list(db.session.scalars(select(Completion).where(Completion.person_id == person.id)
                                   .order_by(Completion.module_code, Completion.id.desc())))
    return person, rows


def get_session(actor, session_id) -> ClassroomSession:
    return scoping.get_scoped(actor, "session", session_id, "training.record")


def get_unit_for_reports(actor, unit_id):
    """A unit the actor may see training reports for (the matrix, the attention lists)."""
    return scoping.get_scoped(actor, "unit", unit_id, "training.view")


def get_person_or_404(actor, person_id, roles="training.record") -> Person:
    try:
        return scoping.get_scoped(actor, "person", person_id, roles)
    except NotFound:
        raise NotFound(_("There is no such person in your scope."))
