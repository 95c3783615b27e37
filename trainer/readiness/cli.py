"""`flask --app wsgi readiness remind [--date YYYY-MM-DD]` and `readiness rebuild`."""
from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup
from flask_babel import gettext as _, ngettext

from trainer.extensions import db
from trainer.transactions import ExitKeepingWork, commits

readiness = AppGroup("readiness", help="Readiness reminders and validity intervals.")


@readiness.command("remind")
@click.option("--date", "day", default=None, help="The day to run the reminders for (YYYY-MM-DD); default today (UTC).")
@commits
def remind_command(day: str | None):
    """Create the reminders due on a day (expiries at 90/30/7 days, nominations, overdue items); idempotent."""
    from trainer.readiness.reminders import run_reminders

    try:
        when = dt.date.fromisoformat(day) if day else dt.datetime.now(dt.timezone.utc).date()
    except ValueError:
        raise click.BadParameter(_("Give the date as YYYY-MM-DD."), param_hint="--date")
    run = run_reminders(when)
    parts = ", ".join(f"{n} {kind}" for kind, n in sorted(run.created.items())) or _("none new")
    click.echo(_("Reminders for %(date)s: %(created)s; %(emailed)d e-mailed.", date=when.isoformat(), created=parts,
                 emailed=run.emailed))
    if run.email_failures:
        click.echo(ngettext("%(num)d e-mail could not be sent; it stays in the app.",
                            "%(num)d e-mails could not be sent; they stay in the app.", run.email_failures), err=True)
        raise ExitKeepingWork(1)


@readiness.command("rebuild")
@commits
def rebuild_command():
    """Rebuild every person's validity intervals and readiness stretches from completions, waivers and exercise
    credits (after bulk loads). On PostgreSQL, readiness pages wait until the rebuild is done."""
    from sqlalchemy import func, select

    from trainer.readiness import intervals
    from trainer.readiness.models import ReadinessState

    written = intervals.rebuild_all(exclusive=True)
    stretches = db.session.scalar(select(func.count()).select_from(ReadinessState))
    click.echo(_("Rebuilt %(intervals)d validity intervals and %(stretches)d readiness stretches.", intervals=written,
                 stretches=stretches))


def register(app) -> None:
    app.cli.add_command(readiness)
