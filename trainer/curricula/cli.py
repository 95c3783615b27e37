"""`flask --app wsgi curricula validate|import [PATH...]`"""
from __future__ import annotations

import os

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from trainer import ROOT
from trainer.curricula import services
from trainer.curricula.loader import load_curricula
from trainer.extensions import db
from trainer.transactions import commits

curricula = AppGroup("curricula", help="Curriculum packs and readiness profiles.")


def default_paths(paths) -> list[str]:
    if paths:
        return list(paths)
    return [os.path.relpath(ROOT / "curricula")]


def _print_problems(problems) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


@curricula.command("validate")
@click.argument("paths", nargs=-1, type=click.Path())
def validate_command(paths):
    """Check packs and profiles (default: the curricula/ folder); list every problem with file and line."""
    paths = default_paths(paths)
    try:
        curriculum = services.validate_paths(paths)
    except SQLAlchemyError:
        # No database yet: the files can still be checked on their own.
        db.session.rollback()
        curriculum = load_curricula(paths)
    for warning in curriculum.warnings:
        click.echo(f"warning: {warning}", err=True)
    if curriculum.problems:
        _print_problems(curriculum.problems)
        click.echo(f"{len(curriculum.problems)} problem(s) found.", err=True)
        raise SystemExit(1)
    click.echo(f"OK: {len(curriculum.packs)} pack(s), {len(curriculum.modules)} module(s), "
               f"{sum(len(m.lessons) for m in curriculum.modules)} lesson(s), "
               f"{sum(len(m.questions) for m in curriculum.modules)} question(s), "
               f"{len(curriculum.profiles)} profile(s); {len(curriculum.warnings)} warning(s).")


@curricula.command("import")
@click.argument("paths", nargs=-1, type=click.Path())
@commits
def import_command(paths):
    """Import packs and profiles, all or nothing; unchanged content is left as it is."""
    report = services.import_paths(None, default_paths(paths))
    if not report.ok:
        _print_problems(report.problems)
        click.echo(report.summary(), err=True)
        raise SystemExit(1)
    for added in report.modules_added:
        click.echo(f"  added module {added}")
    for code in report.profiles_added + report.profiles_changed:
        click.echo(f"  {'added' if code in report.profiles_added else 'updated'} profile {code}")
    click.echo(("Imported: " if report.changed else "Nothing to import (everything is up to date): ") + report.summary())


def register(app) -> None:
    app.cli.add_command(curricula)
