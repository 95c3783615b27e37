"""trainer/transactions.py: the one boundary commits once, then runs the work the committed transaction left
(after_commit); a commit that fails keeps nothing and runs none of it."""
import logging

import pytest
from flask import Response
from sqlalchemy.exc import OperationalError

from trainer import transactions
from trainer.transactions import after_commit, commits


@pytest.fixture
def done():
    return []


def test_work_left_by_a_transaction_runs_once_after_its_commit(app, db, done):
    from trainer.db import write_intent

    def work():
        done.append(write_intent.get())         # as a reader: its own writes are made apart

    with app.test_request_context("/", method="POST"):
        write_intent.set(True)
        after_commit(work)
        after_commit(work)                      # asked twice: run once
        assert done == []
        response = transactions._commit_response(Response("ok"))
        assert response.status_code == 200 and done == [False]
        transactions._commit_response(Response("ok"))
        assert done == [False], "the work ran again at a later boundary"


def test_a_commit_that_fails_runs_none_of_the_work_now_or_later(app, db, done, monkeypatch):
    with app.test_request_context("/", method="POST"):
        after_commit(lambda: done.append("ran"))
        real = db.session.commit

        def locked():
            raise OperationalError("COMMIT", {}, Exception("database is locked"))

        monkeypatch.setattr(db.session, "commit", locked)
        assert transactions._commit_response(Response("ok")).status_code == 503
        monkeypatch.setattr(db.session, "commit", real)
        transactions._commit_response(Response("ok"))
        assert done == []


def test_work_that_fails_is_logged_and_the_answer_stands(app, db, done, caplog):
    def broken():
        raise RuntimeError("the database went away")

    with app.test_request_context("/", method="POST"), caplog.at_level(logging.WARNING):
        after_commit(broken)
        after_commit(lambda: done.append("ran"))
        assert transactions._commit_response(Response("ok")).status_code == 200
    assert "work after a commit failed" in caplog.text and done == ["ran"]


def test_a_command_runs_its_work_after_its_commit_and_none_when_it_fails(app, db, done):
    @commits
    def succeeds():
        after_commit(lambda: done.append("after success"))

    @commits
    def fails():
        after_commit(lambda: done.append("after failure"))
        raise RuntimeError("refused")

    with app.app_context():
        succeeds()
        with pytest.raises(RuntimeError):
            fails()
        succeeds()
    assert done == ["after success", "after success"]


def test_work_left_by_a_commit_made_elsewhere_never_runs_at_a_later_boundary(app, db, done):
    """A commit outside the boundary (a bulk load's, a test's) runs nothing; its work is dropped when the next
    transaction begins rather than run by some later request."""
    from sqlalchemy import text

    with app.test_request_context("/", method="POST"):
        after_commit(lambda: done.append("stale"))
        db.session.commit()                     # not the boundary: nothing runs
        db.session.execute(text("SELECT 1"))    # the next transaction
        transactions._commit_response(Response("ok"))
    assert done == []


def test_a_savepoint_keeps_the_work_and_a_rollback_drops_it(app, db, done):
    """Savepoints (a record made of several steps) neither begin nor end the transaction: its work still runs.
    A transaction rolled back (a refused form shown again, an error page) runs none of the work it asked for."""
    from sqlalchemy import text

    with app.test_request_context("/", method="POST"):
        db.session.execute(text("SELECT 1"))    # the request's transaction
        after_commit(lambda: done.append("kept"))
        with db.session.begin_nested():
            db.session.execute(text("SELECT 1"))
        savepoint = db.session.begin_nested()
        db.session.execute(text("SELECT 1"))
        savepoint.rollback()
        transactions._commit_response(Response("ok"))
        assert done == ["kept"]

        db.session.execute(text("SELECT 1"))
        after_commit(lambda: done.append("rolled back"))
        db.session.rollback()
        transactions._commit_response(Response("ok"))
    assert done == ["kept"]


def test_a_constraint_broken_at_a_flush_mid_request_is_a_conflict_and_keeps_nothing(app, db, client, make_exercise,
                                                                                     make_user, monkeypatch):
    """Two requests adding the next objective at once compute the same number; on PostgreSQL the second one's
    flush meets the first one's row. That answers 409, in the reader's words, with nothing kept, not 500."""
    import datetime as dt

    from tests.conftest import login
    from trainer.exercises import planning
    from trainer.exercises.models import Objective

    ex = make_exercise(lead="NPL", start=dt.datetime(2030, 6, 1, 6, tzinfo=dt.timezone.utc), objectives=())
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    clean = planning._clean_objective

    def the_other_request_lands_first(*args):
        db.session.add(Objective(exercise_id=ex.id, number=1, description="Theirs", capability="Protection",
                                 rating_scale="HSEEP"))
        db.session.flush()
        db.session.expunge_all()  # as if another transaction: this request's count no longer sees it
        return clean(*args)

    monkeypatch.setattr(planning, "_clean_objective", the_other_request_lands_first)
    monkeypatch.setattr(planning, "func", _CountingNothing())
    response = client.post(f"/exercises/{ex.id}/objectives", data={"description": "Mine", "capability": "Protection"})
    assert response.status_code == 409
    assert "Someone else changed this at the same time" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.query(Objective).filter_by(exercise_id=ex.id).count() == 0


class _CountingNothing:
    """`func` for a query that, like a concurrent transaction, cannot see the other request's row yet."""

    def max(self, column):
        from sqlalchemy import literal

        return literal(None)


def test_a_constraint_that_refuses_a_value_is_a_fault_not_a_conflict(app, db, client, make_exercise, make_user,
                                                                     monkeypatch, caplog):
    """Only a unique key taken first reads as "someone else changed this": a missing value reaching the database
    is the code's fault, logged with its traceback, and answered 500 with nothing kept."""
    import datetime as dt

    from tests.conftest import login
    from trainer.exercises import planning
    from trainer.exercises.models import Objective

    ex = make_exercise(lead="NPL", start=dt.datetime(2030, 6, 1, 6, tzinfo=dt.timezone.utc), objectives=())
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    monkeypatch.setattr(planning, "_clean_objective", lambda *args: (None, "Protection", None))  # no description
    with caplog.at_level(logging.ERROR):
        response = client.post(f"/exercises/{ex.id}/objectives", data={"description": "x", "capability": "y"})
    assert response.status_code == 500
    assert any(record.exc_info for record in caplog.records)
    db.session.rollback()
    assert db.session.query(Objective).filter_by(exercise_id=ex.id).count() == 0
