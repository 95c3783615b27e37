"""Who reaches which exercise, and the evaluator's reach over people (through their exercises)."""
from __future__ import annotations

from sqlalchemy import exists, or_, select

from trainer.auth.policy import parts_with
from trainer.auth import scoping
from trainer.enums import ScopeKind
from trainer.exercises.models import (
    ExerciseNation, ExerciseUnit, Exercise, Participant, ParticipantStatus,
)
from trainer.org.models import Unit

CONFIRMED = ParticipantStatus.CONFIRMED.value


def _exercise_condition(grant, actor):
    kind = ScopeKind(grant.scope_kind)
    if kind is ScopeKind.NATION:
        return or_(
            Exercise.lead_nation_code == grant.nation_code,
            exists().where(ExerciseNation.exercise_id == Exercise.id, ExerciseNation.nation_code == grant.nation_code),
        )
    if kind is ScopeKind.UNIT:
        if grant.unit is None:
            return None
        subtree = select(Unit.id).where(Unit.path.startswith(grant.unit.path))
        return or_(
            exists().where(Participant.exercise_id == Exercise.id, Participant.unit_id.in_(subtree),
                           Participant.status.in_((CONFIRMED, ParticipantStatus.NOMINATED.value))),
            exists().where(ExerciseUnit.exercise_id == Exercise.id, ExerciseUnit.unit_id.in_(subtree)),
        )
    if kind is ScopeKind.EXERCISES and actor.person_id:
        return exists().where(Participant.exercise_id == Exercise.id, Participant.person_id == actor.person_id,
                              Participant.status == CONFIRMED, Participant.role.in_(parts_with("exercise.staff")))
    if kind is ScopeKind.SELF and actor.person_id:
        return exists().where(Participant.exercise_id == Exercise.id, Participant.person_id == actor.person_id,
                              Participant.status == CONFIRMED)
    return None


def evaluator_person_ids(actor):
    """People taking part in the exercises where the actor's person is a confirmed evaluator."""
    if not getattr(actor, "person_id", None):
        return select(Participant.person_id).where(Participant.id.is_(None))
    mine = select(Participant.exercise_id).where(
        Participant.person_id == actor.person_id, Participant.status == CONFIRMED,
        Participant.role.in_(parts_with("exercise.evaluate")))
    return select(Participant.person_id).where(Participant.exercise_id.in_(mine), Participant.status == CONFIRMED)


def register() -> None:
    """Tell the scoping helper how this domain's objects map onto grant scopes (called by create_app)."""
    scoping.register_kind("exercise", Exercise, _exercise_condition)
    scoping.register_evaluator_reach(evaluator_person_ids)
