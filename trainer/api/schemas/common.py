"""Shapes every part of the API shares: problems, pages and texts in several languages."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from trainer import typed_values
from trainer.api.cursor import MAX_LIMIT


class AnswerSchema(ma.Schema):
    """The shape of something the API answers with: every field is always there (null where it allows none), so
    the document marks each one required."""

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        field_obj.required = True


def _date_in_range(value) -> None:
    if not typed_values.date_in_range(value):
        raise ma.ValidationError(typed_values.out_of_range_message())


def _no_control_character(value) -> None:
    if isinstance(value, str) and typed_values.has_control_character(value, multiline=True):
        raise ma.ValidationError(typed_values.control_character_message(multiline=True))


class InputSchema(ma.Schema):
    """The shape of what a request brings (its query or its body): a date falls in the years a typed date may
    (trainer.typed_values), as on the pages."""

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        if isinstance(field_obj, (fields.Date, fields.DateTime)):
            field_obj.validators = [*field_obj.validators, _date_in_range]


class RequestSchema(InputSchema):
    """The shape of a JSON request body. A number where an integer (an id, a score) is expected must be a JSON
    integer: marshmallow alone takes "18" as 18 and cuts 26.9 down to 26, which would write to person 26. A text
    holds no control character other than line breaks and tabs."""

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        super().on_bind_field(field_name, field_obj)
        if isinstance(field_obj, fields.Integer):
            field_obj.strict = True
        if isinstance(field_obj, fields.String):
            field_obj.validators = [*field_obj.validators, _no_control_character]


class FieldErrorSchema(ma.Schema):
    field = fields.String(required=True, metadata={"description": "The field (dotted path) the problem is about; "
                                                                  "empty when it is about the request as a whole."})
    pointer = fields.String(metadata={"description": "A JSON pointer into the request body, e.g. #/items/0/person_id."})
    row = fields.Integer(metadata={"description": "For a file: the row the problem is on (1 is the header)."})
    detail = fields.String(required=True)


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details."""

    class Meta:
        name = "Problem"

    type = fields.String(required=True, metadata={"description": "about:blank, or a link to the problem's "
                                                                 "description on the reference page."})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    instance = fields.String(metadata={"description": "The path of the request."})
    errors = fields.List(fields.Nested(FieldErrorSchema))


def text_field(**kwargs):
    """A text in the languages a curriculum pack gives it ({"en": ..., "fr": ...})."""
    return fields.Dict(keys=fields.String(), values=fields.String(), **kwargs)


class CursorArgs(InputSchema):
    cursor = fields.String(validate=validate.Length(max=2000),
                           metadata={"description": "The next_cursor of the page before (absent for the first page)."})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": f"Items per page, 1 to {MAX_LIMIT}."})


def page_of(item_schema, name: str):
    """A page of a list: its items and the cursor of the next page (null on the last)."""
    return type(name, (AnswerSchema,), {
        "items": fields.List(fields.Nested(item_schema)),
        "next_cursor": fields.String(allow_none=True),
    })


def list_of(item_schema, name: str):
    """A whole list (short lists are not paged)."""
    return type(name, (AnswerSchema,), {"items": fields.List(fields.Nested(item_schema))})
