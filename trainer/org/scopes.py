"""How units, people and users map onto grant scopes."""
from __future__ import annotations

from sqlalchemy import select

from trainer.auth import scoping
from trainer.auth.models import Grant, User
from trainer.enums import ScopeKind
from trainer.org.models import Person, Unit


def _unit_path_prefix(grant: Grant) -> str | None:
    return grant.unit.path if grant.unit is not None else None


def _unit_condition(grant: Grant, actor):
    kind = ScopeKind(grant.scope_kind)
    if kind is ScopeKind.NATION:
        return Unit.nation_code == grant.nation_code
    if kind is ScopeKind.UNIT:
        prefix = _unit_path_prefix(grant)
        return Unit.path.startswith(prefix) if prefix else None
    if kind is ScopeKind.SELF and actor.person_id:
        return Unit.id == select(Person.unit_id).where(Person.id == actor.person_id).scalar_subquery()
    return None


def _person_condition(grant: Grant, actor):
    kind = ScopeKind(grant.scope_kind)
    if kind is ScopeKind.NATION:
        return Person.nation_code == grant.nation_code
    if kind is ScopeKind.UNIT:
        prefix = _unit_path_prefix(grant)
        if not prefix:
            return None
        return Person.unit_id.in_(select(Unit.id).where(Unit.path.startswith(prefix)))
    if kind is ScopeKind.SELF:
        return Person.id == actor.person_id if actor.person_id else None
    if kind is ScopeKind.EXERCISES:
        reach = scoping.evaluator_person_ids(actor)
        return Person.id.in_(reach) if reach is not None else None
    return None


def _user_condition(grant: Grant, actor):
    # Users are managed by admins only (mission-wide); no narrower scope reaches them.
    return None


def register() -> None:
    """Tell the scoping helper how this domain's objects map onto grant scopes (called by create_app)."""
    scoping.register_kind("unit", Unit, _unit_condition)
    scoping.register_kind("person", Person, _person_condition)
    scoping.register_kind("user", User, _user_condition)
