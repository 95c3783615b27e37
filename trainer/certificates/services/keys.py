"""The signing keys: where they live, the published public key set, and checking a stored signature."""
from __future__ import annotations

from pathlib import Path

from flask import current_app

from trainer.certificates.models import Certificate
from trainer.certificates.signing import KeyStore, unb64u, verify_signature


def key_store() -> KeyStore:
    folder = current_app.config.get("CERTIFICATE_KEY_DIR") or str(Path(current_app.instance_path) / "signing-keys")
    return KeyStore(folder)


def public_keyset() -> dict:
    store = key_store()
    store.ensure_current()
    return store.keyset()


def signature_ok(cert: Certificate) -> bool:
    keys = key_store().public_keys()
    return verify_signature(keys, cert.key_id, cert.payload.encode("utf-8"), unb64u(cert.signature))
