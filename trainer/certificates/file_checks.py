"""The checks of a certificate file that look at the file itself: its PDF signature (pyHanko), the text
its page prints and the QR code drawn on it. Each returns findings (see verification.py); messages are
marked for translation with N_ and translated where they are shown.

Pure module: imports neither Flask nor the database. pyHanko, pypdf and zxing-cpp are imported when a
file is checked; rendering the page needs poppler's pdftoppm.
"""
from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from trainer.certificates import printed
from trainer.certificates.pdf_signing import certificate_id
from trainer.certificates.signing import b64u, read_token
from trainer.pdf.text import script_of


def N_(message: str) -> str:
    """Marks a message for translation; it is translated where it is shown."""
    return message


@dataclass
class Finding:
    check: str            # pdf_signature, payload, printed, qr, status
    ok: bool
    message: str          # a template with %(name)s fields, marked with N_
    params: dict = field(default_factory=dict)


_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


def _fail(check: str, message: str, **params) -> Finding:
    return Finding(check, False, message, params)


# --- the PDF signature ------------------------------------------------------------------------------

def check_file_signature(data: bytes, certificates: list) -> Finding:
    """The file carries one PDF signature by a published issuing certificate, intact, whose byte range
    is the whole file: nothing added, removed or changed since it was signed."""
    check = "pdf_signature"
    ranges = [tuple(int(n) for n in m.groups()) for m in _BYTE_RANGE.finditer(data)]
    for start, first, second, length in ranges:
        # The signed byte range leaves out exactly the signature's <hex> string: a file written anew (by
        # another program) has its bytes elsewhere; a file cut short still has them in place.
        if data[first:first + 1] != b"<" or (second <= len(data) and data[second - 1:second] != b">"):
            return _fail(check, N_("the file was written anew after signing (its signature is no longer where the "
                                   "signed byte range says): its bytes are not the signed ones"))
        if second + length > len(data):
            return _fail(check, N_("the file ends %(missing)d bytes before the end of its signed data: it was cut "
                                   "short"), missing=second + length - len(data))
    if not certificates:
        return _fail(check, N_("there is no published X.509 certificate to check the PDF signature against (the key "
                               "set has no \"x509\" entries)"))
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader

        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception as exc:  # noqa: BLE001 - any parse failure of an untrusted file is a finding
        return _fail(check, N_("the file cannot be read as a whole PDF (%(error)s): it was cut short or damaged"),
                     error=_short(exc))
    if not signatures:
        return _fail(check, N_("the file carries no PDF signature"))
    if len(signatures) > 1:
        return _fail(check, N_("the file carries %(count)d PDF signatures; a certificate carries one"),
                     count=len(signatures))
    signature = signatures[0]
    try:
        start, first, second, length = (int(n) for n in signature.sig_object["/ByteRange"])
    except (KeyError, TypeError, ValueError):
        return _fail(check, N_("the PDF signature has no readable byte range"))
    if start != 0 or second + length != len(data):
        extra = len(data) - (second + length)
        if extra > 0:
            return _fail(check, N_("%(extra)d bytes were added after the signed revision (an incremental update or "
                                   "other data): the file was changed after signing"), extra=extra)
        return _fail(check, N_("the PDF signature does not cover the whole file"))
    return _validate(signature, certificates)


def _validate(signature, certificates: list) -> Finding:
    check = "pdf_signature"
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    from trainer.certificates.pdf_signing import outside_event_loop

    roots = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in certificates]
    try:
        status = outside_event_loop(lambda: validate_pdf_signature(signature, ValidationContext(
            trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")))
    except Exception as exc:  # noqa: BLE001 - a damaged signature container is a finding
        return _fail(check, N_("the PDF signature cannot be read (%(error)s): it was altered"), error=_short(exc))
    subject = status.signing_cert.subject.human_friendly if status.signing_cert is not None else "?"
    if not status.intact:
        return _fail(check, N_("the file's bytes no longer match its PDF signature: they were changed after signing"))
    if not status.valid:
        return _fail(check, N_("the PDF signature value is not genuine: it does not verify with its certificate"))
    if not status.trusted:
        return _fail(check, N_("the PDF was signed by \"%(subject)s\", a certificate that is not among the published "
                               "ones"), subject=subject)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE or status.docmdp_ok is False:
        return _fail(check, N_("the file was changed after signing in a way its signature does not allow"))
    by = next((c for c in certificates if _der_of(c) == status.signing_cert.dump()), None)
    return Finding(check, True, N_("signed as a whole file by \"%(subject)s\" (certificate %(id)s), unchanged since "
                                   "signing"), {"subject": subject, "id": certificate_id(by) if by else "?"})


def _der_of(certificate) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return certificate.public_bytes(serialization.Encoding.DER)


def _short(exc: Exception) -> str:
    return (str(exc) or type(exc).__name__).splitlines()[0][:160]


# --- the printed page -------------------------------------------------------------------------------

@dataclass
class Page:
    """What the page of a certificate file shows: its lines (the ActualText of each marked span, as a
    reader copies them) and the text the glyphs of each span draw."""
    count: int                                   # pages in the file
    spans: list[tuple[str, str]]                 # (ActualText, drawn text), in drawing order

    @property
    def lines(self) -> list[str]:
        return [printed.normalise(actual) for actual, _ in self.spans]


def read_page(reader) -> Page:
    """The spans of the first page of a pypdf reader, with the text drawn inside each."""
    pages = reader.pages
    spans: list[list[str]] = []
    inside = [False]

    def before(operator, operands, cm, tm):
        if operator == b"BDC" and len(operands) > 1 and operands[0] == "/Span":
            properties = operands[1].get_object() if hasattr(operands[1], "get_object") else operands[1]
            actual = properties.get("/ActualText") if hasattr(properties, "get") else None
            if actual is not None:
                spans.append([str(actual), ""])
                inside[0] = True
        elif operator == b"EMC":
            inside[0] = False

    def drawn(text, cm, tm, font, size):
        if inside[0] and spans:
            spans[-1][1] += text

    if len(pages):
        pages[0].extract_text(visitor_operand_before=before, visitor_text=drawn)
    return Page(len(pages), [(actual, text) for actual, text in spans])


def _plain(text: str) -> bool:
    """Text whose glyphs map one to one onto its characters (no shaping): the drawn text must read the same."""
    return all(script_of(ch) in (None, "latin", "han") for ch in text)


def check_printed(page: Page, payload: dict) -> list[Finding]:
    """Every certified fact is printed as the signed data says, and what each line draws reads as the line's
    text (a line whose glyphs were changed but not its ActualText is exposed)."""
    check = "printed"
    if page.count != 1:
        return [_fail(check, N_("the file has %(count)d pages; a certificate has one"), count=page.count)]
    problems = []
    for actual, text in page.spans:
        if _plain(actual) and "".join(text.split()) != "".join(actual.split()):
            problems.append(_fail(check, N_("the page draws \"%(drawn)s\" where its text says \"%(text)s\""),
                                  drawn=" ".join(text.split()), text=actual))
    missing = min((_missing_facts(page.lines, payload, layout) for layout in printed.LAYOUTS), key=len)
    problems += [_fail(check, N_("the %(fact)s is not printed as signed: the signed data says \"%(said)s\""),
                       fact=fact, said=said) for fact, said in missing]
    return problems or [Finding(check, True, N_("every certified fact is printed as signed (%(count)d facts)"),
                                {"count": len(printed.expected_runs(payload))})]


def _missing_facts(lines: list[str], payload: dict, layout: str) -> list[tuple[str, str]]:
    """(fact, what the signed data says) of each fact not printed as signed on a page of this layout (the
    bilingual page, or the English one of certificates printed before)."""
    return [(fact, said) for fact, said, texts in printed.expected_runs(payload, layout)
            if not any(lines[i:i + len(texts)] == texts for i in range(len(lines) - len(texts) + 1))]


# --- the QR code ------------------------------------------------------------------------------------

def render_first_page(data: bytes, dpi: int = 150):
    """The first page as a grey PIL image (poppler's pdftoppm); None when pdftoppm is not installed."""
    from PIL import Image

    if shutil.which("pdftoppm") is None:
        return None
    with tempfile.TemporaryDirectory(prefix="certificate-check-") as folder:
        source = Path(folder) / "certificate.pdf"
        source.write_bytes(data)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-singlefile", "-f", "1", "-l", "1", str(source),
                        str(Path(folder) / "page")], check=True, capture_output=True, timeout=60)
        with Image.open(Path(folder) / "page.pgm") as image:
            return image.copy()


def check_qr(data: bytes, payload_bytes: bytes, payload: dict, keys: dict, page: Page | None) -> Finding:
    """The QR code drawn on the page decodes to a token signed by a published key, about this certificate's
    signed data, and to this certificate's verify address as printed on the page."""
    check = "qr"
    try:
        image = render_first_page(data)
    except subprocess.CalledProcessError as exc:
        return _fail(check, N_("the page cannot be rendered to read its QR code (pdftoppm: %(error)s)"),
                     error=((exc.stderr or b"").decode("utf-8", "replace").strip().splitlines() or ["?"])[-1])
    except (subprocess.SubprocessError, OSError) as exc:
        return _fail(check, N_("the page cannot be rendered to read its QR code (%(error)s)"), error=_short(exc))
    if image is None:
        return _fail(check, N_("the QR code cannot be read: pdftoppm (poppler-utils) is not installed"))
    import zxingcpp

    codes = [c for c in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode) if c.valid]
    if not codes:
        return _fail(check, N_("no QR code can be read on the page"))
    if len(codes) > 1:
        return _fail(check, N_("the page carries %(count)d QR codes; a certificate carries one"), count=len(codes))
    url, _, token = codes[0].text.partition("#t=")
    claims = read_token(token, keys)
    if claims is None:
        return _fail(check, N_("the QR code's token is not signed by a published key: it was altered or made "
                               "elsewhere"))
    person = payload.get("person", {})
    expected = {"s": payload.get("serial"), "n": printed.latin_name(person) if person else None,
                "p": payload.get("profile", {}).get("code"), "i": payload.get("issued_on"),
                "u": payload.get("valid_until"), "h": b64u(hashlib.sha256(payload_bytes).digest()[:16])}
    names = {"s": "serial", "n": "name", "p": "profile", "i": "issue date", "u": "valid until",
             "h": "fingerprint of the signed data"}
    for claim, value in expected.items():
        if claims.get(claim) != value:
            return _fail(check, N_("the QR code is another certificate's: its %(field)s is \"%(found)s\", the signed "
                                   "data says \"%(said)s\""), field=names[claim], found=claims.get(claim), said=value)
    if not url.endswith(f"/verify/{payload.get('serial')}"):
        return _fail(check, N_("the QR code points at %(url)s, not at this certificate's verify page"), url=url)
    if page is not None and not any(printed.normalise(printed.verify_line(url, layout)) in page.lines
                                    for layout in printed.LAYOUTS):
        return _fail(check, N_("the address printed on the page is not the QR code's (%(url)s)"), url=url)
    return Finding(check, True, N_("the QR code carries this certificate's signed token (key %(kid)s)"),
                   {"kid": token.split(".")[1] if token.count(".") == 3 else "?"})
