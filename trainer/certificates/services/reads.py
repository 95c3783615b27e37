"""What the staff pages read: each through the scoping helper, for the acting user."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
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
    """A profile's title in English: the language certificates sign it in."""
    if isinstance(value, dict):
        return value.get("en") or next(iter(value.values()), "")
    return value or ""


def profile_choices() -> list[tuple[str, str]]:
    """(code, "code — title") of every readiness profile, the title in the reader's language, for the forms
    and filters that choose one."""
    from trainer.curricula.reading import text

    rows = db.session.execute(select(ReadinessProfile.code, ReadinessProfile.title).order_by(ReadinessProfile.code)).all()
    return [(code, f"{code} — {text(title)}" if _text(title) else code) for code, title in rows]


def requirement_label(key: str) -> str:
    """What a readiness requirement is called on screen: a module by its code, the others in words."""
    words = {"exercise": _("Exercise requirement"), "screening": _("Screening"), "readiness": _("Readiness")}
    return words.get(key, key)


def profile_title(code: str) -> str | None:
    """The profile's title (its code when it has none), or None when there is no such profile."""
    row = db.session.execute(select(ReadinessProfile.title).where(ReadinessProfile.code == code)).first()
    return None if row is None else (_text(row[0]) or code)


def profile_warning_days(code: str) -> int | None:
    """How many days before expiry the profile warns (None when there is no such profile)."""
    return db.session.scalar(select(ReadinessProfile.warning_days).where(ReadinessProfile.code == code))


def get_certificate(actor, certificate_id, roles="certificate.read") -> Certificate:
    return get_scoped(actor, "certificate", certificate_id, roles)


# The columns the certificates list sorts by; ties newest first.
SORTS = {"serial": (Certificate.serial,), "person": (Person.family_name_latin, Person.given_names_latin),
         "nation": (Person.nation_code,), "profile": (Certificate.profile_code,), "issued": (Certificate.issued_at,),
         "valid_until": (Certificate.valid_until,)}


def certificate_query(actor, *, status: str | None = None, profile: str | None = None, q: str | None = None,
                      person_id: int | None = None, on: dt.date | None = None, sort: str | None = None,
                      descending: bool = False):
    """The actor's certificates matching the filters, newest first or by a column of SORTS (status as
    computed on `on`)."""
    on = on or today()
    query = (select(Certificate).join(Person, Person.id == Certificate.person_id)
             .where(scope_condition(actor, "certificate", "certificate.read")))
    if sort in SORTS:
        query = query.order_by(*[c.desc() if descending else c.asc() for c in SORTS[sort]])
    query = query.order_by(Certificate.issued_at.desc(), Certificate.id.desc())
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


def page_of_certificates(actor, *, status: str | None, profile: str | None, q: str | None, page: int | None,
                         sort: str | None = None, descending: bool = False):
    """One page of the certificates list; a status or a sort that is not one of those offered is ignored."""
    if status not in {s.value for s in CertificateStatus}:
        status = None
    query = certificate_query(actor, status=status, profile=profile, q=q,
                              sort=sort if sort in SORTS else None, descending=descending)
    return paginate(query, page=page, per_page=PER_PAGE), status


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
