"""Who takes part in an exercise: nominations by each nation, the lead's decision, withdrawal, and which
participants each actor may see."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select

from trainer.audit.services import record_event
from trainer.auth import scoping
from trainer.db import utcnow
from trainer.errors import Conflict, Forbidden, Invalid, NotFound
from trainer.auth.policy import parts_with
from trainer.exercises import access, notices
from trainer.exercises.conflicts import blocking_bookings, prerequisite_gaps
from trainer.exercises.ids import id_or_not_found
from trainer.exercises.models import (
    ACTIVE_PARTICIPANT_STATUSES, Exercise, ExerciseStatus, Participant, ParticipantRole, ParticipantStatus,
)
from trainer.exercises.services import require_planner
from trainer.exercises.statuses import FINISHED
from trainer.extensions import db
from trainer.org.models import Person
from trainer.org.names import fold

MAX_REASON = 500
NOMINATION_STATUSES = {ExerciseStatus.DRAFT, ExerciseStatus.PLANNING, ExerciseStatus.APPROVED, ExerciseStatus.POSTPONED}


def _participant_of_person(ex: Exercise, person_id: int) -> Participant | None:
    return db.session.scalar(select(Participant).where(Participant.exercise_id == ex.id,
                                                       Participant.person_id == person_id))


def require_roster_open(ex: Exercise) -> None:
    """The participants of a finished exercise are its record (the published report counts them)."""
    if ex.status_enum in FINISHED:
        raise Invalid(_("The participants of an exercise that is %(status)s are its record and no longer change.",
                        status=ex.status_enum.label))


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
        raise Invalid(_("%(nation)s does not take part in %(code)s.", nation=person.nation_code, code=ex.code),
                      errors=[("person_id", _("Nation not taking part."))])
    if person.nation_code not in access.nominating_nations(actor, ex):
        raise Forbidden(_("Only a training officer of %(nation)s may nominate its personnel.", nation=person.nation_code))
    if person.status != "active":
        raise Invalid(_("This person has left service and cannot be nominated."),
                      errors=[("person_id", _("Left service."))])
    return person


def nominate_participant(actor, ex: Exercise, *, person_id, role: str) -> Participant:
    if not person_id:
        raise Invalid(_("Choose the person to nominate."), errors=[("person_id", _("Choose a person."))])
    if ex.status_enum not in NOMINATION_STATUSES:
        raise Invalid(_("Nominations are closed: the exercise is %(status)s.", status=ex.status_enum.label))
    if role not in {r.value for r in ParticipantRole}:
        raise Invalid(_("Choose a role from the list."), errors=[("role", _("Unknown role."))])
    person = _nominee(actor, ex, person_id)
    participant = _participant_of_person(ex, person.id)
    if participant is not None and participant.status in ACTIVE_PARTICIPANT_STATUSES:
        raise Conflict(_("%(name)s is already taking part in %(code)s (%(role)s, %(status)s).",
                         name=person.full_name_latin, code=ex.code, role=participant.role_enum.label.lower(),
                         status=participant.status_enum.label.lower()))
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
    notices.tell_nominated(ex, participant)
    return participant


def _check_no_double_booking(actor, ex: Exercise, participant: Participant) -> None:
    clashes = blocking_bookings(actor, ex, participant.person_id)
    if clashes:
        raise Conflict(_("%(name)s cannot be confirmed: already confirmed in an overlapping exercise (%(where)s).",
                         name=participant.person.full_name_latin, where="; ".join(clashes)))


def missing_prerequisites(ex: Exercise, participant: Participant) -> list[str]:
    """The prerequisite modules a player lacks on the exercise's first day (nothing for other parts)."""
    if participant.role not in parts_with("exercise.play"):
        return []
    return (prerequisite_gaps(ex) or {}).get(participant.id, [])


@dataclass
class Decision:
    """What the lead nation sees before deciding on a nomination: who, what they lack, what blocks them."""
    participant: Participant
    missing: list[str]            # prerequisite modules the player lacks: confirming needs a reason
    blocking: list[str]           # overlapping exercises they are confirmed in: confirming is refused


def get_decision(actor, ex: Exercise, participant_id) -> Decision:
    require_planner(actor, ex, "nominations")
    participant = _participant(ex, participant_id)
    return Decision(participant, missing_prerequisites(ex, participant),
                    blocking_bookings(actor, ex, participant.person_id))


def _override_reason(participant: Participant, missing: list[str], reason: str | None) -> str:
    """The reason for confirming a player who lacks prerequisites: required, and kept in the audit log."""
    reason = (reason or "").strip()
    if missing and not reason:
        raise Invalid(_("%(name)s lacks %(modules)s. Say why you confirm them anyway, or decline the nomination.",
                        name=participant.person.full_name_latin, modules=", ".join(missing)),
                      errors=[("reason", _("Give the reason for confirming without the prerequisites."))])
    if len(reason) > MAX_REASON:
        raise Invalid(_("The reason is too long."),
                      errors=[("reason", _("At most %(num)d characters.", num=MAX_REASON))])
    return reason


def decide_participant(actor, ex: Exercise, participant_id, decision: str, *, reason: str | None = None) -> Participant:
    """The lead nation confirms or declines a nomination. A double booking blocks confirmation; a player
    lacking prerequisite modules is confirmed only with a reason, recorded with the decision."""
    require_planner(actor, ex, "nominations")
    participant = _participant(ex, participant_id)
    require_roster_open(ex)
    if decision not in ("confirm", "decline"):
        raise Invalid(_("Choose confirm or decline."))
    if participant.status != ParticipantStatus.NOMINATED.value:
        raise Invalid(_("Only a nomination can be confirmed or declined; this one is %(status)s.",
                        status=participant.status_enum.label.lower()))
    if ex.status_enum not in NOMINATION_STATUSES and decision == "confirm":
        raise Invalid(_("Nominations are closed: the exercise is %(status)s.", status=ex.status_enum.label))
    context = {}
    if decision == "confirm":
        _check_no_double_booking(actor, ex, participant)
        missing = missing_prerequisites(ex, participant)
        reason = _override_reason(participant, missing, reason)
        if missing:
            context = {"missing_prerequisites": missing, "reason": reason}
    elif (reason or "").strip():
        context = {"reason": (reason or "").strip()[:MAX_REASON]}
    before = participant.status
    participant.status = ParticipantStatus.CONFIRMED.value if decision == "confirm" else ParticipantStatus.DECLINED.value
    participant.decided_by_id = getattr(actor, "id", None)
    participant.decided_at = utcnow()
    db.session.flush()
    record_event(actor, f"exercise.participant.{decision}", participant, exercise=ex.code,
                 before={"status": before}, after={"status": participant.status}, **context)
    db.session.flush()
    (notices.tell_confirmed if decision == "confirm" else notices.tell_declined)(ex, participant)
    return participant


def may_withdraw(actor, ex: Exercise, participant: Participant) -> bool:
    """The lead nation withdraws anyone; a nation withdraws its own."""
    return access.is_planner(actor, ex) or participant.nation_code in access.nominating_nations(actor, ex)


def withdraw_participant(actor, ex: Exercise, participant_id) -> Participant:
    participant = _participant(ex, participant_id)
    if not may_withdraw(actor, ex, participant):
        raise NotFound()
    require_roster_open(ex)
    if participant.status not in ACTIVE_PARTICIPANT_STATUSES:
        raise Invalid(_("Only a nominated or confirmed participant can be withdrawn."))
    before = participant.status
    participant.status = ParticipantStatus.WITHDRAWN.value
    participant.decided_by_id = getattr(actor, "id", None)
    participant.decided_at = utcnow()
    db.session.flush()
    record_event(actor, "exercise.participant.withdraw", participant, exercise=ex.code,
                 before={"status": before}, after={"status": participant.status})
    db.session.flush()
    notices.tell_withdrawn(ex, participant)
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
