"""The eddsa-rdfc-2022 Data Integrity suite the Open Badges exports are signed with: it reproduces the W3C
specification's test vector, the independent verifier the tests use accepts that vector and refuses it
altered, and a document that would not be wholly signed is refused."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tests.certificates import independent

VECTORS = Path(__file__).resolve().parent / "vectors"


def test_signing_reproduces_the_w3c_eddsa_rdfc_2022_test_vector(monkeypatch):
    """The signer gives the proof value the specification publishes for its test key and document, and the
    independent verifier accepts that signed document and refuses it once altered."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from trainer.certificates import dataintegrity

    files = {**dataintegrity.CONTEXT_FILES,
             "https://www.w3.org/ns/credentials/examples/v2": str(VECTORS / "credentials-examples-v2.jsonld")}
    monkeypatch.setattr(dataintegrity, "CONTEXT_FILES", files)
    dataintegrity._context_text.cache_clear()
    try:
        pair = json.loads((VECTORS / "w3c-keyPair.json").read_text())
        options = json.loads((VECTORS / "w3c-proofConfigDataInt.json").read_text())
        expected = json.loads((VECTORS / "w3c-signedDataInt.json").read_text())
        secret = independent.b58decode(pair["privateKeyMultibase"][1:])[2:]  # after the ed25519-priv prefix
        signed = dataintegrity.add_proof(json.loads((VECTORS / "w3c-unsigned.json").read_text()),
                                         Ed25519PrivateKey.from_private_bytes(secret),
                                         verification_method=options["verificationMethod"],
                                         created=options["created"])
    finally:
        dataintegrity._context_text.cache_clear()
    assert signed["proof"][0]["proofValue"] == expected["proof"]["proofValue"]
    public = independent.multikey_to_public(pair["publicKeyMultibase"])
    assert independent.verify(expected, public).verified
    altered = copy.deepcopy(expected)
    altered["credentialSubject"]["alumniOf"] = "The School of Forgeries"
    assert not independent.verify(altered, public).verified


def test_a_document_with_an_undefined_term_or_an_unknown_context_is_not_signed(monkeypatch):
    """What no context defines would not be covered by the signature, and contexts never come from the
    network: both are refused rather than signed."""
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("signing tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from trainer.certificates.dataintegrity import UnsignableDocument, add_proof

    key = Ed25519PrivateKey.generate()
    base = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
            "issuer": "https://issuer.example", "credentialSubject": {"id": "urn:x:1"}}
    with pytest.raises(UnsignableDocument, match="credentialSubject/nickname"):
        add_proof({**base, "credentialSubject": {"id": "urn:x:1", "nickname": "Tiger"}}, key,
                  verification_method="https://issuer.example/key", created="2026-01-01T00:00:00Z")
    with pytest.raises(UnsignableDocument, match="evil.jsonld is not one of the contexts kept"):
        add_proof({**base, "@context": [*base["@context"], "https://contexts.example/evil.jsonld"]}, key,
                  verification_method="https://issuer.example/key", created="2026-01-01T00:00:00Z")
