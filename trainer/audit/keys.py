"""The audit log's two keys, kept in a folder outside the database (default <instance>/audit-keys/):

    chain.key        32 random bytes (hex), the HMAC key of the event hashes and of the head (mode 0600)
    checkpoint.key   the Ed25519 private key that signs checkpoints (PKCS#8 PEM, mode 0600)
    checkpoint.pub   its raw public key, base64url (mode 0644); enough to check the checkpoint file

Both are generated on first use by whoever writes first (a web worker or a command); a concurrent
first use by two processes keeps one key. Pure module: imports neither Flask nor the database.
"""
from __future__ import annotations

import base64
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from trainer.files import create_whole

CHAIN_KEY = "chain.key"
CHECKPOINT_KEY = "checkpoint.key"
CHECKPOINT_PUB = "checkpoint.pub"

# Parsed keys by file and the file's identity when read: a bulk write hashes hundreds of events.
_CACHE: dict[Path, tuple[tuple[int, ...], object]] = {}


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _publish(path: Path, data: bytes, mode: int) -> bool:
    """Write a complete file at `path` unless one is already there (a reader never sees half a key), in a
    folder only this account may read. False when another process published first."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    return create_whole(path, data, mode)


def _cached(path: Path, parse):
    stat = path.stat()
    version = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    hit = _CACHE.get(path)
    if hit is not None and hit[0] == version:
        return hit[1]
    value = parse(path.read_bytes())
    _CACHE[path] = (version, value)
    return value


class AuditKeys:
    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)

    # --- the chain's HMAC key -------------------------------------------------------------------
    def chain_key(self, *, create: bool = False) -> bytes | None:
        path = self.folder / CHAIN_KEY
        if not path.exists():
            if not create:
                return None
            _publish(path, secrets.token_hex(32).encode() + b"\n", 0o600)
        return _cached(path, lambda data: bytes.fromhex(data.decode().strip()))

    # --- the checkpoint signing key -------------------------------------------------------------
    def signing_key(self, *, create: bool = False) -> Ed25519PrivateKey | None:
        path = self.folder / CHECKPOINT_KEY
        if not path.exists():
            if not create:
                return None
            private = Ed25519PrivateKey.generate()
            pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
            _publish(path, pem, 0o600)
        key = _cached(path, lambda data: serialization.load_pem_private_key(data, password=None))
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} is not an Ed25519 private key")
        pub = self.folder / CHECKPOINT_PUB
        if create and not pub.exists():  # published by whoever signs, never by a reader
            raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            _publish(pub, b64u(raw).encode() + b"\n", 0o644)
        return key

    def public_keys(self) -> dict[str, Ed25519PublicKey]:
        """The checkpoint verification key by key id: the signing key's own when it is here, else the
        published one (a folder copied to an auditor may hold checkpoint.pub alone)."""
        private = self.signing_key()
        if private is not None:
            return {public_key_id(private.public_key()): private.public_key()}
        pub = self.folder / CHECKPOINT_PUB
        if not pub.exists():
            return {}
        public = Ed25519PublicKey.from_public_bytes(unb64u(pub.read_text().strip()))
        return {public_key_id(public): public}
