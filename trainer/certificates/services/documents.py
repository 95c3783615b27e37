"""The certificate as a document: its PDF, the verify address and signed token its QR code carries,
and its file name."""
from __future__ import annotations

import hashlib

from flask import current_app

from trainer.certificates.models import Certificate
from trainer.certificates.services.facts import payload_fingerprint, payload_of
from trainer.certificates.services.keys import issuer_subject, key_store
from trainer.certificates.signing import Envelope, b64u, make_token, unb64u
from trainer.certificates.printed import latin_name


def verify_url(cert: Certificate) -> str:
    return f"{current_app.config['PUBLIC_URL']}/verify/{cert.serial}"


def qr_token(cert: Certificate) -> str:
    """A compact token signed with the current key: enough for an offline check of the printed facts."""
    payload = payload_of(cert)
    person = payload["person"]
    claims = {"s": cert.serial, "n": latin_name(person),
              "p": cert.profile_code, "i": payload["issued_on"], "u": payload.get("valid_until"),
              "h": b64u(hashlib.sha256(cert.payload.encode("utf-8")).digest()[:16])}
    store = key_store()
    kid = store.ensure_current()
    return make_token(kid, store.private_key(kid), claims)


def render_unsigned_pdf(cert: Certificate) -> bytes:
    """The certificate's page without the signature over the file: for a merged print file only, which no
    single file signature could cover."""
    from trainer.certificates.pdf import render_certificate

    envelope = Envelope(kid=cert.key_id, payload=cert.payload.encode("utf-8"), signature=unb64u(cert.signature))
    url = verify_url(cert)
    return render_certificate(payload_of(cert), envelope=envelope.to_bytes(), qr_text=f"{url}#t={qr_token(cert)}",
                              fingerprint=payload_fingerprint(cert), verify_url=url, key_id=cert.key_id)


def render_pdf(cert: Certificate) -> bytes:
    """The certificate's PDF, signed as a whole file (PAdES) with the installation's issuing key."""
    return key_store().sign_pdf(render_unsigned_pdf(cert), issuer_subject())


def pdf_filename(cert: Certificate) -> str:
    person = cert.person
    safe = "".join(ch if ch.isalnum() else "-" for ch in f"{person.family_name_latin}-{person.given_names_latin}")
    return f"certificate-{cert.serial}-{safe.strip('-')[:60]}.pdf"
