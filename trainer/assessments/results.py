"""The ratings and adjudications of one exercise, as the actor may see them (for the API and any page that
lists them): who sees what follows the after-action report's rule (trainer.assessments.access.Capacity).

- Adjudications, the final ratings, are seen by whoever may see the report: the exercise's managers and
  staff at any time, its players and others in scope once the report is published.
- Evaluators' own ratings are seen by the lead evaluator and the exercise director (who adjudicate from
  them) and by the exercise's managers; an evaluator sees their own. Players never see them.

Both come with their amendments (append-only rows that supersede older ones), each marked current or not.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from trainer.assessments.access import Capacity, capacity_for
from trainer.assessments.models import Adjudication, RatingRecord
from trainer.errors import NotFound
from trainer.exercises.models import Objective
from trainer.extensions import db


@dataclass
class ExerciseResults:
    capacity: Capacity
    objectives: list[Objective]
    ratings: list[RatingRecord] = field(default_factory=list)
    adjudications: list[Adjudication] = field(default_factory=list)
    superseded: set[tuple[str, int]] = field(default_factory=set)   # ("rating" | "adjudication", id)

    def current(self, kind: str, row) -> bool:
        return (kind, row.id) not in self.superseded


def _sees_all_ratings(cap: Capacity) -> bool:
    return cap.manager or cap.adjudicator


def exercise_results(actor, exercise_id) -> ExerciseResults:
    """The ratings and adjudications of the exercise the actor may see; NotFound when the exercise is out of
    reach, or when its results are not open to the actor yet (a player before the report is published)."""
    cap = capacity_for(actor, exercise_id)
    if not cap.can_see_report:
        raise NotFound()
    exercise = cap.exercise
    objectives = list(db.session.scalars(select(Objective).where(Objective.exercise_id == exercise.id)
                                         .order_by(Objective.number)))
    results = ExerciseResults(cap, objectives)
    results.adjudications = list(db.session.scalars(select(Adjudication).where(Adjudication.exercise_id == exercise.id)
                                                    .order_by(Adjudication.objective_id, Adjudication.id)))
    ratings = select(RatingRecord).where(RatingRecord.exercise_id == exercise.id)
    if _sees_all_ratings(cap):
        results.ratings = list(db.session.scalars(ratings.order_by(RatingRecord.objective_id, RatingRecord.id)))
    elif cap.evaluator:
        results.ratings = list(db.session.scalars(ratings.where(RatingRecord.evaluator_id == cap.me.id)
                                                  .order_by(RatingRecord.objective_id, RatingRecord.id)))
    results.superseded = ({("rating", r.supersedes_id) for r in results.ratings if r.supersedes_id}
                          | {("adjudication", a.supersedes_id) for a in results.adjudications if a.supersedes_id})
    return results
