"""`flask --app wsgi readiness remind [--date YYYY-MM-DD]` and `readiness rebuild`."""
from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup

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
        raise click.BadParameter("Give the date as YYYY-MM-DD.", param_hint="--date")
    run = run_reminders(when)
    parts = ", ".join(f"{n} {kind}" for kind, n in sorted(run.created.items())) or "none new"
    click.echo(f"Reminders for {when.isoformat()}: {parts}; {run.emailed} e-mailed.")
    if run.email_failures:
        click.echo(f"{run.email_failures} e-mail(s) could not be sent; they stay in the app.", err=True)
        raise ExitKeepingWork(1)


@readiness.command("rebuild")
@commits
def rebuild_command():
    """Rebuild every person's validity intervals and readiness stretches from completions, waivers and exercise
    credits (after bulk loads)."""
    from sqlalchemy import func, select

    from trainer.readiness import intervals
    from trainer.readiness.models import ReadinessState

    written = intervals.rebuild_all()
    stretches = db.session.scalar(select(func.count()).select_from(ReadinessState))
    click.echo(f"Rebuilt {written} validity intervals and {stretches} readiness stretches.")


def register(app) -> None:
    app.cli.add_command(readiness)
