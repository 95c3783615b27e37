"""Assessment records are reached through their exercise: an observation, a rating or an improvement
item is in scope when its exercise is (the services then check the actor's part in the exercise)."""
from __future__ import annotations

from sqlalchemy import select

from trainer.assessments.models import ImprovementItem, Observation, RatingRecord
from trainer.auth import scoping
from trainer.exercises.models import Exercise


def _through_exercise(model):
    def condition(grant, actor):
        _, exercise_condition = scoping._KINDS["exercise"]
        part = exercise_condition(grant, actor)
        if part is None:
            return None
        return model.exercise_id.in_(select(Exercise.id).where(part))
    return condition


def register() -> None:
    """Tell the scoping helper how this domain's objects map onto grant scopes (called by create_app)."""
    scoping.register_kind("observation", Observation, _through_exercise(Observation))
    scoping.register_kind("rating", RatingRecord, _through_exercise(RatingRecord))
    scoping.register_kind("item", ImprovementItem, _through_exercise(ImprovementItem))
