"""Exercises with their objectives and participants, and nominations. The MSEL is not part of the API: a
player must never see it, and the systems the API serves have no use for it."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from trainer.api.schemas.common import AnswerSchema, CursorArgs, RequestSchema, list_of, page_of
from trainer.enums import ExerciseType, ParticipantRole
from trainer.exercises.models import ExerciseStatus, ParticipantStatus

ROLES = [r.value for r in ParticipantRole]


class ExercisesArgs(CursorArgs):
    nation = fields.String(validate=validate.Length(equal=3), metadata={"description": "Exercises it takes part in."})
    type = fields.String(validate=validate.OneOf([t.value for t in ExerciseType]))
    status = fields.String(validate=validate.OneOf([s.value for s in ExerciseStatus]))


class ObjectiveRefSchema(AnswerSchema):
    id = fields.Integer()
    number = fields.Integer()
    description = fields.String()


class ObjectiveSchema(ObjectiveRefSchema):
    capability = fields.String()
    module_code = fields.String(allow_none=True)
    rating_scale = fields.String()


class ExerciseSchema(AnswerSchema):
    id = fields.Integer()
    code = fields.String()
    title = fields.String()
    type = fields.String(validate=validate.OneOf([t.value for t in ExerciseType]),
                         metadata={"description": "HSEEP type."})
    military_name = fields.String(allow_none=True, metadata={"description": "CPX, FTX or LIVEX."})
    status = fields.String(validate=validate.OneOf([s.value for s in ExerciseStatus]))
    lead_nation_code = fields.String()
    nation_codes = fields.List(fields.String())
    location_name = fields.String()
    timezone = fields.String(metadata={"description": "IANA time zone of the location."})
    start_at = fields.AwareDateTime()
    end_at = fields.AwareDateTime()
    prerequisite_modules = fields.List(fields.String())


class ParticipantSchema(AnswerSchema):
    id = fields.Integer()
    nation_code = fields.String()
    rank_code = fields.String()
    name = fields.String(metadata={"description": "Latin form of the name."})
    person_id = fields.Integer(allow_none=True, metadata={
        "description": "Given only when the token reaches the personnel record."})
    unit_id = fields.Integer(allow_none=True)
    role = fields.String(validate=validate.OneOf(ROLES))
    status = fields.String(validate=validate.OneOf([s.value for s in ParticipantStatus]))
    nominated_at = fields.AwareDateTime()
    decided_at = fields.AwareDateTime(allow_none=True)


class ExerciseDetailSchema(ExerciseSchema):
    scenario_summary = fields.String()
    objectives = fields.List(fields.Nested(ObjectiveSchema))
    participants = fields.List(fields.Nested(ParticipantSchema), metadata={
        "description": "Those the token may see: planners see every nomination, a nation its own, everyone "
                       "else the confirmed participants."})


class NominationSchema(RequestSchema):
    person_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class DecisionSchema(RequestSchema):
    decision = fields.String(required=True, validate=validate.OneOf(["confirm", "decline"]))


ExercisePage = page_of(ExerciseSchema, "ExercisePage")
ParticipantList = list_of(ParticipantSchema, "ParticipantList")
