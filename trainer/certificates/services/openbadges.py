"""Open Badges 3.0: a certificate exported as a signed OpenBadgeCredential, the issuer profile and public keys
at their published addresses, and the holder's choice of showing their name.

The issuer is an HTTPS address under TRAINER_PUBLIC_URL (PUBLIC_URL/openbadges/issuer), whose document is
both the Open Badges issuer Profile and the controller document of the keys; each key is a Multikey at
PUBLIC_URL/openbadges/keys/<key id>. Credentials are signed when they are exported, with the current
Ed25519 key, as eddsa-rdfc-2022 Data Integrity proofs.

The subject is identified by a salted SHA-256 hash of the person's identifier in this installation; the
salt is a secret kept with the signing keys, so the hash can be neither reversed nor recomputed from
guessed service numbers, yet stays the same across the person's credentials.
"""
from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from trainer.audit.services import record_event
from trainer.auth.scoping import get_scoped
from trainer.certificates import dataintegrity, ob3
from trainer.certificates.models import Certificate, OpenBadgeChoice
from trainer.certificates.services.documents import verify_url
from trainer.certificates.services.facts import payload_of
from trainer.certificates.services.keys import key_store
from trainer.certificates.services.public import find_by_serial
from trainer.curricula.models import Module, ReadinessProfile
from trainer.db import utcnow
from trainer.errors import Forbidden, NotFound
from trainer.extensions import db
from trainer.certificates.printed import latin_name, native_name

SALT_FILE = "openbadges-identity-salt"


# --- addresses ------------------------------------------------------------------------------------

def public_url() -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/")


def issuer() -> ob3.Issuer:
    name = current_app.config.get("OPENBADGES_ISSUER_NAME") or f"trainer ({urlsplit(public_url()).netloc})"
    return ob3.Issuer(id=f"{public_url()}/openbadges/issuer", name=name, url=public_url())


def key_url(kid: str) -> str:
    return f"{public_url()}/openbadges/keys/{kid}"


def status_list_url(number: int) -> str:
    return f"{public_url()}/openbadges/status/{number}"


# --- keys and signing --------------------------------------------------------------------------------

def sign(document: dict) -> dict:
    """`document` secured with the current signing key (eddsa-rdfc-2022), made now."""
    store = key_store()
    kid = store.ensure_current()
    return dataintegrity.add_proof(document, store.private_key(kid), verification_method=key_url(kid),
                                   created=ob3.timestamp(utcnow()))


def issuer_profile() -> dict:
    """The issuer Profile, listing every public key ever used (so that older credentials still verify)."""
    store = key_store()
    store.ensure_current()
    keys = [(key_url(kid), dataintegrity.public_key_multibase(public)) for kid, public in store.public_keys().items()]
    return ob3.issuer_document(issuer(), keys)


def key_document(kid: str) -> dict:
    public = key_store().public_keys().get(kid)
    if public is None:
        raise NotFound(_("There is no such key."))
    return ob3.key_document(key_url(kid), issuer().id, dataintegrity.public_key_multibase(public))


def identity_salt() -> str:
    """The installation's secret salt for subject identifiers, created with the keys on first use."""
    folder = Path(key_store().folder)
    path = folder / SALT_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Written whole under a name of its own, then linked into place: another worker sees either no
        # salt file or a complete one, and the first link made wins.
        draft = folder / f"{SALT_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another worker's salt is in place: use it
        finally:
            draft.unlink()
    return path.read_text().strip()


def subject_identity_hash(person_id: int) -> str:
    return ob3.identity_hash(f"person:{person_id}", identity_salt())


# --- the holder's choice --------------------------------------------------------------------------------

def includes_name(person_id: int) -> bool:
    choice = db.session.get(OpenBadgeChoice, person_id)
    return True if choice is None else choice.include_name


def is_holder(actor, cert: Certificate) -> bool:
    return getattr(actor, "person_id", None) is not None and actor.person_id == cert.person_id


def holder_choice(actor, cert: Certificate) -> bool | None:
    """For the certificate page: whether the holder's Open Badges show their name, when the actor is the
    holder (None for anyone else, who has no choice to make)."""
    return includes_name(cert.person_id) if is_holder(actor, cert) else None


def choose_name_in_badges(actor, certificate_id, include: bool) -> Certificate:
    """The holder's choice, for all their Open Badges: their printed name in them, or only the hashed
    identifier. Nobody else may make it."""
    cert = get_scoped(actor, "certificate", certificate_id, "certificate.read")
    if not is_holder(actor, cert):
        raise Forbidden(_("Only the holder of a certificate chooses whether their Open Badges show their name."))
    choice = db.session.get(OpenBadgeChoice, cert.person_id)
    before = True if choice is None else choice.include_name
    if choice is None:
        choice = OpenBadgeChoice(person_id=cert.person_id)
        db.session.add(choice)
    choice.include_name = bool(include)
    choice.chosen_at = utcnow()
    record_event(actor, "certificate.open_badge_name", object_type="person", object_id=cert.person_id,
                 before={"include_name": before}, after={"include_name": bool(include)})
    db.session.flush()
    return cert


# --- the credential -----------------------------------------------------------------------------------

def _text(value) -> str:
    if isinstance(value, dict):
        return value.get("en") or next(iter(value.values()), "")
    return value or ""


def _achievement(payload: dict) -> ob3.Achievement:
    code = payload["profile"]["code"]
    title = payload["profile"].get("title") or code
    profile = db.session.scalar(select(ReadinessProfile).where(ReadinessProfile.code == code))
    titles, current = {}, {}
    for module in db.session.scalars(select(Module).where(Module.code.in_([m["code"] for m in payload["modules"]]))):
        titles[module.code, module.version] = _text(module.title)
        if module.is_current:
            current[module.code] = _text(module.title)
    modules = tuple(ob3.ModuleFact(
        code=m["code"], version=None if m.get("state") == "waived" else m.get("version"),
        title=titles.get((m["code"], m.get("version"))) or current.get(m["code"], ""),
        url=f"{public_url()}/curricula/modules/{m['code']}" + (f"/v/{m['version']}" if m.get("version") else ""),
        waived=m.get("state") == "waived") for m in payload["modules"])
    exercise = None
    if profile is not None and profile.exercise_types and profile.exercise_within_months and profile.exercise_min_outcome:
        waived = any(e.get("state") == "waived" for e in payload.get("exercises", []))
        exercise = ob3.ExerciseRequirement(tuple(profile.exercise_types), profile.exercise_within_months,
                                           profile.exercise_min_outcome, waived)
    return ob3.Achievement(id=f"{public_url()}/curricula/profiles/{code}", code=code, title=title, modules=modules,
                           exercise=exercise, screening_required=profile is None or bool(profile.screening_required))


def printed_names(payload: dict) -> tuple[str, ...]:
    """The name as the certificate prints it: in Latin letters, and in its own script when that differs."""
    person = payload["person"]
    latin, native = latin_name(person), native_name(person)
    return tuple(dict.fromkeys(name for name in (latin, native) if name))


def credential_facts(cert: Certificate) -> ob3.CredentialFacts:
    payload = payload_of(cert)
    address = verify_url(cert)
    issued_at = dt.datetime.fromisoformat(payload["issued_at"].replace("Z", "+00:00"))
    status = ob3.StatusEntry(list_url=status_list_url(ob3.list_number(cert.status_index)),
                             index=ob3.list_position(cert.status_index), reference=address)
    return ob3.CredentialFacts(
        id=ob3.credential_id(address), issuer=issuer(), issued_at=issued_at, valid_until=cert.valid_until,
        achievement=_achievement(payload), identity_hash=subject_identity_hash(cert.person_id), status=status,
        names=printed_names(payload) if includes_name(cert.person_id) else ())


def signed_credential(cert: Certificate) -> dict:
    """The certificate as an OpenBadgeCredential, signed now with the current key."""
    return sign(ob3.credential_document(credential_facts(cert)))


@dataclass
class OpenBadge:
    cert: Certificate
    credential: dict

    @property
    def filename(self) -> str:
        return f"open-badge-{self.cert.serial}.json"


def get_open_badge(actor, certificate_id) -> OpenBadge:
    """The Open Badge of a certificate the actor may read (its holder's choice of name applies)."""
    cert = get_scoped(actor, "certificate", certificate_id, "certificate.read")
    return OpenBadge(cert, signed_credential(cert))


def open_badge_by_serial(serial: str) -> OpenBadge:
    """For the command line, which the installation's operator runs: any certificate by its serial."""
    cert = find_by_serial(serial)
    return OpenBadge(cert, signed_credential(cert))
