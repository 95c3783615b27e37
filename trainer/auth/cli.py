"""`flask --app wsgi users ...`"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from trainer.auth import services
from trainer.errors import DomainError
from trainer.i18n import speaks_operator_language
from trainer.transactions import commits

users = AppGroup("users", help="Manage user accounts.")


@users.command("create")
@click.option("--username", prompt=True, help="Account name.")
@click.option("--name", "display_name", default="", help="Full name shown in the interface.")
@click.option("--email", default=None)
@click.option("--role", default="admin", show_default=True,
              type=click.Choice(["admin", "training_officer", "commander"]))
@click.option("--scope", default="mission", show_default=True, help="mission, or a nation code (e.g. NPL).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@commits
@speaks_operator_language
def create_user_command(username, display_name, email, role, scope, password):
    """Create an account (the first admin, typically)."""
    settings = services.AuthSettings.from_config(current_app.config)
    grant = (role, "mission") if scope == "mission" else (role, "nation", scope.upper())
    try:
        user, _none = services.create_user(settings, None, username=username, display_name=display_name or username,
                                           email=email, password=password, grants=[grant])
    except DomainError as exc:
        raise click.ClickException(str(exc.message))
    click.echo(_("Created the account %(username)s: %(grant)s.", username=user.username,
                 grant="; ".join(g.describe() for g in user.grants)))


def register(app) -> None:
    app.cli.add_command(users)
