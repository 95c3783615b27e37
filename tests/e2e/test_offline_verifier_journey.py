"""A checkpoint without a connection: the offline verifier is downloaded from the public keys page, opened
from the disk in a browser with the network blocked, and checks a real certificate's QR token (authentic,
with the certified facts) and a tampered one (refused, with the reason); in a browser whose WebCrypto has
no Ed25519, the verifier included in the file gives the same answers."""
from __future__ import annotations

import re

import pytest

from tests.certificates.builders import PROFILE, issuer, make_ready

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with the reason
    expect = None

# A browser without Ed25519 in WebCrypto (older Firefox and Safari): importKey refuses the algorithm.
NO_WEBCRYPTO_ED25519 = """
(() => {
  const importKey = crypto.subtle.importKey.bind(crypto.subtle);
  crypto.subtle.importKey = (format, key, algorithm, ...rest) =>
    ((algorithm && (algorithm.name || algorithm)) === "Ed25519")
      ? Promise.reject(new DOMException("Algorithm: Unrecognized name", "NotSupportedError"))
      : importKey(format, key, algorithm, ...rest);
})();
"""


@pytest.fixture
def qr_text(live_server):
    """The text of a real certificate's QR code: its verify address and signed token."""
    from trainer.certificates.services.documents import qr_token, verify_url
    from trainer.certificates.services.issuing import issue_certificate
    from trainer.extensions import db
    from trainer.org.people import create_person
    from trainer.org.services import create_unit, ensure_nation

    with live_server.app.app_context():
        ensure_nation("NPL")
        unit = create_unit(None, nation_code="NPL", code="NPBATT-3", name="Nepalese Battalion 3", kind="battalion")
        person = create_person(None, {
            "nation": "NPL", "unit_id": unit.id, "service_number": "NA-112233", "family_name": "थापा",
            "given_names": "राम बहादुर", "family_name_latin": "Thapa", "given_names_latin": "Ram Bahadur",
            "rank_code": "OF-2", "national_rank": "Captain", "category": "military", "email": None,
            "screening": "cleared"})
        db.session.commit()
        make_ready(db, person)
        cert = issue_certificate(issuer(db), person.id, PROFILE)
        db.session.commit()
        return cert.serial, f"{verify_url(cert)}#t={qr_token(cert)}", _other_signed_data(cert)


def _other_signed_data(cert) -> str:
    """A token whose body is the certificate's public status statement, signed with the same key as its QR
    code: authentic, but not a certificate's QR token."""
    from trainer.certificates.canonical import canonical_bytes
    from trainer.certificates.services.statements import status_document
    from trainer.certificates.signing import b64u

    statement = status_document(cert)
    body = canonical_bytes({k: v for k, v in statement.items() if k not in ("kid", "signature")})
    return f"TC1.{statement['kid']}.{b64u(body)}.{statement['signature']}"


def _tampered(text: str) -> str:
    """One character of the token's signed body changed."""
    prefix, token = text.split("#t=")
    version, kid, body, signature = token.split(".")
    body = body[:10] + ("A" if body[10] != "A" else "B") + body[11:]
    return f"{prefix}#t={version}.{kid}.{body}.{signature}"


def _check(page, text: str) -> None:
    page.get_by_label("QR code or token").fill(text)
    page.get_by_role("button", name="Check").click()


def test_the_offline_verifier_checks_tokens_with_no_network(page, browser, live_server, qr_text, tmp_path):
    serial, text, statement = qr_text
    page.goto(f"{live_server.url}/verify/keys")
    expect(page.get_by_role("heading", name="Public keys for checking certificates")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the offline verifier").click()
    verifier = tmp_path / "trainer-offline-verifier.html"
    info.value.save_as(verifier)
    live_server.stop()  # nothing is there to answer any more, and the browser is offline too

    for init_script, engine in ((None, "Checked with this browser's own Ed25519."),
                                (NO_WEBCRYPTO_ED25519, "Checked with the Ed25519 verifier included in this file.")):
        context = browser.new_context(offline=True, locale="en-GB", service_workers="block")
        requests = []
        context.on("request", lambda request: requests.append(request.url))
        if init_script:
            context.add_init_script(init_script)
        checkpoint = context.new_page()
        try:
            checkpoint.goto(verifier.as_uri())
            expect(checkpoint.get_by_role("heading", name="Offline certificate verifier")).to_be_visible()

            _check(checkpoint, text)
            result = checkpoint.get_by_role("status")
            expect(result).to_contain_text("Authentic")
            expect(result).not_to_contain_text("Not authentic")
            expect(result).to_contain_text(serial)
            expect(result).to_contain_text("Ram Bahadur Thapa")
            expect(result).to_contain_text(PROFILE)
            expect(result).to_contain_text(engine)

            _check(checkpoint, _tampered(text))
            expect(result).to_contain_text("Not authentic")
            expect(result).to_contain_text("The signature does not match")
            expect(result).not_to_contain_text("Ram Bahadur Thapa")

            _check(checkpoint, statement)  # the key's signature holds, but over a status statement
            expect(result).to_contain_text("Not authentic")
            expect(result).to_contain_text("it is not a certificate's QR code")

            _check(checkpoint, "TC1.0123456789abcdef.e30.AAAA")
            expect(result).to_contain_text("which is not among the keys in this file")
        finally:
            context.close()
        assert [url for url in requests if not url.startswith("file:")] == []
        assert re.fullmatch(r"file://.*trainer-offline-verifier\.html", requests[0])
