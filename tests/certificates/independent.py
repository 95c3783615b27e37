"""A second, independent reading of the specifications the Open Badges exports follow, for the tests to
check the application against: eddsa-rdfc-2022 proof verification (W3C Data Integrity EdDSA Cryptosuites
v1.0, section 3.3.2), Multikey decoding, and Bitstring Status List decoding (W3C Bitstring Status List
v1.0, section 3.4). Built from pyld and cryptography directly; it imports nothing from trainer (the
JSON-LD contexts it reads are the vendored files, which are data, plus the W3C examples context the
specification's test vectors use).
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld import jsonld

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CONTEXT_FILES = {
    "https://www.w3.org/ns/credentials/v2": ROOT / "trainer/certificates/contexts/credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json":
        ROOT / "trainer/certificates/contexts/openbadges-v3p0-context-3.0.3.json",
    "https://www.w3.org/ns/cid/v1": ROOT / "trainer/certificates/contexts/cid-v1.jsonld",
    "https://w3id.org/security/multikey/v1": ROOT / "trainer/certificates/contexts/multikey-v1.jsonld",
    "https://www.w3.org/ns/credentials/examples/v2": HERE / "vectors/credentials-examples-v2.jsonld",
}
ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def offline_loader(url, options=None):
    if url not in CONTEXT_FILES:
        raise jsonld.JsonLdError("not available offline", "jsonld.LoadDocumentError", {"url": url},
                                 code="loading document failed")
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": json.loads(CONTEXT_FILES[url].read_text(encoding="utf-8"))}


def b58decode(text: str) -> bytes:
    value = 0
    for char in text:
        value = value * 58 + ALPHABET.index(char)
    zeros = len(text) - len(text.lstrip("1"))
    return b"\x00" * zeros + (value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b"")


def multikey_to_public(multibase: str) -> Ed25519PublicKey:
    assert multibase.startswith("z"), "publicKeyMultibase must be base58btc"
    raw = b58decode(multibase[1:])
    assert raw[:2] == b"\xed\x01" and len(raw) == 34, "not an Ed25519 Multikey"
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def _nquads(document: dict) -> str:
    return jsonld.normalize(document, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                       "documentLoader": offline_loader})


def _count_json(value) -> int:
    """How many values (strings, numbers, booleans) a compact JSON-LD document holds, its contexts apart."""
    if isinstance(value, dict):
        return sum(_count_json(v) for k, v in value.items() if k != "@context")
    if isinstance(value, list):
        return sum(_count_json(v) for v in value)
    return 0 if value is None else 1


def _count_expanded(value, relative: list) -> int:
    """How many of those values survive expansion: each becomes an @value, an @id or a node @type; an
    @id or @type that is not an absolute IRI is noted in `relative` (RDF drops it)."""
    if isinstance(value, list):
        return sum(_count_expanded(v, relative) for v in value)
    if not isinstance(value, dict):
        return 0
    if "@value" in value:
        return 1
    count = 0
    for key, item in value.items():
        if key == "@id":
            relative.extend([] if ":" in item else [item])
            count += 1
        elif key == "@type":
            types = item if isinstance(item, list) else [item]
            relative.extend(t for t in types if ":" not in t)
            count += len(types)
        else:
            count += _count_expanded(item, relative)
    return count


def _unsigned_values(document: dict) -> str:
    """Why part of the document would not be signed (what a JSON-LD processor in "safe mode" refuses):
    a property no context defines is dropped on expansion, a relative IRI on conversion to RDF."""
    relative: list[str] = []
    kept = _count_expanded(jsonld.expand(document, {"documentLoader": offline_loader}), relative)
    if kept != _count_json(document):
        return f"{_count_json(document) - kept} value(s) that no context defines"
    return f"relative IRIs {relative}" if relative else ""


@dataclass
class Verification:
    verified: bool
    problem: str = ""


def verify(secured: dict, public_key: Ed25519PublicKey) -> Verification:
    """Check the document's eddsa-rdfc-2022 proof with `public_key`. Like a JSON-LD processor in "safe
    mode", also refuse a document holding values its canonical form leaves out (a property that no context
    defines is not signed, so it could have been added afterwards)."""
    proofs = secured.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs] if proofs else []
    if len(proofs) != 1:
        return Verification(False, "expected exactly one proof")
    proof = proofs[0]
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != "eddsa-rdfc-2022":
        return Verification(False, "not an eddsa-rdfc-2022 DataIntegrityProof")
    value = proof.get("proofValue", "")
    if not value.startswith("z"):
        return Verification(False, "proofValue is not base58btc")
    unsecured = {k: v for k, v in secured.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    options["@context"] = unsecured["@context"]
    try:
        document_nquads = _nquads(unsecured)
        options_nquads = _nquads(options)
        unsigned = _unsigned_values(unsecured)
    except jsonld.JsonLdError as exc:
        return Verification(False, f"cannot canonicalise: {exc}")
    if unsigned:
        return Verification(False, f"outside the signed data: {unsigned}")
    data = hashlib.sha256(options_nquads.encode()).digest() + hashlib.sha256(document_nquads.encode()).digest()
    try:
        public_key.verify(b58decode(value[1:]), data)
    except InvalidSignature:
        return Verification(False, "the signature does not match")
    return Verification(True)


def decode_status_list(encoded: str) -> bytes:
    """The uncompressed bitstring of an encodedList ("u" + base64url without padding of GZIP data)."""
    assert encoded.startswith("u"), "encodedList must be multibase base64url"
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def status_value(bitstring: bytes, index: int, size: int) -> int:
    """The `size`-bit value of entry `index`, the first bit being the left-most bit of the first byte."""
    value = 0
    for position in range(index * size, index * size + size):
        bit = (bitstring[position // 8] >> (7 - position % 8)) & 1
        value = (value << 1) | bit
    return value
