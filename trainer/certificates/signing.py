"""Ed25519 signing keys kept in the instance folder, the published public key set, and the signed
envelope and compact token that certificates carry.

Layout of the key folder (default <instance>/signing-keys/):
    <kid>.key    the private key (PKCS#8 PEM, file mode 0600); only the current key is needed to sign
    <kid>.pub    the raw 32-byte public key, base64url; every key ever used stays for verification
    current      the key id used for new signatures
    <kid>.pdf.key, <kid>.pdf.crt   the ECDSA key and X.509 certificate that sign whole PDF files while
                 <kid> is current (see pdf_signing.py); every certificate stays published

The key id is the first 16 hex digits of the SHA-256 of the raw public key, so anyone can recompute
it from a published key. Pure module: imports neither Flask nor the database.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from trainer.certificates import pdf_signing

ENVELOPE_FORMAT = "trainer-certificate/1"
TOKEN_PREFIX = "TC1"


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64u(text: str) -> bytes:
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key: Ed25519PublicKey) -> str:
    return hashlib.sha256(raw_public(public_key)).hexdigest()[:16]


def _write_exclusive(path: Path, data: bytes, mode: int) -> bool:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        return False
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    os.chmod(path, mode)
    return True


# Parsed private keys by file, with the file's identity when it was read: a bulk issue signs every
# certificate and its QR token, and parsing the PEM file each time cost more than the signature.
_LOADED_KEYS: dict[Path, tuple[tuple[int, ...], Ed25519PrivateKey]] = {}


class KeyStore:
    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)

    # --- keys ------------------------------------------------------------------------------
    def _generate(self) -> str:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        private = Ed25519PrivateKey.generate()
        kid = key_id(private.public_key())
        pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        _write_exclusive(self.folder / f"{kid}.key", pem, 0o600)
        _write_exclusive(self.folder / f"{kid}.pub", b64u(raw_public(private.public_key())).encode() + b"\n", 0o644)
        return kid

    def current_kid(self) -> str | None:
        path = self.folder / "current"
        if not path.exists():
            return None
        return path.read_text().strip() or None

    def ensure_current(self) -> str:
        """The current key id, generating the first key on first use (race-safe across workers)."""
        kid = self.current_kid()
        if kid:
            return kid
        new = self._generate()
        self.folder.mkdir(parents=True, exist_ok=True)
        if not _write_exclusive(self.folder / "current", new.encode() + b"\n", 0o644):
            # Another worker won the race: use its key; ours stays as an unused public key.
            return self.current_kid()
        return new

    def rotate(self, subject: str | None = None) -> str:
        """Make a new key current, with a new PDF issuing key and certificate when `subject` is given.
        Older public keys and certificates stay, so older certificates still verify."""
        self.ensure_current()
        new = self._generate()
        if subject:
            pdf_signing.ensure_issuing_key(self.folder, new, subject)
        tmp = self.folder / f"current.{os.getpid()}.tmp"
        tmp.write_text(new + "\n")
        os.replace(tmp, self.folder / "current")
        return new

    def ensure_issuing(self, subject: str) -> str:
        """The current key id, its PDF issuing key and certificate created on first use."""
        kid = self.ensure_current()
        pdf_signing.ensure_issuing_key(self.folder, kid, subject)
        return kid

    def sign_pdf(self, pdf: bytes, subject: str) -> bytes:
        """`pdf` signed as a whole file with the current PDF issuing key."""
        return pdf_signing.sign_pdf(pdf, self.folder, self.ensure_current(), subject)

    def issuing_certificates(self) -> list[pdf_signing.IssuingCertificate]:
        return pdf_signing.issuing_certificates(self.folder)

    def private_key(self, kid: str) -> Ed25519PrivateKey:
        path = self.folder / f"{kid}.key"
        stat = path.stat()
        version = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
        cached = _LOADED_KEYS.get(path)
        if cached is not None and cached[0] == version:
            return cached[1]
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"signing key {kid} is not an Ed25519 key")
        _LOADED_KEYS[path] = (version, key)
        return key

    def public_keys(self) -> dict[str, Ed25519PublicKey]:
        keys = {}
        if not self.folder.exists():
            return keys
        for path in sorted(self.folder.glob("*.pub")):
            public = Ed25519PublicKey.from_public_bytes(unb64u(path.read_text()))
            keys[key_id(public)] = public
        return keys

    def keyset(self) -> dict:
        current = self.current_kid()
        keys = []
        for kid, public in self.public_keys().items():
            created = dt.datetime.fromtimestamp((self.folder / f"{kid}.pub").stat().st_mtime, dt.timezone.utc)
            keys.append({"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": kid,
                         "x": b64u(raw_public(public)), "current": kid == current,
                         "created": created.replace(microsecond=0).isoformat().replace("+00:00", "Z")})
        keys.sort(key=lambda k: (not k["current"], k["created"]), reverse=False)
        # The X.509 certificates of the PDF signatures (not JWKs: they certify other keys than the above).
        certificates = [{"id": c.id, "kid": c.kid, "subject": c.subject, "current": c.kid == current,
                         "sha256": pdf_signing.fingerprint_sha256(c.certificate),
                         "created": c.created.isoformat().replace("+00:00", "Z"), "pem": c.pem}
                        for c in self.issuing_certificates()]
        certificates.sort(key=lambda c: (not c["current"], c["created"]))
        return {"keys": keys, "x509": certificates}

    def sign(self, data: bytes) -> tuple[str, bytes]:
        kid = self.ensure_current()
        return kid, self.private_key(kid).sign(data)


def keys_from_keyset(keyset: dict) -> dict[str, Ed25519PublicKey]:
    """Public keys from a published key set (JWK set of OKP/Ed25519 keys). Key ids are recomputed."""
    keys = {}
    for entry in keyset.get("keys", []):
        if entry.get("kty") != "OKP" or entry.get("crv") != "Ed25519":
            continue
        public = Ed25519PublicKey.from_public_bytes(unb64u(entry["x"]))
        keys[key_id(public)] = public
    return keys


def verify_signature(keys: dict[str, Ed25519PublicKey], kid: str, data: bytes, signature: bytes) -> bool:
    public = keys.get(kid)
    if public is None:
        return False
    try:
        public.verify(signature, data)
    except InvalidSignature:
        return False
    return True


# --- the envelope embedded in the PDF ----------------------------------------------------------

@dataclass
class Envelope:
    kid: str
    payload: bytes      # the canonical JSON bytes that were signed
    signature: bytes

    def to_bytes(self) -> bytes:
        # The payload is kept as the exact signed text (not re-encoded), so that one changed byte of
        # it is a changed signed message.
        return (b'{"format":"' + ENVELOPE_FORMAT.encode() + b'","kid":"' + self.kid.encode()
                + b'","signature":"' + b64u(self.signature).encode() + b'",\n"payload":' + self.payload + b"}\n")

    @classmethod
    def from_bytes(cls, data: bytes) -> "Envelope":
        head, sep, rest = data.partition(b',\n"payload":')
        if not sep:
            raise ValueError("the embedded certificate data is not in the expected format")
        meta = json.loads(head + b"}")
        if meta.get("format") != ENVELOPE_FORMAT:
            raise ValueError("the embedded certificate data has an unknown format")
        payload = rest.rstrip()
        if not payload.endswith(b"}}"):
            raise ValueError("the embedded certificate data is truncated")
        payload = payload[:-1]
        return cls(kid=meta["kid"], payload=payload, signature=unb64u(meta["signature"]))


# --- the compact token carried by the QR code ---------------------------------------------------

def make_token(kid: str, private_key: Ed25519PrivateKey, claims: dict) -> str:
    body = json.dumps(claims, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return f"{TOKEN_PREFIX}.{kid}.{b64u(body)}.{b64u(private_key.sign(body))}"


def read_token(token: str, keys: dict[str, Ed25519PublicKey]) -> dict | None:
    """The claims of an authentic token, or None."""
    try:
        prefix, kid, body, sig = token.split(".")
        if prefix != TOKEN_PREFIX:
            return None
        body_bytes = unb64u(body)
        if not verify_signature(keys, kid, body_bytes, unb64u(sig)):
            return None
        return json.loads(body_bytes)
    except (ValueError, TypeError):
        return None


# --- signed statements (a certificate's status, a list of statuses) ----------------------------------

def make_statement(kid: str, private_key: Ed25519PrivateKey, body: dict) -> dict:
    """`body` with the key id and an Ed25519 signature over its canonical JSON, so that a copy carried
    to a checkpoint without a connection can still be trusted."""
    from trainer.certificates.canonical import canonical_bytes

    return {**body, "kid": kid, "signature": b64u(private_key.sign(canonical_bytes(body)))}


def read_statement(document: dict, keys: dict[str, Ed25519PublicKey]) -> dict | None:
    """The body of an authentic signed statement, or None."""
    from trainer.certificates.canonical import canonical_bytes

    if not isinstance(document, dict):
        return None
    body = {k: v for k, v in document.items() if k not in ("kid", "signature")}
    try:
        data = canonical_bytes(body)
        signature = unb64u(str(document.get("signature", "")))
    except (TypeError, ValueError):
        return None
    return body if verify_signature(keys, str(document.get("kid", "")), data, signature) else None
