"""Issuing, reading, revoking and re-certifying certificates, and their public verification."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import and_, delete, func, insert, not_, or_, select, update
from sqlalchemy.exc import IntegrityError

from trainer.audit.services import record_event, record_events
from trainer.auth.models import RateEvent
from trainer.auth.scoping import get_scoped, in_scope, scope_condition
from trainer.certificates import serial as serials
from trainer.certificates.canonical import canonical_bytes, fingerprint
from trainer.certificates.models import (Certificate, CertificateBatch, CertificateStatus,
                                         CertificateStatusEvent)
from trainer.certificates.signing import KeyStore, b64u, make_token, unb64u, verify_signature
from trainer.db import utcnow
from trainer.enums import Screening
from trainer.errors import Conflict, Invalid, NotFound
from trainer.extensions import db
from trainer.org.models import Person



# --- keys ----------------------------------------------------------------------------------------

def key_store() -> KeyStore:
    folder = current_app.config.get("CERTIFICATE_KEY_DIR") or str(Path(current_app.instance_path) / "signing-keys")
    return KeyStore(folder)


def public_keyset() -> dict:
    store = key_store()
    store.ensure_current()
    return store.keyset()


# --- readiness (the engine is another domain's; reached only through its public functions) -------

def _engine():
    try:
        from trainer.readiness import engine
    except ImportError as exc:  # pragma: no cover - only while the readiness domain is absent
        raise Invalid("Readiness cannot be computed on this installation, so no certificate can be issued.") from exc
    return engine


def profile_choices() -> list[tuple[str, str]]:
    try:
        from trainer.curricula.models import ReadinessProfile
    except ImportError:
        return []
    rows = db.session.execute(select(ReadinessProfile.code, ReadinessProfile.title).order_by(ReadinessProfile.code)).all()
    return [(code, f"{code} — {_text(title)}" if _text(title) else code) for code, title in rows]


def _text(value) -> str:
    if isinstance(value, dict):
        return value.get("en") or next(iter(value.values()), "")
    return value or ""


def profile_title(code: str) -> str | None:
    return dict((c, label.split(" — ", 1)[-1]) for c, label in profile_choices()).get(code)


def today() -> dt.date:
    return utcnow().date()


# --- the certified facts -------------------------------------------------------------------------

def _iso(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def build_payload(person: Person, readiness, *, serial: str, issued_at: dt.datetime, issuer_name: str,
                  profile_title_text: str | None, supersedes: str | None) -> dict:
    modules, exercises, ends = [], [], []
    for req in readiness.requirements:
        evidence = req.evidence or {}
        if req.valid_until:
            ends.append(req.valid_until)
        if evidence.get("valid_until"):
            ends.append(evidence["valid_until"])
        if req.kind == "module":
            modules.append({"code": req.key, "version": evidence.get("module_version"),
                            "completed_on": _iso(evidence.get("completed_on")),
                            "valid_until": _iso(evidence.get("valid_until") or req.valid_until),
                            "state": "waived" if req.state == "waived" else "met"})
        elif req.kind == "exercise":
            if req.state == "waived" or not evidence:
                exercises.append({"code": None, "title": "Exercise requirement waived", "type": None,
                                  "rating": None, "ended_on": None, "state": "waived",
                                  "valid_until": _iso(req.valid_until)})
            else:
                # The engine's evidence is the credit row: exercise_code, exercise_title, exercise_type.
                exercises.append({"code": evidence.get("exercise_code"), "title": evidence.get("exercise_title"),
                                  "type": evidence.get("exercise_type"), "rating": evidence.get("rating"),
                                  "ended_on": _iso(evidence.get("ended_on")), "state": "met",
                                  "valid_until": _iso(req.valid_until)})
    valid_until = min((d if isinstance(d, dt.date) else dt.date.fromisoformat(d)) for d in ends) if ends else None
    return {
        "format": "trainer-certificate/1",
        "serial": serial,
        "issued_on": issued_at.date().isoformat(),
        "issued_at": issued_at.replace(microsecond=0),
        "valid_until": _iso(valid_until),
        "issuer": {"name": issuer_name},
        "profile": {"code": readiness.profile_code, "title": profile_title_text},
        "person": {
            "given_names": person.given_names, "family_name": person.family_name,
            "given_names_latin": person.given_names_latin, "family_name_latin": person.family_name_latin,
            "rank_code": person.rank_code, "national_rank": person.national_rank or "",
            "category": person.category, "nation_code": person.nation_code,
            "nation_name": person.nation.name if person.nation else person.nation_code,
            "unit_code": person.unit.code if person.unit else "", "unit_name": person.unit.name if person.unit else "",
            "service_number": person.service_number,
        },
        "modules": modules,
        "exercises": exercises,
        "supersedes": supersedes,
    }


def payload_of(cert: Certificate) -> dict:
    return json.loads(cert.payload)


def payload_fingerprint(cert: Certificate) -> str:
    return fingerprint(cert.payload.encode("utf-8"))


# --- status --------------------------------------------------------------------------------------

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


def _add_event(cert: Certificate, status: CertificateStatus, reason: str, actor) -> None:
    db.session.add(CertificateStatusEvent(certificate=cert, status=status.value, reason=reason,
                                          actor_id=getattr(actor, "id", None)))
    cert.recorded_status = status.value


def sync_status(cert: Certificate, on: dt.date | None = None) -> CertificateStatus:
    """The current status; a suspension (or its end) that follows from the person's screening is
    recorded in the history the first time it is seen."""
    status = computed_status(cert, on)
    recorded = CertificateStatus(cert.recorded_status)
    if status is CertificateStatus.SUSPENDED and recorded is not CertificateStatus.SUSPENDED:
        _add_event(cert, CertificateStatus.SUSPENDED, "screening on hold", None)
        record_event(None, "certificate.suspend", cert, after={"serial": cert.serial, "status": "suspended"},
                     reason="screening on hold")
        db.session.flush()
    elif recorded is CertificateStatus.SUSPENDED and status in (CertificateStatus.VALID, CertificateStatus.EXPIRED):
        _add_event(cert, CertificateStatus.VALID, "screening no longer on hold", None)
        record_event(None, "certificate.reinstate", cert, after={"serial": cert.serial, "status": "valid"},
                     reason="screening no longer on hold")
        db.session.flush()
    return status


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
    raise Invalid("Unknown status.", errors=[("status", "Choose a status from the list.")])


# --- issuing -------------------------------------------------------------------------------------

def check_ready(person: Person, profile_code: str, on: dt.date, readiness=None):
    """The readiness of `person`, or Invalid with every reason they cannot be certified."""
    if readiness is None:
        try:
            readiness = _engine().evaluate_person(person.id, profile_code, on)
        except NotFound as exc:
            raise Invalid(f"There is no readiness profile {profile_code!r}.",
                          errors=[("profile", "Choose a readiness profile from the list.")]) from exc
    reasons = [(r.key, r.reason) for r in readiness.requirements if r.state not in ("met", "waived", "expiring")]
    if person.screening != Screening.CLEARED and not any(k == "screening" for k, _ in reasons):
        reasons.append(("screening", f"Screening is {person.screening}: only a cleared person can be certified."))
    if reasons or not readiness.ready:
        raise Invalid(f"{person.full_name_latin} cannot be certified for {profile_code} as of {on.isoformat()}.",
                      errors=reasons or [("readiness", "Not ready.")])
    return readiness


def current_certificate(person_id: int, profile_code: str) -> Certificate | None:
    """The person's live certificate for the profile (not revoked and not superseded), if any."""
    return db.session.execute(
        select(Certificate).where(Certificate.person_id == person_id, Certificate.profile_code == profile_code,
                                  Certificate.revoked_at.is_(None),
                                  Certificate.recorded_status != CertificateStatus.SUPERSEDED.value)
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


def _written(write):
    """Run a write of new certificates; a clash with a concurrent re-certification is a Conflict."""
    try:
        return write()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict("This certificate was re-certified by someone else at the same time.") from exc


def _create(actor, person: Person, readiness, *, supersedes: Certificate | None = None,
            batch: CertificateBatch | None = None, on: dt.date, title: str | None = None) -> Certificate:
    values, details = _signed_values(actor, person, readiness, serial=new_serials(1)[0], on=on, title=title,
                                     supersedes=supersedes, store=key_store())
    cert = Certificate(person=person, batch_id=batch.id if batch is not None else None, **values)
    db.session.add(cert)
    _add_event(cert, CertificateStatus.VALID, _issue_reason(supersedes), actor)
    _written(db.session.flush)
    record_event(actor, "certificate.issue", cert, after=details)
    return cert


def create_many(actor, wanted: list[tuple[Person, object, Certificate | None]], *, batch: CertificateBatch,
                on: dt.date, title: str | None) -> int:
    """Issue a certificate for each (person, readiness, live certificate it replaces or None), in this
    order: the same rows, status history and audit events as one `_create` each (and the replaced
    certificate marked superseded), written with a few statements for all of them instead of several
    for each. Returns how many were issued."""
    if not wanted:
        return 0
    store = key_store()
    rows, audits = [], []
    for (person, readiness, existing), serial in zip(wanted, new_serials(len(wanted))):
        values, details = _signed_values(actor, person, readiness, serial=serial, on=on, title=title,
                                         supersedes=existing, store=store)
        rows.append({**values, "batch_id": batch.id})
        audits.append(details)
    # One INSERT; the new ids are matched to the rows by serial (unique), as the order in which
    # RETURNING hands rows back is not guaranteed.
    ids = dict(_written(lambda: db.session.execute(
        insert(Certificate).returning(Certificate.serial, Certificate.id), rows,
        execution_options={"render_nulls": True}).all()))  # NULLs inline keep every row in one statement
    actor_id = getattr(actor, "id", None)
    events = [{"certificate_id": ids[row["serial"]], "status": CertificateStatus.VALID.value,
               "reason": _issue_reason(existing), "actor_id": actor_id}
              for row, (_, _, existing) in zip(rows, wanted)]
    replaced = [(existing.id, row["serial"]) for row, (_, _, existing) in zip(rows, wanted) if existing is not None]
    events += [{"certificate_id": old_id, "status": CertificateStatus.SUPERSEDED.value,
                "reason": f"replaced by {serial}", "actor_id": actor_id} for old_id, serial in replaced]
    if replaced:
        db.session.execute(update(Certificate).where(Certificate.id.in_([old_id for old_id, _ in replaced]))
                           .values(recorded_status=CertificateStatus.SUPERSEDED.value),
                           execution_options={"synchronize_session": "evaluate"})
    db.session.execute(insert(CertificateStatusEvent), events)
    record_events(actor, "certificate.issue", [(None, {"object_type": Certificate.__tablename__,
                                                       "object_id": ids[row["serial"]], "after": details})
                                               for row, details in zip(rows, audits)])
    return len(rows)


def issue_certificate(actor, person_id, profile_code: str, *, on: dt.date | None = None) -> Certificate:
    on = on or today()
    person = get_scoped(actor, "person", person_id, "certificate.issue")
    if not profile_code:
        raise Invalid("Choose a readiness profile.", errors=[("profile", "Choose a readiness profile.")])
    readiness = check_ready(person, profile_code, on)
    existing = current_certificate(person.id, profile_code)
    if existing is not None and computed_status(existing, on) in (CertificateStatus.VALID, CertificateStatus.SUSPENDED):
        raise Conflict(f"{person.full_name_latin} already holds certificate {existing.serial} for {profile_code}. "
                       "Re-certify it instead, so that the old one is marked as replaced.")
    if existing is not None:  # an expired certificate is replaced by the new one
        return recertify(actor, existing.id, on=on, readiness=readiness)
    return _create(actor, person, readiness, on=on)


def recertify(actor, certificate_id, *, on: dt.date | None = None, readiness=None) -> Certificate:
    on = on or today()
    old = get_scoped(actor, "certificate", certificate_id, "certificate.issue")
    if old.revoked_at is not None:
        raise Invalid("A revoked certificate cannot be re-certified. Issue a new certificate instead.")
    if old.recorded_status == CertificateStatus.SUPERSEDED:
        raise Conflict("This certificate has already been replaced by a newer one.")
    readiness = check_ready(old.person, old.profile_code, on, readiness)
    new = _create(actor, old.person, readiness, supersedes=old, on=on)
    _add_event(old, CertificateStatus.SUPERSEDED, f"replaced by {new.serial}", actor)
    record_event(actor, "certificate.supersede", old, before={"status": computed_status(old, on).value},
                 after={"status": "superseded", "replaced_by": new.serial})
    db.session.flush()
    return new


def revoke_certificate(actor, certificate_id, reason: str) -> Certificate:
    cert = get_scoped(actor, "certificate", certificate_id, "certificate.issue")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise Invalid("Give the reason for revoking this certificate.",
                      errors=[("reason", "A reason of at least 5 characters is required.")])
    if cert.revoked_at is not None:
        raise Conflict("This certificate is already revoked.")
    before = computed_status(cert).value
    cert.revoked_at = utcnow()
    cert.revoked_reason = reason[:2000]
    cert.revoked_by_id = actor.id
    _add_event(cert, CertificateStatus.REVOKED, reason[:2000], actor)
    record_event(actor, "certificate.revoke", cert, before={"status": before}, after={"status": "revoked"},
                 reason=reason[:2000], serial=cert.serial)
    db.session.flush()
    return cert


# --- reading -------------------------------------------------------------------------------------

def get_certificate(actor, certificate_id, roles="certificate.read") -> Certificate:
    return get_scoped(actor, "certificate", certificate_id, roles)


def list_certificates(actor, *, status: str | None = None, profile: str | None = None, q: str | None = None,
                      person_id: int | None = None, on: dt.date | None = None):
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


def find_by_serial(typed: str) -> Certificate:
    try:
        serial = serials.normalise(typed)
    except serials.InvalidSerial as exc:
        raise Invalid(str(exc), errors=[("serial", str(exc))]) from exc
    cert = db.session.execute(select(Certificate).where(Certificate.serial == serial)).unique().scalar_one_or_none()
    if cert is None:
        raise NotFound("No certificate has this serial. Check it against the certificate and try again.")
    return cert


def signature_ok(cert: Certificate) -> bool:
    keys = key_store().public_keys()
    return verify_signature(keys, cert.key_id, cert.payload.encode("utf-8"), unb64u(cert.signature))


@dataclass
class PublicView:
    cert: Certificate
    payload: dict
    status: CertificateStatus
    full: bool            # the viewer's scope covers the person: service number, unit, exercises
    authentic: bool
    successor: str | None


def public_view(viewer, cert: Certificate, on: dt.date | None = None) -> PublicView:
    status = sync_status(cert, on)
    full = bool(viewer is not None and getattr(viewer, "is_authenticated", False)
                and in_scope(viewer, "certificate", cert, "anything"))
    successor = db.session.scalar(select(Certificate.serial).where(Certificate.supersedes_id == cert.id))
    return PublicView(cert, payload_of(cert), status, full, signature_ok(cert), successor)


# --- rate limiting (in the database, so that every worker sees every hit) ----------------------

def allow_request(bucket: str, limit: int, window_seconds: int = 60) -> bool:
    """Count one hit in `bucket`; False when more than `limit` hits fall inside the window."""
    now = utcnow()
    since = now - dt.timedelta(seconds=window_seconds)
    db.session.execute(delete(RateEvent).where(RateEvent.bucket == bucket, RateEvent.at < since))
    count = db.session.scalar(select(func.count()).select_from(RateEvent)
                              .where(RateEvent.bucket == bucket, RateEvent.at >= since))
    if count >= limit:
        return False
    db.session.add(RateEvent(bucket=bucket[:120], at=now))
    db.session.flush()
    return True


# --- rendering -----------------------------------------------------------------------------------

def qr_token(cert: Certificate) -> str:
    payload = payload_of(cert)
    person = payload["person"]
    claims = {"s": cert.serial, "n": f"{person['given_names_latin']} {person['family_name_latin']}".strip(),
              "p": cert.profile_code, "i": payload["issued_on"], "u": payload.get("valid_until"),
              "h": b64u(hashlib.sha256(cert.payload.encode("utf-8")).digest()[:16])}
    store = key_store()
    kid = store.ensure_current()
    return make_token(kid, store.private_key(kid), claims)


def verify_url(cert: Certificate) -> str:
    return f"{current_app.config['PUBLIC_URL']}/verify/{cert.serial}"


def render_pdf(cert: Certificate) -> bytes:
    from trainer.certificates.pdf import render_certificate
    from trainer.certificates.signing import Envelope

    envelope = Envelope(kid=cert.key_id, payload=cert.payload.encode("utf-8"), signature=unb64u(cert.signature))
    url = verify_url(cert)
    return render_certificate(payload_of(cert), envelope=envelope.to_bytes(), qr_text=f"{url}#t={qr_token(cert)}",
                              fingerprint=payload_fingerprint(cert), verify_url=url, key_id=cert.key_id)


def pdf_filename(cert: Certificate) -> str:
    person = cert.person
    safe = "".join(ch if ch.isalnum() else "-" for ch in f"{person.family_name_latin}-{person.given_names_latin}")
    return f"certificate-{cert.serial}-{safe.strip('-')[:60]}.pdf"
