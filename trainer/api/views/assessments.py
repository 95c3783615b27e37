"""The ratings and adjudications of an exercise, as the after-action report's rule lets the token's user
see them (trainer.assessments.results)."""
from __future__ import annotations

from flask_smorest import Blueprint

from trainer.api.http import actor
from trainer.api.schemas import assessments as schemas
from trainer.assessments import results as assessment_results

blp = Blueprint("api_assessments", __name__, url_prefix="/api/v1", description="Ratings and adjudications.")


def _audience(row) -> dict:
    return {"key": row.audience_key, "participant_id": row.target_participant_id, "unit_id": row.target_unit_id,
            "label": row.audience_label}


@blp.route("/exercises/<int:exercise_id>/results")
@blp.response(200, schemas.ExerciseResultsSchema)
def get_exercise_results(exercise_id: int):
    """The ratings and adjudications of an exercise

    Adjudications are open to the exercise's managers and staff, and to its players and others in scope once
    the after-action report is published (404 before). The evaluators' own ratings are open to the
    exercise's managers, the lead evaluator and the exercise director; an evaluator sees their own.
    """
    results = assessment_results.exercise_results(actor(), exercise_id)
    return {
        "exercise_id": results.capacity.exercise.id, "report_published": results.capacity.published,
        "objectives": results.objectives,
        "adjudications": [{"id": a.id, "objective_id": a.objective_id, "audience": _audience(a), "rating": a.rating,
                           "rationale": a.rationale, "adjudicated_at": a.adjudicated_at,
                           "supersedes_id": a.supersedes_id, "amendment_reason": a.amendment_reason,
                           "current": results.current("adjudication", a)} for a in results.adjudications],
        "ratings": [{"id": r.id, "objective_id": r.objective_id, "audience": _audience(r), "rating": r.rating,
                     "evaluator_participant_id": r.evaluator_id, "narrative": r.narrative, "rated_at": r.rated_at,
                     "supersedes_id": r.supersedes_id, "amendment_reason": r.amendment_reason,
                     "current": results.current("rating", r)} for r in results.ratings],
    }
