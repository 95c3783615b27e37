"""How completions, attempts and classroom sessions map onto grant scopes: through the person (or,
for a session, the unit whose people attend it)."""
from __future__ import annotations

from sqlalchemy import select

from trainer.auth import scoping
from trainer.learning.models import Attempt, ClassroomSession, Completion
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


scoping.register_kind("completion", Completion, _through_person(Completion.person_id))
scoping.register_kind("attempt", Attempt, _through_person(Attempt.person_id))
scoping.register_kind("session", ClassroomSession, _session_condition)
