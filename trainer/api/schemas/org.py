"""Nations, units (a tree), personnel and roster imports."""
from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _
from flask_smorest.fields import Upload
from marshmallow import fields, validate

from trainer.api.schemas.common import AnswerSchema, CursorArgs, InputSchema, RequestSchema, list_of, page_of
from trainer.enums import Category, PersonStatus, Screening, UnitKind


class NationSchema(AnswerSchema):
    code = fields.String(metadata={"description": "ISO 3166-1 alpha-3", "example": "NPL"})
    name = fields.String()
    active = fields.Boolean()


class UnitRefSchema(AnswerSchema):
    id = fields.Integer()
    nation_code = fields.String()
    code = fields.String()
    name = fields.String()


class UnitSchema(UnitRefSchema):
    kind = fields.String(validate=validate.OneOf([k.value for k in UnitKind]))
    parent_id = fields.Integer(allow_none=True)


class UnitTreeSchema(UnitSchema):
    children = fields.List(fields.Nested(lambda: UnitTreeSchema()))


class UnitDetailSchema(UnitSchema):
    active_people = fields.Integer(metadata={"description": "Active people in the unit and its "
                                                                          "sub-units."})
    ancestors = fields.List(fields.Nested(UnitRefSchema),
                            metadata={"description": "The units above it that the token reaches, top first."})
    children = fields.List(fields.Nested(UnitTreeSchema))


class UnitsArgs(InputSchema):
    nation = fields.String(validate=validate.Length(equal=3), metadata={"description": "Only this nation's units."})


class PersonSchema(AnswerSchema):
    id = fields.Integer()
    nation_code = fields.String()
    unit = fields.Nested(UnitRefSchema)
    service_number = fields.String()
    family_name = fields.String()
    given_names = fields.String()
    family_name_latin = fields.String()
    given_names_latin = fields.String()
    rank_code = fields.String(metadata={"description": "NATO grade code, or a police or civilian "
                                                                     "category code."})
    national_rank = fields.String()
    category = fields.String(validate=validate.OneOf([c.value for c in Category]))
    email = fields.String(allow_none=True)
    screening = fields.String(validate=validate.OneOf([s.value for s in Screening]))
    status = fields.String(validate=validate.OneOf([s.value for s in PersonStatus]))
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class PersonUpdateSchema(RequestSchema):
    """The fields to change; the others keep their values. The personnel rules of the pages apply."""

    service_number = fields.String(validate=validate.Length(max=40))
    family_name = fields.String(validate=validate.Length(max=120))
    given_names = fields.String(validate=validate.Length(max=200))
    family_name_latin = fields.String(validate=validate.Length(max=120))
    given_names_latin = fields.String(validate=validate.Length(max=200))
    rank_code = fields.String(validate=validate.Length(max=10))
    national_rank = fields.String(validate=validate.Length(max=80))
    category = fields.String(validate=validate.OneOf([c.value for c in Category]))
    email = fields.String(allow_none=True, validate=validate.Length(max=254))
    screening = fields.String(validate=validate.OneOf([s.value for s in Screening]))

    @ma.validates_schema
    def _something(self, data, **kwargs):
        if not data:
            raise ma.ValidationError(_("Give at least one field to change."))


class PeopleArgs(CursorArgs):
    q = fields.String(validate=validate.Length(max=200), metadata={"description": "Words of a name (any script "
                                                                                   "or its Latin form) or a service number; accents and case do not matter."})
    nation = fields.String(validate=validate.Length(equal=3))
    unit_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1),
                             metadata={"description": "Only people of this unit and its sub-units."})
    category = fields.String(validate=validate.OneOf([c.value for c in Category]))
    status = fields.String(load_default=PersonStatus.ACTIVE.value,
                           validate=validate.OneOf([s.value for s in PersonStatus] + ["any"]),
                           metadata={"description": "active (default), left_service, or any."})
    screening = fields.String(validate=validate.OneOf([s.value for s in Screening]))


class RosterArgs(InputSchema):
    dry_run = fields.Boolean(load_default=False,
                             metadata={"description": "Check the file and report what would change, writing nothing."})


class RosterFileSchema(ma.Schema):
    file = Upload(required=True, metadata={"description": "The roster: CSV (UTF-8, comma or semicolon) or XLSX, "
                                                          "with the columns of the roster import page."})


class RowChangeSchema(AnswerSchema):
    row = fields.Integer()
    action = fields.String(validate=validate.OneOf(["create", "update", "unchanged"]))
    nation = fields.String()
    service_number = fields.String()
    name = fields.String()
    person_id = fields.Integer(allow_none=True)
    changes = fields.Dict(keys=fields.String(), values=fields.Dict(),
                          metadata={"description": "field -> {before, after}"})


class ImportReportSchema(AnswerSchema):
    filename = fields.String()
    sha256 = fields.String()
    dry_run = fields.Boolean()
    applied = fields.Boolean()
    summary = fields.String()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    transfers = fields.Integer()
    rows = fields.List(fields.Nested(RowChangeSchema))


NationList = list_of(NationSchema, "NationList")
UnitTree = list_of(UnitTreeSchema, "UnitTreeList")
PeoplePage = page_of(PersonSchema, "PeoplePage")
