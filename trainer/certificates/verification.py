"""Checking a certificate PDF with public keys alone, as `flask certificates verify` does: every check runs
and says what it found, and the file holds only when all of them pass.

1. pdf_signature: the PDF signature is valid, by a published issuing certificate, and covers the whole
   file (no byte added after the signed revision, none removed, none changed);
2. payload: the embedded signed data is authentic (Ed25519, a published key);
3. printed: each certified fact is printed on the page as the signed data says;
4. qr: the QR code drawn on the page decodes to a signed token about the same signed data;
5. status (when a status document is given): the certificate is neither revoked, suspended, replaced
   nor expired.

Pure module: imports neither Flask nor the database.
"""
from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass, field

from trainer.certificates import file_checks
from trainer.certificates.file_checks import N_, Finding, _fail
from trainer.certificates.offline import NoEnvelope, extract_envelope
from trainer.certificates.pdf import EMBEDDED_NAME
from trainer.certificates.signing import Envelope, read_statement, verify_signature

STATUS_FORMAT = "trainer-certificate-status/1"
STATUS_LIST_FORMAT = "trainer-certificate-status-list/1"
CHECKS = ("pdf_signature", "payload", "printed", "qr", "status")
# How old a signed status document may be (by the day it was signed) before it is no longer believed: a copy
# saved earlier says nothing of a later revocation. `certificates verify --status-max-age` sets another.
STATUS_MAX_AGE_DAYS = 7


@dataclass
class Trust:
    """The published keys: Ed25519 public keys by key id, and the X.509 certificates of PDF signatures."""
    ed25519: dict
    x509: list


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    payload: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.findings) and all(f.ok for f in self.findings)

    @property
    def failed_checks(self) -> list[str]:
        return sorted({f.check for f in self.findings if not f.ok}, key=CHECKS.index)


class StatusUnavailable(Exception):
    """The status document could not be had (message, params)."""

    def __init__(self, message: str, **params):
        super().__init__(message)
        self.message, self.params = message, params


def _reader(data: bytes):
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        reader.pages[0]  # noqa: B018 - reading the first page is where a damaged file fails
        return reader
    except Exception:  # noqa: BLE001 - an unreadable file is reported by the checks that need it
        return None


def _envelope_bytes(data: bytes, reader) -> bytes:
    """The embedded certificate data as a PDF reader shows it (the latest revision's attachment), or as
    found in the raw bytes when the file cannot be read as a whole."""
    if reader is not None:
        try:
            found = reader.attachments.get(EMBEDDED_NAME)
        except Exception:  # noqa: BLE001
            found = None
        if found:
            return found[-1]
        raise NoEnvelope(N_("the PDF carries no signed certificate data"))
    return extract_envelope(data).to_bytes()


def check_payload(data: bytes, reader, keys: dict) -> tuple[Finding, bytes, dict]:
    """(finding, the signed payload bytes, the payload) of the embedded certificate data."""
    check = "payload"
    try:
        envelope = Envelope.from_bytes(_envelope_bytes(data, reader))
    except NoEnvelope as exc:
        return _fail(check, str(exc)), b"", {}
    except (ValueError, KeyError, TypeError) as exc:
        return _fail(check, N_("the embedded certificate data cannot be read (%(error)s)"),
                     error=file_checks._short(exc)), b"", {}
    if envelope.kid not in keys:
        return _fail(check, N_("the embedded data was signed with key %(kid)s, which is not among the trusted "
                               "public keys"), kid=envelope.kid), b"", {}
    if not verify_signature(keys, envelope.kid, envelope.payload, envelope.signature):
        return _fail(check, N_("the embedded data does not match its signature: the data or the signature was "
                               "altered")), b"", {}
    try:
        payload = json.loads(envelope.payload)
    except ValueError:
        return _fail(check, N_("the embedded data is not readable")), b"", {}
    return (Finding(check, True, N_("the embedded data of certificate %(serial)s is signed with published key "
                                    "%(kid)s"), {"serial": payload.get("serial"), "kid": envelope.kid}),
            envelope.payload, payload)


def _signed_day(as_of) -> dt.date | None:
    """The UTC day a status document was signed on (its `as_of`), or None when it says none."""
    if not isinstance(as_of, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(as_of.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment.astimezone(dt.timezone.utc) if moment.tzinfo else moment).date()


def check_status(document, source: str, payload: dict, keys: dict, today: dt.date, *,
                 max_age_days: int = STATUS_MAX_AGE_DAYS) -> Finding:
    """The certificate is neither revoked, suspended, replaced nor expired, as a signed status document
    (one certificate's status, or a list of the certificates that are not valid) says. The document must
    be recent: one signed more than `max_age_days` before `today` could have been saved before a
    revocation, and says nothing of it."""
    check = "status"
    body = read_statement(document, keys)
    if body is None:
        return _fail(check, N_("the status document %(source)s is not signed by a published key: it cannot be "
                               "trusted"), source=source)
    serial = payload.get("serial")
    if body.get("format") == STATUS_FORMAT:
        if body.get("serial") != serial:
            return _fail(check, N_("the status document is about certificate %(other)s, not %(serial)s"),
                         other=body.get("serial"), serial=serial)
        status, as_of = body.get("status"), body.get("as_of")
    elif body.get("format") == STATUS_LIST_FORMAT and isinstance(body.get("statuses"), dict):
        status, as_of = body["statuses"].get(serial, "valid"), body.get("as_of")
    else:
        return _fail(check, N_("the status document %(source)s is not in a known format"), source=source)
    signed_on = _signed_day(as_of)
    if signed_on is None:
        return _fail(check, N_("the status document %(source)s does not say when it was made: it cannot be "
                               "trusted"), source=source)
    if (today - signed_on).days > max_age_days:
        return _fail(check, N_("the status document is %(days)d days old (status as of %(as_of)s, from "
                               "%(source)s); a status older than %(max)d days may miss a revocation: fetch a new "
                               "one"), days=(today - signed_on).days, as_of=as_of, source=source, max=max_age_days)
    # a document signed while the certificate was valid says "valid" after its printed date has passed
    if status == "valid" and payload.get("valid_until") and payload["valid_until"] < today.isoformat():
        status = "expired"
    if status != "valid":
        return _fail(check, N_("the certificate is %(status)s (status as of %(as_of)s, from %(source)s)"),
                     status=status, as_of=as_of, source=source)
    return Finding(check, True, N_("the certificate is valid (status as of %(as_of)s, from %(source)s)"),
                   {"as_of": as_of, "source": source})


def verify_document(data: bytes, trust: Trust, *, status_loader=None, today: dt.date | None = None,
                    status_max_age_days: int = STATUS_MAX_AGE_DAYS) -> Report:
    """Run every check on the bytes of a certificate PDF. `status_loader(serial)` returns (document,
    source) or raises StatusUnavailable; without it the status is not checked."""
    report = Report()
    if not data.startswith(b"%PDF-"):
        report.findings.append(_fail("payload", N_("the file is not a PDF")))
        return report
    report.findings.append(file_checks.check_file_signature(data, trust.x509))
    reader = _reader(data)
    finding, payload_bytes, payload = check_payload(data, reader, trust.ed25519)
    report.findings.append(finding)
    report.payload = payload
    if not payload:
        return report
    page = file_checks.read_page(reader) if reader is not None else None
    if page is None:
        report.findings.append(_fail("printed", N_("the page cannot be read")))
    else:
        report.findings += file_checks.check_printed(page, payload)
    report.findings.append(file_checks.check_qr(data, payload_bytes, payload, trust.ed25519, page))
    if status_loader is not None:
        try:
            document, source = status_loader(payload.get("serial"))
        except StatusUnavailable as exc:
            report.findings.append(_fail("status", exc.message, **exc.params))
        else:
            # The UTC day, as the issuing installation and the page's own offline checker count expiry.
            report.findings.append(check_status(document, source, payload, trust.ed25519,
                                                today or dt.datetime.now(dt.timezone.utc).date(),
                                                max_age_days=status_max_age_days))
    return report
