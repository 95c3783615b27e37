"""The database itself refuses to change or remove an assessment record (triggers from the migration)."""
import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from tests.assessments.conftest import key
from trainer.assessments.models import Adjudication, Observation, RatingRecord


def _seed(db, w):
    now = dt.datetime.now(dt.timezone.utc)
    evaluator = w.staff["eva"][0]
    obs = Observation(exercise_id=w.exercise.id, objective_id=w.objectives[0].id, evaluator_id=evaluator.id,
                      target_unit_id=w.unit_a.id, observed_at=now, kind="strength", narrative="Seen.",
                      submission_key=key())
    db.session.add(obs)
    db.session.flush()
    db.session.add(RatingRecord(exercise_id=w.exercise.id, objective_id=w.objectives[0].id, evaluator_id=evaluator.id,
                                target_unit_id=w.unit_a.id, observation_id=obs.id, rating="P", narrative="",
                                rated_at=now, submission_key=key()))
    db.session.add(Adjudication(exercise_id=w.exercise.id, objective_id=w.objectives[0].id, audience=f"u{w.unit_a.id}",
                                target_unit_id=w.unit_a.id, rating="P", rationale="Clear.", submission_key=key()))
    db.session.commit()


@pytest.mark.parametrize("statement", [
    "UPDATE ratings SET rating = 'U'",
    "DELETE FROM ratings",
    "UPDATE observations SET narrative = 'changed'",
    "DELETE FROM observations",
    "UPDATE adjudications SET rating = 'U'",
    "DELETE FROM adjudications",
])
def test_database_refuses_update_and_delete(world, db, statement):
    _seed(db, world)
    with pytest.raises(DBAPIError) as raised:
        db.session.execute(text(statement))
        db.session.flush()
    assert "append-only" in str(raised.value)
    db.session.rollback()
    assert db.session.execute(select(RatingRecord.rating)).scalar_one() == "P"
    assert db.session.execute(select(Observation.narrative)).scalar_one() == "Seen."
    assert db.session.execute(select(Adjudication.rating)).scalar_one() == "P"


def test_inserting_amendments_is_allowed_but_a_row_is_superseded_once(world, db):
    _seed(db, world)
    old = db.session.execute(select(RatingRecord)).scalar_one()
    fields = dict(exercise_id=old.exercise_id, objective_id=old.objective_id, evaluator_id=old.evaluator_id,
                  target_unit_id=old.target_unit_id, rating="S", narrative="", rated_at=old.rated_at,
                  supersedes_id=old.id, amendment_reason="why")
    db.session.add(RatingRecord(submission_key=key(), **fields))
    db.session.commit()
    db.session.add(RatingRecord(submission_key=key(), **fields))
    with pytest.raises(DBAPIError):
        db.session.commit()
    db.session.rollback()
