"""A certificate's status and its history, and revocation.

The status is computed whenever a certificate is read, from what is recorded (revoked, replaced by a
newer certificate), the person's screening (a hold suspends) and the date (expired after its valid
until), so that reading a certificate never writes and the status shown is right on any day.

The history (CertificateStatusEvent) records changes as they are made: issue, revocation and
replacement by the write that makes them; a suspension or reinstatement that follows from a change of
screening, which another domain records, by `record_status_changes` (run daily by `flask certificates
record-status`, like the readiness reminders). Expiry is not an event: it is the date printed and
signed on the certificate, and the status follows from it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import and_, not_, or_, select, update

from trainer.audit.services import record_event, record_events
from trainer.auth.scoping import get_scoped
from trainer.certificates.models import (
    Certificate,
    CertificateStatus,
    CertificateStatusEvent,
)
from trainer.certificates.notices import notify_revoked
from trainer.db import utcnow
from trainer.enums import Screening
from trainer.errors import Conflict, Invalid
from trainer.extensions import db
from trainer.org.models import Person

SUSPENDED_BECAUSE = "screening on hold"
REINSTATED_BECAUSE = "screening no longer on hold"


def today() -> dt.date:
    return utcnow().date()


def computed_status(cert: Certificate, on: dt.date | None = None) -> CertificateStatus:
    on = on or today()
    if cert.revoked_at is not None:
        return CertificateStatus.REVOKED
    if cert.recorded_status == CertificateStatus.SUPERSEDED:
        return CertificateStatus.SUPERSEDED
    if cert.person is not None and cert.person.screening == Screening.HOLD:
        return CertificateStatus.SUSPENDED
    if cert.valid_until is not None and cert.valid_until < on:
        return CertificateStatus.EXPIRED
    return CertificateStatus.VALID


def status_condition(status: str, on: dt.date):
    """SQL condition for certificates whose computed status is `status` (Person must be joined)."""
    revoked = Certificate.revoked_at.is_not(None)
    superseded = Certificate.recorded_status == CertificateStatus.SUPERSEDED.value
    hold = Person.screening == Screening.HOLD.value
    expired = and_(Certificate.valid_until.is_not(None), Certificate.valid_until < on)
    if status == CertificateStatus.REVOKED:
        return revoked
    if status == CertificateStatus.SUPERSEDED:
        return and_(not_(revoked), superseded)
    if status == CertificateStatus.SUSPENDED:
        return and_(not_(revoked), not_(superseded), hold)
    if status == CertificateStatus.EXPIRED:
        return and_(not_(revoked), not_(superseded), not_(hold), expired)
    if status == CertificateStatus.VALID:
        return and_(not_(revoked), not_(superseded), not_(hold), not_(expired))
    raise Invalid(_("Unknown status."), errors=[("status", _("Choose a status from the list."))])


def live_condition():
    """Certificates that are neither revoked nor replaced: the ones a status can still change for."""
    return and_(Certificate.revoked_at.is_(None), Certificate.recorded_status != CertificateStatus.SUPERSEDED.value)


def event_reason(reason: str | None) -> str:
    """A history entry's reason in the reader's words: the reasons this module records itself ("issued",
    "replaced by …", a screening hold) are translated; a reason a person typed is shown as typed."""
    if not reason:
        return ""
    if reason == "issued":
        return _("issued")
    if reason == SUSPENDED_BECAUSE:
        return _("screening on hold")
    if reason == REINSTATED_BECAUSE:
        return _("screening no longer on hold")
    for prefix, words in (("re-certification of ", _("re-certification of %(serial)s")),
                          ("replaced by ", _("replaced by %(serial)s"))):
        rest = reason[len(prefix):]
        if reason.startswith(prefix) and rest and " " not in rest:
            return words % {"serial": rest}
    return reason


def add_event(cert: Certificate, status: CertificateStatus, reason: str, actor) -> None:
    """Record a change of status in the certificate's history."""
    db.session.add(CertificateStatusEvent(certificate=cert, status=status.value, reason=reason,
                                          actor_id=getattr(actor, "id", None)))
    cert.recorded_status = status.value


def revoke_certificate(actor, certificate_id, reason: str) -> Certificate:
    cert = get_scoped(actor, "certificate", certificate_id, "certificate.issue")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise Invalid(_("Give the reason for revoking this certificate."),
                      errors=[("reason", _("A reason of at least 5 characters is required."))])
    if cert.revoked_at is not None:
        raise Conflict(_("This certificate is already revoked."))
    before = computed_status(cert).value
    cert.revoked_at = utcnow()
    cert.revoked_reason = reason[:2000]
    cert.revoked_by_id = actor.id
    add_event(cert, CertificateStatus.REVOKED, reason[:2000], actor)
    record_event(actor, "certificate.revoke", cert, before={"status": before}, after={"status": "revoked"},
                 reason=reason[:2000], serial=cert.serial)
    db.session.flush()
    notify_revoked(cert)
    return cert


@dataclass
class StatusChanges:
    suspended: list[str] = field(default_factory=list)   # serials
    reinstated: list[str] = field(default_factory=list)


def record_status_changes(actor=None) -> StatusChanges:
    """Record in the history of every live certificate the suspension that its holder's screening hold
    brings, or the reinstatement once the hold is lifted, each with its audit event, where the history
    does not show it yet. A few statements whatever the number of certificates; running it again adds
    nothing."""
    rows = db.session.execute(
        select(Certificate.id, Certificate.serial, Person.screening)
        .join(Person, Person.id == Certificate.person_id)
        .where(live_condition(), or_(
            and_(Person.screening == Screening.HOLD.value,
                 Certificate.recorded_status != CertificateStatus.SUSPENDED.value),
            and_(Person.screening != Screening.HOLD.value,
                 Certificate.recorded_status == CertificateStatus.SUSPENDED.value)))
        .order_by(Certificate.id)).all()
    changes = StatusChanges()
    suspend = [(cid, serial) for cid, serial, screening in rows if screening == Screening.HOLD]
    reinstate = [(cid, serial) for cid, serial, screening in rows if screening != Screening.HOLD]
    _record(actor, suspend, CertificateStatus.SUSPENDED, SUSPENDED_BECAUSE, "certificate.suspend", "suspended")
    _record(actor, reinstate, CertificateStatus.VALID, REINSTATED_BECAUSE, "certificate.reinstate", "valid")
    changes.suspended = [serial for _, serial in suspend]
    changes.reinstated = [serial for _, serial in reinstate]
    return changes


def _record(actor, certificates: list[tuple[int, str]], status: CertificateStatus, reason: str, action: str,
            shown: str) -> None:
    if not certificates:
        return
    ids = [cid for cid, _ in certificates]
    db.session.execute(update(Certificate).where(Certificate.id.in_(ids)).values(recorded_status=status.value),
                       execution_options={"synchronize_session": "evaluate"})
    db.session.add_all(CertificateStatusEvent(certificate_id=cid, status=status.value, reason=reason,
                                              actor_id=getattr(actor, "id", None)) for cid in ids)
    record_events(actor, action, [(None, {"object_type": Certificate.__tablename__, "object_id": cid,
                                          "after": {"serial": serial, "status": shown}, "reason": reason})
                                  for cid, serial in certificates])
    db.session.flush()
