"""`flask --app wsgi audit verify|checkpoint`"""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from trainer.audit.anchoring import CheckpointRefused, write_checkpoint
from trainer.audit.services import checkpoint_path, verify_chain
from trainer.db import write_intent

audit = AppGroup("audit", help="The tamper-evident audit log.")


@audit.command("verify")
@click.option("--copy", "copies", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A copy of the checkpoint file kept off this host; the file must still begin with it. Repeatable.")
def verify_command(copies):
    """Check every link of the chain, its head and every checkpoint; exit non-zero on any problem."""
    token = write_intent.set(False)  # reads only: on SQLite, never hold the write lock while walking the chain
    try:
        report = verify_chain(copies)
    finally:
        write_intent.reset(token)
    if report.ok:
        latest = (f"; the latest, checkpoint {report.latest.n}, signed event {report.latest.seq} at {report.latest.at}"
                  if report.latest else "")
        agree = "1 checkpoint agrees" if report.checkpoints == 1 else f"{report.checkpoints} checkpoints agree"
        click.echo(f"OK: {report.checked} events, chain intact; {agree} with it{latest}.")
        return
    click.echo(f"BROKEN: {report.problem}.", err=True)
    for problem in report.problems[1:]:
        click.echo(f"  also: {problem.message}.", err=True)
    click.echo(f"{report.checked} events verified before the first broken link; "
               f"{report.checkpoints} signed checkpoints read from {checkpoint_path()}.", err=True)
    raise SystemExit(1)


@audit.command("checkpoint")
def checkpoint_command():
    """Sign the chain's head (sequence, hash, time) into the checkpoint file, after checking the chain
    since the latest checkpoint. Run it from cron and copy the file off the host."""
    token = write_intent.set(False)  # reads the chain, writes only the file
    try:
        checkpoint = write_checkpoint()
    except CheckpointRefused as exc:
        click.echo(f"No checkpoint written: {exc}.", err=True)
        raise SystemExit(1)
    finally:
        write_intent.reset(token)
    click.echo(f"Checkpoint {checkpoint.n}: event {checkpoint.seq} ({checkpoint.hash[:16]}…) signed at "
               f"{checkpoint.at}, appended to {checkpoint_path()}.")


def register(app) -> None:
    app.cli.add_command(audit)
