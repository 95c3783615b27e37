"""Completions (recognised prior learning, classroom sessions), module and profile assignments."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from trainer.api.schemas.common import AnswerSchema, RequestSchema, list_of
from trainer.learning.models import Method
from trainer.learning.services import RESULTS

ID = validate.Range(min=1, max=2**31 - 1)
MODULE_CODE = validate.Length(min=1, max=10)


class CompletionSchema(AnswerSchema):
    id = fields.Integer()
    person_id = fields.Integer()
    module_code = fields.String()
    module_version = fields.String()
    method = fields.String(validate=validate.OneOf(Method.ALL))
    score = fields.Integer(allow_none=True)
    completed_on = fields.Date()
    valid_until = fields.Date()
    evidence = fields.String()
    session_id = fields.Integer(allow_none=True)
    supersedes_id = fields.Integer(allow_none=True,
                                   metadata={"description": "The completion this one replaced (completions are never "
                                                            "edited: a newer one supersedes the older)."})
    superseded = fields.Boolean(metadata={"description": "Whether a newer completion replaced it."})
    created_at = fields.AwareDateTime()


class RecognisedItemSchema(RequestSchema):
    person_id = fields.Integer(required=True, validate=ID)
    module_code = fields.String(required=True, validate=MODULE_CODE)
    completed_on = fields.Date(required=True, metadata={"description": "When the prior learning was completed."})
    justification = fields.String(required=True, validate=validate.Length(max=4000),
                                  metadata={"description": "What prior learning is recognised and what evidence "
                                                           "was seen (at least 20 characters)."})


class RecognisedBatchSchema(RequestSchema):
    items = fields.List(fields.Nested(RecognisedItemSchema), required=True, validate=validate.Length(min=1, max=500))


class AttendanceRowSchema(RequestSchema):
    person_id = fields.Integer(required=True, validate=ID)
    result = fields.String(required=True, validate=validate.OneOf(RESULTS))
    score = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=100))
    evidence = fields.String(validate=validate.Length(max=4000),
                             metadata={"description": "Required for a pass unless common_evidence is given."})


class AttendanceSchema(RequestSchema):
    rows = fields.List(fields.Nested(AttendanceRowSchema), required=True, validate=validate.Length(min=1, max=500))
    common_evidence = fields.String(load_default="", validate=validate.Length(max=4000),
                                    metadata={"description": "Evidence for every row that gives none."})


class SessionCreateSchema(AttendanceSchema):
    module_code = fields.String(required=True, validate=MODULE_CODE)
    unit_id = fields.Integer(required=True, validate=ID, metadata={"description": "The unit whose people attended."})
    held_on = fields.Date(required=True)
    instructor = fields.String(required=True, validate=validate.Length(max=200))
    location = fields.String(required=True, validate=validate.Length(max=200))
    notes = fields.String(load_default="", validate=validate.Length(max=4000))


class AttendanceRecordSchema(AnswerSchema):
    person_id = fields.Integer()
    result = fields.String(validate=validate.OneOf(RESULTS))
    score = fields.Integer(allow_none=True)
    evidence = fields.String()
    completion_id = fields.Integer(allow_none=True)


class SessionSchema(AnswerSchema):
    id = fields.Integer()
    module_code = fields.String()
    module_version = fields.String()
    unit_id = fields.Integer()
    held_on = fields.Date()
    instructor = fields.String()
    location = fields.String()
    notes = fields.String()
    attendance = fields.List(fields.Nested(AttendanceRecordSchema))


class AssignmentCreateSchema(RequestSchema):
    kind = fields.String(required=True, validate=validate.OneOf(["module", "profile"]))
    code = fields.String(required=True, validate=validate.Length(min=1, max=40),
                         metadata={"description": "The module code or readiness profile code."})
    person_id = fields.Integer(validate=ID, metadata={"description": "One person, or…"})
    unit_id = fields.Integer(validate=ID, metadata={"description": "…one unit and its sub-units."})
    due_on = fields.Date(allow_none=True)


class AssignmentSchema(AnswerSchema):
    id = fields.Integer()
    kind = fields.String(validate=validate.OneOf(["module", "profile"]))
    code = fields.String()
    person_id = fields.Integer(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    due_on = fields.Date(allow_none=True)
    created_at = fields.AwareDateTime()
    withdrawn_at = fields.AwareDateTime(allow_none=True)
    withdrawal_reason = fields.String(allow_none=True)


class WithdrawalSchema(RequestSchema):
    reason = fields.String(required=True, validate=validate.Length(max=1000),
                           metadata={"description": "Why the assignment is withdrawn (at least 5 characters)."})


CompletionList = list_of(CompletionSchema, "CompletionList")
AssignmentList = list_of(AssignmentSchema, "AssignmentList")
