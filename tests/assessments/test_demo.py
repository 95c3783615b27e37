import random
import datetime as dt
from types import SimpleNamespace

from sqlalchemy import func, select

from trainer.assessments import demo
from trainer.assessments.models import Adjudication, Observation, RatingRecord
from trainer.readiness.models import ExerciseCredit


def test_demo_seeds_past_exercises_with_ratings_adjudications_and_credits(world, db):
    world.exercise.status = "aar_published"
    db.session.commit()
    demo.seed(SimpleNamespace(scale="small", rng=random.Random(1), today=dt.date.today()))
    db.session.commit()
    ratings = db.session.scalar(select(func.count()).select_from(RatingRecord))
    assert ratings > 0 and ratings == db.session.scalar(select(func.count()).select_from(Observation))
    adjudications = db.session.execute(select(Adjudication)).scalars().all()
    assert len(adjudications) == 2 * 5  # two objectives x (three players + two units)
    credited = db.session.scalar(select(func.count()).select_from(ExerciseCredit))
    assert (credited > 0) == any(a.rating in "PS" for a in adjudications)
