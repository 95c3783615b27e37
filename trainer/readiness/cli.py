"""`flask --app wsgi readiness remind [--date YYYY-MM-DD]`, `readiness count [--date YYYY-MM-DD]` and
`readiness rebuild`."""
from __future__ import annotations

import datetime as dt

import click
from flask_babel import gettext as _, lazy_gettext as _l, ngettext

from trainer.cli_help import CommandGroup, option
from trainer.db import utc_today
from trainer.extensions import db
from trainer.transactions import ExitKeepingWork, commits

readiness = CommandGroup("readiness", help=_l("Readiness reminders and validity intervals."))


@readiness.command("remind", help=_l(
    "Create the reminders due on a day (expiries at 90/30/7 days, nominations, overdue items); idempotent."))
@option("--date", "day", default=None,
        help=_l("The day to run the reminders for (YYYY-MM-DD); default today (UTC)."))
@commits
def remind_command(day: str | None):
    from trainer.readiness.reminders import run_reminders

    when = _day(day, utc_today)
    run = run_reminders(when)
    parts = ", ".join(_created(kind, n) for kind, n in sorted(run.created.items())) or _("none new")
    click.echo(_("Reminders for %(date)s: %(created)s; %(emailed)d e-mailed.", date=when.isoformat(), created=parts,
                 emailed=run.emailed))
    if run.email_failures:
        click.echo(ngettext("%(num)d e-mail could not be sent; it stays in the app.",
                            "%(num)d e-mails could not be sent; they stay in the app.", run.email_failures), err=True)
        raise ExitKeepingWork(1)


def _day(given: str | None, default) -> dt.date:
    """The day of a --date option (YYYY-MM-DD, within the years readiness reckons with), or default() when none is
    given."""
    from trainer.errors import Invalid
    from trainer.readiness.profiles import parse_day

    if not given:
        return default()
    try:
        return parse_day(given, field="date")
    except Invalid as exc:
        raise click.BadParameter(exc.message, param_hint="--date") from None


def _created(kind: str, n: int) -> str:
    """How many reminders of a kind were created, in words."""
    if kind == "expiry":
        return ngettext("%(num)d about an expiry", "%(num)d about expiries", n)
    if kind == "nomination":
        return ngettext("%(num)d about a nomination", "%(num)d about nominations", n)
    if kind == "improvement":
        return ngettext("%(num)d about an improvement action", "%(num)d about improvement actions", n)
    return f"{n} {kind}"


@readiness.command("count", help=_l(
    "Count every unit's readiness figures for a new day before anyone asks, for each profile asked for the day "
    "before; run it daily just after midnight UTC (cron), so that the day's first readiness page is not the one that "
    "counts the whole force."))
@option("--date", "day", default=None, help=_l("The day to count the figures for (YYYY-MM-DD); default today (UTC)."))
@commits
def count_command(day: str | None):
    from trainer.readiness.recount import for_new_day, pages_day

    when = _day(day, pages_day)
    counted = for_new_day(when)
    if not counted:
        click.echo(_("No readiness profile was asked for on %(date)s: nothing to count.",
                     date=(when - dt.timedelta(days=1)).isoformat()))
    for profile_code, units in sorted(counted.items()):
        if units is None:
            click.echo(_("%(profile)s on %(date)s: not counted (see the log); the first page of the day will count "
                         "it.", profile=profile_code, date=when.isoformat()), err=True)
            continue
        click.echo(ngettext("%(profile)s on %(date)s: %(num)d unit counted.",
                            "%(profile)s on %(date)s: %(num)d units counted.", units, profile=profile_code,
                            date=when.isoformat()))
    if None in counted.values():
        raise SystemExit(1)


@readiness.command("rebuild", help=_l(
    "Rebuild every person's validity intervals and readiness stretches from completions, waivers and exercise "
    "credits (after bulk loads). On PostgreSQL, readiness pages wait until the rebuild is done."))
@commits
def rebuild_command():
    from sqlalchemy import func, select

    from trainer.readiness import intervals
    from trainer.readiness.models import ReadinessState

    written = intervals.rebuild_all(exclusive=True)
    stretches = db.session.scalar(select(func.count()).select_from(ReadinessState))
    click.echo(_("Rebuilt %(intervals)d validity intervals and %(stretches)d readiness stretches.", intervals=written,
                 stretches=stretches))


def register(app) -> None:
    app.cli.add_command(readiness)
