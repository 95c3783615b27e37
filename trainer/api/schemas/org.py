"""Nations, units (a tree), personnel and roster imports."""
from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _
from flask_smorest.fields import Upload
from marshmallow import fields, validate

from trainer.api.schemas.common import CursorArgs, list_of, page_of
from trainer.enums import Category, PersonStatus, Screening, UnitKind


class NationSchema(ma.Schema):
    code = fields.String(required=True, metadata={"description": "ISO 3166-1 alpha-3", "example": "NPL"})
    name = fields.String(required=True)
    active = fields.Boolean(required=True)


class UnitRefSchema(ma.Schema):
    id = fields.Integer(required=True)
    nation_code = fields.String(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)


class UnitSchema(UnitRefSchema):
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in UnitKind]))
    parent_id = fields.Integer(required=True, allow_none=True)


class UnitTreeSchema(UnitSchema):
    children = fields.List(fields.Nested(lambda: UnitTreeSchema()), required=True)


class UnitDetailSchema(UnitSchema):
    active_people = fields.Integer(required=True, metadata={"description": "Active people in the unit and its "
                                                                          "sub-units."})
    ancestors = fields.List(fields.Nested(UnitRefSchema), required=True,
                            metadata={"description": "The units above it that the token reaches, top first."})
    children = fields.List(fields.Nested(UnitTreeSchema), required=True)


class UnitsArgs(ma.Schema):
    nation = fields.String(validate=validate.Length(equal=3), metadata={"description": "Only this nation's units."})


class PersonSchema(ma.Schema):
    id = fields.Integer(required=True)
    nation_code = fields.String(required=True)
    unit = fields.Nested(UnitRefSchema, required=True)
    service_number = fields.String(required=True)
    family_name = fields.String(required=True)
    given_names = fields.String(required=True)
    family_name_latin = fields.String(required=True)
    given_names_latin = fields.String(required=True)
    rank_code = fields.String(required=True, metadata={"description": "NATO grade code, or a police or civilian "
                                                                     "category code."})
    national_rank = fields.String(required=True)
    category = fields.String(required=True, validate=validate.OneOf([c.value for c in Category]))
    email = fields.String(required=True, allow_none=True)
    screening = fields.String(required=True, validate=validate.OneOf([s.value for s in Screening]))
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in PersonStatus]))
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class PersonUpdateSchema(ma.Schema):
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


class RosterArgs(ma.Schema):
    dry_run = fields.Boolean(load_default=False,
                             metadata={"description": "Check the file and report what would change, writing nothing."})


class RosterFileSchema(ma.Schema):
    file = Upload(required=True, metadata={"description": "The roster: CSV (UTF-8, comma or semicolon) or XLSX, "
                                                          "with the columns of the roster import page."})


class RowChangeSchema(ma.Schema):
    row = fields.Integer(required=True)
    action = fields.String(required=True, validate=validate.OneOf(["create", "update", "unchanged"]))
    nation = fields.String(required=True)
    service_number = fields.String(required=True)
    name = fields.String(required=True)
    person_id = fields.Integer(required=True, allow_none=True)
    changes = fields.Dict(keys=fields.String(), values=fields.Dict(), required=True,
                          metadata={"description": "field -> {before, after}"})


class ImportReportSchema(ma.Schema):
    filename = fields.String(required=True)
    sha256 = fields.String(required=True)
    dry_run = fields.Boolean(required=True)
    applied = fields.Boolean(required=True)
    summary = fields.String(required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    transfers = fields.Integer(required=True)
    rows = fields.List(fields.Nested(RowChangeSchema), required=True)


NationList = list_of(NationSchema, "NationList")
UnitTree = list_of(UnitTreeSchema, "UnitTreeList")
PeoplePage = page_of(PersonSchema, "PeoplePage")
