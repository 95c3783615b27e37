"""`flask --app wsgi api token create USERNAME [--name NAME] [--expires-days N] [--read-only]`"""
from __future__ import annotations

import click
from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l

from trainer.api import tokens
from trainer.cli_help import CommandGroup, argument, option
from trainer.errors import DomainError
from trainer.transactions import commits

api = CommandGroup("api", help=_l("The JSON API."))
token = CommandGroup("token", help=_l("Personal access tokens."))
api.add_command(token)


@token.command("create", help=_l("Issue a token for USERNAME; it is printed once, on the last line."))
@argument("username", help=_l("The account the token acts for."))
@option("--name", default="Issued by an administrator", show_default=True,
        help=_l("What uses the token; shown to its user on their account page."))
@option("--expires-days", type=click.IntRange(min=1), default=None,
        help=_l("Days until it expires (default: it does not expire)."))
@option("--read-only", is_flag=True, help=_l("The token can read but never change anything."))
@commits
def create_token_command(username, name, expires_days, read_only):
    user = tokens.find_user(username)
    if user is None:
        raise click.ClickException(_("There is no account %(username)s.", username=repr(username)))
    try:
        row, secret = tokens.create_token(None, user, name=name, expires_days=expires_days, read_only=read_only,
                                          max_days=int(current_app.config["API_TOKEN_MAX_DAYS"]))
    except DomainError as exc:
        raise click.ClickException(" ".join([str(exc.message)] + [str(message) for _field, message in exc.errors]))
    expiry = row.expires_at.strftime("%Y-%m-%d %H:%M UTC") if row.expires_at else _("never")
    access = _("read-only") if row.read_only else _("read and write")
    click.echo(_("Token %(name)s for %(username)s (%(access)s; expires: %(expiry)s). It acts with the account's "
                 "grants. Keep it secret: it is shown only now.", name=repr(row.name), username=user.username,
                 access=access, expiry=expiry))
    click.echo(secret)


def register(app) -> None:
    app.cli.add_command(api)
