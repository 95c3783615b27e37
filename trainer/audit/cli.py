"""`flask --app wsgi audit verify|checkpoint`"""
from __future__ import annotations

from pathlib import Path

import click
from flask_babel import gettext as _, lazy_gettext as _l, ngettext

from trainer.audit.anchoring import CheckpointRefused, write_checkpoint
from trainer.audit.services import checkpoint_path, verify_chain
from trainer.cli_help import CommandGroup, option
from trainer.db import write_intent

audit = CommandGroup("audit", help=_l("The tamper-evident audit log."))


@audit.command("verify", help=_l(
    "Check every link of the chain, its head and every checkpoint; exit non-zero on any problem."))
@option("--copy", "copies", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
        help=_l("A copy of the checkpoint file kept off this host; the file must still begin with it. Repeatable."))
def verify_command(copies):
    token = write_intent.set(False)  # reads only: on SQLite, never hold the write lock while walking the chain
    try:
        report = verify_chain(copies)
    finally:
        write_intent.reset(token)
    if report.ok:
        agree = ngettext("%(num)d checkpoint agrees with it", "%(num)d checkpoints agree with it", report.checkpoints)
        if report.latest:
            click.echo(_("OK: %(checked)s events, chain intact; %(agree)s; the latest, checkpoint %(n)s, signed event "
                         "%(seq)s at %(at)s.", checked=report.checked, agree=agree, n=report.latest.n,
                         seq=report.latest.seq, at=report.latest.at))
        else:
            click.echo(_("OK: %(checked)s events, chain intact; %(agree)s.", checked=report.checked, agree=agree))
        return
    click.echo(_("BROKEN: %(problem)s.", problem=report.problem), err=True)
    for problem in report.problems[1:]:
        click.echo(_("  also: %(problem)s.", problem=problem.message), err=True)
    click.echo(_("%(checked)s events verified before the first broken link; %(checkpoints)s signed checkpoints read "
                 "from %(path)s.", checked=report.checked, checkpoints=report.checkpoints, path=checkpoint_path()),
               err=True)
    raise SystemExit(1)


@audit.command("checkpoint", help=_l(
    "Sign the chain's head (sequence, hash, time) into the checkpoint file, after checking the chain since the "
    "latest checkpoint. Run it from cron and copy the file off the host."))
def checkpoint_command():
    token = write_intent.set(False)  # reads the chain, writes only the file
    try:
        checkpoint = write_checkpoint()
    except CheckpointRefused as exc:
        click.echo(_("No checkpoint written: %(problem)s.", problem=exc), err=True)
        raise SystemExit(1)
    finally:
        write_intent.reset(token)
    click.echo(_("Checkpoint %(n)s: event %(seq)s (%(hash)s…) signed at %(at)s, appended to %(path)s.",
                 n=checkpoint.n, seq=checkpoint.seq, hash=checkpoint.hash[:16], at=checkpoint.at, path=checkpoint_path()))


def register(app) -> None:
    app.cli.add_command(audit)
