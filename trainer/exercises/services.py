"""Writes and reads for exercises, objectives, milestones, participants and evaluator assignments.

Services take the acting user, check scope and role, raise domain errors, audit, and flush.
"""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm.exc import StaleDataError

from trainer.auth.policy import parts_with
from trainer.audit.services import record_event
from trainer.auth import scoping
from trainer.db import utcnow
from trainer.enums import MILITARY_ALIASES, ExerciseType, Role
from trainer.errors import Conflict, Forbidden, Invalid, NotFound
from trainer.exercises import access, workflow
from trainer.exercises.models import (
    ACTIVE_PARTICIPANT_STATUSES, EvaluatorAssignment, Exercise, ExerciseNation, ExerciseStatus,
    ExerciseUnit, Milestone, MilestoneKind, Objective, Participant, ParticipantRole, ParticipantStatus,
)
from trainer.exercises.timeutil import LocalTimeError, get_zone, local_to_utc, parse_local
from trainer.extensions import db
from trainer.org.models import Nation, Person, Unit

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,39}$")
MODULE_CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{0,9}-[A-Z0-9]{1,6}$")
EDITABLE_STATUSES = {ExerciseStatus.DRAFT, ExerciseStatus.PLANNING, ExerciseStatus.APPROVED, ExerciseStatus.POSTPONED}
NOMINATION_STATUSES = EDITABLE_STATUSES
MAX_DURATION = dt.timedelta(days=120)
EXERCISE_FIELDS = ("code", "title", "type", "military_name", "scenario_summary", "lead_nation_code", "location_name",
                   "timezone", "start_at", "end_at", "prerequisite_modules")


# --- reads used by other domains ------------------------------------------------------------

def get_exercise(actor, exercise_id) -> Exercise:
    """The exercise if the actor reaches it; NotFound otherwise (out of scope looks like absent)."""
    return scoping.get_scoped(actor, "exercise", exercise_id, "anything")


def confirmed_players(exercise_id: int) -> list[Participant]:
    return list(db.session.scalars(select(Participant).where(
        Participant.exercise_id == exercise_id, Participant.role == ParticipantRole.PLAYER.value,
        Participant.status == ParticipantStatus.CONFIRMED.value).order_by(Participant.nation_code, Participant.id)))


def participant_for(exercise_id: int, person_id: int) -> Participant | None:
    return db.session.scalar(select(Participant).where(Participant.exercise_id == exercise_id,
                                                       Participant.person_id == person_id))


def is_confirmed_evaluator(exercise_id: int, person_id: int | None, lead_only: bool = False) -> bool:
    if not person_id:
        return False
    roles = parts_with("exercise.lead_evaluation" if lead_only else "exercise.evaluate")
    return db.session.scalar(select(func.count()).select_from(Participant).where(
        Participant.exercise_id == exercise_id, Participant.person_id == person_id,
        Participant.status == ParticipantStatus.CONFIRMED.value, Participant.role.in_(roles))) > 0


def list_exercises(actor, *, nation: str | None = None, type_: str | None = None, status: str | None = None,
                   start: dt.datetime | None = None, end: dt.datetime | None = None):
    """A query for the exercises the actor reaches, filtered; ordered by start."""
    query = select(Exercise).where(scoping.scope_condition(actor, "exercise", "anything"))
    if nation:
        query = query.where(Exercise.id.in_(select(ExerciseNation.exercise_id).where(
            ExerciseNation.nation_code == nation.upper())))
    if type_:
        query = query.where(Exercise.type == type_)
    if status:
        query = query.where(Exercise.status == status)
    if start is not None:
        query = query.where(Exercise.end_at > start)
    if end is not None:
        query = query.where(Exercise.start_at < end)
    return query.order_by(Exercise.start_at, Exercise.id)


# --- modules (read from the curricula domain when it is there) -------------------------------

def known_module_codes() -> set[str] | None:
    """Module codes in the catalogue, or None when there is no catalogue to check against."""
    table = db.metadata.tables.get("modules")
    if table is None:
        return None
    codes = set(db.session.scalars(select(table.c.code).distinct()))
    return codes or None


def _check_module_codes(codes: list[str], field: str, errors: list) -> None:
    known = known_module_codes()
    for code in codes:
        if not MODULE_CODE_RE.match(code):
            errors.append((field, f"{code!r} is not a module code (for example HR-01)."))
        elif known is not None and code not in known:
            errors.append((field, f"There is no module {code} in the curricula."))


# --- exercises ------------------------------------------------------------------------------

def _snapshot(ex: Exercise) -> dict:
    data = {f: getattr(ex, f) for f in EXERCISE_FIELDS}
    data["start_at"] = ex.start_at.isoformat() if ex.start_at else None
    data["end_at"] = ex.end_at.isoformat() if ex.end_at else None
    data["nations"] = sorted(ex.nation_codes)
    data["units"] = sorted(u.unit_id for u in ex.units)
    return data


def _clean_values(values: dict, *, existing: Exercise | None) -> tuple[dict, list[str], list[int]]:
    errors: list[tuple[str, str]] = []
    code = (values.get("code") or "").strip().upper()
    if not CODE_RE.match(code):
        errors.append(("code", "A code of 2 to 40 letters, digits, '-' or '_' is required (for example SHIELD-27)."))
    title = (values.get("title") or "").strip()
    if not title or len(title) > 200:
        errors.append(("title", "A title of 1 to 200 characters is required."))
    military = (values.get("military_name") or "").strip().upper() or None
    type_ = values.get("type") or ""
    if military and military not in MILITARY_ALIASES:
        errors.append(("military_name", "Choose CPX, FTX or LIVEX, or leave empty."))
        military = None
    if military and not type_:
        type_ = MILITARY_ALIASES[military].value
    if type_ not in {t.value for t in ExerciseType}:
        errors.append(("type", "Choose an exercise type from the list."))
    elif military and MILITARY_ALIASES[military].value != type_:
        errors.append(("military_name", f"{military} is a {MILITARY_ALIASES[military].label}; "
                                        f"it does not fit a {ExerciseType(type_).label}."))
    lead = (values.get("lead_nation_code") or "").strip().upper()
    nations = {n.strip().upper() for n in values.get("nation_codes") or [] if n and n.strip()}
    if lead:
        nations.add(lead)
    found = set(db.session.scalars(select(Nation.code).where(Nation.code.in_(nations)))) if nations else set()
    if not lead or lead not in found:
        errors.append(("lead_nation_code", "Choose the lead nation."))
    unknown = sorted(nations - found - {lead})
    if unknown:
        errors.append(("nation_codes", f"Unknown nation codes: {', '.join(unknown)}."))
    unit_ids = []
    for raw in values.get("unit_ids") or []:
        try:
            unit_ids.append(int(raw))
        except (TypeError, ValueError):
            errors.append(("unit_ids", "Choose units from the list."))
    if unit_ids:
        units = db.session.execute(select(Unit.id, Unit.code, Unit.nation_code).where(Unit.id.in_(unit_ids))).all()
        if len(units) != len(set(unit_ids)):
            errors.append(("unit_ids", "Choose units from the list."))
        for unit in units:
            if unit.nation_code not in nations:
                errors.append(("unit_ids", f"Unit {unit.code} belongs to {unit.nation_code}, which does not take part."))
    zone = (values.get("timezone") or "").strip()
    start_at = end_at = None
    try:
        get_zone(zone)
    except LocalTimeError as exc:
        errors.append(("timezone", str(exc)))
        zone = None
    fold = values.get("fold")
    fold = int(fold) if fold in (0, 1, "0", "1") else None
    for name in ("start", "end"):
        raw = values.get(f"{name}_local")
        try:
            naive = raw if isinstance(raw, dt.datetime) else parse_local(raw or "")
            if zone:
                converted = local_to_utc(naive, zone, fold)
                if name == "start":
                    start_at = converted
                else:
                    end_at = converted
        except LocalTimeError as exc:
            errors.append((f"{name}_local", str(exc)))
    if start_at and end_at:
        if end_at <= start_at:
            errors.append(("end_local", "The end must be after the start."))
        elif end_at - start_at > MAX_DURATION:
            errors.append(("end_local", "An exercise may last at most 120 days."))
    prereqs = [c.strip().upper() for c in re.split(r"[,\s;]+", values.get("prerequisite_modules") or "") if c.strip()]
    prereqs = list(dict.fromkeys(prereqs))
    _check_module_codes(prereqs, "prerequisite_modules", errors)
    summary = (values.get("scenario_summary") or "").strip()
    if len(summary) > 10000:
        errors.append(("scenario_summary", "At most 10,000 characters."))
    location = (values.get("location_name") or "").strip()
    if len(location) > 200:
        errors.append(("location_name", "At most 200 characters."))
    if errors:
        raise Invalid("The exercise could not be saved.", errors=errors)
    if existing is None or existing.code != code:
        if db.session.scalar(select(func.count()).select_from(Exercise).where(Exercise.code == code)):
            raise Conflict(f"An exercise with code {code} already exists.", errors=[("code", "Already used.")])
    clean = {"code": code, "title": title, "type": type_, "military_name": military, "scenario_summary": summary,
             "lead_nation_code": lead, "location_name": location, "timezone": zone, "start_at": start_at,
             "end_at": end_at, "prerequisite_modules": ",".join(prereqs)}
    return clean, sorted(nations), sorted(set(unit_ids))


def _apply_membership(ex: Exercise, nations: list[str], unit_ids: list[int]) -> None:
    current = {n.nation_code: n for n in ex.nations}
    for code, row in current.items():
        if code not in nations:
            ex.nations.remove(row)
    for code in nations:
        if code not in current:
            ex.nations.append(ExerciseNation(nation_code=code))
    current_units = {u.unit_id: u for u in ex.units}
    for unit_id, row in current_units.items():
        if unit_id not in unit_ids:
            ex.units.remove(row)
    for unit_id in unit_ids:
        if unit_id not in current_units:
            ex.units.append(ExerciseUnit(unit_id=unit_id))


def create_exercise(actor, values: dict) -> Exercise:
    lead = (values.get("lead_nation_code") or "").strip().upper()
    if lead and not access.can_plan_for_nation(actor, lead):
        raise Forbidden(f"Only a training officer of {lead} (the lead nation) or of the mission may plan this exercise.",
                        errors=[("lead_nation_code", "You do not plan for this nation.")])
    clean, nations, unit_ids = _clean_values(values, existing=None)
    ex = Exercise(**clean, status=ExerciseStatus.DRAFT.value, created_by_id=getattr(actor, "id", None))
    _apply_membership(ex, nations, unit_ids)
    db.session.add(ex)
    db.session.flush()
    record_event(actor, "exercise.create", ex, after=_snapshot(ex))
    db.session.flush()
    return ex


def _check_version(ex: Exercise, expected_version) -> None:
    if expected_version in (None, ""):
        return
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise Invalid("The form is out of date. Reload the page and try again.")
    if ex.version != expected:
        raise Conflict("Someone else changed this exercise since you opened it. Reload it and apply your change again.")


def _flush_versioned() -> None:
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict("Someone else changed this exercise at the same time. Reload it and apply your change again.")


def update_exercise(actor, ex: Exercise, values: dict, *, expected_version=None) -> Exercise:
    if not access.is_planner(actor, ex):
        raise Forbidden("Only a training officer of the lead nation may change this exercise.")
    if ex.status_enum not in EDITABLE_STATUSES:
        raise Invalid(f"An exercise that is {ex.status_enum.label} can no longer be changed.")
    _check_version(ex, expected_version)
    new_lead = (values.get("lead_nation_code") or "").strip().upper()
    if new_lead and new_lead != ex.lead_nation_code and not access.can_plan_for_nation(actor, new_lead):
        raise Forbidden(f"You may not hand the lead to {new_lead}.", errors=[("lead_nation_code", "Not yours to give.")])
    clean, nations, unit_ids = _clean_values(values, existing=ex)
    participating = set(db.session.scalars(select(Participant.nation_code).where(
        Participant.exercise_id == ex.id, Participant.status.in_(ACTIVE_PARTICIPANT_STATUSES)).distinct()))
    dropped = sorted(participating - set(nations))
    if dropped:
        raise Invalid("The exercise could not be saved.", errors=[(
            "nation_codes", f"{', '.join(dropped)} still have nominated or confirmed participants; withdraw them first.")])
    before = _snapshot(ex)
    for key, value in clean.items():
        setattr(ex, key, value)
    _apply_membership(ex, nations, unit_ids)
    _flush_versioned()
    after = _snapshot(ex)
    changed = {k for k in after if before.get(k) != after.get(k)}
    if changed:
        record_event(actor, "exercise.update", ex, before={k: before[k] for k in changed},
                     after={k: after[k] for k in changed})
    db.session.flush()
    return ex


def transition_exercise(actor, ex: Exercise, target: str, *, expected_version=None) -> Exercise:
    reason = workflow.refusal(ex.status, target, access.actor_kinds(actor, ex))
    if reason:
        raise Forbidden(reason) if workflow.find(ex.status, target) else Invalid(reason)
    _check_version(ex, expected_version)
    if target == ExerciseStatus.APPROVED.value and not ex.objectives:
        raise Invalid("An exercise needs at least one objective before it can be approved.")
    if target == ExerciseStatus.APPROVED.value:
        from trainer.exercises.conflicts import blocking_conflicts_count

        blocking = blocking_conflicts_count(ex)
        if blocking:
            raise Invalid(f"{blocking} confirmed participant(s) are also confirmed in an overlapping exercise. "
                          "Resolve the double bookings (see Conflicts) before approval.")
    before = ex.status
    ex.status = target
    _flush_versioned()
    record_event(actor, "exercise.status", ex, before={"status": before}, after={"status": target})
    db.session.flush()
    return ex


# --- objectives -----------------------------------------------------------------------------

def require_planner(actor, ex: Exercise, what: str) -> None:
    if not access.is_planner(actor, ex):
        raise Forbidden(f"Only a training officer of the lead nation ({ex.lead_nation_code}) may {what}.")


def add_objective(actor, ex: Exercise, *, description: str, capability: str = "", module_code: str | None = None) -> Objective:
    require_planner(actor, ex, "change the objectives")
    if ex.status_enum not in EDITABLE_STATUSES:
        raise Invalid(f"Objectives cannot change once the exercise is {ex.status_enum.label}.")
    errors = []
    description = (description or "").strip()
    if not description or len(description) > 2000:
        errors.append(("description", "A description of 1 to 2,000 characters is required."))
    capability = (capability or "").strip()
    if len(capability) > 200:
        errors.append(("capability", "At most 200 characters."))
    module_code = (module_code or "").strip().upper() or None
    if module_code:
        _check_module_codes([module_code], "module_code", errors)
    if not capability and not module_code:
        errors.append(("capability", "Name the capability or the module this objective exercises."))
    if errors:
        raise Invalid("The objective could not be saved.", errors=errors)
    number = (db.session.scalar(select(func.max(Objective.number)).where(Objective.exercise_id == ex.id)) or 0) + 1
    objective = Objective(exercise_id=ex.id, number=number, description=description, capability=capability,
                          module_code=module_code, rating_scale="HSEEP")
    db.session.add(objective)
    db.session.flush()
    record_event(actor, "exercise.objective.add", objective, exercise=ex.code,
                 after={"number": number, "description": description, "capability": capability, "module": module_code})
    db.session.flush()
    return objective


def remove_objective(actor, ex: Exercise, objective_id) -> None:
    require_planner(actor, ex, "change the objectives")
    if ex.status_enum not in (ExerciseStatus.DRAFT, ExerciseStatus.PLANNING):
        raise Invalid("Objectives can be removed only while the exercise is in draft or planning.")
    objective = db.session.scalar(select(Objective).where(Objective.id == _int(objective_id), Objective.exercise_id == ex.id))
    if objective is None:
        raise NotFound()
    record_event(actor, "exercise.objective.remove", objective, exercise=ex.code,
                 before={"number": objective.number, "description": objective.description})
    db.session.delete(objective)
    db.session.flush()


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound()


def _maybe_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- milestones -----------------------------------------------------------------------------

def set_milestones(actor, ex: Exercise, dates: dict[str, dt.date | None]) -> list[Milestone]:
    """Set the planning meetings' dates; they must come in HSEEP order and before the exercise starts."""
    require_planner(actor, ex, "plan the meetings")
    errors = []
    start_local = ex.start_at.astimezone(get_zone(ex.timezone)).date()
    previous: tuple[MilestoneKind, dt.date] | None = None
    for kind in MilestoneKind:
        when = dates.get(kind.value)
        if when is None:
            continue
        if previous and when < previous[1]:
            errors.append((kind.value, f"{kind.label} must not come before the {previous[0].label.lower()} "
                                       f"({previous[1].strftime('%d %b %Y')})."))
        if when > start_local:
            errors.append((kind.value, f"{kind.label} must be held before the exercise starts "
                                       f"({start_local.strftime('%d %b %Y')})."))
        previous = (kind, when)
    if errors:
        raise Invalid("The planning milestones are not in order.", errors=errors)
    existing = {m.kind: m for m in ex.milestones}
    before = {k: m.due_on.isoformat() for k, m in existing.items()}
    for kind in MilestoneKind:
        when = dates.get(kind.value)
        row = existing.get(kind.value)
        if when is None and row is not None:
            ex.milestones.remove(row)
        elif when is not None and row is None:
            ex.milestones.append(Milestone(kind=kind.value, due_on=when))
        elif when is not None:
            row.due_on = when
    db.session.flush()
    after = {m.kind: m.due_on.isoformat() for m in ex.milestones}
    if before != after:
        record_event(actor, "exercise.milestones", ex, before=before, after=after)
    db.session.flush()
    return sorted(ex.milestones, key=lambda m: m.kind_enum.order)


def mark_milestone(actor, ex: Exercise, kind, done) -> Milestone:
    """Record that a planning meeting was held (or was not, after all)."""
    require_planner(actor, ex, "record the planning meetings")
    try:
        kind_enum = MilestoneKind(kind)
    except ValueError:
        raise Invalid("Choose one of the planning milestones.", errors=[("kind", "Unknown planning milestone.")])
    row = next((m for m in ex.milestones if m.kind == kind_enum.value), None)
    if row is None:
        raise Invalid(f"{kind_enum.label} has no date yet: schedule it before marking it held.")
    done = str(done).lower() in ("1", "true", "yes", "on")
    today_local = dt.datetime.now(dt.timezone.utc).astimezone(get_zone(ex.timezone)).date()
    if done and row.due_on > today_local:
        raise Invalid(f"{kind_enum.label} is scheduled for {row.due_on.strftime('%d %b %Y')}: it cannot have been "
                      "held yet. If it was held earlier, change its date first.")
    if row.done == done:
        return row
    before = {"kind": row.kind, "done": row.done}
    row.done = done
    db.session.flush()
    record_event(actor, "exercise.milestone_held" if done else "exercise.milestone_reopened", ex,
                 before=before, after={"kind": row.kind, "done": done})
    db.session.flush()
    return row


# --- participants ---------------------------------------------------------------------------

def nominate_participant(actor, ex: Exercise, *, person_id, role: str) -> Participant:
    if ex.status_enum not in NOMINATION_STATUSES:
        raise Invalid(f"Nominations are closed: the exercise is {ex.status_enum.label}.")
    if role not in {r.value for r in ParticipantRole}:
        raise Invalid("Choose a role from the list.", errors=[("role", "Unknown role.")])
    # Each nation nominates its own: the person must be in the actor's own personnel scope.
    person = scoping.get_scoped(actor, "person", person_id, "training.record")
    if person.nation_code not in ex.nation_codes:
        raise Invalid(f"{person.nation_code} does not take part in {ex.code}.", errors=[("person_id", "Nation not taking part.")])
    if person.nation_code not in access.nominating_nations(actor, ex):
        raise Forbidden(f"Only a training officer of {person.nation_code} may nominate its personnel.")
    if person.status != "active":
        raise Invalid("This person has left service and cannot be nominated.", errors=[("person_id", "Left service.")])
    participant = participant_for(ex.id, person.id)
    if participant is not None and participant.status in ACTIVE_PARTICIPANT_STATUSES:
        raise Conflict(f"{person.full_name_latin} is already {participant.status_enum.label.lower()} "
                       f"as {participant.role_enum.label.lower()} in {ex.code}.")
    now = utcnow()
    if participant is None:
        participant = Participant(exercise_id=ex.id, person_id=person.id, nation_code=person.nation_code)
        db.session.add(participant)
    participant.unit_id = person.unit_id
    participant.role = role
    participant.status = ParticipantStatus.NOMINATED.value
    participant.nominated_by_id = getattr(actor, "id", None)
    participant.nominated_at = now
    participant.decided_by_id = None
    participant.decided_at = None
    db.session.flush()
    record_event(actor, "exercise.participant.nominate", participant, exercise=ex.code,
                 after={"person": person.id, "nation": person.nation_code, "role": role})
    db.session.flush()
    return participant


def get_participant(ex: Exercise, participant_id) -> Participant:
    participant = db.session.scalar(select(Participant).where(Participant.id == _int(participant_id),
                                                              Participant.exercise_id == ex.id))
    if participant is None:
        raise NotFound()
    return participant


def decide_participant(actor, ex: Exercise, participant_id, decision: str) -> Participant:
    """The lead nation confirms or declines a nomination. A double booking blocks confirmation."""
    require_planner(actor, ex, "confirm or decline nominations")
    participant = get_participant(ex, participant_id)
    if decision not in ("confirm", "decline"):
        raise Invalid("Choose confirm or decline.")
    if participant.status != ParticipantStatus.NOMINATED.value:
        raise Invalid(f"Only a nomination can be confirmed or declined; this one is {participant.status_enum.label.lower()}.")
    if ex.status_enum not in NOMINATION_STATUSES and decision == "confirm":
        raise Invalid(f"Nominations are closed: the exercise is {ex.status_enum.label}.")
    if decision == "confirm":
        from trainer.exercises.conflicts import blocking_bookings

        clashes = blocking_bookings(actor, ex, participant.person_id)
        if clashes:
            where = "; ".join(clashes)
            raise Conflict(f"{participant.person.full_name_latin} cannot be confirmed: already confirmed in an "
                           f"overlapping exercise ({where}).")
    before = participant.status
    participant.status = ParticipantStatus.CONFIRMED.value if decision == "confirm" else ParticipantStatus.DECLINED.value
    participant.decided_by_id = getattr(actor, "id", None)
    participant.decided_at = utcnow()
    db.session.flush()
    record_event(actor, f"exercise.participant.{decision}", participant, exercise=ex.code,
                 before={"status": before}, after={"status": participant.status})
    db.session.flush()
    return participant


def withdraw_participant(actor, ex: Exercise, participant_id) -> Participant:
    participant = get_participant(ex, participant_id)
    if not (access.is_planner(actor, ex) or participant.nation_code in access.nominating_nations(actor, ex)):
        raise NotFound()
    if participant.status not in ACTIVE_PARTICIPANT_STATUSES:
        raise Invalid("Only a nominated or confirmed participant can be withdrawn.")
    before = participant.status
    participant.status = ParticipantStatus.WITHDRAWN.value
    participant.decided_by_id = getattr(actor, "id", None)
    participant.decided_at = utcnow()
    db.session.flush()
    record_event(actor, "exercise.participant.withdraw", participant, exercise=ex.code,
                 before={"status": before}, after={"status": participant.status})
    db.session.flush()
    return participant




def _own_nations(actor, ex: Exercise) -> set[str]:
    """Nations whose nominations the actor sees even before they are confirmed."""
    return access.nation_codes_of(actor, Role.TRAINING_OFFICER, Role.COMMANDER) | set(access.nominating_nations(actor, ex))


def visible_participants(actor, ex: Exercise) -> list[tuple[Participant, bool]]:
    """Participants the actor may see, each with whether the actor may see the personnel record.

    Planners see every nomination; a nation sees its own nominations; everyone else sees confirmed
    participants by name, rank and nation only.
    """
    rows = list(db.session.scalars(select(Participant).where(Participant.exercise_id == ex.id)
                                   .order_by(Participant.nation_code, Participant.role, Participant.id)))
    if not rows:
        return []
    record_ids = set(db.session.scalars(select(Person.id).where(
        Person.id.in_([p.person_id for p in rows]), scoping.scope_condition(actor, "person", "exercise.record"))))
    planner = access.is_planner(actor, ex)
    own_nations = _own_nations(actor, ex)
    out = []
    for p in rows:
        if planner or p.status == ParticipantStatus.CONFIRMED.value or p.nation_code in own_nations or p.person_id in record_ids:
            out.append((p, p.person_id in record_ids))
    return out


def count_visible_participants(actor, ex: Exercise) -> dict[str, int]:
    """How many of the participants `visible_participants` lists are in each status, counted in SQL
    rather than by loading every participant and their person."""
    query = (select(Participant.status, func.count()).where(Participant.exercise_id == ex.id)
             .group_by(Participant.status))
    if not access.is_planner(actor, ex):
        has_record = exists().where(Person.id == Participant.person_id,
                                    scoping.scope_condition(actor, "person", "exercise.record"))
        query = query.where(or_(Participant.status == ParticipantStatus.CONFIRMED.value,
                                Participant.nation_code.in_(sorted(_own_nations(actor, ex))), has_record))
    counts = {status.value: 0 for status in ParticipantStatus}
    counts.update(db.session.execute(query).all())
    return counts


# --- evaluator assignments ------------------------------------------------------------------

def assign_evaluator(actor, ex: Exercise, *, evaluator_id, objective_id, target_participant_id=None,
                     target_unit_id=None) -> EvaluatorAssignment:
    require_planner(actor, ex, "assign evaluators")
    errors = []
    evaluator = db.session.scalar(select(Participant).where(Participant.id == _maybe_int(evaluator_id),
                                                            Participant.exercise_id == ex.id))
    if evaluator is None or evaluator.role not in parts_with("exercise.evaluate") or evaluator.status not in ACTIVE_PARTICIPANT_STATUSES:
        errors.append(("evaluator_id", "Choose a nominated or confirmed evaluator of this exercise."))
    objective = db.session.scalar(select(Objective).where(Objective.id == _maybe_int(objective_id), Objective.exercise_id == ex.id))
    if objective is None:
        errors.append(("objective_id", "Choose an objective of this exercise."))
    target_participant = target_unit = None
    if target_participant_id and target_unit_id:
        errors.append(("target", "Choose a player or a unit, not both."))
    if target_participant_id:
        target_participant = db.session.scalar(select(Participant).where(
            Participant.id == _maybe_int(target_participant_id), Participant.exercise_id == ex.id))
        if target_participant is None or target_participant.role != ParticipantRole.PLAYER.value:
            errors.append(("target_participant_id", "Choose a player of this exercise."))
    if target_unit_id:
        target_unit = db.session.get(Unit, _maybe_int(target_unit_id) or 0)
        allowed = {u.unit_id for u in ex.units} | set(db.session.scalars(select(Participant.unit_id).where(
            Participant.exercise_id == ex.id, Participant.role == ParticipantRole.PLAYER.value)))
        if target_unit is None or target_unit.id not in allowed:
            errors.append(("target_unit_id", "Choose a unit taking part in this exercise."))
    if errors:
        raise Invalid("The evaluator could not be assigned.", errors=errors)
    duplicate = db.session.scalar(select(func.count()).select_from(EvaluatorAssignment).where(
        EvaluatorAssignment.participant_id == evaluator.id, EvaluatorAssignment.objective_id == objective.id,
        EvaluatorAssignment.target_participant_id.is_(None) if target_participant is None
        else EvaluatorAssignment.target_participant_id == target_participant.id,
        EvaluatorAssignment.target_unit_id.is_(None) if target_unit is None
        else EvaluatorAssignment.target_unit_id == target_unit.id))
    if duplicate:
        raise Conflict("This evaluator already has exactly this assignment.")
    assignment = EvaluatorAssignment(participant_id=evaluator.id, objective_id=objective.id,
                                     target_participant_id=target_participant.id if target_participant else None,
                                     target_unit_id=target_unit.id if target_unit else None)
    db.session.add(assignment)
    db.session.flush()
    record_event(actor, "exercise.evaluator.assign", assignment, exercise=ex.code,
                 after={"evaluator": evaluator.person_id, "objective": objective.number,
                        "player": target_participant.person_id if target_participant else None,
                        "unit": target_unit.id if target_unit else None})
    db.session.flush()
    return assignment


def remove_assignment(actor, ex: Exercise, assignment_id) -> None:
    require_planner(actor, ex, "assign evaluators")
    assignment = db.session.scalar(select(EvaluatorAssignment).join(
        Participant, Participant.id == EvaluatorAssignment.participant_id).where(
        EvaluatorAssignment.id == _int(assignment_id), Participant.exercise_id == ex.id))
    if assignment is None:
        raise NotFound()
    record_event(actor, "exercise.evaluator.unassign", assignment, exercise=ex.code,
                 before={"evaluator": assignment.participant_id, "objective": assignment.objective_id})
    db.session.delete(assignment)
    db.session.flush()


def list_assignments(ex: Exercise) -> list[EvaluatorAssignment]:
    return list(db.session.scalars(select(EvaluatorAssignment).join(
        Participant, Participant.id == EvaluatorAssignment.participant_id).where(Participant.exercise_id == ex.id)
        .order_by(EvaluatorAssignment.objective_id, EvaluatorAssignment.id)))


def nominable_people(actor, ex: Exercise, q: str | None = None, limit: int = 50) -> list[Person]:
    """People of the actor's own participating nation(s), in their personnel scope, not yet taking part."""
    from trainer.org.names import fold

    nations = access.nominating_nations(actor, ex)
    if not nations:
        return []
    taken = select(Participant.person_id).where(Participant.exercise_id == ex.id,
                                                Participant.status.in_(ACTIVE_PARTICIPANT_STATUSES))
    query = select(Person).where(scoping.scope_condition(actor, "person", "training.record"),
                                 Person.nation_code.in_(nations), Person.status == "active", Person.id.not_in(taken))
    for token in fold(q or "").split():
        query = query.where(Person.search_text.contains(token))
    return list(db.session.scalars(query.order_by(Person.family_name_latin, Person.given_names_latin).limit(limit)))
