"""`flask --app wsgi backup create FILE` and `flask --app wsgi backup restore FILE`: the passphrase comes from
TRAINER_BACKUP_PASSPHRASE, or is asked for."""
from __future__ import annotations

import os
from pathlib import Path

import click
from flask_babel import lazy_gettext as _l

from trainer.backup.sealing import SealError
from trainer.backup.services import BackupError, create_backup, restore_backup
from trainer.cli_help import CommandGroup, argument

backup = CommandGroup("backup", help=_l("Encrypted backups of the database, signing keys and audit checkpoints."))
PASSPHRASE_VARIABLE = "TRAINER_BACKUP_PASSPHRASE"


def _passphrase(confirm: bool) -> str:
    given = os.environ.get(PASSPHRASE_VARIABLE)
    if given:
        return given
    return click.prompt("Backup passphrase", hide_input=True, confirmation_prompt=confirm)


def _counts(counts: dict) -> str:
    return ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in counts.items())


@backup.command("create", help=_l(
    "Write an encrypted backup of this instance to FILE (a new file). The passphrase comes from "
    "TRAINER_BACKUP_PASSPHRASE, or is asked for."))
@argument("file", type=click.Path(dir_okay=False, path_type=Path), help=_l("The backup file to write."))
def create_command(file: Path):
    passphrase = _passphrase(confirm=True)
    try:
        outcome = create_backup(file, passphrase)
    except (BackupError, SealError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backed up the {outcome.database} database at migration {outcome.revision or '(none)'} "
               f"({_counts(outcome.counts)}) and {outcome.files} key and checkpoint file(s) to {file}.")
    click.echo("Keep the passphrase apart from the file: without it the backup cannot be read.")


@backup.command("restore", help=_l(
    "Restore the backup in FILE into this instance, whose database must hold no data. The passphrase comes from "
    "TRAINER_BACKUP_PASSPHRASE, or is asked for."))
@argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help=_l("The backup file to read."))
def restore_command(file: Path):
    passphrase = _passphrase(confirm=False)
    try:
        outcome = restore_backup(file, passphrase)
    except (BackupError, SealError) as exc:
        raise click.ClickException(f"not restored: {exc}") from None
    click.echo(f"Restored the backup of {outcome.created_at} ({_counts(outcome.counts)}) and {outcome.files} key and "
               f"checkpoint file(s). Run `flask --app wsgi db upgrade` if this version has newer migrations, then "
               f"`flask --app wsgi audit verify`.")


def register(app) -> None:
    app.cli.add_command(backup)
