"""The one transaction boundary: a web request or a CLI command commits once, at its end.

Services flush and never commit. A request's work is committed after the view returns; an exception
that reaches the error handlers rolls it back (`errors.render_error`), and so does a view that answers
a refused change by showing the form again (`forms.apply_errors`). A commit that fails at the end
(a constraint the flush could not see, a database that stays locked) answers 409 or 503 and keeps
nothing. CLI commands get the same boundary through `@commits`.
"""
from __future__ import annotations

import functools

from flask import current_app
from sqlalchemy.exc import IntegrityError, OperationalError

from trainer.extensions import db


def _commit_response(response):
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        current_app.logger.warning("commit refused by a constraint", exc_info=True)
        return _error_response(409)
    except OperationalError:
        db.session.rollback()
        current_app.logger.warning("commit failed", exc_info=True)
        response = _error_response(503)
        response.headers["Retry-After"] = "2"
        return response
    return response


def _error_response(status: int):
    from flask import make_response

    from trainer.errors import render_error

    return make_response(*render_error(status))


def init_app(app) -> None:
    app.after_request(_commit_response)

    @app.teardown_request
    def _rollback_on_error(error):
        if error is not None:
            db.session.rollback()


class ExitKeepingWork(SystemExit):
    """A CLI command's non-zero exit that keeps what it did: its work is committed, then the command
    exits with this status (e.g. reminders created, but some e-mails could not be sent)."""


def commits(command):
    """Run a CLI command in one transaction: commit when it returns, roll back when it raises
    (including click's own exits, so a command that reports failure keeps nothing), except for
    ExitKeepingWork, which commits first."""
    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            result = command(*args, **kwargs)
        except ExitKeepingWork:
            db.session.commit()
            raise
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return result

    return run


def flush_versioned(message: str) -> None:
    """Flush a change to a versioned row; a concurrent change to the same row is a Conflict with
    this message (the request then rolls back, and the form shows what was typed)."""
    from sqlalchemy.orm.exc import StaleDataError

    from trainer.errors import Conflict

    try:
        db.session.flush()
    except StaleDataError as exc:
        db.session.rollback()
        raise Conflict(message) from exc
