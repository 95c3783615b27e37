"""Certificates are reached through the person they certify."""
from __future__ import annotations

from sqlalchemy import select

from trainer.auth import scoping
from trainer.certificates.models import Certificate, CertificateBatch
from trainer.org.models import Person, Unit
from trainer.org.scopes import _person_condition, _unit_condition


def _certificate_condition(grant, actor):
    condition = _person_condition(grant, actor)
    if condition is None:
        return None
    return Certificate.person_id.in_(select(Person.id).where(condition))


def _batch_condition(grant, actor):
    condition = _unit_condition(grant, actor)
    if condition is None:
        return None
    return CertificateBatch.unit_id.in_(select(Unit.id).where(condition))


def register() -> None:
    """Tell the scoping helper how this domain's objects map onto grant scopes (called by create_app)."""
    scoping.register_kind("certificate", Certificate, _certificate_condition)
    scoping.register_kind("certificate_batch", CertificateBatch, _batch_condition)
