"""Readiness as of a date: a person's for a profile, and a unit's or a nation's with the dashboard's figures."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from trainer.api.schemas.org import UnitRefSchema
from trainer.readiness.models import Level
from trainer.readiness.rules import State

LEVELS = [level.value for level in Level]


class ReadinessArgs(ma.Schema):
    profile = fields.String(validate=validate.Length(min=1, max=40),
                            metadata={"description": "A readiness profile code; by default the one assigned to the "
                                                     "most units in view (as on the dashboard)."})
    as_of = fields.Date(metadata={"description": "The date readiness is asked for (default: today, UTC). Past, "
                                                 "today or future."})


class ScopeArgs(ReadinessArgs):
    forecast = fields.Date(metadata={"description": "A second date whose figures are given beside (a forecast)."})


class TallySchema(ma.Schema):
    people = fields.Integer(required=True)
    ready = fields.Integer(required=True)
    percent = fields.Float(required=True, allow_none=True, metadata={"description": "Null when there is nobody."})
    level = fields.String(required=True, allow_none=True, validate=validate.OneOf(LEVELS))


class AssessedSchema(ma.Schema):
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    computed_level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    as_of = fields.Date(required=True)
    reason = fields.String(required=True)


class UnitFiguresSchema(UnitRefSchema):
    parent_id = fields.Integer(required=True, allow_none=True)
    figures = fields.Nested(TallySchema, required=True, metadata={"description": "The unit and its sub-units."})
    forecast = fields.Nested(TallySchema, required=True, allow_none=True)
    assessed = fields.Nested(AssessedSchema, required=True, allow_none=True,
                             metadata={"description": "The commander's latest assessed level, if any."})
    children = fields.List(fields.Nested(lambda: UnitFiguresSchema()), required=True)


class NationFiguresSchema(TallySchema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class ExpiringSchema(ma.Schema):
    within_days = fields.Integer(required=True)
    people = fields.Integer(required=True, metadata={"description": "Ready people whose evidence lapses within "
                                                                    "these days."})


class GapSchema(ma.Schema):
    requirement = fields.String(required=True)
    state = fields.String(required=True)
    people = fields.Integer(required=True)


class TrendPointSchema(TallySchema):
    on = fields.Date(required=True, metadata={"description": "A month's last day."})


class ScopeReadinessSchema(ma.Schema):
    profile_code = fields.String(required=True)
    profile_title = fields.String(required=True)
    as_of = fields.Date(required=True)
    forecast_on = fields.Date(required=True, allow_none=True)
    profile_assigned = fields.Boolean(required=True, metadata={
        "description": "False when the profile is assigned to nobody: then everyone in view is counted."})
    thresholds = fields.Dict(keys=fields.String(), values=fields.Float(), required=True,
                             metadata={"description": "Percent ready for green and for amber."})
    total = fields.Nested(TallySchema, required=True)
    forecast_total = fields.Nested(TallySchema, required=True, allow_none=True)
    expiring = fields.List(fields.Nested(ExpiringSchema), required=True)
    gaps = fields.List(fields.Nested(GapSchema), required=True, metadata={"description": "The most frequent gaps."})
    trend = fields.List(fields.Nested(TrendPointSchema), required=True,
                        metadata={"description": "The last six month-ends, oldest first."})
    nations = fields.List(fields.Nested(NationFiguresSchema), required=True)
    units = fields.List(fields.Nested(UnitFiguresSchema), required=True)


class RequirementSchema(ma.Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["module", "exercise", "screening"]))
    key = fields.String(required=True, metadata={"description": "The module code, \"exercise\" or \"screening\"."})
    label = fields.String(required=True)
    state = fields.String(required=True, validate=validate.OneOf(list(State.ALL)))
    met = fields.Boolean(required=True, metadata={"description": "Met, waived and expiring count as met."})
    reason = fields.String(required=True)
    valid_until = fields.Date(required=True, allow_none=True)
    next_step = fields.String(required=True)
    evidence = fields.Dict(required=True, allow_none=True)


class WaiverSchema(ma.Schema):
    id = fields.Integer(required=True)
    requirement = fields.String(required=True)
    granted_on = fields.Date(required=True)
    expires_on = fields.Date(required=True)
    revoked = fields.Boolean(required=True)


class PersonReadinessSchema(ma.Schema):
    person_id = fields.Integer(required=True)
    profile_code = fields.String(required=True)
    profile_title = fields.String(required=True)
    assigned_profiles = fields.List(fields.String(), required=True)
    as_of = fields.Date(required=True)
    ready = fields.Boolean(required=True)
    valid_until = fields.Date(required=True, allow_none=True,
                              metadata={"description": "The last day everything stays covered."})
    requirements = fields.List(fields.Nested(RequirementSchema), required=True)
    waivers = fields.List(fields.Nested(WaiverSchema), required=True)
