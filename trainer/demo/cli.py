"""`flask --app wsgi demo seed|logins`"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _, ngettext

from trainer.auth.services import AuthSettings
from trainer.demo import services
from trainer.errors import DomainError
from trainer.i18n import speaks_operator_language
from trainer.transactions import commits

demo = AppGroup("demo", help="Demonstration data.")

DEFAULT_PASSWORD = "peacekeeping-demo-2026"


@demo.command("seed")
@click.option("--scale", type=click.Choice(["small", "medium", "large", "xlarge"]), default="small", show_default=True,
              help="small: 320 people; medium: 1,000; large: 10,000; xlarge: 100,000 people in 3,000 units with about "
                   "1.5 million completions and 2,000 exercises, written in bulk (COPY on PostgreSQL).")
@click.option("--password", default=DEFAULT_PASSWORD, show_default=True, help="Password of every demo account.")
@click.option("--reset", is_flag=True, help="Delete all existing data first.")
@click.option("--if-empty", is_flag=True, help="Do nothing (successfully) when the database already has data.")
@commits
@speaks_operator_language
def seed_command(scale, password, reset, if_empty):
    """Fill the database with demonstration data."""
    if not services.database_is_empty():
        if if_empty:
            click.echo(_("The database already has data; demo seed skipped."))
            return
        if not reset:
            raise click.ClickException(_("The database is not empty. Use --reset to delete everything and reseed."))
        services.reset_database()
    settings = AuthSettings.from_config(current_app.config)
    from trainer.auth.passwords import password_problems

    problems = password_problems(password)
    if problems:
        raise click.ClickException(_("Demo password rejected: %(problems)s", problems=" ".join(problems)))
    try:
        ctx = services.seed(scale, password, settings)
    except DomainError as exc:
        raise click.ClickException(str(exc.message))
    words = {"small": _("small"), "medium": _("medium"), "large": _("large"), "xlarge": _("extra-large")}
    click.echo(_("Seeded %(scale)s demo data: %(nations)s, %(units)s.", scale=words[scale],
                 nations=ngettext("%(num)d nation", "%(num)d nations", len(ctx.nations)),
                 units=ngettext("%(num)d unit", "%(num)d units", len(ctx.units))))


@demo.command("logins")
@speaks_operator_language
def logins_command():
    """Print the demo accounts."""
    rows = services.demo_logins()
    if not rows:
        click.echo(_("No accounts yet."))
        return
    click.echo(_("Demo accounts (password: the one given to `demo seed`, by default '%(password)s'):",
                 password=DEFAULT_PASSWORD))
    for username, description in rows:
        click.echo(f"  {username:<20} {description}")


def register(app) -> None:
    app.cli.add_command(demo)
