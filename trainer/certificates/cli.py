"""`flask --app wsgi certificates verify FILE.pdf [--keys FILE]`, `certificates rotate-key`,
`certificates record-status` and `certificates export-ob3 SERIAL`."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup

from trainer.certificates.offline import describe, verify_pdf
from trainer.certificates.signing import keys_from_keyset
from trainer.transactions import commits

group = AppGroup("certificates", help="Verify certificate PDFs offline and manage signing keys.")


@group.command("verify")
@click.argument("pdf_file", type=click.Path(dir_okay=False))
@click.option("--keys", "keys_file", type=click.Path(exists=True, dir_okay=False),
              help="A public key set (the JSON published at /verify/keys.json). Default: this installation's keys.")
def verify_command(pdf_file, keys_file):
    """Check a certificate PDF with public keys alone; exit 0 only if it is authentic and unaltered."""
    try:
        with open(pdf_file, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        click.echo(f"NOT VERIFIED: cannot read {pdf_file}: {exc.strerror}", err=True)
        sys.exit(2)
    if keys_file:
        try:
            with open(keys_file, encoding="utf-8") as handle:
                keys = keys_from_keyset(json.load(handle))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            click.echo(f"NOT VERIFIED: the key set {keys_file} cannot be read: {exc}", err=True)
            sys.exit(2)
    else:
        from trainer.certificates.services.keys import key_store

        keys = key_store().public_keys()
    if not keys:
        click.echo("NOT VERIFIED: no public keys to check against (use --keys FILE).", err=True)
        sys.exit(2)
    result = verify_pdf(data, keys)
    if not result.authentic:
        click.echo(f"NOT VERIFIED: {result.problem}.", err=True)
        sys.exit(1)
    click.echo(f"AUTHENTIC: the certified data is signed with key {result.kid} and unaltered.")
    for line in describe(result.payload):
        click.echo(line)
    click.echo("The printed page can be edited without touching the signed data: compare it with the lines above.")
    click.echo("For the current status (revoked, suspended, replaced) open the verify page online.")


@group.command("rotate-key")
@commits
def rotate_key_command():
    """Start signing with a new key; older public keys stay published for verification."""
    from trainer.audit.services import record_event
    from trainer.certificates.services.keys import key_store

    store = key_store()
    old = store.current_kid()
    new = store.rotate()
    record_event(None, "certificate.rotate_key", object_type="signing_key", object_id=new,
                 before={"kid": old}, after={"kid": new})
    click.echo(f"New signing key {new} is current" + (f"; {old} stays published for verification." if old else "."))


@group.command("record-status")
@commits
def record_status_command():
    """Record in each certificate's history the suspensions a screening hold brings and the reinstatements
    once it is lifted (the status shown is always computed; run this daily so that the history and the
    audit log follow); running it again adds nothing."""
    from trainer.certificates.services.status import record_status_changes

    changes = record_status_changes()
    click.echo(f"Recorded {len(changes.suspended)} suspension(s) and {len(changes.reinstated)} reinstatement(s).")


@group.command("export-ob3")
@click.argument("serial")
def export_ob3_command(serial):
    """Print a certificate as a signed Open Badges 3.0 credential (JSON) on standard output."""
    from trainer.certificates.services.openbadges import open_badge_by_serial
    from trainer.errors import DomainError

    try:
        badge = open_badge_by_serial(serial)
    except DomainError as exc:
        click.echo(f"Cannot export {serial}: {exc.message}", err=True)
        sys.exit(1)
    click.echo(json.dumps(badge.credential, ensure_ascii=False, indent=2))


def register(app) -> None:
    app.cli.add_command(group)
