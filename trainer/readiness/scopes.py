"""How waivers and deployments map onto grant scopes (a waiver follows its person; a deployment its nation
and units)."""
from __future__ import annotations

from sqlalchemy import exists, select

from trainer.auth import scoping
from trainer.enums import ScopeKind
from trainer.org.models import Person, Unit
from trainer.readiness.models import Deployment, DeploymentUnit, Waiver


def _waiver_condition(grant, actor):
    kind = ScopeKind(grant.scope_kind)
    if kind is ScopeKind.NATION:
        return Waiver.person_id.in_(select(Person.id).where(Person.nation_code == grant.nation_code))
    if kind is ScopeKind.UNIT and grant.unit is not None:
        return Waiver.person_id.in_(select(Person.id).join(Unit, Unit.id == Person.unit_id)
                                    .where(Unit.path.startswith(grant.unit.path)))
    if kind is ScopeKind.SELF and actor.person_id:
        return Waiver.person_id == actor.person_id
    return None


def _deployment_condition(grant, actor):
    kind = ScopeKind(grant.scope_kind)
    if kind is ScopeKind.NATION:
        return Deployment.nation_code == grant.nation_code
    if kind is ScopeKind.UNIT and grant.unit is not None:
        return exists(select(DeploymentUnit.id).join(Unit, Unit.id == DeploymentUnit.unit_id).where(
            DeploymentUnit.deployment_id == Deployment.id, Unit.path.startswith(grant.unit.path)))
    return None


def register() -> None:
    """Tell the scoping helper how this domain's objects map onto grant scopes (called by create_app)."""
    scoping.register_kind("waiver", Waiver, _waiver_condition)
    scoping.register_kind("deployment", Deployment, _deployment_condition)
