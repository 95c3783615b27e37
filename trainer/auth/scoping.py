"""The one scoping helper: which objects a user may reach, as SQL conditions.

Every query for a scoped object goes through `scope_condition` (or `get_scoped`). Each object kind
registers how its rows map to a scope: a nation, a unit subtree, the user's own person, or the
exercises where the user's person is a confirmed evaluator. An object out of scope is reported as
not found, never as forbidden, so its existence is not revealed.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import false, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from trainer.auth.policy import reaches_everything
from trainer.enums import Role, ScopeKind
from trainer.errors import NotFound
from trainer.extensions import db

# kind -> (model, function(grant, actor) -> condition on that model)
_KINDS: dict[str, tuple[type, Callable]] = {}


def register_kind(kind: str, model: type, condition_for_grant: Callable) -> None:
    _KINDS[kind] = (model, condition_for_grant)


def _wanted(roles: str | Iterable[Role | str]) -> set[Role]:
    """An ability name (see auth.policy.ABILITIES) or, for callers that pass a set they got from the
    policy, the roles themselves."""
    if isinstance(roles, str):
        from trainer.auth.policy import roles_with

        return set(roles_with(roles))
    return {Role(r) for r in roles}


def scope_condition(actor, kind: str, roles: str | Iterable[Role | str]) -> ColumnElement[bool]:
    """A condition true for the objects of `kind` that `actor` reaches through grants carrying the
    ability `roles` (an ability name from auth.policy, or the roles it stands for)."""
    model, for_grant = _KINDS[kind]
    wanted = _wanted(roles)
    if actor is None or not getattr(actor, "is_authenticated", False):
        return false()
    parts = []
    for grant in actor.grants:
        role = Role(grant.role)
        if role not in wanted:
            continue
        if reaches_everything(role, ScopeKind(grant.scope_kind)):
            return true()
        part = for_grant(grant, actor)
        if part is not None:
            parts.append(part)
    if not parts:
        return false()
    return or_(*parts)


def reaches_whole_nation(actor, nation_code: str, roles: str | Iterable[Role | str]) -> bool:
    """Whether the actor's grants carrying the ability cover the whole of a nation (everything, the
    mission, or that nation)."""
    wanted = _wanted(roles)
    for grant in getattr(actor, "grants", ()):
        if Role(grant.role) not in wanted:
            continue
        if reaches_everything(Role(grant.role), ScopeKind(grant.scope_kind)):
            return True
        if grant.scope_kind == ScopeKind.NATION.value and grant.nation_code == nation_code:
            return True
    return False


def scoped_select(actor, kind: str, roles: str | Iterable[Role | str]):
    model, _ = _KINDS[kind]
    return select(model).where(scope_condition(actor, kind, roles))


def get_scoped(actor, kind: str, object_id, roles: str | Iterable[Role | str]):
    """The object of `kind` with this id if `actor` reaches it through `roles`; NotFound otherwise."""
    model, _ = _KINDS[kind]
    pk = model.__mapper__.primary_key[0]
    try:
        if pk.type.python_type is int:
            object_id = int(object_id)
            if not 0 < object_id < 2**31:  # no row has such an id (and the database could not compare it)
                raise NotFound()
    except (TypeError, ValueError, NotImplementedError):
        raise NotFound()
    obj = db.session.execute(
        select(model).where(pk == object_id, scope_condition(actor, kind, roles))
    ).unique().scalar_one_or_none()
    if obj is None:
        raise NotFound()
    return obj


def in_scope(actor, kind: str, obj, roles: str | Iterable[Role | str]) -> bool:
    model, _ = _KINDS[kind]
    pk = model.__mapper__.primary_key[0]
    value = getattr(obj, pk.key)
    return db.session.execute(
        select(pk).where(pk == value, scope_condition(actor, kind, roles))
    ).first() is not None


def registered_kinds() -> list[str]:
    return sorted(_KINDS)


# An evaluator's reach (the people of the exercises they evaluate) is known to the exercises domain,
# which registers it; until then an evaluator's grant reaches no one.
_evaluator_reach: Callable | None = None


def register_evaluator_reach(people_of_evaluated_exercises: Callable) -> None:
    global _evaluator_reach
    _evaluator_reach = people_of_evaluated_exercises


def evaluator_person_ids(actor):
    """A SELECT of the person ids an evaluator reaches, or None when no domain provides the reach."""
    return _evaluator_reach(actor) if _evaluator_reach is not None else None
