"""`flask --app wsgi audit verify`"""
from __future__ import annotations

import click
from flask.cli import AppGroup

from trainer.audit.services import verify_chain

audit = AppGroup("audit", help="The tamper-evident audit log.")


@audit.command("verify")
def verify_command():
    """Check every link of the audit chain; exit non-zero at the first broken one."""
    report = verify_chain()
    if report.ok:
        click.echo(f"OK: {report.checked} events, chain intact.")
        return
    click.echo(f"BROKEN at event {report.seq}: {report.problem} ({report.checked} events verified before it).", err=True)
    raise SystemExit(1)


def register(app) -> None:
    app.cli.add_command(audit)
