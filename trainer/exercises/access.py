"""Who the actor is to one exercise: planner, approver, director, MSEL reader, nominator.

Roles come from the actor's grants; "director", "player" and MSEL roles from the actor's linked
person's place among the exercise's participants.
"""
from __future__ import annotations

from sqlalchemy import select

from trainer.auth.policy import parts_with
from trainer.enums import Role, ScopeKind
from trainer.exercises import workflow
from trainer.exercises.models import ACTIVE_PARTICIPANT_STATUSES, Exercise, Participant, ParticipantRole
from trainer.extensions import db



def is_admin(actor) -> bool:
    return any(Role(g.role) is Role.ADMIN for g in actor.grants)


def _role_reaches_nation(actor, role: Role, nation_code: str) -> bool:
    for grant in actor.grants:
        if Role(grant.role) is not role:
            continue
        kind = ScopeKind(grant.scope_kind)
        if kind is ScopeKind.MISSION or (kind is ScopeKind.NATION and grant.nation_code == nation_code):
            return True
    return False


def can_plan_for_nation(actor, nation_code: str) -> bool:
    """An administrator, or a training officer of this nation or of the whole mission."""
    return is_admin(actor) or _role_reaches_nation(actor, Role.TRAINING_OFFICER, nation_code)


def is_planner(actor, exercise: Exercise) -> bool:
    return can_plan_for_nation(actor, exercise.lead_nation_code)


def is_approver(actor, exercise: Exercise) -> bool:
    return _role_reaches_nation(actor, Role.COMMANDER, exercise.lead_nation_code)


def own_participation(actor, exercise: Exercise) -> Participant | None:
    if not getattr(actor, "person_id", None):
        return None
    return db.session.scalar(select(Participant).where(
        Participant.exercise_id == exercise.id, Participant.person_id == actor.person_id))


def _confirmed_role(actor, exercise: Exercise) -> str | None:
    mine = own_participation(actor, exercise)
    if mine is None or mine.status != "confirmed":
        return None
    return mine.role


def is_director(actor, exercise: Exercise) -> bool:
    return _confirmed_role(actor, exercise) == ParticipantRole.EXERCISE_DIRECTOR.value


def actor_kinds(actor, exercise: Exercise) -> set[str]:
    kinds = set()
    if is_planner(actor, exercise):
        kinds.add(workflow.PLANNER)
    if is_approver(actor, exercise):
        kinds.add(workflow.APPROVER)
    if is_director(actor, exercise):
        kinds.add(workflow.DIRECTOR)
    return kinds


def is_player(actor, exercise: Exercise) -> bool:
    mine = own_participation(actor, exercise)
    return mine is not None and mine.role == ParticipantRole.PLAYER.value and mine.status in ACTIVE_PARTICIPANT_STATUSES


def can_see_msel(actor, exercise: Exercise) -> bool:
    """Planners and confirmed controllers, evaluators, trusted agents and the director. Players never."""
    if is_player(actor, exercise):
        return False
    if is_planner(actor, exercise):
        return True
    return _confirmed_role(actor, exercise) in parts_with("exercise.see_msel")


def can_edit_msel(actor, exercise: Exercise) -> bool:
    if is_player(actor, exercise):
        return False
    if is_planner(actor, exercise):
        return True
    return _confirmed_role(actor, exercise) in (ParticipantRole.CONTROLLER.value, ParticipantRole.EXERCISE_DIRECTOR.value)


def nation_codes_of(actor, *roles: Role) -> set[str]:
    """Nations the actor holds a nation-wide grant for (through any of `roles`)."""
    wanted = set(roles) or set(Role)
    return {g.nation_code for g in actor.grants if Role(g.role) in wanted and ScopeKind(g.scope_kind) is ScopeKind.NATION}


def nominating_nations(actor, exercise: Exercise) -> set[str]:
    """The participating nations whose personnel the actor may nominate (their own)."""
    codes = set(exercise.nation_codes)
    if is_admin(actor) or any(Role(g.role) is Role.TRAINING_OFFICER and ScopeKind(g.scope_kind) is ScopeKind.MISSION
                              for g in actor.grants):
        return codes
    mine = set()
    for grant in actor.grants:
        if Role(grant.role) is not Role.TRAINING_OFFICER:
            continue
        kind = ScopeKind(grant.scope_kind)
        if kind is ScopeKind.NATION:
            mine.add(grant.nation_code)
        elif kind is ScopeKind.UNIT and grant.unit is not None:
            mine.add(grant.unit.nation_code)
    return codes & mine
