"""The ratings and adjudications of an exercise (HSEEP P/S/M/U), with their amendments."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from trainer.api.schemas.exercises import ObjectiveRefSchema
from trainer.enums import Rating

RATINGS = [r.value for r in Rating]


class AudienceSchema(ma.Schema):
    key = fields.String(required=True, metadata={"description": "p<participant id> for a player, u<unit id> "
                                                                "for a unit."})
    participant_id = fields.Integer(required=True, allow_none=True)
    unit_id = fields.Integer(required=True, allow_none=True)
    label = fields.String(required=True)


class _Record(ma.Schema):
    id = fields.Integer(required=True)
    objective_id = fields.Integer(required=True)
    audience = fields.Nested(AudienceSchema, required=True)
    rating = fields.String(required=True, validate=validate.OneOf(RATINGS))
    supersedes_id = fields.Integer(required=True, allow_none=True)
    amendment_reason = fields.String(required=True, allow_none=True)
    current = fields.Boolean(required=True, metadata={"description": "False once an amendment superseded it."})


class RatingSchema(_Record):
    evaluator_participant_id = fields.Integer(required=True)
    narrative = fields.String(required=True)
    rated_at = fields.AwareDateTime(required=True)


class AdjudicationSchema(_Record):
    rationale = fields.String(required=True)
    adjudicated_at = fields.AwareDateTime(required=True)


class ExerciseResultsSchema(ma.Schema):
    exercise_id = fields.Integer(required=True)
    report_published = fields.Boolean(required=True)
    objectives = fields.List(fields.Nested(ObjectiveRefSchema), required=True)
    adjudications = fields.List(fields.Nested(AdjudicationSchema), required=True,
                                metadata={"description": "The final ratings, never averaged; amendments included."})
    ratings = fields.List(fields.Nested(RatingSchema), required=True,
                          metadata={"description": "The evaluators' ratings the token may see (none for players)."})
