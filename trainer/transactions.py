"""The one transaction boundary: a web request or a CLI command commits once, at its end.

Services flush and never commit. A request's work is committed after the view returns; an exception
that reaches the error handlers rolls it back (`errors.render_error`), and so does a view that answers
a refused change by showing the form again (`forms.apply_errors`). A commit that fails at the end
(a constraint the flush could not see, a database that stays locked) answers 409 or 503 and keeps
nothing. CLI commands get the same boundary through `@commits`.

Work a change leaves for its writer once it has committed (`after_commit`: counting readiness figures again, so
that the next reader need not) runs at the boundary just after the commit, each piece in a transaction of its
own. It cannot undo the change: a piece that fails is logged, and what it would have done is left to readers.
"""
from __future__ import annotations

import functools

from flask import current_app
from sqlalchemy.exc import IntegrityError, OperationalError

from trainer.db import write_intent
from trainer.extensions import db

_FOLLOW_UPS = "trainer.follow_ups"


def after_commit(work, session=None) -> None:
    """Run `work()` once the current transaction has committed at the boundary (once, however often asked)."""
    works = (session if session is not None else db.session).info.setdefault(_FOLLOW_UPS, [])
    if work not in works:
        works.append(work)


def run_follow_ups() -> None:
    """The work the committed transaction left (after_commit), each piece in a read transaction of its own that
    writes apart; called by the boundary just after its commit."""
    works = db.session.info.pop(_FOLLOW_UPS, [])
    for work in works:
        token = write_intent.set(False)
        try:
            work()
        except Exception:  # the change is committed: what the work would have done is left to readers
            current_app.logger.warning("work after a commit failed: %s", getattr(work, "__qualname__", work),
                                       exc_info=True)
        finally:
            db.session.rollback()
            write_intent.reset(token)


def _drop_follow_ups() -> None:
    db.session.info.pop(_FOLLOW_UPS, None)


def _forget_unrun(session, transaction, connection) -> None:
    """A transaction begins: the work of an earlier commit that no boundary ran (a commit made elsewhere, such as
    a test's or a bulk load's) is dropped, so that it never runs at some later boundary. A savepoint inside the
    transaction is not a new transaction."""
    if transaction.parent is None and not transaction.nested:
        session.info.pop(_FOLLOW_UPS, None)


def is_whole_transaction(transaction) -> bool:
    """Whether a session's transaction (as events hand it) is the whole one, not a savepoint inside it: work kept in
    `session.info` for the transaction is dropped when the whole one is rolled back, never with a savepoint."""
    return transaction.parent is None and not transaction.nested


def _forget_rolled_back(session, previous_transaction) -> None:
    """The transaction was rolled back (a refused form, an error page): the work it asked for is dropped with it.
    A savepoint rolled back leaves the transaction, and its work, as they were."""
    if is_whole_transaction(previous_transaction):
        session.info.pop(_FOLLOW_UPS, None)


def _commit_response(response):
    try:
        db.session.commit()
    except IntegrityError:
        _drop_follow_ups()
        db.session.rollback()
        current_app.logger.warning("commit refused by a constraint", exc_info=True)
        return _error_response(409)
    except OperationalError:
        _drop_follow_ups()
        db.session.rollback()
        current_app.logger.warning("commit failed", exc_info=True)
        response = _error_response(503)
        response.headers["Retry-After"] = "2"
        return response
    run_follow_ups()
    return response


def _error_response(status: int):
    from flask import make_response

    from trainer.errors import render_error

    return make_response(*render_error(status))


def init_app(app) -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    for name, listener in (("after_begin", _forget_unrun), ("after_soft_rollback", _forget_rolled_back)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
    app.after_request(_commit_response)

    @app.teardown_request
    def _rollback_on_error(error):
        if error is not None:
            _drop_follow_ups()
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
            run_follow_ups()
            raise
        except BaseException:
            _drop_follow_ups()
            db.session.rollback()
            raise
        db.session.commit()
        run_follow_ups()
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
    except IntegrityError as exc:
        if not is_taken_first(exc):
            raise
        db.session.rollback()  # two first saves of one row at once: the other's landed first
        raise Conflict(message) from exc


def is_taken_first(error: IntegrityError) -> bool:
    """Whether a constraint refused a write because another transaction took the same unique key first, as
    opposed to a value that should never have reached the database (a missing one, a dangling reference)."""
    original = getattr(error, "orig", None)
    state = getattr(original, "sqlstate", None)          # psycopg
    if state is not None:
        return state == "23505"                          # unique_violation
    name = getattr(original, "sqlite_errorname", "")     # sqlite3
    return name in ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY") or (
        not name and "UNIQUE constraint failed" in str(original))
