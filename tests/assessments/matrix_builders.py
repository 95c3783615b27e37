"""Objects for the access matrix: an observation, a rating and an improvement item inside and outside scope."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select


def _records(world):
    from tests.auth.test_access_matrix import Objects, objects_for
    from trainer.assessments.models import ImprovementItem, Observation, RatingRecord
    from trainer.exercises.models import Participant

    db = world.db
    ex_objects = objects_for(world, "exercise")
    ex_id, objective_id = ex_objects.inside["exercise_id"], ex_objects.inside["objective_id"]
    lead = db.session.execute(select(Participant).where(Participant.exercise_id == ex_id,
                                                        Participant.role == "lead_evaluator")).scalar_one()
    now = dt.datetime.now(dt.timezone.utc)
    obs = Observation(exercise_id=ex_id, objective_id=objective_id, evaluator_id=lead.id,
                      target_participant_id=ex_objects.inside["participant_id"], observed_at=now, kind="strength",
                      narrative="Seen.", submission_key=str(uuid.uuid4()))
    db.session.add(obs)
    db.session.flush()
    rating = RatingRecord(exercise_id=ex_id, objective_id=objective_id, evaluator_id=lead.id,
                          target_participant_id=obs.target_participant_id, observation_id=obs.id, rating="S",
                          narrative="", rated_at=now, submission_key=str(uuid.uuid4()))
    item = ImprovementItem(exercise_id=ex_id, objective_id=objective_id, finding="Finding", corrective_action="Act",
                           owner_nation_code=world.nation_in, due_on=dt.date(2031, 6, 1))
    db.session.add_all([rating, item])
    outside = None
    if ex_objects.outside:
        out_item = ImprovementItem(exercise_id=ex_objects.outside["exercise_id"], finding="Outside",
                                   corrective_action="Act", owner_nation_code=world.nation_out,
                                   due_on=dt.date(2031, 6, 1))
        db.session.add(out_item)
        db.session.flush()
        outside = {"item_id": out_item.id}
    db.session.flush()
    return obs, rating, item, outside, Objects


def _observation(world):
    obs, _, _, _, Objects = _records(world)
    return Objects(inside={"observation_id": obs.id})


def _rating(world):
    _, rating, _, _, Objects = _records(world)
    return Objects(inside={"rating_id": rating.id})


def _item(world):
    _, _, item, outside, Objects = _records(world)
    return Objects(inside={"item_id": item.id}, outside=outside)


BUILDERS = {"observation": _observation, "rating": _rating, "item": _item}
