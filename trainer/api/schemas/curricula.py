"""Modules with their versions, and readiness profiles (mission-wide reference data). Question banks are
never given: their answers must not reach anyone before a knowledge check is submitted."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from trainer.api.schemas.common import list_of, text_field


class LessonSchema(ma.Schema):
    position = fields.Integer(required=True)
    slug = fields.String(required=True)
    title = text_field(required=True)
    minutes = fields.Integer(required=True)


class ModuleVersionSchema(ma.Schema):
    code = fields.String(required=True, metadata={"example": "HR-03"})
    version = fields.String(required=True, metadata={"example": "2.1"})
    major = fields.Integer(required=True)
    minor = fields.Integer(required=True)
    is_current = fields.Boolean(required=True, metadata={"description": "The newest version of the code."})
    pack_code = fields.String(required=True)
    title = text_field(required=True)
    summary = text_field(required=True)
    audience = fields.List(fields.String(), required=True)
    validity_months = fields.Integer(required=True)
    pass_mark = fields.Integer(required=True)
    questions_per_attempt = fields.Integer(required=True)
    retrain_on_major = fields.Boolean(required=True, metadata={
        "description": "Whether completions of an older major version stop counting."})
    prerequisites = fields.List(fields.String(), required=True)
    objectives = fields.List(text_field(), required=True)
    content_hash = fields.String(required=True)
    imported_at = fields.AwareDateTime(required=True)


class ModuleVersionDetailSchema(ModuleVersionSchema):
    lessons = fields.List(fields.Nested(LessonSchema), required=True)


class ModuleSchema(ModuleVersionSchema):
    """The current version of a module, with the numbers of all its versions."""

    versions = fields.List(fields.String(), required=True, metadata={"description": "Newest first."})


class ProfileSchema(ma.Schema):
    code = fields.String(required=True)
    title = text_field(required=True)
    summary = text_field(required=True)
    audience = fields.String(required=True, allow_none=True)
    required_modules = fields.List(fields.String(), required=True)
    exercise_types = fields.List(fields.String(), required=True)
    exercise_within_months = fields.Integer(required=True, allow_none=True)
    exercise_min_outcome = fields.String(required=True, allow_none=True)
    screening_required = fields.Boolean(required=True)
    warning_days = fields.Integer(required=True)


ModuleList = list_of(ModuleSchema, "ModuleList")
ModuleVersionList = list_of(ModuleVersionSchema, "ModuleVersionList")
ProfileList = list_of(ProfileSchema, "ProfileList")
