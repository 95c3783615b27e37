"""Who may do what in the assessments of one exercise: evaluator, adjudicator, manager or player."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.sql.elements import ColumnElement

from trainer.assessments.rules import raise_invalid, row_id
from trainer.auth.policy import parts_with
from trainer.auth import scoping
from trainer.errors import Forbidden, NotFound
from trainer.exercises.models import (
    EvaluatorAssignment, Exercise, ExerciseUnit, Objective, Participant, ParticipantStatus,
)
from trainer.extensions import db
from trainer.org.models import Unit

CONFIRMED = ParticipantStatus.CONFIRMED.value
# Statuses in which observations, ratings and adjudications may be recorded.
RECORDING_STATUSES = ("in_conduct", "endex", "aar_draft")
PUBLISHED_STATUSES = ("aar_published", "closed")


@dataclass
class Capacity:
    exercise: Exercise
    me: Participant | None          # the actor's confirmed participation, if any
    manager: bool                   # holds assessment.manage over the exercise

    @property
    def evaluator(self) -> bool:
        return self.me is not None and self.me.role in parts_with("exercise.evaluate")

    @property
    def adjudicator(self) -> bool:
        return self.me is not None and self.me.role in parts_with("exercise.adjudicate")

    @property
    def published(self) -> bool:
        return self.exercise.status in PUBLISHED_STATUSES

    @property
    def recording_open(self) -> bool:
        return self.exercise.status in RECORDING_STATUSES

    @property
    def can_see_report(self) -> bool:
        """The AAR (adjudicated ratings, observations): managers and exercise staff at any time, players
        (and anyone else in scope) only once it is published."""
        staff = self.me is not None and self.me.role not in parts_with("exercise.play")
        return self.manager or staff or self.published

    @property
    def can_edit_report(self) -> bool:
        return self.manager or self.adjudicator


class NotStaff(NotFound):
    """The actor reaches the exercise but evaluates nothing in it (shown as a redirect with a message)."""

    def __init__(self, exercise_id: int):
        super().__init__(_("Only the exercise's evaluators, its lead evaluator and its exercise director use the "
                           "evaluation screens."))
        self.exercise_id = exercise_id


class ReportReadOnly(NotFound):
    """The actor reads the exercise's report but does not write it (a player, a controller, an evaluator
    who does not adjudicate): sent to the report with a message. Raised before a service writes anything."""

    def __init__(self, exercise_id: int, message: str):
        super().__init__(message)
        self.exercise_id = exercise_id


def require_report_editor(cap: Capacity, message: str) -> None:
    """NotFound when the actor does not see the report; ReportReadOnly when they see it but do not edit it."""
    if not cap.can_see_report:
        raise NotFound()
    if not cap.can_edit_report:
        raise ReportReadOnly(cap.exercise.id, message)


def report_readable(actor) -> ColumnElement[bool]:
    """A condition on Exercise, true where the actor reads the exercise's results, as `Capacity.can_see_report`
    says: managers in scope, the exercise's evaluating staff, its other staff in scope, and anyone in scope
    once the report is published."""
    managed = scoping.scope_condition(actor, "exercise", "assessment.manage")
    person_id = getattr(actor, "person_id", None)
    if person_id is None:
        return or_(managed, and_(scoping.scope_condition(actor, "exercise", "anything"),
                                 Exercise.status.in_(PUBLISHED_STATUSES)))
    parts = select(Participant.exercise_id).where(Participant.person_id == person_id,
                                                  Participant.status == CONFIRMED)
    evaluating = Exercise.id.in_(parts.where(Participant.role.in_(evaluation_parts())))
    staff = Exercise.id.in_(parts.where(Participant.role.not_in(parts_with("exercise.play"))))
    return or_(managed, evaluating, and_(scoping.scope_condition(actor, "exercise", "anything"),
                                         or_(staff, Exercise.status.in_(PUBLISHED_STATUSES))))


def evaluation_parts() -> tuple[str, ...]:
    """The parts that reach an exercise's evaluation screens through the part itself, whatever the
    account's grants."""
    return parts_with("exercise.evaluate") + parts_with("exercise.adjudicate")


def capacity_for(actor, exercise_id) -> Capacity:
    """The actor's capacity in the exercise; NotFound when the exercise is outside their scope.

    A confirmed evaluator, lead evaluator or exercise director reaches the exercise through that part,
    whatever grants their account holds (a training officer directing an exercise, a trainee account
    of a lead evaluator); everyone else through their grants' scope."""
    exercise_id = row_id(exercise_id)
    if exercise_id is None:
        raise NotFound()
    me = None
    if getattr(actor, "person_id", None):
        me = db.session.execute(select(Participant).where(
            Participant.exercise_id == exercise_id, Participant.person_id == actor.person_id,
            Participant.status == CONFIRMED)).scalar_one_or_none()
    if me is not None and me.role in evaluation_parts():
        exercise = db.session.get(Exercise, exercise_id)
    else:
        exercise = scoping.get_scoped(actor, "exercise", exercise_id, "anything")
    manager = scoping.in_scope(actor, "exercise", exercise, "assessment.manage")
    return Capacity(exercise=exercise, me=me, manager=manager)


def require_evaluator(cap: Capacity) -> Participant:
    if not cap.evaluator and not cap.adjudicator:
        raise NotStaff(cap.exercise.id)
    return cap.me


def require_adjudicator(cap: Capacity) -> Participant:
    if not cap.adjudicator and not cap.evaluator:
        raise NotStaff(cap.exercise.id)
    if not cap.adjudicator:
        raise Forbidden(_("Only the lead evaluator or the exercise director may adjudicate ratings."))
    return cap.me


def get_objective(exercise: Exercise, objective_id) -> Objective:
    """An objective of the exercise (which the caller already reaches); NotFound for any other id."""
    objective_id = row_id(objective_id)
    objective = db.session.get(Objective, objective_id) if objective_id is not None else None
    if objective is None or objective.exercise_id != exercise.id:
        raise NotFound(_("Exercise %(code)s has no such objective.", code=exercise.code))
    return objective


# --- training audiences -------------------------------------------------------------------------

@dataclass(frozen=True)
class Audience:
    key: str            # "p<participant id>" or "u<unit id>"
    label: str
    participant_id: int | None = None
    unit_id: int | None = None


def all_audiences(exercise: Exercise) -> list[Audience]:
    """Every confirmed player of the exercise, then every unit taking part (committed or of a player)."""
    players = db.session.execute(select(Participant).where(
        Participant.exercise_id == exercise.id, Participant.role.in_(parts_with("exercise.play")),
        Participant.status == CONFIRMED)).scalars().all()
    unit_ids = {u.unit_id for u in db.session.execute(
        select(ExerciseUnit).where(ExerciseUnit.exercise_id == exercise.id)).scalars()}
    unit_ids |= {p.unit_id for p in players if p.unit_id}
    units = db.session.execute(select(Unit).where(Unit.id.in_(unit_ids))).scalars().all() if unit_ids else []
    out = [_player(p) for p in sorted(players, key=lambda p: (p.person.nation_code, p.person.family_name_latin))]
    out += [_unit(u) for u in sorted(units, key=lambda u: (u.nation_code, u.code))]
    return out


def _player(p: Participant) -> Audience:
    person = p.person
    return Audience(f"p{p.id}", f"{person.rank_code} {person.full_name_latin} ({person.nation_code})", participant_id=p.id)


def _unit(u: Unit) -> Audience:
    return Audience(f"u{u.id}", _("Unit %(code)s — %(name)s (%(nation)s)", code=u.code, name=u.name,
                                  nation=u.nation_code), unit_id=u.id)


def audiences_for(cap: Capacity, objective: Objective, everyone: list[Audience] | None = None) -> list[Audience]:
    """The players and units this actor evaluates for the objective (all of them for the lead); `everyone`
    is the exercise's whole training audience when the caller has read it already."""
    everyone = all_audiences(cap.exercise) if everyone is None else everyone
    if cap.adjudicator:
        return everyone
    assignments = db.session.execute(select(EvaluatorAssignment).where(
        EvaluatorAssignment.participant_id == cap.me.id,
        EvaluatorAssignment.objective_id == objective.id)).scalars().all()
    if any(a.target_participant_id is None and a.target_unit_id is None for a in assignments):
        return everyone
    wanted = {f"p{a.target_participant_id}" if a.target_participant_id else f"u{a.target_unit_id}" for a in assignments}
    return [a for a in everyone if a.key in wanted]


def assigned_objectives(cap: Capacity) -> list[Objective]:
    objectives = db.session.execute(select(Objective).where(Objective.exercise_id == cap.exercise.id)
                                    .order_by(Objective.number)).scalars().all()
    if cap.adjudicator:
        return objectives
    assigned = set(db.session.execute(select(EvaluatorAssignment.objective_id).where(
        EvaluatorAssignment.participant_id == cap.me.id)).scalars())
    return [o for o in objectives if o.id in assigned]


def resolve_audience(cap: Capacity, objective: Objective, key: str | None) -> Audience:
    for audience in audiences_for(cap, objective):
        if audience.key == key:
            return audience
    raise_invalid("target", _("Choose the player or unit you observed."))
