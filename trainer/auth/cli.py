"""`flask --app wsgi users ...`"""
from __future__ import annotations

import click
from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l

from trainer.auth import services
from trainer.auth.policy import COMMAND_LINE_ROLES
from trainer.cli_help import CommandGroup, option
from trainer.errors import DomainError
from trainer.transactions import commits

users = CommandGroup("users", help=_l("Manage user accounts."))


@users.command("create", help=_l("Create an account (the first admin, typically)."))
@option("--username", prompt=_l("Account name"), help=_l("Account name."))
@option("--name", "display_name", default="", help=_l("Full name shown in the interface."))
@option("--email", default=None, help=_l("E-mail address of the account."))
@option("--role", default="admin", show_default=True,
        type=click.Choice([role.value for role in COMMAND_LINE_ROLES]), help=_l("The role granted to the account."))
@option("--scope", default="mission", show_default=True,
        help=_l("Where the role applies: mission, or a nation code (e.g. NPL)."))
@option("--password", prompt=_l("Password"), hide_input=True, confirmation_prompt=_l("Repeat the password"),
        help=_l("Asked for when not given."))
@commits
def create_user_command(username, display_name, email, role, scope, password):
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
