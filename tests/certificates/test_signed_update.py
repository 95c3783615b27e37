"""The signing revision written by signed_update, checked by readers it was not written with: pyHanko's
validator (intact, genuine, the whole file, certified with no changes permitted), pypdf and poppler; and
files of another shape refused before anything is written. No database."""
from __future__ import annotations

import datetime as dt
import io
import re
import subprocess

import pytest
from reportlab.pdfgen.canvas import Canvas

from tests import poppler
from trainer.certificates import pdf_signing, signed_update


def _page(pages: int = 1, link: bool = False) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    for number in range(pages):
        canvas.drawString(72, 720, f"Readiness certificate, page {number + 1}")
        if link:
            canvas.linkURL("https://trainer.example.org/verify", (72, 700, 300, 730))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.fixture
def signing(tmp_path):
    pdf_signing.ensure_issuing_key(tmp_path, "k1", "trainer certificates, test")
    signer = pdf_signing.signer_for(tmp_path, "k1")
    return signer, pdf_signing.issuing_certificates(tmp_path)[0].certificate


def _validate(data: bytes, certificate):
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    [signature] = PdfFileReader(io.BytesIO(data)).embedded_signatures
    root = asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    return signature, validate_pdf_signature(signature, ValidationContext(trust_roots=[root], allow_fetching=False))


def test_pyhanko_finds_the_file_signed_whole_certified_and_unchanged(signing):
    from pyhanko.sign.fields import MDPPerm
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    signer, certificate = signing
    original = _page()
    signed = signer.sign(original)
    assert signed.startswith(original)  # an incremental update: the page's bytes are kept as they were
    signature, status = _validate(signed, certificate)
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert signature.docmdp_level == MDPPerm.NO_CHANGES and status.docmdp_ok and status.bottom_line
    assert signature.field_name == pdf_signing.SIGNATURE_FIELD
    # The catalog names it as the document's certification signature, so that a reader shows it as certified.
    assert signature.reader.root["/Perms"].raw_get("/DocMDP").idnum == signature.sig_field["/V"].container_ref.idnum
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert "Certificat de préparation" in signature.sig_object["/Reason"]


def test_one_byte_changed_anywhere_in_the_signed_range_breaks_it(signing):
    signer, certificate = signing
    signed = signer.sign(_page())
    at = signed.index(b"(ReportLab") + 1  # the document information: the producer's name
    _, status = _validate(signed[:at] + b"r" + signed[at + 1:], certificate)
    assert not status.intact


@poppler.needs("pdftotext")
def test_other_readers_open_the_signed_file(signing, tmp_path):
    from pypdf import PdfReader

    signer, _ = signing
    signed = signer.sign(_page())
    reader = PdfReader(io.BytesIO(signed))
    [field] = [f for f in reader.get_fields().values() if f.get("/FT") == "/Sig"]
    assert field["/V"]["/ByteRange"][0] == 0
    assert "Readiness certificate, page 1" in reader.pages[0].extract_text()
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    shown = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Readiness certificate, page 1" in shown


def _encrypted() -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1, encrypt="secret")
    canvas.drawString(72, 720, "Readiness certificate")
    canvas.save()
    return buffer.getvalue()


@pytest.mark.parametrize("shape, message", [
    (lambda signer: _page(pages=2), "one-page"),
    (lambda signer: _page(link=True), "annotations"),
    (lambda signer: signer.sign(_page()), "already updated"),
    (lambda signer: _encrypted(), "encrypted"),
    (lambda signer: b"%PDF-1.4\nnot a PDF", "startxref"),
    (lambda signer: _page().replace(b"xref\n0 ", b"xref\nX "), "cross-reference table cannot be read"),
    (lambda signer: _page().replace(b"/Type /Page\n", b"/Type /Pagx\n"), "is not a page"),
])
def test_a_file_of_another_shape_is_refused(signing, shape, message):
    signer, _ = signing
    with pytest.raises(ValueError, match=message):
        signer.sign(shape(signer))


@poppler.needs("pdfsig")
def test_poppler_finds_the_whole_document_signed_and_the_signature_valid(signing, tmp_path):
    signer, _ = signing
    path = tmp_path / "signed.pdf"
    path.write_bytes(signer.sign(_page()))
    report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Total document signed" in report and "Signature is Valid." in report
    assert f"Signature Field Name: {pdf_signing.SIGNATURE_FIELD}" in report


def test_each_signing_keeps_the_first_identifier_and_gives_the_revision_its_own(signing):
    signer, _ = signing
    original = _page()
    first = re.search(rb"/ID\s*\[\s*<([0-9a-f]+)>", original).group(1)
    revisions = [re.findall(rb"/ID \[ <([0-9a-f]+)> <([0-9a-f]+)> \]", signer.sign(original))[-1] for _ in range(2)]
    assert all(kept == first for kept, _ in revisions)
    assert revisions[0][1] != revisions[1][1] and revisions[0][1] != first


def test_a_container_larger_than_its_reserved_room_is_refused():
    with pytest.raises(ValueError, match="outgrew"):
        signed_update.sign(_page(), reserved=16, field="Signature", reason="test",
                           when=dt.datetime.now(dt.timezone.utc), container_for=lambda digest: bytes(9))


def test_the_byte_range_leaves_out_exactly_the_signature_contents(signing):
    signer, _ = signing
    signed = signer.sign(_page())
    found = re.search(rb"/ByteRange \[(\d+) (\d+) (\d+) (\d+)", signed)
    start, first, second, length = (int(n) for n in found.groups())
    assert (start, second + length) == (0, len(signed))
    assert signed[first:first + 1] == b"<" and signed[second - 1:second] == b">"
    assert re.fullmatch(rb"<[0-9A-F]+0*>", signed[first:second])


@pytest.mark.parametrize("field, when, message", [
    ("Certificate.Signature", dt.datetime.now(dt.timezone.utc), "field name"),
    ("CertificateSignature", dt.datetime.now(), "time zone"),
])
def test_a_partial_field_name_with_a_period_or_a_time_without_its_zone_is_refused(field, when, message):
    with pytest.raises(ValueError, match=message):
        signed_update.sign(_page(), reserved=64, field=field, reason="test", when=when,
                           container_for=lambda digest: bytes(8))
