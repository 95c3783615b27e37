"""Issuing certificates: who may be certified (the readiness engine's answer), new certificates one at a
time or for a whole unit in a few statements, and re-certification, which replaces a certificate by a
new one linked to it (nothing is overwritten)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from trainer.audit.services import record_event, record_events
from trainer.auth.scoping import get_scoped
from trainer.certificates import serial as serials
from trainer.certificates.canonical import canonical_bytes
from trainer.certificates.models import (
    Certificate,
    CertificateBatch,
    CertificateStatus,
    CertificateStatusEvent,
)
from trainer.certificates.notices import notify_batch_issued, notify_issued
from trainer.certificates.services.facts import build_payload, valid_until_of
from trainer.certificates.services.keys import key_store
from trainer.certificates.services.reads import profile_title
from trainer.certificates.services.status import (
    add_event,
    computed_status,
    live_condition,
    today,
)
from trainer.certificates.services.status_list import new_status_indexes
from trainer.certificates.signing import KeyStore, b64u
from trainer.curricula.models import ReadinessProfile
from trainer.db import utcnow
from trainer.enums import Screening
from trainer.errors import Conflict, Invalid, NotFound
from trainer.extensions import db
from trainer.org.labels import CATEGORY_LABELS, SCREENING_LABELS, label
from trainer.org.models import Person
from trainer.readiness import engine

# A person who holds one of these for the profile must be re-certified instead of issued a second one.
HELD = (CertificateStatus.VALID, CertificateStatus.SUSPENDED)


def evaluate(people, profile_code: str, on: dt.date) -> dict:
    """The readiness engine's answer for `people` (ids or a SELECT of ids); an unknown profile is Invalid."""
    try:
        return engine.evaluate(people, profile_code, on)
    except NotFound as exc:
        raise Invalid(_("There is no readiness profile %(code)s.", code=profile_code),
                      errors=[("profile", _("Choose a readiness profile from the list."))]) from exc


def refusals(person: Person, readiness) -> list[tuple[str, str]]:
    """(requirement key, reason in the reader's words) for every reason the person cannot be certified;
    empty when they can."""
    reasons = [(r.key, str(r.reason)) for r in readiness.requirements if not r.met]
    if person.screening != Screening.CLEARED and not any(key == "screening" for key, _reason in reasons):
        reasons.append(("screening", _("Screening is %(state)s: only a cleared person can be certified.",
                                       state=label(SCREENING_LABELS, person.screening).lower())))
    if not reasons and not readiness.ready:
        reasons.append(("readiness", _("Not ready.")))
    return reasons


def check_ready(person: Person, profile_code: str, on: dt.date, readiness=None):
    """The readiness of `person`, or Invalid with every reason they cannot be certified."""
    if readiness is None:
        readiness = evaluate([person.id], profile_code, on)[person.id]
    reasons = refusals(person, readiness)
    if reasons:
        raise Invalid(_("%(name)s cannot be certified for %(profile)s as of %(date)s.", name=person.full_name_latin,
                        profile=profile_code, date=format_date(on, "dd MMM y")), errors=reasons)
    return readiness


def current_certificate(person_id: int, profile_code: str) -> Certificate | None:
    """The person's live certificate for the profile (not revoked and not superseded), if any."""
    return db.session.execute(
        select(Certificate).where(Certificate.person_id == person_id, Certificate.profile_code == profile_code,
                                  live_condition())
        .order_by(Certificate.id.desc())).unique().scalars().first()


def new_serials(count: int) -> list[str]:
    """`count` distinct serials that no certificate has yet, checked in one query per 500."""
    fresh: dict[str, None] = {}
    while len(fresh) < count:
        candidates = [c for c in {serials.new_serial() for _ in range(count - len(fresh))} if c not in fresh]
        taken = set()
        for start in range(0, len(candidates), 500):
            chunk = candidates[start:start + 500]
            taken.update(db.session.scalars(select(Certificate.serial).where(Certificate.serial.in_(chunk))))
        fresh.update((c, None) for c in candidates if c not in taken)  # 60 random bits: practically never taken
    return list(fresh)


def _signed_values(actor, person: Person, readiness, *, serial: str, on: dt.date, title: str | None,
                   supersedes: Certificate | None, store: KeyStore) -> tuple[dict, dict]:
    """The column values of a new signed certificate, and the details its audit event records."""
    issued_at = utcnow()
    if issued_at.date() != on:
        issued_at = dt.datetime.combine(on, dt.time(12, 0), tzinfo=dt.timezone.utc)
    payload = build_payload(person, readiness, serial=serial, issued_at=issued_at,
                            issuer_name=getattr(actor, "display_name", None) or "System",
                            profile_title_text=title if title is not None else profile_title(readiness.profile_code),
                            supersedes=supersedes.serial if supersedes else None)
    data = canonical_bytes(payload)
    kid, signature = store.sign(data)
    valid_until = dt.date.fromisoformat(payload["valid_until"]) if payload["valid_until"] else None
    values = {"serial": serial, "person_id": person.id, "profile_code": readiness.profile_code,
              "payload": data.decode("utf-8"), "signature": b64u(signature), "key_id": kid, "issued_at": issued_at,
              "issued_on": on, "valid_until": valid_until, "issued_by_id": getattr(actor, "id", None),
              "supersedes_id": supersedes.id if supersedes else None, "recorded_status": CertificateStatus.VALID.value}
    details = {"serial": serial, "person_id": person.id, "profile": readiness.profile_code,
               "valid_until": payload["valid_until"], "key_id": kid, "supersedes": payload["supersedes"]}
    return values, details


def _issue_reason(supersedes: Certificate | None) -> str:
    return "issued" if supersedes is None else f"re-certification of {supersedes.serial}"


# Status indexes are drawn at random among those no committed certificate has: two issues running at once (on
# PostgreSQL; SQLite writes one transaction at a time) may draw the same one, and the second to write then meets
# the first's row. It draws again, up to this many times.
STATUS_INDEX_DRAWS = 5


def _written(write, redraw=None):
    """Run a write of new certificates (in a savepoint) and return what it returns. A clash on a status index with
    an issue running at the same time: `redraw()` gives the rows new indexes and the write runs again (a Conflict
    after STATUS_INDEX_DRAWS clashes). Any other clash is a concurrent re-certification: a Conflict, with nothing
    written."""
    for draw in range(1, STATUS_INDEX_DRAWS + 1):
        try:
            with db.session.begin_nested():
                return write()
        except IntegrityError as exc:
            clash = redraw is not None and _status_index_clash(exc)
            if clash and draw < STATUS_INDEX_DRAWS:
                redraw()
                continue
            db.session.rollback()
            if clash:
                raise Conflict(_("Other certificates were being issued at the same moment. Nothing was issued: "
                                 "issue again.")) from exc
            raise Conflict(_("This certificate was re-certified by someone else at the same time.")) from exc


def _status_index_clash(exc: IntegrityError) -> bool:
    """Whether the unique constraint that refused the row is the status index's (both databases name the column
    in their message: "UNIQUE constraint failed: certificates.status_index", "Key (status_index)=...")."""
    return "status_index" in str(exc.orig)


def create_certificate(actor, person: Person, readiness, *, supersedes: Certificate | None = None,
                       batch: CertificateBatch | None = None, on: dt.date, title: str | None = None) -> Certificate:
    """A new signed certificate for a readiness the caller has checked, with its history and audit event."""
    values, details = _signed_values(actor, person, readiness, serial=new_serials(1)[0], on=on, title=title,
                                     supersedes=supersedes, store=key_store())
    cert = Certificate(person=person, batch_id=batch.id if batch is not None else None,
                       status_index=new_status_indexes(1)[0], **values)

    def write():
        # In the savepoint: the certificate with its history (again after a clash, which left both out).
        if not cert.events:
            add_event(cert, CertificateStatus.VALID, _issue_reason(supersedes), actor)
        db.session.add(cert)
        db.session.flush()

    def redraw():
        cert.status_index = new_status_indexes(1)[0]

    _written(write, redraw)
    record_event(actor, "certificate.issue", cert, after=details)
    notify_issued(cert)
    return cert


def create_many(actor, wanted: list[tuple[Person, object, Certificate | None]], *, batch: CertificateBatch,
                on: dt.date, title: str | None) -> int:
    """Issue a certificate for each (person, readiness, live certificate it replaces or None), in this
    order: the same rows, status history and audit events as one `create_certificate` each (and the
    replaced certificate marked superseded), written with a few statements for all of them instead of
    several for each. Returns how many were issued."""
    if not wanted:
        return 0
    store = key_store()
    rows, audits = [], []
    for (person, readiness, existing), serial, status_index in zip(wanted, new_serials(len(wanted)),
                                                                   new_status_indexes(len(wanted))):
        values, details = _signed_values(actor, person, readiness, serial=serial, on=on, title=title,
                                         supersedes=existing, store=store)
        rows.append({**values, "batch_id": batch.id, "status_index": status_index})
        audits.append(details)
    # One INSERT; the new ids are matched to the rows by serial (unique), as the order in which
    # RETURNING hands rows back is not guaranteed.

    def redraw():
        for row, status_index in zip(rows, new_status_indexes(len(rows))):
            row["status_index"] = status_index

    ids = dict(_written(lambda: db.session.execute(
        insert(Certificate).returning(Certificate.serial, Certificate.id), rows,
        execution_options={"render_nulls": True}).all(), redraw))  # NULLs inline keep every row in one statement
    _record_many_events(actor, [(ids[row["serial"]], row["serial"], existing)
                                for row, (_, _, existing) in zip(rows, wanted)])
    record_events(actor, "certificate.issue", [(None, {"object_type": Certificate.__tablename__,
                                                       "object_id": ids[row["serial"]], "after": details})
                                               for row, details in zip(rows, audits)])
    notify_batch_issued([person.id for person, _, _ in wanted], batch.profile_code, batch.id)
    return len(rows)


def _record_many_events(actor, issued: list[tuple[int, str, Certificate | None]]) -> None:
    """The history of certificates written by create_many: each new one issued, each replaced one superseded."""
    actor_id = getattr(actor, "id", None)
    events = [{"certificate_id": new_id, "status": CertificateStatus.VALID.value, "reason": _issue_reason(existing),
               "actor_id": actor_id} for new_id, _, existing in issued]
    replaced = [(existing.id, serial) for _, serial, existing in issued if existing is not None]
    events += [{"certificate_id": old_id, "status": CertificateStatus.SUPERSEDED.value,
                "reason": f"replaced by {serial}", "actor_id": actor_id} for old_id, serial in replaced]
    if replaced:
        db.session.execute(update(Certificate).where(Certificate.id.in_([old_id for old_id, _ in replaced]))
                           .values(recorded_status=CertificateStatus.SUPERSEDED.value),
                           execution_options={"synchronize_session": "evaluate"})
    db.session.execute(insert(CertificateStatusEvent), events)


class Unconfirmed(Invalid):
    """The certificate can be issued, but the issuer has not yet confirmed the warnings about it."""


@dataclass(frozen=True)
class IssueWarning:
    key: str        # "validity" or "audience"
    facts: dict     # what the message says, kept so that a bulk issue can word it again for each reader

    @property
    def message(self) -> str:
        return warning_message(self.key, self.facts)


def warning_message(key: str, facts: dict) -> str:
    """A warning in the reader's language, from its key and facts (as `warnings_against` gives them)."""
    if key == "validity":
        return ngettext(
            "The certificate would be valid for %(num)d day only, until %(date)s: less than the %(window)d days "
            "within which %(profile)s warns of expiry. The person should renew what lapses first.",
            "The certificate would be valid for %(num)d days only, until %(date)s: less than the %(window)d days "
            "within which %(profile)s warns of expiry. The person should renew what lapses first.",
            facts["days"], date=format_date(facts["until"], "dd MMM y"), window=facts["window"],
            profile=facts["profile"])
    return _("%(profile)s is meant for personnel of the category %(audience)s, and %(name)s is in the category "
             "%(category)s.", profile=facts["profile"], audience=label(CATEGORY_LABELS, facts["audience"]),
             name=facts["name"], category=label(CATEGORY_LABELS, facts["category"]))


def issue_warnings(person: Person, profile_code: str, readiness, on: dt.date) -> list[IssueWarning]:
    """What an issuer should know before certifying a ready person for the profile (see `warnings_against`)."""
    profile = db.session.scalar(select(ReadinessProfile).where(ReadinessProfile.code == profile_code))
    return warnings_against(profile, person, readiness, on) if profile is not None else []


def warnings_against(profile: ReadinessProfile, person: Person, readiness, on: dt.date) -> list[IssueWarning]:
    """The rule for every way of issuing (one person, a unit, a re-certification): a certificate that would
    lapse within the profile's warning window, and a profile meant for another category of personnel."""
    warnings = []
    until = valid_until_of(readiness)
    if until is not None and (until - on).days < profile.warning_days:
        warnings.append(IssueWarning("validity", {"days": (until - on).days, "until": until,
                                                  "window": profile.warning_days, "profile": profile.code}))
    if profile.audience and person.category and profile.audience != person.category:
        warnings.append(IssueWarning("audience", {"profile": profile.code, "audience": profile.audience,
                                                  "name": person.full_name_latin, "category": person.category}))
    return warnings


def require_confirmation(warnings: list[IssueWarning], confirmed: bool, message: str) -> None:
    """Unconfirmed, listing the warnings, unless there are none or the issuer has confirmed them."""
    if warnings and not confirmed:
        raise Unconfirmed(message, errors=[(w.key, w.message) for w in warnings])


def check_issue(actor, person_id, profile_code: str, *, on: dt.date | None = None) -> list[IssueWarning]:
    """The warnings issuing would bring, or a refusal (Invalid: not ready; Conflict: already certified),
    without writing anything."""
    on = on or today()
    person, readiness, _existing = _issuable(actor, person_id, profile_code, on)
    return issue_warnings(person, profile_code, readiness, on)


def _issuable(actor, person_id, profile_code: str, on: dt.date):
    person = get_scoped(actor, "person", person_id, "certificate.issue")
    if not profile_code:
        raise Invalid(_("Choose a readiness profile."), errors=[("profile", _("Choose a readiness profile."))])
    readiness = check_ready(person, profile_code, on)
    existing = current_certificate(person.id, profile_code)
    if existing is not None and computed_status(existing, on) in HELD:
        raise Conflict(_("%(name)s already holds certificate %(serial)s for %(profile)s. Re-certify it instead, so "
                         "that the old one is marked as replaced.", name=person.full_name_latin,
                         serial=existing.serial, profile=profile_code))
    return person, readiness, existing


def issue_certificate(actor, person_id, profile_code: str, *, on: dt.date | None = None,
                      confirmed: bool = False) -> Certificate:
    """A certificate for a person who is ready as of `on` (today). A refusal (Invalid, with every
    reason) comes before anything is written; so does Unconfirmed, listing the warnings (a short validity,
    a profile meant for other personnel) when the issuer has not confirmed them."""
    on = on or today()
    person, readiness, existing = _issuable(actor, person_id, profile_code, on)
    require_confirmation(issue_warnings(person, profile_code, readiness, on), confirmed,
                         _("Confirm that you issue this certificate despite the warnings."))
    if existing is not None:  # an expired certificate is replaced by the new one
        return _replace(actor, existing, readiness, on)
    return create_certificate(actor, person, readiness, on=on)


def check_recertify(actor, certificate_id, *, on: dt.date | None = None) -> list[IssueWarning]:
    """The warnings re-certifying would bring, or its refusal, without writing anything."""
    on = on or today()
    old, readiness = _recertifiable(actor, certificate_id, on)
    return issue_warnings(old.person, old.profile_code, readiness, on)


def recertify(actor, certificate_id, *, on: dt.date | None = None, confirmed: bool = False) -> Certificate:
    """A new certificate from today's readiness that replaces this one (marked superseded). Refusals and
    the warnings to confirm are those of issuing one."""
    on = on or today()
    old, readiness = _recertifiable(actor, certificate_id, on)
    require_confirmation(issue_warnings(old.person, old.profile_code, readiness, on), confirmed,
                         _("Confirm that you re-certify despite the warnings."))
    return _replace(actor, old, readiness, on)


def _recertifiable(actor, certificate_id, on: dt.date):
    old = get_scoped(actor, "certificate", certificate_id, "certificate.issue")
    if old.revoked_at is not None:
        raise Invalid(_("A revoked certificate cannot be re-certified. Issue a new certificate instead."))
    if old.recorded_status == CertificateStatus.SUPERSEDED:
        raise Conflict(_("This certificate has already been replaced by a newer one."))
    return old, check_ready(old.person, old.profile_code, on)


def _replace(actor, old: Certificate, readiness, on: dt.date) -> Certificate:
    """A new certificate linked to `old`, which is marked superseded."""
    new = create_certificate(actor, old.person, readiness, supersedes=old, on=on)
    add_event(old, CertificateStatus.SUPERSEDED, f"replaced by {new.serial}", actor)
    record_event(actor, "certificate.supersede", old, before={"status": computed_status(old, on).value},
                 after={"status": "superseded", "replaced_by": new.serial})
    db.session.flush()
    return new
