"""The ratings and adjudications of an exercise (HSEEP P/S/M/U), with their amendments."""
from __future__ import annotations

from marshmallow import fields, validate

from trainer.api.schemas.common import AnswerSchema
from trainer.api.schemas.exercises import ObjectiveRefSchema
from trainer.enums import Rating

RATINGS = [r.value for r in Rating]


class AudienceSchema(AnswerSchema):
    key = fields.String(metadata={"description": "p<participant id> for a player, u<unit id> "
                                                                "for a unit."})
    participant_id = fields.Integer(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    label = fields.String()


class _Record(AnswerSchema):
    id = fields.Integer()
    objective_id = fields.Integer()
    audience = fields.Nested(AudienceSchema)
    rating = fields.String(validate=validate.OneOf(RATINGS))
    supersedes_id = fields.Integer(allow_none=True)
    amendment_reason = fields.String(allow_none=True)
    current = fields.Boolean(metadata={"description": "False once an amendment superseded it."})


class RatingSchema(_Record):
    evaluator_participant_id = fields.Integer()
    narrative = fields.String()
    rated_at = fields.AwareDateTime()


class AdjudicationSchema(_Record):
    rationale = fields.String()
    adjudicated_at = fields.AwareDateTime()


class ExerciseResultsSchema(AnswerSchema):
    exercise_id = fields.Integer()
    report_published = fields.Boolean()
    objectives = fields.List(fields.Nested(ObjectiveRefSchema))
    adjudications = fields.List(fields.Nested(AdjudicationSchema),
                                metadata={"description": "The final ratings, never averaged; amendments included."})
    ratings = fields.List(fields.Nested(RatingSchema),
                          metadata={"description": "The evaluators' ratings the token may see (none for players)."})
