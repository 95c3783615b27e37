"""The PDF signature over a whole certificate file: an ECDSA P-256 issuing key with a self-signed X.509
certificate, kept beside the Ed25519 keys, and a PAdES baseline B-B signature: its CMS container is
pyHanko's, made once per key (_Template), and the revision that carries it is written by signed_update.

The Ed25519 signature inside the file proves the certified data; this one proves the file: a PDF reader
shows it as signed and unmodified, and any later byte (an incremental update, a re-save, a cut) breaks
it. ECDSA P-256 with SHA-256 is accepted by Adobe Acrobat Reader and by pyHanko's validator (Ed25519
PDF signatures are not accepted by Acrobat). The signature certifies the document with no changes
permitted (DocMDP P=1), so a reader also says that nothing may be added after it.

Files, in the key folder, for each Ed25519 key id `<kid>` that has signed PDFs:
    <kid>.pdf.key    the ECDSA private key (PKCS#8 PEM, file mode 0600)
    <kid>.pdf.crt    its self-signed X.509 certificate (PEM), published with the public keys

Pure module: imports neither Flask nor the database.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from trainer.files import create_whole

KEY_SUFFIX = ".pdf.key"
CERT_SUFFIX = ".pdf.crt"
SIGNATURE_FIELD = "CertificateSignature"
# RFC 5280 4.1.2.5: a certificate with no well-defined expiration date. A certificate PDF may be checked
# decades after it was issued; a self-signed issuing certificate that expired would make it fail.
NO_EXPIRY = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.timezone.utc)


def certificate_id(certificate: x509.Certificate) -> str:
    """The first 16 hex digits of the SHA-256 of the certificate (DER): recomputable by anyone."""
    return certificate.fingerprint(hashes.SHA256()).hex()[:16]


def _self_signed(private_key: ec.EllipticCurvePrivateKey, subject: str, kid: str) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject[:64]),
                      x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"Certificate signing key {kid}")])
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    public = private_key.public_key()
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(NO_EXPIRY)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .sign(private_key, hashes.SHA256()))


def outside_event_loop(work):
    """Run `work` (pyHanko's container for a template, or its validation, which drive their coroutines with
    asyncio.run) here, or on a thread of its own when this thread already runs an event loop (an async
    server, or a library driving one), where asyncio.run refuses."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


@dataclass(frozen=True)
class IssuingCertificate:
    kid: str                      # the Ed25519 key id it goes with
    certificate: x509.Certificate
    created: dt.datetime

    @property
    def pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")

    @property
    def id(self) -> str:
        return certificate_id(self.certificate)

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()


def ensure_issuing_key(folder: str | os.PathLike, kid: str, subject: str) -> None:
    """Create the ECDSA key and its certificate for the Ed25519 key `kid`, unless they exist."""
    folder = Path(folder)
    key_path, cert_path = folder / f"{kid}{KEY_SUFFIX}", folder / f"{kid}{CERT_SUFFIX}"
    if not key_path.exists():
        fresh = ec.generate_private_key(ec.SECP256R1())
        create_whole(key_path, fresh.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption()), 0o600)
    if not cert_path.exists():
        # Whichever key won the race is the one certified (re-read from the file).
        private = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        certificate = _self_signed(private, subject, kid)
        create_whole(cert_path, certificate.public_bytes(serialization.Encoding.PEM), 0o644)


def issuing_certificates(folder: str | os.PathLike) -> list[IssuingCertificate]:
    """Every issuing certificate in the folder, oldest first: all stay published, so that every PDF
    ever signed can still be checked."""
    folder = Path(folder)
    found = []
    if not folder.exists():
        return found
    for path in folder.glob(f"*{CERT_SUFFIX}"):
        certificate = x509.load_pem_x509_certificate(path.read_bytes())
        created = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).replace(microsecond=0)
        found.append(IssuingCertificate(path.name[:-len(CERT_SUFFIX)], certificate, created))
    found.sort(key=lambda c: (c.certificate.not_valid_before_utc, c.created, c.kid))
    return found


# --- signing ---------------------------------------------------------------------------------------

REASON = ("Readiness certificate issued and signed by this installation / "
          "Certificat de préparation délivré et signé par cette installation")


class _Signer:
    """The signer for one issuing key, with the CMS signature container made once.

    pyHanko builds the container from scratch for each file (about 25 ms of ASN.1 encoding here, more
    than the whole page). Everything in a PAdES B-B container but two values is the same for every
    file: the certificate, the algorithms and the signed attributes (content type, signing certificate
    v2). So pyHanko's own container for a marker digest is kept as a template, and each file gets it
    with the marker replaced by the document's digest and the signature value computed over the signed
    attributes; the outer lengths are re-encoded around the new signature value, which ends the
    container. The revision that carries it is written by signed_update."""

    def __init__(self, key_path: Path, cert_path: Path):
        self.private_key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if not isinstance(self.private_key, ec.EllipticCurvePrivateKey):
            raise ValueError(f"{key_path.name} is not an ECDSA key")
        self.certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
        self.template: _Template | None = None

    def sign(self, pdf: bytes) -> bytes:
        from trainer.certificates import signed_update

        if self.template is None:
            self.template = outside_event_loop(lambda: _Template.made_by(self.private_key, self.certificate))
        template = self.template
        return signed_update.sign(pdf, reserved=template.reserved, field=SIGNATURE_FIELD, reason=REASON,
                                  when=dt.datetime.now(dt.timezone.utc),
                                  container_for=lambda digest: template.container(digest, self.private_key))


def _der_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    body = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _read_header(der: bytes, at: int) -> tuple[int, int]:
    """(offset of the contents, length of the contents) of the DER element starting at `at`."""
    first = der[at + 1]
    if first < 0x80:
        return at + 2, first
    count = first & 0x7F
    return at + 2 + count, int.from_bytes(der[at + 2:at + 2 + count], "big")


@dataclass
class _Template:
    """A CMS ContentInfo cut into the parts that stay and the two that change."""
    outer: list[tuple[bytes, bytes]]   # (tag, contents before the next level) from ContentInfo inwards
    before_attrs: bytes                # SignerInfo contents before the signed attributes
    attrs: bytes                       # the signed attributes element ([0] IMPLICIT), with the marker digest
    between: bytes                     # SignerInfo contents from the attributes to the signature value
    marker: bytes
    reserved: int

    @classmethod
    def made_by(cls, private_key: ec.EllipticCurvePrivateKey, certificate: x509.Certificate) -> "_Template":
        """The template cut from pyHanko's PAdES container for a random marker digest (pyHanko is imported
        here, on first use: it takes seconds to import, and only this and checking a file need it)."""
        import asyncio

        from asn1crypto import cms, keys as asn1_keys, x509 as asn1_x509
        from pyhanko.sign import signers

        der_key = private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption())
        signer = signers.SimpleSigner(
            signing_cert=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
            signing_key=asn1_keys.PrivateKeyInfo.load(der_key), cert_registry=None)
        marker = os.urandom(32)
        container = asyncio.run(signer.async_sign(marker, "sha256", use_pades=True))
        der = container.dump()
        # ContentInfo > [0] > SignedData > signerInfos SET > SignerInfo: each is the last element of
        # the one around it, and the signature value is the last element of the SignerInfo.
        outer, at = [], 0
        for depth in range(5):
            start, length = _read_header(der, at)
            if start + length != len(der):
                raise ValueError("unexpected CMS layout")
            if depth == 4:
                break
            last = _last_child(der, start, start + length)
            outer.append((der[at:at + 1], der[start:last]))
            at = last
        signer_info_start, _ = _read_header(der, at)
        parsed = cms.ContentInfo.load(der)["content"]["signer_infos"][0]
        if parsed["unsigned_attrs"].native is not None:
            raise ValueError("unexpected unsigned attributes")
        attrs_der = parsed["signed_attrs"].dump()
        attrs_at = der.index(attrs_der, signer_info_start)
        signature_at = _last_child(der, signer_info_start, len(der))
        if der.count(marker) != 1 or not attrs_at < der.index(marker) < signature_at:
            raise ValueError("the marker digest is not in the signed attributes")
        return cls(outer=outer, before_attrs=der[signer_info_start:attrs_at], attrs=attrs_der,
                   between=der[attrs_at + len(attrs_der):signature_at], marker=marker, reserved=2 * (len(der) + 64))

    def container(self, digest: bytes, private_key: ec.EllipticCurvePrivateKey) -> bytes:
        attrs = self.attrs.replace(self.marker, digest)
        # RFC 5652 5.4: the signature is computed over the attributes encoded as a SET OF (tag 0x31).
        signature = private_key.sign(b"\x31" + attrs[1:], ec.ECDSA(hashes.SHA256()))
        inner = self.before_attrs + attrs + self.between + b"\x04" + _der_length(len(signature)) + signature
        element = b"\x30" + _der_length(len(inner)) + inner     # SignerInfo
        for tag, head in reversed(self.outer):
            body = head + element
            element = tag + _der_length(len(body)) + body
        return element


def _last_child(der: bytes, start: int, end: int) -> int:
    """The offset of the last element inside contents der[start:end]."""
    at = last = start
    while at < end:
        last = at
        contents, length = _read_header(der, at)
        at = contents + length
    return last


# Signers by key file and the files' identities when they were read: a bulk issue signs every PDF
# with the same key, and reading the key and making the container template once is what keeps it fast.
_SIGNERS: dict[Path, tuple[tuple, _Signer]] = {}
_LOCK = threading.Lock()


def signer_for(folder: str | os.PathLike, kid: str) -> _Signer:
    folder = Path(folder)
    key_path, cert_path = folder / f"{kid}{KEY_SUFFIX}", folder / f"{kid}{CERT_SUFFIX}"
    stats = key_path.stat(), cert_path.stat()
    version = tuple((s.st_dev, s.st_ino, s.st_size, s.st_mtime_ns) for s in stats)
    cached = _SIGNERS.get(key_path)
    if cached is not None and cached[0] == version:
        return cached[1]
    with _LOCK:
        signer = _Signer(key_path, cert_path)
        _SIGNERS[key_path] = (version, signer)
    return signer


def sign_pdf(pdf: bytes, folder: str | os.PathLike, kid: str, subject: str) -> bytes:
    """`pdf` with a certifying PDF signature over the whole file, made with the issuing key of `kid`
    (created with its certificate on first use)."""
    folder = Path(folder)
    if not (folder / f"{kid}{CERT_SUFFIX}").exists():
        ensure_issuing_key(folder, kid, subject)
    signer = signer_for(folder, kid)
    return signer.sign(pdf)


def fingerprint_sha256(certificate: x509.Certificate) -> str:
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def certificates_from_keyset(keyset: dict) -> list[x509.Certificate]:
    """The issuing certificates of a published key set (its "x509" entries, PEM)."""
    found = []
    for entry in keyset.get("x509", []) or []:
        if isinstance(entry, dict) and isinstance(entry.get("pem"), str):
            found.append(x509.load_pem_x509_certificate(entry["pem"].encode("ascii")))
    return found
