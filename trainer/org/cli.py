"""`flask --app wsgi personnel import FILE [--dry-run]`"""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from trainer.auth.models import User
from trainer.cli_help import CommandGroup, argument, option
from trainer.extensions import db
from trainer.org.imports import import_roster
from trainer.org.roster import RosterLimits
from trainer.transactions import commits

personnel = CommandGroup("personnel", help=_l("Personnel records."))


@personnel.command("import", help=_l("Import a roster file (CSV or XLSX): all rows or none."))
@argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
          help=_l("The roster file (CSV or XLSX)."))
@option("--dry-run", is_flag=True, help=_l("Check the file and show what would change; write nothing."))
@option("--user", "username", default=None,
        help=_l("Import as this account (its scope applies and the audit log names it). Default: system."))
@commits
def import_command(path: Path, dry_run: bool, username: str | None):
    actor = None
    if username:
        actor = db.session.scalar(select(User).where(User.username == username.strip().lower()))
        if actor is None or actor.disabled:
            raise click.ClickException(_("No active account named “%(name)s”.", name=username))
    limits = RosterLimits.from_config(current_app.config)
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise click.ClickException(_("%(file)s is %(size).1f MiB; at most %(limit).0f MiB are accepted.",
                                     file=path.name, size=size / 1048576, limit=limits.max_bytes / 1048576))
    report = import_roster(actor, path.read_bytes(), path.name, limits=limits, dry_run=dry_run)
    if not report.ok:
        for error in report.errors:
            click.echo(_problem(error), err=True)
        raise click.ClickException(ngettext("%(num)d problem found; nothing was imported.",
                                            "%(num)d problems found; nothing was imported.", len(report.errors)))
    if dry_run:
        for row in report.rows:
            if row.action != "unchanged":
                changed = ", ".join(sorted(row.changes)) if row.changes else ""
                values = {"row": row.row, "nation": row.nation, "number": row.service_number, "name": row.name,
                          "changed": changed}
                if row.action == "create":
                    click.echo(_("row %(row)d: new %(nation)s %(number)s %(name)s", **values))
                elif changed:
                    click.echo(_("row %(row)d: update %(nation)s %(number)s %(name)s (%(changed)s)", **values))
                else:
                    click.echo(_("row %(row)d: update %(nation)s %(number)s %(name)s", **values))
        click.echo(_("Dry run: %(summary)s", summary=report.summary()))
        return
    click.echo(report.summary())


def _problem(error) -> str:
    """A problem of the file, with where it is (row, column) when known."""
    if error.row and error.column:
        return _("row %(row)d, column %(column)s: %(message)s", row=error.row, column=error.column,
                 message=error.message)
    if error.row:
        return _("row %(row)d: %(message)s", row=error.row, message=error.message)
    if error.column:
        return _("column %(column)s: %(message)s", column=error.column, message=error.message)
    return _("file: %(message)s", message=error.message)


def register(app) -> None:
    app.cli.add_command(personnel)
