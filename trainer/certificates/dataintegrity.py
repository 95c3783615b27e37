"""Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C "Data Integrity EdDSA Cryptosuites
v1.0", section 3.3), for JSON-LD documents whose contexts are kept in `contexts/`.

Signing: the document without its proof and the proof options (with the document's `@context`) are each
canonicalised to N-Quads by RDF Dataset Canonicalization (RDFC-1.0, which pyld implements under its
earlier name URDNA2015); the Ed25519 signature of SHA-256(options) || SHA-256(document) is the proof
value, multibase base58btc ("z...").

JSON-LD contexts are read only from `contexts/`: the document loader refuses every other address, so
signing never reaches the network and a document that names an unknown context cannot be signed. A
property that no context defines would silently fall out of the canonical form, and so out of what is
signed; `add_proof` refuses such a document instead.

Pure module: imports neither Flask nor the database.
"""
from __future__ import annotations

import copy
import hashlib
import json
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld

from trainer.certificates.signing import raw_public

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"
# The published address of each context -> its copy in contexts/ (sources in contexts/SOURCES.md).
CONTEXT_FILES = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "openbadges-v3p0-context-3.0.3.json",
    "https://www.w3.org/ns/cid/v1": "cid-v1.jsonld",
    "https://w3id.org/security/multikey/v1": "multikey-v1.jsonld",
}

# Multicodec prefix of an Ed25519 public key (ed25519-pub, 0xed as an unsigned varint).
ED25519_PUB = b"\xed\x01"
BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class UnsignableDocument(ValueError):
    """The document cannot be signed as it stands: a context that is not kept here, or a property that
    no context defines (it would not be covered by the signature)."""


# --- contexts ------------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _context_text(url: str) -> str:
    return (CONTEXTS_DIR / CONTEXT_FILES[url]).read_text(encoding="utf-8")


def load_document(url: str, options=None) -> dict:
    """The pyld document loader: a kept context, or an error for any other address (never the network)."""
    if url not in CONTEXT_FILES:
        raise jsonld.JsonLdError(f"The context {url} is not one of the contexts kept with the application.",
                                 "jsonld.LoadDocumentError", {"url": url}, code="loading document failed")
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": json.loads(_context_text(url))}


def _options(**more) -> dict:
    return {"documentLoader": load_document, **more}


def _refusal(what: str, exc: jsonld.JsonLdError) -> UnsignableDocument:
    url = (getattr(exc, "details", None) or {}).get("url")
    if url and url not in CONTEXT_FILES:
        return UnsignableDocument(f"the context {url} is not one of the contexts kept with the application")
    return UnsignableDocument(f"the document cannot be {what}: {exc}")


# --- multibase and Multikey ------------------------------------------------------------------------

def base58btc_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    text = ""
    while number:
        number, digit = divmod(number, 58)
        text = BASE58_ALPHABET[digit] + text
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + text


def base58btc_decode(text: str) -> bytes:
    number = 0
    for char in text:
        digit = BASE58_ALPHABET.find(char)
        if digit < 0:
            raise ValueError(f"{char!r} is not a base58btc character")
        number = number * 58 + digit
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def public_key_multibase(public_key: Ed25519PublicKey) -> str:
    """The `publicKeyMultibase` of a Multikey: "z" + base58btc(0xed01 || the raw 32-byte key)."""
    return "z" + base58btc_encode(ED25519_PUB + raw_public(public_key))


# --- canonical form and proofs ---------------------------------------------------------------------

def canonical_nquads(document: dict) -> str:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD document."""
    try:
        return jsonld.normalize(document, _options(algorithm="URDNA2015", format="application/n-quads"))
    except jsonld.JsonLdError as exc:
        raise _refusal("canonicalised", exc) from exc


def _shape(value):
    """A JSON value with every one-element list replaced by its element, for comparing shapes."""
    if isinstance(value, list):
        return _shape(value[0]) if len(value) == 1 else [_shape(v) for v in value]
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items() if k != "@context"}
    return value


def undefined_terms(document: dict) -> list[str]:
    """The paths of properties a JSON-LD processor would drop (no context defines them): expanding the
    document and compacting it again with its own context must give the document back."""
    try:
        expanded = jsonld.expand(document, _options())
        again = jsonld.compact(expanded, {"@context": document["@context"]}, _options())
    except jsonld.JsonLdError as exc:
        raise _refusal("expanded", exc) from exc
    missing: list[str] = []
    _compare(_shape(document), _shape(again), "", missing)
    return missing


def _compare(original, kept, path: str, missing: list[str]) -> None:
    if isinstance(original, dict) and isinstance(kept, str):
        kept = {"id": kept}  # a node left with nothing but its id compacts to the id alone
    if isinstance(original, dict) and isinstance(kept, dict):
        for key, value in original.items():
            if key not in kept:
                missing.append(f"{path}/{key}")
            else:
                _compare(value, kept[key], f"{path}/{key}", missing)
    elif isinstance(original, list) and isinstance(kept, list) and len(original) == len(kept):
        for number, (value, other) in enumerate(zip(original, kept)):
            _compare(value, other, f"{path}/{number}", missing)
    elif original != kept:
        missing.append(path or "/")


def _hash_data(document: dict, proof_options: dict) -> bytes:
    return (hashlib.sha256(canonical_nquads(proof_options).encode("utf-8")).digest()
            + hashlib.sha256(canonical_nquads(document).encode("utf-8")).digest())


def add_proof(document: dict, private_key: Ed25519PrivateKey, *, verification_method: str, created: str,
              proof_purpose: str = "assertionMethod") -> dict:
    """A copy of `document` secured with an eddsa-rdfc-2022 DataIntegrityProof made with `private_key`.
    `created` is an XML Schema dateTime ("2026-01-31T12:00:00Z")."""
    if "proof" in document:
        raise UnsignableDocument("the document already carries a proof")
    missing = undefined_terms(document)
    if missing:
        raise UnsignableDocument("no context defines " + ", ".join(missing))
    proof = {"type": PROOF_TYPE, "cryptosuite": CRYPTOSUITE, "created": created,
             "verificationMethod": verification_method, "proofPurpose": proof_purpose}
    signature = private_key.sign(_hash_data(document, {**proof, "@context": document["@context"]}))
    secured = copy.deepcopy(document)
    secured["proof"] = [{**proof, "proofValue": "z" + base58btc_encode(signature)}]
    return secured
