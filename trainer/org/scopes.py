"""How units, people and users map onto grant scopes."""
from __future__ import annotations

from sqlalchemy import select

from trainer.auth import scoping
from trainer.auth.models import Grant, User
from trainer.enums import ScopeKind
from trainer.org.models import Person, Unit


def _nation_or_subtree(grant: Grant, nation_column, in_subtree):
    """What a nation grant reaches (rows of its nation) or a unit grant (rows `in_subtree` of the unit's path);
    None for any other grant, or a unit grant that has lost its unit."""
    kind = ScopeKind(grant.scope_kind)
    if kind is ScopeKind.NATION:
        return nation_column == grant.nation_code
    if kind is ScopeKind.UNIT and grant.unit is not None and grant.unit.path:
        return in_subtree(grant.unit.path)
    return None


def _unit_condition(grant: Grant, actor):
    if ScopeKind(grant.scope_kind) is ScopeKind.SELF and actor.person_id:
        return Unit.id == select(Person.unit_id).where(Person.id == actor.person_id).scalar_subquery()
    return _nation_or_subtree(grant, Unit.nation_code, Unit.path.startswith)


def _person_condition(grant: Grant, actor):
    kind = ScopeKind(grant.scope_kind)
    if kind is ScopeKind.SELF:
        return Person.id == actor.person_id if actor.person_id else None
    if kind is ScopeKind.EXERCISES:
        reach = scoping.evaluator_person_ids(actor)
        return Person.id.in_(reach) if reach is not None else None
    return _nation_or_subtree(grant, Person.nation_code,
                              lambda prefix: Person.unit_id.in_(select(Unit.id).where(Unit.path.startswith(prefix))))


def _user_condition(grant: Grant, actor):
    # Users are managed by admins only (mission-wide); no narrower scope reaches them.
    return None


def register() -> None:
    """Tell the scoping helper how this domain's objects map onto grant scopes (called by create_app)."""
    scoping.register_kind("unit", Unit, _unit_condition)
    scoping.register_kind("person", Person, _person_condition)
    scoping.register_kind("user", User, _user_condition)
