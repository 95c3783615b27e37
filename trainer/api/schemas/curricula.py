"""Modules with their versions, and readiness profiles (mission-wide reference data). Question banks are
never given: their answers must not reach anyone before a knowledge check is submitted."""
from __future__ import annotations

from marshmallow import fields

from trainer.api.schemas.common import AnswerSchema, list_of, text_field


class LessonSchema(AnswerSchema):
    position = fields.Integer()
    slug = fields.String()
    title = text_field()
    minutes = fields.Integer()


class ModuleVersionSchema(AnswerSchema):
    code = fields.String(metadata={"example": "HR-03"})
    version = fields.String(metadata={"example": "2.1"})
    major = fields.Integer()
    minor = fields.Integer()
    is_current = fields.Boolean(metadata={"description": "The newest version of the code."})
    pack_code = fields.String()
    title = text_field()
    summary = text_field()
    audience = fields.List(fields.String())
    validity_months = fields.Integer()
    pass_mark = fields.Integer()
    questions_per_attempt = fields.Integer()
    retrain_on_major = fields.Boolean(metadata={
        "description": "Whether completions of an older major version stop counting."})
    prerequisites = fields.List(fields.String())
    objectives = fields.List(text_field())
    content_hash = fields.String()
    imported_at = fields.AwareDateTime()


class ModuleVersionDetailSchema(ModuleVersionSchema):
    lessons = fields.List(fields.Nested(LessonSchema))


class ModuleSchema(ModuleVersionSchema):
    """The current version of a module, with the numbers of all its versions."""

    versions = fields.List(fields.String(), metadata={"description": "Newest first."})


class ProfileSchema(AnswerSchema):
    code = fields.String()
    title = text_field()
    summary = text_field()
    audience = fields.String(allow_none=True)
    required_modules = fields.List(fields.String())
    exercise_types = fields.List(fields.String())
    exercise_within_months = fields.Integer(allow_none=True)
    exercise_min_outcome = fields.String(allow_none=True)
    screening_required = fields.Boolean()
    warning_days = fields.Integer()


ModuleList = list_of(ModuleSchema, "ModuleList")
ModuleVersionList = list_of(ModuleVersionSchema, "ModuleVersionList")
ProfileList = list_of(ProfileSchema, "ProfileList")
