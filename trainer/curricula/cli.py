"""`flask --app wsgi curricula validate|import [PATH...]`"""
from __future__ import annotations

import os

import click
from flask_babel import gettext as _, lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.exc import SQLAlchemyError

from trainer import ROOT
from trainer.cli_help import CommandGroup, argument
from trainer.curricula import services
from trainer.curricula.loader import load_curricula
from trainer.extensions import db
from trainer.transactions import commits

curricula = CommandGroup("curricula", help=_l("Curriculum packs and readiness profiles."))
PATHS_HELP = _l("Pack and profile files or folders (default: the curricula/ folder).")


def default_paths(paths) -> list[str]:
    if paths:
        return list(paths)
    return [os.path.relpath(ROOT / "curricula")]


def _print_problems(problems) -> None:
    """Each problem with its file and line, worded in the operator's language."""
    for problem in problems:
        click.echo(str(problem), err=True)


@curricula.command("validate", help=_l(
    "Check packs and profiles (default: the curricula/ folder); list every problem with file and line."))
@argument("paths", nargs=-1, type=click.Path(), help=PATHS_HELP)
def validate_command(paths):
    paths = default_paths(paths)
    try:
        curriculum = services.validate_paths(paths)
    except SQLAlchemyError:
        # No database yet: the files can still be checked on their own.
        db.session.rollback()
        curriculum = load_curricula(paths)
    for warning in curriculum.warnings:
        click.echo(_("warning: %(warning)s", warning=warning), err=True)
    if curriculum.problems:
        _print_problems(curriculum.problems)
        click.echo(ngettext("%(num)d problem found.", "%(num)d problems found.", len(curriculum.problems)), err=True)
        raise SystemExit(1)
    click.echo(_("OK: %(packs)d pack(s), %(modules)d module(s), %(lessons)d lesson(s), %(questions)d question(s), "
                 "%(profiles)d profile(s); %(warnings)d warning(s).", packs=len(curriculum.packs),
                 modules=len(curriculum.modules), lessons=sum(len(m.lessons) for m in curriculum.modules),
                 questions=sum(len(m.questions) for m in curriculum.modules), profiles=len(curriculum.profiles),
                 warnings=len(curriculum.warnings)))


@curricula.command("import", help=_l("Import packs and profiles, all or nothing; unchanged content is left as it is."))
@argument("paths", nargs=-1, type=click.Path(), help=PATHS_HELP)
@commits
def import_command(paths):
    report = services.import_paths(None, default_paths(paths))
    if not report.ok:
        _print_problems(report.problems)
        click.echo(report.summary(), err=True)
        raise SystemExit(1)
    for added in report.modules_added:
        click.echo("  " + _("added module %(module)s", module=added))
    for code in report.profiles_added + report.profiles_changed:
        click.echo("  " + (_("added profile %(code)s", code=code) if code in report.profiles_added
                           else _("updated profile %(code)s", code=code)))
    click.echo(_("Imported: %(summary)s", summary=report.summary()) if report.changed
               else _("Nothing to import (everything is up to date): %(summary)s", summary=report.summary()))


def register(app) -> None:
    app.cli.add_command(curricula)
