"""Who takes part in an exercise: nominations by each nation, the lead's decision, withdrawal, and which
participants each actor may see."""
from __future__ import annotations

from sqlalchemy import exists, func, or_, select

from trainer.audit.services import record_event
from trainer.auth import scoping
from trainer.db import utcnow
from trainer.errors import Conflict, Forbidden, Invalid, NotFound
from trainer.exercises import access
from trainer.exercises.conflicts import blocking_bookings
from trainer.exercises.ids import id_or_not_found
from trainer.exercises.models import (
    ACTIVE_PARTICIPANT_STATUSES, Exercise, ExerciseStatus, Participant, ParticipantRole, ParticipantStatus,
)
from trainer.exercises.services import require_planner
from trainer.extensions import db
from trainer.org.models import Person
from trainer.org.names import fold

NOMINATION_STATUSES = {ExerciseStatus.DRAFT, ExerciseStatus.PLANNING, ExerciseStatus.APPROVED, ExerciseStatus.POSTPONED}


def _participant_of_person(ex: Exercise, person_id: int) -> Participant | None:
    return db.session.scalar(select(Participant).where(Participant.exercise_id == ex.id,
                                                       Participant.person_id == person_id))


def _participant(ex: Exercise, participant_id) -> Participant:
    participant = db.session.scalar(select(Participant).where(Participant.id == id_or_not_found(participant_id),
                                                              Participant.exercise_id == ex.id))
    if participant is None:
        raise NotFound()
    return participant


# --- nominations ----------------------------------------------------------------------------

def _nominee(actor, ex: Exercise, person_id) -> Person:
    """The person to nominate: active, in the actor's own personnel scope, of a nation taking part that
    the actor nominates for."""
    # Each nation nominates its own: the person must be in the actor's own personnel scope.
    person = scoping.get_scoped(actor, "person", person_id, "training.record")
    if person.nation_code not in ex.nation_codes:
        raise Invalid(f"{person.nation_code} does not take part in {ex.code}.", errors=[("person_id", "Nation not taking part.")])
    if person.nation_code not in access.nominating_nations(actor, ex):
        raise Forbidden(f"Only a training officer of {person.nation_code} may nominate its personnel.")
    if person.status != "active":
        raise Invalid("This person has left service and cannot be nominated.", errors=[("person_id", "Left service.")])
    return person


def nominate_participant(actor, ex: Exercise, *, person_id, role: str) -> Participant:
    if not person_id:
        raise Invalid("Choose the person to nominate.", errors=[("person_id", "Choose a person.")])
    if ex.status_enum not in NOMINATION_STATUSES:
        raise Invalid(f"Nominations are closed: the exercise is {ex.status_enum.label}.")
    if role not in {r.value for r in ParticipantRole}:
        raise Invalid("Choose a role from the list.", errors=[("role", "Unknown role.")])
    person = _nominee(actor, ex, person_id)
    participant = _participant_of_person(ex, person.id)
    if participant is not None and participant.status in ACTIVE_PARTICIPANT_STATUSES:
        raise Conflict(f"{person.full_name_latin} is already {participant.status_enum.label.lower()} "
                       f"as {participant.role_enum.label.lower()} in {ex.code}.")
    if participant is None:  # a declined or withdrawn participant is nominated again in the same row
        participant = Participant(exercise_id=ex.id, person_id=person.id, nation_code=person.nation_code)
        db.session.add(participant)
    participant.unit_id = person.unit_id
    participant.role = role
    participant.status = ParticipantStatus.NOMINATED.value
    participant.nominated_by_id = getattr(actor, "id", None)
    participant.nominated_at = utcnow()
    participant.decided_by_id = None
    participant.decided_at = None
    db.session.flush()
    record_event(actor, "exercise.participant.nominate", participant, exercise=ex.code,
                 after={"person": person.id, "nation": person.nation_code, "role": role})
    db.session.flush()
    return participant


def _check_no_double_booking(actor, ex: Exercise, participant: Participant) -> None:
    clashes = blocking_bookings(actor, ex, participant.person_id)
    if clashes:
        raise Conflict(f"{participant.person.full_name_latin} cannot be confirmed: already confirmed in an "
                       f"overlapping exercise ({'; '.join(clashes)}).")


def decide_participant(actor, ex: Exercise, participant_id, decision: str) -> Participant:
    """The lead nation confirms or declines a nomination. A double booking blocks confirmation."""
    require_planner(actor, ex, "confirm or decline nominations")
    participant = _participant(ex, participant_id)
    if decision not in ("confirm", "decline"):
        raise Invalid("Choose confirm or decline.")
    if participant.status != ParticipantStatus.NOMINATED.value:
        raise Invalid(f"Only a nomination can be confirmed or declined; this one is {participant.status_enum.label.lower()}.")
    if ex.status_enum not in NOMINATION_STATUSES and decision == "confirm":
        raise Invalid(f"Nominations are closed: the exercise is {ex.status_enum.label}.")
    if decision == "confirm":
        _check_no_double_booking(actor, ex, participant)
    before = participant.status
    participant.status = ParticipantStatus.CONFIRMED.value if decision == "confirm" else ParticipantStatus.DECLINED.value
    participant.decided_by_id = getattr(actor, "id", None)
    participant.decided_at = utcnow()
    db.session.flush()
    record_event(actor, f"exercise.participant.{decision}", participant, exercise=ex.code,
                 before={"status": before}, after={"status": participant.status})
    db.session.flush()
    return participant


def may_withdraw(actor, ex: Exercise, participant: Participant) -> bool:
    """The lead nation withdraws anyone; a nation withdraws its own."""
    return access.is_planner(actor, ex) or participant.nation_code in access.nominating_nations(actor, ex)


def withdraw_participant(actor, ex: Exercise, participant_id) -> Participant:
    participant = _participant(ex, participant_id)
    if not may_withdraw(actor, ex, participant):
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


# --- reads ----------------------------------------------------------------------------------

def _own_nations(actor, ex: Exercise) -> set[str]:
    """Nations whose nominations the actor sees even before they are confirmed."""
    return access.nations_granted(actor, "exercise.record") | access.nominating_nations(actor, ex)


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


def nominable_people(actor, ex: Exercise, q: str | None = None, limit: int = 50) -> list[Person]:
    """People of the actor's own participating nation(s), in their personnel scope, not yet taking part."""
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
