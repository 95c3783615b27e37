"""`certificates verify FILE.pdf --keys keys.json [--status ...]` against a forger: the authentic file
passes every check, and each tampering below fails, naming the check and the reason."""
from __future__ import annotations

import json
import re

import pytest

from tests import poppler
from tests.certificates import forgery
from trainer.certificates.services.documents import render_pdf

pytestmark = poppler.needs("pdftoppm")


@pytest.fixture
def signed(client, make_person, issue, tmp_path):
    """make() -> (certificate, its signed PDF) for सीता गुरुङ (Sita Gurung), or someone else; and the
    published key set file."""
    def make(given="सीता", family="गुरुङ", given_latin="Sita", family_latin="Gurung"):
        cert = issue(make_person(given_names=given, family_name=family, given_names_latin=given_latin,
                                 family_name_latin=family_latin))
        return cert, render_pdf(cert)
    keys = tmp_path / "keys.json"
    keys.write_text(client.get("/verify/keys.json").get_data(as_text=True))
    return make, keys


def verify(runner, tmp_path, data: bytes, keys, *extra):
    path = tmp_path / "checked.pdf"
    path.write_bytes(data)
    return runner.invoke(args=["certificates", "verify", str(path), "--keys", str(keys), *extra])


def failed(result) -> str:
    """The lines of the checks that failed."""
    assert result.exit_code == 1, result.output
    assert "NOT VERIFIED" in result.output
    return "\n".join(line for line in result.output.splitlines() if "[FAILED]" in line)


def test_the_authentic_file_passes_every_check(runner, client, signed, tmp_path):
    make, keys = signed
    cert, pdf = make()
    status = tmp_path / "status.json"
    status.write_text(client.get(f"/verify/{cert.serial}/status.json").get_data(as_text=True))
    result = verify(runner, tmp_path, pdf, keys, "--status", str(status))
    assert result.exit_code == 0, result.output
    for label in ("PDF signature", "Signed data", "Printed facts", "QR code", "Status"):
        assert re.search(rf"\[ok\] {label}:", result.output), label
    assert "covering" not in result.output and "unchanged since signing" in result.output
    assert "FAILED" not in result.output and "AUTHENTIC" in result.output and cert.serial in result.output


def _format(day) -> str:
    return day.isoformat()


TAMPERINGS = {}


def tampering(name):
    def register(function):
        TAMPERINGS[name] = function
        return function
    return register


@tampering("the Latin name changed by one byte")
def _latin_name(cert, pdf, other):
    return forgery.edit_page(pdf, lambda c: c.replace(forgery.drawn("Sita Gurung"), forgery.drawn("Sita Gurunq")),
                             incremental=False), ["PDF signature", 'draws "Sita Gurunq" where its text says "Sita Gurung"']


@tampering("the printed valid-until changed to another year")
def _valid_until(cert, pdf, other):
    day = cert.valid_until
    later = _format(day).replace(str(day.year), str(day.year + 2))

    def change(content):
        return content.replace(forgery.actual_text(_format(day)), forgery.actual_text(later)) \
            .replace(forgery.drawn(_format(day)), forgery.drawn(later))
    return forgery.edit_page(pdf, change, incremental=False), \
        ["PDF signature", f'the valid-until date is not printed as signed: the signed data says "{_format(day)}"']


@tampering("the QR code replaced by another certificate's")
def _qr(cert, pdf, other):
    theirs = forgery.qr_block(forgery.page_content(other[1]))
    return forgery.edit_page(pdf, lambda c: c.replace(forgery.qr_block(c), theirs), incremental=False), \
        ["PDF signature", "the QR code is another certificate's: its serial is"]


@tampering("an appended incremental update that shows another name")
def _update(cert, pdf, other):
    def change(content):
        return content.replace(forgery.actual_text("Sita Gurung"), forgery.actual_text("Rita Gurung")) \
            .replace(forgery.drawn("Sita Gurung"), forgery.drawn("Rita Gurung"))
    return forgery.edit_page(pdf, change, incremental=True), \
        ["bytes were added after the signed revision",
         'the Latin name is not printed as signed: the signed data says "Sita Gurung"']


@tampering("the file cut to 60% of its bytes")
def _cut(cert, pdf, other):
    return pdf[:len(pdf) * 6 // 10], ["PDF signature: the file"]


@tampering("its last 200 bytes removed")
def _tail(cert, pdf, other):
    return pdf[:-200], ["the file ends 200 bytes before the end of its signed data: it was cut short"]


@tampering("a re-save through another PDF library (pypdf)")
def _resave(cert, pdf, other):
    return forgery.resave(pdf), ["PDF signature: the file was written anew after signing"]


@tampering("the page swapped with another certificate's page")
def _swap(cert, pdf, other):
    return forgery.swap_page(pdf, other[1]), \
        ["PDF signature: the file was written anew after signing", 'the native name is not printed as signed: the signed data says "सीता गुरुङ"',
         "the QR code is another certificate's"]


@tampering("a glyph of the embedded font redrawn")
def _glyph(cert, pdf, other):
    return forgery.redraw_glyph(pdf), ["bytes were added after the signed revision"]


@tampering("the Ed25519 signature of the embedded data changed")
def _ed25519(cert, pdf, other):
    at = pdf.index(b'"signature":"') + len(b'"signature":"') + 5
    return pdf[:at] + (b"A" if pdf[at:at + 1] != b"A" else b"B") + pdf[at + 1:], \
        ["the file's bytes no longer match its PDF signature",
         "Signed data: the embedded data does not match its signature"]


@tampering("the PDF signature changed")
def _cms(cert, pdf, other):
    match = re.search(rb"/Contents <([0-9a-fA-F]+)>", pdf)
    digits = match.group(1).rstrip(b"0")
    at = match.start(1) + len(digits) - 3  # inside the signature value, at the end of the container
    flipped = b"1" if pdf[at:at + 1] != b"1" else b"2"
    return pdf[:at] + flipped + pdf[at + 1:], ["PDF signature: the PDF signature"]


@tampering("the embedded signed data changed")
def _payload(cert, pdf, other):
    at = pdf.index(b'"family_name_latin":"Gurung"') + len(b'"family_name_latin":"')
    return pdf[:at] + b"K" + pdf[at + 1:], \
        ["the file's bytes no longer match its PDF signature",
         "Signed data: the embedded data does not match its signature"]


@pytest.mark.parametrize("name", list(TAMPERINGS))
def test_each_tampering_fails_and_names_its_reason(name, runner, signed, tmp_path):
    make, keys = signed
    cert, pdf = make()
    other = make("माया", "राई", "Maya", "Rai")
    forged, reasons = TAMPERINGS[name](cert, pdf, other)
    assert forged != pdf
    lines = failed(verify(runner, tmp_path, forged, keys))
    for reason in reasons:
        assert reason in lines, f"{name}: {reason!r} not in\n{lines}"


def test_a_revoked_certificate_fails_with_its_status_file(runner, client, login_as, signed, tmp_path):
    make, keys = signed
    cert, pdf = make()
    login_as("admin")
    assert client.post(f"/certificates/{cert.id}/revoke", data={"reason": "Obtained by fraud", "confirm": "y"}).status_code == 302
    client.post("/logout")
    status = tmp_path / "status.json"
    status.write_text(client.get(f"/verify/{cert.serial}/status.json").get_data(as_text=True))
    lines = failed(verify(runner, tmp_path, pdf, keys, "--status", str(status)))
    assert "Status: the certificate is revoked" in lines
    assert lines.count("[FAILED]") == 1  # the file itself is authentic

    # The status edited back to valid: its signature no longer matches, and it is not believed.
    forged = json.loads(status.read_text())
    forged["status"] = "valid"
    status.write_text(json.dumps(forged))
    assert "is not signed by a published key: it cannot be trusted" in failed(
        verify(runner, tmp_path, pdf, keys, "--status", str(status)))


def test_the_exported_status_list_names_a_revoked_certificate_for_checkpoints(runner, client, login_as, signed,
                                                                          tmp_path):
    make, keys = signed
    cert, pdf = make()
    fine, fine_pdf = make("माया", "राई", "Maya", "Rai")
    login_as("admin")
    client.post(f"/certificates/{cert.id}/revoke", data={"reason": "Obtained by fraud", "confirm": "y"})
    listing = tmp_path / "statuses.json"
    result = runner.invoke(args=["certificates", "export-status", "--output", str(listing)])
    assert result.exit_code == 0, result.output
    assert json.loads(listing.read_text())["statuses"] == {cert.serial: "revoked"}
    assert "the certificate is revoked" in failed(verify(runner, tmp_path, pdf, keys, "--status", str(listing)))
    assert verify(runner, tmp_path, fine_pdf, keys, "--status", str(listing)).exit_code == 0


def test_keys_of_another_installation_trust_neither_the_data_nor_the_file(runner, signed, tmp_path):
    from trainer.certificates.signing import KeyStore

    make, _ = signed
    cert, pdf = make()
    stranger = KeyStore(tmp_path / "other")
    stranger.ensure_issuing("trainer certificates, elsewhere.example")
    keys = tmp_path / "other.json"
    keys.write_text(json.dumps(stranger.keyset()))
    lines = failed(verify(runner, tmp_path, pdf, keys))
    assert "a certificate that is not among the published ones" in lines
    assert "which is not among the trusted public keys" in lines


def _status_of(cert, keys_file, *, days_later: int, **options):
    """What the status check finds of `cert`'s status document (signed now) `days_later` days from now."""
    import datetime as dt

    from trainer.certificates.services.statements import status_document
    from trainer.certificates.signing import keys_from_keyset
    from trainer.certificates.verification import check_status
    from trainer.certificates.services.facts import payload_of

    document = status_document(cert)
    signed_on = dt.date.fromisoformat(document["as_of"][:10])
    keys = keys_from_keyset(json.loads(keys_file.read_text()))
    return check_status(document, "status.json", payload_of(cert), keys, signed_on + dt.timedelta(days=days_later),
                        **options)


def test_a_status_saved_long_ago_is_not_believed_since_it_cannot_tell_of_a_later_revocation(signed):
    make, keys = signed
    cert, _pdf = make()
    assert _status_of(cert, keys, days_later=7).ok  # a week-old copy still holds
    stale = _status_of(cert, keys, days_later=8)
    assert not stale.ok and stale.params["days"] == 8 and "may miss a revocation" in stale.message
    assert _status_of(cert, keys, days_later=8, max_age_days=30).ok  # a checkpoint may accept older copies


def test_a_status_saved_while_the_certificate_was_valid_does_not_pass_it_once_expired(signed):
    import datetime as dt

    make, keys = signed
    cert, _pdf = make()
    assert cert.valid_until is not None
    days = (cert.valid_until - dt.datetime.now(dt.timezone.utc).date()).days + 1  # the day after the printed date
    finding = _status_of(cert, keys, days_later=days, max_age_days=days)
    assert not finding.ok and finding.params["status"] == "expired"
