"""The signing keys: where they live, the published public key set, and checking a stored signature."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app

from trainer.certificates.models import Certificate
from trainer.certificates.signing import KeyStore, unb64u, verify_signature


def key_store() -> KeyStore:
    folder = current_app.config.get("CERTIFICATE_KEY_DIR") or str(Path(current_app.instance_path) / "signing-keys")
    return KeyStore(folder)


def issuer_subject() -> str:
    """The name in the X.509 certificate of the PDF signatures: what a PDF reader shows as the signer."""
    host = urlsplit(current_app.config["PUBLIC_URL"]).hostname or "localhost"
    return f"trainer certificates, {host}"


def public_keyset() -> dict:
    store = key_store()
    store.ensure_issuing(issuer_subject())
    return store.keyset()


def rotate_keys() -> tuple[str | None, str]:
    """(the key id that was current, the new one): a new Ed25519 key and a new PDF issuing key."""
    store = key_store()
    old = store.current_kid()
    return old, store.rotate(issuer_subject())


def signature_ok(cert: Certificate) -> bool:
    keys = key_store().public_keys()
    return verify_signature(keys, cert.key_id, cert.payload.encode("utf-8"), unb64u(cert.signature))
