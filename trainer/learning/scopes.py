"""How completions, attempts and classroom sessions map onto grant scopes: through the person (or,
for a session, the unit whose people attend it)."""
from __future__ import annotations

from sqlalchemy import select

from trainer.auth import scoping
from trainer.learning.models import Attempt, ClassroomSession, Completion, ModuleAssignment, ProfileAssignment
from trainer.org.models import Person, Unit
from trainer.org.scopes import _person_condition, _unit_condition


def _through_person(column):
    def condition(grant, actor):
        part = _person_condition(grant, actor)
        if part is None:
            return None
        return column.in_(select(Person.id).where(part))
    return condition


def _session_condition(grant, actor):
    part = _unit_condition(grant, actor)
    if part is None:
        return None
    return ClassroomSession.unit_id.in_(select(Unit.id).where(part))


def _assignment_condition(model):
    """An assignment is in scope when its unit is, or (for one person) when that person is."""
    def condition(grant, actor):
        unit_part, person_part = _unit_condition(grant, actor), _person_condition(grant, actor)
        parts = []
        if unit_part is not None:
            parts.append(model.unit_id.in_(select(Unit.id).where(unit_part)))
        if person_part is not None:
            parts.append(model.person_id.in_(select(Person.id).where(person_part)))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else parts[0] | parts[1]
    return condition


def register() -> None:
    """Tell the scoping helper how this domain's objects map onto grant scopes (called by create_app)."""
    scoping.register_kind("completion", Completion, _through_person(Completion.person_id))
    scoping.register_kind("attempt", Attempt, _through_person(Attempt.person_id))
    scoping.register_kind("session", ClassroomSession, _session_condition)
    scoping.register_kind("module_assignment", ModuleAssignment, _assignment_condition(ModuleAssignment))
    scoping.register_kind("profile_assignment", ProfileAssignment, _assignment_condition(ProfileAssignment))
