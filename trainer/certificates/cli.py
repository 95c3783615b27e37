"""`flask --app wsgi certificates verify FILE.pdf [--keys FILE] [--status FILE_OR_URL]`, `certificates
rotate-key`, `certificates export-status`, `certificates record-status` and `certificates export-ob3 SERIAL`."""
from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import click
from flask_babel import gettext as _, lazy_gettext as _l

from trainer.certificates.file_checks import N_
from trainer.certificates.verification import STATUS_MAX_AGE_DAYS, StatusUnavailable, Trust, verify_document
from trainer.cli_help import CommandGroup, argument, option
from trainer.transactions import commits

group = CommandGroup("certificates", help=_l("Verify certificate PDFs offline and manage signing keys."))
STATUS_LIMIT = 4 * 1024 * 1024


def _labels() -> dict[str, str]:
    return {"pdf_signature": _("PDF signature"), "payload": _("Signed data"), "printed": _("Printed facts"),
            "qr": _("QR code"), "status": _("Status")}


def _trust(keys_file: str | None) -> Trust:
    from trainer.certificates.pdf_signing import certificates_from_keyset
    from trainer.certificates.signing import keys_from_keyset

    if keys_file:
        try:
            with open(keys_file, encoding="utf-8") as handle:
                keyset = json.load(handle)
            return Trust(keys_from_keyset(keyset), certificates_from_keyset(keyset))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            click.echo(_("NOT VERIFIED: the key set %(file)s cannot be read: %(error)s", file=keys_file, error=exc),
                       err=True)
            sys.exit(2)
    from trainer.certificates.services.keys import key_store

    store = key_store()
    return Trust(store.public_keys(), [c.certificate for c in store.issuing_certificates()])


def _status_loader(source: str):
    """Reads the status document for a serial from a file, or from a URL: a .json address as given,
    any other address as this application's public address (its /verify/<serial>/status.json)."""
    def load(serial: str):
        if urlsplit(source).scheme in ("http", "https"):
            url = source if urlsplit(source).path.endswith(".json") \
                else f"{source.rstrip('/')}/verify/{serial}/status.json"
            try:
                with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/json"}),
                                            timeout=20) as response:
                    raw = response.read(STATUS_LIMIT + 1)
            except urllib.error.HTTPError as exc:
                raise StatusUnavailable(N_("%(source)s answered %(code)d: no status for this certificate"),
                                        source=url, code=exc.code) from exc
            except (urllib.error.URLError, OSError, ValueError) as exc:
                raise StatusUnavailable(N_("the status cannot be fetched from %(source)s (%(error)s)"),
                                        source=url, error=str(getattr(exc, "reason", exc))) from exc
            where = url
        else:
            try:
                with open(source, "rb") as handle:
                    raw = handle.read(STATUS_LIMIT + 1)
            except OSError as exc:
                raise StatusUnavailable(N_("the status file %(source)s cannot be read (%(error)s)"),
                                        source=source, error=exc.strerror) from exc
            where = source
        try:
            if len(raw) > STATUS_LIMIT:
                raise ValueError("too large")
            return json.loads(raw), where
        except ValueError as exc:
            raise StatusUnavailable(N_("the status document %(source)s is not JSON"), source=where) from exc
    return load


@group.command("verify", help=_l(
    "Check a certificate PDF with public keys alone; exit 0 only when every check holds: the PDF signature covers "
    "the whole file, the embedded data is authentic, the page prints every certified fact as signed, the QR code "
    "carries the same signed token, and (with --status) the certificate is valid."))
@argument("pdf_file", type=click.Path(dir_okay=False), help=_l("The certificate PDF to check."))
@option("--keys", "keys_file", type=click.Path(exists=True, dir_okay=False),
        help=_l("A public key set (the JSON published at /verify/keys.json). Default: this installation's keys."))
@option("--status", "status_source",
        help=_l("A signed status document (a file saved from /verify/<serial>/status.json or made by "
                "`certificates export-status`), or a URL: this application's public address or a status.json "
                "address. Without it the status (revoked, suspended, replaced, expired) is not checked."))
@option("--status-max-age", "status_max_age", type=click.IntRange(0, 3660), default=STATUS_MAX_AGE_DAYS,
        show_default=True,
        help=_l("How many days old the status document may be: an older one may miss a revocation and is refused."))
def verify_command(pdf_file, keys_file, status_source, status_max_age):
    try:
        with open(pdf_file, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        click.echo(_("NOT VERIFIED: cannot read %(file)s: %(error)s", file=pdf_file, error=exc.strerror), err=True)
        sys.exit(2)
    trust = _trust(keys_file)
    if not trust.ed25519:
        click.echo(_("NOT VERIFIED: no public keys to check against (use --keys FILE)."), err=True)
        sys.exit(2)
    report = verify_document(data, trust, status_loader=_status_loader(status_source) if status_source else None,
                             status_max_age_days=status_max_age)
    labels = _labels()
    click.echo(_("Checking %(file)s", file=pdf_file))
    for finding in report.findings:
        mark = _("ok") if finding.ok else _("FAILED")
        click.echo("  " + _("[%(mark)s] %(check)s: %(finding)s", mark=mark, check=labels[finding.check],
                            finding=_(finding.message, **finding.params)))
    if not report.ok:
        failed = ", ".join(labels[c] for c in report.failed_checks)
        click.echo(_("NOT VERIFIED: %(count)d check(s) failed: %(checks)s.", count=len(report.failed_checks),
                     checks=failed), err=True)
        sys.exit(1)
    click.echo(_("AUTHENTIC: the file is signed and unaltered, and its page shows the signed facts."))
    for line in describe(report.payload):
        click.echo(line)
    if not status_source:
        click.echo(_("The status (revoked, suspended, replaced) was not checked: give --status FILE_OR_URL."))


def describe(payload: dict) -> list[str]:
    """What a payload certifies, as lines of text."""
    from trainer.certificates import printed

    person = payload.get("person", {})
    native, latin = printed.native_name(person), printed.latin_name(person)
    lines = [_("Serial: %(value)s", value=payload.get("serial")),
             _("Name: %(value)s", value=native + (f" ({latin})" if latin and latin != native else "")),
             _("Rank: %(value)s", value=" ".join(p for p in (person.get("national_rank"), person.get("rank_code"))
                                                   if p)),
             _("Nation: %(value)s", value=f"{person.get('nation_name', '')} ({person.get('nation_code', '')})"),
             _("Profile: %(value)s", value=printed.profile_line(payload).split(": ", 1)[-1]),
             _("Issued: %(value)s", value=payload.get("issued_on")),
             _("Valid until: %(value)s", value=payload.get("valid_until") or "—")]
    for module in payload.get("modules", []):
        lines.append(_("Module: %(code)s v%(version)s completed %(completed)s valid until %(until)s",
                       code=module.get("code"), version=module.get("version") or "-",
                       completed=module.get("completed_on") or "-", until=module.get("valid_until") or "-"))
    return lines


@group.command("export-status", help=_l(
    "Write the signed list of every certificate that is revoked, suspended or replaced, for checkpoints without a "
    "connection (`certificates verify FILE.pdf --status LIST.json`)."))
@option("--output", "output", type=click.Path(dir_okay=False, writable=True), required=True,
        help=_l("Where to write the signed list (JSON)."))
def export_status_command(output):
    from trainer.certificates.services.statements import status_list_document

    document = status_list_document()
    with open(output, "w", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False, indent=1, sort_keys=True)
    click.echo(_("Wrote the status of %(count)d certificate(s) that are not valid to %(file)s.",
                 count=len(document["statuses"]), file=output))


@group.command("rotate-key", help=_l(
    "Start signing with a new Ed25519 key and a new PDF issuing key and certificate; the older public keys and "
    "certificates stay published for verification."))
@commits
def rotate_key_command():
    from trainer.audit.services import record_event
    from trainer.certificates.services.keys import rotate_keys

    old, new = rotate_keys()
    record_event(None, "certificate.rotate_key", object_type="signing_key", object_id=new,
                 before={"kid": old}, after={"kid": new})
    if old:
        click.echo(_("New signing key %(new)s is current; %(old)s stays published for verification.", new=new, old=old))
    else:
        click.echo(_("New signing key %(new)s is current.", new=new))


@group.command("record-status", help=_l(
    "Record in each certificate's history the suspensions a screening hold brings and the reinstatements once it "
    "is lifted (the status shown is always computed; run this daily so that the history and the audit log "
    "follow); running it again adds nothing."))
@commits
def record_status_command():
    from trainer.certificates.services.status import record_status_changes

    changes = record_status_changes()
    click.echo(_("Recorded %(suspended)d suspension(s) and %(reinstated)d reinstatement(s).",
                 suspended=len(changes.suspended), reinstated=len(changes.reinstated)))


@group.command("export-ob3", help=_l(
    "Print a certificate as a signed Open Badges 3.0 credential (JSON) on standard output."))
@argument("serial", help=_l("The certificate's serial number."))
def export_ob3_command(serial):
    from trainer.certificates.services.openbadges import open_badge_by_serial
    from trainer.errors import DomainError

    try:
        badge = open_badge_by_serial(serial)
    except DomainError as exc:
        click.echo(_("Cannot export %(serial)s: %(message)s", serial=serial, message=exc.message), err=True)
        sys.exit(1)
    click.echo(json.dumps(badge.credential, ensure_ascii=False, indent=2))


def register(app) -> None:
    app.cli.add_command(group)
