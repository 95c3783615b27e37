"""What the staff pages read: each through the scoping helper, for the acting user."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select

from trainer.auth.policy import has_ability
from trainer.auth.scoping import get_scoped, in_scope, scope_condition
from trainer.certificates import serial as serials
from trainer.certificates.models import Certificate, CertificateStatus
from trainer.certificates.services.documents import verify_url
from trainer.certificates.services.facts import payload_fingerprint, payload_of
from trainer.certificates.services.status import computed_status, status_condition, today
from trainer.curricula.models import ReadinessProfile
from trainer.extensions import db
from trainer.org.models import Person
from trainer.pagination import paginate

PER_PAGE = 25


def _text(value) -> str:
    if isinstance(value, dict):
        return value.get("en") or next(iter(value.values()), "")
    return value or ""


def profile_choices() -> list[tuple[str, str]]:
    """(code, "code — title") of every readiness profile, for the forms that choose one."""
    rows = db.session.execute(select(ReadinessProfile.code, ReadinessProfile.title).order_by(ReadinessProfile.code)).all()
    return [(code, f"{code} — {_text(title)}" if _text(title) else code) for code, title in rows]


def profile_title(code: str) -> str | None:
    """The profile's title (its code when it has none), or None when there is no such profile."""
    row = db.session.execute(select(ReadinessProfile.title).where(ReadinessProfile.code == code)).first()
    return None if row is None else (_text(row[0]) or code)


def get_certificate(actor, certificate_id, roles="certificate.read") -> Certificate:
    return get_scoped(actor, "certificate", certificate_id, roles)


def certificate_query(actor, *, status: str | None = None, profile: str | None = None, q: str | None = None,
                      person_id: int | None = None, on: dt.date | None = None):
    """The actor's certificates matching the filters, newest first (status as computed on `on`)."""
    on = on or today()
    query = (select(Certificate).join(Person, Person.id == Certificate.person_id)
             .where(scope_condition(actor, "certificate", "certificate.read"))
             .order_by(Certificate.issued_at.desc(), Certificate.id.desc()))
    if status:
        query = query.where(status_condition(status, on))
    if profile:
        query = query.where(Certificate.profile_code == profile)
    if person_id:
        query = query.where(Certificate.person_id == person_id)
    if q:
        from trainer.org.names import fold

        term = q.strip()
        try:
            query = query.where(Certificate.serial == serials.normalise(term))
        except serials.InvalidSerial:
            query = query.where(or_(Person.search_text.contains(fold(term)), Person.service_number == term))
    return query


def page_of_certificates(actor, *, status: str | None, profile: str | None, q: str | None, page: int | None):
    """One page of the certificates list; a status that is not one of the statuses is ignored."""
    if status not in {s.value for s in CertificateStatus}:
        status = None
    return paginate(certificate_query(actor, status=status, profile=profile, q=q), page=page, per_page=PER_PAGE), status


@dataclass
class CertificatePage:
    cert: Certificate
    payload: dict
    status: CertificateStatus
    fingerprint: str
    verify_url: str
    can_manage: bool     # the actor may revoke or re-certify this certificate


def get_certificate_page(actor, certificate_id, *, on: dt.date | None = None) -> CertificatePage:
    """A certificate with its facts and its status on `on` (today), as computed: reading writes nothing."""
    cert = get_certificate(actor, certificate_id)
    can_manage = has_ability(actor, "certificate.issue") and in_scope(actor, "certificate", cert, "certificate.issue")
    return CertificatePage(cert, payload_of(cert), computed_status(cert, on), payload_fingerprint(cert),
                           verify_url(cert), can_manage)


@dataclass
class PersonCertificates:
    person: Person
    certificates: list[Certificate]


def get_person_certificates(actor, person_id) -> PersonCertificates:
    person = get_scoped(actor, "person", person_id, "certificate.read")
    certificates = db.session.execute(certificate_query(actor, person_id=person.id)).unique().scalars().all()
    return PersonCertificates(person, list(certificates))


def get_person_to_certify(actor, person_id) -> Person:
    return get_scoped(actor, "person", person_id, "certificate.issue")
