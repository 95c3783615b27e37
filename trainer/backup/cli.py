"""`flask --app wsgi backup create FILE` and `flask --app wsgi backup restore FILE`: the passphrase comes from
TRAINER_BACKUP_PASSPHRASE, or is asked for."""
from __future__ import annotations

import os
from pathlib import Path

import click
from flask_babel import format_decimal, gettext as _, lazy_gettext as _l, ngettext

from trainer.backup.sealing import SealError
from trainer.backup.services import BackupError, create_backup, restore_backup
from trainer.cli_help import CommandGroup, argument

backup = CommandGroup("backup", help=_l("Encrypted backups of the database, signing keys and audit checkpoints."))
PASSPHRASE_VARIABLE = "TRAINER_BACKUP_PASSPHRASE"
DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _passphrase(confirm: bool) -> str:
    given = os.environ.get(PASSPHRASE_VARIABLE)
    if given:
        return given
    return click.prompt(_("Backup passphrase"), hide_input=True,
                        confirmation_prompt=_("Repeat the backup passphrase") if confirm else False)


def _problem(exc: BackupError | SealError) -> str:
    if isinstance(exc, BackupError):
        return str(exc)
    return {"empty-passphrase": _("the passphrase is empty"),
            "too-large": _("the backup is too large"),
            "not-a-backup": _("this is not a trainer backup file"),
            "unreasonable-cost": _("this backup file asks for an unreasonable key derivation"),
            "does-not-open": _("wrong passphrase, or the file was changed or cut short")}.get(exc.reason, str(exc))


def _counts(counts: dict) -> str:
    def count(name: str, n: int) -> str:
        number = format_decimal(n)
        words = {"people": ngettext("%(count)s person", "%(count)s people", n, count=number),
                 "units": ngettext("%(count)s unit", "%(count)s units", n, count=number),
                 "completions": ngettext("%(count)s completion", "%(count)s completions", n, count=number),
                 "certificates": ngettext("%(count)s certificate", "%(count)s certificates", n, count=number),
                 "audit_events": ngettext("%(count)s audit event", "%(count)s audit events", n, count=number)}
        return words.get(name) or f"{number} {name}"
    return ", ".join(count(name, n) for name, n in counts.items())


def _files(n: int) -> str:
    return ngettext("%(num)d key or checkpoint file", "%(num)d key and checkpoint files", n)


@backup.command("create", help=_l(
    "Write an encrypted backup of this instance to FILE (a new file). The passphrase comes from "
    "TRAINER_BACKUP_PASSPHRASE, or is asked for."))
@argument("file", type=click.Path(dir_okay=False, path_type=Path), help=_l("The backup file to write."))
def create_command(file: Path):
    passphrase = _passphrase(confirm=True)
    try:
        outcome = create_backup(file, passphrase)
    except (BackupError, SealError) as exc:
        raise click.ClickException(_problem(exc)) from None
    click.echo(_("Backed up the %(database)s database at migration %(revision)s (%(counts)s) and %(files)s to "
                 "%(file)s.", database=DATABASES.get(outcome.database, outcome.database),
                 revision=outcome.revision or _("(none)"), counts=_counts(outcome.counts), files=_files(outcome.files),
                 file=file))
    click.echo(_("Keep the passphrase apart from the file: without it the backup cannot be read."))


@backup.command("restore", help=_l(
    "Restore the backup in FILE into this instance, whose database must hold no data. The passphrase comes from "
    "TRAINER_BACKUP_PASSPHRASE, or is asked for."))
@argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help=_l("The backup file to read."))
def restore_command(file: Path):
    passphrase = _passphrase(confirm=False)
    try:
        outcome = restore_backup(file, passphrase)
    except (BackupError, SealError) as exc:
        raise click.ClickException(_("not restored: %(reason)s", reason=_problem(exc))) from None
    click.echo(_("Restored the backup of %(created)s (%(counts)s) and %(files)s. Run `flask --app wsgi db upgrade` "
                 "if this version has newer migrations, then `flask --app wsgi audit verify`.",
                 created=outcome.created_at, counts=_counts(outcome.counts), files=_files(outcome.files)))


def register(app) -> None:
    app.cli.add_command(backup)
