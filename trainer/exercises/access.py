"""Who the actor is to one exercise: planner, approver, director, MSEL reader, nominator.

What an account may do comes from its grants, through the abilities of the policy (auth.policy)
and the scoping helper; "director", "player" and the MSEL parts come from the actor's linked
person's place among the exercise's participants (the policy's parts).
"""
from __future__ import annotations

from sqlalchemy import select

from trainer.auth.policy import parts_with, roles_with
from trainer.auth.scoping import reaches_whole_nation
from trainer.enums import ScopeKind
from trainer.exercises import workflow
from trainer.exercises.models import ACTIVE_PARTICIPANT_STATUSES, Exercise, Participant, ParticipantStatus
from trainer.exercises.statuses import FINISHED
from trainer.extensions import db


def can_plan_for_nation(actor, nation_code: str) -> bool:
    """An administrator, or a training officer of this nation or of the whole mission."""
    return reaches_whole_nation(actor, nation_code, "exercise.plan")


def is_planner(actor, exercise: Exercise) -> bool:
    return can_plan_for_nation(actor, exercise.lead_nation_code)


def is_approver(actor, exercise: Exercise) -> bool:
    """A commander of the lead nation or of the whole mission."""
    return reaches_whole_nation(actor, exercise.lead_nation_code, "exercise.approve")


def own_participation(actor, exercise: Exercise) -> Participant | None:
    if not getattr(actor, "person_id", None):
        return None
    return db.session.scalar(select(Participant).where(
        Participant.exercise_id == exercise.id, Participant.person_id == actor.person_id))


def _confirmed_part(actor, exercise: Exercise) -> str | None:
    mine = own_participation(actor, exercise)
    if mine is None or mine.status != ParticipantStatus.CONFIRMED.value:
        return None
    return mine.role


def is_director(actor, exercise: Exercise) -> bool:
    return _confirmed_part(actor, exercise) in parts_with("exercise.direct")


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
    return mine is not None and mine.role in parts_with("exercise.play") and mine.status in ACTIVE_PARTICIPANT_STATUSES


def _msel_right(actor, exercise: Exercise, part_ability: str) -> bool:
    """Players never; planners always; otherwise a confirmed part with the ability."""
    if is_player(actor, exercise):
        return False
    return is_planner(actor, exercise) or _confirmed_part(actor, exercise) in parts_with(part_ability)


def can_see_msel(actor, exercise: Exercise) -> bool:
    """Planners and confirmed controllers, evaluators, trusted agents and the director. Players never."""
    return _msel_right(actor, exercise, "exercise.see_msel")


def can_edit_msel(actor, exercise: Exercise) -> bool:
    """Planners, and the confirmed controllers and director, until the exercise is finished. Players never."""
    return exercise.status_enum not in FINISHED and _msel_right(actor, exercise, "exercise.control")


def nations_granted(actor, ability: str) -> set[str]:
    """Nations the actor holds a nation-wide grant for, through grants carrying `ability`."""
    roles = roles_with(ability)
    return {g.nation_code for g in getattr(actor, "grants", ())
            if g.role in roles and g.scope_kind == ScopeKind.NATION.value}


def nominating_nations(actor, exercise: Exercise) -> set[str]:
    """The participating nations whose personnel the actor may nominate (their own): the nations the
    actor plans for as a whole, and the nations of the units the actor plans for."""
    codes = set(exercise.nation_codes)
    roles = roles_with("exercise.plan")
    of_units = {g.unit.nation_code for g in getattr(actor, "grants", ())
                if g.role in roles and g.scope_kind == ScopeKind.UNIT.value and g.unit is not None}
    return {code for code in codes if code in of_units or reaches_whole_nation(actor, code, "exercise.plan")}
