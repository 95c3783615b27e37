"""Readiness as of a date: a person's for a profile, and a unit's or a nation's with the dashboard's figures."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from trainer.api.schemas.common import AnswerSchema, InputSchema
from trainer.api.schemas.org import UnitRefSchema
from trainer.readiness.models import Level
from trainer.readiness.rules import State

LEVELS = [level.value for level in Level]


class ReadinessArgs(InputSchema):
    profile = fields.String(validate=validate.Length(min=1, max=40),
                            metadata={"description": "A readiness profile code; by default the one assigned to the "
                                                     "most units in view (as on the dashboard)."})
    as_of = fields.Date(metadata={"description": "The date readiness is asked for (default: today, UTC). Past, "
                                                 "today or future."})


class ScopeArgs(ReadinessArgs):
    forecast = fields.Date(metadata={"description": "A later date whose figures are given beside (a forecast): after "
                                                "as_of, else the request is refused (422)."})


class TallySchema(AnswerSchema):
    people = fields.Integer()
    ready = fields.Integer()
    percent = fields.Float(allow_none=True, metadata={"description": "Null when there is nobody."})
    level = fields.String(allow_none=True, validate=validate.OneOf(LEVELS))


class AssessedSchema(AnswerSchema):
    level = fields.String(validate=validate.OneOf(LEVELS))
    computed_level = fields.String(validate=validate.OneOf(LEVELS))
    as_of = fields.Date()
    reason = fields.String()


class UnitFiguresSchema(UnitRefSchema):
    parent_id = fields.Integer(allow_none=True)
    figures = fields.Nested(TallySchema, metadata={"description": "The unit and its sub-units."})
    forecast = fields.Nested(TallySchema, allow_none=True)
    assessed = fields.Nested(AssessedSchema, allow_none=True,
                             metadata={"description": "The commander's latest assessed level, if any."})
    children = fields.List(fields.Nested(lambda: UnitFiguresSchema()))


class NationFiguresSchema(TallySchema):
    code = fields.String()
    name = fields.String()


class ExpiringSchema(AnswerSchema):
    within_days = fields.Integer()
    people = fields.Integer(metadata={"description": "Ready people whose evidence lapses within "
                                                                    "these days."})


class GapSchema(AnswerSchema):
    requirement = fields.String()
    state = fields.String()
    people = fields.Integer()


class TrendPointSchema(TallySchema):
    on = fields.Date(metadata={"description": "A month's last day."})


class ScopeReadinessSchema(AnswerSchema):
    profile_code = fields.String()
    profile_title = fields.String()
    as_of = fields.Date()
    forecast_on = fields.Date(allow_none=True)
    profile_assigned = fields.Boolean(metadata={
        "description": "False when the profile is assigned to nobody: then everyone in view is counted."})
    thresholds = fields.Dict(keys=fields.String(), values=fields.Float(),
                             metadata={"description": "Percent ready for green and for amber."})
    total = fields.Nested(TallySchema)
    forecast_total = fields.Nested(TallySchema, allow_none=True)
    expiring = fields.List(fields.Nested(ExpiringSchema))
    gaps = fields.List(fields.Nested(GapSchema), metadata={"description": "The most frequent gaps."})
    trend = fields.List(fields.Nested(TrendPointSchema),
                        metadata={"description": "The last six month-ends, oldest first."})
    nations = fields.List(fields.Nested(NationFiguresSchema))
    units = fields.List(fields.Nested(UnitFiguresSchema))


class RequirementSchema(AnswerSchema):
    kind = fields.String(validate=validate.OneOf(["module", "exercise", "screening"]))
    key = fields.String(metadata={"description": "The module code, \"exercise\" or \"screening\"."})
    label = fields.String()
    state = fields.String(validate=validate.OneOf(list(State.ALL)))
    met = fields.Boolean(metadata={"description": "Met, waived and expiring count as met."})
    reason = fields.String()
    valid_until = fields.Date(allow_none=True)
    next_step = fields.String()
    evidence = fields.Dict(allow_none=True)


class WaiverSchema(AnswerSchema):
    id = fields.Integer()
    requirement = fields.String()
    granted_on = fields.Date()
    expires_on = fields.Date()
    revoked = fields.Boolean()


class PersonReadinessSchema(AnswerSchema):
    person_id = fields.Integer()
    profile_code = fields.String()
    profile_title = fields.String()
    assigned_profiles = fields.List(fields.String())
    as_of = fields.Date()
    ready = fields.Boolean()
    valid_until = fields.Date(allow_none=True,
                              metadata={"description": "The last day everything stays covered."})
    requirements = fields.List(fields.Nested(RequirementSchema))
    waivers = fields.List(fields.Nested(WaiverSchema))
