"""Commands of the instance as a whole: its backups (trainer.backup)."""
from __future__ import annotations


def register(app) -> None:
    from trainer.backup import cli

    cli.register(app)
